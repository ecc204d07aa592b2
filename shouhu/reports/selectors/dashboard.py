"""The dashboard (/dashboard/): tiles, chart data and the units one level down, for a node and
a term, each read from the figure functions (and the previous term's, for the change)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from shouhu.care.rules import month_of
from shouhu.core.visibility import may_read_dropout
from shouhu.org.models import Term
from shouhu.org.units import node_code
from shouhu.registry.models import Flag
from shouhu.reports.selectors.activities import (
    KindCount,
    activity_person_times_for,
    person_times_total,
)
from shouhu.reports.selectors.attendance import attendance_figures_for
from shouhu.reports.selectors.base import (
    FIGURES,
    Node,
    figure,
    previous_term,
    read_alongside,
    reference_day,
)
from shouhu.reports.selectors.care import UnitCare, care_units
from shouhu.reports.selectors.census import (
    FIGURES_ATTRIBUTE,
    LEFT_BEHIND_CATEGORIES,
    Figures,
    TrendPoint,
    by_category_for,
    by_flag_for,
    census_before,
    census_trend_for,
    census_units,
    census_value,
)
from shouhu.reports.selectors.compliance import (
    MonthCompliance,
    compliance_by_month_for,
    compliance_month_for,
    prefetch_compliance,
    term_months,
)


@dataclass
class UnitRow:
    """One unit one level down, with its census and care figures."""

    node: Node
    census: Figures
    care: UnitCare

    @property
    def code(self) -> str:
        return node_code(self.node)

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def compliance_percent(self) -> float | None:
        return self.care.compliance.overall.percent if self.care.compliance else None

    @property
    def coverage_percent(self) -> float | None:
        return self.care.coverage.percent_paired if self.care.coverage else None

    def as_dict(self) -> dict:
        coverage = self.care.coverage
        return {
            "code": self.code,
            "name": self.name,
            **self.census.as_dict(),
            "compliance": self.care.compliance.as_dict() if self.care.compliance else None,
            "coverage": None
            if coverage is None
            else {
                "needing": coverage.needing,
                "unpaired": coverage.unpaired,
                "percent_paired": coverage.percent_paired,
                "unsupervised_unpaired": coverage.unsupervised_unpaired,
                "teachers": coverage.teachers,
                "idle_teachers": coverage.idle_teachers,
            },
            "tasks": self.care.tasks.as_dict(),
        }


@figure(
    "units",
    _("下级单位对比"),
    _(
        "下一级单位（乡镇、学校或班级）各自的摸底人数与比例、本月完成率、结对覆盖率和家访任务，"
        "口径同上。"
    ),
)
def units_for(
    user, *, node: Node, term: Term, by_school: bool = False, teachers: bool = True
) -> list[UnitRow]:
    """Each unit's figures; the teachers of each (who is proxy parent) only with `teachers`:
    the dashboard shows children's coverage only."""
    census = census_units(user, node=node, term=term, by_school=by_school)
    care = care_units(user, node=node, term=term, by_school=by_school, teachers=teachers)
    return [UnitRow(node=u.node, census=u.figures, care=care[u.key]) for u in census]


@dataclass
class Tile:
    """One figure at a glance, with the previous term's value for the change."""

    key: str
    label: str
    value: float | int | None
    previous: float | int | None = None
    percent: float | None = None
    previous_percent: float | None = None
    is_percent: bool = False
    alert: bool = False
    detail: str = ""
    days_left: int | None = None  # a figure of a period still running: so far, not compared

    @property
    def definition(self) -> str:
        return str(FIGURES[self.key].definition)

    @property
    def change(self) -> float | int | None:
        if self.value is None or self.previous is None:
            return None
        change = self.value - self.previous
        return round(change, 1) if isinstance(change, float) else change


@dataclass
class Dashboard:
    node: Node
    term: Term
    previous_term: Term | None
    tiles: list[Tile]
    trend: list[TrendPoint]
    categories: list[tuple[str, int, int | None]]
    flags: list[tuple[str, int, int | None]]
    months: list[MonthCompliance]
    compliance: MonthCompliance
    units: list[UnitRow] = field(default_factory=list)
    activities: list[KindCount] = field(default_factory=list)  # 人次 by kind (issue 16)


def _previous(user, key: str, node: Node, before: Term | None, census_before: Figures | None):
    """The figure last term: a census figure of the unit before (for a class, its cohort's
    class: `census_before`); a care figure of the node itself, whose children it follows."""
    if key in FIGURES_ATTRIBUTE:
        return None if census_before is None else census_value(key, census_before)
    return FIGURES[key].function(user, node=node, term=before) if before else None


def _count_tile(
    user,
    key: str,
    node: Node,
    term: Term,
    before: Term | None,
    census_before: Figures | None,
    alert=False,
) -> Tile:
    value = FIGURES[key].function(user, node=node, term=term)
    return Tile(
        key=key,
        label=str(FIGURES[key].label),
        value=value,
        previous=_previous(user, key, node, before, census_before),
        alert=alert and bool(value),
    )


def _share_tile(
    user, key: str, node: Node, term: Term, before: Term | None, census_before: Figures | None
) -> Tile:
    share = FIGURES[key].function(user, node=node, term=term)
    previous = _previous(user, key, node, before, census_before)
    return Tile(
        key=key,
        label=str(FIGURES[key].label),
        value=share.count,
        percent=share.percent,
        previous=previous.count if previous else None,
        previous_percent=previous.percent if previous else None,
    )


def _dropout_tiles(user, node: Node, term: Term) -> list[Tile]:
    """控辍保学 (issue 14): open cases, the retention rate, written reports overdue and the
    poverty alert (a dropout for poverty with no aid: should be 0); none for a role the privacy
    matrix keeps out of dropout cases."""
    if not may_read_dropout(user):
        return []
    retention = FIGURES["retention_rate"].function(user, node=node, term=term)
    return [
        _count_tile(user, "dropout_cases_open", node, term, None, None, alert=True),
        Tile(
            key="retention_rate",
            label=str(FIGURES["retention_rate"].label),
            value=retention.percent,
            is_percent=True,
            detail=f"{retention.count}/{retention.whole}",
        ),
        _count_tile(user, "dropout_reports_overdue", node, term, None, None, alert=True),
        _count_tile(user, "dropout_poverty_unaided", node, term, None, None, alert=True),
    ]


def dashboard_for(user, *, node: Node, term: Term) -> Dashboard:
    """Every tile, chart and unit of the dashboard. Call inside `figures_cached()`: the tiles
    and charts share their queries."""
    before = previous_term(term)
    months = term_months(term) + ([month_of(reference_day(before))] if before else [])
    # Every month's compliance is one query, about as long as all the other figures together:
    # it is read alongside them, and the figures that need it come after.
    with read_alongside(lambda: prefetch_compliance(user, node=node, months=months)):
        trend = census_trend_for(user, node=node, term=term)  # every term's census in one query
        _unit, prior = census_before(user, node=node, term=term)
        census_tiles = [
            _count_tile(user, "pupils", node, term, before, prior),
            _share_tile(user, "left_behind_education", node, term, before, prior),
            _share_tile(user, "left_behind_civil", node, term, before, prior),
            _count_tile(user, "unsupervised", node, term, before, prior, alert=True),
            _count_tile(user, "without_guardian", node, term, before, prior, alert=True),
            _count_tile(user, "without_proxy", node, term, before, prior, alert=True),
        ]
        task_tiles = [
            _count_tile(user, "tasks_open", node, term, before, prior),
            _count_tile(user, "tasks_overdue", node, term, before, prior, alert=True),
        ]
        task_tiles += [  # guardianship (welfare-guardians)
            _share_tile(user, "agreements_signed_share", node, term, before, prior),
        ]
        # Aid (welfare): the 人次 approved this term, with the amount beside it.
        aid_tile = _count_tile(user, "aid_children", node, term, before, prior)
        aid_amount = FIGURES["aid_amount"].function(user, node=node, term=term)
        aid_tile.detail = _("%(amount)s元") % {"amount": f"{aid_amount:,.2f}"}
        task_tiles.append(aid_tile)
        welfare_tiles = [  # health and safety (issue 15)
            _share_tile(user, "health_checked_share", node, term, before, prior),
            _count_tile(user, "incidents", node, term, before, prior),
        ]
        categories = by_category_for(user, node=node, term=term)
        flags = by_flag_for(user, node=node, term=term)
        categories_before = prior.by_category if prior else {}
        flags_before = prior.by_flag if prior else {}
        census_units(user, node=node, term=term)  # the units' census, kept for `units_for`
    compliance = compliance_month_for(user, node=node, term=term)
    # This month so far is never compared with a month that has ended.
    previous_compliance = (
        compliance_month_for(user, node=node, term=before)
        if before and not compliance.in_progress
        else None
    )
    attendance = attendance_figures_for(user, node=node, term=term)  # 考勤 (issue 14)
    attendance_before = attendance_figures_for(user, node=node, term=before) if before else None
    attendance_tiles = [
        Tile(
            key="attendance_rate",
            label=str(FIGURES["attendance_rate"].label),
            value=attendance.rate,
            previous=attendance_before.rate if attendance_before else None,
            is_percent=True,
            detail=str(_("留守 %(lb)s · 其他 %(o)s"))
            % {
                "lb": "—"
                if attendance.rate_left_behind is None
                else f"{attendance.rate_left_behind}%",
                "o": "—" if attendance.rate_others is None else f"{attendance.rate_others}%",
            },
        ),
        _count_tile(user, "unexplained_absences", node, term, before, prior, alert=True),
    ]
    overall = compliance.overall
    compliance_tile = Tile(
        key="compliance_month",
        label=str(FIGURES["compliance_month"].label),
        value=overall.percent,
        previous=previous_compliance.overall.percent if previous_compliance else None,
        is_percent=True,
        detail=f"{overall.count}/{overall.whole}",
        days_left=compliance.days_left,
    )
    dropout_tiles = _dropout_tiles(user, node, term)
    activities = activity_person_times_for(user, node=node, term=term)
    activity_tile = Tile(
        key="activity_person_times",
        label=str(_("活动人次")),
        value=person_times_total(activities),
        previous=(
            person_times_total(activity_person_times_for(user, node=node, term=before))
            if before
            else None
        ),
    )
    return Dashboard(
        node=node,
        term=term,
        previous_term=before,
        activities=activities,
        tiles=[
            *census_tiles,
            compliance_tile,
            *task_tiles,
            activity_tile,
            *welfare_tiles,
            *attendance_tiles,
            *dropout_tiles,
        ],
        trend=trend,
        categories=[
            (str(c.label), categories[c], categories_before.get(c) if prior else None)
            for c in LEFT_BEHIND_CATEGORIES
        ],
        flags=[(str(f.label), flags[f], flags_before.get(f) if prior else None) for f in Flag],
        months=compliance_by_month_for(user, node=node, term=term),
        compliance=compliance,
        units=units_for(user, node=node, term=term, teachers=False),
    )
