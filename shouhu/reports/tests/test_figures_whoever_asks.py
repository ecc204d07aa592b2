"""One answer per question: every figure of a unit is one function of (unit, term, day), whoever
asks. A user sees fewer units, never a different number for the same unit.

On the demo county (`shouhu seed-demo --children 200`, seeded once for the module), every figure
of `shouhu stats` is read for the county, every township, every school and a few classes,
as each role that sees that unit (`--as`): the township officer, the school leader and the head
teacher must read what the county's region officer reads. And the census of each unit is the sum
of its units' (county = its townships, township = its schools, school = its classes).
"""

import io
import json
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from shouhu.org.models import Region, RegionLevel, School, SchoolClass
from shouhu.testing.dates import at, term_code
from shouhu.testing.factories import SchoolLeaderFactory, TownshipOfficerFactory

CURRENT, PREVIOUS = term_code("2026-2027-1"), term_code("2025-2026-2")
CENSUS_COUNTS = ("pupils", "left_behind_education", "left_behind_civil", "without_guardian")
CENSUS_BREAKDOWNS = ("by_category", "by_flag", "by_sex", "by_age_band")


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """The demo county of 200 children on 2026-11-29, with a township officer for every
    township and a school leader for every school; rolled back after the module."""
    moment = at(2026, 11, 29, 10, 0)
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        time_machine.travel(moment, tick=True),
        override_settings(PASSWORD_HASHERS=fast),
    ):
        with transaction.atomic():
            call_command("seed_demo", children=200, stdout=io.StringIO())
            townships = Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code")
            officers = {
                t.prefix: TownshipOfficerFactory(username=f"to{t.prefix}", scope_region=t).username
                for t in townships
            }
            schools = list(School.objects.order_by("code"))
            leaders = {
                s.code: SchoolLeaderFactory(username=f"sl{s.code}", scope_school=s).username
                for s in schools
            }
            # The demo head teacher's class, and the first class of every third school.
            head_class = SchoolClass.objects.get(head_teacher__username="head")
            firsts = [s.classes.order_by("grade", "pk").first() for s in schools[::3]]
            classes = [head_class, *(c for c in firsts if c != head_class)]
            yield _County(townships, schools, classes, officers, leaders)
            transaction.set_rollback(True)


class _County:
    """The units of the demo county and who sees each, and the figures read so far."""

    def __init__(self, townships, schools, classes, officers, leaders):
        self.townships = list(townships)
        self.schools = schools
        self.classes = classes
        self.officers = officers
        self.leaders = leaders
        self.read: dict[tuple, dict] = {}

    def readers(self, role: str) -> list[tuple[str, str]]:
        """(username, unit code) of every unit the role sees, for each of its accounts."""
        if role == "township_officer":
            return [
                (self.officers[t.prefix], code)
                for t in self.townships
                for code in [t.prefix]
                + [s.code for s in self.schools if s.region_id.startswith(t.prefix)]
                + [f"class:{c.pk}" for c in self.classes if c.school.region_id.startswith(t.prefix)]
            ]
        if role == "school_leader":
            return [
                (self.leaders[s.code], code)
                for s in self.schools
                for code in [s.code]
                + [f"class:{c.pk}" for c in self.classes if c.school_id == s.pk]
            ]
        return [(c.head_teacher.username, f"class:{c.pk}") for c in self.classes]

    def units(self) -> list[str]:
        return (
            ["511781"]
            + [t.prefix for t in self.townships]
            + [s.code for s in self.schools]
            + [f"class:{c.pk}" for c in self.classes]
        )

    def stats(self, username: str, scope: str, term: str) -> dict:
        key = ("stats", username, scope, term)
        if key not in self.read:
            self.read[key] = _json("stats", username=username, scope=scope, term=term)
        return self.read[key]

    def census(self, scope: str, term: str) -> dict:
        key = ("census", scope, term)
        if key not in self.read:
            self.read[key] = _json("census", username="county", scope=scope, term=term)
        return self.read[key]


def _json(command: str, **options) -> dict:
    out = io.StringIO()
    call_command(command, json=True, stdout=out, **options)
    return json.loads(out.getvalue())


def _differences(county: _County, role: str, term: str, keys) -> list[tuple[str, str, str]]:
    """(account, unit, figure) of every figure among `keys` that the role's account reads
    differently from the county's region officer, for every unit the account sees."""
    found = []
    for username, scope in county.readers(role):
        mine = county.stats(username, scope, term)
        theirs = county.stats("county", scope, term)
        assert mine["withheld"] == [] and theirs["withheld"] == []
        for key in keys(mine["figures"]):
            if mine["figures"][key] != theirs["figures"][key]:
                found.append((username, scope, key))
    return found


# The figures of a term, without the trend (which reads every term up to it), of this term and
# of the last; then the trend up to this term.
CASES = {
    "this term": (CURRENT, lambda figures: [k for k in figures if k != "census_trend"]),
    "last term": (PREVIOUS, lambda figures: [k for k in figures if k != "census_trend"]),
    "trend": (CURRENT, lambda figures: ["census_trend"]),
}


@pytest.mark.parametrize(
    ("role", "case"),
    [
        ("township_officer", "this term"),
        ("township_officer", "last term"),
        ("township_officer", "trend"),
        ("school_leader", "this term"),
        ("school_leader", "last term"),
        ("school_leader", "trend"),
        ("head_teacher", "this term"),
        ("head_teacher", "last term"),
        ("head_teacher", "trend"),
    ],
)
def test_every_figure_of_a_unit_is_the_same_whoever_sees_it(county, db, role, case):
    term, keys = CASES[case]

    assert _differences(county, role, term, keys) == []


def _total(entries: list[dict]) -> dict:
    total: dict = {key: sum(e[key] for e in entries) for key in CENSUS_COUNTS}
    for key in CENSUS_BREAKDOWNS:
        counter: Counter[str] = Counter()
        for entry in entries:
            counter.update(entry[key])
        total[key] = {k: counter[k] for k in entries[0][key]} if entries else {}
    return total


def _census_of(entry: dict) -> dict:
    return {key: entry[key] for key in CENSUS_COUNTS + CENSUS_BREAKDOWNS}


@pytest.mark.parametrize("term", [CURRENT, PREVIOUS])
def test_the_census_of_every_unit_is_the_sum_of_its_units(county, db, term):
    checked = 0
    for scope in county.units():
        census = county.census(scope, term)
        units = census["units"]
        if not units:
            assert scope.startswith("class:")
            continue
        assert _census_of(census) == _total(units), scope
        assert census["pupils"] > 0 and census["left_behind_education"] > 0, scope
        for unit in units:  # the unit as its parent lists it is the unit's own census
            code = unit["code"] if "grade" not in unit else f"class:{unit['code']}"
            assert _census_of(unit) == _census_of(county.census(code, term)), (scope, code)
        checked += 1
    assert checked == 1 + len(county.townships) + len(county.schools)
