"""Fixtures of the schooling tests: the second factor is the accounts tests' business."""

import pytest


@pytest.fixture(autouse=True)
def _second_factor_off(settings):
    settings.SHOUHU_TWO_FACTOR_ROLES = ()
