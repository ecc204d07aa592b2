"""The demo county as `shouhu seed-demo --children 200` writes it, seeded once per module.

Seeding takes a few seconds, so a module seeds once and every test reads the same county. The
seed runs inside a transaction that is rolled back when the module ends; each test's own
transaction nests inside it, so nothing a test writes reaches the next one.
"""

import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from shouhu.demo.terms import demo_calendar
from shouhu.testing.dates import TODAY, at

SMALL = 200
# The demo as seeded on the pinned day (2026-11-29, moved by SHOUHU_TEST_TODAY): last spring
# 2025-2026-2, the current term 2026-2027-1.
CALENDAR = demo_calendar(TODAY)
CURRENT, PREVIOUS = CALENDAR.current[0], CALENDAR.previous[0]
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as conftest.py sets per test


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The small county, seeded once for the module on the pinned day (2026-11-29) and rolled
    back after it."""
    moment = at(2026, 11, 29, 10)
    with (
        django_db_blocker.unblock(),
        time_machine.travel(moment, tick=True),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
    ):
        with transaction.atomic():
            output = seed("--children", str(SMALL))
            yield output
            transaction.set_rollback(True)


@pytest.fixture
def small_county(seeded, db, frozen_today):
    """Each test reads the module's county inside a transaction of its own."""
    return seeded


def care_rows() -> list[tuple]:
    """The care work in the database, without ids, for comparing two seeds."""
    from shouhu.care.models import CareActionChild, Pairing, VisitTask

    links = CareActionChild.objects.values_list(
        "action__kind",
        "action__done_on",
        "action__author__username",
        "action__summary",
        "child__name",
        "child__birth_date",
    )
    pairings = Pairing.objects.values_list(
        "child__name", "child__birth_date", "carer__username", "starts_on", "ends_on"
    )
    tasks = VisitTask.objects.values_list(
        "child__name", "assignee__username", "due_on", "done_on", "observation__kind"
    )
    return sorted(links) + sorted(pairings, key=str) + sorted(tasks, key=str)
