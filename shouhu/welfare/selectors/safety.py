"""Reads of safety records for a user: incidents (with what happened shown as `incident_notes`
allows), the serious ones a leader or a township must see at once, the contact chain of a child
and the links missing in a class, lectures and the lectures a school still owes."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.care.reading import SEALED_CHILD_FIELDS
from shouhu.care.rules import Period, TermDates, month_of, term_period
from shouhu.care.selectors.child import uuid_or_404
from shouhu.core.roles import Perm, Role
from shouhu.core.visibility import (
    ChildField,
    Visibility,
    printed,
    proxy_pairing_of,
    visibility,
)
from shouhu.org.models import Region, RegionLevel, School, SchoolClass, Term
from shouhu.org.selectors import schools_under
from shouhu.registry.classification import ParentStatus
from shouhu.registry.contact_card import card_for, chain_officers
from shouhu.registry.models import Child, Guardian, ParentRole
from shouhu.welfare.models import (
    Incident,
    IncidentFollowUp,
    IncidentNotice,
    Lecture,
    LecturePeriod,
    LectureQuota,
)
from shouhu.welfare.models.safety import DEFAULT_LECTURE_QUOTA

# How long a serious incident stays on the home pages of the school's leaders and the township.
ALERT_DAYS = 14
LIST_LIMIT = 200


def incidents_for(user, *, child: Child | None = None) -> QuerySet:
    """The incidents the user may see, latest first (no notes read)."""
    rows = (
        Incident.objects.restrict(user, Perm.INCIDENT_RECORD)
        .select_related("child__school_class__school")
        .defer("what", "injuries", "actions", *(f"child__{f}" for f in SEALED_CHILD_FIELDS))
        .order_by("-happened_at")
    )
    return rows.filter(child=child) if child is not None else rows


@dataclass(frozen=True)
class IncidentView:
    """An incident as one reader sees it: the notes in full, withheld, or not at all."""

    incident: Incident
    notes: Visibility
    what: str
    injuries: str
    actions: str
    notices: list[IncidentNotice]
    follow_ups: list[IncidentFollowUp]


def _note(state: Visibility, value: str) -> str:
    return printed(state, ChildField.INCIDENT_NOTES, value)


def incident_view_for(user, public_id, *, request=None) -> IncidentView:
    incident = (
        Incident.objects.restrict(user, Perm.INCIDENT_RECORD)
        .select_related("child__school_class__school", "recorded_by")
        .filter(public_id=uuid_or_404(public_id))
        .prefetch_related(
            Prefetch("notices", IncidentNotice.objects.order_by("notified_at")),
            Prefetch("follow_ups", IncidentFollowUp.objects.order_by("due_on")),
        )
        .first()
    )
    if incident is None:
        raise Http404
    state = visibility(user, ChildField.INCIDENT_NOTES)
    if state == Visibility.FULL:
        access_record(
            user=user,
            action=AccessAction.VIEW,
            child=incident.child,
            field=ChildField.INCIDENT_NOTES,
            request=request,
        )
    show_follow_ups = state == Visibility.FULL
    return IncidentView(
        incident=incident,
        notes=state,
        what=_note(state, incident.what),
        injuries=_note(state, incident.injuries),
        actions=_note(state, incident.actions),
        notices=list(incident.notices.all()),
        follow_ups=[
            f if show_follow_ups else _withheld_follow_up(f) for f in incident.follow_ups.all()
        ],
    )


def _withheld_follow_up(follow_up: IncidentFollowUp) -> IncidentFollowUp:
    follow_up.note = _note(Visibility.MASKED, follow_up.note)
    return follow_up


def incident_alerts_for(user, *, day: datetime.date | None = None) -> list[Incident]:
    """Serious incidents of the last `ALERT_DAYS` days in the scope of a school leader or a
    township officer: on their home pages at once (篇七: 第一时间报告)."""
    if user.role not in (Role.SCHOOL_LEADER, Role.TOWNSHIP_OFFICER):
        return []
    day = day or timezone.localdate()
    since = timezone.make_aware(
        datetime.datetime.combine(day - datetime.timedelta(days=ALERT_DAYS), datetime.time())
    )
    return list(incidents_for(user).filter(serious=True, happened_at__gte=since)[:20])


# --- the contact chain (应急联系链) ---------------------------------------------------------------


@dataclass(frozen=True)
class ContactChain:
    child: Child
    lines: list
    missing: list[str]


def chain_children_for(user, *, public_id=None, school_class: SchoolClass | None = None):
    """The children whose chain the user may read, with what the chain reads prefetched."""
    children = (
        Child.objects.restrict(user)
        .select_related(
            "school_class__school__region__parent", "school_class__head_teacher", "guardian"
        )
        .defer(*SEALED_CHILD_FIELDS)
        .prefetch_related("parents", "pairings__carer")
    )
    if public_id is not None:
        return children.filter(public_id=uuid_or_404(public_id))
    return children.on_register().filter(school_class=school_class).order_by("name_pinyin")


def missing_links(child: Child, *, officers: dict, day: datetime.date) -> list[str]:
    """The links of the child's chain that cannot be called: nobody, or no phone."""
    missing = []
    head = child.school_class.head_teacher
    if head is None or not head.phone:
        missing.append(_("班主任电话"))
    proxy = proxy_pairing_of(child, day=day)
    if proxy is None or not proxy.carer.phone:
        missing.append(_("代理家长电话"))
    try:
        guardian = child.guardian
    except Guardian.DoesNotExist:
        guardian = None
    if guardian is None or not guardian.phone:
        missing.append(_("监护人电话"))
    parents = {p.role: p for p in child.parents.all()}
    for role in (ParentRole.FATHER, ParentRole.MOTHER):
        parent = parents.get(role)
        if parent is not None and parent.status == ParentStatus.DECEASED:
            continue
        if parent is None or not parent.phone:
            missing.append(_("%(who)s电话") % {"who": ParentRole(role).label})
    school = child.school_class.school
    if not school.duty_phone:
        missing.append(_("学校值班电话"))
    supervisor = officers.get(child.home_region_id)
    if supervisor is None or supervisor.role != Role.VILLAGE_SUPERVISOR:
        missing.append(_("村儿童福利督导员"))
    region = school.region
    township = region if region.level == RegionLevel.TOWNSHIP else region.parent
    if officers.get(township.pk if township else None) is None:
        missing.append(_("乡镇儿童主任"))
    return missing


def contact_chain_for(user, child: Child) -> ContactChain:
    """The child's chain as the reader may print it (the contact card's rules)."""
    day = timezone.localdate()
    officers = chain_officers([child])
    card = card_for(child, reader=user, day=day, officers=officers)
    return ContactChain(
        child=child,
        lines=card["lines"],
        missing=missing_links(child, officers=officers, day=day),
    )


def class_missing_links_for(user, *, school_class: SchoolClass) -> list[ContactChain]:
    """Each child of the class whose chain has a missing link, with the links missing."""
    day = timezone.localdate()
    children = list(chain_children_for(user, school_class=school_class))
    officers = chain_officers(children)
    found = []
    for child in children:
        missing = missing_links(child, officers=officers, day=day)
        if missing:
            found.append(ContactChain(child=child, lines=[], missing=missing))
    return found


# --- lectures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LectureRule:
    period: str
    minimum: int
    set_at: str
    default: bool = False  # no region or school set one: the system's (a region may loosen it)

    def __str__(self) -> str:
        return _("%(period)s至少%(minimum)d场（%(where)s）") % {
            "period": LecturePeriod(self.period).label,
            "minimum": self.minimum,
            "where": self.set_at,
        }


def _default_rule() -> LectureRule:
    period, minimum = DEFAULT_LECTURE_QUOTA
    return LectureRule(period=period, minimum=minimum, set_at=_("系统默认"), default=True)


@dataclass(frozen=True)
class LectureQuotas:
    """Every lecture quota set (a small table, read once): by school, and by region prefix,
    the nearest (longest prefix) first."""

    by_school: dict[int, LectureQuota]
    by_region: list[tuple[str, LectureQuota]]


def lecture_quotas() -> LectureQuotas:
    by_school: dict[int, LectureQuota] = {}
    by_region: list[tuple[str, LectureQuota]] = []
    for quota in LectureQuota.objects.select_related("region", "school"):
        if quota.school_id:
            by_school[quota.school_id] = quota
        elif quota.region is not None:
            by_region.append((quota.region.prefix, quota))
    by_region.sort(key=lambda pair: len(pair[0]), reverse=True)
    return LectureQuotas(by_school=by_school, by_region=by_region)


def _rule(quota: LectureQuota) -> LectureRule:
    return LectureRule(
        period=quota.period, minimum=quota.minimum, set_at=str(quota.school or quota.region)
    )


def lecture_quota_for(
    node: Region | School, *, above_only: bool = False, quotas: LectureQuotas | None = None
) -> LectureRule:
    """The lecture quota that holds for a school or a region: the nearest one set on it or
    above it (`above_only`: above it), else the system's default (one a month)."""
    quotas = quotas or lecture_quotas()
    if isinstance(node, School):
        if not above_only and node.pk in quotas.by_school:
            return _rule(quotas.by_school[node.pk])
        code, itself = node.region.code, None
    else:
        code, itself = node.code, node.pk
    for prefix, quota in quotas.by_region:
        if above_only and quota.region_id == itself:
            continue
        if code.startswith(prefix):
            return _rule(quota)
    return _default_rule()


def lectures_for(user, *, school: School | None = None) -> QuerySet:
    rows = (
        Lecture.objects.restrict(user)
        .select_related("school")
        .prefetch_related("classes")
        .order_by("-held_on", "-pk")
    )
    return rows.filter(school=school) if school is not None else rows


@dataclass(frozen=True)
class LectureDue:
    """A period in which a school held fewer lectures than its quota."""

    school: School
    period: Period
    held: int
    minimum: int


def _periods(rule: LectureRule, term: Term, day: datetime.date) -> list[Period]:
    if rule.period == LecturePeriod.TERM:
        dates = TermDates(
            code=term.code, starts_on=term.starts_on, ends_on=term.ends_on, label=str(term)
        )
        return [term_period(dates)] if term.starts_on <= day else []
    periods, cursor = [], term.starts_on
    while cursor <= min(day, term.ends_on):
        periods.append(month_of(cursor))
        cursor = month_of(cursor).end + datetime.timedelta(days=1)
    return periods


def lectures_missing_for(
    user, *, node: Region | School, term: Term, day: datetime.date | None = None
) -> list[LectureDue]:
    """For each school under the node, the periods of the term so far (a period still running
    counts "so far") with fewer lectures than the quota."""
    day = day or timezone.localdate()
    schools = (
        [node]
        if isinstance(node, School)
        else list(schools_under(node).select_related("region").order_by("code"))
    )
    quotas = lecture_quotas()
    held = {
        (row["school"], row["held_on"]): row["n"]
        for row in Lecture.objects.filter(
            school__in=schools, held_on__range=(term.starts_on, min(day, term.ends_on))
        )
        .values("school", "held_on")
        .annotate(n=Count("pk"))
    }
    missing = []
    for school in schools:
        rule = lecture_quota_for(school, quotas=quotas)
        for period in _periods(rule, term, day):
            count = sum(
                n
                for (s, on), n in held.items()
                if s == school.pk and period.start <= on <= period.end
            )
            if count < rule.minimum:
                missing.append(
                    LectureDue(school=school, period=period, held=count, minimum=rule.minimum)
                )
    return missing
