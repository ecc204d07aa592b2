"""factory_boy factories for tests: every row they make is consistent with its relations.

- A region's code starts with its parent's prefix (county 511781 万源市 › township › village).
- A school sits in a township; a class in a school; a head teacher's scope is their class.
- A child's ID number is valid (GB 11643), carries the child's birth date and sex, and its
  keyed hash and pinyin keys are filled in, as the registry services would fill them.
- A proxy parent made by PairingFactory is a teacher of the child's own school.

`register_child` goes through the real service (`child_register`) with valid default data.
"""

import datetime
import itertools
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from shouhu.accounts.models import User
from shouhu.care.models import (
    ActionKind,
    Buddy,
    CareAction,
    CareActionChild,
    Exemption,
    Observation,
    Pairing,
    PairingKind,
    Quota,
    QuotaPeriod,
    SignalKind,
    VisitTask,
)
from shouhu.core.crypto import blind_index
from shouhu.core.idnumber import make_id_number
from shouhu.core.pinyin import name_keys
from shouhu.core.roles import Role
from shouhu.org.models import (
    ClassEnrolment,
    Grade,
    Region,
    RegionLevel,
    School,
    SchoolClass,
    SchoolType,
    Semester,
    Term,
)
from shouhu.registry.classification import ParentStatus, classify
from shouhu.registry.models import (
    CensusSnapshot,
    CensusSource,
    Child,
    ChildFlag,
    Flag,
    Guardian,
    HukouType,
    Parent,
    ParentRole,
    Sex,
)
from shouhu.testing.dates import YEARS, day, term_code

# Every test user can log in with this password (conftest makes hashing cheap).
PASSWORD = "shouhu-test-password"

CURRENT_TERM = {
    "code": term_code("2026-2027-1"),
    "start_year": 2026 + YEARS,
    "semester": Semester.AUTUMN,
    "starts_on": day(2026, 9, 1),
    "ends_on": day(2027, 1, 20),
}
PREVIOUS_TERM = {
    "code": term_code("2025-2026-2"),
    "start_year": 2025 + YEARS,
    "semester": Semester.SPRING,
    "starts_on": day(2026, 3, 1),
    "ends_on": day(2026, 7, 10),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = ["子涵", "欣怡", "浩然", "梓萱", "宇轩", "雨桐", "俊杰", "思远", "佳怡", "明轩"]
TOWNSHIP_NAMES = ["白沙镇", "黄钟镇", "石塘镇", "旧院镇", "罗文镇", "竹峪镇", "大竹镇", "草坝镇"]
VILLAGE_NAMES = ["石塘村", "新华村", "红旗村", "光明村", "团结村", "黄家村", "柏树村", "龙潭村"]


def child_name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN_NAMES[(n // len(SURNAMES)) % len(GIVEN_NAMES)]


def id_number_for(
    *, birth_date: datetime.date, sex: str, n: int, county: str = "511781", block: int = 0
) -> str:
    """A valid ID number: the 3-digit serial is odd for boys, even for girls (GB 11643).

    `block` keeps numbers from different counters apart (0–499 or 500–999).
    """
    serial = block * 500 + 2 * (n % 250) + (1 if sex == Sex.MALE else 0)
    return make_id_number(county=county, birth_date=birth_date, serial=serial)


def _birth_date(n: int) -> datetime.date:
    """Third-graders of 2026: born between September 2017 and August 2018."""
    return day(2017, 9, 1) + datetime.timedelta(days=n % 365)


def _county_of(school_class: SchoolClass) -> str:
    return school_class.school.region_id[:6]


# --- the administrative tree ------------------------------------------------------------------


class RegionFactory(DjangoModelFactory):
    """Any node; prefer the level factories below, which keep codes under their parents."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"51{n % 100:02d}00000000")
    name = factory.Sequence(lambda n: f"区划{n}")
    level = RegionLevel.CITY
    parent = None


class ProvinceFactory(RegionFactory):
    code = "510000000000"
    name = "四川省"
    level = RegionLevel.PROVINCE


class CityFactory(RegionFactory):
    code = "511700000000"
    name = "达州市"
    level = RegionLevel.CITY
    parent = factory.SubFactory(ProvinceFactory)


class CountyFactory(RegionFactory):
    """County 511781 万源市 by default; pass code and name for another county of 达州市."""

    code = "511781000000"
    name = "万源市"
    level = RegionLevel.COUNTY
    parent = factory.SubFactory(CityFactory)


class TownshipFactory(RegionFactory):
    """A township whose 9-digit prefix extends its county's; sequence codes start at 200."""

    level = RegionLevel.TOWNSHIP
    parent = factory.SubFactory(CountyFactory)
    code = factory.LazyAttributeSequence(
        lambda o, n: f"{o.parent.prefix}{200 + n % 800:03d}".ljust(12, "0")
    )
    name = factory.Sequence(lambda n: TOWNSHIP_NAMES[n % len(TOWNSHIP_NAMES)])


class VillageFactory(RegionFactory):
    level = RegionLevel.VILLAGE
    parent = factory.SubFactory(TownshipFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.prefix}{200 + n % 800:03d}")
    name = factory.Sequence(lambda n: VILLAGE_NAMES[n % len(VILLAGE_NAMES)])


# --- schools, classes, terms ------------------------------------------------------------------


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"2151{n % 1_000_000:06d}")
    region = factory.SubFactory(TownshipFactory)
    name = factory.LazyAttributeSequence(lambda o, n: f"{o.region.name}第{n}小学")
    kind = SchoolType.PRIMARY


class SchoolClassFactory(DjangoModelFactory):
    class Meta:
        model = SchoolClass

    school = factory.SubFactory(SchoolFactory)
    grade = Grade.G3
    name = factory.LazyAttributeSequence(lambda o, n: f"{Grade(o.grade).label}({n + 1})班")
    head_teacher = None


class TermFactory(DjangoModelFactory):
    """The current term 2026-2027-1 by default; `TermFactory(previous=True)` is 2025-2026-2."""

    class Meta:
        model = Term
        django_get_or_create = ("code",)

    class Params:
        previous = factory.Trait(
            start_year=PREVIOUS_TERM["start_year"],
            semester=PREVIOUS_TERM["semester"],
            starts_on=PREVIOUS_TERM["starts_on"],
            ends_on=PREVIOUS_TERM["ends_on"],
        )

    start_year = CURRENT_TERM["start_year"]
    semester = CURRENT_TERM["semester"]
    code = factory.LazyAttribute(lambda o: Term.code_for(o.start_year, o.semester))
    starts_on = CURRENT_TERM["starts_on"]
    ends_on = CURRENT_TERM["ends_on"]


class ClassEnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = ClassEnrolment

    school_class = factory.SubFactory(SchoolClassFactory)
    term = factory.SubFactory(TermFactory)
    pupils = 40


# --- users ------------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    """A user with no scope: use a role factory below unless the test is about that."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"{SURNAMES[n % len(SURNAMES)]}老师{n}")
    role = Role.TEACHER
    password = factory.django.Password(PASSWORD)


class HeadTeacherFactory(UserFactory):
    """The head teacher (班主任) of a class: scope is the class, and the class names them."""

    role = Role.HEAD_TEACHER
    scope_class = factory.SubFactory(SchoolClassFactory)

    @factory.post_generation
    def lead_class(obj, create, extracted, **kwargs):
        if create and obj.scope_class is not None:
            obj.scope_class.head_teacher = obj
            obj.scope_class.save(update_fields=["head_teacher"])


class TeacherFactory(UserFactory):
    role = Role.TEACHER
    scope_school = factory.SubFactory(SchoolFactory)


class SchoolLeaderFactory(UserFactory):
    role = Role.SCHOOL_LEADER
    scope_school = factory.SubFactory(SchoolFactory)


class CounsellorFactory(UserFactory):
    role = Role.COUNSELLOR
    scope_school = factory.SubFactory(SchoolFactory)


class TownshipOfficerFactory(UserFactory):
    role = Role.TOWNSHIP_OFFICER
    scope_region = factory.SubFactory(TownshipFactory)


class RegionOfficerFactory(UserFactory):
    role = Role.REGION_OFFICER
    scope_region = factory.SubFactory(CountyFactory)


class PrivacyOfficerFactory(UserFactory):
    role = Role.PRIVACY_OFFICER
    scope_region = factory.SubFactory(CountyFactory)


class AdminFactory(UserFactory):
    role = Role.ADMIN
    scope_region = factory.SubFactory(CountyFactory)


class VolunteerFactory(UserFactory):
    """A volunteer has no scope node: they see only the children paired with them."""

    role = Role.VOLUNTEER


# --- the register -----------------------------------------------------------------------------


class ChildFactory(DjangoModelFactory):
    """A child's file written directly (no service, no audit), with valid, consistent data.

    `ChildFactory(parents=("migrant", "at_home"))` also writes the father and mother.
    """

    class Meta:
        model = Child
        skip_postgeneration_save = True

    school_class = factory.SubFactory(SchoolClassFactory)
    name = factory.Sequence(child_name)
    name_pinyin = factory.LazyAttribute(lambda o: name_keys(o.name)[0])
    name_initials = factory.LazyAttribute(lambda o: name_keys(o.name)[1])
    sex = factory.Sequence(lambda n: Sex.MALE if n % 2 == 0 else Sex.FEMALE)
    birth_date = factory.Sequence(_birth_date)
    id_number = factory.LazyAttributeSequence(
        lambda o, n: id_number_for(
            birth_date=o.birth_date, sex=o.sex, n=n, county=_county_of(o.school_class), block=1
        )
    )
    id_number_index = factory.LazyAttribute(
        lambda o: blind_index(o.id_number) if o.id_number else ""
    )
    hukou_type = HukouType.RURAL
    registered_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def parents(obj, create, extracted, **kwargs):
        if create and extracted:
            father, mother = extracted
            for role, status in ((ParentRole.FATHER, father), (ParentRole.MOTHER, mother)):
                if status is not None:
                    ParentFactory(child=obj, role=role, status=status)


class ParentFactory(DjangoModelFactory):
    class Meta:
        model = Parent
        django_get_or_create = ("child", "role")

    child = factory.SubFactory(ChildFactory)
    role = ParentRole.FATHER
    name = factory.LazyAttribute(
        lambda o: o.child.name[0] + ("建国" if o.role == ParentRole.FATHER else "秀兰")
    )
    status = ParentStatus.MIGRANT
    destination = factory.LazyAttribute(
        lambda o: "广东省东莞市" if o.status == ParentStatus.MIGRANT else ""
    )
    employer = factory.LazyAttribute(
        lambda o: "东莞市长安镇某电子厂" if o.status == ParentStatus.MIGRANT else ""
    )
    phone = factory.Sequence(lambda n: f"138{n % 100_000_000:08d}")
    calls_per_month = 4


class GuardianFactory(DjangoModelFactory):
    class Meta:
        model = Guardian

    child = factory.SubFactory(ChildFactory)
    name = "王秀英"
    relation = "祖母"
    age = 63
    phone = factory.Sequence(lambda n: f"139{n % 100_000_000:08d}")
    address = "太平镇石塘村3组"
    health = "良好"
    able_to_care = True


class ChildFlagFactory(DjangoModelFactory):
    class Meta:
        model = ChildFlag

    child = factory.SubFactory(ChildFactory)
    flag = Flag.POVERTY
    since = factory.LazyFunction(timezone.localdate)


def _classification(o):
    statuses = {p.role: p.status for p in Parent.objects.filter(child=o.child)}
    return classify(
        father=statuses.get(ParentRole.FATHER),
        mother=statuses.get(ParentRole.MOTHER),
        birth_date=o.child.birth_date,
        rural=o.child.hukou_type == HukouType.RURAL,
        on=o.term.starts_on,
    )


class CensusSnapshotFactory(DjangoModelFactory):
    """A term's snapshot classified from the child's parent rows, with the child's guardian, in
    the child's class."""

    class Meta:
        model = CensusSnapshot

    child = factory.SubFactory(ChildFactory)
    term = factory.SubFactory(TermFactory)
    school_class = factory.SelfAttribute("child.school_class")
    category = factory.LazyAttribute(lambda o: _classification(o).category)
    education = factory.LazyAttribute(lambda o: _classification(o).education)
    civil = factory.LazyAttribute(lambda o: _classification(o).civil)
    source = CensusSource.REGISTER
    surveyed_on = factory.SelfAttribute("term.starts_on")
    guardian_able = factory.LazyAttribute(
        lambda o: Guardian.objects.filter(child=o.child, able_to_care=True).exists()
    )


class PairingFactory(DjangoModelFactory):
    """A child and their proxy parent: by default a teacher of the child's own school."""

    class Meta:
        model = Pairing

    child = factory.SubFactory(ChildFactory)
    carer = factory.SubFactory(
        TeacherFactory, scope_school=factory.SelfAttribute("..child.school_class.school")
    )
    kind = PairingKind.PROXY_PARENT
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = None


# --- registering through the service ----------------------------------------------------------

_registered = itertools.count(1)


def child_data(*, school_class: SchoolClass, **overrides: Any) -> dict[str, Any]:
    """Valid fields of a child for `child_register`; the ID number follows birth date and sex."""
    n = next(_registered)
    data: dict[str, Any] = {
        "name": child_name(n),
        "sex": Sex.MALE if n % 2 else Sex.FEMALE,
        "birth_date": _birth_date(n * 7),
        "hukou_type": HukouType.RURAL,
        "address": "太平镇石塘村2组",
    }
    data.update(overrides)
    if "id_number" not in overrides:
        data["id_number"] = id_number_for(
            birth_date=data["birth_date"], sex=data["sex"], n=n, county=_county_of(school_class)
        )
    return data


def parent_data(*, role: str, status: str | None, **overrides: Any) -> dict[str, Any]:
    migrant = status == ParentStatus.MIGRANT
    data = {
        "name": "李建国" if role == ParentRole.FATHER else "王秀兰",
        "status": status,
        "destination": "广东省东莞市" if migrant else "",
        "employer": "东莞市长安镇某电子厂" if migrant else "",
        "phone": "13812345678" if role == ParentRole.FATHER else "13987654321",
        "calls_per_month": 4 if migrant else None,
    }
    data.update(overrides)
    return data


def register_child(
    actor: User,
    school_class: SchoolClass,
    *,
    father: str | None = ParentStatus.MIGRANT,
    mother: str | None = ParentStatus.MIGRANT,
    parents: dict[str, dict[str, Any]] | None = None,
    guardian: dict[str, Any] | None = None,
    flags: set[str] | frozenset[str] = frozenset(),
    source: str = CensusSource.REGISTER,
    **child_overrides: Any,
) -> Child:
    """Register a child through `child_register`. Both parents are migrant unless told otherwise.

    `father=None` leaves the father's record out; `parents=` replaces both records entirely.
    Any other keyword is a field of the child (name, birth_date, id_number, ...).
    """
    from shouhu.registry.services import child_register

    if parents is None:
        parents = {
            role.value: parent_data(role=role, status=status)
            for role, status in ((ParentRole.FATHER, father), (ParentRole.MOTHER, mother))
            if status is not None
        }
    if guardian is None:
        guardian = {"name": "王秀英", "relation": "祖母", "age": 63, "phone": "13700001111"}
    return child_register(
        actor=actor,
        school_class=school_class,
        child=child_data(school_class=school_class, **child_overrides),
        parents=parents,
        guardian=guardian,
        flags=flags,
        source=source,
    )


# --- the care work ----------------------------------------------------------------------------


class BuddyFactory(DjangoModelFactory):
    class Meta:
        model = Buddy

    child = factory.SubFactory(ChildFactory)
    name = "王小明"
    starts_on = factory.LazyFunction(timezone.localdate)


class CareActionFactory(DjangoModelFactory):
    """A care action written directly, with its child links (kind and date copied to them).

    `CareActionFactory(children=[child_a, child_b], author=teacher)`; by default the author is a
    new teacher and the action is about one new child of the teacher's school.
    """

    class Meta:
        model = CareAction
        skip_postgeneration_save = True

    kind = ActionKind.HOME_VISIT
    done_on = factory.LazyFunction(timezone.localdate)
    author = factory.SubFactory(TeacherFactory)
    summary = "到家中了解学习和生活情况。"

    @factory.post_generation
    def children(obj, create, extracted, **kwargs):
        if not create:
            return
        if not extracted:
            extracted = [ChildFactory(school_class__school=obj.author.scope_school)]
        for child in extracted:
            CareActionChild.objects.create(
                action=obj, child=child, kind=obj.kind, done_on=obj.done_on
            )


class QuotaFactory(DjangoModelFactory):
    class Meta:
        model = Quota

    region = None
    school = None
    kind = ActionKind.TALK
    period = QuotaPeriod.MONTH
    minimum = 1


class ExemptionFactory(DjangoModelFactory):
    class Meta:
        model = Exemption

    child = factory.SubFactory(ChildFactory)
    kind = ""
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=30))
    reason = "住院治疗"
    granted_by = factory.SubFactory(
        HeadTeacherFactory, scope_class=factory.SelfAttribute("..child.school_class")
    )


class ObservationFactory(DjangoModelFactory):
    class Meta:
        model = Observation

    child = factory.SubFactory(ChildFactory)
    kind = SignalKind.GRADES_DROPPED
    noted_on = factory.LazyFunction(timezone.localdate)
    author = factory.SubFactory(
        TeacherFactory, scope_school=factory.SelfAttribute("..child.school_class.school")
    )


class VisitTaskFactory(DjangoModelFactory):
    """An open home-visit task, due three days after its observation, for the child's teacher."""

    class Meta:
        model = VisitTask

    observation = factory.SubFactory(ObservationFactory)
    child = factory.SelfAttribute("observation.child")
    assignee = factory.SubFactory(
        TeacherFactory, scope_school=factory.SelfAttribute("..child.school_class.school")
    )
    due_on = factory.LazyAttribute(lambda o: o.observation.noted_on + datetime.timedelta(days=3))


# --- privacy: guardians' requests ---------------------------------------------------------------


class GuardianRequestFactory(DjangoModelFactory):
    """A guardian's open request about a child, received today, due in 15 days, recorded by a
    privacy officer of the child's county."""

    class Meta:
        model = "audit.GuardianRequest"

    child = factory.SubFactory(ChildFactory)
    kind = "correction"
    requester_name = "王秀英"
    requester_relation = "祖母"
    requester_phone = "13700001111"
    details = "出生日期登记有误"
    received_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: o.received_on + datetime.timedelta(days=15))
    recorded_by = factory.SubFactory(
        PrivacyOfficerFactory,
        scope_region=factory.SelfAttribute("..child.school_class.school.region.parent"),
    )


# --- the census in and out, transfers (issue 3) --------------------------------------------------


class ChildTransferFactory(DjangoModelFactory):
    """A child moved from their class to a class of another school, on the term's first day."""

    class Meta:
        model = "registry.ChildTransfer"

    child = factory.SubFactory(ChildFactory)
    from_class = factory.SelfAttribute("child.school_class")
    to_class = factory.SubFactory(SchoolClassFactory)
    on = factory.LazyFunction(timezone.localdate)
    by = factory.SubFactory(
        SchoolLeaderFactory, scope_school=factory.SelfAttribute("..from_class.school")
    )


def census_upload(user: User, term: Term, *, content: bytes | None = None):
    """A previewed census upload of one good row for class A (or the given workbook)."""
    from shouhu.registry.census_sheets.uploads import census_upload_store
    from shouhu.registry.tests.census_sheets import row, sheet_bytes

    return census_upload_store(
        actor=user, term=term, filename="摸底名册.xlsx", content=content or sheet_bytes([row(0)])
    )
