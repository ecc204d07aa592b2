"""A child's family drawn at random: parents, guardian, home, boarding and flags.

Used by `shouhu.demo.plan`. Every choice goes through one seeded `Draw`, so a plan is the same
every time it is drawn with the same seed.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from shouhu.core.idnumber import make_id_number
from shouhu.demo import data
from shouhu.registry.classification import ParentStatus
from shouhu.registry.models import CensusSource, Flag, HukouType, ParentRole, Sex

if TYPE_CHECKING:
    from shouhu.demo.plan import ChildPlan

T = TypeVar("T")

MIGRANT = ParentStatus.MIGRANT.value
AT_HOME = ParentStatus.AT_HOME.value
DECEASED = ParentStatus.DECEASED.value
INCAPABLE = ParentStatus.INCAPABLE.value
ABSENT = ParentStatus.ABSENT.value
FATHER = ParentRole.FATHER.value
MOTHER = ParentRole.MOTHER.value

# Share of the children carrying each flag (重点对象); `assign_flags` decides who.
FLAG_RATES = {
    Flag.POVERTY.value: 0.12,
    Flag.LOW_INCOME.value: 0.06,
    Flag.SINGLE_PARENT.value: 0.08,
    Flag.DISABLED.value: 0.01,
    Flag.DROPOUT.value: 0.005,
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


class Draw:
    """The seeded random choices of the plan, with the county's vocabulary."""

    def __init__(
        self, seed: int, *, county: str = data.COUNTY_CODE, place: str = "四川省万源市"
    ) -> None:
        self.rng = random.Random(seed)
        self.county = county  # the 6-digit code in the children's ID numbers
        self.place = place  # province and county, the start of every address
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
            number = make_id_number(county=self.county, birth_date=birth_date, serial=serial % 1000)
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


def statuses_for(draw: Draw, situation: str) -> dict[str, str]:
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


def previous_statuses(draw: Draw, *, situation: str, now: dict[str, str]) -> dict | None:
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


def parent_as(draw: Draw, *, parent: ParentPlan, status: str) -> ParentPlan:
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


def is_community(region: str) -> bool:
    """Communities (社区, the township seats) have village codes 001–199; villages 200 up."""
    return region[-3] in "01"


def home_of(draw: Draw, *, school: data.SchoolData, township: data.TownshipData) -> tuple[str, str]:
    """The child's village and address: mostly the school's own village, else its township."""
    villages = township.villages
    own = next((v for v in villages if township.code + v[0] == school.region), None)
    if own is not None and not is_community(school.region) and draw.rng.random() < 0.7:
        suffix, village = own
    else:
        suffix, village = draw.rng.choice(villages)
    if is_community(township.code + suffix):
        street = draw.rng.choice(("新街", "老街", "河街", "正街", "滨河路"))
        where = f"{street}{draw.rng.randint(1, 180)}号"
    else:
        where = f"{draw.rng.randint(1, 9)}组{draw.rng.randint(1, 60)}号"
    return township.code + suffix, f"{draw.place}{township.name}{village}{where}"


def boards(draw: Draw, *, school: data.SchoolData, grade: int, home: str) -> bool:
    far = home != school.region
    if grade >= 7:
        rate = 0.7 if far else 0.35
    elif grade >= 4:
        rate = 0.25 if far else 0.05
    else:
        rate = 0.03
    return draw.rng.random() < rate


def parents_of(draw: Draw, *, surname: str, statuses: dict[str, str]) -> dict[str, ParentPlan]:
    """Father (whose surname the child carries) and mother, with work and phone as they stand."""
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


def guardian_of(
    draw: Draw,
    *,
    parents: dict[str, ParentPlan],
    address: str,
    surname: str,
    birth_date: datetime.date,
    year: int,
) -> GuardianPlan:
    """A parent at home cares for the child; otherwise mostly a grandparent (隔代监护). Ages
    are as of `year`, when the school year began."""
    rng = draw.rng
    child_age = year - birth_date.year
    at_home = [p for p in parents.values() if p.status == AT_HOME]
    if at_home:
        parent = at_home[0]
        return GuardianPlan(
            name=parent.name,
            relation="父亲" if parent.role == FATHER else "母亲",
            age=child_age + rng.randint(22, 34),
            phone=parent.phone,
            address=address,
            health=draw.weighted((("健康", 70), ("良好", 25), ("一般", 5))),
            able_to_care=True,
        )
    relation = draw.weighted(GRANDPARENTS + RELATIVES)
    mother = parents[MOTHER].name[:1]
    if relation in ("祖母", "祖父", "外祖母", "外祖父"):
        age = min(80, max(55, child_age + rng.randint(44, 64)))
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
    sex = Sex.MALE if male else Sex.FEMALE
    if relation in ("哥哥", "姐姐"):  # a grown-up brother or sister, named like the children
        pool = data.CHILD_GIVEN_MALE if male else data.CHILD_GIVEN_FEMALE
        name = surname + draw.given(pool)
    else:
        name = draw.adult_name(sex=sex, surname=family.get(relation), elder=elder)
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


def assign_flags(draw: Draw, *, children: list["ChildPlan"], grade_of: dict[str, int]) -> None:
    """Flag exactly each flag's share of these children (`FLAG_RATES`), weighted by situation.

    A deceased or absent parent makes single_parent and poverty likelier, an incapable one
    poverty and low_income; dropouts are mostly junior pupils; an unsupervised child has a parent
    away and, most often, a frail guardian, who is then marked unable to care. An unregistered
    child has no household registration, hence no ID number.
    """
    flags: dict[int, set[str]] = {i: set() for i in range(len(children))}
    for flag, rate in FLAG_RATES.items():
        weights = [
            _flag_weight(flag, child=c, has=flags[i], grade=grade_of[c.class_key])
            for i, c in enumerate(children)
        ]
        for index in _weighted_sample(draw, weights=weights, k=round(rate * len(children))):
            flags[index].add(flag)
    for index, child in enumerate(children):
        child.flags = frozenset(flags[index])
        if Flag.UNREGISTERED in child.flags:
            child.hukou_type = HukouType.NONE.value
            child.id_number = ""
        if Flag.UNSUPERVISED in child.flags and child.guardian is not None:
            child.guardian.able_to_care = False
            if child.guardian.health not in data.GUARDIAN_HEALTH_FRAIL:
                child.guardian.health = draw.rng.choice(data.GUARDIAN_HEALTH_FRAIL)


def _flag_weight(flag: str, *, child: "ChildPlan", has: set[str], grade: int) -> float:
    statuses = set(child.statuses(previous=False).values())
    lost = bool(statuses & {DECEASED, ABSENT})
    if flag == Flag.SINGLE_PARENT:
        return 8.0 if lost else 1.0
    if flag == Flag.POVERTY:
        return 3.0 if INCAPABLE in statuses else 2.5 if lost else 1.0
    if flag == Flag.LOW_INCOME:
        return (3.0 if Flag.POVERTY in has else 1.0) * (2.0 if INCAPABLE in statuses else 1.0)
    if flag == Flag.UNSUPERVISED:
        if MIGRANT not in statuses:
            return 0.0
        frail = child.guardian is None or child.guardian.health in data.GUARDIAN_HEALTH_FRAIL
        return 12.0 if frail else 1.0
    if flag == Flag.DROPOUT:
        return 10.0 if grade >= 7 else 1.5 if grade >= 4 else 0.2
    if flag == Flag.PSYCH_CONCERN:
        return 1.5 if statuses == {MIGRANT} or lost else 1.0
    return 1.0


def _weighted_sample(draw: Draw, *, weights: list[float], k: int) -> list[int]:
    """k distinct indexes, each drawn with probability in proportion to its weight."""
    keys = [(draw.rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0]
    return [i for _key, i in sorted(keys, reverse=True)[:k]]
