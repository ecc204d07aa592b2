"""Reads of the organisation tree, and how rows are cut and grouped by it: every figure of a
node (a region, a school or a class) reads its rows with `class_filter` and groups them one
level down with `unit_nodes`, so a unit means the same in the census, care and the reports."""

import datetime
from typing import Any

from django.db.models import F, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from shouhu.core.forms import parse_id
from shouhu.core.scoping import subtree_range
from shouhu.org.models import (
    PREFIX_LENGTH,
    ClassEnrolment,
    Region,
    RegionLevel,
    School,
    SchoolClass,
    Term,
)
from shouhu.org.units import level_below


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


def classes_of_school(school: School):
    return SchoolClass.objects.filter(school=school).order_by("grade", "name")


def schools_under(region: Region):
    return School.objects.filter(region__code__range=subtree_range(region.prefix))


def classes_for(user):
    """The classes inside the user's scope, in the order of the register (a volunteer has none)."""
    return (
        SchoolClass.objects.restrict(user)
        .select_related("school")
        .order_by("school__code", "grade", "name")
    )


def terms_all():
    return Term.objects.order_by("-starts_on")


def class_get_for(user, class_id) -> SchoolClass:
    """A class by id, or 404 when it does not exist or lies outside the user's scope."""
    pk = parse_id(class_id)
    school_class = classes_for(user).filter(pk=pk).first() if pk is not None else None
    if school_class is None:
        raise Http404
    return school_class


def org_records(kind: str):
    """The records an administrator keeps, by kind ("region", "school", …)."""
    return {
        "region": lambda: Region.objects.order_by("code"),
        "school": lambda: School.objects.select_related("region").order_by("code"),
        "class": lambda: SchoolClass.objects.select_related("school", "head_teacher").order_by(
            "school__code", "grade", "name"
        ),
        "term": lambda: Term.objects.order_by("-starts_on"),
        "enrolment": lambda: ClassEnrolment.objects.select_related(
            "school_class__school", "term"
        ).order_by("-term__starts_on", "school_class__school__code", "school_class__grade"),
    }[kind]()


def org_record_get(kind: str, pk: str):
    """One record by the key in its URL (a region's code, the others' numeric id), or 404."""
    records = org_records(kind)
    key = pk if records.model is Region else parse_id(pk)
    record = records.filter(pk=key).first() if key is not None else None
    if record is None:
        raise Http404
    return record


# --- nodes and their units --------------------------------------------------------------------


def class_filter(node, prefix: str = "") -> Q:
    """Rows whose class (reached through `prefix`, e.g. "school_class__") is under the node."""
    if isinstance(node, SchoolClass):
        return Q(**{f"{prefix}id": node.pk})
    if isinstance(node, School):
        return Q(**{f"{prefix}school_id": node.pk})
    return Q(**{f"{prefix}school__region__code__range": subtree_range(node.prefix)})


def units_by_school(node, *, by_school: bool = False) -> bool:
    """Whether a region's units are its schools: a township's or village's always, a county's
    or a city's when asked (`by_school`); otherwise they are the regions one level down."""
    return isinstance(node, Region) and (
        by_school or node.level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)
    )


def unit_nodes(node, *, prefix: str = "", by_school: bool = False) -> tuple[Any, dict]:
    """How a node's rows are grouped one level down: (an expression over the class reached
    through `prefix`, {key: unit node}). A school's classes, a township's schools, a county's
    townships (or every school, `by_school`); a class has no units."""
    if isinstance(node, SchoolClass):
        return None, {}
    if isinstance(node, School):
        return F(f"{prefix}id"), {c.pk: c for c in classes_of_school(node)}
    if units_by_school(node, by_school=by_school):
        return F(f"{prefix}school_id"), {s.pk: s for s in schools_under(node).order_by("code")}
    level = level_below(node)
    regions = Region.objects.filter(level=level, code__range=subtree_range(node.prefix))
    return Substr(f"{prefix}school__region_id", 1, PREFIX_LENGTH[level]), {
        r.prefix: r for r in regions.order_by("code")
    }


def school_ids_under(node) -> list[int]:
    """The schools of a node (its own, for a school or a class)."""
    if isinstance(node, SchoolClass):
        return [node.school_id]
    if isinstance(node, School):
        return [node.pk]
    return list(schools_under(node).values_list("pk", flat=True))
