"""The demo county drawn as plain data, before anything touches the database.

`county_plan(children=…, seed=…)` is a pure function: the same arguments always give the same
classes, children, parents, guardians, flags and pairings. `shouhu.demo.services` then writes the
plan through the registry's services. Keeping the two apart lets tests check the full-size county
(for example that the demo head teacher's class has enough left-behind children) without seeding it.

How the two terms relate: a class (三年级(2)班) is a slot that each year's cohort passes through.
A child in 三年级(2)班 this autumn sat in 二年级(2)班 last spring; a 七年级 pupil came from a
六年级 class of a primary school in the same township; first-graders and transfers have no
previous term; last spring's 九年级 pupils have graduated and left the register.
"""

import datetime
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from shouhu.core.idnumber import make_id_number
from shouhu.demo import data
from shouhu.registry.classification import ParentStatus, classify
from shouhu.registry.models import CensusSource, Flag, HukouType, ParentRole, Sex

T = TypeVar("T")

MIGRANT = ParentStatus.MIGRANT.value
AT_HOME = ParentStatus.AT_HOME.value
DECEASED = ParentStatus.DECEASED.value
INCAPABLE = ParentStatus.INCAPABLE.value
ABSENT = ParentStatus.ABSENT.value
FATHER = ParentRole.FATHER.value
MOTHER = ParentRole.MOTHER.value

# Share of the register in each situation this autumn (教育部门口径 counts the first three).
CURRENT_SITUATIONS = (("both_away", 70), ("other_cannot", 13), ("one_away", 12), ("returned", 5))
TRANSFER_IN_RATE = 0.04  # children of grades 2–9 who were not in the county last spring
MOVED_AWAY_RATE = 0.025  # children who left with their parents over the summer (随迁)

# Flags with their base rates; `_draw_flags` raises some of them where the family situation makes
# them likelier (a deceased parent and single_parent, a frail guardian and unsupervised).
FLAG_RATES = {
    Flag.POVERTY.value: 0.11,
    Flag.LOW_INCOME.value: 0.06,
    Flag.SINGLE_PARENT.value: 0.045,
    Flag.DISABLED.value: 0.01,
    Flag.DROPOUT.value: 0.005,  # by grade in `_draw_flags`: mostly junior pupils
    Flag.UNREGISTERED.value: 0.003,
    Flag.UNSUPERVISED.value: 0.02,
    Flag.PSYCH_CONCERN.value: 0.03,
}
SOURCES = (
    (CensusSource.REGISTER.value, 55),
    (CensusSource.SELF_REPORT.value, 12),
    (CensusSource.PHONE.value, 17),
    (CensusSource.HOME_VISIT.value, 13),
    (CensusSource.SPOT_CHECK.value, 3),
)
CALLS_PER_MONTH = ((1, 8), (2, 12), (4, 30), (8, 25), (12, 15), (20, 10))
GRANDPARENTS = (("祖母", 36), ("祖父", 20), ("外祖母", 16), ("外祖父", 8))
RELATIVES = (("姑姑", 5), ("叔叔", 4), ("舅舅", 4), ("姨妈", 4), ("哥哥", 2), ("姐姐", 2))


@dataclass
class ParentPlan:
    role: str
    name: str
    status: str
    destination: str = ""
    employer: str = ""
    phone: str = ""
    calls_per_month: int | None = None

    def as_data(self) -> dict:
        """The keyword data that `child_register(parents=…)` takes for this parent."""
        return {
            "name": self.name,
            "status": self.status,
            "destination": self.destination,
            "employer": self.employer,
            "phone": self.phone,
            "calls_per_month": self.calls_per_month,
        }


@dataclass
class GuardianPlan:
    name: str
    relation: str
    age: int
    phone: str
    address: str
    health: str
    able_to_care: bool

    def as_data(self) -> dict:
        return {
            "name": self.name,
            "relation": self.relation,
            "age": self.age,
            "phone": self.phone,
            "address": self.address,
            "health": self.health,
            "able_to_care": self.able_to_care,
        }


@dataclass
class ClassPlan:
    """A class of a school with the head teacher account that runs it."""

    key: str  # school code, grade and section: 2151178101-3-2
    school: str
    grade: int
    section: int
    name: str
    share: float  # planned left-behind share of the pupils this autumn
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
    class_key: str  # this autumn's class, or the last class of a child who left
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

    def left_behind(self, *, previous: bool) -> bool:
        """Counted under the education definition in that term's census."""
        statuses = self.statuses(previous=previous)
        term = data.PREVIOUS_TERM if previous else data.CURRENT_TERM
        return classify(
            father=statuses.get(FATHER),
            mother=statuses.get(MOTHER),
            birth_date=self.birth_date,
            rural=self.hukou_type == HukouType.RURAL,
            on=term[3],
        ).education


@dataclass
class PairingPlan:
    carer: str  # username
    child: int  # index into CountyPlan.children


@dataclass
class CountyPlan:
    classes: list[ClassPlan]
    children: list[ChildPlan]
    pairings: list[PairingPlan]
    head_class_key: str
    census_days: dict[tuple[str, str], datetime.date]  # (school code, term code) → survey day

    def class_by_key(self) -> dict[str, ClassPlan]:
        return {c.key: c for c in self.classes}

    def left_behind_in(self, class_key: str) -> int:
        """Left-behind children (education definition) of a class this autumn."""
        return sum(
            1
            for c in self.children
            if c.class_key == class_key and c.left_on is None and c.left_behind(previous=False)
        )


class _Draw:
    """The seeded random choices of the plan, with the county's vocabulary."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used_ids: set[str] = set()
        self._surnames = [s for s, _w in data.SURNAMES]
        self._surname_weights = [w for _s, w in data.SURNAMES]

    def weighted(self, pairs: Sequence[tuple[T, int]]) -> T:
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def surname(self) -> str:
        return self.rng.choices(self._surnames, weights=self._surname_weights)[0]

    def given(self, pool: list[str]) -> str:
        return self.rng.choice(pool)

    def adult_name(self, *, sex: str, surname: str | None = None, elder: bool = False) -> str:
        if elder:
            pool = data.ELDER_GIVEN_MALE if sex == Sex.MALE else data.ELDER_GIVEN_FEMALE
        else:
            pool = data.PARENT_GIVEN_MALE if sex == Sex.MALE else data.PARENT_GIVEN_FEMALE
        return (surname or self.surname()) + self.given(pool)

    def mobile(self) -> str:
        return self.rng.choice(data.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def landline(self) -> str:
        return f"{data.LANDLINE_AREA}-86{self.rng.randrange(10**5):05d}"

    def birth_date(self, *, school_year: int, grade: int) -> datetime.date:
        """A birth date of the cohort that sits in this grade in the school year starting then.

        A child starts 一年级 in the September after turning six; a few are a year older.
        """
        start = datetime.date(school_year - 6 - grade, 9, 1)
        if self.rng.random() < 0.04:
            start = start.replace(year=start.year - 1)
        return start + datetime.timedelta(days=self.rng.randrange(365))

    def id_number(self, *, birth_date: datetime.date, sex: str) -> str:
        """A unique valid number of the county; the 17th digit is odd for boys, even for girls."""
        while True:
            serial = self.rng.randrange(1, 500) * 2 + (1 if sex == Sex.MALE else 0)
            number = make_id_number(
                county=data.COUNTY_CODE, birth_date=birth_date, serial=serial % 1000
            )
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def employer(self, destination: str) -> str:
        if self.rng.random() < 0.25:
            return self.rng.choice(data.INFORMAL_WORK)
        city = destination.split("省")[-1].split("自治区")[-1]
        stem = self.rng.choice(data.EMPLOYER_STEMS)
        trade = self.rng.choice(data.EMPLOYER_TRADES)
        return f"{city}{stem}{trade}有限公司"


def county_plan(
    *, children: int = data.DEFAULT_CHILDREN, seed: int = data.DEFAULT_SEED
) -> CountyPlan:
    """Plan the demo county with about `children` children on this autumn's register.

    1. Classes of every school, each with its planned pupils and left-behind share.
    2. The register spread over the classes in proportion to their left-behind pupils.
    3. For each child: situation, parents, guardian, flags, and last spring's class and statuses.
    4. Last spring's pupils who have left since (graduates, families who moved away).
    5. Each class's pupils in both terms, from its left-behind count and share.
    6. The demo head teacher's class and the proxy-parent pairings.
    """
    draw = _Draw(seed)
    classes = _plan_classes(draw)
    by_key = {c.key: c for c in classes}
    census_days = _census_days(draw)
    planned = {c.key: c.pupils[data.CURRENT_TERM[0]] * c.share for c in classes}
    sizes = _apportion(total=children, weights=planned)
    plans: list[ChildPlan] = []
    for school_class in classes:
        for _ in range(sizes[school_class.key]):
            plans.append(_child_on_register(draw, school_class=school_class, by_key=by_key))
    came_up = Counter(c.previous_class_key for c in plans if c.previous_class_key)
    for school_class in classes:
        plans.extend(
            _children_who_left(
                draw,
                school_class=school_class,
                stayed=sizes[school_class.key],
                came_up=came_up[school_class.key],
            )
        )
    _set_pupils(draw, classes=classes, children=plans)
    head_class = _head_class(classes=classes, children=plans)
    head_class.teacher_username = "head"
    head_class.teacher_name = next(a for a in data.DEMO_ACCOUNTS if a.username == "head").display_name
    pairings = _pairings(draw, children=plans, head_class=head_class, by_key=by_key)
    return CountyPlan(
        classes=classes,
        children=plans,
        pairings=pairings,
        head_class_key=head_class.key,
        census_days=census_days,
    )


def _plan_classes(draw: _Draw) -> list[ClassPlan]:
    classes = []
    for school in data.SCHOOLS:
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
                school_class.pupils[data.CURRENT_TERM[0]] = draw.rng.randint(*school.pupils)
                classes.append(school_class)
    return classes


def _census_days(draw: _Draw) -> dict[tuple[str, str], datetime.date]:
    """Each school surveys its classes in the first fortnight of the term (摸底排查)."""
    days = {}
    for school in data.SCHOOLS:
        for term in (data.PREVIOUS_TERM, data.CURRENT_TERM):
            days[(school.code, term[0])] = term[3] + datetime.timedelta(draw.rng.randrange(1, 14))
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


def _school(code: str) -> data.SchoolData:
    return next(s for s in data.SCHOOLS if s.code == code)


def _township_of(region: str) -> data.TownshipData:
    return next(t for t in data.TOWNSHIPS if region.startswith(t.code))


def _previous_class(draw: _Draw, *, school_class: ClassPlan, by_key: dict) -> str | None:
    """Last spring's class of a pupil of this class (see the module docstring)."""
    if school_class.grade == 1 or draw.rng.random() < TRANSFER_IN_RATE:
        return None
    school = _school(school_class.school)
    grade = school_class.grade - 1
    same_school = f"{school.code}-{grade}-{school_class.section}"
    if same_school in by_key and (school.kind != "nine_year" or grade != 6 or draw.rng.random() < 0.8):
        return same_school
    township = _township_of(school.region)
    feeders = [
        c
        for c in by_key.values()
        if c.grade == grade and _school(c.school).region.startswith(township.code)
    ]
    return draw.rng.choice(feeders).key if feeders else None


def _statuses_for(draw: _Draw, situation: str) -> dict[str, str]:
    if situation == "both_away":
        return {FATHER: MIGRANT, MOTHER: MIGRANT}
    if situation == "returned":
        other = ABSENT if draw.rng.random() < 0.1 else AT_HOME
        return {FATHER: AT_HOME, MOTHER: other}
    away = FATHER if draw.rng.random() < 0.75 else MOTHER
    other = MOTHER if away == FATHER else FATHER
    if situation == "one_away":
        return {away: MIGRANT, other: AT_HOME}
    cannot = draw.weighted(((DECEASED, 25), (INCAPABLE, 30), (ABSENT, 45)))
    return {away: MIGRANT, other: cannot}


def _previous_statuses(draw: _Draw, *, situation: str, now: dict[str, str]) -> dict | None:
    """Last spring's statuses where the family's situation changed over the summer."""
    if situation == "returned":
        if draw.rng.random() < 0.6:
            return {FATHER: MIGRANT, MOTHER: MIGRANT if now[MOTHER] == AT_HOME else ABSENT}
        return {FATHER: MIGRANT, MOTHER: now[MOTHER]}
    roll = draw.rng.random()
    if situation == "both_away" and roll < 0.08:
        return {FATHER: MIGRANT, MOTHER: AT_HOME}  # the mother went out to work in the summer
    if situation == "one_away" and roll < 0.15:
        return {FATHER: MIGRANT, MOTHER: MIGRANT}  # one parent came home
    if situation == "other_cannot" and roll < 0.1:
        cannot = next(role for role, status in now.items() if status != MIGRANT)
        if now[cannot] == INCAPABLE:
            return {**now, cannot: AT_HOME}  # fell ill or was injured
    return None


def _child_on_register(draw: _Draw, *, school_class: ClassPlan, by_key: dict) -> ChildPlan:
    previous = _previous_class(draw, school_class=school_class, by_key=by_key)
    situations = CURRENT_SITUATIONS if previous else CURRENT_SITUATIONS[:-1]
    situation = draw.weighted(situations)
    statuses = _statuses_for(draw, situation)
    before = _previous_statuses(draw, situation=situation, now=statuses) if previous else None
    child = _child(
        draw,
        school_class=school_class,
        school_year=data.CURRENT_TERM[1],
        statuses=statuses,
        previous_class_key=previous,
        left_on=None,
    )
    if before is not None:
        child.previous_parents = {
            role: _parent_as(draw, parent=parent, status=before[role])
            for role, parent in child.parents.items()
        }
    return child


def _parent_as(draw: _Draw, *, parent: ParentPlan, status: str) -> ParentPlan:
    """The same parent in another situation: a migrant has a destination, employer and phone."""
    if status == parent.status:
        return parent
    if status != MIGRANT:
        return ParentPlan(role=parent.role, name=parent.name, status=status, phone=parent.phone)
    destination = draw.weighted(data.DESTINATIONS)
    return ParentPlan(
        role=parent.role,
        name=parent.name,
        status=status,
        destination=destination,
        employer=draw.employer(destination),
        phone=parent.phone or draw.mobile(),
        calls_per_month=draw.weighted(CALLS_PER_MONTH),
    )


def _children_who_left(
    draw: _Draw, *, school_class: ClassPlan, stayed: int, came_up: int
) -> list[ChildPlan]:
    """Last spring's pupils of this class who are gone by the autumn.

    A 九年级 or 六年级 class sends its pupils on: those not found in the county's higher classes
    (`came_up` of them are) went to a school elsewhere. Other classes lose a few families who
    moved away with their parents (随迁).
    """
    final = school_class.grade == 9 or (
        school_class.grade == 6 and _school(school_class.school).kind == "primary"
    )
    if final:
        count = max(0, round(stayed * draw.rng.uniform(0.85, 1.1)) - came_up)
    else:
        count = sum(draw.rng.random() < MOVED_AWAY_RATE for _ in range(stayed))
    gone = []
    for _ in range(count):
        statuses = _statuses_for(draw, draw.weighted(CURRENT_SITUATIONS[:-1]))
        if final:
            left_on = data.GRADUATION_DAY
        else:
            left_on = datetime.date(2026, 7, 15) + datetime.timedelta(draw.rng.randrange(40))
        gone.append(
            _child(
                draw,
                school_class=school_class,
                school_year=data.PREVIOUS_TERM[1],
                statuses=statuses,
                previous_class_key=school_class.key,
                left_on=left_on,
            )
        )
    return gone


def _child(
    draw: _Draw,
    *,
    school_class: ClassPlan,
    school_year: int,
    statuses: dict[str, str],
    previous_class_key: str | None,
    left_on: datetime.date | None,
) -> ChildPlan:
    rng = draw.rng
    school = _school(school_class.school)
    township = _township_of(school.region)
    sex = Sex.MALE.value if rng.random() < 0.515 else Sex.FEMALE.value
    birth_date = draw.birth_date(school_year=school_year, grade=school_class.grade)
    surname = draw.surname()
    pool = data.CHILD_GIVEN_MALE if sex == Sex.MALE else data.CHILD_GIVEN_FEMALE
    name = surname + draw.given(pool)
    home_region, address = _home(draw, school=school, township=township)
    urban_rate = 0.35 if _is_community(home_region) else 0.02
    hukou = HukouType.URBAN.value if rng.random() < urban_rate else HukouType.RURAL.value
    parents = _parents(draw, surname=surname, statuses=statuses, child_birth=birth_date)
    guardian = _guardian(draw, parents=parents, address=address, surname=surname)
    flags = _draw_flags(draw, statuses=statuses, guardian=guardian, grade=school_class.grade)
    if Flag.UNREGISTERED in flags:
        hukou = HukouType.NONE.value
    if Flag.UNSUPERVISED in flags and guardian is not None:
        guardian.able_to_care = False
        guardian.health = rng.choice(data.GUARDIAN_HEALTH_FRAIL)
        guardian.age = max(guardian.age, rng.randint(74, 82))
    id_number = (
        "" if hukou == HukouType.NONE else draw.id_number(birth_date=birth_date, sex=sex)
    )
    return ChildPlan(
        name=name,
        sex=sex,
        birth_date=birth_date,
        ethnicity=draw.weighted((("汉族", 970), ("土家族", 20), ("苗族", 5), ("回族", 5))),
        id_number=id_number,
        hukou_type=hukou,
        address=address,
        home_region=home_region,
        boarding=_boards(draw, school=school, grade=school_class.grade, home=home_region),
        personality=rng.choice(data.PERSONALITIES) if rng.random() < 0.35 else "",
        study_notes=rng.choice(data.STUDY_NOTES) if rng.random() < 0.3 else "",
        health_notes=rng.choice(data.HEALTH_NOTES) if rng.random() < 0.1 else "",
        class_key=school_class.key,
        previous_class_key=previous_class_key,
        parents=parents,
        previous_parents=None,
        guardian=guardian,
        flags=frozenset(flags),
        source=draw.weighted(SOURCES),
        previous_source=draw.weighted(SOURCES),
        left_on=left_on,
    )


def _is_community(region: str) -> bool:
    """Communities (社区, the township seats) have village codes 001–199; villages 200 up."""
    return region[-3] in "01"


def _home(draw: _Draw, *, school: data.SchoolData, township: data.TownshipData) -> tuple[str, str]:
    """The child's village and address: mostly the school's own village, else its township."""
    villages = township.villages
    own = next((v for v in villages if township.code + v[0] == school.region), None)
    if own is not None and not _is_community(school.region) and draw.rng.random() < 0.7:
        suffix, village = own
    else:
        suffix, village = draw.rng.choice(villages)
    if _is_community(township.code + suffix):
        street = draw.rng.choice(("新街", "老街", "河街", "正街", "滨河路"))
        where = f"{street}{draw.rng.randint(1, 180)}号"
    else:
        where = f"{draw.rng.randint(1, 9)}组{draw.rng.randint(1, 60)}号"
    return township.code + suffix, f"四川省万源市{township.name}{village}{where}"


def _boards(draw: _Draw, *, school: data.SchoolData, grade: int, home: str) -> bool:
    far = home != school.region
    if grade >= 7:
        rate = 0.7 if far else 0.35
    elif grade >= 4:
        rate = 0.25 if far else 0.05
    else:
        rate = 0.03
    return draw.rng.random() < rate


def _parents(
    draw: _Draw, *, surname: str, statuses: dict[str, str], child_birth: datetime.date
) -> dict[str, ParentPlan]:
    parents = {}
    for role, status in statuses.items():
        sex = Sex.MALE if role == FATHER else Sex.FEMALE
        parent = ParentPlan(
            role=role,
            name=draw.adult_name(sex=sex, surname=surname if role == FATHER else None),
            status=status,
        )
        if status == MIGRANT:
            parent.destination = draw.weighted(data.DESTINATIONS)
            parent.employer = draw.employer(parent.destination)
            parent.phone = draw.mobile()
            parent.calls_per_month = draw.weighted(CALLS_PER_MONTH)
        elif status == AT_HOME:
            parent.phone = draw.mobile() if draw.rng.random() < 0.9 else ""
        elif status in (INCAPABLE, ABSENT) and draw.rng.random() < 0.25:
            parent.phone = draw.mobile()
        parents[role] = parent
    return parents


def _guardian(
    draw: _Draw, *, parents: dict[str, ParentPlan], address: str, surname: str
) -> GuardianPlan:
    """A parent at home cares for the child; otherwise mostly a grandparent (隔代监护)."""
    rng = draw.rng
    at_home = [p for p in parents.values() if p.status == AT_HOME]
    if at_home:
        parent = at_home[0]
        return GuardianPlan(
            name=parent.name,
            relation="父亲" if parent.role == FATHER else "母亲",
            age=rng.randint(30, 48),
            phone=parent.phone,
            address=address,
            health=draw.weighted((("健康", 70), ("良好", 25), ("一般", 5))),
            able_to_care=True,
        )
    relation = draw.weighted(GRANDPARENTS + RELATIVES)
    mother = parents[MOTHER].name[:1]
    if relation in ("祖母", "祖父", "外祖母", "外祖父"):
        age = rng.randint(55, 80)
        elder = True
    elif relation in ("哥哥", "姐姐"):
        age = rng.randint(18, 24)
        elder = False
    else:
        age = rng.randint(30, 52)
        elder = False
    family = {"祖父": surname, "叔叔": surname, "姑姑": surname, "哥哥": surname, "姐姐": surname}
    family |= {"外祖父": mother, "舅舅": mother, "姨妈": mother}
    male = relation in ("祖父", "外祖父", "叔叔", "舅舅", "哥哥")
    name = draw.adult_name(
        sex=Sex.MALE if male else Sex.FEMALE, surname=family.get(relation), elder=elder
    )
    roll = rng.random()
    phone = draw.mobile() if roll < 0.7 else draw.landline() if roll < 0.85 else ""
    frail = age >= 72 and rng.random() < 0.3
    return GuardianPlan(
        name=name,
        relation=relation,
        age=age,
        phone=phone,
        address=address,
        health=rng.choice(data.GUARDIAN_HEALTH_FRAIL if frail else data.GUARDIAN_HEALTH),
        able_to_care=True,
    )


def _draw_flags(
    draw: _Draw, *, statuses: dict[str, str], guardian: GuardianPlan | None, grade: int
) -> set[str]:
    rng = draw.rng
    rates = dict(FLAG_RATES)
    values = set(statuses.values())
    if values & {DECEASED, ABSENT}:
        rates[Flag.SINGLE_PARENT.value] = 0.45
        rates[Flag.POVERTY.value] = 0.25
    if INCAPABLE in values:
        rates[Flag.POVERTY.value] = 0.3
        rates[Flag.LOW_INCOME.value] = 0.15
    if MIGRANT not in values:
        rates[Flag.UNSUPERVISED.value] = 0.0
    rates[Flag.DROPOUT.value] = 0.012 if grade >= 7 else 0.003 if grade >= 4 else 0.0005
    flags = {flag for flag, rate in rates.items() if rng.random() < rate}
    return flags


def _set_pupils(draw: _Draw, *, classes: list[ClassPlan], children: list[ChildPlan]) -> None:
    """All pupils of each class in both terms, so that the left-behind share is the planned one."""
    now_total: Counter[str] = Counter()
    now_left_behind: Counter[str] = Counter()
    then_total: Counter[str] = Counter()
    then_left_behind: Counter[str] = Counter()
    for child in children:
        if child.left_on is None:
            now_total[child.class_key] += 1
            now_left_behind[child.class_key] += child.left_behind(previous=False)
        if child.previous_class_key:
            then_total[child.previous_class_key] += 1
            then_left_behind[child.previous_class_key] += child.left_behind(previous=True)
    for school_class in classes:
        key = school_class.key
        now = max(now_total[key], round(now_left_behind[key] / school_class.share))
        then_share = min(0.8, max(0.35, school_class.share * draw.rng.uniform(0.88, 1.1)))
        then = max(then_total[key], round(then_left_behind[key] / then_share))
        school_class.pupils[data.CURRENT_TERM[0]] = max(now, 1)
        school_class.pupils[data.PREVIOUS_TERM[0]] = max(then, 1)


def _head_class(*, classes: list[ClassPlan], children: list[ChildPlan]) -> ClassPlan:
    """The demo head teacher's class: the demo school's class with most left-behind children."""
    counts: Counter[str] = Counter(
        c.class_key for c in children if c.left_on is None and c.left_behind(previous=False)
    )
    candidates = [c for c in classes if c.school == data.DEMO_SCHOOL]
    return max(candidates, key=lambda c: (counts[c.key], -c.grade, -c.section))


def _pairings(
    draw: _Draw, *, children: list[ChildPlan], head_class: ClassPlan, by_key: dict
) -> list[PairingPlan]:
    """Proxy parents (代理家长): unsupervised children first (篇十一), then the demo accounts'."""
    on_register = [
        (i, c) for i, c in enumerate(children) if c.left_on is None and c.left_behind(previous=False)
    ]
    pairings = [
        PairingPlan(carer=by_key[c.class_key].teacher_username, child=i)
        for i, c in on_register
        if Flag.UNSUPERVISED in c.flags
    ]
    taken = {p.child for p in pairings}
    own_class = [i for i, c in on_register if c.class_key == head_class.key and i not in taken]
    for carer, count in (("teacher", 3), ("head", 2)):
        for index in own_class[:count]:
            pairings.append(PairingPlan(carer=carer, child=index))
            taken.add(index)
        own_class = own_class[count:]
    elsewhere = [
        i
        for i, c in on_register
        if i not in taken and c.class_key != head_class.key and by_key[c.class_key].school == data.DEMO_SCHOOL
    ]
    for index in draw.rng.sample(elsewhere, k=min(2, len(elsewhere))):
        pairings.append(PairingPlan(carer="volunteer", child=index))
    return pairings
