"""`shouhu census` and `shouhu stats` without `--term` read the current term (the last one, in
the holidays), and with `--as USERNAME` give the figures as that account sees them: its scope
enforced as on the web pages, a refusal exiting with status 2 and a Chinese message."""

import json
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command, load_command_class

from shouhu.reports.selectors import FIGURES, census_for
from shouhu.testing.dates import YEARS, at, day, term_code
from shouhu.testing.factories import TermFactory, VolunteerFactory

CARE_FIGURES = {
    "pairing_coverage",
    "without_proxy",
    "unsupervised_without_proxy",
    "teachers_pairing",
    "pairs_formed",
    "care_actions_by_kind",
    "group_events",
    "tasks_open",
    "tasks_overdue",
    "tasks_raised",
    "tasks_closed",
    "tasks_escalated",
    "compliance_month",
    "compliance_by_month",
    "compliance_term",
    "units",  # each unit's care figures with its census
    # welfare's health and safety figures (issue 15) ask for care oversight too
    "health_checked_share",
    "health_follow_ups_open",
    "incidents",
    "lecture_person_times",
}
# A subject teacher proposes no aid and decides none: the aid totals are withheld too; and
# attendance's figures (issue 14) are the dashboard's, which a subject teacher has none of.
WITHHELD_FROM_A_TEACHER = CARE_FIGURES | {
    "aid_amount",
    "aid_children",
    "attendance_rate",
    "unexplained_absences",
    # the Home's, reading's and awards' figures (issue 16) are the dashboard's too
    "home_days_recorded",
    "family_calls",
    "reading_finished_share",
    "awards",
    "chores_share",
}


def _run(command: str, **options) -> dict:
    out = StringIO()
    call_command(command, json=True, stdout=out, **options)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("command", ["census", "stats"])
def test_without_a_term_the_current_one_is_read_and_named(reported, command):
    data = _run(command, scope="511781")

    assert data["term"] == term_code("2026-2027-1")
    figures = data if command == "census" else {k: v["value"] for k, v in data["figures"].items()}
    assert figures["pupils"] == 105


@pytest.mark.parametrize("command", ["census", "stats"])
def test_in_the_winter_holiday_the_term_that_ended_is_read(reported, command):
    TermFactory(
        start_year=2026 + YEARS,
        semester=2,
        starts_on=day(2027, 3, 1),
        ends_on=day(2027, 7, 10),
    )
    with time_machine.travel(at(2027, 2, 5, 10), tick=True):
        data = _run(command, scope="511781")

    assert data["term"] == term_code("2026-2027-1")


def test_census_as_the_school_leader_is_the_leaders_census(reported, school_leader):
    data = _run("census", **{"username": "school_leader"})

    expected = census_for(school_leader, node=reported.school_a, term=reported.term)
    assert data["as"] == "school_leader"
    assert data["scope"]["code"] == reported.school_a.code
    assert data["left_behind_education"] == expected.figures.left_behind_education == 3
    assert [u["name"] for u in data["units"]] == [u.name for u in expected.units]


def test_census_as_the_head_teacher_of_a_class_names_it_by_id(reported, head_teacher):
    data = _run("census", scope=f"class:{reported.class_a.pk}", username="head_teacher")

    assert data["scope"]["name"] == reported.class_a.name
    assert data["left_behind_education"] == 3 and data["units"] == []


@pytest.mark.parametrize("command", ["census", "stats"])
@pytest.mark.parametrize(
    ("username", "scope"),
    [
        ("school_leader", "511781"),  # the county, above the leader's school
        ("school_leader", "3151781002"),  # another school
        ("township_officer", "511781102"),  # another township
        ("head_teacher", "3151781001"),  # the head teacher's own school, above the class
        ("outsider", "511781"),  # another county
    ],
)
def test_a_node_outside_the_accounts_scope_is_refused_with_status_2(
    reported, school_leader, township_officer, outsider, command, username, scope
):
    with pytest.raises(CommandError, match="不在该账号的管辖范围内") as refused:
        _run(command, scope=scope, username=username)

    assert refused.value.returncode == 2


@pytest.mark.parametrize("command", ["census", "stats"])
def test_a_role_without_the_permission_is_refused_with_status_2(reported, command):
    VolunteerFactory(username="volunteer")  # no census or report permission at all

    with pytest.raises(CommandError, match="无权查看") as refused:
        _run(command, scope="511781", username="volunteer")

    assert refused.value.returncode == 2


def test_an_account_without_a_scope_node_must_name_one(reported):
    VolunteerFactory(username="volunteer")  # a volunteer's scope is their children, not a node

    with pytest.raises(CommandError, match="请用 --scope 指定") as refused:
        _run("census", username="volunteer")

    assert refused.value.returncode == 2


def test_an_unknown_account_is_refused_with_status_2(reported):
    with pytest.raises(CommandError, match="找不到账号") as refused:
        _run("stats", scope="511781", username="nobody")

    assert refused.value.returncode == 2


def test_stats_as_the_school_leader_equal_the_operators_for_the_school(reported, school_leader):
    code = reported.school_a.code

    mine = _run("stats", scope=code, username="school_leader")
    operators = _run("stats", scope=code)

    assert mine["as"] == "school_leader" and mine["withheld"] == []
    assert set(mine["figures"]) == set(FIGURES)
    assert mine["figures"] == operators["figures"]


def test_stats_as_the_head_teacher_equal_the_operators_for_the_class(reported, head_teacher):
    code = f"class:{reported.class_a.pk}"

    mine = _run("stats", scope=code, username="head_teacher")
    operators = _run("stats", scope=code)

    assert mine["withheld"] == [] and mine["figures"]["pupils"]["value"] == 40
    assert mine["figures"] == operators["figures"]


def test_stats_as_a_subject_teacher_withhold_the_figures_of_care_oversight(reported, teacher):
    mine = _run("stats", username="teacher")
    operators = _run("stats", scope=reported.school_a.code)

    assert set(mine["withheld"]) == WITHHELD_FROM_A_TEACHER
    assert set(mine["figures"]) == set(FIGURES) - WITHHELD_FROM_A_TEACHER
    assert mine["figures"]["pupils"]["value"] == 75
    assert all(mine["figures"][key] == operators["figures"][key] for key in mine["figures"])


def test_from_the_command_line_a_refusal_exits_2_with_a_chinese_message_on_stderr(
    reported, school_leader, monkeypatch, capsys
):
    """As `shouhu census …` runs it (`run_from_argv`), which closes the database connections
    when it ends: here they are the test's, kept open."""
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    command = load_command_class("shouhu.reports", "census")

    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["shouhu", "census", "--scope", "511781", "--as", "school_leader"])

    captured = capsys.readouterr()
    assert exited.value.code == 2
    assert "账号 school_leader 无权查看“511781”：不在该账号的管辖范围内。" in captured.err
    assert captured.out == ""
