"""Reads of the care work for a user. Every read of children starts from
`Child.objects.visible_to(user)`; a row outside the scope is a 404.

- `worklist_for`: 我的待办, the home page of every role.
- `child_care_for`: one child's proxy parent, quota statuses, actions and tasks.
- `tasks_for`: the home-visit tasks a user may see.

This module is the entry point of care's reads: it also re-exports the reads of those who
oversee the work (`compliance_for`, `coverage_for`, `class_pairings_for`, …), which live in
`shouhu.care.oversight`.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.care.models import (
    ActionKind,
    Buddy,
    CareAction,
    CareActionChild,
    Exemption,
    Pairing,
    PairingKind,
    QuotaPeriod,
    VisitTask,
)
from shouhu.care.oversight import (
    SEALED_CHILD_FIELDS,
    ChildRow,
    ClassPairings,
    Compliance,
    ComplianceRow,
    Coverage,
    CoverageFigures,
    CoverageRow,
    PairingRow,
    QuotaSettings,
    carer_by_id,
    carer_candidates_for,
    class_pairings_for,
    compliance_for,
    compliance_months_for,
    compliance_url,
    coverage_for,
    coverage_url,
    current_proxies,
    pairing_child_for,
    quota_settings_for,
    today_or,
    uuid_or_404,
)
from shouhu.care.rules import (
    Escalation,
    Period,
    QuotaStatus,
    TermDates,
    escalated_due_before,
    escalation_of,
    last_period,
    late_entry_open,
    late_entry_until,
    month_from_key,
    percent,
    term_period,
)
from shouhu.care.statuses import (
    ChildStatus,
    Column,
    columns_around,
    columns_for,
    effective_quotas,
    few_statuses,
    read_few,
    sum_by,
    terms_dates,
)
from shouhu.core.crypto import EncryptedTextField
from shouhu.core.roles import Perm, Role
from shouhu.core.visibility import ChildField, care_summary_field, care_summary_q
from shouhu.org.models import School, SchoolClass
from shouhu.org.selectors import user_scope_node
from shouhu.registry.models import Child

__all__ = [
    "ActionEntry",
    "ChildCare",
    "ChildRow",
    "ClassOverdue",
    "ClassPairings",
    "Compliance",
    "ComplianceRow",
    "Coverage",
    "CoverageFigures",
    "CoverageRow",
    "PairingRow",
    "QuotaSettings",
    "WorkItem",
    "Worklist",
    "care_actions_for",
    "carer_by_id",
    "carer_candidates_for",
    "child_care_for",
    "child_for_care",
    "children_by_public_ids",
    "class_pairings_for",
    "compliance_for",
    "compliance_months_for",
    "compliance_url",
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

# Roles whose worklist is the children they are proxy parent of, and the tasks they owe.
OWN_CHILDREN_ROLES = {Role.TEACHER, Role.COUNSELLOR, Role.VOLUNTEER}
REGION_ROLES = {Role.REGION_OFFICER, Role.TOWNSHIP_OFFICER, Role.VILLAGE_SUPERVISOR}
WEEK = datetime.timedelta(days=6)


# --- one child --------------------------------------------------------------------------------


def child_for_care(user, public_id) -> Child:
    """A child on whom the user may see care work, or 404."""
    child = (
        Child.objects.visible_to(user)
        .select_related("school_class__school", "school_class__head_teacher")
        .filter(public_id=uuid_or_404(public_id))
        .first()
    )
    if child is None:
        raise Http404
    return child


@dataclass(frozen=True)
class ActionEntry:
    """A care action as a reader may see it. `summary` is None when the privacy matrix withholds
    it from the reader (`core.visibility.care_summary_readable`): they see that the action took
    place, when and by whom, never what was written. `counselling` says which rule withheld it."""

    public_id: object
    kind: str
    kind_label: str
    done_on: datetime.date
    author: str
    summary: str | None
    follow_up_on: datetime.date | None
    children_count: int
    shareable: bool = False
    counselling: bool = False

    @property
    def confidential(self) -> bool:
        return self.summary is None


def care_actions_for(user, *, child: Child, limit: int | None = None) -> list[ActionEntry]:
    """The child's care actions, newest first. A summary the user may not read is never read
    from the database: the query itself puts NULL in its place (`care_summary_q`)."""
    visible = Child.objects.visible_to(user).filter(pk=child.pk)
    summary = Case(When(care_summary_q(user), then=F("summary")), default=Value(None))
    actions = (
        CareAction.objects.filter(
            pk__in=CareActionChild.objects.filter(child__in=visible).values("action_id")
        )
        .defer("summary")
        .select_related("author")
        .defer("author__phone")
        .annotate(
            children_count=Count("links"),
            shown_summary=ExpressionWrapper(summary, output_field=EncryptedTextField(null=True)),
        )
        .order_by("-done_on", "-id")
    )
    if limit is not None:
        actions = actions[:limit]
    return [
        ActionEntry(
            public_id=action.public_id,
            kind=action.kind,
            kind_label=action.get_kind_display(),
            done_on=action.done_on,
            author=str(action.author),
            summary=action.shown_summary,  # type: ignore[attr-defined]
            follow_up_on=action.follow_up_on,
            children_count=action.children_count,  # type: ignore[attr-defined]
            shareable=action.shareable,
            counselling=care_summary_field(
                action.kind, by_counsellor=action.author.role == Role.COUNSELLOR
            )
            == ChildField.COUNSELLING,
        )
        for action in actions
    ]


@dataclass
class ChildCare:
    child: Child
    proxy: Pairing | None
    mentor: Pairing | None
    buddy: Buddy | None
    pairings: list[Pairing]
    statuses: list[ChildStatus]
    actions: list[ActionEntry]
    open_tasks: list[VisitTask]
    exemptions: list[Exemption]
    today: datetime.date


def _quota_columns(school_ids, *, day: datetime.date, terms: list[TermDates]):
    effective = effective_quotas(school_ids)
    running, ended = columns_around(effective, day=day, terms=terms)
    for i, column in enumerate(ended):
        ended[i] = Column(
            index=len(running) + i,
            kind=column.kind,
            period=column.period,
            minimum_by_school=column.minimum_by_school,
        )
    return running, ended


def child_care_for(
    user, *, child: Child, today: datetime.date | None = None, actions_limit: int | None = None
) -> ChildCare:
    """Everything about one child's care: the network, this and last period's quota statuses,
    the actions (counselling kept confidential), open tasks and exemptions."""
    day = today_or(today)
    visible = Child.objects.visible_to(user).filter(pk=child.pk)
    row = visible.select_related("school_class").first()
    if row is None:
        raise Http404
    running, ended = _quota_columns([row.school_class.school_id], day=day, terms=terms_dates())
    columns = running + ended
    few = read_few([row], columns)
    statuses = [s for s in few_statuses(row, columns, few, today=day) if s.status is not None]
    pairings = list(
        Pairing.objects.filter(child__in=visible).select_related("carer").order_by("-starts_on")
    )
    current = [p for p in pairings if p.starts_on <= day and (p.ends_on or day) >= day]
    return ChildCare(
        child=child,
        proxy=next((p for p in current if p.kind == PairingKind.PROXY_PARENT), None),
        mentor=next((p for p in current if p.kind == PairingKind.MENTOR), None),
        buddy=Buddy.objects.current(day).filter(child__in=visible).first(),
        pairings=pairings,
        statuses=statuses,
        actions=care_actions_for(user, child=child, limit=actions_limit),
        open_tasks=list(
            tasks_for(user)
            .filter(child=child, done_on__isnull=True)
            .select_related("observation", "assignee")
            .order_by("due_on")
        ),
        exemptions=list(
            Exemption.objects.filter(child__in=visible, ends_on__gte=day - datetime.timedelta(365))
            .select_related("granted_by")
            .order_by("-starts_on")
        ),
        today=day,
    )


# --- tasks ------------------------------------------------------------------------------------


def tasks_for(user) -> QuerySet[VisitTask]:
    """The home-visit tasks a user may see: a teacher, counsellor or volunteer only the tasks
    they owe; a head teacher, leader or officer every task of the children in their scope."""
    tasks = VisitTask.objects.filter(child__in=Child.objects.visible_to(user))
    if user.role in OWN_CHILDREN_ROLES:
        tasks = tasks.filter(assignee=user)
    return tasks


def open_tasks_for(user, *, child: Child) -> QuerySet[VisitTask]:
    return (
        tasks_for(user)
        .filter(child=child, done_on__isnull=True)
        .select_related("observation")
        .order_by("due_on")
    )


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
    status: str
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
    """我的待办. `view` says whose work it lists: "own" (a proxy parent's children), "class"
    (a head teacher's class), "school" (a leader) or "region" (compliance by school)."""

    view: str
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
    running, ended = _quota_columns(school_ids, day=day, terms=terms_dates())
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


def worklist_view(user) -> str | None:
    if user.role in OWN_CHILDREN_ROLES and user.has_perm_to(Perm.CARE_RECORD):
        return "own"
    if user.role == Role.HEAD_TEACHER and user.has_perm_to(Perm.CARE_RECORD):
        return "class"
    if user.role == Role.SCHOOL_LEADER and user.has_perm_to(Perm.CARE_OVERSEE):
        return "school"
    if user.role in REGION_ROLES and user.has_perm_to(Perm.CARE_OVERSEE):
        return "region"
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
    if view == "region":
        node = user_scope_node(user)
        month = last_period(QuotaPeriod.MONTH, day, terms_dates())
        if node is not None and month is not None:
            worklist.compliance = compliance_for(
                user, node=node, month=month, today=day, by="school"
            )
        return worklist
    visible = Child.objects.visible_to(user).on_register()
    tasks = _open_tasks(tasks_for(user))
    if view == "class":
        items = _quota_items(visible, day=day, with_carer=True)
    else:
        mine = visible.filter(pk__in=current_proxies(day).filter(carer=user).values("child_id"))
        items = _quota_items(mine, day=day, with_carer=False)
    if view in ("class", "school"):
        worklist.escalations = _escalations(user, tasks, view=view, day=day)
        escalated = {item.task.pk for item in worklist.escalations if item.task is not None}
        if view == "school":
            # A leader follows the school's late tasks, not every task still in time.
            tasks = tasks.filter(Q(assignee=user) | Q(due_on__lt=day))
        tasks = tasks.exclude(pk__in=escalated)
    items += [_task_item(task, day=day) for task in tasks]
    _sort_into(worklist, items)
    if view == "school":
        worklist.classes_overdue = _classes_overdue(user, day=day)
    return worklist


def _escalations(
    user, tasks: QuerySet[VisitTask], *, view: str, day: datetime.date
) -> list[WorkItem]:
    """Open tasks of the scope overdue long enough to reach this user, not owed by the user."""
    after = (
        settings.SHOUHU_ESCALATE_HEAD_DAYS
        if view == "class"
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
    children = Child.objects.visible_to(user).filter(school_class__school=node)
    sums = sum_by(children, columns, unit=F("school_class_id"))
    classes = SchoolClass.objects.in_bulk([k for k in sums if k is not None])
    result = []
    for class_id, cells in sums.items():
        owed = sum(c.owed for c in cells)
        still_open = sum(c.open for c in cells)
        if class_id in classes and owed:
            result.append(ClassOverdue(school_class=classes[class_id], open=still_open, owed=owed))
    return sorted(result, key=lambda r: (-r.open, r.school_class.grade, r.school_class.name))


# --- forms ------------------------------------------------------------------------------------


def quota_period_by_key(key: str) -> Period:
    """The quota period a late entry is for, by its key: a month ("2026-11") or a term's code
    ("2026-2027-1"); 404 for anything else."""
    if key.count("-") == 1:
        try:
            return month_from_key(key)
        except ValueError:
            raise Http404 from None
    term = next((t for t in terms_dates() if t.code == key), None)
    if term is None:
        raise Http404
    return term_period(term)


def group_children_for(user, *, school_class: SchoolClass | None) -> QuerySet[Child]:
    """The children a group action (a symposium, a training) may gather: those on the register
    in the user's scope, of one class when given."""
    children = (
        Child.objects.visible_to(user)
        .on_register()
        .select_related("school_class")
        .defer(*SEALED_CHILD_FIELDS)
    )
    if school_class is not None:
        children = children.filter(school_class=school_class)
    return children.order_by("school_class__grade", "school_class__name", "name_pinyin")


def children_by_public_ids(user, public_ids) -> list[Child]:
    return list(Child.objects.visible_to(user).filter(public_id__in=list(public_ids)))
