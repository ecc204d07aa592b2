"""Figures of the term census (摸底排查): pupils, the left-behind under both definitions, their
categories, flags, guardians, sex and age bands, and the trend over terms. Category, flags and
guardian are those frozen in each term's snapshot, so a past term's figures stay as counted.

Every figure of a node is counted over the census snapshots taken in its classes, and divided
by the pupils enrolled (ClassEnrolment) in the same units. One aggregate query serves every
figure of a node and a term (and one GROUP BY the figures of every term, for the trend).

A figure is one function of (node, term, day), whoever asks: the user's scope decides which
nodes they may read (`check_node`), never which rows of a node count. A child surveyed in a
school last term who has moved since still counts there for last term, for the school leader
as for the county (issue 11: the leader's page once read 267 where the county's read 293).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from shouhu.care.rules import percent
from shouhu.core.roles import Perm
from shouhu.org.models import (
    ClassEnrolment,
    Region,
    School,
    SchoolClass,
    Term,
)
from shouhu.org.selectors import class_filter, unit_nodes
from shouhu.org.units import node_code
from shouhu.registry.classification import EDUCATION_CATEGORIES, Category
from shouhu.registry.models import CensusSnapshot, Flag, Sex
from shouhu.reports.rollup.national import reads_rollups, rollup_cells
from shouhu.reports.selectors.base import (
    Node,
    Share,
    cache_get,
    cache_put,
    cached,
    check_node,
    figure,
    node_key,
    previous_term,
)

LEFT_BEHIND_CATEGORIES = [c for c in Category if c in EDUCATION_CATEGORIES]
# Age bands of the summary table (汇总表), in whole years on the term's first day.
AGE_BANDS = {"0-5": (0, 5), "6-13": (6, 13), "14-16": (14, 16)}
AGE_LABELS = {"0-5": _("0–5岁"), "6-13": _("6–13岁"), "14-16": _("14–16岁")}
# How many terms the trend goes back.
TREND_TERMS = 8

DEFINITIONS = {
    "pupils": _("在校学生数：本学期各班登记的全体学生数之和。"),
    "left_behind_education": _(
        "留守儿童（教育部门口径）：父母双方外出、一方外出另一方无监护能力、一方外出的儿童，"
        "以本学期摸底为准；百分比为占在校学生数的比例。"
    ),
    "left_behind_civil": _(
        "农村留守儿童（民政部门口径）：父母双方外出或一方外出另一方无监护能力、未满16周岁的"
        "农村户籍儿童；百分比为占在校学生数的比例。"
    ),
}


@dataclass
class Figures:
    pupils: int = 0
    left_behind_education: int = 0
    left_behind_civil: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_flag: dict[str, int] = field(default_factory=dict)
    by_sex: dict[str, int] = field(default_factory=dict)
    by_age_band: dict[str, int] = field(default_factory=dict)
    without_guardian: int = 0
    # A national instance's figures (issue 18): the roll-up cells left out of a sum because
    # they were suppressed (under 5 children), by cell key, with how many were left out.
    suppressed: dict[str, int] = field(default_factory=dict)

    @property
    def education(self) -> Share:
        return Share(self.left_behind_education, self.pupils)

    @property
    def civil(self) -> Share:
        return Share(self.left_behind_civil, self.pupils)

    @property
    def unsupervised(self) -> int:
        return self.by_flag.get(Flag.UNSUPERVISED, 0)

    @property
    def percent_education(self) -> float | None:
        return percent(self.left_behind_education, self.pupils)

    @property
    def percent_civil(self) -> float | None:
        return percent(self.left_behind_civil, self.pupils)

    def as_dict(self) -> dict:
        return {
            "pupils": self.pupils,
            "left_behind_education": self.left_behind_education,
            "left_behind_civil": self.left_behind_civil,
            "percent_education": self.percent_education,
            "percent_civil": self.percent_civil,
            "by_category": self.by_category,
            "by_flag": self.by_flag,
            "by_sex": self.by_sex,
            "by_age_band": self.by_age_band,
            "without_guardian": self.without_guardian,
        }


@dataclass
class Unit:
    node: Region | School | SchoolClass
    figures: Figures

    @property
    def code(self) -> str:
        if isinstance(self.node, Region):
            return self.node.prefix
        if isinstance(self.node, School):
            return self.node.code
        return str(self.node.pk)

    @property
    def key(self) -> str:
        return node_code(self.node)

    @property
    def name(self) -> str:
        return self.node.name


@dataclass
class Census:
    """A node's census in a term; `previous` is that of `previous_node` (the same unit, or a
    class's cohort in the class it was in) in `previous_term`: None where there is none."""

    node: Region | School | SchoolClass
    term: Term
    figures: Figures
    previous: Figures | None
    units: list[Unit]
    previous_term: Term | None = None
    previous_node: Region | School | SchoolClass | None = None

    def as_dict(self) -> dict:
        units = []
        for unit in self.units:
            entry = {"code": unit.code, "name": unit.name, **unit.figures.as_dict()}
            if isinstance(unit.node, SchoolClass):
                entry["grade"] = unit.node.grade
            units.append(entry)
        return {
            "term": self.term.code,
            "scope": {"code": Unit(self.node, self.figures).code, "name": self.node.name},
            **self.figures.as_dict(),
            "previous": None
            if self.previous is None or self.previous_term is None
            else {
                "term": self.previous_term.code,
                "scope": {
                    "code": Unit(self.previous_node, self.previous).code,  # type: ignore[arg-type]
                    "name": self.previous_node.name,  # type: ignore[union-attr]
                },
                **self.previous.as_dict(),
            },
            "units": units,
        }


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _born_in_band(terms: list[Term], low: int, high: int) -> Q:
    """Aged low..high on the first day of the snapshot's own term."""
    condition = Q(pk__in=[])
    for term in terms:
        condition |= Q(
            term_id=term.pk,
            child__birth_date__lte=_years_before(term.starts_on, low),
            child__birth_date__gt=_years_before(term.starts_on, high + 1),
        )
    return condition


def _aggregates(terms: list[Term]) -> dict:
    """Counts of the left-behind (education definition) by category, flag, sex and age band,
    and of those without an entrusted guardian able to care at the term's census."""
    counts = {
        "left_behind_education": Count("id", filter=Q(education=True)),
        "left_behind_civil": Count("id", filter=Q(civil=True)),
        "without_guardian": Count("id", filter=Q(education=True, guardian_able=False)),
    }
    for category in LEFT_BEHIND_CATEGORIES:
        counts[f"c_{category.value}"] = Count("id", filter=Q(category=category))
    for flag in Flag:
        counts[f"f_{flag.value}"] = Count("id", filter=Q(education=True, **{flag.value: True}))
    for sex in Sex:
        counts[f"s_{sex.value}"] = Count("id", filter=Q(education=True, child__sex=sex))
    for band, (low, high) in AGE_BANDS.items():
        counts[f"a_{band}"] = Count("id", filter=Q(_born_in_band(terms, low, high), education=True))
    return counts


def _rollup_figures(node: Region, term: Term) -> Figures:
    """A national instance's figures of a region: its roll-up cells (`rollup_cells`)."""
    cells = rollup_cells(node, term)
    return Figures(
        pupils=cells.count("pupils"),
        left_behind_education=cells.count("left_behind_education"),
        left_behind_civil=cells.count("left_behind_civil"),
        by_category={c.value: cells.count(f"category.{c.value}") for c in LEFT_BEHIND_CATEGORIES},
        by_flag={f.value: cells.count(f"flag.{f.value}") for f in Flag},
        by_sex={s.value: cells.count(f"sex.{s.value}") for s in Sex},
        by_age_band={band: cells.count(f"age.{band}") for band in AGE_BANDS},
        without_guardian=cells.count("without_guardian"),
        suppressed=cells.suppressed,
    )


def _figures(row: dict | None, pupils: int | None) -> Figures:
    row = row or {}
    return Figures(
        pupils=pupils or 0,
        left_behind_education=row.get("left_behind_education", 0),
        left_behind_civil=row.get("left_behind_civil", 0),
        by_category={c.value: row.get(f"c_{c.value}", 0) for c in LEFT_BEHIND_CATEGORIES},
        by_flag={f.value: row.get(f"f_{f.value}", 0) for f in Flag},
        by_sex={s.value: row.get(f"s_{s.value}", 0) for s in Sex},
        by_age_band={band: row.get(f"a_{band}", 0) for band in AGE_BANDS},
        without_guardian=row.get("without_guardian", 0),
    )


# --- one node, any terms ----------------------------------------------------------------------


def census_figures(user, *, node: Node, term: Term) -> Figures:
    """Every census figure of a node in a term (one aggregate query, kept for the work)."""
    check_node(user, node, Perm.CENSUS_VIEW)
    return census_figures_of_terms(user, node=node, terms=[term])[term.pk]


def census_figures_of_terms(user, *, node: Node, terms: list[Term]) -> dict[int, Figures]:
    """The census figures of a node in several terms: one GROUP BY term for the terms not yet
    read in this piece of work."""
    check_node(user, node, Perm.CENSUS_VIEW)
    return _figures_of_terms(node, terms)


def _figures_of_terms(node: Node, terms: list[Term]) -> dict[int, Figures]:
    """census_figures_of_terms once the user may read the node (they are the same for all)."""
    keys = {t.pk: ("census", node_key(node), t.pk) for t in terms}
    known: dict[int, Figures] = {}
    for pk, key in keys.items():
        if (figures := cache_get(key)) is not None:
            known[pk] = figures
    missing = [t for t in terms if t.pk not in known]
    if missing and reads_rollups(node):
        for term in missing:
            known[term.pk] = cache_put(keys[term.pk], _rollup_figures(node, term))  # type: ignore[arg-type]
    elif missing:
        in_node = class_filter(node, "school_class__")
        ids = [t.pk for t in missing]
        rows = {
            r["term_id"]: r
            for r in CensusSnapshot.objects.filter(in_node, term_id__in=ids)
            .values("term_id")
            .annotate(**_aggregates(missing))
        }
        pupils = {
            r["term_id"]: r["n"]
            for r in ClassEnrolment.objects.filter(in_node, term_id__in=ids)
            .values("term_id")
            .annotate(n=Sum("pupils"))
        }
        for term in missing:
            known[term.pk] = cache_put(
                keys[term.pk], _figures(rows.get(term.pk), pupils.get(term.pk))
            )
    return known


# --- the units one level down -----------------------------------------------------------------


def census_units(user, *, node: Node, term: Term, by_school: bool = False) -> list[Unit]:
    """The census figures of each unit one level down (one GROUP BY, kept for the work)."""
    check_node(user, node, Perm.CENSUS_VIEW)

    def compute() -> list[Unit]:
        key, nodes = unit_nodes(node, prefix="school_class__", by_school=by_school)
        if key is None:
            return []
        if reads_rollups(node):
            return [Unit(node=n, figures=_rollup_figures(n, term)) for n in nodes.values()]
        in_node = class_filter(node, "school_class__")
        rows = {
            r["unit"]: r
            for r in CensusSnapshot.objects.filter(in_node, term=term)
            .values(unit=key)
            .annotate(**_aggregates([term]))
        }
        pupils = {
            r["unit"]: r["n"]
            for r in ClassEnrolment.objects.filter(in_node, term=term)
            .values(unit=key)
            .annotate(n=Sum("pupils"))
        }
        return [
            Unit(node=n, figures=_figures(rows.get(k), pupils.get(k))) for k, n in nodes.items()
        ]

    return cached(("census_units", id(user), node_key(node), term.pk, by_school), compute)


# --- the same unit the term before ------------------------------------------------------------


def class_before(school_class: SchoolClass, *, term: Term) -> SchoolClass | None:
    """The class a class's cohort was in the term before: the class most of the children of
    this term's census in it were surveyed in then (issue 11: "三年级(2)班 上学期 0, +28").

    After a year-end handover that is the class itself: the handover promotes a class in
    place (三年级(2)班 becomes 四年级(2)班, the same class with its files). Where a school's
    classes keep their grade and the pupils move up a class (the demo county), it is the class
    of the grade below. None when none of them was surveyed then (a new first grade): there
    is nothing to compare with."""
    before = previous_term(term)
    if before is None:
        return None

    def compute() -> SchoolClass | None:
        cohort = CensusSnapshot.objects.filter(term=term, school_class=school_class)
        row = (
            CensusSnapshot.objects.filter(term=before, child__in=cohort.values("child_id"))
            .values("school_class")
            .annotate(n=Count("id"))
            .order_by("-n", "school_class")
            .first()
        )
        if row is None:
            return None
        if row["school_class"] == school_class.pk:
            return school_class
        return SchoolClass.objects.select_related("school").get(pk=row["school_class"])

    return cached(("class_before", school_class.pk, term.pk), compute)


def node_before(node: Node, *, term: Term) -> Node | None:
    """The unit a node is compared with in the term before: itself (a school, a region), or
    for a class the class its cohort was in (`class_before`); None when there is none."""
    if previous_term(term) is None:
        return None
    if isinstance(node, SchoolClass):
        return class_before(node, term=term)
    return node


def census_before(user, *, node: Node, term: Term) -> tuple[Node | None, Figures | None]:
    """The node's unit in the term before (`node_before`) and its census then. The figures are
    part of the node's own (its change from last term), so the user needs the node only."""
    check_node(user, node, Perm.CENSUS_VIEW)
    before, unit = previous_term(term), node_before(node, term=term)
    if before is None or unit is None:
        return None, None
    return unit, _figures_of_terms(unit, [before])[before.pk]


def census_for(user, *, node, term: Term, with_units: bool = True) -> Census:
    """The census of a node for a term: figures, change from the same unit the term before
    (for a class, its cohort's class), next level down."""
    before = previous_term(term)
    previous_node = node_before(node, term=term)
    # The term and the one before in one GROUP BY, when the unit is the same.
    terms = [term, *([before] if before is not None and previous_node == node else [])]
    of_terms = census_figures_of_terms(user, node=node, terms=terms)
    figures = of_terms[term.pk]
    previous = None
    if before is not None and previous_node is not None:
        previous = of_terms.get(before.pk) or _figures_of_terms(previous_node, [before])[before.pk]
    units = census_units(user, node=node, term=term) if with_units else []
    return Census(
        node=node,
        term=term,
        figures=figures,
        previous=previous,
        units=units,
        previous_term=before,
        previous_node=previous_node,
    )


# --- the figures ------------------------------------------------------------------------------

# The attribute of a node's `Figures` each census figure reads: the change from last term reads
# the same attribute of the figures of the unit before (`census_before`).
FIGURES_ATTRIBUTE = {
    "pupils": "pupils",
    "left_behind_education": "education",
    "left_behind_civil": "civil",
    "by_category": "by_category",
    "by_flag": "by_flag",
    "by_sex": "by_sex",
    "by_age_band": "by_age_band",
    "unsupervised": "unsupervised",
    "without_guardian": "without_guardian",
}


def census_value(key: str, figures: Figures):
    """The value of the census figure `key` in a node's figures."""
    return getattr(figures, FIGURES_ATTRIBUTE[key])


@figure("pupils", _("在校学生数"), DEFINITIONS["pupils"])
def pupils_for(user, *, node: Node, term: Term) -> int:
    return census_value("pupils", census_figures(user, node=node, term=term))


@figure(
    "left_behind_education",
    _("留守儿童（教育部门口径）"),
    DEFINITIONS["left_behind_education"],
)
def left_behind_education_for(user, *, node: Node, term: Term) -> Share:
    return census_value("left_behind_education", census_figures(user, node=node, term=term))


@figure("left_behind_civil", _("农村留守儿童（民政部门口径）"), DEFINITIONS["left_behind_civil"])
def left_behind_civil_for(user, *, node: Node, term: Term) -> Share:
    return census_value("left_behind_civil", census_figures(user, node=node, term=term))


@figure(
    "by_category",
    _("按留守类别"),
    _("本学期摸底中留守儿童（教育部门口径）按父母外出情况分类的人数。"),
)
def by_category_for(user, *, node: Node, term: Term) -> dict[str, int]:
    return census_value("by_category", census_figures(user, node=node, term=term))


@figure(
    "by_flag",
    _("重点对象"),
    _("本学期摸底中留守儿童（教育部门口径）带有各重点对象标记（无人监护、辍学、无户籍等）的人数。"),
)
def by_flag_for(user, *, node: Node, term: Term) -> dict[str, int]:
    return census_value("by_flag", census_figures(user, node=node, term=term))


@figure("by_sex", _("按性别"), _("本学期摸底中留守儿童（教育部门口径）按性别的人数。"))
def by_sex_for(user, *, node: Node, term: Term) -> dict[str, int]:
    return census_value("by_sex", census_figures(user, node=node, term=term))


@figure(
    "by_age_band",
    _("按年龄段"),
    _("本学期摸底中留守儿童（教育部门口径）按开学第一天周岁年龄分段的人数。"),
)
def by_age_band_for(user, *, node: Node, term: Term) -> dict[str, int]:
    return census_value("by_age_band", census_figures(user, node=node, term=term))


@figure(
    "unsupervised",
    _("无人监护儿童"),
    _(
        "本学期摸底中标记为“无人监护”的留守儿童（教育部门口径）人数；应立即落实委托监护人和代理家长。"
    ),
)
def unsupervised_for(user, *, node: Node, term: Term) -> int:
    return census_value("unsupervised", census_figures(user, node=node, term=term))


@figure(
    "without_guardian",
    _("无委托监护人"),
    _(
        "本学期摸底中的留守儿童（教育部门口径），其档案中没有登记有监护能力的委托监护人的人数"
        "（监护人以本学期摸底时的档案为准）。"
    ),
)
def without_guardian_for(user, *, node: Node, term: Term) -> int:
    return census_value("without_guardian", census_figures(user, node=node, term=term))


@dataclass(frozen=True)
class TrendPoint:
    term: Term
    pupils: int
    education: Share
    civil: Share


@figure(
    "census_trend",
    _("历学期留守儿童人数"),
    _("截至所选学期的近几个学期，每学期摸底的留守儿童人数（两种口径）及占在校学生数的比例。"),
)
def census_trend_for(user, *, node: Node, term: Term) -> list[TrendPoint]:
    """A class's trend follows its cohort back (`class_before`), as its change does, and
    begins with the cohort's first term."""
    terms = list(Term.objects.filter(starts_on__lte=term.starts_on).order_by("-starts_on"))
    terms = list(reversed(terms[:TREND_TERMS]))
    units: dict[int, Node] = {t.pk: node for t in terms}
    if isinstance(node, SchoolClass):
        units = {}
        unit: Node | None = node
        for later in reversed(terms):  # each term's unit is the one before the later term's
            if unit is None:
                break
            units[later.pk] = unit
            unit = node_before(unit, term=later) if later != terms[0] else None
    own = [t for t in terms if units.get(t.pk) == node]
    by_term = census_figures_of_terms(user, node=node, terms=own)
    for t in terms:
        if t.pk in units and t.pk not in by_term:
            by_term[t.pk] = _figures_of_terms(units[t.pk], [t])[t.pk]
    return [
        TrendPoint(
            term=t,
            pupils=by_term[t.pk].pupils,
            education=Share(by_term[t.pk].left_behind_education, by_term[t.pk].pupils),
            civil=Share(by_term[t.pk].left_behind_civil, by_term[t.pk].pupils),
        )
        for t in terms
        if t.pk in by_term
    ]
