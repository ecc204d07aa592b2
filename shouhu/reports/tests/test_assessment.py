"""检查考核: scores computed from the records, ranked, with their components and weights."""

import pytest
from django.test import override_settings
from django.urls import reverse

from shouhu.reports.selectors.assessment import assessment_for
from shouhu.reports.selectors.base import Share


def test_a_schools_teachers_are_ranked_by_their_records(reported, school_leader):
    result = assessment_for(school_leader, node=reported.school_a, term=reported.term)
    assert result.of == "teachers"
    assert [(r.name, r.score) for r in result.rows] == [("刘老师", 67.2), ("张老师", 65.0)]
    liu = result.rows[0].components
    # 李家成: visits 0/1, 1/1, 1/1; calls 0/1, 0/1, 1/1; the term's letter 0/1.
    assert liu["compliance"] == Share(3, 7)
    assert liu["coverage"] == Share(1, 1)
    assert liu["tasks_on_time"] == Share(1, 2)  # one task done a day late
    assert liu["not_escalated"] == Share(2, 2)
    zhang = result.rows[1].components
    assert zhang["compliance"] == Share(1, 2)
    assert zhang["not_escalated"] == Share(1, 2)  # 安然's task, 16 days late


def test_a_countys_schools_are_ranked_and_a_component_with_nothing_to_count_is_left_out(
    reported, region_officer
):
    result = assessment_for(region_officer, node=reported.county, term=reported.term)
    assert result.of == "schools"
    assert [(r.name, r.score) for r in result.rows] == [
        ("万源市太平镇中心小学", 55.3),
        ("万源市青花镇小学", 0.0),
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
    assert [(r.name, r.score) for r in result.rows] == [("张老师", 50.0), ("刘老师", 42.9)]
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
    assert html.index("刘老师") < html.index("张老师")
    assert "67.2" in html and "42.9%" in html and "（3/7）" in html
    assert "计分办法" in html and "SHOUHU_ASSESSMENT_WEIGHTS" in html


@pytest.mark.parametrize("user", ["head_teacher", "teacher", "privacy_officer"])
def test_only_leaders_see_the_assessment(client, reported, request, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse("reports:assessment")).status_code == 403
