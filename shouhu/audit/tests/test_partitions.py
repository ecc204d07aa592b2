"""The access log's months: partitions on PostgreSQL, made ahead by a duty, dropped whole by
retention; a plain table on SQLite, where retention deletes the same whole months. The
privacy officer's search reads only the months it asks for (its EXPLAIN is read)."""

import datetime
import re

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from shouhu.audit.jobs import partitions_made_ahead
from shouhu.audit.models import AccessAction, AccessLog
from shouhu.audit.partitions import TABLE, access_log_expire
from shouhu.audit.selectors import LogFilters, access_log_for
from shouhu.audit.services import access_record
from shouhu.core import partitions as core_partitions
from shouhu.core.partitions import months_after
from shouhu.testing.dates import SHANGHAI, TODAY

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitions are PostgreSQL's"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plain table")

THIS_MONTH = TODAY.replace(day=1)


def is_partitioned() -> bool:
    return core_partitions.is_partitioned(TABLE)


def months() -> list[datetime.date]:
    return core_partitions.partitions(TABLE)


def _log_on(moment: datetime.datetime, user, child) -> AccessLog:
    with time_machine.travel(moment, tick=False):
        return access_record(user=user, action=AccessAction.VIEW, child=child)


def _in_month(month: datetime.date, dom: int = 15, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(month.replace(day=dom), datetime.time(hour), SHANGHAI)


@on_postgresql
def test_on_postgresql_the_access_log_is_partitioned_by_month_with_at_in_its_key():
    assert is_partitioned()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'audit_accesslog'::regclass AND contype = 'p'"
        )
        assert cursor.fetchone() == ("PRIMARY KEY (id, at)",)
    assert THIS_MONTH in months()


@on_sqlite
def test_on_sqlite_the_access_log_is_a_plain_table_and_the_duty_makes_nothing():
    assert not is_partitioned()
    assert months() == []
    assert partitions_made_ahead(TODAY) == "新建分区 0 个"


@on_postgresql
def test_a_write_in_a_month_without_a_partition_is_refused_until_the_duty_makes_it(
    world, head_teacher
):
    beyond = months_after(months()[-1], 1)  # the first month not made
    moment = datetime.datetime.combine(beyond.replace(day=2), datetime.time(10), datetime.UTC)
    with pytest.raises(DatabaseError, match="no partition"), transaction.atomic():
        _log_on(moment, head_teacher, world.child_a)

    # The duty, run on the last month made: that month and three more, three of them new (for
    # every partitioned table: the test database has the same months of each).
    tables = len(core_partitions.TABLES)
    assert partitions_made_ahead(months_after(beyond, -1)) == f"新建分区 {3 * tables} 个"
    row = _log_on(moment, head_teacher, world.child_a)
    assert AccessLog.objects.get(pk=row.pk).at == moment
    assert months_after(beyond, 3) not in months()
    assert partitions_made_ahead(beyond) == f"新建分区 {tables} 个"  # a month on: three ahead
    assert partitions_made_ahead(beyond) == "新建分区 0 个"  # run twice: nothing more


def test_retention_drops_the_months_past_the_keeping_time_whole(world, head_teacher, settings):
    settings.SHOUHU_ACCESS_LOG_KEEP_MONTHS = 6
    user, child = head_teacher, world.child_a
    kept_from = months_after(THIS_MONTH, -6)
    old = _log_on(_in_month(months_after(kept_from, -1)), user, child)
    older = _log_on(_in_month(months_after(kept_from, -2)), user, child)
    first_kept = _log_on(_in_month(kept_from, dom=1, hour=0), user, child)
    recent = _log_on(_in_month(THIS_MONTH), user, child)

    if is_partitioned():
        # The rows were written in this test's transaction: their deferred foreign-key checks
        # would hold the partitions (a nightly run has none pending).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    gone = access_log_expire(TODAY)

    assert f"{months_after(kept_from, -1):%Y-%m}" in gone
    assert f"{months_after(kept_from, -2):%Y-%m}" in gone
    assert f"{kept_from:%Y-%m}" not in gone
    left = set(AccessLog.objects.values_list("pk", flat=True))
    assert {old.pk, older.pk}.isdisjoint(left)
    assert {first_kept.pk, recent.pk} <= left
    if is_partitioned():
        assert min(months()) == kept_from
    assert access_log_expire(TODAY) == []  # a second run finds nothing


def test_the_access_log_is_never_kept_less_than_the_legal_six_months(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import shouhu.settings

    monkeypatch.setenv("SHOUHU_ACCESS_LOG_KEEP_MONTHS", "5")
    with pytest.raises(ImproperlyConfigured, match="at least 6 months"):
        importlib.reload(shouhu.settings)
    monkeypatch.delenv("SHOUHU_ACCESS_LOG_KEEP_MONTHS")
    importlib.reload(shouhu.settings)


def _scanned(queryset) -> set[str]:
    return set(re.findall(r"audit_accesslog_p\d{6}", queryset.explain()))


@on_postgresql
def test_the_privacy_officers_search_reads_only_the_months_it_asks_for(world, privacy_officer):
    assert len(months()) > 12
    default = access_log_for(privacy_officer, filters=LogFilters())
    scanned = _scanned(default)
    assert 1 <= len(scanned) <= 5, scanned  # ~90 days: four months at most, not all
    one_month = access_log_for(
        privacy_officer,
        filters=LogFilters(start=THIS_MONTH, end=THIS_MONTH + datetime.timedelta(days=9)),
    )
    assert _scanned(one_month) == {f"audit_accesslog_p{THIS_MONTH:%Y%m}"}
