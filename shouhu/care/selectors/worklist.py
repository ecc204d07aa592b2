"""我的待办, the home page of every role: what the user should do now, by role."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import (
    F,
    Q,
    QuerySet,
)
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhu.accounts.models import User
from shouhu.care.compliance.columns import columns_for, columns_running_and_ended
from shouhu.care.compliance.counting import sum_by
from shouhu.care.compliance.few import few_statuses, read_few
from shouhu.care.compliance.quotas import effective_quotas, terms_dates
from shouhu.care.compliance.selectors import Compliance, compliance_for
from shouhu.care.models import (
    ActionKind,
    Pairing,
    PairingKind,
    QuotaPeriod,
    VisitTask,
)
from shouhu.care.reading import SEALED_CHILD_FIELDS, today_or
from shouhu.care.rules import (
    Escalation,
    Period,
    QuotaStatus,
    escalated_due_before,
    escalation_of,
    last_period,
    late_entry_open,
    late_entry_until,
    percent,
)
from shouhu.care.selectors.child import OWN_CHILDREN_ROLES, tasks_for
from shouhu.core.roles import Perm, Role
from shouhu.org.models import School, SchoolClass
from shouhu.org.units import user_scope_node
from shouhu.registry.models import Child

REGION_ROLES = {Role.REGION_OFFICER, Role.TOWNSHIP_OFFICER, Role.VILLAGE_SUPERVISOR}
WEEK = datetime.timedelta(days=6)


class WorklistView(models.TextChoices):
    """Whose work a worklist lists."""

    OWN = "own", gettext_lazy("我的结对儿童")  # a proxy parent's children
    CLASS = "class", gettext_lazy("本班")  # a head teacher's class
    SCHOOL = "school", gettext_lazy("本校")  # a school leader's school
    REGION = "region", gettext_lazy("辖区")  # compliance by school, for an officer


# --- the worklist (我的待办) -------------------------------------------------------------------


def record_url(
    *, child: Child, kind: str, task: VisitTask | None = None, period: Period | None = None
) -> str:
    """One click from an item to the form that records it, with child, kind and task filled,
    and the period of a late entry (补录), whose form asks for a date within it."""
    query = {"kind": kind}
    if task is not None:
        query["task"] = str(task.public_id)
    if period is not None:
        query["period"] = period.key
    url = reverse("care:child-action-create", kwargs={"public_id": child.public_id})
    return f"{url}?{urlencode(query)}"


@dataclass
class WorkItem:
    """Something owed for a child: a quota in a period, or a home-visit task."""

    child: Child
    kind: str
    title: str
    due_on: datetime.date
    status: QuotaStatus
    carer: User | None = None
    task: VisitTask | None = None
    escalation: Escalation = Escalation.NONE
    # A past period's quota, still open to a late entry (补录) until `late_until`.
    late_period: Period | None = None
    late_until: datetime.date | None = None

    @property
    def record_url(self) -> str:
        return record_url(child=self.child, kind=self.kind, task=self.task, period=self.late_period)

    @property
    def kind_label(self) -> str:
        return str(ActionKind(self.kind).label)


@dataclass
class ClassOverdue:
    school_class: SchoolClass
    open: int
    owed: int

    @property
    def percent_done(self) -> float | None:
        return percent(self.owed - self.open, self.owed)


@dataclass
class Worklist:
    """我的待办. `view` says whose work it lists (`WorklistView`)."""

    view: WorklistView
    today: datetime.date
    overdue: list[WorkItem] = field(default_factory=list)
    this_week: list[WorkItem] = field(default_factory=list)
    later: list[WorkItem] = field(default_factory=list)
    escalations: list[WorkItem] = field(default_factory=list)
    classes_overdue: list[ClassOverdue] = field(default_factory=list)
    compliance: "Compliance | None" = None

    @property
    def counts(self) -> dict[str, int]:
        return {
            "overdue": len(self.overdue),
            "this_week": len(self.this_week),
            "escalations": len(self.escalations),
        }

    @property
    def lists_items(self) -> bool:
        """Items to do (every view but the region's, which shows compliance by school)."""
        return self.view != WorklistView.REGION

    @property
    def shows_carer(self) -> bool:
        """Each item names who owes it (not on a proxy parent's own list)."""
        return self.view != WorklistView.OWN

    @property
    def shows_escalations(self) -> bool:
        """Escalated tasks reach a head teacher and a school leader."""
        return self.view in (WorklistView.CLASS, WorklistView.SCHOOL)


def _quota_items(
    children: QuerySet[Child], *, day: datetime.date, with_carer: bool
) -> list[WorkItem]:
    """The due and overdue quota items of a few children (a proxy parent's, a class), worked
    out in Python from three small queries: building the SQL of a dozen correlated subqueries
    would cost more than the children do.

    An overdue item of a period that has ended stays only while a late entry is allowed
    (SHOUHU_LATE_ENTRY_DAYS after the period): then it is a miss in the figures, not a to-do.
    Its record link names the period, so that the action recorded is dated within it."""
    rows = list(children.select_related("school_class").defer(*SEALED_CHILD_FIELDS))
    if not rows:
        return []
    school_ids = {r.school_class.school_id for r in rows}
    running, ended = columns_running_and_ended(school_ids, day=day, terms=terms_dates())
    late_days = settings.SHOUHU_LATE_ENTRY_DAYS
    columns = [c for c in running + ended if late_entry_open(c.period, today=day, days=late_days)]
    if not columns:
        return []
    few = read_few(rows, columns)
    items = []
    for row in rows:
        carer = few.carer_on(row.pk, day) if with_carer else None
        for status in few_statuses(row, columns, few, today=day):
            if status.status in (QuotaStatus.DUE, QuotaStatus.OVERDUE):
                period = status.column.period
                late = status.status == QuotaStatus.OVERDUE
                items.append(
                    WorkItem(
                        child=row,
                        kind=status.column.kind,
                        title=status.column.label,
                        due_on=status.due_on,
                        status=status.status,
                        carer=carer,
                        late_period=period if late else None,
                        late_until=late_entry_until(period, days=late_days) if late else None,
                    )
                )
    return items


def _task_item(task: VisitTask, *, day: datetime.date) -> WorkItem:
    late = task.due_on < day
    return WorkItem(
        child=task.child,
        kind=ActionKind.HOME_VISIT,
        title=_("家访任务：%(signal)s") % {"signal": task.observation.get_kind_display()},
        due_on=task.due_on,
        status=QuotaStatus.OVERDUE if late else QuotaStatus.DUE,
        carer=task.assignee,
        task=task,
        escalation=escalation_of(
            due_on=task.due_on,
            today=day,
            head_after=settings.SHOUHU_ESCALATE_HEAD_DAYS,
            leader_after=settings.SHOUHU_ESCALATE_LEADER_DAYS,
        ),
    )


def _open_tasks(tasks: QuerySet[VisitTask]) -> QuerySet[VisitTask]:
    return (
        tasks.filter(done_on__isnull=True, child__left_on__isnull=True)
        .select_related("child__school_class", "observation", "assignee")
        .defer(*(f"child__{f}" for f in SEALED_CHILD_FIELDS), "assignee__phone")
        .order_by("due_on", "pk")
    )


KIND_ORDER = {kind: n for n, kind in enumerate(ActionKind.values)}


def _item_order(item: WorkItem) -> tuple:
    """Soonest due first; a child's items together, tasks before quotas, kinds in their order."""
    return (
        item.due_on,
        item.child.name_pinyin,
        item.child.pk,
        item.task is None,
        KIND_ORDER[item.kind],
    )


def _sort_into(worklist: Worklist, items: list[WorkItem]) -> None:
    """Overdue (due before today), due within the week, and the rest of the period."""
    week_end = worklist.today + WEEK
    for item in sorted(items, key=_item_order):
        if item.due_on < worklist.today:
            worklist.overdue.append(item)
        elif item.due_on <= week_end:
            worklist.this_week.append(item)
        else:
            worklist.later.append(item)


def worklist_view(user) -> WorklistView | None:
    """Whose work the user's worklist lists, by role; None for roles without care work."""
    if user.role in OWN_CHILDREN_ROLES and user.has_perm_to(Perm.CARE_RECORD):
        return WorklistView.OWN
    if user.role == Role.HEAD_TEACHER and user.has_perm_to(Perm.CARE_RECORD):
        return WorklistView.CLASS
    if user.role == Role.SCHOOL_LEADER and user.has_perm_to(Perm.CARE_OVERSEE):
        return WorklistView.SCHOOL
    if user.role in REGION_ROLES and user.has_perm_to(Perm.CARE_OVERSEE):
        return WorklistView.REGION
    return None


def worklist_for(user, *, today: datetime.date | None = None) -> Worklist | None:
    """我的待办: what the user should do now, by role (None for roles without care work).

    - A teacher, counsellor or volunteer: the quota items and tasks of the children they are
      proxy parent of, due within a week or overdue (and the rest of the period, folded).
    - A head teacher: the same for the whole class, with each item's proxy parent, and the
      class's tasks escalated to them (overdue by SHOUHU_ESCALATE_HEAD_DAYS).
    - A school leader: the school's overdue tasks, those escalated to them (overdue by
      SHOUHU_ESCALATE_LEADER_DAYS), last period's open quota items per class, and their own.
    - A region officer: last month's compliance by school.
    """
    view = worklist_view(user)
    if view is None:
        return None
    day = today_or(today)
    worklist = Worklist(view=view, today=day)
    if view == WorklistView.REGION:
        node = user_scope_node(user)
        month = last_period(QuotaPeriod.MONTH, day, terms_dates())
        if node is not None and month is not None:
            worklist.compliance = compliance_for(
                user, node=node, month=month, today=day, by="school"
            )
        return worklist
    visible = Child.objects.restrict(user).on_register()
    tasks = _open_tasks(tasks_for(user))
    if view == WorklistView.CLASS:
        items = _quota_items(visible, day=day, with_carer=True)
    else:
        mine = visible.filter(
            pk__in=Pairing.objects.current(day)
            .filter(kind=PairingKind.PROXY_PARENT, carer=user)
            .values("child_id")
        )
        items = _quota_items(mine, day=day, with_carer=False)
    if view in (WorklistView.CLASS, WorklistView.SCHOOL):
        worklist.escalations = _escalations(user, tasks, view=view, day=day)
        escalated = {item.task.pk for item in worklist.escalations if item.task is not None}
        if view == WorklistView.SCHOOL:
            # A leader follows the school's late tasks, not every task still in time.
            tasks = tasks.filter(Q(assignee=user) | Q(due_on__lt=day))
        tasks = tasks.exclude(pk__in=escalated)
    items += [_task_item(task, day=day) for task in tasks]
    _sort_into(worklist, items)
    if view == WorklistView.SCHOOL:
        worklist.classes_overdue = _classes_overdue(user, day=day)
    return worklist


def _escalations(
    user, tasks: QuerySet[VisitTask], *, view: WorklistView, day: datetime.date
) -> list[WorkItem]:
    """Open tasks of the scope overdue long enough to reach this user, not owed by the user."""
    after = (
        settings.SHOUHU_ESCALATE_HEAD_DAYS
        if view == WorklistView.CLASS
        else settings.SHOUHU_ESCALATE_LEADER_DAYS
    )
    late = tasks.filter(due_on__lte=escalated_due_before(day, after_days=after))
    return [_task_item(task, day=day) for task in late.exclude(assignee=user)]


def _classes_overdue(user, *, day: datetime.date) -> list[ClassOverdue]:
    """Last period's open quota items per class of the leader's school (one GROUP BY)."""
    node = user_scope_node(user)
    if not isinstance(node, School):
        return []
    terms = terms_dates()
    month = last_period(QuotaPeriod.MONTH, day, terms)
    term = last_period(QuotaPeriod.TERM, day, terms)
    columns = columns_for(
        effective_quotas([node.pk]), {QuotaPeriod.MONTH: month, QuotaPeriod.TERM: term}
    )
    children = Child.objects.restrict(user).filter(school_class__school=node)
    sums = sum_by(children, columns, unit=F("school_class_id"))
    classes = SchoolClass.objects.in_bulk([k for k in sums if k is not None])
    result = []
    for class_id, cells in sums.items():
        owed = sum(c.owed for c in cells)
        still_open = sum(c.open for c in cells)
        if class_id in classes and owed:
            result.append(ClassOverdue(school_class=classes[class_id], open=still_open, owed=owed))
    return sorted(result, key=lambda r: (-r.open, r.school_class.grade, r.school_class.name))
