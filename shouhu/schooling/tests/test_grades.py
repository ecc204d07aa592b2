"""Grades as people enter and read them: a class's sheet (all or nothing), the refusals that
name the child, the field and the reason, who enters and who reads, a child's comparison with
last term and the share of left-behind children who improved."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from shouhu.registry.classification import ParentStatus
from shouhu.schooling.models import ClassSubject, ExamKind, GradeResult
from shouhu.schooling.selectors.grades import (
    child_grades_for,
    grades_readable,
    improvement_for,
)
from shouhu.schooling.services.grades import ScoresRefused, class_subjects_set, grades_save
from shouhu.testing.factories import TeacherFactory, register_child

MID, FINAL = ExamKind.MIDTERM, ExamKind.FINAL


def save(actor, world, scores, *, term=None, exam=MID, school_class=None):
    return grades_save(
        actor=actor,
        school_class=school_class or world.class_a,
        term=term or world.term,
        exam=exam,
        scores=scores,
    )


def sheet_url(world) -> str:
    return reverse("schooling:grade-sheet", kwargs={"class_id": world.class_a.pk})


def test_a_head_teacher_saves_the_class_sheet_and_a_blank_cell_keeps_the_stored_score(
    world, head_teacher
):
    a = world.child_a.pk
    saved = save(head_teacher, world, {(a, "chinese"): "88.5", (a, "maths"): "92"})
    assert (saved.created, saved.updated) == (2, 0)
    again = save(head_teacher, world, {(a, "chinese"): "90", (a, "maths"): ""})
    assert (again.created, again.updated, again.unchanged) == (0, 1, 0)
    scores = dict(GradeResult.objects.filter(child=world.child_a).values_list("subject", "score"))
    assert scores == {"chinese": Decimal("90.0"), "maths": Decimal("92.0")}
    chinese = GradeResult.objects.get(child=world.child_a, subject="chinese")
    assert [h.score for h in chinese.history.order_by("history_date")] == [
        Decimal("88.5"),
        Decimal("90.0"),
    ]


def test_the_first_scores_fix_the_default_subjects_of_the_grade_on_record(world, head_teacher):
    save(head_teacher, world, {(world.child_a.pk, "english"): "70"})  # 三年级 takes English
    taken = set(
        ClassSubject.objects.filter(school_class=world.class_a).values_list("subject", flat=True)
    )
    assert taken == {"chinese", "maths", "english", "science", "morality"}


def test_one_score_out_of_range_refuses_the_whole_sheet_naming_child_subject_and_reason(
    world, head_teacher
):
    a = world.child_a.pk
    with pytest.raises(ScoresRefused) as refused:
        save(head_teacher, world, {(a, "chinese"): "95", (a, "maths"): "105"})
    assert [str(p) for p in refused.value.problems] == [
        "李家成｜数学：成绩105超出范围：应在0到满分100之间。"
    ]
    assert not GradeResult.objects.exists()


def test_a_subject_the_class_does_not_take_is_refused(world, head_teacher):
    class_subjects_set(
        actor=head_teacher,
        school_class=world.class_a,
        subjects={"chinese": (100, None), "maths": (120, None)},
    )
    with pytest.raises(ScoresRefused) as refused:
        save(head_teacher, world, {(world.child_a.pk, "english"): "80"})
    assert "该班不开设此科目" in str(refused.value.problems[0])
    save(head_teacher, world, {(world.child_a.pk, "maths"): "118"})  # out of 120
    assert GradeResult.objects.get().full_mark == 120


def test_a_child_of_another_class_or_who_left_gets_no_score(world, head_teacher):
    with pytest.raises(ScoresRefused, match="不在本班名册"):
        save(head_teacher, world, {(world.child_b.pk, "chinese"): "80"})
    world.child_a.left_on = world.term.starts_on
    world.child_a.save()
    with pytest.raises(ScoresRefused, match="已离开名册"):
        save(head_teacher, world, {(world.child_a.pk, "chinese"): "80"})
    assert not GradeResult.objects.exists()


def test_a_class_outside_the_scope_is_refused(world, head_teacher):
    with pytest.raises(PermissionDenied):
        save(head_teacher, world, {}, school_class=world.class_b)


def test_a_subject_teacher_enters_and_reads_only_the_class_they_teach(
    client, world, head_teacher, teacher
):
    assert not grades_readable(teacher, world.child_a)
    client.force_login(teacher)
    assert client.get(sheet_url(world)).status_code == 404
    class_subjects_set(
        actor=head_teacher,
        school_class=world.class_a,
        subjects={"chinese": (100, teacher), "maths": (100, None)},
    )
    assert grades_readable(teacher, world.child_a)
    page = client.get(sheet_url(world) + f"?term={world.term.code}&exam=mid").content.decode()
    assert 'aria-label="李家成 语文"' in page and 'aria-label="李家成 数学"' not in page
    with pytest.raises(ScoresRefused, match="您不是该科目的任课教师"):
        save(teacher, world, {(world.child_a.pk, "maths"): "80"})


def test_the_sheet_page_saves_on_a_post_and_shows_the_refusal_with_what_was_typed(
    client, world, head_teacher
):
    client.force_login(head_teacher)
    url = sheet_url(world) + f"?term={world.term.code}&exam=final"
    field = f"s-{world.child_a.public_id}-chinese"
    page = client.get(url).content.decode()
    assert "李家成" in page and f'name="{field}"' in page
    refused = client.post(url, {field: "150"})
    assert refused.status_code == 200
    assert "成绩150超出范围" in refused.content.decode()
    assert 'value="150"' in refused.content.decode()
    assert client.post(url, {field: "86"}).status_code == 302
    assert GradeResult.objects.get().exam == FINAL
    assert 'value="86"' in client.get(url).content.decode()


def _classmates(head_teacher, world, n=3):
    """Classmates of child_a in class A whose parents are at home (not left-behind)."""
    return [
        register_child(
            head_teacher,
            world.class_a,
            name=name,
            father=ParentStatus.AT_HOME,
            mother=ParentStatus.AT_HOME,
        )
        for name in ["王小明", "赵小红", "孙小刚"][:n]
    ]


def test_a_left_behind_child_who_rose_in_the_class_improved_and_the_share_says_so(
    world, head_teacher, school_leader
):
    others = _classmates(head_teacher, world)
    a = world.child_a
    # Last term's final: child_a last of four; this term's mid-term: second.
    before = {a.pk: "60", others[0].pk: "90", others[1].pk: "80", others[2].pk: "70"}
    after = {a.pk: "85", others[0].pk: "95", others[1].pk: "70", others[2].pk: "60"}
    GradeResult.objects.all().delete()
    for scores, term, exam in ((before, world.previous_term, FINAL), (after, world.term, MID)):
        for pk, value in scores.items():
            GradeResult.objects.create(
                child_id=pk,
                term=term,
                exam=exam,
                subject="chinese",
                school_class=world.class_a,
                score=Decimal(value),
                full_mark=100,
                entered_by=head_teacher,
                entered_at=world.term.starts_on.isoformat() + "T10:00+08:00",
            )
    mine = child_grades_for(head_teacher, a, term=world.term)
    assert mine.progress.before == 0.0 and round(mine.progress.after, 2) == 0.67
    assert mine.lines[0].before == Decimal("60.0") and mine.lines[0].change == Decimal("25.0")
    found = improvement_for(school_leader, node=world.school_a, term=world.term)
    assert (found.improved, found.compared) == (1, 1)  # only child_a is left-behind


def test_the_share_who_improved_counts_no_one_without_last_terms_final(world, school_leader):
    found = improvement_for(school_leader, node=world.school_a, term=world.term)
    assert (found.improved, found.compared) == (0, 0)


def test_a_teacher_of_another_school_subject_does_not_make_a_class_teacher(
    world, head_teacher, tree
):
    stranger = TeacherFactory(username="t2", scope_school=tree.school_b)
    with pytest.raises(Exception, match="任课教师应是本校教师"):
        class_subjects_set(
            actor=head_teacher, school_class=world.class_a, subjects={"chinese": (100, stranger)}
        )


def test_the_work_summary_reads_the_share_who_improved_with_its_rule_in_the_annex(
    world, school_leader
):
    from shouhu.reports.work_summary.build import work_summary_build

    document = work_summary_build(school_leader, node=world.school_a, term=world.term, draft=None)
    results = next(s for s in document.sections if s.key == "results")
    part = next(p for p in results.parts if p.title == "学业进步")
    assert part.paragraphs == ["本学期尚无可与上学期期末比较的留守儿童成绩。"]
    assert any(label == "留守儿童成绩进步比例" for label, _d in document.annex)


def test_the_progress_page_writes_the_definition_beside_the_share_of_each_class(
    client, world, township_officer
):
    client.force_login(township_officer)
    page = client.get(reverse("schooling:grade-progress")).content.decode()
    assert "口径：" in page and "班级百分位名次上升的比例" in page
    assert "万源市太平镇中心小学" in page  # the township's school, one row below the total
