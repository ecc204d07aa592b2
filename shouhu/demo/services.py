"""Writing the demo county (`shouhu seed-demo`) or a synthetic one (`shouhu synth`) into an
empty database.

The plans decide everything (`shouhu.demo.plan` the county, `shouhu.demo.care.planner` its care
work); this module writes them. The children are written by `shouhu.demo.register` and the care
work by `shouhu.demo.care.record`, in bulk but the way the registry's and the care services would
write them. What has no service (regions, schools, classes, accounts) is created here directly,
each row validated with `full_clean()` where that costs no more than a query or two.
"""

import datetime
import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.core.roles import Role
from shouhu.core.scoping import subtree_range
from shouhu.demo import data
from shouhu.demo.activities import activities_seed
from shouhu.demo.aid import aid_seed
from shouhu.demo.attendance import attendance_write
from shouhu.demo.booking import booking_seed
from shouhu.demo.care.calendar import TermData, Window, care_window
from shouhu.demo.care.planner import care_plan
from shouhu.demo.care.record import CareCounts, care_write
from shouhu.demo.dropout import dropout_seed
from shouhu.demo.grades import grades_write
from shouhu.demo.guardianship import guardianship_write
from shouhu.demo.health import health_safety_write
from shouhu.demo.home import home_seed
from shouhu.demo.parents import parents_seed
from shouhu.demo.partitions import seed_partitions
from shouhu.demo.plan import CountyPlan, county_plan
from shouhu.demo.register import plan_children_register
from shouhu.demo.synth import synthetic_layout
from shouhu.demo.terms import ONE_DAY, demo_calendar
from shouhu.org.models import (
    ClassEnrolment,
    Region,
    RegionLevel,
    School,
    SchoolClass,
    Term,
)
from shouhu.registry.models import CensusSnapshot, Child


@dataclass(frozen=True)
class TownshipCount:
    name: str
    schools: int
    classes: int
    children: int  # on the register
    left_behind: int  # education definition, this term's census
    pupils: int  # all pupils enrolled this term


@dataclass(frozen=True)
class SeedSummary:
    """What `demo_seed` or `synth_seed` wrote, for the command's report."""

    children: int
    left: int
    townships: list[TownshipCount]
    head_class: str
    head_left_behind: int
    care: CareCounts
    care_from: datetime.date
    care_to: datetime.date
    seconds: float


@dataclass
class County:
    """The rows of a written county that the care work refers to."""

    regions: dict[str, Region]
    terms: dict[str, Term]
    schools: dict[str, School]
    classes: dict[str, SchoolClass]
    users: dict[str, User]
    records: list[Child]
    password: str


def demo_database_empty() -> bool:
    """No child and none of the demo county's regions, schools or accounts exist yet."""
    usernames = [a.username for a in data.DEMO_ACCOUNTS]
    return not (
        Child.objects.exists()
        or Region.objects.filter(code=data.COUNTY[0]).exists()
        or School.objects.filter(code__in=[s.code for s in data.SCHOOLS]).exists()
        or User.objects.filter(username__in=usernames).exists()
    )


@transaction.atomic
def demo_seed(
    *, children: int = data.DEFAULT_CHILDREN, seed: int = data.DEFAULT_SEED
) -> SeedSummary:
    """Write the demo county of `children` children into an empty database, around today
    (`shouhu.demo.terms`): the current term is the one running today, or the last one in
    the holidays.

    1. Regions, terms, schools and classes.
    2. Accounts: one per role, and a head teacher for every class.
    3. Each class's enrolment in every term of the plan.
    4. Children with parents, guardians, flags and each term's snapshots (`demo.register`).
    5. Care work from the start of the term before the current one up to yesterday
       (`demo.care`): proxy parents, buddies, care actions with gaps, signals and tasks.
    """
    started = time.perf_counter()
    calendar = demo_calendar(timezone.localdate())
    plan = county_plan(children=children, seed=seed, calendar=calendar)
    window = care_window(calendar=calendar, months=calendar.care_months)
    seed_partitions(calendar=calendar, window=window)  # PostgreSQL's months (core.partitions)
    county = county_write(plan, terms=window.terms)
    counts = _care(plan, county=county, seed=seed, months=calendar.care_months)
    guardianship_write(
        records=county.records, terms=[*county.terms.values()], today=calendar.today, seed=seed
    )
    aid_seed(plan, county=county, seed=seed)  # welfare: a year of aid
    attendance = attendance_write(county, plan=plan, calendar=calendar, seed=seed)  # 考勤
    dropout_seed(  # 控辍保学: its first two suspects are the roll calls' (issue 14)
        records=county.records,
        head_class=county.classes.get(plan.head_class_key),
        seed=seed,
        suspects=attendance.suspected,
    )
    grades_write(seed=seed)  # 成绩 and 学习帮扶计划 (shouhu.demo.grades)
    home_seed(schools=county.schools, term=county.terms[calendar.current[0]], seed=seed)
    health_safety_write(county=county, plan=plan, seed=seed)
    activities_seed(county, calendar=calendar, seed=seed)  # issue 16: events, groups, consent
    parents_seed(head_class=county.classes.get(plan.head_class_key), seed=seed)  # 家长端
    booking_seed(head_class=county.classes.get(plan.head_class_key), seed=seed)  # 亲情视频
    return _summary(plan, county=county, care=counts, window=window, started=started)


def planner_statistics_refresh() -> None:
    """After a bulk load on PostgreSQL, gather the planner's statistics now (ANALYZE), not when
    autovacuum next passes: pages read right after the load, as `make bench` reads them, would be
    planned on empty tables (the 20,000-child county's census page: 0.52 s → 0.25 s). SQLite's
    plans do not improve with statistics here (measured), so it is left alone."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def synth_database_empty() -> bool:
    """Nothing of a county is there yet: no region, school, account or child."""
    return not (
        Region.objects.exists()
        or School.objects.exists()
        or User.objects.exists()
        or Child.objects.exists()
    )


@transaction.atomic
def synth_seed(
    *, children: int, months: int, seed: int = data.DEFAULT_SEED, layout: data.Layout | None = None
) -> SeedSummary:
    """Write a synthetic county of `children` children with `months` months of care work up to
    yesterday into an empty database: the demo's steps over a larger layout (`demo.synth`).

    When the months reach back before last spring's census, the children then on the register
    were registered when the care work began, and the terms of those months are added.
    A province's counties (`demo.province`) pass their own layout."""
    started = time.perf_counter()
    calendar = demo_calendar(timezone.localdate())
    layout = layout or synthetic_layout(children=children, seed=seed)
    plan = county_plan(children=children, seed=seed, layout=layout, calendar=calendar)
    window = care_window(calendar=calendar, months=months)
    seed_partitions(calendar=calendar, window=window)  # PostgreSQL's months (core.partitions)
    began = window.start if window.start < calendar.previous[3] else None
    county = county_write(plan, terms=window.terms, register_began=began)
    counts = _care(plan, county=county, seed=seed, months=months, register_began=began)
    guardianship_write(
        records=county.records, terms=[*county.terms.values()], today=calendar.today, seed=seed
    )
    aid_seed(plan, county=county, seed=seed)  # welfare: a year of aid
    attendance = attendance_write(county, plan=plan, calendar=calendar, seed=seed)  # 考勤
    dropout_seed(  # 控辍保学: its first two suspects are the roll calls' (issue 14)
        records=county.records,
        head_class=county.classes.get(plan.head_class_key),
        seed=seed,
        suspects=attendance.suspected,
    )
    grades_write(seed=seed, main_only=True)  # 成绩 and 学习帮扶计划 (shouhu.demo.grades)
    home_seed(schools=county.schools, term=county.terms[calendar.current[0]], seed=seed)
    health_safety_write(county=county, plan=plan, seed=seed)
    activities_seed(county, calendar=calendar, seed=seed)  # issue 16: events, groups, consent
    return _summary(plan, county=county, care=counts, window=window, started=started)


def county_write(
    plan: CountyPlan,
    *,
    terms: tuple[TermData, ...] = (),
    register_began: datetime.date | None = None,
) -> County:
    """Regions, terms, schools, classes, accounts, enrolments and children of a county plan."""
    regions = _regions(plan.layout)
    stored_terms = _terms([*plan.calendar.terms, *terms])
    plan_terms = tuple(stored_terms[t[0]] for t in plan.calendar.terms)
    schools = _schools(plan.layout, regions)
    classes = _classes(plan, schools)
    password = make_password(data.DEMO_PASSWORD)  # Argon2 is slow on purpose: hashed once
    users = _accounts(plan, regions=regions, schools=schools, classes=classes, password=password)
    _enrolments(plan, classes=classes, terms=plan_terms)
    records = plan_children_register(
        plan=plan,
        regions=regions,
        classes=classes,
        users=users,
        terms=plan_terms,
        register_began=register_began,
    )
    return County(
        regions=regions,
        terms=stored_terms,
        schools=schools,
        classes=classes,
        users=users,
        records=records,
        password=password,
    )


def _care(
    plan: CountyPlan,
    *,
    county: County,
    seed: int,
    months: int,
    register_began: datetime.date | None = None,
) -> CareCounts:
    care = care_plan(
        plan,
        seed=seed,
        months=months,
        due_days=settings.SHOUHU_TASK_DUE_DAYS,
        register_began=register_began,
    )
    return care_write(
        care,
        plan=plan,
        records=county.records,
        users=county.users,
        schools=county.schools,
        classes=county.classes,
        password=county.password,
    )


def _regions(layout: data.Layout) -> dict[str, Region]:
    """The county's tree; the province and city are kept if they are there already."""
    province, _created = Region.objects.get_or_create(
        code=data.PROVINCE[0], defaults={"name": data.PROVINCE[1], "level": RegionLevel.PROVINCE}
    )
    city, _created = Region.objects.get_or_create(
        code=layout.city[0],
        defaults={"name": layout.city[1], "level": RegionLevel.CITY, "parent": province},
    )
    code, name = layout.county
    county = Region(code=code, name=name, level=RegionLevel.COUNTY, parent=city)
    rows = [county]
    for township in layout.townships:
        node = Region(
            code=township.code + "000",
            name=township.name,
            level=RegionLevel.TOWNSHIP,
            parent=county,
        )
        rows.append(node)
        rows.extend(
            Region(code=township.code + suffix, name=name, level=RegionLevel.VILLAGE, parent=node)
            for suffix, name in township.villages
        )
    for row in rows:  # parents first, so that each full_clean finds its parent
        row.full_clean()
        row.save()
    return {r.code: r for r in [province, city, *rows]}


def _terms(terms: list[TermData]) -> dict[str, Term]:
    """The terms by code; those already there are kept."""
    stored = {}
    for code, start_year, semester, starts_on, ends_on in terms:
        term, _created = Term.objects.get_or_create(
            code=code,
            defaults={
                "start_year": start_year,
                "semester": semester,
                "starts_on": starts_on,
                "ends_on": ends_on,
            },
        )
        stored[code] = term
    return stored


def _schools(layout: data.Layout, regions: dict[str, Region]) -> dict[str, School]:
    rows = [
        School(code=s.code, name=s.name, kind=s.kind, region=regions[s.region])
        for s in layout.schools
    ]
    School.objects.bulk_create(rows)
    return {s.code: s for s in School.objects.filter(code__in=[r.code for r in rows])}


def _classes(plan: CountyPlan, schools: dict[str, School]) -> dict[str, SchoolClass]:
    SchoolClass.objects.bulk_create(
        SchoolClass(school=schools[c.school], grade=c.grade, name=c.name) for c in plan.classes
    )
    stored = {
        (c.school.code, c.name): c
        for c in SchoolClass.objects.filter(school__in=schools.values()).select_related("school")
    }
    return {c.key: stored[(c.school, c.name)] for c in plan.classes}


def _accounts(
    plan: CountyPlan,
    *,
    regions: dict[str, Region],
    schools: dict[str, School],
    classes: dict[str, SchoolClass],
    password: str,
) -> dict[str, User]:
    """The ten demo accounts and a head teacher per class, all with the demo password's hash."""
    layout = plan.layout
    scopes: dict[str, dict[str, Region | School | SchoolClass]] = {
        "county": {"scope_region": regions[layout.county[0]]},
        "township": {"scope_region": regions[layout.demo_township + "000"]},
        "village": {"scope_region": regions[layout.demo_village]},
        "school": {"scope_school": schools[layout.demo_school]},
        "class": {"scope_class": classes[plan.head_class_key]},
        "pairs": {},
    }
    rows = []
    for account in data.DEMO_ACCOUNTS:
        user = User(
            username=account.username,
            role=account.role,
            display_name=account.display_name,
            password=password,
            **scopes[account.scope],
        )
        user.full_clean()
        rows.append(user)
    for c in plan.classes:
        if c.key == plan.head_class_key:
            continue
        user = User(
            username=c.teacher_username,
            role=Role.HEAD_TEACHER,
            display_name=c.teacher_name,
            password=password,
            scope_class=classes[c.key],
        )
        user.clean_fields(exclude=["scope_class", "password"])
        user.clean()
        rows.append(user)
    User.objects.bulk_create(rows, batch_size=500)
    users = {u.username: u for u in User.objects.filter(username__in=[r.username for r in rows])}
    for school_class in plan.classes:
        classes[school_class.key].head_teacher = users[school_class.teacher_username]
    SchoolClass.objects.bulk_update(classes.values(), ["head_teacher"])
    return users


def _enrolments(
    plan: CountyPlan, *, classes: dict[str, SchoolClass], terms: tuple[Term, ...]
) -> None:
    ClassEnrolment.objects.bulk_create(
        ClassEnrolment(school_class=classes[c.key], term=term, pupils=c.pupils[term.code])
        for c in plan.classes
        for term in terms
    )


def _summary(
    plan: CountyPlan,
    *,
    county: County,
    care: CareCounts,
    window: Window,
    started: float,
) -> SeedSummary:
    term = county.terms[plan.calendar.current[0]]
    snapshots = CensusSnapshot.objects.filter(term=term, education=True)
    left_behind = Counter(
        snapshots.values_list("school_class__school__region_id", flat=True).iterator()
    )
    on_register = Counter(
        Child.objects.on_register()
        .values_list("school_class__school__region_id", flat=True)
        .iterator()
    )
    pupils: Counter[str] = Counter()
    for region_id, count in ClassEnrolment.objects.filter(term=term).values_list(
        "school_class__school__region_id", "pupils"
    ):
        pupils[region_id] += count
    class_count = Counter(c.school for c in plan.classes)
    townships = []
    for township in plan.layout.townships:
        low, high = subtree_range(township.code)

        def within(counter: Counter, low: str = low, high: str = high) -> int:
            return sum(n for code, n in counter.items() if low <= code <= high)

        schools = [s for s in plan.layout.schools if s.region.startswith(township.code)]
        townships.append(
            TownshipCount(
                name=township.name,
                schools=len(schools),
                classes=sum(class_count[s.code] for s in schools),
                children=within(on_register),
                left_behind=within(left_behind),
                pupils=within(pupils),
            )
        )
    head_class = county.classes[plan.head_class_key]
    return SeedSummary(
        children=Child.objects.on_register().count(),
        left=Child.objects.filter(left_on__isnull=False).count(),
        townships=townships,
        head_class=str(head_class),
        head_left_behind=snapshots.filter(school_class=head_class).count(),
        care=care,
        care_from=window.start,
        care_to=window.today - ONE_DAY,  # the care work ends yesterday
        seconds=time.perf_counter() - started,
    )
