"""Reads of health records for a user: one child's checks and conditions (for the roles of
`health_records` only), a class's sheet, the follow-ups a head teacher owes, and the counts
the figures add up. Every read starts from a queryset cut to the user's scope."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.care.reading import SEALED_CHILD_FIELDS
from shouhu.care.selectors.child import uuid_or_404
from shouhu.core.roles import Perm
from shouhu.core.visibility import ChildField, Visibility, visibility
from shouhu.org.models import SchoolClass
from shouhu.registry.models import Child
from shouhu.welfare.models import HealthCheck, HealthCondition

FILE_CHECKS = 5  # the latest checks the child's file shows


def may_read_health(user) -> bool:
    """Health records are for the head teacher, the school leader and the counsellor only."""
    return visibility(user, ChildField.HEALTH_RECORDS) == Visibility.FULL


@dataclass(frozen=True)
class ChildHealth:
    child: Child
    checks: list[HealthCheck]
    conditions: list[HealthCondition]
    may_record: bool


def child_health_for(user, child: Child, *, request=None) -> ChildHealth | None:
    """The child's health as the file shows it, or None for a role that may not read it (the
    section is then not rendered at all). Reading it is logged."""
    if not may_read_health(user):
        return None
    checks = list(HealthCheck.objects.restrict(user).filter(child=child)[:FILE_CHECKS])
    conditions = list(HealthCondition.objects.restrict(user).filter(child=child))
    if checks or conditions:
        access_record(
            user=user,
            action=AccessAction.VIEW,
            child=child,
            field=ChildField.HEALTH_RECORDS,
            request=request,
        )
    return ChildHealth(
        child=child,
        checks=checks,
        conditions=conditions,
        may_record=user.has_perm_to(Perm.HEALTH_RECORD),
    )


def child_for_health(user, public_id) -> Child:
    """A child whose health the user may read, or 404 (a role that may not read health is
    refused by the view's permission first)."""
    child = (
        Child.objects.restrict(user)
        .select_related("school_class__school")
        .defer(*SEALED_CHILD_FIELDS)
        .filter(public_id=uuid_or_404(public_id))
        .first()
    )
    if child is None:
        raise Http404
    return child


@dataclass(frozen=True)
class SheetLine:
    child: Child
    check: HealthCheck | None


def class_sheet_for(
    user, *, school_class: SchoolClass, checked_on: datetime.date
) -> list[SheetLine]:
    """The children on the register of a class, each with their check of the day if any: the
    sheet a head teacher fills in on the day the clinic comes."""
    children = list(
        Child.objects.restrict(user)
        .on_register()
        .filter(school_class=school_class)
        .defer(*SEALED_CHILD_FIELDS)
        .order_by("name_pinyin")
    )
    checks = {
        h.child_id: h
        for h in HealthCheck.objects.restrict(user).filter(
            child__in=children, checked_on=checked_on
        )
    }
    return [SheetLine(child=c, check=checks.get(c.pk)) for c in children]


def children_by_name_for(user, *, school_class: SchoolClass) -> dict[str, list[Child]]:
    """The class's children on the register by name, to match the clinic's rows."""
    found: dict[str, list[Child]] = {}
    children = (
        Child.objects.restrict(user)
        .on_register()
        .filter(school_class=school_class)
        .only("pk", "name", "public_id", "school_class_id", "id_number_index")
    )
    for child in children:
        found.setdefault(child.name, []).append(child)
    return found


def follow_ups_open_for(user, *, limit: int = 50) -> list[HealthCheck]:
    """The checks whose follow-up (复查) is still open, oldest first: a head teacher's to-dos."""
    if not may_read_health(user) or not user.has_perm_to(Perm.HEALTH_RECORD):
        return []
    return list(
        HealthCheck.objects.restrict(user)
        .filter(follow_up=True, follow_up_done_on__isnull=True, child__left_on__isnull=True)
        .select_related("child")
        .only("public_id", "checked_on", "follow_up", "child__name", "child__public_id")
        .order_by("checked_on")[:limit]
    )


def health_check_get_for(user, public_id) -> HealthCheck:
    if not may_read_health(user):
        raise Http404
    check = (
        HealthCheck.objects.restrict(user)
        .select_related("child")
        .filter(public_id=uuid_or_404(public_id))
        .first()
    )
    if check is None:
        raise Http404
    return check


# --- counts for the figures (reports.selectors.health) ----------------------------------------


def year_span(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The calendar year of a day, up to the day: free checks are once a year (篇六)."""
    return datetime.date(day.year, 1, 1), day


def children_due_q(day: datetime.date) -> Q:
    """The children due a check in the year of the day: on the register that day."""
    return Q(registered_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))


def checked_q(day: datetime.date) -> Q:
    """A child checked in the year of the day: looked up per child (by the index on child and
    day), so a county's count reads its own children's checks, not the province's."""
    start, end = year_span(day)
    return Q(
        Exists(HealthCheck.objects.filter(child=OuterRef("pk"), checked_on__range=(start, end)))
    )


def follow_ups_open(children: QuerySet, day: datetime.date) -> int:
    """Checks of `children` asking for a follow-up not done by the day."""
    return (
        HealthCheck.objects.filter(
            child__in=children.values("pk"), follow_up=True, checked_on__lte=day
        )
        .filter(Q(follow_up_done_on__isnull=True) | Q(follow_up_done_on__gt=day))
        .count()
    )
