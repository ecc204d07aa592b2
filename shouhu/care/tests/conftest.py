"""Fixtures of the care tests: `teacher` (刘老师) is proxy parent of child_a since the term began,
`at(day)` travels to 10:00 China time on a day and `year(2026)` is a year of the world, both
moved by whole years with `SHOUHU_TEST_TODAY` (see `shouhu.testing.dates`)."""

import pytest
import time_machine

from shouhu.testing import dates
from shouhu.testing.factories import PairingFactory

TERM_START = dates.day(2026, 9, 1)


def year(written: int) -> int:
    """The year written for 2026 (2026, 2027), moved: for the labels that name it ("2026年11月")."""
    return dates.day(written, 1, 1).year


def at(day: str):
    """Travel to 10:00 China time on the day as written for 2026 ("2026-11-29"), moved by whole
    years like every date of the world (`shouhu.testing.dates.at`); the clock does not tick."""
    year, month, dom = map(int, day.split("-"))
    return time_machine.travel(dates.at(year, month, dom, 10), tick=False)


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
