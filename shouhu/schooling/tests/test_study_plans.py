"""Study-help plans (学习帮扶计划, 篇五) as teachers keep them: a plan with staged goals, each
review falling due on the teacher's home page, a closed plan keeping its result; and the 学业
section of the child's file, shown to each role as docs/privacy.md says."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shouhu.schooling.models import PlanStatus, StudyPlan
from shouhu.schooling.services.grades import class_subjects_set, grades_save
from shouhu.schooling.services.study_plans import (
    plan_goal_review,
    study_plan_close,
    study_plan_create,
)
from shouhu.testing.dates import day, iso
from shouhu.testing.factories import TeacherFactory


def make_plan(world, actor, teacher, **overrides):
    values = {
        "actor": actor,
        "child": world.child_a,
        "teacher": teacher,
        "starts_on": day(2026, 11, 1),
        "ends_on": day(2027, 1, 15),
        "schedule": "每周二、四课后30分钟",
        "content": "数学口算和应用题",
        "subjects": "数学",
        "goals": [("口算正确率达到90%", day(2026, 11, 30)), ("应用题及格", day(2027, 1, 10))],
    }
    return study_plan_create(**(values | overrides))


def test_a_head_teacher_makes_a_plan_for_a_teacher_with_goals_in_date_order(
    world, head_teacher, teacher
):
    plan = make_plan(world, head_teacher, teacher)
    assert [(g.number, g.goal) for g in plan.goals.all()] == [
        (1, "口算正确率达到90%"),
        (2, "应用题及格"),
    ]
    assert plan.status == PlanStatus.OPEN


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"goals": []}, "goals"),
        ({"goals": [("目标", day(2027, 3, 1))]}, "goals"),
        ({"ends_on": day(2026, 10, 1)}, "ends_on"),
    ],
)
def test_a_plan_without_goals_or_with_dates_outside_it_is_refused(
    world, head_teacher, teacher, overrides, field
):
    with pytest.raises(ValidationError) as refused:
        make_plan(world, head_teacher, teacher, **overrides)
    assert field in refused.value.message_dict
    assert not StudyPlan.objects.exists()


def test_a_teacher_of_another_school_cannot_be_the_plans_teacher(world, head_teacher, tree):
    stranger = TeacherFactory(username="stranger", scope_school=tree.school_b)
    with pytest.raises(ValidationError, match="帮扶教师应是该学生所在学校的教师"):
        make_plan(world, head_teacher, stranger)


def test_a_review_falls_due_on_the_teachers_home_page_and_goes_once_recorded(
    client, world, head_teacher, teacher
):
    plan = make_plan(world, head_teacher, teacher)
    client.force_login(teacher)
    fragment = client.get(reverse("schooling:home-plans")).content.decode()
    assert "学习帮扶检查" in fragment and "李家成" in fragment and "口算正确率达到90%" in fragment
    assert "应用题及格" not in fragment  # due in January
    url = reverse("schooling:plan-goal-review", kwargs={"public_id": plan.public_id, "number": 1})
    assert client.post(url, {"met": "1", "review_note": "口算达到92%"}).status_code == 302
    assert client.get(reverse("schooling:home-plans")).content == b""
    client.force_login(head_teacher)  # not the plan's teacher: nothing to do
    assert client.get(reverse("schooling:home-plans")).content == b""


def test_a_closed_plan_keeps_its_result_and_takes_no_more_reviews(world, head_teacher, teacher):
    plan = make_plan(world, head_teacher, teacher)
    with pytest.raises(ValidationError, match="请填写结果说明"):
        study_plan_close(actor=teacher, plan=plan, outcome="met", note=" ")
    study_plan_close(actor=teacher, plan=plan, outcome="partly", note="口算达标，应用题仍需加强")
    plan.refresh_from_db()
    assert (plan.status, plan.outcome, plan.closed_on) == ("closed", "partly", day(2026, 11, 29))
    with pytest.raises(ValidationError, match="计划已结束"):
        plan_goal_review(actor=teacher, goal=plan.goals.first(), met=True, note="补记")


def test_the_plan_pages_make_review_and_close_a_plan(client, world, head_teacher, teacher):
    client.force_login(head_teacher)
    url = reverse("schooling:plan-create", kwargs={"public_id": world.child_a.public_id})
    assert "刘老师" in client.get(url).content.decode()
    data = {
        "teacher": teacher.pk,
        "starts_on": iso("2026-11-01"),
        "ends_on": iso("2027-01-15"),
        "schedule": "每周二课后",
        "content": "阅读理解",
        "goal_1": "每周读完一本绘本",
    }
    refused = client.post(url, data)
    assert "请填写该阶段目标的检查日期" in refused.content.decode()
    response = client.post(url, data | {"review_1": iso("2026-12-15")})
    plan = StudyPlan.objects.get()
    assert response["Location"] == reverse("schooling:plan-detail", args=[plan.public_id])
    page = client.get(response["Location"]).content.decode()
    assert "每周读完一本绘本" in page and "结束并记录结果" in page
    close = reverse("schooling:plan-close", kwargs={"public_id": plan.public_id})
    assert client.post(close, {"outcome": "met", "outcome_note": "达到"}).status_code == 302
    assert "结束并记录结果" not in client.get(response["Location"]).content.decode()
    listed = client.get(reverse("schooling:plan-list") + "?status=closed").content.decode()
    assert "李家成" in listed


def section(client, user, world):
    client.force_login(user)
    url = reverse("schooling:child-grades-section", kwargs={"public_id": world.child_a.public_id})
    return client.get(url)


def test_the_file_section_shows_grades_to_the_class_teachers_and_plans_to_the_school_staff(
    client, world, head_teacher, teacher, counsellor, township_officer, volunteer
):
    grades_save(
        actor=head_teacher,
        school_class=world.class_a,
        term=world.term,
        exam="mid",
        scores={(world.child_a.pk, "chinese"): "88"},
    )
    make_plan(world, head_teacher, teacher)
    mine = section(client, head_teacher, world).content.decode()
    assert "88" in mine and "学习帮扶计划" in mine and "制定学习帮扶计划" in mine
    staff = section(client, counsellor, world).content.decode()
    assert "学习帮扶计划" in staff and "本学期期中" not in staff
    teaching = section(client, teacher, world).content.decode()
    assert "本学期期中" not in teaching  # teaches no subject of the class, but is the plan's
    class_subjects_set(
        actor=head_teacher, school_class=world.class_a, subjects={"chinese": (100, teacher)}
    )
    assert "本学期期中" in section(client, teacher, world).content.decode()
    assert section(client, township_officer, world).content == b""
    assert section(client, volunteer, world).content == b""


def test_the_childs_file_and_the_home_page_fetch_the_fragments(client, world, head_teacher):
    client.force_login(head_teacher)
    file = client.get(reverse("registry:child-detail", args=[world.child_a.public_id]))
    assert reverse("schooling:child-grades-section", args=[world.child_a.public_id]) in (
        file.content.decode()
    )
    assert reverse("schooling:home-plans") in client.get("/").content.decode()


def test_the_sheet_and_the_plan_list_read_in_a_few_queries_however_many_children(
    client, world, head_teacher, teacher, django_assert_max_num_queries
):
    from shouhu.testing.factories import register_child

    children = [register_child(head_teacher, world.class_a, name=f"王{n}") for n in range(8)]
    grades_save(
        actor=head_teacher,
        school_class=world.class_a,
        term=world.term,
        exam="mid",
        scores={(c.pk, s): "80" for c in children for s in ("chinese", "maths")},
    )
    for child in children:
        make_plan(world, head_teacher, teacher, child=child)
    client.force_login(head_teacher)
    client.get("/")
    sheet = reverse("schooling:grade-sheet", args=[world.class_a.pk])
    with django_assert_max_num_queries(14):
        assert client.get(sheet + "?exam=mid").content.decode().count('value="80"') == 16
    with django_assert_max_num_queries(12):
        assert client.get(reverse("schooling:plan-list")).content.decode().count("王") >= 8
