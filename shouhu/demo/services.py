"""Writing the demo county (`shouhu seed-demo`) into an empty database.

The plan (`shouhu.demo.plan`) decides everything; this module writes it. The children are
written by `shouhu.demo.register`, in bulk but the way the registry's services would write them.
What has no service yet (regions, schools, classes, accounts, pairings) is created here directly,
each row validated with `full_clean()` where that costs no more than a query or two.
"""

import time
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from shouhu.accounts.models import User
from shouhu.accounts.roles import Role
from shouhu.care.models import Pairing, PairingKind
from shouhu.demo import data
from shouhu.demo.plan import CountyPlan, county_plan
from shouhu.demo.register import children_register_bulk
from shouhu.org.models import (
    ClassEnrolment,
    Region,
    RegionLevel,
    School,
    SchoolClass,
    Term,
    subtree_range,
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
    """What `demo_seed` wrote, for the command's report."""

    children: int
    left: int
    townships: list[TownshipCount]
    head_class: str
    head_left_behind: int
    seconds: float


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
    """Write the demo county of about `children` children into an empty database.

    1. Regions, terms, schools and classes.
    2. Accounts: one per role, and a head teacher for every class.
    3. Each class's enrolment in both terms.
    4. Children with parents, guardians, flags and both terms' snapshots (`demo.register`).
    5. Proxy-parent pairings; snapshots re-taken today dated back to their census day.
    """
    started = time.perf_counter()
    plan = county_plan(children=children, seed=seed)
    regions = _regions()
    previous_term, current_term = _terms()
    schools = _schools(regions)
    classes = _classes(plan, schools)
    users = _accounts(plan, regions=regions, schools=schools, classes=classes)
    _enrolments(plan, classes=classes, terms=(previous_term, current_term))
    records = children_register_bulk(
        plan=plan,
        regions=regions,
        classes=classes,
        users=users,
        terms=(previous_term, current_term),
    )
    _pairings(plan, records=records, users=users)
    _census_days(plan)
    return _summary(plan, classes=classes, term=current_term, started=started)


def _regions() -> dict[str, Region]:
    """The county's tree; the province and city are kept if they are there already."""
    province, _created = Region.objects.get_or_create(
        code=data.PROVINCE[0], defaults={"name": data.PROVINCE[1], "level": RegionLevel.PROVINCE}
    )
    city, _created = Region.objects.get_or_create(
        code=data.CITY[0],
        defaults={"name": data.CITY[1], "level": RegionLevel.CITY, "parent": province},
    )
    county = Region(code=data.COUNTY[0], name=data.COUNTY[1], level=RegionLevel.COUNTY, parent=city)
    rows = [county]
    for township in data.TOWNSHIPS:
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


def _terms() -> tuple[Term, Term]:
    terms = []
    for code, start_year, semester, starts_on, ends_on in (data.PREVIOUS_TERM, data.CURRENT_TERM):
        term, _created = Term.objects.get_or_create(
            code=code,
            defaults={
                "start_year": start_year,
                "semester": semester,
                "starts_on": starts_on,
                "ends_on": ends_on,
            },
        )
        terms.append(term)
    return terms[0], terms[1]


def _schools(regions: dict[str, Region]) -> dict[str, School]:
    rows = [
        School(code=s.code, name=s.name, kind=s.kind, region=regions[s.region])
        for s in data.SCHOOLS
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
) -> dict[str, User]:
    """The ten demo accounts and a head teacher per class, all with the demo password.

    Argon2 is slow on purpose, so the password is hashed once and the hash shared.
    """
    password = make_password(data.DEMO_PASSWORD)
    scopes: dict[str, dict[str, Region | School | SchoolClass]] = {
        "county": {"scope_region": regions[data.COUNTY[0]]},
        "township": {"scope_region": regions[data.DEMO_TOWNSHIP + "000"]},
        "village": {"scope_region": regions[data.DEMO_VILLAGE]},
        "school": {"scope_school": schools[data.DEMO_SCHOOL]},
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
    rows.extend(
        User(
            username=c.teacher_username,
            role=Role.HEAD_TEACHER,
            display_name=c.teacher_name,
            password=password,
            scope_class=classes[c.key],
        )
        for c in plan.classes
        if c.key != plan.head_class_key
    )
    User.objects.bulk_create(rows)
    users = {u.username: u for u in User.objects.filter(username__in=[r.username for r in rows])}
    for school_class in plan.classes:
        classes[school_class.key].head_teacher = users[school_class.teacher_username]
    SchoolClass.objects.bulk_update(classes.values(), ["head_teacher"])
    return users


def _enrolments(
    plan: CountyPlan, *, classes: dict[str, SchoolClass], terms: tuple[Term, Term]
) -> None:
    ClassEnrolment.objects.bulk_create(
        ClassEnrolment(school_class=classes[c.key], term=term, pupils=c.pupils[term.code])
        for c in plan.classes
        for term in terms
    )


def _pairings(plan: CountyPlan, *, records: list[Child], users: dict[str, User]) -> None:
    rows = [
        Pairing(
            child=records[p.child],
            carer=users[p.carer],
            kind=PairingKind.PROXY_PARENT,
            starts_on=data.PAIRINGS_START,
        )
        for p in plan.pairings
    ]
    for row in rows:
        row.full_clean()
    Pairing.objects.bulk_create(rows)


def _census_days(plan: CountyPlan) -> None:
    """Each snapshot carries its school's survey day, also those `child_update` re-took today."""
    terms = dict(Term.objects.values_list("code", "id"))
    classes: dict[str, list[int]] = {}
    for class_id, school in SchoolClass.objects.values_list("id", "school__code"):
        classes.setdefault(school, []).append(class_id)
    # Plain ids, not a joined subquery: PostgreSQL plans a join over rows inserted in this very
    # transaction (no statistics yet) as a nested loop that takes minutes.
    for (school, term_code), day in plan.census_days.items():
        CensusSnapshot.objects.filter(
            term_id=terms[term_code], school_class_id__in=classes.get(school, [])
        ).exclude(surveyed_on=day).update(surveyed_on=day)


def _summary(
    plan: CountyPlan, *, classes: dict[str, SchoolClass], term: Term, started: float
) -> SeedSummary:
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
    for enrolment in ClassEnrolment.objects.filter(term=term).select_related(
        "school_class__school"
    ):
        pupils[enrolment.school_class.school.region_id] += enrolment.pupils
    townships = []
    for township in data.TOWNSHIPS:
        low, high = subtree_range(township.code)

        def within(counter: Counter, low: str = low, high: str = high) -> int:
            return sum(n for code, n in counter.items() if low <= code <= high)

        schools = [s for s in data.SCHOOLS if s.region.startswith(township.code)]
        townships.append(
            TownshipCount(
                name=township.name,
                schools=len(schools),
                classes=sum(1 for c in plan.classes if c.school in {s.code for s in schools}),
                children=within(on_register),
                left_behind=within(left_behind),
                pupils=within(pupils),
            )
        )
    head_class = classes[plan.head_class_key]
    return SeedSummary(
        children=Child.objects.on_register().count(),
        left=Child.objects.filter(left_on__isnull=False).count(),
        townships=townships,
        head_class=str(head_class),
        head_left_behind=snapshots.filter(school_class=head_class).count(),
        seconds=time.perf_counter() - started,
    )
