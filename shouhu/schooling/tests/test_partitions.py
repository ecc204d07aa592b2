"""Attendance by month: roll calls and their absences are partitioned by `day` on PostgreSQL (the
day in their keys, an absence's composite foreign key to its roll call), made ahead by the one
duty for every partitioned table, and read by date: the roll-call sheet, the head teacher's
to-dos, a school's figures and the dropout rules prune partitions (their EXPLAIN is read).
SQLite keeps plain tables; the migration runs both ways on both databases."""

import datetime
import re

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from shouhu.audit.jobs import partitions_made_ahead
from shouhu.core.partitions import (
    TABLES,
    is_partitioned,
    months_after,
    partitions,
    partitions_ensure,
)
from shouhu.reports.selectors.attendance import attendance_rate_for
from shouhu.schooling.jobs import absence_visits_raise
from shouhu.schooling.models import Absence, AbsenceReason, RollCall
from shouhu.schooling.models.dropout import SuspectRule
from shouhu.schooling.selectors.attendance import (
    attendance_of_node,
    attendance_page_for,
    attendance_todos_for,
    roll_call_sheet_for,
    roll_calls_today_for,
)
from shouhu.schooling.services.dropout_detect import suspects_detect
from shouhu.schooling.tests.attendance_world import clock
from shouhu.schooling.tests.dropout_helpers import roll_call
from shouhu.testing.dates import TODAY, weekdays_after

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitions are PostgreSQL's"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plain tables")

ROLL, ABSENCE = "schooling_rollcall", "schooling_absence"
THIS_MONTH = TODAY.replace(day=1)
PARTITIONED = ("schooling", "0006_attendance_partitioned")
PLAIN = ("schooling", "0005_absence_once_per_roll_with_day")


def _constraints(table: str, kind: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = %s ORDER BY conname",
            [table, kind],
        )
        return [row[0] for row in cursor.fetchall()]


@on_postgresql
@pytest.mark.django_db
def test_roll_calls_and_absences_are_partitioned_by_month_with_the_day_in_their_keys():
    assert {ROLL, ABSENCE} <= {t.table for t in TABLES}
    for table in (ROLL, ABSENCE):
        assert is_partitioned(table)
        assert _constraints(table, "p") == ["PRIMARY KEY (id, day)"]
        assert THIS_MONTH in partitions(table)
        # public_id, client_id, (class, day), (roll call, child, day): each unique with the day.
        assert all(u.endswith("day)") for u in _constraints(table, "u")), _constraints(table, "u")
    assert (
        "FOREIGN KEY (roll_call_id, day) REFERENCES schooling_rollcall(id, day) "
        "DEFERRABLE INITIALLY DEFERRED"
    ) in _constraints(ABSENCE, "f")
    # Nothing else points into attendance: the history tables stay plain, their roll_call
    # without a constraint.
    assert not is_partitioned("schooling_historicalrollcall")
    assert not is_partitioned("schooling_historicalabsence")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
            "AND confrelid IN ('schooling_rollcall'::regclass, 'schooling_absence'::regclass) "
            "AND conparentid = 0"  # not the partitions' copies
        )
        assert [row[0] for row in cursor.fetchall()] == [ABSENCE]


@on_postgresql
@pytest.mark.django_db
def test_an_absence_dated_otherwise_than_its_roll_call_is_refused(world, head_teacher):
    call = roll_call(world.class_a, TODAY, by=head_teacher)
    with pytest.raises(IntegrityError), transaction.atomic():
        Absence.objects.create(
            roll_call=call, child=world.child_a, day=TODAY - datetime.timedelta(days=40)
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@on_sqlite
@pytest.mark.django_db
def test_on_sqlite_the_attendance_tables_are_plain():
    assert not is_partitioned(ROLL) and not is_partitioned(ABSENCE)
    assert partitions(ROLL) == partitions(ABSENCE) == []


@on_postgresql
@pytest.mark.django_db
def test_a_roll_call_or_absence_in_a_month_without_a_partition_is_refused_until_the_duty(
    world, head_teacher
):
    last = {t: partitions(t)[-1] for t in (ROLL, ABSENCE)}
    assert last[ROLL] == last[ABSENCE]
    beyond = months_after(last[ROLL], 1)
    with pytest.raises(DatabaseError, match="no partition"), transaction.atomic():
        roll_call(world.class_a, beyond, by=head_teacher)
    with pytest.raises(DatabaseError, match="no partition"), transaction.atomic():
        # The roll call's month made alone: its absence still finds none.
        assert partitions_ensure(first=beyond, last=beyond, tables=(ROLL,))
        roll_call(world.class_a, beyond, absent=[world.child_a], by=head_teacher)

    # The duty, run on the last month made: that month and three more, for every table.
    assert partitions_made_ahead(last[ROLL]) == f"新建分区 {3 * len(TABLES)} 个"
    assert all(months_after(beyond, n) in partitions(t) for t in last for n in range(3))
    call = roll_call(world.class_a, beyond, absent=[world.child_a], by=head_teacher)
    assert call.absences.get().child == world.child_a


# --- pruning ----------------------------------------------------------------------------------


def _scanned(sql: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return set(re.findall(rf"\b{table}_p\d{{6}}\b", plan))


def _pruned(queries: list[dict]) -> dict[str, list[int]]:
    """For each attendance table, how many partitions each query reading it scans (the
    captured SQL has its values inlined, as Django sends them). The reads only: a row saved
    by its id (the duty's visit task set on the absence) finds it by the key of each month."""
    counts: dict[str, list[int]] = {ROLL: [], ABSENCE: []}
    for query in queries:
        if not query["sql"].startswith("SELECT"):
            continue
        for table in counts:
            if f'"{table}"' in query["sql"]:
                counts[table].append(len(_scanned(query["sql"], table)))
    return counts


def _read(function, **kwargs) -> tuple[object, dict[str, list[int]]]:
    assert len(partitions(ABSENCE)) > 24  # every month would be many more than read
    with CaptureQueriesContext(connection) as queries:
        result = function(**kwargs)
    return result, _pruned(queries.captured_queries)


SCHOOL_DAY = weekdays_after(TODAY, 1)  # a weekday after the pinned Sunday


@pytest.fixture
def attendance(world, head_teacher):
    """Roll calls of class A on four weekdays, child A absent with no reason at each (a
    suspected dropout), the last on the school day the reads look at."""
    days = [weekdays_after(TODAY - datetime.timedelta(days=7), n) for n in range(1, 4)]
    for day in [*days, SCHOOL_DAY]:
        roll_call(world.class_a, day, absent=[world.child_a], by=head_teacher)
    return days


@on_postgresql
@pytest.mark.django_db
@pytest.mark.usefixtures("attendance")
def test_the_head_teachers_roll_call_sheet_and_to_dos_read_only_the_days_month(world, head_teacher):
    with clock(SCHOOL_DAY, 11):
        sheet, counts = _read(
            roll_call_sheet_for, user=head_teacher, school_class=world.class_a, day=SCHOOL_DAY
        )
        assert sheet.absent == 1
        assert counts[ROLL] and counts[ABSENCE], counts
        assert all(n == 1 for n in counts[ROLL] + counts[ABSENCE]), counts

        rows, counts = _read(roll_calls_today_for, user=head_teacher, classes=[world.class_a])
        assert [row.absent for row in rows] == [1]
        assert counts[ROLL] and all(n == 1 for n in counts[ROLL] + counts[ABSENCE]), counts

        todos, counts = _read(attendance_todos_for, user=head_teacher)
        assert [due.absence.child for due in todos.calls_due] == [world.child_a]
        assert counts[ABSENCE] and all(n == 1 for n in counts[ROLL] + counts[ABSENCE]), counts

        raised, counts = _read(absence_visits_raise, day=SCHOOL_DAY)
        assert raised == 1
        assert all(n == 1 for n in counts[ROLL] + counts[ABSENCE]), counts


@on_postgresql
@pytest.mark.django_db
@pytest.mark.usefixtures("attendance")
def test_a_schools_figures_for_a_month_a_day_and_the_term_read_only_their_months(
    world, school_leader
):
    month = SCHOOL_DAY.replace(day=1)
    end = months_after(month, 1) - datetime.timedelta(days=1)
    result, counts = _read(attendance_of_node, node=world.school_a, start=month, end=end)
    assert result.figures.absent >= 1 and result.units
    assert counts[ROLL] and counts[ABSENCE], counts
    assert all(n == 1 for n in counts[ROLL] + counts[ABSENCE]), counts

    with clock(SCHOOL_DAY, 17):
        rate, counts = _read(
            attendance_rate_for, user=school_leader, node=world.school_a, term=world.term
        )
        assert rate.whole
        assert counts[ABSENCE] and all(1 <= n <= 8 for n in counts[ROLL] + counts[ABSENCE])

        page, counts = _read(
            attendance_page_for,
            user=school_leader,
            node=world.school_a,
            day=SCHOOL_DAY,
            term=world.term,
        )
        assert page.on_day.absent == 1
        assert counts[ABSENCE] and all(1 <= n <= 8 for n in counts[ROLL] + counts[ABSENCE])


@on_postgresql
@pytest.mark.django_db
@pytest.mark.usefixtures("attendance")
def test_the_dropout_rules_read_only_the_months_of_their_look_back(world):
    found, counts = _read(suspects_detect, day=SCHOOL_DAY)
    assert found[SuspectRule.ABSENT_DAYS] == 1
    assert counts[ROLL] and counts[ABSENCE], counts
    assert all(1 <= n <= 8 for n in counts[ROLL] + counts[ABSENCE]), counts


# --- the migration ----------------------------------------------------------------------------


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def test_the_migration_keeps_every_roll_call_and_absence_both_ways(
    transactional_db, world, head_teacher
):
    # The months around the pinned day (another test run before on this database may have
    # rebuilt or dropped some).
    partitions_ensure(first=months_after(THIS_MONTH, -60), last=months_after(THIS_MONTH, 36))
    old = roll_call(
        world.class_a, TODAY - datetime.timedelta(days=400), absent=[world.child_a], by=head_teacher
    )
    new = roll_call(world.class_a, TODAY, absent=[world.child_a], by=head_teacher)
    kept = set(Absence.objects.values_list("roll_call_id", "child_id", "day", "reason"))
    last_absence = Absence.objects.order_by("-pk").first().pk
    try:
        _migrate(PLAIN)
        assert not is_partitioned(ROLL) and not is_partitioned(ABSENCE)
        assert set(RollCall.objects.values_list("pk", flat=True)) == {old.pk, new.pk}
        _migrate(PARTITIONED)
        assert is_partitioned(ROLL) == is_partitioned(ABSENCE) == (connection.vendor != "sqlite")
        absences = Absence.objects.values_list("roll_call_id", "child_id", "day", "reason")
        assert set(absences) == kept
        assert RollCall.objects.get(pk=old.pk).public_id == old.public_id
        # The ids go on from the last: one sequence, never reused.
        later = roll_call(
            world.class_a,
            TODAY + datetime.timedelta(days=1),
            absent=[world.child_a],
            reason=AbsenceReason.SICK,
            by=head_teacher,
        )
        assert later.pk > new.pk and later.absences.get().pk > last_absence
    finally:
        # The test database's months around the pinned day, as conftest.py made them.
        partitions_ensure(first=months_after(THIS_MONTH, -60), last=months_after(THIS_MONTH, 36))
