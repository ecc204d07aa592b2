"""A period that has not ended is "so far" (issue 11, point 2): shown with the days left, never
compared with a finished period, never counted as missed in the term's total, the assessment
or the work summary; `shouhu stats --json` marks it `in_progress` with its `days_left`.

The reported world on 7 December 2026: December has begun and nothing is done in it yet; the
term (and its letter to the parents) runs to 20 January. Last term, 曾小雨 of school B was
visited and called in July, her proxy parent's only month: July's compliance was 100%.
"""

import json
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from shouhu.care.models import ActionKind
from shouhu.care.rules import month_of, period_days_left
from shouhu.reports.selectors import (
    compliance_by_month_for,
    compliance_month_for,
    compliance_term_for,
)
from shouhu.reports.selectors.assessment import assessment_for
from shouhu.reports.selectors.base import Share
from shouhu.reports.selectors.compliance import overall_of
from shouhu.reports.work_summary.build import work_summary_build
from shouhu.testing.dates import at, day, month_key, term_code
from shouhu.testing.factories import CareActionFactory, PairingFactory

DECEMBER_7 = at(2026, 12, 7, 10, 0)


@pytest.fixture
def december(reported, other_head_teacher):
    july = day(2026, 7, 1)
    PairingFactory(
        child=reported.child_b,
        carer=other_head_teacher,
        starts_on=july,
        ends_on=day(2026, 8, 31),
    )
    for kind in (ActionKind.HOME_VISIT, ActionKind.PARENT_CALL):
        CareActionFactory(
            kind=kind,
            children=[reported.child_b],
            author=other_head_teacher,
            done_on=day(2026, 7, 5),
        )
    with time_machine.travel(DECEMBER_7, tick=False):
        yield reported


def _tile(html: str, key: str) -> str:
    match = re.search(rf'<li class="tile[^"]*"[^>]*data-key="{key}">(.*?)</li>', html, re.S)
    assert match, key
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


@pytest.mark.parametrize(
    "today, left",
    [
        (day(2026, 12, 7), 25),
        (day(2026, 12, 31), 1),
        (day(2027, 1, 1), None),
        (day(2026, 11, 30), 32),
    ],
)
def test_the_days_left_count_today_and_none_once_the_period_ended(today, left):
    assert period_days_left(month_of(day(2026, 12, 1)), today=today) == left


def test_the_dashboard_shows_this_month_so_far_with_the_days_left_and_no_change(
    client, december, region_officer
):
    client.force_login(region_officer)
    tile = _tile(client.get(reverse("reports:dashboard")).content.decode(), "compliance_month")
    assert "0.0%" in tile and "0/4" in tile
    assert "截至目前" in tile and "还剩 25 天" in tile
    assert "个百分点" not in tile and "较上学期" not in tile and "上学期无数据" not in tile


def test_last_terms_finished_month_is_still_compared_on_its_own_page(
    client, december, region_officer
):
    """Once a period has ended it is a finished figure: no "so far" on a past term's page."""
    client.force_login(region_officer)
    html = client.get(
        reverse("reports:dashboard"), {"term": december.previous_term.code}
    ).content.decode()
    tile = _tile(html, "compliance_month")
    assert "100.0%" in tile and "截至目前" not in tile


def test_stats_json_marks_the_running_month_and_the_running_term(december):
    out = StringIO()
    call_command("stats", json=True, scope="511781", term=term_code("2026-2027-1"), stdout=out)
    figures = {k: e["value"] for k, e in json.loads(out.getvalue())["figures"].items()}
    month = figures["compliance_month"]
    assert (month["month"], month["in_progress"], month["days_left"]) == (
        month_key("2026-12"),
        True,
        25,
    )
    assert [(m["month"], m["in_progress"]) for m in figures["compliance_by_month"]] == [
        (month_key("2026-09"), False),
        (month_key("2026-10"), False),
        (month_key("2026-11"), False),
        (month_key("2026-12"), True),
    ]
    assert figures["compliance_by_month"][2]["days_left"] is None
    letter = next(q for q in figures["compliance_term"] if q["kind"] == "parent_letter")
    assert (letter["in_progress"], letter["days_left"]) == (True, 45)  # to 20 January
    visits = next(q for q in figures["compliance_term"] if q["kind"] == "home_visit")
    assert (visits["in_progress"], visits["days_left"]) == (False, None)


def test_the_terms_total_counts_the_periods_that_ended(december, school_leader):
    node, term = december.school_a, december.term
    quotas = compliance_term_for(school_leader, node=node, term=term)
    # September to November only: visits 李家成 0/1, 1/1, 1/1 and 安然 1/1 (owed from
    # November); calls 李家成 0/1, 0/1, 1/1 and 安然 0/1. December and the letter (owed by
    # 李家成 alone, paired from the term's first day) run on.
    assert {q.kind: (q.done, q.owed, q.in_progress) for q in quotas} == {
        "home_visit": (3, 4, False),
        "parent_call": (1, 4, False),
        "parent_letter": (0, 1, True),
    }
    assert overall_of(quotas) == Share(4, 8)
    months = compliance_by_month_for(school_leader, node=node, term=term)
    ended = [m for m in months if not m.in_progress]
    assert overall_of(quotas) == Share(
        sum(m.overall.count for m in ended), sum(m.overall.whole for m in ended)
    )
    december_so_far = compliance_month_for(school_leader, node=node, term=term)
    assert december_so_far.overall == Share(0, 4) and december_so_far.days_left == 25


def test_the_assessment_does_not_mark_a_teacher_down_for_a_month_still_running(
    december, school_leader
):
    result = assessment_for(school_leader, node=december.school_a, term=december.term)
    liu = next(r for r in result.rows if r.name == "刘老师")
    # 李家成's visits 0/1, 1/1, 1/1 and calls 0/1, 0/1, 1/1; not December, not the letter.
    assert liu.components["compliance"] == Share(3, 6)


def test_the_summary_gives_a_running_quota_so_far_not_as_missed(december, school_leader):
    document = work_summary_build(
        school_leader, node=december.school_a, term=december.term, draft=None
    )
    text = "\n".join(
        paragraph
        for section in document.sections
        for part in section.parts
        for paragraph in part.paragraphs
    )
    assert "家访应完成4人次，已完成3人次，完成率75.0%" in text
    assert "致家长的一封信应完成" not in text
    assert "截至目前已完成0人次（还剩45天）" in text
