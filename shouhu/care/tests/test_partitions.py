"""Care actions and their child links by month: partitions on PostgreSQL (done_on in their keys,
the links' composite foreign key to their action), made ahead by the one duty for every
partitioned table, and read by month: the worklist's and the compliance roll-up's queries
prune partitions (their EXPLAIN is read). SQLite keeps plain tables; the migration runs both
ways on both databases."""

import datetime
import re

import pytest
import time_machine
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from shouhu.audit.jobs import partitions_made_ahead
from shouhu.audit.models import AccessAction, AccessLog
from shouhu.audit.services import access_record
from shouhu.care.compliance import compliance_for
from shouhu.care.models import ActionKind, CareAction, CareActionChild
from shouhu.care.rules import month_from_key
from shouhu.care.selectors.worklist import worklist_for
from shouhu.care.tests.conftest import at
from shouhu.core.partitions import (
    TABLES,
    is_partitioned,
    months_after,
    partitions,
    partitions_ensure,
)
from shouhu.testing.dates import TODAY, iso, month_key
from shouhu.testing.factories import CareActionFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitions are PostgreSQL's"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plain tables")

ACTION, LINK = "care_careaction", "care_careactionchild"
THIS_MONTH = TODAY.replace(day=1)
PARTITIONED = ("care", "0011_care_actions_partitioned")
PLAIN = ("care", "0010_care_action_links_key_and_fks")


def _constraints(table: str, kind: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = %s ORDER BY conname",
            [table, kind],
        )
        return [row[0] for row in cursor.fetchall()]


def _unique_indexes(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND indisunique AND NOT indisprimary",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


@on_postgresql
@pytest.mark.django_db
def test_care_actions_and_links_are_partitioned_by_month_with_done_on_in_their_keys():
    for table in (ACTION, LINK):
        assert is_partitioned(table)
        assert _constraints(table, "p") == ["PRIMARY KEY (id, done_on)"]
        assert THIS_MONTH in partitions(table)
        # public_id, client_id, (action, child): each unique with the date.
        assert all("done_on)" in index for index in _unique_indexes(table))
    assert (
        "FOREIGN KEY (action_id, done_on) REFERENCES care_careaction(id, done_on) "
        "DEFERRABLE INITIALLY DEFERRED"
    ) in _constraints(LINK, "f")
    # Nothing else points into the actions: those foreign keys are the application's.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text FROM pg_constraint "
            "WHERE confrelid = 'care_careaction'::regclass AND contype = 'f' "
            "AND conparentid = 0"  # not the partitions' copies
        )
        assert [row[0] for row in cursor.fetchall()] == [LINK]


@on_postgresql
@pytest.mark.django_db
def test_a_link_dated_otherwise_than_its_action_is_refused(world, teacher):
    action = CareActionFactory(author=teacher, children=[world.child_a])
    with pytest.raises(IntegrityError), transaction.atomic():
        CareActionChild.objects.create(
            action=action,
            child=world.child_b,
            kind=action.kind,
            done_on=action.done_on - datetime.timedelta(days=40),
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@on_sqlite
@pytest.mark.django_db
def test_on_sqlite_every_table_is_plain_and_the_duty_makes_nothing():
    assert not any(is_partitioned(t.table) for t in TABLES)
    assert all(partitions(t.table) == [] for t in TABLES)
    assert partitions_made_ahead(TODAY) == "新建分区 0 个"


def _write_in(month: datetime.date, *, world, user) -> dict[str, object]:
    """One row of every partitioned table dated in the month (the action first: a link holds
    its action's date)."""
    moment = datetime.datetime.combine(month.replace(day=2), datetime.time(10), datetime.UTC)
    with time_machine.travel(moment, tick=False):
        log = access_record(user=user, action=AccessAction.VIEW, child=world.child_a)
    action = CareAction.objects.create(
        kind=ActionKind.TALK, done_on=month.replace(day=2), author=user
    )
    link = CareActionChild.objects.create(
        action=action, child=world.child_a, kind=action.kind, done_on=action.done_on
    )
    return {"audit_accesslog": log, ACTION: action, LINK: link}


@on_postgresql
@pytest.mark.django_db
def test_a_write_in_a_month_without_a_partition_is_refused_in_every_table_until_the_duty(
    world, teacher
):
    assert {t.table for t in TABLES} >= {"audit_accesslog", ACTION, LINK}
    last = {t.table: partitions(t.table)[-1] for t in TABLES}
    beyond = months_after(min(last.values()), 1)  # the first month not made everywhere
    assert set(last.values()) == {months_after(beyond, -1)}

    moment = datetime.datetime.combine(beyond.replace(day=2), datetime.time(10), datetime.UTC)
    with pytest.raises(DatabaseError, match="no partition"), transaction.atomic():
        with time_machine.travel(moment, tick=False):
            access_record(user=teacher, action=AccessAction.VIEW, child=world.child_a)
    with pytest.raises(DatabaseError, match="no partition"), transaction.atomic():
        CareAction.objects.create(kind=ActionKind.TALK, done_on=beyond, author=teacher)
    with pytest.raises(DatabaseError, match="no partition"), transaction.atomic():
        # The action's month made alone: its link still finds none.
        assert partitions_ensure(first=beyond, last=beyond, tables=(ACTION,))
        action = CareAction.objects.create(kind=ActionKind.TALK, done_on=beyond, author=teacher)
        CareActionChild.objects.create(
            action=action, child=world.child_a, kind=action.kind, done_on=beyond
        )

    # The duty, run on the last month made: that month and three more, for every table.
    assert partitions_made_ahead(months_after(beyond, -1)) == f"新建分区 {3 * len(TABLES)} 个"
    for table in last:
        assert [months_after(beyond, n) in partitions(table) for n in range(3)] == [True] * 3
    rows = _write_in(beyond, world=world, user=teacher)
    assert AccessLog.objects.filter(pk=rows["audit_accesslog"].pk).exists()
    assert CareAction.objects.get(pk=rows[ACTION].pk).links.get() == rows[LINK]


def _scanned(sql: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return set(re.findall(rf"\b{table}_p\d{{6}}\b", plan))


def _pruned(queries: list[dict]) -> dict[str, list[int]]:
    """For each care table, how many partitions each query reading it scans (the captured SQL
    has its values inlined, as Django sends them)."""
    counts: dict[str, list[int]] = {ACTION: [], LINK: []}
    for query in queries:
        sql = query["sql"]
        for table in counts:
            if re.search(rf'"{table}"', sql):
                counts[table].append(len(_scanned(sql, table)))
    return counts


@pytest.fixture
def care_work(world, teacher, paired):
    for on in ("2026-10-12", "2026-11-20"):
        with at(on):
            CareActionFactory(
                author=teacher,
                children=[world.child_a],
                done_on=datetime.date.fromisoformat(iso(on)),
            )


@on_postgresql
@pytest.mark.django_db
@pytest.mark.usefixtures("care_work")
def test_the_teachers_worklist_reads_only_the_months_of_its_periods(teacher):
    total = len(partitions(LINK))
    assert total > 24
    with CaptureQueriesContext(connection) as queries:
        worklist = worklist_for(teacher)
    assert worklist is not None
    counts = _pruned(queries.captured_queries)
    assert counts[LINK], "the worklist reads the links"
    assert all(1 <= n <= 8 for n in counts[LINK] + counts[ACTION]), counts  # a term at most


@on_postgresql
@pytest.mark.django_db
@pytest.mark.usefixtures("care_work")
def test_the_county_compliance_for_a_month_reads_only_the_months_of_its_columns(
    world, region_officer
):
    month = month_from_key(month_key("2026-10"))
    with CaptureQueriesContext(connection) as queries:
        result = compliance_for(region_officer, node=world.county, month=month)
    assert result.total
    counts = _pruned(queries.captured_queries)
    assert counts[LINK], "the roll-up reads the links"
    assert all(1 <= n <= 8 for n in counts[LINK] + counts[ACTION]), counts


@on_postgresql
@pytest.mark.django_db
@pytest.mark.usefixtures("care_work")
def test_a_class_compliance_by_teacher_and_child_reads_only_the_months_of_its_columns(
    world, head_teacher
):
    month = month_from_key(month_key("2026-10"))
    with CaptureQueriesContext(connection) as queries:
        result = compliance_for(head_teacher, node=world.class_a, month=month)
    assert result.children  # statuses_by_child's rows
    counts = _pruned(queries.captured_queries)
    assert len(counts[LINK]) >= 2, counts  # by proxy parent, then by child
    assert all(1 <= n <= 8 for n in counts[LINK] + counts[ACTION]), counts


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def test_the_migration_keeps_every_action_and_link_both_ways(transactional_db, world, teacher):
    old = CareActionFactory(
        author=teacher, children=[world.child_a], done_on=TODAY - datetime.timedelta(days=400)
    )
    new = CareActionFactory(author=teacher, children=[world.child_a, world.child_b])
    kept = {(link.action_id, link.child_id, link.done_on) for link in CareActionChild.objects.all()}
    try:
        _migrate(PLAIN)
        assert not is_partitioned(ACTION) and not is_partitioned(LINK)
        assert set(CareAction.objects.values_list("pk", flat=True)) == {old.pk, new.pk}
        _migrate(PARTITIONED)
        assert is_partitioned(ACTION) == is_partitioned(LINK) == (connection.vendor != "sqlite")
        links = CareActionChild.objects.values_list("action_id", "child_id", "done_on")
        assert set(links) == kept
        assert CareAction.objects.get(pk=old.pk).public_id == old.public_id
        # The ids go on from the last: one sequence, never reused.
        assert CareActionFactory(author=teacher, children=[world.child_b]).pk > new.pk
    finally:
        # The test database's months around the pinned day, as conftest.py made them.
        partitions_ensure(first=months_after(THIS_MONTH, -60), last=months_after(THIS_MONTH, 36))
