"""Reads of the organisation tree."""

import datetime

from django.http import Http404
from django.utils import timezone

from shouhu.org.models import (
    LEVEL_OF_LENGTH,
    Region,
    School,
    SchoolClass,
    Term,
    full_code,
    subtree_range,
)


def term_current(day: datetime.date | None = None) -> Term | None:
    """The term that contains the day, else the latest one that has started, else the first."""
    day = day or timezone.localdate()
    terms = Term.objects.all()
    return (
        terms.filter(starts_on__lte=day, ends_on__gte=day).first()
        or terms.filter(starts_on__lte=day).order_by("-starts_on").first()
        or terms.order_by("starts_on").first()
    )


def term_previous(term: Term) -> Term | None:
    return Term.objects.filter(starts_on__lt=term.starts_on).order_by("-starts_on").first()


def term_by_code(code: str) -> Term:
    try:
        return Term.objects.get(code=code)
    except Term.DoesNotExist:
        raise Http404(code) from None


def node_by_code(code: str) -> Region | School:
    """A region (2–12 digits, padded) or a school (10-digit school code)."""
    code = code.strip()
    if len(code) == 10:
        school = School.objects.select_related("region").filter(code=code).first()
        if school:
            return school
    if code.isdigit() and len(code) in LEVEL_OF_LENGTH:
        region = Region.objects.filter(code=full_code(code)).first()
        if region:
            return region
    raise Http404(code)


def classes_of_school(school: School):
    return SchoolClass.objects.filter(school=school).order_by("grade", "name")


def schools_under(region: Region):
    return School.objects.filter(region__code__range=subtree_range(region.prefix))


def user_scope_node(user) -> Region | School | SchoolClass | None:
    if user.scope_class_id:
        return user.scope_class
    if user.scope_school_id:
        return user.scope_school
    if user.scope_region_id:
        return user.scope_region
    return None


def node_within_user_scope(user, node) -> bool:
    """Is this node inside the user's scope node (so its figures may be shown)?"""
    scope = user_scope_node(user)
    if scope is None:
        return False
    if isinstance(scope, SchoolClass):
        return isinstance(node, SchoolClass) and node.pk == scope.pk
    if isinstance(scope, School):
        if isinstance(node, School):
            return node.pk == scope.pk
        return isinstance(node, SchoolClass) and node.school_id == scope.pk
    if isinstance(node, Region):
        code = node.code
    elif isinstance(node, School):
        code = node.region_id
    else:
        code = node.school.region_id
    return code.startswith(scope.prefix)
