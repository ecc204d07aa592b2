"""The activity figures: 人次 by kind, the share of left-behind children who took part, the
interest-group coverage; and the dashboard's 人次 tile and chart."""

import datetime

import pytest
from django.urls import reverse

from shouhu.activities.models import EventKind, Organiser
from shouhu.activities.services.events import event_record
from shouhu.activities.services.groups import group_create, group_join
from shouhu.reports.selectors import FIGURES
from shouhu.testing.dates import TODAY
from shouhu.testing.factories import register_child

pytestmark = pytest.mark.django_db


def figure(key, user, node, term):
    return FIGURES[key].function(user, node=node, term=term)


def test_person_times_count_each_child_at_each_event_by_kind(world, head_teacher):
    other = register_child(head_teacher, world.class_a, name="王小花")
    for title in ("中秋节", "冬至"):
        event_record(
            actor=head_teacher,
            kind=EventKind.FESTIVAL,
            title=title,
            held_on=TODAY,
            organiser=Organiser.SCHOOL,
            children=[world.child_a, other],
        )
    event_record(
        actor=head_teacher,
        kind=EventKind.CONTEST,
        title="朗诵比赛",
        held_on=TODAY,
        organiser=Organiser.SCHOOL,
        children=[world.child_a],
    )
    counts = figure("activity_person_times", head_teacher, world.class_a, world.term)
    assert [(c.label, c.events, c.person_times) for c in counts] == [
        ("节日活动", 2, 4),
        ("竞赛", 1, 1),
    ]


def test_events_of_last_term_are_not_counted_this_term(world, head_teacher):
    event_record(
        actor=head_teacher,
        kind=EventKind.FESTIVAL,
        title="六一",
        held_on=world.term.starts_on - datetime.timedelta(days=30),
        organiser=Organiser.SCHOOL,
        children=[world.child_a],
    )
    assert figure("activity_person_times", head_teacher, world.class_a, world.term) == []


def test_share_of_left_behind_who_took_part(world, head_teacher):
    share = figure("activity_children_share", head_teacher, world.class_a, world.term)
    assert (share.count, share.whole) == (0, 1)
    event_record(
        actor=head_teacher,
        kind=EventKind.BIRTHDAY,
        title="生日会",
        held_on=TODAY,
        organiser=Organiser.SCHOOL,
        children=[world.child_a],
    )
    share = figure("activity_children_share", head_teacher, world.class_a, world.term)
    assert (share.count, share.whole, share.percent) == (1, 1, 100.0)


def test_interest_group_coverage(world, head_teacher):
    assert figure("interest_group_coverage", head_teacher, world.class_a, world.term).count == 0
    group = group_create(
        actor=head_teacher,
        name="足球队",
        teacher=head_teacher,
        weekday=5,
        starts_at=datetime.time(16, 30),
        place="操场",
    )
    group_join(actor=head_teacher, group=group, children=[world.child_a], joined_on=TODAY)
    share = figure("interest_group_coverage", head_teacher, world.class_a, world.term)
    assert (share.count, share.whole) == (1, 1)


def test_dashboard_shows_the_person_times_tile_and_chart(client, world, head_teacher):
    event_record(
        actor=head_teacher,
        kind=EventKind.FESTIVAL,
        title="中秋节",
        held_on=TODAY,
        organiser=Organiser.SCHOOL,
        children=[world.child_a],
    )
    client.force_login(head_teacher)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "活动人次" in page and "活动人次（按类型）" in page and "节日活动" in page


def test_work_summary_lists_the_terms_events_with_dates_and_person_times_and_the_groups(
    world, school_leader, head_teacher
):
    from shouhu.reports.work_summary.build import work_summary_build

    event_record(
        actor=head_teacher,
        kind=EventKind.FESTIVAL,
        title="中秋节做月饼",
        held_on=TODAY,
        organiser=Organiser.SCHOOL,
        children=[world.child_a],
    )
    group = group_create(
        actor=school_leader,
        name="剪纸小组",
        teacher=head_teacher,
        weekday=2,
        starts_at=datetime.time(16, 0),
        place="留守儿童之家",
    )
    group_join(actor=school_leader, group=group, children=[world.child_a], joined_on=TODAY)
    text = work_summary_build(
        school_leader, node=world.school_a, term=world.term, draft=None
    ).text()
    day = f"{TODAY.month}月{TODAY.day}日"
    assert f"{day}，节日活动“中秋节做月饼”，参加儿童1人次。" in text
    assert "本学期共开展活动1次，参加儿童1人次：节日活动1次（1人次）" in text
    assert "开设兴趣小组1个（剪纸小组）" in text and "1人参加了至少一个兴趣小组（100.0%）" in text
