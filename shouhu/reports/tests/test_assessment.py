"""检查考核: scores computed from the records, ranked, with their components and weights."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from shouhu.reports.selectors.assessment import assessment_for
from shouhu.reports.selectors.base import Share
from shouhu.testing.factories import PairingFactory, TeacherFactory


def test_a_schools_teachers_are_ranked_by_their_records(reported, school_leader):
    result = assessment_for(school_leader, node=reported.school_a, term=reported.term)
    assert result.of == "teachers"
    assert [(r.name, r.score) for r in result.rows] == [("张老师", 75.0), ("刘老师", 60.0)]
    liu = result.rows[1].components
    # 李家成: visits 0/1, 1/1 and calls 0/1, 0/1 in September and October; November and the
    # term's letter still run on 29 November, so they are not counted as missed.
    assert liu["compliance"] == Share(1, 4)
    assert liu["coverage"] == Share(1, 1)
    assert liu["tasks_on_time"] == Share(1, 2)  # one task done a day late
    assert liu["not_escalated"] == Share(2, 2)
    zhang = result.rows[0].components
    assert zhang["compliance"] == Share(0, 0)  # 安然 is owed from November, still running
    assert zhang["not_escalated"] == Share(1, 2)  # 安然's task, 16 days late


def test_a_countys_schools_are_ranked_and_a_component_with_nothing_to_count_is_left_out(
    reported, region_officer
):
    result = assessment_for(region_officer, node=reported.county, term=reported.term)
    assert result.of == "schools"
    assert [(r.name, r.score) for r in result.rows] == [
        ("万源市太平镇中心小学", 47.5),
        ("万源市青花镇小学", 0.0),  # owes 曾小雨 a proxy parent
    ]
    qinghua = result.rows[1].components
    assert qinghua["compliance"] == Share(0, 0) and qinghua["coverage"] == Share(0, 1)


def test_the_weights_are_a_setting(reported, school_leader, settings):
    settings.SHOUHU_ASSESSMENT_WEIGHTS = {
        "coverage": 0,
        "compliance": 100,
        "tasks_on_time": 0,
        "not_escalated": 0,
    }
    result = assessment_for(school_leader, node=reported.school_a, term=reported.term)
    # 张老师 owes no quota in a period that has ended: nothing counts under the only weight.
    assert [(r.name, r.score) for r in result.rows] == [("刘老师", 25.0), ("张老师", None)]
    assert ("完成率", 100) in [(label, weight) for label, weight, _d in result.weights]


@override_settings(
    SHOUHU_ASSESSMENT_WEIGHTS={
        "coverage": 0,
        "compliance": 0,
        "tasks_on_time": 0,
        "not_escalated": 1,
    }
)
def test_a_component_weighing_nothing_does_not_count(client, reported, school_leader):
    result = assessment_for(school_leader, node=reported.school_a, term=reported.term)
    # 刘老师's two tasks never escalated; 张老师's task for 安然 did.
    assert [(r.name, r.score) for r in result.rows] == [("刘老师", 100.0), ("张老师", 50.0)]
    assert [(label, weight) for label, weight, _d in result.weights] == [
        ("结对", 0),
        ("完成率", 0),
        ("家访任务按时", 0),
        ("家访任务未升级", 1),
    ]
    client.force_login(school_leader)
    html = client.get(reverse("reports:assessment")).content.decode()
    assert html.index("刘老师") < html.index("张老师") and "100.0" in html


def test_the_page_shows_the_ranking_components_and_weights(client, reported, school_leader):
    client.force_login(school_leader)
    html = client.get(reverse("reports:assessment")).content.decode()
    assert html.index("张老师") < html.index("刘老师")
    assert "75.0" in html and "25.0%" in html and "（1/4）" in html
    assert "计分办法" in html and "SHOUHU_ASSESSMENT_WEIGHTS" in html


@pytest.mark.parametrize("user", ["head_teacher", "teacher", "privacy_officer"])
def test_only_leaders_see_the_assessment(client, reported, request, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse("reports:assessment")).status_code == 403


def test_a_teacher_paired_today_with_nothing_owed_has_no_score_and_no_rank(
    client, reported, school_leader
):
    """Issue 11, point 4: a quota is owed from the first full period after the pairing, so a
    teacher paired today owes nothing yet: 无数据, unranked, after every ranked teacher."""
    newcomer = TeacherFactory(
        username="newcomer", display_name="钱老师", scope_school=reported.school_a
    )
    PairingFactory(child=reported.zhangwei, carer=newcomer, starts_on=timezone.localdate())
    result = assessment_for(school_leader, node=reported.school_a, term=reported.term)
    qian = result.rows[-1]
    assert qian.name == "钱老师" and qian.score is None
    assert qian.components["coverage"] == Share(1, 1)
    assert all(r.score is not None for r in result.rows[:-1])
    client.force_login(school_leader)
    html = client.get(reverse("reports:assessment")).content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*钱老师.*?</tr>", html, re.S).group(0)
    score = re.search(r'data-label="得分">(.*?)</td>', row).group(1)
    assert "无数据" in score and "100.0" not in score
    rank = re.search(r'data-label="名次">([^<]*)<', row).group(1)
    assert rank.strip() == "—"
