"""Seeding an empty database: the full-size county, and the same county from the same seed."""

import io
from collections import Counter

from django.core.management import call_command

from shouhu.accounts.models import User
from shouhu.care.models import CareAction, Pairing, PairingKind, VisitTask
from shouhu.demo import data
from shouhu.demo.plan import county_plan
from shouhu.demo.tests.conftest import CURRENT, TODAY, care_rows
from shouhu.org.models import Region, School
from shouhu.registry.models import CensusSnapshot, Child, ChildFlag, Flag
from shouhu.testing.dates import day


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_full_size_county_is_as_large_as_promised(db, frozen_today):
    output = seed()

    head = User.objects.get(username="head")
    current = CensusSnapshot.objects.filter(term__code=CURRENT)
    on_register = Child.objects.on_register().count()
    flags = Counter(
        ChildFlag.objects.filter(child__left_on__isnull=True).values_list("flag", flat=True)
    )
    assert on_register == data.DEFAULT_CHILDREN
    assert current.filter(school_class=head.scope_class, education=True).count() >= 20
    assert current.filter(education=True).count() >= 1500
    assert current.filter(civil=True).count() >= 1500
    assert School.objects.count() >= 8
    assert Region.objects.filter(level="township").count() >= 3
    assert Region.objects.filter(level="township", name="太平镇").exists()
    assert flags[Flag.POVERTY] == round(0.12 * on_register)
    assert flags[Flag.UNSUPERVISED] == round(0.02 * on_register)
    assert flags[Flag.PSYCH_CONCERN] == round(0.03 * on_register)
    assert "太平镇" in output and str(head.scope_class) in output
    left_behind = set(current.filter(education=True).values_list("child_id", flat=True))
    paired = set(
        Pairing.objects.current(TODAY)
        .filter(kind=PairingKind.PROXY_PARENT)
        .values_list("child_id", flat=True)
    )
    assert left_behind <= paired
    assert (
        Pairing.objects.filter(
            carer__username="teacher", child__school_class=head.scope_class
        ).count()
        == 3
    )
    assert CareAction.objects.count() > 15000
    assert CareAction.objects.filter(done_on__lt=day(2026, 4, 1)).exists()
    assert VisitTask.objects.filter(done_on__isnull=True).count() >= 3
    assert "关爱记录" in output


def test_the_same_seed_gives_the_same_county(transactional_db, frozen_today):
    """Flushed between the two seeds, so this test runs outside a transaction."""
    seed("--children", "60")
    first = list(Child.objects.order_by("pk").values_list("name", "birth_date", "address"))
    first_ids = sorted(Child.objects.values_list("id_number_index", flat=True))
    first_care = care_rows()
    assert len(first_care) > 300
    call_command("flush", interactive=False, verbosity=0)

    seed("--children", "60")

    again = list(Child.objects.order_by("pk").values_list("name", "birth_date", "address"))
    assert again == first
    assert care_rows() == first_care
    assert sorted(Child.objects.values_list("id_number_index", flat=True)) == first_ids
    assert [c.name for c in county_plan(children=60).children] == [row[0] for row in first]


def test_demo_logins_without_demo_accounts_says_to_seed_first(db):
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    assert "shouhu seed-demo" in out.getvalue()
