"""Each figure function against the small world of conftest, whose counts are known."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from shouhu.registry.services import child_update
from shouhu.reports.selectors import (
    FIGURES,
    Share,
    by_category_for,
    by_flag_for,
    care_actions_by_kind_for,
    census_trend_for,
    compliance_by_month_for,
    compliance_month_for,
    compliance_term_for,
    figures_cached,
    group_events_for,
    left_behind_civil_for,
    left_behind_education_for,
    pairing_coverage_for,
    pairs_formed_for,
    pupils_for,
    tasks_closed_for,
    tasks_escalated_for,
    tasks_open_for,
    tasks_overdue_for,
    tasks_raised_for,
    teachers_pairing_for,
    units_for,
    unsupervised_for,
    unsupervised_without_proxy_for,
    without_guardian_for,
    without_proxy_for,
)
from shouhu.reports.selectors.care import TaskFigures, task_figures
from shouhu.reports.selectors.compliance import overall_of
from shouhu.testing.dates import iso, month_key, term_code

pytestmark = pytest.mark.django_db


def test_every_figure_has_a_label_and_a_definition():
    assert len(FIGURES) >= 25
    for figure in FIGURES.values():
        assert str(figure.label).strip()
        assert len(str(figure.definition)) > 10


def test_census_figures_of_class_a(reported, head_teacher):
    node, term = reported.class_a, reported.term
    assert pupils_for(head_teacher, node=node, term=term) == 40
    assert left_behind_education_for(head_teacher, node=node, term=term) == Share(3, 40)
    assert left_behind_education_for(head_teacher, node=node, term=term).percent == 7.5
    assert left_behind_civil_for(head_teacher, node=node, term=term).percent == 5.0
    assert by_category_for(head_teacher, node=node, term=term) == {
        "both_away": 1,
        "one_away_other_incapable": 1,
        "one_away": 1,
    }
    # 王小明 is poor but not left-behind: flags count among the left-behind only.
    assert by_flag_for(head_teacher, node=node, term=term)["poverty"] == 1
    assert unsupervised_for(head_teacher, node=node, term=term) == 1


def test_without_guardian_counts_left_behind_children_with_no_capable_guardian(
    reported, head_teacher
):
    node, term = reported.class_a, reported.term
    assert without_guardian_for(head_teacher, node=node, term=term) == 1  # 张伟


def test_a_guardian_no_longer_able_to_care_counts_in_the_running_terms_census(
    reported, head_teacher
):
    node, term = reported.class_a, reported.term
    child_update(
        actor=head_teacher,
        child=reported.anran,
        data={},
        guardian={"name": "王秀英", "able_to_care": False},
    )
    assert without_guardian_for(head_teacher, node=node, term=term) == 2  # 张伟, 安然


def test_a_past_terms_without_guardian_stays_as_counted_when_the_guardian_changes_today(
    reported, head_teacher
):
    node, past = reported.class_a, reported.previous_term
    # Last term only 李家成 was surveyed, with his grandmother able to care.
    assert left_behind_education_for(head_teacher, node=node, term=past).count == 1
    assert without_guardian_for(head_teacher, node=node, term=past) == 0
    child_update(
        actor=head_teacher,
        child=reported.child_a,
        data={},
        guardian={"name": "王秀英", "able_to_care": False},
    )
    assert without_guardian_for(head_teacher, node=node, term=past) == 0
    assert without_guardian_for(head_teacher, node=node, term=reported.term) == 2


def test_without_guardian_reads_the_snapshot_not_todays_guardian_table(reported, head_teacher):
    node, term = reported.class_a, reported.term
    guardian = reported.anran.guardian
    guardian.able_to_care = False
    guardian.save()  # not through the register's services: no snapshot is retaken
    assert without_guardian_for(head_teacher, node=node, term=term) == 1


def test_the_trend_lists_each_term_up_to_the_chosen_one(reported, school_leader):
    trend = census_trend_for(school_leader, node=reported.school_a, term=reported.term)
    assert [(p.term.code, p.pupils, p.education.count) for p in trend] == [
        (term_code("2025-2026-2"), 74, 1),
        (term_code("2026-2027-1"), 75, 3),
    ]
    assert trend[-1].education.percent == 4.0


def test_coverage_figures_come_from_care(reported, head_teacher):
    node, term = reported.class_a, reported.term
    # 李家成 and 安然 have a proxy parent; 张伟 (left-behind and unsupervised) has none.
    assert pairing_coverage_for(head_teacher, node=node, term=term) == Share(2, 3)
    assert without_proxy_for(head_teacher, node=node, term=term) == 1
    assert unsupervised_without_proxy_for(head_teacher, node=node, term=term) == 1
    assert pairs_formed_for(head_teacher, node=node, term=term) == 2


def test_teachers_pairing_counts_teachers_with_a_child(reported, school_leader):
    share = teachers_pairing_for(school_leader, node=reported.school_a, term=reported.term)
    assert share == Share(2, 2)


def test_this_months_compliance_per_quota(reported, head_teacher):
    month = compliance_month_for(head_teacher, node=reported.class_a, term=reported.term)
    assert month.month.key == month_key("2026-11")
    quotas = {q.kind: (q.done, q.owed) for q in month.quotas}
    # November: both paired children owe a visit (both done) and a call (李家成's only);
    # the term's letter is owed by 李家成 alone (paired from the term's first day).
    assert quotas == {"home_visit": (2, 2), "parent_call": (1, 2), "parent_letter": (0, 1)}
    assert month.overall == Share(3, 4)


def test_compliance_month_by_month(reported, head_teacher):
    months = compliance_by_month_for(head_teacher, node=reported.class_a, term=reported.term)
    assert [m.month.key for m in months] == [
        month_key("2026-09"),
        month_key("2026-10"),
        month_key("2026-11"),
    ]
    visits = [next(q for q in m.quotas if q.kind == "home_visit") for m in months]
    assert [(q.done, q.owed) for q in visits] == [(0, 1), (1, 1), (2, 2)]


def test_term_compliance_adds_the_months_that_ended_and_gives_the_running_letter_so_far(
    reported, head_teacher
):
    quotas = compliance_term_for(head_teacher, node=reported.class_a, term=reported.term)
    # September and October; November and the term (its letter) still run on 29 November.
    assert {q.kind: (q.done, q.owed, q.days_left) for q in quotas} == {
        "home_visit": (1, 2, None),
        "parent_call": (0, 2, None),
        "parent_letter": (0, 1, 53),
    }
    assert overall_of(quotas).percent == 25.0


def test_care_actions_by_kind_count_actions_and_person_times(reported, school_leader):
    counts = care_actions_by_kind_for(school_leader, node=reported.school_a, term=reported.term)
    assert [(a.kind, a.actions, a.person_times) for a in counts] == [
        ("home_visit", 3, 3),
        ("parent_call", 1, 1),
        ("counselling", 1, 1),
        ("symposium", 1, 3),
    ]


def test_group_events_are_listed_with_their_date(reported, school_leader):
    events = group_events_for(school_leader, node=reported.school_a, term=reported.term)
    assert [(e.done_on.isoformat(), e.kind, e.children) for e in events] == [
        (iso("2026-10-20"), "symposium", 3)
    ]


def test_task_figures(reported, school_leader):
    node, term = reported.school_a, reported.term
    assert tasks_raised_for(school_leader, node=node, term=term) == 4
    assert tasks_open_for(school_leader, node=node, term=term) == 2
    assert tasks_overdue_for(school_leader, node=node, term=term) == 1
    assert tasks_closed_for(school_leader, node=node, term=term) == Share(1, 2)
    assert tasks_escalated_for(school_leader, node=node, term=term) == 1
    total, by_class = task_figures(school_leader, node=node, term=term)
    assert total.raised_in_time == 2
    assert total.escalated_leader == 1
    assert by_class[reported.class_a.pk] == total
    assert by_class.get(reported.class_a2.pk, TaskFigures()) == TaskFigures()


def test_the_previous_term_reads_its_own_last_day(reported, school_leader):
    node, term = reported.school_a, reported.previous_term
    assert tasks_raised_for(school_leader, node=node, term=term) == 0
    assert pairs_formed_for(school_leader, node=node, term=term) == 0
    assert compliance_month_for(school_leader, node=node, term=term).month.key == month_key(
        "2026-07"
    )


def test_units_of_the_county_are_its_townships_with_their_care(reported, region_officer):
    units = units_for(region_officer, node=reported.county, term=reported.term)
    by_code = {u.code: u for u in units}
    taiping, qinghua = by_code["511781101"], by_code["511781102"]
    assert taiping.census.left_behind_education == 3
    assert qinghua.census.left_behind_education == 1
    assert taiping.care.coverage.needing == 3 and taiping.care.coverage.unpaired == 1
    assert taiping.compliance_percent == 75.0
    assert taiping.care.tasks.overdue == 1
    assert qinghua.coverage_percent == 0.0
    assert qinghua.compliance_percent is None  # nobody owed anything there


def test_figures_are_the_same_inside_and_outside_the_cache(reported, region_officer):
    node, term = reported.county, reported.term
    plain = [f.function(region_officer, node=node, term=term) for f in FIGURES.values()]
    with figures_cached():
        cached = [f.function(region_officer, node=node, term=term) for f in FIGURES.values()]
    assert plain == cached


def test_a_figure_read_after_a_write_is_fresh_outside_the_cache(reported, head_teacher):
    from shouhu.testing.factories import register_child

    before = left_behind_education_for(head_teacher, node=reported.class_a, term=reported.term)
    register_child(head_teacher, reported.class_a)
    after = left_behind_education_for(head_teacher, node=reported.class_a, term=reported.term)
    assert after.count == before.count + 1


@pytest.mark.parametrize(
    "user, node",
    [("head_teacher", "class_b"), ("school_leader", "school_b"), ("outsider", "county")],
)
def test_every_figure_of_a_node_outside_the_scope_is_404(world, request, user, node):
    user, node = request.getfixturevalue(user), getattr(world, node)
    for key, figure in FIGURES.items():
        with pytest.raises(Http404):
            figure.function(user, node=node, term=world.term)
            pytest.fail(f"{key} answered outside the scope")


def test_every_figure_refuses_a_role_without_the_permission(world, admin):
    for key, figure in FIGURES.items():
        with pytest.raises(PermissionDenied):
            figure.function(admin, node=world.class_a, term=world.term)
            pytest.fail(f"{key} answered a role without the permission")
