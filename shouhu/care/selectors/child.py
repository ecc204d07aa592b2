"""One child's care (a proxy parent, quota statuses, actions and tasks), the home-visit tasks a
user may see, and the children a care-action form may name. Every read of children starts from
`Child.objects.restrict(user)`; a row outside the scope is a 404."""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    QuerySet,
    Value,
    When,
)
from django.http import Http404

from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.care.compliance.columns import ChildStatus, columns_running_and_ended
from shouhu.care.compliance.few import few_statuses, read_few
from shouhu.care.compliance.quotas import terms_dates
from shouhu.care.models import (
    Buddy,
    CareAction,
    CareActionChild,
    Exemption,
    Pairing,
    PairingKind,
    VisitTask,
)
from shouhu.care.reading import SEALED_CHILD_FIELDS, today_or
from shouhu.care.rules import (
    Period,
    month_from_key,
    term_period,
)
from shouhu.core.crypto import EncryptedTextField
from shouhu.core.roles import Role
from shouhu.core.visibility import ChildField, care_summary_field, care_summary_q
from shouhu.org.models import SchoolClass
from shouhu.registry.models import Child

# Roles whose worklist is the children they are proxy parent of, and the tasks they owe.
OWN_CHILDREN_ROLES = {Role.TEACHER, Role.COUNSELLOR, Role.VOLUNTEER}


def uuid_or_404(value) -> uuid.UUID:
    """A public id from a URL or a form; anything else is a 404, not a server error."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


# --- one child --------------------------------------------------------------------------------


def child_for_care(user, public_id) -> Child:
    """A child on whom the user may see care work, or 404."""
    child = (
        Child.objects.restrict(user)
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
    visible = Child.objects.restrict(user).filter(pk=child.pk)
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


def child_care_for(
    user,
    *,
    child: Child,
    today: datetime.date | None = None,
    actions_limit: int | None = None,
    request=None,
) -> ChildCare:
    """Everything about one child's care: the network, this and last period's quota statuses,
    the actions (counselling kept confidential), open tasks and exemptions. `child` comes from
    the user's scope (`child_for_care`), with its class. Reading it is logged (`view`), as
    opening the child's file is."""
    access_record(user=user, action=AccessAction.VIEW, child=child, request=request)
    day = today_or(today)
    running, ended = columns_running_and_ended(
        [child.school_class.school], day=day, terms=terms_dates()
    )
    columns = running + ended
    pairings = list(
        Pairing.objects.filter(child=child).select_related("carer").order_by("-starts_on")
    )
    # The page lists the last year's exemptions; the statuses need those over their columns.
    since = min([day - datetime.timedelta(365)] + [c.period.start for c in columns])
    exemptions = list(
        Exemption.objects.filter(child=child, ends_on__gte=since)
        .select_related("granted_by")
        .order_by("-starts_on")
    )
    few = read_few([child], columns, pairings=pairings, exemptions=exemptions)
    statuses = [s for s in few_statuses(child, columns, few, today=day) if s.status is not None]
    current = [p for p in pairings if p.held_on(day)]
    year_ago = day - datetime.timedelta(365)
    return ChildCare(
        child=child,
        proxy=next((p for p in current if p.kind == PairingKind.PROXY_PARENT), None),
        mentor=next((p for p in current if p.kind == PairingKind.MENTOR), None),
        buddy=Buddy.objects.current(day).filter(child=child).first(),
        pairings=pairings,
        statuses=statuses,
        actions=care_actions_for(user, child=child, limit=actions_limit),
        open_tasks=list(
            tasks_for(user)
            .filter(child=child, done_on__isnull=True)
            .select_related("observation", "assignee")
            .order_by("due_on")
        ),
        exemptions=[e for e in exemptions if e.ends_on >= year_ago],
        today=day,
    )


# --- tasks ------------------------------------------------------------------------------------


def tasks_for(user) -> QuerySet[VisitTask]:
    """The home-visit tasks a user may see: a teacher, counsellor or volunteer only the tasks
    they owe; a head teacher, leader or officer every task of the children in their scope."""
    tasks = VisitTask.objects.filter(child__in=Child.objects.restrict(user))
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
        Child.objects.restrict(user)
        .on_register()
        .select_related("school_class")
        .defer(*SEALED_CHILD_FIELDS)
    )
    if school_class is not None:
        children = children.filter(school_class=school_class)
    return children.order_by("school_class__grade", "school_class__name", "name_pinyin")


def children_by_public_ids(user, public_ids) -> list[Child]:
    return list(Child.objects.restrict(user).filter(public_id__in=list(public_ids)))
