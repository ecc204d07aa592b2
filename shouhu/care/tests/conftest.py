"""Fixtures of the care tests: `teacher` (刘老师) is proxy parent of child_a since the term began,
and `at(day)` travels to 10:00 China time on a day."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from shouhu.factories import PairingFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
TERM_START = datetime.date(2026, 9, 1)


def at(day: str):
    """Travel to 10:00 China time on the day ("2026-11-29"); the clock does not tick."""
    return time_machine.travel(
        datetime.datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture(autouse=True)
def _second_factor_off(settings):
    """These tests are about what each role sees of the care work; the second factor that some
    roles must give at login is the accounts tests' business."""
    settings.SHOUHU_TWO_FACTOR_ROLES = ()


@pytest.fixture
def paired(world, teacher):
    """child_a (李家成, class A) has `teacher` as proxy parent since 2026-09-01."""
    return PairingFactory(child=world.child_a, carer=teacher, starts_on=TERM_START)


@pytest.fixture(autouse=True)
def _today(frozen_today):
    """Every care test starts on 2026-11-29 (inside term 2026-2027-1), the world included."""
    return frozen_today
