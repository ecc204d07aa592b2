"""`shouhu census --json` gives the same figures as the census page."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shouhu.testing.dates import term_code

pytestmark = pytest.mark.django_db


def _census(**options) -> dict:
    out = StringIO()
    call_command("census", json=True, stdout=out, **options)
    return json.loads(out.getvalue())


def test_county_census_json_has_the_documented_keys_and_townships(world):
    data = _census(term=term_code("2026-2027-1"), scope="511781")
    for key in (
        "pupils",
        "left_behind_education",
        "left_behind_civil",
        "percent_education",
        "percent_civil",
        "by_category",
        "by_flag",
        "units",
    ):
        assert key in data
    codes = {unit["code"] for unit in data["units"]}
    assert "511781101" in codes
    assert data["left_behind_education"] == sum(u["left_behind_education"] for u in data["units"])


def test_school_census_json_lists_classes_with_grade_and_name(world):
    data = _census(term=term_code("2026-2027-1"), scope=world.class_a.school.code)
    names = {(unit["grade"], unit["name"]) for unit in data["units"]}
    assert (world.class_a.grade, world.class_a.name) in names


def test_unknown_scope_is_a_clear_error(world):
    with pytest.raises(CommandError, match="找不到"):
        _census(term=term_code("2026-2027-1"), scope="999999")
