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
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
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
    ActionKind,
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
from shouhu.core.crypto import decrypt
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
    """A child on whom the user may see care work, or 404. The file's sealed fields are not
    read: no care page shows them."""
    child = (
        Child.objects.restrict(user)
        .select_related("school_class__school", "school_class__head_teacher")
        .defer(*SEALED_CHILD_FIELDS)
        .filter(public_id=uuid_or_404(public_id))
        .first()
    )
    if child is None:
        raise Http404
    return child


# What a care page prints of a carer, an author, an assignee or an approver: their name
# (`User.__str__`). Their other columns are not read.
USER_NAME = ("display_name", "username")


def _user_name(display_name: str, username: str) -> str:
    """`User.__str__` of a row read as values."""
    return display_name or username


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
    """The child's care actions, newest first; none for a child outside the user's scope."""
    if not Child.objects.restrict(user).filter(pk=child.pk).exists():
        return []
    return _child_actions(user, child=child, limit=limit)[0]


def _child_actions(
    user, *, child: Child, limit: int | None, since: datetime.date | None = None
) -> tuple[list[ActionEntry], list[tuple[int, str, datetime.date]]]:
    """The child's latest `limit` actions (all when None), newest first, and in the same query
    the child's action links (`(child_id, kind, done_on)`) from `since` on, which the quota
    statuses count (`compliance.few.read_few`): one read of the child's actions for both.

    A summary the user may not read is never read from the database: the query itself puts
    NULL in its place (`care_summary_q`). The rows are read as values, the author by name and
    role only. `child` comes from the user's scope."""
    mine = Q(links__child=child)
    if limit is not None:
        latest = (
            CareActionChild.objects.filter(child=child)
            .order_by("-action__done_on", "-action_id")
            .values("action_id")[:limit]
        )
        # The latest `limit` are read whatever their date, every link from `since` on.
        mine &= Q(pk__in=latest) | Q(links__done_on__gte=since) if since else Q(pk__in=latest)
    summary = Case(When(care_summary_q(user), then=F("summary")), default=Value(None))
    children_count = Subquery(
        CareActionChild.objects.filter(action=OuterRef("pk"))
        .order_by()
        .values("action")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = list(
        CareAction.objects.filter(mine)
        .annotate(
            link_kind=F("links__kind"),
            link_done_on=F("links__done_on"),
            children_count=children_count,
            # The token: only the listed rows' summaries are decrypted, below.
            shown_summary=ExpressionWrapper(summary, output_field=TextField(null=True)),
        )
        .order_by("-done_on", "-id")
        .values_list(
            "link_kind",
            "link_done_on",
            "public_id",
            "kind",
            "done_on",
            "follow_up_on",
            "shareable",
            "children_count",
            "shown_summary",
            *(f"author__{f}" for f in USER_NAME),
            "author__role",
        )
    )
    links = [(child.pk, kind, done_on) for kind, done_on, *_rest in rows]
    labels = dict(ActionKind.choices)
    entries = [
        ActionEntry(
            public_id=public_id,
            kind=kind,
            kind_label=str(labels.get(kind, kind)),
            done_on=done_on,
            author=_user_name(display_name, username),
            summary=decrypt(shown_summary) if shown_summary else shown_summary,
            follow_up_on=follow_up_on,
            children_count=children_count,
            shareable=shareable,
            counselling=care_summary_field(kind, by_counsellor=role == Role.COUNSELLOR)
            == ChildField.COUNSELLING,
        )
        for (
            _link_kind,
            _link_done_on,
            public_id,
            kind,
            done_on,
            follow_up_on,
            shareable,
            children_count,
            shown_summary,
            display_name,
            username,
            role,
        ) in (rows if limit is None else rows[:limit])
    ]
    return entries, links


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
    the user's scope (`child_for_care`), with its class: the rows below are the child's own,
    read without checking the scope again. Reading it is logged (`view`), as opening the
    child's file is.

    Seven queries: terms, quotas, pairings, exemptions, the actions with the periods' action
    dates (the quota statuses rest on these, `compliance.few`), the current buddy and the open
    tasks. The carers, authors, assignees and approvers are read by name only."""
    access_record(user=user, action=AccessAction.VIEW, child=child, request=request)
    day = today_or(today)
    running, ended = columns_running_and_ended(
        [child.school_class.school], day=day, terms=terms_dates()
    )
    columns = running + ended
    pairings = list(
        Pairing.objects.filter(child=child)
        .select_related("carer")
        .only(*PAIRING_FIELDS, *(f"carer__{f}" for f in USER_NAME))
        .order_by("-starts_on")
    )
    # The page lists the last year's exemptions; the statuses need those over their columns.
    since = min([day - datetime.timedelta(365)] + [c.period.start for c in columns])
    exemptions = list(
        Exemption.objects.filter(child=child, ends_on__gte=since)
        .select_related("granted_by")
        .only(*EXEMPTION_FIELDS, *(f"granted_by__{f}" for f in USER_NAME))
        .order_by("-starts_on")
    )
    first = min((c.period.start for c in columns), default=None)
    actions, links = _child_actions(user, child=child, limit=actions_limit, since=first)
    few = read_few(
        [child],
        columns,
        pairings=pairings,
        exemptions=exemptions,
        links=links if first is not None else None,
    )
    statuses = [s for s in few_statuses(child, columns, few, today=day) if s.status is not None]
    current = [p for p in pairings if p.held_on(day)]
    year_ago = day - datetime.timedelta(365)
    return ChildCare(
        child=child,
        proxy=next((p for p in current if p.kind == PairingKind.PROXY_PARENT), None),
        mentor=next((p for p in current if p.kind == PairingKind.MENTOR), None),
        buddy=Buddy.objects.current(day).filter(child=child).order_by("pk").first(),
        pairings=pairings,
        statuses=statuses,
        actions=actions,
        open_tasks=list(
            _own_tasks(user, VisitTask.objects.filter(child=child, done_on__isnull=True))
            .select_related("observation", "assignee")
            .only(
                "public_id",
                "due_on",
                "observation__kind",
                *(f"assignee__{f}" for f in USER_NAME),
            )
            .order_by("due_on")
        ),
        exemptions=[e for e in exemptions if e.ends_on >= year_ago],
        today=day,
    )


# The columns of a pairing and an exemption the care pages and the quota statuses read.
PAIRING_FIELDS = ("child", "carer", "kind", "starts_on", "ends_on")
EXEMPTION_FIELDS = ("child", "kind", "starts_on", "ends_on", "reason", "granted_by")


# --- tasks ------------------------------------------------------------------------------------


def tasks_for(user) -> QuerySet[VisitTask]:
    """The home-visit tasks a user may see: a teacher, counsellor or volunteer only the tasks
    they owe; a head teacher, leader or officer every task of the children in their scope."""
    return _own_tasks(user, VisitTask.objects.filter(child__in=Child.objects.restrict(user)))


def _own_tasks(user, tasks: QuerySet[VisitTask]) -> QuerySet[VisitTask]:
    """A teacher's, counsellor's or volunteer's share of the tasks: those they owe."""
    if user.role in OWN_CHILDREN_ROLES:
        return tasks.filter(assignee=user)
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
