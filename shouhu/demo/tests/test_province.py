"""`shouhu synth` at province size: the layout of 20 cities and their counties, and, on
PostgreSQL, a tiny province loaded by the province path reading exactly as the county synth's
ORM path does."""

import io
import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from shouhu.accounts.models import User
from shouhu.care.selectors.worklist import worklist_for
from shouhu.core.idnumber import validate_id_number
from shouhu.core.roles import Perm
from shouhu.demo import data
from shouhu.demo.province import CHILDREN_PER_COUNTY, CITY_COUNT, province_layout
from shouhu.demo.province_stamp import foreign_key_violations
from shouhu.demo.synth import CHILDREN_PER_SCHOOL, synthetic_layout
from shouhu.org.models import Region, RegionLevel
from shouhu.registry.models import Child

PROVINCE = province_layout(children=1_500_000)


def test_a_province_has_20_cities_each_with_counties_of_about_20000_children():
    cities_used = Counter(c.layout.city for c in PROVINCE.counties)

    assert len(PROVINCE.cities) == CITY_COUNT == len(set(PROVINCE.cities))
    assert set(cities_used) == set(PROVINCE.cities)  # every city has a county
    assert len(PROVINCE.counties) == 75
    assert PROVINCE.children == 1_500_000
    assert {c.children for c in PROVINCE.counties} == {CHILDREN_PER_COUNTY}


def test_every_code_of_the_province_is_distinct_and_nested_as_the_org_app_expects():
    counties = [c.layout.county[0] for c in PROVINCE.counties]
    townships = [t.code for c in PROVINCE.counties for t in c.layout.townships]
    villages = [
        t.code + suffix
        for c in PROVINCE.counties
        for t in c.layout.townships
        for suffix, _ in t.villages
    ]
    schools = [s.code for c in PROVINCE.counties for s in c.layout.schools]

    for city, _name in PROVINCE.cities:
        assert len(city) == 12 and city.startswith("51") and city.endswith("0" * 8)
    for county in PROVINCE.counties:
        code = county.layout.county[0]
        assert len(code) == 12 and code.endswith("000000")
        assert code[:4] == county.layout.city[0][:4]  # under its city
        assert all(t.code.startswith(code[:6]) for t in county.layout.townships)
    assert len(set(counties)) == len(counties)
    assert all(len(c) == 9 for c in townships) and len(set(townships)) == len(townships)
    assert all(len(v) == 12 for v in villages) and len(set(villages)) == len(villages)
    assert all(len(s) == 10 and s.isdigit() for s in schools)
    assert len(set(schools)) == len(schools)
    names = [c.layout.county[1] for c in PROVINCE.counties]
    assert len(set(names)) == len(names) and all(n.endswith(("县", "市")) for n in names)


def test_the_province_keeps_the_county_synths_proportions_and_its_first_county_is_the_demos():
    first = PROVINCE.counties[0]
    schools = sum(len(c.layout.schools) for c in PROVINCE.counties)

    assert first.layout == synthetic_layout(children=CHILDREN_PER_COUNTY)  # 万源市, seed kept
    assert first.layout.county == data.COUNTY and first.layout.city == data.CITY
    assert schools == pytest.approx(1_500_000 / CHILDREN_PER_SCHOOL, rel=0.01)
    for county in PROVINCE.counties[1:4]:
        plain = synthetic_layout(children=county.children, seed=county.seed)
        assert len(county.layout.schools) == len(plain.schools)
        assert [len(t.villages) for t in county.layout.townships] == [
            len(t.villages) for t in plain.townships
        ]


def test_a_small_province_asks_for_fewer_counties_and_still_spreads_them_over_cities():
    small = province_layout(children=150_000)

    assert len(small.counties) == CITY_COUNT  # one county per city at least
    assert small.children == 150_000


def test_sqlite_refuses_a_province(db):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")

    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("synth", "--children", "1500000", stdout=io.StringIO())


def _stats(scope: str) -> dict:
    out = io.StringIO()
    call_command("stats", "--scope", scope, "--json", stdout=out)
    figures = json.loads(out.getvalue())
    figures.pop("generated_at", None)
    return figures


def _reading() -> dict:
    """What the pages read of 万源市: every figure of the county, the demo teacher's and head
    teacher's worklists and the head teacher's children."""
    head = User.objects.get(username="head")
    return {
        "stats": _stats(data.COUNTY[0]),
        "worklists": {
            name: worklist_for(User.objects.get(username=name)).counts
            for name in ("teacher", "head")
        },
        "head_children": sorted(
            Child.objects.restrict(head, Perm.CHILD_VIEW).values_list("name", flat=True)
        ),
    }


def _truncate() -> None:
    with connection.cursor() as cursor:
        tables = connection.introspection.django_table_names(only_existing=True)
        quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
        cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")  # noqa: S608


def test_a_tiny_province_loaded_on_postgresql_reads_as_the_orm_written_county(
    transactional_db, frozen_today
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    out = io.StringIO()
    call_command(
        "synth", "--children", "240", "--months", "2", "--province", "--counties", "2",
        "--workers", "2", stdout=out,
    )  # fmt: skip
    province = _reading()
    assert province["head_children"]  # the head teacher sees their class
    counties = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
    second = counties.exclude(code=data.COUNTY[0]).get()
    usernames = list(User.objects.values_list("username", flat=True))
    assert len(usernames) == len(set(usernames))
    assert User.objects.filter(username__startswith=second.code[:6] + "-").exists()
    assert Child.objects.filter(pk__gt=10**9).exists()  # the second county's block of ids
    assert Region.objects.filter(level=RegionLevel.CITY).count() == CITY_COUNT
    assert "20 个市" in out.getvalue()
    # The next row the app writes gets a new id: identities and the partitioned tables' id
    # sequences are past every county's block.
    with connection.cursor() as cursor:
        for table in ("registry_child", "care_careaction", "care_careactionchild"):
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) > max(id) FROM {table}"  # noqa: S608
            )
            assert cursor.fetchone()[0], table

    _truncate()
    call_command("synth", "--children", "120", "--months", "2", stdout=io.StringIO())
    assert _reading() == province


def _figures(code: str) -> dict:
    """A county's figures without the lines that name it."""
    figures = _stats(code)
    return {k: v for k, v in figures.items() if k not in {"scope", "unit", "name", "code"}}


def test_stamped_counties_read_as_their_template_with_people_and_codes_of_their_own(
    transactional_db, frozen_today
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    call_command(
        "synth", "--children", "360", "--months", "2", "--province", "--counties", "3",
        "--templates", "1", "--workers", "2", stdout=io.StringIO(),
    )  # fmt: skip
    layout = province_layout(children=360, counties=3)
    template, *stamps = (c.layout for c in layout.counties)
    assert template.county == data.COUNTY
    expected = _figures(data.COUNTY[0])
    children = Child.objects.count()
    assert children == 3 * Child.objects.filter(home_region__code__startswith="511781").count()
    for stamp in stamps:
        prefix = stamp.county[0][:6]
        county = Region.objects.get(code=stamp.county[0])
        assert (county.name, county.parent_id) == (stamp.county[1], stamp.city[0])
        # the same figures, its townships' and schools' codes its own
        template_text = json.dumps(expected, ensure_ascii=False, sort_keys=True)
        assert json.dumps(_figures(stamp.county[0]), ensure_ascii=False, sort_keys=True) == (
            template_text.replace("2151178", f"2{prefix}").replace("511781", prefix)
        ), stamp.county
        head = User.objects.get(username=f"{prefix}-head")
        assert worklist_for(head).counts == worklist_for(User.objects.get(username="head")).counts
        seen = Child.objects.restrict(head, Perm.CHILD_VIEW)
        assert seen.exists() and all(c.id_number.startswith(prefix) for c in seen)
        assert all(c.school_class.school.code.startswith(f"2{prefix}") for c in seen)
        assert not seen.filter(home_region__code__startswith="511781").exists()
    # Every child has a valid ID number of its own, and its history rows keep its public_id.
    numbers = [c.id_number for c in Child.objects.all()]
    assert len(set(numbers)) == children
    assert all(validate_id_number(n) == n for n in numbers if n)
    history = Child.history.model.objects.filter(id__gt=10**9)
    assert history.exists()
    for row in history[:50]:
        child = Child.objects.get(pk=row.id)
        assert (row.public_id, row.id_number) == (child.public_id, child.id_number)
    # Stamps go in without the per-row key checks: every foreign key is checked whole here,
    # and the check sees a row that points nowhere.
    assert foreign_key_violations() == {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE registry_parent SET child_id = -1 "
            "WHERE id = (SELECT max(id) FROM registry_parent)"
        )
        assert sum(foreign_key_violations().values()) == 1
        transaction.set_rollback(True)
