"""The access log's retention: whole months go, never rows one by one.

On PostgreSQL `audit_accesslog` is one of the tables partitioned by month
(`shouhu.core.partitions`: the months made ahead by the duty `audit.partitions_ahead`), its
primary key (id, at); nothing has a foreign key to the log. Retention drops whole months past
`SHOUHU_ACCESS_LOG_KEEP_MONTHS` (docs/privacy.md, Retention): their partitions are detached and
dropped (the log is append-only: its trigger refuses DELETE, and DROP is not a DELETE).

SQLite keeps a plain table: there, the same retention deletes the same whole months' rows.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from shouhu.audit.models import AccessLog
from shouhu.core.partitions import (
    is_partitioned,
    month_start,
    months_after,
    partition_drop,
    partitions,
)

TABLE = AccessLog._meta.db_table


def keep_from(day: datetime.date) -> datetime.date:
    """The first month kept on the day: every row is kept at least
    SHOUHU_ACCESS_LOG_KEEP_MONTHS whole months."""
    return months_after(month_start(day), -settings.SHOUHU_ACCESS_LOG_KEEP_MONTHS)


def access_log_expire(day: datetime.date, *, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Retention of the access log on the day: the months before `keep_from(day)` go whole.
    On PostgreSQL their partitions are detached and dropped; on SQLite their rows are deleted
    in one statement. The months gone (YYYY-MM)."""
    cutoff = keep_from(day)
    if is_partitioned(TABLE, using):
        gone = [m for m in partitions(TABLE, using) if m < cutoff]
        for month in gone:
            partition_drop(TABLE, month, using)
        return [f"{m:%Y-%m}" for m in gone]
    old = AccessLog.objects.using(using).filter(at__lt=_moment(cutoff))
    months = sorted({f"{m:%Y-%m}" for m in old.order_by().datetimes("at", "month")})
    if months:
        # The append-only queryset refuses delete(); retention is the one exception.
        old._raw_delete(using)
    return months


def _moment(month: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(month, datetime.time.min, ZoneInfo(settings.TIME_ZONE))
