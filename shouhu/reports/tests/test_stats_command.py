"""`shouhu stats --json`: every figure, with its label and definition, equal to the function."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shouhu.reports.selectors import FIGURES
from shouhu.testing.dates import term_code


def _stats(**options) -> dict:
    out = StringIO()
    call_command("stats", json=True, stdout=out, **options)
    return json.loads(out.getvalue())


def test_county_stats_list_every_figure_with_its_definition(reported):
    data = _stats(scope="511781", term=term_code("2026-2027-1"))
    assert data["scope"] == {"code": "511781", "name": "万源市"}
    assert set(data["figures"]) == set(FIGURES)
    for entry in data["figures"].values():
        assert entry["label"] and entry["definition"]
    figures = {key: entry["value"] for key, entry in data["figures"].items()}
    assert figures["pupils"] == 105
    assert figures["left_behind_education"] == {"count": 4, "whole": 105, "percent": 3.8}
    assert figures["unsupervised"] == 1
    assert figures["tasks_overdue"] == 1
    assert figures["pairing_coverage"] == {"count": 2, "whole": 4, "percent": 50.0}
    assert figures["compliance_month"]["overall"] == {"count": 3, "whole": 4, "percent": 75.0}
    assert [p["education"]["count"] for p in figures["census_trend"]] == [1, 4]
    assert {u["code"]: u["left_behind_education"] for u in figures["units"]} == {
        "511781101": 3,
        "511781102": 1,
    }


def test_school_stats_equal_the_figure_functions(reported, school_leader):
    data = _stats(scope=reported.school_a.code, term=term_code("2026-2027-1"))["figures"]
    node, term = reported.school_a, reported.term
    assert data["pupils"]["value"] == FIGURES["pupils"].function(
        school_leader, node=node, term=term
    )
    closed = FIGURES["tasks_closed"].function(school_leader, node=node, term=term)
    assert data["tasks_closed"]["value"] == closed.as_dict()
    assert [e["kind"] for e in data["group_events"]["value"]] == ["symposium"]
    assert data["care_actions_by_kind"]["value"][0] == {
        "kind": "home_visit",
        "actions": 3,
        "person_times": 3,
        "label": "家访",
    }


def test_text_output_names_the_node(reported):
    out = StringIO()
    call_command("stats", scope="511781101", term=term_code("2026-2027-1"), stdout=out)
    assert "太平镇" in out.getvalue() and "在校学生数：75" in out.getvalue()


def test_unknown_scope_or_term_is_a_clear_error(world):
    with pytest.raises(CommandError, match="找不到"):
        _stats(scope="999999", term=term_code("2026-2027-1"))
    with pytest.raises(CommandError, match="找不到"):
        _stats(scope="511781", term="1999-2000-1")
