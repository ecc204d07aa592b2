"""`shouhu synth`: a synthetic county of the asked size, with its care work, from a seed."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shouhu.accounts.models import User
from shouhu.care.models import CareAction, Observation, Pairing, PairingKind, VisitTask
from shouhu.demo import data
from shouhu.demo.synth import synthetic_layout
from shouhu.demo.tests.conftest import CURRENT, TODAY, care_rows
from shouhu.org.models import ClassEnrolment, Region, RegionLevel, School, SchoolClass
from shouhu.registry.models import CensusSnapshot, Child
from shouhu.testing.dates import day

SMALL = ("--children", "300", "--months", "2")


def synth(*args: str) -> str:
    out = io.StringIO()
    call_command("synth", *args, stdout=out)
    return out.getvalue()


def test_synth_builds_a_county_of_the_asked_size_with_two_months_of_care(db, frozen_today):
    output = synth(*SMALL)

    current = CensusSnapshot.objects.filter(term__code=CURRENT)
    left_behind = set(current.filter(education=True).values_list("child_id", flat=True))
    paired = set(
        Pairing.objects.current(TODAY)
        .filter(kind=PairingKind.PROXY_PARENT)
        .values_list("child_id", flat=True)
    )
    first_day = min(CareAction.objects.values_list("done_on", flat=True))
    assert Child.objects.on_register().count() == 300
    assert School.objects.count() >= 3
    assert ClassEnrolment.objects.count() == 2 * SchoolClass.objects.count()
    assert len(left_behind) > 200 and left_behind <= paired
    assert day(2026, 10, 1) <= first_day
    assert max(CareAction.objects.values_list("done_on", flat=True)) <= TODAY
    assert CareAction.objects.count() > 500
    assert Observation.objects.count() == VisitTask.objects.count() > 0
    assert User.objects.filter(username__in=[a.username for a in data.DEMO_ACCOUNTS]).count() == 10
    assert "300" in output and "关爱记录" in output


def test_on_postgresql_synth_leaves_the_planner_statistics_of_its_tables(db, frozen_today):
    """Pages read right after the bulk load must not be planned on empty tables."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")

    def analysed(table: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
            return cursor.fetchone()[0] > 0

    assert not analysed("care_careactionchild")
    synth(*SMALL)
    assert analysed("care_careactionchild") and analysed("registry_child")


def test_synth_refuses_a_database_that_is_not_empty(db, frozen_today):
    Region.objects.create(code="510000000000", name="四川省", level=RegionLevel.PROVINCE)

    with pytest.raises(CommandError, match="拒绝生成合成数据"):
        synth(*SMALL)

    assert not Child.objects.exists()


def test_the_same_seed_gives_the_same_synthetic_county(transactional_db, frozen_today):
    """Flushed between the two runs, so this test runs outside a transaction."""
    synth(*SMALL, "--seed", "3")
    first = list(Child.objects.order_by("pk").values_list("name", "birth_date", "address"))
    first_care = care_rows()
    call_command("flush", interactive=False, verbosity=0)

    synth(*SMALL, "--seed", "3")

    assert list(Child.objects.order_by("pk").values_list("name", "birth_date", "address")) == first
    assert care_rows() == first_care


def test_a_synthetic_county_of_20000_has_about_a_hundred_schools_in_townships():
    layout = synthetic_layout(children=20000)

    codes = [s.code for s in layout.schools]
    assert 95 <= len(layout.schools) <= 105
    assert len(set(codes)) == len(codes) and all(len(c) == 10 and c.isdigit() for c in codes)
    assert len(layout.townships) >= 20
    for township in layout.townships:
        schools = [s for s in layout.schools if s.region.startswith(township.code)]
        assert schools and schools[0].name.endswith("中心小学")
        villages = {township.code + suffix for suffix, _name in township.villages}
        assert {s.region for s in schools} <= villages
    assert layout.school(layout.demo_school).region.startswith(layout.demo_township)
    assert any(s.region == layout.demo_village for s in layout.schools)
