"""Figures of the care work (结对帮扶, 三个一, 五必访) for a node and a term.

Compliance and coverage are care's own selectors (`compliance_for`, `coverage_for`), read here
and never counted again; this module only chooses the months and the day, and adds them up.
Pairings formed, care actions by kind and the home-visit tasks are counted here over care's
records, cut to the user's scope (`Child.objects.restrict`, care's `tasks_for`).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, IntegerField, Q, Value
from django.utils.translation import gettext_lazy as _

from shouhu.care.models import (
    GROUP_KINDS,
    ActionKind,
    CareActionChild,
    Pairing,
    PairingKind,
)
from shouhu.care.rules import Escalation, escalation_of, month_of
from shouhu.care.selectors import (
    Coverage,
    CoverageFigures,
    coverage_for,
    tasks_for,
)
from shouhu.core.roles import Perm
from shouhu.org.models import Term
from shouhu.org.selectors import class_filter, unit_nodes
from shouhu.org.units import node_code
from shouhu.registry.models import Child
from shouhu.reports.rollup.national import reads_rollups, rollup_count
from shouhu.reports.selectors.base import (
    Node,
    Share,
    cache_get,
    cached,
    check_node,
    figure,
    node_key,
    reference_day,
)
from shouhu.reports.selectors.compliance import MonthCompliance, month_compliance_for_node

# --- coverage (care.coverage_for) -------------------------------------------------------------


def care_coverage(
    user, *, node: Node, term: Term, by_school: bool = False, teachers: bool = False
) -> Coverage:
    """care.coverage_for on the term's reference day, read once in a piece of work; the
    teachers only when asked (or already read)."""
    key = ("coverage", id(user), node_key(node), term.pk, by_school)
    if not teachers and (known := cache_get((*key, True))) is not None:
        return known
    return cached(
        (*key, teachers),
        lambda: coverage_for(
            user,
            node=node,
            today=reference_day(term),
            by="school" if by_school else "",
            teachers=teachers,
        ),
    )


@figure(
    "pairing_coverage",
    _("代理家长结对覆盖率"),
    _(
        "需要代理家长的儿童（本学期摸底的留守儿童或无人监护儿童）中，已有代理家长的比例；"
        "以学期内的当天（学期已结束则为最后一天）为准。"
    ),
)
def pairing_coverage_for(user, *, node: Node, term: Term) -> Share:
    if reads_rollups(node):  # a national instance (issue 18)
        check_node(user, node, Perm.CARE_OVERSEE)
        paired, needing = (
            rollup_count(node, term, k) for k in ("coverage.paired", "coverage.needing")
        )
        return Share(paired, needing)
    f = care_coverage(user, node=node, term=term).figures
    return Share(f.needing - f.unpaired, f.needing)


@figure(
    "without_proxy",
    _("无代理家长"),
    _("需要代理家长（留守或无人监护）而尚无代理家长的儿童人数。"),
)
def without_proxy_for(user, *, node: Node, term: Term) -> int:
    if reads_rollups(node):  # a national instance (issue 18)
        share = pairing_coverage_for(user, node=node, term=term)
        return share.whole - share.count
    return care_coverage(user, node=node, term=term).figures.unpaired


@figure(
    "unsupervised_without_proxy",
    _("无人监护且无代理家长"),
    _("标记为无人监护、尚无代理家长的儿童人数（应优先结对）。"),
)
def unsupervised_without_proxy_for(user, *, node: Node, term: Term) -> int:
    return care_coverage(user, node=node, term=term).figures.unsupervised_unpaired


@figure(
    "teachers_pairing",
    _("担任代理家长的教师"),
    _("本范围内的教师（含班主任）中至少担任一名儿童代理家长的人数及比例。"),
)
def teachers_pairing_for(user, *, node: Node, term: Term) -> Share:
    f = care_coverage(user, node=node, term=term, teachers=True).figures
    teachers, idle = f.teachers or 0, f.idle_teachers or 0
    return Share(teachers - idle, teachers)


def _children_in(user, node: Node):
    return Child.objects.restrict(user).filter(class_filter(node, "school_class__"))


@figure(
    "pairs_formed",
    _("本学期新结对"),
    _("开始日期在本学期内（截至当天）的代理家长结对数。"),
)
def pairs_formed_for(user, *, node: Node, term: Term) -> int:
    check_node(user, node, Perm.CARE_OVERSEE)
    return cached(
        ("pairs_formed", id(user), node_key(node), term.pk),
        lambda: Pairing.objects.filter(
            child__in=_children_in(user, node),
            kind=PairingKind.PROXY_PARENT,
            starts_on__gte=term.starts_on,
            starts_on__lte=reference_day(term),
        ).count(),
    )


# --- care actions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionCount:
    kind: str
    actions: int
    person_times: int

    @property
    def label(self) -> str:
        return str(ActionKind(self.kind).label)


def _links(user, node: Node, term: Term):
    return CareActionChild.objects.filter(
        child__in=_children_in(user, node),
        done_on__gte=term.starts_on,
        done_on__lte=reference_day(term),
    )


@figure(
    "care_actions_by_kind",
    _("关爱活动（按类型）"),
    _("本学期（截至当天）记录的关爱活动次数和涉及儿童人次，按类型；心理辅导只计次数，不显示内容。"),
)
def care_actions_by_kind_for(user, *, node: Node, term: Term) -> list[ActionCount]:
    check_node(user, node, Perm.CARE_OVERSEE)

    def compute() -> list[ActionCount]:
        rows = {
            r["kind"]: r
            for r in _links(user, node, term)
            .values("kind")
            .annotate(actions=Count("action_id", distinct=True), person_times=Count("id"))
        }
        return [
            ActionCount(kind=k, actions=rows[k]["actions"], person_times=rows[k]["person_times"])
            for k in ActionKind.values
            if k in rows
        ]

    return cached(("actions", id(user), node_key(node), term.pk), compute)


@dataclass(frozen=True)
class GroupEvent:
    done_on: datetime.date
    kind: str
    children: int

    @property
    def label(self) -> str:
        return str(ActionKind(self.kind).label)


GROUP_EVENTS_READ = 2000  # a county's term holds a few hundred


@figure(
    "group_events",
    _("座谈会、培训和体检"),
    _("本学期（截至当天）记录的座谈会、隔代家长培训和体检，按日期，附参加的本范围儿童人数。"),
)
def group_events_for(user, *, node: Node, term: Term) -> list[GroupEvent]:
    check_node(user, node, Perm.CARE_OVERSEE)

    def compute() -> list[GroupEvent]:
        rows = (
            _links(user, node, term)
            .filter(kind__in=[k.value for k in GROUP_KINDS])
            .values("action_id", "done_on", "kind")
            .annotate(children=Count("id"))
            .order_by("done_on", "action_id")
        )
        return [
            GroupEvent(done_on=r["done_on"], kind=r["kind"], children=r["children"])
            for r in rows[:GROUP_EVENTS_READ]
        ]

    return cached(("events", id(user), node_key(node), term.pk), compute)


# --- home-visit tasks (五必访) -----------------------------------------------------------------


@dataclass
class TaskFigures:
    """Home-visit tasks of a group of children, read on a term's reference day."""

    raised: int = 0
    raised_in_time: int = 0  # of those raised, never late: done by the due date, or not yet due
    closed: int = 0
    closed_on_time: int = 0
    open: int = 0
    overdue: int = 0
    escalated_head: int = 0
    escalated_leader: int = 0

    @property
    def on_time(self) -> Share:
        return Share(self.closed_on_time, self.closed)

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _count_task(
    figures: TaskFigures,
    *,
    term: Term,
    day: datetime.date,
    noted_on: datetime.date,
    due_on: datetime.date,
    done_on: datetime.date | None,
) -> None:
    done = done_on is not None and done_on <= day
    if term.starts_on <= noted_on:
        figures.raised += 1
        late = escalation_of(
            due_on=due_on,
            today=done_on if done else day,  # type: ignore[arg-type]
            head_after=settings.SHOUHU_ESCALATE_HEAD_DAYS,
            leader_after=settings.SHOUHU_ESCALATE_LEADER_DAYS,
        )
        figures.escalated_head += late >= Escalation.HEAD_TEACHER
        figures.escalated_leader += late >= Escalation.SCHOOL_LEADER
        figures.raised_in_time += (done_on <= due_on) if done else (due_on >= day)  # type: ignore[operator]
    if done and done_on >= term.starts_on:  # type: ignore[operator]
        figures.closed += 1
        figures.closed_on_time += done_on <= due_on  # type: ignore[operator]
    if not done:
        figures.open += 1
        figures.overdue += due_on < day


def _task_rows(user, node: Node, term: Term, *, by_school: bool = False):
    """The tasks that count in a term (raised in it, closed in it, or open on its reference
    day), as the few columns the counts need: the unit one level down (`unit_nodes`), who owes
    the task, when it was raised, due and done."""
    day = reference_day(term)
    unit, _nodes = unit_nodes(node, prefix="child__school_class__", by_school=by_school)
    return (
        tasks_for(user)
        .filter(class_filter(node, "child__school_class__"))
        .filter(observation__noted_on__lte=day)
        .filter(Q(done_on__isnull=True) | Q(done_on__gte=term.starts_on))
        .filter(Q(child__left_on__isnull=True) | Q(child__left_on__gt=day))
        .annotate(unit_key=Value(None, output_field=IntegerField()) if unit is None else unit)
        .values_list("unit_key", "assignee_id", "observation__noted_on", "due_on", "done_on")
    )


def task_figures_by_assignee(user, *, node: Node, term: Term) -> dict[int, TaskFigures]:
    """The tasks of the node per person who owes them (for the assessment of teachers)."""
    check_node(user, node, Perm.CARE_OVERSEE)
    day = reference_day(term)
    result: dict[int, TaskFigures] = defaultdict(TaskFigures)
    for _unit, assignee, noted_on, due_on, done_on in _task_rows(user, node, term):
        _count_task(
            result[assignee], term=term, day=day, noted_on=noted_on, due_on=due_on, done_on=done_on
        )
    return dict(result)


def task_figures(
    user, *, node: Node, term: Term, by_school: bool = False
) -> tuple[TaskFigures, dict]:
    """The tasks of the node and of each unit one level down: one query of the few columns
    the counts need (tasks are few beside children), counted with care's escalation rule."""
    check_node(user, node, Perm.CARE_OVERSEE)

    def compute() -> tuple[TaskFigures, dict]:
        day = reference_day(term)
        total = TaskFigures()
        by_unit: dict = defaultdict(TaskFigures)
        rows = _task_rows(user, node, term, by_school=by_school)
        for key, _assignee, noted_on, due_on, done_on in rows:
            for target in (total, by_unit[key]) if key is not None else (total,):
                _count_task(
                    target, term=term, day=day, noted_on=noted_on, due_on=due_on, done_on=done_on
                )
        return total, dict(by_unit)

    return cached(("tasks", id(user), node_key(node), term.pk, by_school), compute)


@figure(
    "tasks_open",
    _("未完成家访任务"),
    _("五必访信号产生的家访任务中，在学期内的当天（学期已结束则为最后一天）尚未完成的件数。"),
)
def tasks_open_for(user, *, node: Node, term: Term) -> int:
    return task_figures(user, node=node, term=term)[0].open


@figure(
    "tasks_overdue",
    _("逾期家访任务"),
    _("尚未完成且已过截止日期的家访任务件数。"),
)
def tasks_overdue_for(user, *, node: Node, term: Term) -> int:
    return task_figures(user, node=node, term=term)[0].overdue


@figure(
    "tasks_raised",
    _("本学期家访任务"),
    _("本学期（截至当天）记录五必访信号而产生的家访任务件数。"),
)
def tasks_raised_for(user, *, node: Node, term: Term) -> int:
    return task_figures(user, node=node, term=term)[0].raised


@figure(
    "tasks_closed",
    _("本学期完成家访任务"),
    _("本学期（截至当天）完成的家访任务件数，及其中在截止日期前完成的比例。"),
)
def tasks_closed_for(user, *, node: Node, term: Term) -> Share:
    figures = task_figures(user, node=node, term=term)[0]
    return Share(figures.closed_on_time, figures.closed)


@figure(
    "tasks_escalated",
    _("升级的家访任务"),
    _(
        "本学期产生的家访任务中，逾期达到升级天数而升级至班主任的件数（逾期更久升级至学校领导的"
        "包含在内）。"
    ),
)
def tasks_escalated_for(user, *, node: Node, term: Term) -> int:
    return task_figures(user, node=node, term=term)[0].escalated_head


# --- units one level down -----------------------------------------------------------------------


@dataclass
class UnitCare:
    """The care figures of one unit one level down."""

    compliance: MonthCompliance | None = None
    coverage: CoverageFigures | None = None
    tasks: TaskFigures = field(default_factory=TaskFigures)


def care_units(
    user, *, node: Node, term: Term, by_school: bool = False, teachers: bool = True
) -> dict[str, UnitCare]:
    """The care figures of each unit one level down (or of every school), by node code; the
    coverage's teacher counts only with `teachers`."""
    month = month_of(reference_day(term))
    _total_compliance, compliance = month_compliance_for_node(
        user, node=node, month=month, by_school=by_school
    )
    coverage = {
        row.code: row.figures
        for row in care_coverage(
            user, node=node, term=term, by_school=by_school, teachers=teachers
        ).units
    }
    _total, tasks = task_figures(user, node=node, term=term, by_school=by_school)
    _expression, nodes = unit_nodes(node, by_school=by_school)
    result = {node_code(n): UnitCare() for n in nodes.values()}
    for code, figures_of_month in compliance.items():
        if code in result:
            result[code].compliance = figures_of_month
    for code, figures in coverage.items():
        if code in result:
            result[code].coverage = figures
    for key, unit_node in nodes.items():
        result[node_code(unit_node)].tasks = tasks.get(key, TaskFigures())
    return result
