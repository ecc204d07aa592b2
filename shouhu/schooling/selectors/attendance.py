"""Reads of attendance (考勤) for a user: a class's roll-call sheet, the head teacher's
follow-up to-dos, a child's absences, and the figures of a node (a class, a school, a township,
the county) for a day or a span. Every read of rows starts from the user's scope; a row outside
it is a 404."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from shouhu.care.reading import SEALED_CHILD_FIELDS
from shouhu.care.rules import percent
from shouhu.core.forms import parse_id
from shouhu.core.roles import Perm
from shouhu.core.visibility import ChildField, Visibility, visibility
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.org.selectors import class_filter, unit_nodes
from shouhu.registry.models import Child
from shouhu.schooling.models import Absence, AbsenceReason, RollCall
from shouhu.schooling.rules_attendance import Stage, absence_stage, roll_call_overdue
from shouhu.schooling.selectors.calendar import is_school_day, schools_in_session

UNEXPLAINED = (AbsenceReason.UNKNOWN, AbsenceReason.TRUANT)


def roll_call_due_time() -> datetime.time:
    return datetime.time.fromisoformat(settings.SHOUHU_ROLL_CALL_DUE)


def call_delay() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.SHOUHU_ABSENCE_CALL_MINUTES)


# --- the roll-call sheet ------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    child_id: int
    name: str
    reason: str  # "" when present
    note: str
    stage: Stage | None
    absence_id: int | None = None


@dataclass(frozen=True)
class RollCallSheet:
    school_class: SchoolClass
    day: datetime.date
    school_day: bool
    roll: RollCall | None
    rows: list[SheetRow]

    @property
    def absent(self) -> int:
        return sum(1 for r in self.rows if r.reason)

    @property
    def present(self) -> int:
        return len(self.rows) - self.absent


def roll_call_sheet_for(user, *, school_class: SchoolClass, day: datetime.date) -> RollCallSheet:
    """The class's register for the day, each child present unless the roll call says absent.
    The caller found the class through `class_get_for` (a 404 outside the scope)."""
    from shouhu.schooling.services.attendance import register_on

    roll = RollCall.objects.filter(school_class=school_class, day=day).first()
    # By the day too: on PostgreSQL the absences are partitioned by it (docs/scale.md).
    absences = (
        {a.child_id: a for a in Absence.objects.filter(roll_call=roll, day=day)}
        if roll is not None
        else {}
    )
    now = timezone.now()
    rows = []
    children = register_on(school_class, day).only("pk", "name").order_by("name_pinyin", "pk")
    for child in children:
        a = absences.get(child.pk)
        rows.append(
            SheetRow(
                child_id=child.pk,
                name=child.name,
                reason=a.reason if a else "",
                note=a.note if a else "",
                stage=_stage(a, roll, now) if a and roll else None,
                absence_id=a.pk if a else None,
            )
        )
    return RollCallSheet(
        school_class=school_class,
        day=day,
        school_day=is_school_day(school_class.school_id, day),
        roll=roll,
        rows=rows,
    )


def _stage(absence: Absence, roll: RollCall, now: datetime.datetime) -> Stage:
    return absence_stage(
        unknown=absence.reason == AbsenceReason.UNKNOWN,
        called=absence.call_id is not None,
        has_visit=absence.visit_task_id is not None,
        taken_at=roll.taken_at,
        now=now,
        call_after=call_delay(),
    )


def absence_get_for(user, absence_id) -> Absence:
    """An absence the user may follow up, or 404."""
    pk = parse_id(absence_id)
    absence = (
        Absence.objects.restrict(user)
        .select_related("roll_call__school_class", "child")
        .defer(*(f"child__{f}" for f in SEALED_CHILD_FIELDS))
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if absence is None:
        raise Http404
    return absence


# --- the head teacher's to-dos ------------------------------------------------------------------


@dataclass(frozen=True)
class CallDue:
    absence: Absence
    overdue_minutes: int


@dataclass
class AttendanceTodos:
    roll_calls_due: list[SchoolClass] = field(default_factory=list)  # not taken by 10:00
    calls_due: list[CallDue] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.roll_calls_due or self.calls_due)


def attendance_todos_for(user, *, now: datetime.datetime | None = None) -> AttendanceTodos:
    """我的待办 of attendance, for the head teacher of a class (computed on read):

    - the class's roll call, not taken by SHOUHU_ROLL_CALL_DUE on a school day;
    - each 未知 absence of today still unexplained SHOUHU_ABSENCE_CALL_MINUTES after the roll
      call, with no call recorded: call the guardian and record the call.
    """
    todos = AttendanceTodos()
    if not user.has_perm_to(Perm.ATTENDANCE_RECORD):
        return todos
    now = now or timezone.now()
    local = timezone.localtime(now)
    day = local.date()
    classes = list(
        SchoolClass.objects.restrict(user)
        .filter(head_teacher=user)
        .select_related("school")
        .order_by("grade", "name")
    )
    if not classes:
        return todos
    in_session = schools_in_session(list({c.school_id for c in classes}), day)
    taken = set(
        RollCall.objects.filter(school_class__in=classes, day=day).values_list(
            "school_class_id", flat=True
        )
    )
    due = roll_call_due_time()
    todos.roll_calls_due = [
        c
        for c in classes
        if roll_call_overdue(
            school_day=c.school_id in in_session,
            taken=c.pk in taken,
            now=local.time(),
            due=due,
        )
    ]
    unknown = (
        Absence.objects.restrict(user)
        .filter(
            roll_call__school_class__in=classes,
            day=day,
            roll_call__day=day,  # the joined roll calls pruned to the day's month too
            reason=AbsenceReason.UNKNOWN,
            call__isnull=True,
            visit_task__isnull=True,
            roll_call__taken_at__lte=now - call_delay(),
        )
        .select_related("child", "roll_call")
        .only("pk", "day", "reason", "child__name", "child__public_id", "roll_call__taken_at")
        .order_by("roll_call__taken_at", "child__name_pinyin")
    )
    todos.calls_due = [
        CallDue(
            absence=a,
            overdue_minutes=int((now - a.roll_call.taken_at - call_delay()).total_seconds() // 60),
        )
        for a in unknown
    ]
    return todos


# --- a child's absences (the child's file) ------------------------------------------------------


@dataclass(frozen=True)
class ChildAttendance:
    term: Term | None
    visibility: Visibility
    absences: list[Absence]  # empty unless shown in full
    by_reason: dict[str, int]  # label → days

    @property
    def total(self) -> int:
        return sum(self.by_reason.values())

    @property
    def full(self) -> bool:
        return self.visibility == Visibility.FULL


def child_attendance_for(user, *, child: Child, term: Term | None) -> ChildAttendance | None:
    """The child's absences this term, as the privacy matrix's `attendance` row allows: in full
    (days, reasons, notes), or only counts by reason (masked), or nothing (hidden → None)."""
    shown = visibility(user, ChildField.ATTENDANCE)
    if shown == Visibility.HIDDEN or term is None:
        return None
    rows = Absence.objects.restrict(user).filter(
        child=child, day__gte=term.starts_on, day__lte=term.ends_on
    )
    counts = dict(rows.values_list("reason").annotate(n=Count("id")).values_list("reason", "n"))
    by_reason = {
        str(AbsenceReason(r).label): counts[r] for r in AbsenceReason.values if counts.get(r)
    }
    absences = (
        list(rows.select_related("explained_by").order_by("-day"))
        if shown == Visibility.FULL
        else []
    )
    return ChildAttendance(term=term, visibility=shown, absences=absences, by_reason=by_reason)


# --- figures of a node ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceFigures:
    """Pupil-days expected at the roll calls taken, and the absences, left-behind beside the
    others. Classes whose roll call was not taken count in neither."""

    roll_calls: int = 0
    expected: int = 0
    expected_left_behind: int = 0
    absent: int = 0
    absent_left_behind: int = 0
    unexplained: int = 0
    unexplained_left_behind: int = 0

    @property
    def rate(self) -> float | None:
        return percent(self.expected - self.absent, self.expected)

    @property
    def rate_left_behind(self) -> float | None:
        return percent(
            self.expected_left_behind - self.absent_left_behind, self.expected_left_behind
        )

    @property
    def rate_others(self) -> float | None:
        expected = self.expected - self.expected_left_behind
        return percent(expected - (self.absent - self.absent_left_behind), expected)

    @property
    def unexplained_others(self) -> int:
        return self.unexplained - self.unexplained_left_behind

    def as_dict(self) -> dict:
        return {
            "roll_calls": self.roll_calls,
            "expected": self.expected,
            "absent": self.absent,
            "unexplained": self.unexplained,
            "rate": self.rate,
            "rate_left_behind": self.rate_left_behind,
            "rate_others": self.rate_others,
            "unexplained_left_behind": self.unexplained_left_behind,
            "unexplained_others": self.unexplained_others,
        }


@dataclass(frozen=True)
class AttendanceUnit:
    node: Region | School | SchoolClass
    figures: AttendanceFigures


@dataclass(frozen=True)
class NodeAttendance:
    start: datetime.date
    end: datetime.date
    figures: AttendanceFigures
    units: list[AttendanceUnit]


_ROLL_SUMS = {
    "roll_calls": Count("id"),
    "expected": Sum("expected"),
    "expected_left_behind": Sum("expected_left_behind"),
}
_ABSENCE_COUNTS = {
    "absent": Count("id"),
    "absent_left_behind": Count("id", filter=Q(left_behind=True)),
    "unexplained": Count("id", filter=Q(reason__in=UNEXPLAINED)),
    "unexplained_left_behind": Count("id", filter=Q(reason__in=UNEXPLAINED, left_behind=True)),
}


def _figures(roll: dict | None, absent: dict | None) -> AttendanceFigures:
    values = {k: (roll or {}).get(k) or 0 for k in _ROLL_SUMS}
    values |= {k: (absent or {}).get(k) or 0 for k in _ABSENCE_COUNTS}
    return AttendanceFigures(**values)


def _add(into: dict, row: dict, keys) -> None:
    for k in keys:
        into[k] = into.get(k, 0) + (row[k] or 0)


def attendance_of_node(
    node, *, start: datetime.date, end: datetime.date, with_units: bool = True
) -> NodeAttendance:
    """The node's figures from start to end (one day: start == end), and one level down (a
    school's classes, a township's schools, a county's townships).

    With units, three queries: the node's classes with their unit, then the roll calls and
    the absences counted per class (no join to the tree over a term's rows), added up here per
    unit and for the node (every class counts, in a unit or not). Without, two aggregates.
    The caller has checked that the node is in the user's scope (reports' `check_node`)."""
    expression, nodes = unit_nodes(node) if with_units else (None, {})
    classes = SchoolClass.objects.filter(class_filter(node))
    all_rolls = RollCall.objects.filter(
        day__range=(start, end), school_class__in=classes.values("pk")
    )
    # The roll call's own day too: the database then reaches the absences from the roll calls
    # of the classes in the span (an index), not from every roll call of the classes.
    all_absences = Absence.objects.filter(
        day__range=(start, end),
        roll_call__day__range=(start, end),
        roll_call__school_class__in=classes.values("pk"),
    )
    if expression is None:  # the node's figures alone: two queries
        whole_row = all_rolls.aggregate(**_ROLL_SUMS) | all_absences.aggregate(**_ABSENCE_COUNTS)
        return NodeAttendance(
            start=start, end=end, figures=_figures(whole_row, whole_row), units=[]
        )
    unit_of = dict(classes.annotate(unit=expression).values_list("pk", "unit"))
    rolls = all_rolls.values("school_class_id").annotate(**_ROLL_SUMS)
    absences = all_absences.values("roll_call__school_class_id").annotate(**_ABSENCE_COUNTS)
    whole: dict = {}
    per_unit: dict = {}
    for row in rolls:
        _add(whole, row, _ROLL_SUMS)
        _add(per_unit.setdefault(unit_of.get(row["school_class_id"]), {}), row, _ROLL_SUMS)
    for row in absences:
        _add(whole, row, _ABSENCE_COUNTS)
        unit = unit_of.get(row["roll_call__school_class_id"])
        _add(per_unit.setdefault(unit, {}), row, _ABSENCE_COUNTS)
    units = [
        AttendanceUnit(node=n, figures=_figures(per_unit.get(k), per_unit.get(k)))
        for k, n in nodes.items()
    ]
    return NodeAttendance(start=start, end=end, figures=_figures(whole, whole), units=units)


@dataclass(frozen=True)
class ClassToday:
    school_class: SchoolClass
    roll: RollCall | None
    absent: int


def roll_calls_today_for(user, *, classes: list[SchoolClass]) -> list[ClassToday]:
    """Each class's roll call of today (or None), with its absences: two queries, each of the
    day (on PostgreSQL one month's partition; no GROUP BY a roll call, whose key there is
    (id, day))."""
    day = timezone.localdate()
    rolls = {
        r.school_class_id: r for r in RollCall.objects.filter(school_class__in=classes, day=day)
    }
    absent = dict(
        Absence.objects.filter(day=day, roll_call__in=rolls.values())
        .values_list("roll_call_id")
        .annotate(n=Count("id"))
        .values_list("roll_call_id", "n")
    )
    return [
        ClassToday(
            school_class=c,
            roll=rolls.get(c.pk),
            absent=absent.get(rolls[c.pk].pk, 0) if c.pk in rolls else 0,
        )
        for c in classes
    ]


@dataclass(frozen=True)
class UnitRow:
    name: str
    code: str
    day: AttendanceFigures
    term: AttendanceFigures


@dataclass(frozen=True)
class AttendancePage:
    node: object
    day: datetime.date
    term: Term | None
    term_end: datetime.date | None
    on_day: AttendanceFigures
    so_far: AttendanceFigures
    units: list[UnitRow]


def attendance_page_for(user, *, node, day: datetime.date, term: Term | None) -> AttendancePage:
    """The unit's attendance for the day and for its term up to the day ("so far"), each one
    level down. The node comes from `page_node` (a 404 outside the user's scope)."""
    from shouhu.org.units import node_code

    one = attendance_of_node(node, start=day, end=day)
    if term is not None:
        end = max(term.starts_on, min(day, term.ends_on))
        span = attendance_of_node(node, start=term.starts_on, end=end)
    else:
        end, span = None, NodeAttendance(start=day, end=day, figures=AttendanceFigures(), units=[])
    by_pk = {(type(u.node), u.node.pk): u.figures for u in span.units}
    rows = [
        UnitRow(
            name=getattr(u.node, "name", str(u.node)),
            code=node_code(u.node),
            day=u.figures,
            term=by_pk.get((type(u.node), u.node.pk), AttendanceFigures()),
        )
        for u in one.units
    ]
    return AttendancePage(
        node=node,
        day=day,
        term=term,
        term_end=end,
        on_day=one.figures,
        so_far=span.figures,
        units=rows,
    )
