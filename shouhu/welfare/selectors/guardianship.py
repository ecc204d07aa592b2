"""Reading guardianship for a user: a child's agreements and cases, the lists of agreements to
sign or renew, the unsupervised children still without a guardian and a signed agreement,
training sessions and their figures, commendations and the open 无户籍 cases. Every read starts
from the user's scope (`restrict`); a row outside it is a 404."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from shouhu.care.reading import SEALED_CHILD_FIELDS
from shouhu.care.selectors.child import uuid_or_404
from shouhu.core.roles import Perm
from shouhu.core.scoping import may, subtree_range
from shouhu.core.visibility import ChildField, Visibility, visibility
from shouhu.org.models import School, SchoolClass, Term
from shouhu.org.selectors import class_filter, unit_nodes
from shouhu.registry.models import Child, ChildFlag, Flag, Guardian
from shouhu.welfare.models.guardianship import (
    TRAINING_GOOD_PER_TERM,
    TRAINING_PER_TERM,
    AgreementStatus,
    Commendation,
    GuardianAgreement,
    HukouReferral,
    TrainingAttendance,
    TrainingSession,
    agreement_end,
)

# --- who needs an agreement -------------------------------------------------------------------


def children_in(user, node, perm: str | None = None) -> QuerySet[Child]:
    """The children on the register under the node that the user sees."""
    return (
        Child.objects.restrict(user, perm)
        .on_register()
        .filter(class_filter(node, "school_class__"))
    )


def needing_agreement(children: QuerySet[Child]) -> QuerySet[Child]:
    """Who must have a signed agreement: every child entrusted to a guardian on file, and every
    child flagged 无人监护 (who must get a guardian appointed first)."""
    unsupervised = ChildFlag.objects.open().filter(child=OuterRef("pk"), flag=Flag.UNSUPERVISED)
    return children.filter(Q(guardian__isnull=False) | Exists(unsupervised))


def _signed_in_force(day: datetime.date):
    return Exists(GuardianAgreement.objects.in_force(day).filter(child=OuterRef("pk")))


# --- one child ----------------------------------------------------------------------------------


def guardianship_child_for(user, public_id, perm: str | None = None) -> Child:
    """A child the user sees (holding `perm`, when named), or 404; sealed fields unread."""
    child = (
        Child.objects.restrict(user, perm)
        .select_related("school_class__school", "guardian")
        .defer(*SEALED_CHILD_FIELDS)
        .filter(public_id=uuid_or_404(public_id))
        .first()
    )
    if child is None:
        raise Http404
    return child


@dataclass
class AgreementRow:
    agreement: GuardianAgreement
    status: AgreementStatus

    @property
    def is_open(self) -> bool:
        return self.status == AgreementStatus.UNSIGNED


@dataclass
class ChildGuardianship:
    """The 监护 section of a child's file."""

    child: Child
    guardian: Guardian | None
    agreements: list[AgreementRow]
    unsupervised: bool
    unregistered: bool
    referrals: list[HukouReferral]
    commendations: list[Commendation]
    trainings: int  # sessions the guardian attended this term
    may_manage: bool
    may_refer: bool
    may_see_scan: bool

    @property
    def current(self) -> AgreementRow | None:
        return self.agreements[0] if self.agreements else None

    @property
    def missing(self) -> bool:
        """No agreement signed and in force (what the township counts for 无人监护)."""
        return self.current is None or self.current.status not in (
            AgreementStatus.VALID,
            AgreementStatus.EXPIRING,
        )


def scan_visible(user) -> bool:
    """The signed agreement's scan (names, signatures, sometimes ID numbers): the
    `agreement_scan` row of the privacy matrix, shown in full or not at all."""
    return visibility(user, ChildField.AGREEMENT_SCAN) == Visibility.FULL


def child_guardianship_for(user, *, child: Child, day: datetime.date | None = None):
    day = day or timezone.localdate()
    term = Term.objects.filter(starts_on__lte=day, ends_on__gte=day).first()
    flags = set(
        ChildFlag.objects.open()
        .filter(child=child, flag__in=[Flag.UNSUPERVISED, Flag.UNREGISTERED])
        .values_list("flag", flat=True)
    )
    agreements = [
        AgreementRow(a, a.status(day)) for a in GuardianAgreement.objects.filter(child=child)
    ]
    trainings = 0
    if term is not None:
        trainings = TrainingAttendance.objects.filter(
            child=child, session__held_on__range=(term.starts_on, term.ends_on)
        ).count()
    return ChildGuardianship(
        child=child,
        guardian=Guardian.objects.filter(child=child).first(),
        agreements=agreements,
        unsupervised=Flag.UNSUPERVISED in flags,
        unregistered=Flag.UNREGISTERED in flags,
        referrals=list(HukouReferral.objects.filter(child=child).order_by("-reported_on")),
        commendations=list(Commendation.objects.filter(child=child).select_related("term")),
        trainings=trainings,
        may_manage=may(user, Perm.GUARDIAN_MANAGE),
        may_refer=may(user, Perm.HUKOU_REFERRAL),
        may_see_scan=scan_visible(user),
    )


def agreement_for(user, public_id, perm: str | None = None) -> GuardianAgreement:
    agreement = (
        GuardianAgreement.objects.restrict(user, perm)
        .select_related("child__school_class__school", "scan")
        .filter(public_id=uuid_or_404(public_id))
        .first()
    )
    if agreement is None:
        raise Http404
    return agreement


# --- the lists (unsigned, expiring, expired) --------------------------------------------------


@dataclass
class ListedChild:
    child: Child
    agreement: GuardianAgreement | None
    status: AgreementStatus | None  # None: no agreement at all
    unsupervised: bool = False
    has_guardian: bool = True


@dataclass
class AgreementLists:
    unsigned: list[ListedChild] = field(default_factory=list)
    expiring: list[ListedChild] = field(default_factory=list)
    expired: list[ListedChild] = field(default_factory=list)
    unsupervised_missing: list[ListedChild] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.unsigned) + len(self.expiring) + len(self.expired)


def agreement_lists_for(user, *, node, day: datetime.date | None = None) -> AgreementLists:
    """The children under the node whose agreement must be signed (none, or drawn up and not
    signed), renewed soon (ending within 30 days) or renewed now (expired); and the children
    flagged 无人监护 still without a guardian or a signed agreement. Three queries."""
    day = day or timezone.localdate()
    children = list(
        needing_agreement(children_in(user, node, Perm.GUARDIAN_MANAGE))
        .select_related("school_class")
        .defer(*SEALED_CHILD_FIELDS)
        .annotate(
            has_guardian=Exists(Guardian.objects.filter(child=OuterRef("pk"))),
            unsupervised=Exists(
                ChildFlag.objects.open().filter(child=OuterRef("pk"), flag=Flag.UNSUPERVISED)
            ),
        )
        .order_by("school_class__grade", "school_class__name", "name_pinyin")
    )
    latest = {
        a.child_id: a
        for a in GuardianAgreement.objects.filter(child__in=[c.pk for c in children])
        .latest_per_child()
        .only("public_id", "child_id", "starts_on", "ends_on", "signed_on")
    }
    lists = AgreementLists()
    for child in children:
        agreement = latest.get(child.pk)
        status = agreement.status(day) if agreement is not None else None
        row = ListedChild(
            child=child,
            agreement=agreement,
            status=status,
            unsupervised=child.unsupervised,
            has_guardian=child.has_guardian,
        )
        if status in (None, AgreementStatus.UNSIGNED):
            lists.unsigned.append(row)
        elif status == AgreementStatus.EXPIRING:
            lists.expiring.append(row)
        elif status == AgreementStatus.EXPIRED:
            lists.expired.append(row)
        if child.unsupervised and (
            not child.has_guardian
            or status not in (AgreementStatus.VALID, AgreementStatus.EXPIRING)
        ):
            lists.unsupervised_missing.append(row)
    return lists


def unsupervised_missing_count(user, *, node, day: datetime.date) -> int:
    """How many children flagged 无人监护 on the day still have no guardian on file or no
    signed agreement in force (what the township watches)."""
    flagged = ChildFlag.objects.filter(
        child=OuterRef("pk"), flag=Flag.UNSUPERVISED, since__lte=day
    ).filter(Q(until__isnull=True) | Q(until__gt=day))
    return (
        _on_register_on(children_in_any(user, node), day)
        .filter(Exists(flagged))
        .exclude(Q(guardian__isnull=False) & _signed_in_force(day))
        .count()
    )


def children_in_any(user, node) -> QuerySet[Child]:
    """Every child under the node the user sees, on the register or not (a figure of a past
    term counts the children then on it)."""
    return Child.objects.restrict(user).filter(class_filter(node, "school_class__"))


def _on_register_on(children: QuerySet[Child], day: datetime.date) -> QuerySet[Child]:
    return children.filter(registered_on__lte=day).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=day)
    )


# --- the class's agreements as one document ---------------------------------------------------


def class_agreements_for(
    user, *, school_class: SchoolClass, day: datetime.date | None = None
) -> list[GuardianAgreement]:
    """The agreements to print for a class: each child's running unsigned agreement, or one
    drawn from the file as it is today (not saved: printing writes nothing) for a child whose
    agreement is signed, expired or missing. Children without a guardian on file are left out.
    Four queries whatever the class's size."""
    day = day or timezone.localdate()
    children = list(
        children_in(user, school_class, Perm.GUARDIAN_MANAGE)
        .filter(guardian__isnull=False)
        .select_related("guardian", "school_class__school")
        .prefetch_related("parents")
        .defer(*SEALED_CHILD_FIELDS)
        .order_by("name_pinyin")
    )
    running = {
        a.child_id: a
        for a in GuardianAgreement.objects.filter(
            child__in=[c.pk for c in children], signed_on__isnull=True, ends_on__gte=day
        )
    }
    result = []
    for child in children:
        agreement = running.get(child.pk) or agreement_from_file(child, day=day)
        agreement.child = child
        result.append(agreement)
    return result


def agreement_from_file(child: Child, *, day: datetime.date) -> GuardianAgreement:
    """An agreement drawn from the file as it is (unsaved), beginning on the day."""
    names = {p.role: p.name for p in child.parents.all()}
    guardian = child.guardian
    return GuardianAgreement(
        child=child,
        guardian_name=guardian.name,
        guardian_relation=guardian.relation,
        father_name=names.get("father", ""),
        mother_name=names.get("mother", ""),
        starts_on=day,
        ends_on=agreement_end(day),
    )


# --- training ---------------------------------------------------------------------------------


@dataclass
class TrainingUnit:
    """A unit's guardians and how many came to training this term (compliance-like)."""

    node: object
    guardians: int
    trained: int  # came at least TRAINING_PER_TERM times
    trained_well: int  # came TRAINING_GOOD_PER_TERM times or more

    @property
    def missing(self) -> int:
        return self.guardians - self.trained

    @property
    def percent(self) -> float | None:
        return round(100 * self.trained / self.guardians, 1) if self.guardians else None


def _guardians(user, node, term: Term) -> QuerySet:
    """The children (one guardian each) owed training in the term: on the register on the
    term's reference day, with a guardian on file, annotated with the sessions attended."""
    day = max(term.starts_on, min(timezone.localdate(), term.ends_on))
    return (
        _on_register_on(children_in_any(user, node), day)
        .filter(guardian__isnull=False)
        .annotate(
            sessions=Count(
                "training_attendances",
                filter=Q(
                    training_attendances__session__held_on__range=(term.starts_on, term.ends_on)
                ),
            )
        )
    )


def training_totals(user, *, node, term: Term) -> TrainingUnit:
    sessions: list[int] = list(_guardians(user, node, term).values_list("sessions", flat=True))
    return TrainingUnit(
        node=node,
        guardians=len(sessions),
        trained=sum(1 for s in sessions if s >= TRAINING_PER_TERM),
        trained_well=sum(1 for s in sessions if s >= TRAINING_GOOD_PER_TERM),
    )


def training_units_for(user, *, node, term: Term) -> list[TrainingUnit]:
    """The node's units one level down (a school's classes, a township's schools, …), each with
    its guardians and how many met the quota this term. One query."""
    expression, units = unit_nodes(node, prefix="school_class__")
    if expression is None:
        return [training_totals(user, node=node, term=term)]
    counts: dict[object, list[int]] = {key: [0, 0, 0] for key in units}
    rows = _guardians(user, node, term).annotate(unit=expression).values_list("unit", "sessions")
    for unit, sessions in rows:
        if unit not in counts:
            continue
        counts[unit][0] += 1
        counts[unit][1] += sessions >= TRAINING_PER_TERM
        counts[unit][2] += sessions >= TRAINING_GOOD_PER_TERM
    return [TrainingUnit(units[k], *counts[k]) for k in units]


def training_sessions_for(user, *, node, term: Term) -> list[TrainingSession]:
    if isinstance(node, SchoolClass):
        where = Q(school_class=node) | Q(school_class__isnull=True, school_id=node.school_id)
    else:
        where = _school_filter(node)
    return list(
        TrainingSession.objects.restrict(user, Perm.GUARDIAN_MANAGE)
        .filter(where, held_on__range=(term.starts_on, term.ends_on))
        .select_related("school", "school_class")
        .annotate(attended=Count("attendances"))
        .order_by("-held_on", "-pk")
    )


def _school_filter(node) -> Q:
    if isinstance(node, School):
        return Q(school=node)
    return Q(school__region__code__range=subtree_range(node.prefix))


def training_session_for(user, public_id) -> TrainingSession:
    session = (
        TrainingSession.objects.restrict(user, Perm.GUARDIAN_MANAGE)
        .select_related("school", "school_class")
        .filter(public_id=uuid_or_404(public_id))
        .first()
    )
    if session is None:
        raise Http404
    return session


def training_candidates_for(user, *, session: TrainingSession) -> list[tuple[Child, bool]]:
    """The children whose guardian may attend the session (the school's or the class's, with a
    guardian on file), each with whether the guardian came."""
    children = (
        Child.objects.restrict(user)
        .on_register()
        .filter(school_class__school_id=session.school_id, guardian__isnull=False)
    )
    if session.school_class_id is not None:
        children = children.filter(school_class_id=session.school_class_id)
    came = set(session.attendances.values_list("child_id", flat=True))
    rows = (
        children.select_related("guardian", "school_class")
        .defer(*SEALED_CHILD_FIELDS)
        .order_by("school_class__grade", "school_class__name", "name_pinyin")
    )
    return [(c, c.pk in came) for c in rows]


# --- commendations ----------------------------------------------------------------------------


def commendations_for(user, *, node, term: Term) -> list[Commendation]:
    return list(
        Commendation.objects.restrict(user)
        .filter(class_filter(node, "child__school_class__"), term=term)
        .select_related("child__school_class__school")
        .defer(*(f"child__{f}" for f in SEALED_CHILD_FIELDS))
        .order_by("child__school_class__school__code", "child__name_pinyin", "pk")
    )


# --- 无户籍 ------------------------------------------------------------------------------------


@dataclass
class HukouCases:
    to_report: list[Child]  # flagged 无户籍, not yet reported
    open: list[HukouReferral]  # reported, not yet registered

    @property
    def count(self) -> int:
        return len(self.to_report) + len(self.open)


def hukou_cases_for(user, *, node) -> HukouCases:
    """Every open case under the node: the children flagged 无户籍 not yet reported to the
    police station, and the referrals not yet registered (the county sees them all)."""
    children = children_in(user, node, Perm.HUKOU_REFERRAL)
    flagged = ChildFlag.objects.open().filter(child=OuterRef("pk"), flag=Flag.UNREGISTERED)
    open_referral = HukouReferral.objects.open().filter(child=OuterRef("pk"))
    to_report = list(
        children.filter(Exists(flagged))
        .exclude(Exists(open_referral))
        .select_related("school_class__school")
        .defer(*SEALED_CHILD_FIELDS)
        .order_by("school_class__school__code", "name_pinyin")
    )
    referrals = list(
        HukouReferral.objects.restrict(user, Perm.HUKOU_REFERRAL)
        .open()
        .filter(child__in=children)
        .select_related("child__school_class__school")
        .defer(*(f"child__{f}" for f in SEALED_CHILD_FIELDS))
        .order_by("reported_on", "pk")
    )
    return HukouCases(to_report=to_report, open=referrals)


def hukou_referral_for(user, public_id) -> HukouReferral:
    referral = (
        HukouReferral.objects.restrict(user, Perm.HUKOU_REFERRAL)
        .select_related("child")
        .filter(public_id=uuid_or_404(public_id))
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def unregistered_open_count(user, *, node, day: datetime.date) -> int:
    """Children under the node flagged 无户籍 on the day (reported or not): the open cases."""
    flagged = ChildFlag.objects.filter(
        child=OuterRef("pk"), flag=Flag.UNREGISTERED, since__lte=day
    ).filter(Q(until__isnull=True) | Q(until__gt=day))
    return _on_register_on(children_in_any(user, node), day).filter(Exists(flagged)).count()


# --- the home page's to-dos -------------------------------------------------------------------


@dataclass
class GuardianshipTodos:
    to_sign: int = 0
    to_renew: int = 0
    unsupervised_missing: int = 0
    hukou_open: int = 0

    @property
    def any(self) -> bool:
        return bool(self.to_sign or self.to_renew or self.unsupervised_missing or self.hukou_open)


def guardianship_todos_for(user, *, node) -> GuardianshipTodos:
    todos = GuardianshipTodos()
    if node is None:
        return todos
    if may(user, Perm.GUARDIAN_MANAGE):
        lists = agreement_lists_for(user, node=node)
        todos.to_sign = len(lists.unsigned)
        todos.to_renew = len(lists.expiring) + len(lists.expired)
        todos.unsupervised_missing = len(lists.unsupervised_missing)
    if may(user, Perm.HUKOU_REFERRAL):
        todos.hukou_open = hukou_cases_for(user, node=node).count
    return todos


# --- figures (read by reports.selectors.guardianship) -----------------------------------------


def agreements_signed_counts(user, *, node, day: datetime.date) -> tuple[int, int]:
    """(signed and in force, needing one) on the day: the children on the register then under
    the node who are entrusted to a guardian on file or flagged 无人监护 that day."""
    flagged = ChildFlag.objects.filter(
        child=OuterRef("pk"), flag=Flag.UNSUPERVISED, since__lte=day
    ).filter(Q(until__isnull=True) | Q(until__gt=day))
    needing = _on_register_on(children_in_any(user, node), day).filter(
        Q(guardian__isnull=False) | Exists(flagged)
    )
    counts = needing.aggregate(
        whole=Count("pk"), signed=Count("pk", filter=Q(_signed_in_force(day)))
    )
    return counts["signed"], counts["whole"]
