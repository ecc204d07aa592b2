"""One source of figures (issue 6): one function per figure, each taking the user, a scope node
and a term, each registered with a short definition (`FIGURES`). The dashboard, the statistical
tables, the work summary and `shouhu stats --json` all read them; nothing is counted twice.

- `census`: pupils, the left-behind under both definitions, categories, flags, the trend.
- `care`: compliance (care.compliance_for), coverage (care.coverage_for), pairings formed,
  care actions by kind, group events, home-visit tasks.
- `dashboard`: the tiles, charts and units of `/dashboard/`.
- `assessment`: the scores of teachers and schools (检查考核).
- `drafts`: the saved drafts of the semester work summaries.
"""

from shouhu.reports.selectors import health as _health_figures  # noqa: F401  (issue 15: registers FIGURES)
from shouhu.reports.selectors.attendance import (
    attendance_figures_for,
    attendance_rate_for,
    unexplained_absences_for,
)
from shouhu.reports.selectors.base import (
    FIGURES,
    Figure,
    Share,
    definitions,
    figures_cached,
    reference_day,
)
from shouhu.reports.selectors.care import (
    ActionCount,
    GroupEvent,
    TaskFigures,
    care_actions_by_kind_for,
    group_events_for,
    pairing_coverage_for,
    pairs_formed_for,
    tasks_closed_for,
    tasks_escalated_for,
    tasks_open_for,
    tasks_overdue_for,
    tasks_raised_for,
    teachers_pairing_for,
    unsupervised_without_proxy_for,
    without_proxy_for,
)
from shouhu.reports.selectors.census import (
    AGE_BANDS,
    AGE_LABELS,
    DEFINITIONS,
    LEFT_BEHIND_CATEGORIES,
    Census,
    Figures,
    TrendPoint,
    Unit,
    by_age_band_for,
    by_category_for,
    by_flag_for,
    by_sex_for,
    census_for,
    census_trend_for,
    left_behind_civil_for,
    left_behind_education_for,
    pupils_for,
    unsupervised_for,
    without_guardian_for,
)
from shouhu.reports.selectors.compliance import (
    MonthCompliance,
    QuotaFigure,
    compliance_by_month_for,
    compliance_month_for,
    compliance_term_for,
)
from shouhu.reports.selectors.dashboard import Dashboard, Tile, UnitRow, dashboard_for, units_for
from shouhu.reports.selectors.drafts import work_summary_draft_for
from shouhu.reports.selectors.guardianship import (  # noqa: F401 - registers its figures
    agreements_signed_share_for,
    guardians_trained_for,
    unregistered_open_for,
)

# isort: split
# Figures of the other apps, registered after the reports' own (their order in FIGURES).
from shouhu.reports.selectors import aid as _aid_figures  # noqa: F401  (welfare: aid)
from shouhu.reports.selectors.dropout import retention_rate_for  # noqa: F401  (its FIGURES)
from shouhu.reports.selectors.grades import improved_share_for  # noqa: F401 - 成绩
from shouhu.reports.selectors.home import FamilyCalls  # noqa: F401 - registers the Home's figures

__all__ = [
    "AGE_BANDS",
    "AGE_LABELS",
    "DEFINITIONS",
    "FIGURES",
    "LEFT_BEHIND_CATEGORIES",
    "ActionCount",
    "Census",
    "Dashboard",
    "Figure",
    "Figures",
    "GroupEvent",
    "MonthCompliance",
    "QuotaFigure",
    "Share",
    "TaskFigures",
    "Tile",
    "TrendPoint",
    "Unit",
    "UnitRow",
    "attendance_figures_for",
    "attendance_rate_for",
    "unexplained_absences_for",
    "by_age_band_for",
    "by_category_for",
    "by_flag_for",
    "by_sex_for",
    "care_actions_by_kind_for",
    "census_for",
    "census_trend_for",
    "compliance_by_month_for",
    "compliance_month_for",
    "compliance_term_for",
    "dashboard_for",
    "definitions",
    "figures_cached",
    "group_events_for",
    "left_behind_civil_for",
    "left_behind_education_for",
    "pairing_coverage_for",
    "pairs_formed_for",
    "pupils_for",
    "reference_day",
    "work_summary_draft_for",
    "tasks_closed_for",
    "tasks_escalated_for",
    "tasks_open_for",
    "tasks_overdue_for",
    "tasks_raised_for",
    "teachers_pairing_for",
    "unsupervised_for",
    "units_for",
    "unsupervised_without_proxy_for",
    "without_guardian_for",
    "without_proxy_for",
]

# Activities (issue 16): 人次 by kind, the share who took part, interest-group coverage.
from shouhu.reports.selectors import activities as _activities  # noqa: E402, F401
