"""The demo county drawn as plain data, before anything touches the database.

`county_plan(children=…, seed=…, layout=…, calendar=…)` is a pure function: the same arguments
always give
the same classes, children, parents, guardians and flags (a child's family is drawn by
`shouhu.demo.families`; the care work by `shouhu.demo.care`). `shouhu.demo.services` then
writes the plan. Keeping the two apart lets tests check the full-size county (for example that
the demo head teacher's class has enough left-behind children) without seeding it. The layout
(townships and schools) is the demo county's unless `shouhu.demo.synth` draws a larger one.

How the terms relate (`shouhu.demo.terms`): a class (三年级(2)班) is a slot that each year's
cohort passes through. A child in 三年级(2)班 this school year (its autumn term, and its spring
term once that has begun) sat in 二年级(2)班 last spring; a 七年级 pupil came from a 六年级 class
of a primary school in the same township; first-graders and transfers have no previous term;
last spring's 九年级 pupils have graduated and left the register.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from shouhu.demo import data
from shouhu.demo.families import (
    FATHER,
    MOTHER,
    SOURCES,
    Draw,
    GuardianPlan,
    ParentPlan,
    assign_flags,
    boards,
    guardian_of,
    home_of,
    is_community,
    parent_as,
    parents_of,
    previous_statuses,
    statuses_for,
)
from shouhu.demo.terms import DemoCalendar, demo_calendar
from shouhu.registry.classification import classify
from shouhu.registry.models import HukouType, Sex

# Share of the register in each situation this school year (教育部门口径 counts the first three).
CURRENT_SITUATIONS = (("both_away", 75), ("other_cannot", 14), ("one_away", 7), ("returned", 4))
TRANSFER_IN_RATE = 0.04  # children of grades 2–9 who were not in the county last spring
MOVED_AWAY_RATE = 0.025  # children who left with their parents over the summer (随迁)
PLANNED = "planned"  # ClassPlan.pupils key of the pupils drawn before the children


@dataclass
class ClassPlan:
    """A class of a school with the head teacher account that runs it."""

    key: str  # school code, grade and section: 2151178101-3-2
    school: str
    grade: int
    section: int
    name: str
    share: float  # planned left-behind share of the pupils this school year
    teacher_username: str
    teacher_name: str
    pupils: dict[str, int] = field(default_factory=dict)  # term code → all pupils


@dataclass
class ChildPlan:
    """One child's file, with the class and parents' situation of last spring where it differs."""

    name: str
    sex: str
    birth_date: datetime.date
    ethnicity: str
    id_number: str
    hukou_type: str
    address: str
    home_region: str
    boarding: bool
    personality: str
    study_notes: str
    health_notes: str
    class_key: str  # this school year's class, or the last class of a child who left
    previous_class_key: str | None  # last spring's class; None when not in the county then
    parents: dict[str, ParentPlan]
    previous_parents: dict[str, ParentPlan] | None  # last spring's parents, when they differ
    guardian: GuardianPlan | None
    flags: frozenset[str]
    source: str
    previous_source: str
    left_on: datetime.date | None = None

    def child_data(self) -> dict:
        """The keyword data that `child_register(child=…)` takes (home_region is added there)."""
        return {
            "name": self.name,
            "sex": self.sex,
            "birth_date": self.birth_date,
            "ethnicity": self.ethnicity,
            "id_number": self.id_number,
            "hukou_type": self.hukou_type,
            "address": self.address,
            "boarding": self.boarding,
            "personality": self.personality,
            "study_notes": self.study_notes,
            "health_notes": self.health_notes,
        }

    def statuses(self, *, previous: bool) -> dict[str, str]:
        parents = self.previous_parents if previous and self.previous_parents else self.parents
        return {role: parent.status for role, parent in parents.items()}

    def left_behind(self, *, previous: bool, calendar: DemoCalendar) -> bool:
        """Counted under the education definition in last spring's census (`previous`), else
        in this school year's first."""
        statuses = self.statuses(previous=previous)
        term = calendar.previous if previous else calendar.year_terms[0]
        return classify(
            father=statuses.get(FATHER),
            mother=statuses.get(MOTHER),
            birth_date=self.birth_date,
            rural=self.hukou_type == HukouType.RURAL,
            on=term[3],
        ).education


@dataclass
class CountyPlan:
    layout: data.Layout
    classes: list[ClassPlan]
    children: list[ChildPlan]
    head_class_key: str
    census_days: dict[tuple[str, str], datetime.date]  # (school code, term code) → survey day
    calendar: DemoCalendar
    _by_key: dict[str, ClassPlan] = field(default_factory=dict, repr=False)

    def class_by_key(self) -> dict[str, ClassPlan]:
        if len(self._by_key) != len(self.classes):
            self._by_key.update((c.key, c) for c in self.classes)
        return self._by_key

    def registered_on(
        self, child: ChildPlan, *, register_began: datetime.date | None = None
    ) -> datetime.date:
        """A child surveyed last spring entered the register on that census day (or when the
        register began, if earlier); a child new this school year on its first census day."""
        by_key = self.class_by_key()
        if child.previous_class_key:
            school = by_key[child.previous_class_key].school
            day = self.census_days[(school, self.calendar.previous[0])]
            return min(day, register_began) if register_began is not None else day
        first = self.calendar.year_terms[0][0]
        return self.census_days[(by_key[child.class_key].school, first)]

    def left_behind_in(self, class_key: str) -> int:
        """Left-behind children (education definition) of a class this school year."""
        return sum(
            1
            for c in self.children
            if c.class_key == class_key
            and c.left_on is None
            and c.left_behind(previous=False, calendar=self.calendar)
        )


def county_plan(
    *,
    children: int = data.DEFAULT_CHILDREN,
    seed: int = data.DEFAULT_SEED,
    layout: data.Layout = data.DEMO_LAYOUT,
    calendar: DemoCalendar | None = None,
) -> CountyPlan:
    """Plan the county with `children` children on this school year's register, around the
    calendar's day (by default today's: `shouhu.demo.terms`).

    1. Classes of every school, each with its planned pupils and left-behind share.
    2. The register spread over the classes in proportion to their left-behind pupils.
    3. For each child: situation, parents, guardian, and last spring's class and statuses.
    4. Last spring's pupils who have left since (graduates, families who moved away).
    5. Flags in the county's proportions, among the register and among those who left.
    6. Each class's pupils in both terms, from its left-behind count and share.
    7. The demo head teacher's class.
    """
    calendar = calendar or demo_calendar(timezone.localdate())
    county_code, county_name = layout.county
    draw = Draw(seed, county=county_code[:6], place=data.PROVINCE[1] + county_name)
    classes = _plan_classes(draw, layout)
    feeders = _Feeders(classes, layout, calendar)
    census_days = _census_days(draw, layout, calendar)
    planned = {c.key: c.pupils.pop(PLANNED) * c.share for c in classes}
    sizes = _apportion(total=children, weights=planned)
    plans: list[ChildPlan] = []
    for school_class in classes:
        for _ in range(sizes[school_class.key]):
            plans.append(_child_on_register(draw, school_class=school_class, feeders=feeders))
    came_up = Counter(c.previous_class_key for c in plans if c.previous_class_key)
    for school_class in classes:
        plans.extend(
            _children_who_left(
                draw,
                layout,
                school_class=school_class,
                calendar=calendar,
                stayed=sizes[school_class.key],
                came_up=came_up[school_class.key],
            )
        )
    grade_of = {c.key: c.grade for c in classes}
    for group in ([c for c in plans if c.left_on is None], [c for c in plans if c.left_on]):
        assign_flags(draw, children=group, grade_of=grade_of)
    _set_pupils(draw, classes=classes, children=plans, calendar=calendar)
    head_class = _head_class(layout, classes=classes, children=plans, calendar=calendar)
    head_class.teacher_username = "head"
    head_class.teacher_name = next(
        a for a in data.DEMO_ACCOUNTS if a.username == "head"
    ).display_name
    return CountyPlan(
        layout=layout,
        classes=classes,
        children=plans,
        head_class_key=head_class.key,
        census_days=census_days,
        calendar=calendar,
    )


def _plan_classes(draw: Draw, layout: data.Layout) -> list[ClassPlan]:
    classes = []
    for school in layout.schools:
        for grade in data.GRADES_OF_KIND[school.kind]:
            for section in range(1, school.sections + 1):
                teacher_sex = Sex.FEMALE if draw.rng.random() < 0.6 else Sex.MALE
                school_class = ClassPlan(
                    key=f"{school.code}-{grade}-{section}",
                    school=school.code,
                    grade=grade,
                    section=section,
                    name=f"{data.GRADE_NAMES[grade]}({section})班",
                    share=round(draw.rng.uniform(*school.share), 3),
                    teacher_username=f"t{school.code}-{grade}-{section}",
                    teacher_name=draw.adult_name(sex=teacher_sex),
                )
                school_class.pupils[PLANNED] = draw.rng.randint(*school.pupils)
                classes.append(school_class)
    return classes


def _census_days(
    draw: Draw, layout: data.Layout, calendar: DemoCalendar
) -> dict[tuple[str, str], datetime.date]:
    """Each school surveys its classes in the first fortnight of the term (摸底排查), and by
    today in a term that has only just begun."""
    days = {}
    for school in layout.schools:
        for term in calendar.terms:
            day = term[3] + datetime.timedelta(draw.rng.randrange(1, 14))
            days[(school.code, term[0])] = min(day, calendar.today)
    return days


def _apportion(*, total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split a total in proportion to weights, by largest remainder, so the parts sum to it."""
    whole = sum(weights.values())
    exact = {k: total * w / whole for k, w in weights.items()}
    parts = {k: int(v) for k, v in exact.items()}
    by_remainder = sorted(exact, key=lambda k: exact[k] - parts[k], reverse=True)
    for key in by_remainder[: total - sum(parts.values())]:
        parts[key] += 1
    return parts


class _Feeders:
    """The classes of the county by key, and by township and grade (where pupils come from)."""

    def __init__(
        self, classes: list[ClassPlan], layout: data.Layout, calendar: DemoCalendar
    ) -> None:
        self.layout = layout
        self.calendar = calendar
        self.by_key = {c.key: c for c in classes}
        self.by_township_grade: dict[tuple[str, int], list[ClassPlan]] = {}
        for c in classes:
            township = layout.township_of(layout.school(c.school).region).code
            self.by_township_grade.setdefault((township, c.grade), []).append(c)


def _previous_class(draw: Draw, *, school_class: ClassPlan, feeders: _Feeders) -> str | None:
    """Last spring's class of a pupil of this class (see the module docstring)."""
    if school_class.grade == 1 or draw.rng.random() < TRANSFER_IN_RATE:
        return None
    school = feeders.layout.school(school_class.school)
    grade = school_class.grade - 1
    same_school = f"{school.code}-{grade}-{school_class.section}"
    if same_school in feeders.by_key and (
        school.kind != "nine_year" or grade != 6 or draw.rng.random() < 0.8
    ):
        return same_school
    township = feeders.layout.township_of(school.region)
    candidates = feeders.by_township_grade.get((township.code, grade), [])
    return draw.rng.choice(candidates).key if candidates else None


def _child_on_register(draw: Draw, *, school_class: ClassPlan, feeders: _Feeders) -> ChildPlan:
    previous = _previous_class(draw, school_class=school_class, feeders=feeders)
    situations = CURRENT_SITUATIONS if previous else CURRENT_SITUATIONS[:-1]
    situation = draw.weighted(situations)
    statuses = statuses_for(draw, situation)
    before = previous_statuses(draw, situation=situation, now=statuses) if previous else None
    child = _child(
        draw,
        feeders.layout,
        school_class=school_class,
        calendar=feeders.calendar,
        school_year=feeders.calendar.year_terms[0][1],
        statuses=statuses,
        previous_class_key=previous,
        left_on=None,
    )
    if before is not None:
        child.previous_parents = {
            role: parent_as(draw, parent=parent, status=before[role])
            for role, parent in child.parents.items()
        }
    return child


def _children_who_left(
    draw: Draw,
    layout: data.Layout,
    *,
    school_class: ClassPlan,
    calendar: DemoCalendar,
    stayed: int,
    came_up: int,
) -> list[ChildPlan]:
    """Last spring's pupils of this class who are gone by the autumn.

    A 九年级 or 六年级 class sends its pupils on: those not found in the county's higher classes
    (`came_up` of them are) went to a school elsewhere. Other classes lose a few families who
    moved away with their parents (随迁).
    """
    final = school_class.grade == 9 or (
        school_class.grade == 6 and layout.school(school_class.school).kind == "primary"
    )
    if final:
        count = max(0, round(stayed * draw.rng.uniform(0.85, 1.1)) - came_up)
    else:
        count = sum(draw.rng.random() < MOVED_AWAY_RATE for _ in range(stayed))
    gone = []
    for _ in range(count):
        statuses = statuses_for(draw, draw.weighted(CURRENT_SITUATIONS[:-1]))
        if final:
            left_on = calendar.graduation_day
        else:  # from five days after last spring's term to the end of August
            left_on = calendar.graduation_day + datetime.timedelta(5 + draw.rng.randrange(40))
        gone.append(
            _child(
                draw,
                layout,
                school_class=school_class,
                calendar=calendar,
                school_year=calendar.previous[1],
                statuses=statuses,
                previous_class_key=school_class.key,
                left_on=left_on,
            )
        )
    return gone


def _child(
    draw: Draw,
    layout: data.Layout,
    *,
    school_class: ClassPlan,
    calendar: DemoCalendar,
    school_year: int,
    statuses: dict[str, str],
    previous_class_key: str | None,
    left_on: datetime.date | None,
) -> ChildPlan:
    rng = draw.rng
    school = layout.school(school_class.school)
    township = layout.township_of(school.region)
    sex = Sex.MALE.value if rng.random() < 0.515 else Sex.FEMALE.value
    birth_date = draw.birth_date(school_year=school_year, grade=school_class.grade)
    surname = draw.surname()
    pool = data.CHILD_GIVEN_MALE if sex == Sex.MALE else data.CHILD_GIVEN_FEMALE
    name = surname + draw.given(pool)
    home_region, address = home_of(draw, school=school, township=township)
    urban_rate = 0.15 if is_community(home_region) else 0.01
    hukou = HukouType.URBAN.value if rng.random() < urban_rate else HukouType.RURAL.value
    parents = parents_of(draw, surname=surname, statuses=statuses)
    guardian = guardian_of(
        draw,
        parents=parents,
        address=address,
        surname=surname,
        birth_date=birth_date,
        year=calendar.year_start.year,
    )
    id_number = draw.id_number(birth_date=birth_date, sex=sex)
    return ChildPlan(
        name=name,
        sex=sex,
        birth_date=birth_date,
        ethnicity=draw.weighted((("汉族", 970), ("土家族", 20), ("苗族", 5), ("回族", 5))),
        id_number=id_number,
        hukou_type=hukou,
        address=address,
        home_region=home_region,
        boarding=boards(draw, school=school, grade=school_class.grade, home=home_region),
        personality=rng.choice(data.PERSONALITIES) if rng.random() < 0.35 else "",
        study_notes=rng.choice(data.STUDY_NOTES) if rng.random() < 0.3 else "",
        health_notes=rng.choice(data.HEALTH_NOTES) if rng.random() < 0.1 else "",
        class_key=school_class.key,
        previous_class_key=previous_class_key,
        parents=parents,
        previous_parents=None,
        guardian=guardian,
        flags=frozenset(),
        source=draw.weighted(SOURCES),
        previous_source=draw.weighted(SOURCES),
        left_on=left_on,
    )


def _set_pupils(
    draw: Draw, *, classes: list[ClassPlan], children: list[ChildPlan], calendar: DemoCalendar
) -> None:
    """All pupils of each class in every term, so that the left-behind share is the planned
    one; a class keeps its pupils through the school year."""
    now_total: Counter[str] = Counter()
    now_left_behind: Counter[str] = Counter()
    then_total: Counter[str] = Counter()
    then_left_behind: Counter[str] = Counter()
    for child in children:
        if child.left_on is None:
            now_total[child.class_key] += 1
            now_left_behind[child.class_key] += child.left_behind(previous=False, calendar=calendar)
        if child.previous_class_key:
            then_total[child.previous_class_key] += 1
            then_left_behind[child.previous_class_key] += child.left_behind(
                previous=True, calendar=calendar
            )
    for school_class in classes:
        key = school_class.key
        now = max(now_total[key], round(now_left_behind[key] / school_class.share))
        then_share = min(0.8, max(0.35, school_class.share * draw.rng.uniform(0.88, 1.1)))
        then = max(then_total[key], round(then_left_behind[key] / then_share))
        for term in calendar.year_terms:
            school_class.pupils[term[0]] = max(now, 1)
        school_class.pupils[calendar.previous[0]] = max(then, 1)


def _head_class(
    layout: data.Layout,
    *,
    classes: list[ClassPlan],
    children: list[ChildPlan],
    calendar: DemoCalendar,
) -> ClassPlan:
    """The demo head teacher's class: the demo school's class with most left-behind children,
    above the first grade where there is one (its children have been here since last spring)."""
    counts: Counter[str] = Counter(
        c.class_key
        for c in children
        if c.left_on is None and c.left_behind(previous=False, calendar=calendar)
    )
    candidates = [c for c in classes if c.school == layout.demo_school]
    candidates = [c for c in candidates if c.grade > 1] or candidates
    return max(candidates, key=lambda c: (counts[c.key], -c.grade, -c.section))
