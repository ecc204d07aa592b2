"""Everything that reads aid (资助·救助) for a user: one record, the lists to review and to
decide, a child's aid as the privacy matrix allows, the public notice (公示), the eligibility
hints (children who should be helped and are not) and the totals by kind. Every read starts
from `AidRecord.objects.restrict(user)` or `Child.objects.restrict(user)`."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from shouhu.core.masking import mask_name
from shouhu.core.roles import Perm
from shouhu.core.scoping import may
from shouhu.core.visibility import ChildField, Visibility, visibility
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.org.selectors import class_filter
from shouhu.registry.classification import ParentStatus
from shouhu.registry.models import Child, ChildFlag, Flag, Guardian, Parent
from shouhu.welfare.models.aid import (
    AidKind,
    AidNotice,
    AidRecord,
    AidStatus,
)

Node = Region | School | SchoolClass

AID_PERMS = (Perm.AID_PROPOSE, Perm.AID_APPROVE, Perm.AID_DECIDE)


def may_read_aid(user) -> bool:
    """Whether the user works with aid at all: proposes, approves or decides it."""
    return any(may(user, perm) for perm in AID_PERMS)


def _uuid_or_404(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def _records(user) -> QuerySet[AidRecord]:
    return AidRecord.objects.restrict(user).select_related(
        "child", "school_class__school", "term", "proposed_by", "reviewed_by", "decided_by"
    )


def aid_record_for(user, public_id) -> AidRecord:
    """One aid record the user may read, or 404 (outside the scope, or no right to aid)."""
    if not may_read_aid(user):
        raise Http404
    record = _records(user).filter(public_id=_uuid_or_404(public_id)).first()
    if record is None:
        raise Http404
    return record


def aid_history_for(record: AidRecord) -> list[AidRecord]:
    """The chain of corrections a record belongs to, oldest first (the record read already)."""
    chain = [record]
    while chain[0].corrects_id is not None:
        chain.insert(
            0, AidRecord.objects.select_related("proposed_by").get(pk=chain[0].corrects_id)
        )
    later = list(
        AidRecord.objects.filter(corrects=record).select_related("proposed_by").order_by("pk")
    )
    return chain + later


@dataclass(frozen=True)
class AidListing:
    """The records a page lists, and what the user may do with them."""

    awaiting_review: list[AidRecord]
    awaiting_decision: list[AidRecord]
    decided: list[AidRecord]


def aid_list_for(user, *, node: Node, term: Term) -> AidListing:
    """The aid of a node's children for a term: what awaits the school's review, what awaits
    civil affairs, and what is decided (newest first)."""
    rows = list(
        _records(user)
        .filter(class_filter(node, "school_class__"), term=term)
        .order_by("-proposed_on", "-pk")
    )
    return AidListing(
        awaiting_review=[r for r in rows if r.status == AidStatus.PROPOSED],
        awaiting_decision=[r for r in rows if r.status == AidStatus.REFERRED],
        decided=[r for r in rows if r.decided],
    )


# --- the child's file -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildAid:
    """A child's aid as the reader may see it: `full` shows amounts and notes; otherwise only
    the kind, the term and the status (the privacy matrix's `aid` row)."""

    child: Child
    full: bool
    records: list[AidRecord]
    may_propose: bool


def child_aid_for(user, *, child: Child) -> ChildAid | None:
    """The aid section of a child's file, or None for a role the matrix hides aid from."""
    state = visibility(user, ChildField.AID)
    if state == Visibility.HIDDEN:
        return None
    records = list(_records(user).filter(child=child).order_by("-proposed_on", "-pk"))
    return ChildAid(
        child=child,
        full=state == Visibility.FULL,
        records=records,
        may_propose=may(user, Perm.AID_PROPOSE) and child.left_on is None,
    )


# --- the public notice (公示) -------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeRow:
    name: str  # masked: 张*明
    grade: str
    kind: str
    amount: Decimal


@dataclass(frozen=True)
class NoticeSheet:
    """A school's public notice for a term: only masked names, grades, kinds and amounts."""

    school: School
    term: Term
    notice: AidNotice | None
    rows: list[NoticeRow]

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal("0.00"))


def _sheets(user, *, schools: list[School], term: Term) -> list[NoticeSheet]:
    records = (
        AidRecord.objects.restrict(user)
        .effective()
        .filter(term=term, school_class__school__in=schools)
        .order_by("school_class__grade", "school_class__name", "child__name_pinyin", "kind")
        .values_list(
            "school_class__school_id", "child__name", "school_class__grade", "kind", "amount"
        )
    )
    grades = dict(SchoolClass._meta.get_field("grade").choices or [])
    by_school: dict[int, list[NoticeRow]] = defaultdict(list)
    for school_id, name, grade, kind, amount in records:
        by_school[school_id].append(
            NoticeRow(
                name=mask_name(name),
                grade=str(grades.get(grade, grade)),
                kind=str(AidKind(kind).label),
                amount=amount,
            )
        )
    notices = {n.school_id: n for n in AidNotice.objects.filter(term=term, school__in=schools)}
    return [
        NoticeSheet(school=s, term=term, notice=notices.get(s.pk), rows=by_school.get(s.pk, []))
        for s in schools
    ]


def aid_notice_for(user, *, school: School, term: Term) -> NoticeSheet:
    """The school's public notice for the term (the caller has checked the school's scope)."""
    return _sheets(user, schools=[school], term=term)[0]


def aid_notices_under(user, *, node: Node, term: Term) -> list[NoticeSheet]:
    """Every school's notice under a node that has approved aid in the term (a county's PDF)."""
    if isinstance(node, SchoolClass):
        node = node.school
    if isinstance(node, School):
        schools = [node]
    else:
        with_aid = (
            AidRecord.objects.restrict(user)
            .effective()
            .filter(class_filter(node, "school_class__"), term=term)
            .values("school_class__school_id")
        )
        schools = list(School.objects.filter(pk__in=with_aid).order_by("code"))
    return [s for s in _sheets(user, schools=schools, term=term) if s.rows]


# --- eligibility hints ------------------------------------------------------------------------

HARDSHIP_FLAGS = (Flag.POVERTY, Flag.LOW_INCOME)
HARDSHIP_PARENT = (ParentStatus.DECEASED, ParentStatus.INCAPABLE)


def children_without_aid(user, *, children_qs: QuerySet[Child], term: Term) -> QuerySet[Child]:
    """The children of `children_qs` (already cut to the user's scope by the caller) who
    receive no aid in the term: no approved record that counts (`effective`). The dropout
    alert (no child leaves school for poverty) and the eligibility hints both ask this."""
    aided = AidRecord.objects.effective().filter(term=term, child=OuterRef("pk"))
    return children_qs.filter(~Exists(aided))


def children_aided(child_ids, *, terms) -> set[int]:
    """Which of the children receive aid in any of the terms: an approved record that counts
    (`effective`). The dropout poverty alert asks it (no child leaves school for poverty)."""
    return set(
        AidRecord.objects.effective()
        .filter(child_id__in=list(child_ids), term__in=[t for t in terms if t is not None])
        .values_list("child_id", flat=True)
    )


def hardship_q() -> Q:
    """Children in hardship: flagged 贫困 or 低保 (open flag), a parent dead or unable to care,
    or a guardian unable to care."""
    flagged = ChildFlag.objects.open().filter(child=OuterRef("pk"), flag__in=HARDSHIP_FLAGS)
    parent = Parent.objects.filter(child=OuterRef("pk"), status__in=HARDSHIP_PARENT)
    guardian = Guardian.objects.filter(child=OuterRef("pk"), able_to_care=False)
    return Q(Exists(flagged)) | Q(Exists(parent)) | Q(Exists(guardian))


@dataclass(frozen=True)
class Hint:
    child: Child
    reasons: list[str]
    pending: bool  # a proposal is waiting for review or a decision


def aid_hints_for(user, *, term: Term, node: Node | None = None, limit: int | None = None):
    """Children in hardship (`hardship_q`) on the register with no aid this term, for the head
    teacher and the township: each with why, and whether a proposal is already under way."""
    children = Child.objects.restrict(user).filter(left_on__isnull=True).filter(hardship_q())
    if node is not None:
        children = children.filter(class_filter(node, "school_class__"))
    pending = AidRecord.objects.filter(
        child=OuterRef("pk"), term=term, status__in=(AidStatus.PROPOSED, AidStatus.REFERRED)
    )
    rows = (
        children_without_aid(user, children_qs=children, term=term)
        .annotate(pending=Exists(pending))
        .select_related("school_class__school")
        .prefetch_related("flags", "parents", "guardian")
        .order_by("school_class__school__code", "school_class__grade", "name_pinyin")
    )
    if limit is not None:
        rows = rows[:limit]
    hints = []
    for child in rows:
        reasons = [
            f.get_flag_display()
            for f in child.flags.all()
            if f.is_open and f.flag in HARDSHIP_FLAGS
        ]
        reasons += [
            f"{p.get_role_display()}{p.get_status_display()}"
            for p in child.parents.all()
            if p.status in HARDSHIP_PARENT
        ]
        guardian = getattr(child, "guardian", None)
        if guardian is not None and not guardian.able_to_care:
            reasons.append(str(Guardian._meta.get_field("able_to_care").verbose_name) + "：否")
        hints.append(Hint(child=child, reasons=reasons, pending=child.pending))
    return hints


def aid_hints_count(user, *, term: Term) -> int:
    children = Child.objects.restrict(user).filter(left_on__isnull=True).filter(hardship_q())
    return children_without_aid(user, children_qs=children, term=term).count()


# --- to-dos -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AidTodo:
    to_review: int = 0
    to_decide: int = 0
    hints: int = 0

    def __bool__(self) -> bool:
        return bool(self.to_review or self.to_decide or self.hints)


def aid_todo_for(user, *, term: Term | None) -> AidTodo:
    """What the user owes on aid: proposals to review (school leader), referrals to decide
    (civil-affairs officer), children to consider (head teacher, township)."""
    if term is None or not may_read_aid(user):
        return AidTodo()
    records = AidRecord.objects.restrict(user)
    to_review = (
        records.awaiting_school().exclude(proposed_by=user).count()
        if may(user, Perm.AID_APPROVE)
        else 0
    )
    to_decide = records.awaiting_civil_affairs().count() if may(user, Perm.AID_DECIDE) else 0
    hints = (
        aid_hints_count(user, term=term)
        if may(user, Perm.AID_PROPOSE) or may(user, Perm.AID_DECIDE)
        else 0
    )
    return AidTodo(to_review=to_review, to_decide=to_decide, hints=hints)


# --- totals -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindTotal:
    kind: str
    label: str
    amount: Decimal
    children: int  # 人次: one per record


@dataclass
class AidTotals:
    """Approved aid of a node's children in a term, by kind: 金额 (元) and 人次."""

    kinds: list[KindTotal] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return sum((k.amount for k in self.kinds), Decimal("0.00"))

    @property
    def children(self) -> int:
        return sum(k.children for k in self.kinds)


def aid_totals_for(user, *, node: Node, term: Term) -> AidTotals:
    """The totals of approved aid (`effective`) under the node in the term, every kind listed
    (zero where none). 人次 counts records: a child given two kinds counts twice."""
    rows = dict(
        (kind, (amount, n))
        for kind, amount, n in AidRecord.objects.restrict(user)
        .effective()
        .filter(class_filter(node, "school_class__"), term=term)
        .order_by()
        .values("kind")
        .annotate(amount=Sum("amount"), n=Count("pk"))
        .values_list("kind", "amount", "n")
    )
    return AidTotals(
        kinds=[
            KindTotal(
                kind=kind.value,
                label=str(kind.label),
                amount=(rows.get(kind.value, (None, 0))[0] or Decimal("0.00")),
                children=rows.get(kind.value, (None, 0))[1],
            )
            for kind in AidKind
        ]
    )
