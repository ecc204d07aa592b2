"""The access log's monthly partitions on PostgreSQL (declarative partitioning by `at`).

On PostgreSQL `audit_accesslog` is a table partitioned by range of `at`, one partition a month
(`audit_accesslog_p202611`: November 2026 in China's time), its primary key (id, at) (a
partitioned table's keys include its partition column; nothing has a foreign key to the log).
There is no default partition: a row whose month has no partition is refused, so the duty
`audit.partitions_ahead` keeps the next `AHEAD_MONTHS` months made. Retention drops whole
months past `SHOUHU_ACCESS_LOG_KEEP_MONTHS` (docs/privacy.md, Retention), never deleting rows
one by one (the log is append-only: its trigger refuses DELETE, and DROP is not a DELETE).

SQLite keeps a plain table: there, the same retention deletes the same whole months' rows.
"""

import datetime
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from shouhu.audit.models import AccessLog

TABLE = AccessLog._meta.db_table
AHEAD_MONTHS = 3
_NAME = re.compile(rf"^{TABLE}_p(\d{{4}})(\d{{2}})$")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_after(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def partition_name(month: datetime.date) -> str:
    return f"{TABLE}_p{month:%Y%m}"


def _bound(month: datetime.date) -> str:
    """The first moment of the month in China, as a timestamptz literal."""
    moment = datetime.datetime.combine(month, datetime.time.min, ZoneInfo(settings.TIME_ZONE))
    return moment.isoformat(sep=" ")


def is_partitioned(using: str = DEFAULT_DB_ALIAS) -> bool:
    conn = connections[using]
    if conn.vendor != "postgresql":
        return False
    with conn.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s", [TABLE])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def partitions(using: str = DEFAULT_DB_ALIAS) -> list[datetime.date]:
    """The months that have a partition, in order (none on SQLite)."""
    if not is_partitioned(using):
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = (_NAME.match(name) for name in names)
    return sorted(datetime.date(int(m[1]), int(m[2]), 1) for m in found if m)


def partitions_ensure(
    *, first: datetime.date, last: datetime.date, using: str = DEFAULT_DB_ALIAS
) -> list[str]:
    """Make the partitions of every month from `first`'s to `last`'s that has none; the
    names made. Nothing on SQLite."""
    if not is_partitioned(using):
        return []
    have = set(partitions(using))
    made = []
    conn = connections[using]
    quote = conn.ops.quote_name
    month = month_start(first)
    with conn.cursor() as cursor:
        while month <= month_start(last):
            if month not in have:
                name = partition_name(month)
                # Names and bounds are made here from dates, never from input.
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {quote(name)} PARTITION OF {quote(TABLE)} "
                    f"FOR VALUES FROM ('{_bound(month)}') TO ('{_bound(months_after(month, 1))}')"
                )
                made.append(name)
            month = months_after(month, 1)
    return made


def partitions_ahead(day: datetime.date, *, months: int = AHEAD_MONTHS) -> list[str]:
    """The day's month and the next `months` months, made if missing."""
    return partitions_ensure(first=day, last=months_after(month_start(day), months))


def keep_from(day: datetime.date) -> datetime.date:
    """The first month kept on the day: every row is kept at least
    SHOUHU_ACCESS_LOG_KEEP_MONTHS whole months."""
    return months_after(month_start(day), -settings.SHOUHU_ACCESS_LOG_KEEP_MONTHS)


def access_log_expire(day: datetime.date, *, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Retention of the access log on the day: the months before `keep_from(day)` go whole.
    On PostgreSQL their partitions are detached and dropped; on SQLite their rows are deleted
    in one statement. The months gone (YYYY-MM)."""
    cutoff = keep_from(day)
    conn = connections[using]
    quote = conn.ops.quote_name
    if is_partitioned(using):
        gone = [m for m in partitions(using) if m < cutoff]
        with conn.cursor() as cursor:
            for month in gone:
                name = quote(partition_name(month))
                cursor.execute(f"ALTER TABLE {quote(TABLE)} DETACH PARTITION {name}")
                cursor.execute(f"DROP TABLE {name}")
        return [f"{m:%Y-%m}" for m in gone]
    old = AccessLog.objects.using(using).filter(at__lt=_moment(cutoff))
    months = sorted({f"{m:%Y-%m}" for m in old.order_by().datetimes("at", "month")})
    if months:
        # The append-only queryset refuses delete(); retention is the one exception.
        old._raw_delete(using)
    return months


def _moment(month: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(month, datetime.time.min, ZoneInfo(settings.TIME_ZONE))
