"""检查考核 (篇六, 篇七): teachers and schools scored from the records, never typed in.

Four components, each a share in percent:

- 结对: for a school, the children who need a proxy parent and have one (coverage); for a
  teacher, whether they are proxy parent to at least one child (every teacher should be).
- 完成率: the term's quota compliance (monthly quotas over the months, termly ones once).
- 按时: of the home-visit tasks raised this term, those never late.
- 未升级: of the same tasks, those that never reached the head teacher by being overdue.

The score is the weighted mean of the components that have something to count (a school
with no task is not marked down on tasks), with weights from the setting
`SHOUHU_ASSESSMENT_WEIGHTS`, documented on the page. With nothing owed (a teacher paired
today owes no quota until the next full period, and no task) there is nothing to score: the
score is 无数据 and the row is listed, unranked, after the ranked ones.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shouhu.core.roles import Perm
from shouhu.org.models import School, Term
from shouhu.reports.selectors.base import Node, Share, check_node
from shouhu.reports.selectors.care import TaskFigures, care_coverage, task_figures_by_assignee
from shouhu.reports.selectors.compliance import (
    MonthCompliance,
    care_compliance,
    month_compliance,
    overall_of,
    term_months,
    term_quotas,
    units_compliance_term,
)
from shouhu.reports.selectors.dashboard import units_for

# The keys of the setting SHOUHU_ASSESSMENT_WEIGHTS, which holds the default weights.
COMPONENTS = {
    "coverage": _("结对"),
    "compliance": _("完成率"),
    "tasks_on_time": _("家访任务按时"),
    "not_escalated": _("家访任务未升级"),
}
COMPONENT_DEFINITIONS = {
    "coverage": _(
        "学校：需要代理家长的儿童中已有代理家长的比例；教师：是否至少担任一名儿童的代理家长。"
    ),
    "compliance": _(
        "本学期关爱要求完成率：按月的要求合计已结束的各月，按学期的要求在学期结束后计入；"
        "尚未结束的周期不计。"
    ),
    "tasks_on_time": _("本学期产生的家访任务中，按期完成或尚未到期的比例。"),
    "not_escalated": _("本学期产生的家访任务中，没有因逾期升级至班主任的比例。"),
}


def assessment_weights() -> dict[str, int]:
    """The weight of each component, from the setting (checked when the settings load)."""
    weights: dict[str, int] = settings.SHOUHU_ASSESSMENT_WEIGHTS
    return {key: weights.get(key, 0) for key in COMPONENTS}


@dataclass
class Scored:
    """A teacher or school with its components; `owes` whether anything was owed at all
    (children needing a proxy parent, a quota, a home-visit task)."""

    name: str
    components: dict[str, Share]
    owes: bool = True

    @property
    def score(self) -> float | None:
        """None (无数据) with nothing owed, or nothing counted under a weight."""
        if not self.owes:
            return None
        weights = assessment_weights()
        counted = {k: s for k, s in self.components.items() if s.whole and weights[k]}
        total = sum(weights[k] for k in counted)
        if not total:
            return None
        value = sum(weights[k] * (s.percent or 0) for k, s in counted.items()) / total
        return round(value, 1)

    def component_list(self) -> list[tuple[str, Share]]:
        return [(str(COMPONENTS[k]), self.components[k]) for k in COMPONENTS]


@dataclass
class Assessment:
    node: Node
    term: Term
    of: str  # "teachers" or "schools"
    rows: list[Scored]

    @property
    def weights(self) -> list[tuple[str, int, str]]:
        weights = assessment_weights()
        return [(str(COMPONENTS[k]), weights[k], str(COMPONENT_DEFINITIONS[k])) for k in COMPONENTS]

    @property
    def component_labels(self) -> list[str]:
        return [str(label) for label in COMPONENTS.values()]

    @property
    def ranked(self) -> list[tuple[int | None, Scored]]:
        """(rank, row): 1, 2, … for the scored rows; None for those with no score."""
        return [(n if r.score is not None else None, r) for n, r in enumerate(self.rows, 1)]


def _task_shares(tasks: TaskFigures) -> dict[str, Share]:
    return {
        "tasks_on_time": Share(tasks.raised_in_time, tasks.raised),
        "not_escalated": Share(tasks.raised - tasks.escalated_head, tasks.raised),
    }


def _ranked(rows: list[Scored]) -> list[Scored]:
    return sorted(rows, key=lambda r: (r.score is None, -(r.score or 0), r.name))


def _teachers(user, school: School, term: Term) -> list[Scored]:
    """The school's teachers: load from care.coverage_for, compliance from the teacher rows of
    care.compliance_for month by month, tasks by who owes them."""
    coverage = care_coverage(user, node=school, term=term, teachers=True)
    months: dict[str, list[MonthCompliance]] = defaultdict(list)
    for month in term_months(term):
        compliance = care_compliance(user, node=school, month=month)
        for row in compliance.teachers:
            months[row.name].append(month_compliance(compliance, row.cells))
    tasks = task_figures_by_assignee(user, node=school, term=term)
    rows = []
    for teacher in coverage.teachers:
        load = teacher.load  # type: ignore[attr-defined]
        done = overall_of(term_quotas(months.get(str(teacher), [])))
        owed_tasks = tasks.get(teacher.pk, TaskFigures())
        rows.append(
            Scored(
                name=str(teacher),
                components={
                    "coverage": Share(1 if load else 0, 1),
                    "compliance": done,
                    **_task_shares(owed_tasks),
                },
                # Being paired is not work owed: the quotas and tasks that follow are.
                owes=bool(done.whole or owed_tasks.raised),
            )
        )
    return rows


def _schools(user, node: Node, term: Term) -> list[Scored]:
    units = units_for(user, node=node, term=term, by_school=True)
    compliance = units_compliance_term(user, node=node, term=term, by_school=True)
    rows = []
    for unit in units:
        coverage = unit.care.coverage
        paired = (
            Share(coverage.needing - coverage.unpaired, coverage.needing)
            if coverage
            else Share(0, 0)
        )
        done = overall_of(compliance.get(unit.code, []))
        rows.append(
            Scored(
                name=unit.name,
                components={
                    "coverage": paired,
                    "compliance": done,
                    **_task_shares(unit.care.tasks),
                },
                # A school owes a proxy parent to each child who needs one.
                owes=bool(paired.whole or done.whole or unit.care.tasks.raised),
            )
        )
    return rows


def assessment_for(user, *, node: Node, term: Term) -> Assessment:
    """A school's teachers, or a region's schools, ranked by score."""
    check_node(user, node, Perm.REPORT_LEAD)
    if isinstance(node, School):
        return Assessment(
            node=node, term=term, of="teachers", rows=_ranked(_teachers(user, node, term))
        )
    return Assessment(node=node, term=term, of="schools", rows=_ranked(_schools(user, node, term)))
