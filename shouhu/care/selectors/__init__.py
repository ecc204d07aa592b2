"""Reads of the care work for a user, one module per page or concept: the worklist (我的待办),
a child's care and the tasks a user sees (`child`), pairing coverage (`coverage`), pairing a
class (`pairings`) and the quota settings (`quotas`). Compliance is read by
`shouhu.care.compliance`. Every read of children starts from `Child.objects.restrict(user)`;
a row outside the scope is a 404."""

from shouhu.care.selectors.child import (
    ActionEntry,
    ChildCare,
    care_actions_for,
    child_care_for,
    child_for_care,
    children_by_public_ids,
    group_children_for,
    open_tasks_for,
    quota_period_by_key,
    tasks_for,
)
from shouhu.care.selectors.coverage import (
    Coverage,
    CoverageFigures,
    CoverageRow,
    coverage_for,
    coverage_url,
)
from shouhu.care.selectors.pairings import (
    ClassPairings,
    PairingRow,
    carer_by_id,
    carer_candidates_for,
    class_pairings_for,
    pairing_child_for,
)
from shouhu.care.selectors.quotas import QuotaSettings, quota_settings_for
from shouhu.care.selectors.worklist import (
    ClassOverdue,
    WorkItem,
    Worklist,
    WorklistView,
    record_url,
    worklist_for,
)

__all__ = [
    "ActionEntry",
    "ChildCare",
    "ClassOverdue",
    "ClassPairings",
    "Coverage",
    "CoverageFigures",
    "CoverageRow",
    "PairingRow",
    "QuotaSettings",
    "WorkItem",
    "Worklist",
    "WorklistView",
    "care_actions_for",
    "carer_by_id",
    "carer_candidates_for",
    "child_care_for",
    "child_for_care",
    "children_by_public_ids",
    "class_pairings_for",
    "coverage_for",
    "coverage_url",
    "group_children_for",
    "open_tasks_for",
    "pairing_child_for",
    "quota_period_by_key",
    "quota_settings_for",
    "record_url",
    "tasks_for",
    "worklist_for",
]
