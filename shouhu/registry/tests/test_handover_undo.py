"""The year-end handover (学年交接) applied only between terms or from a day the user gives, its
log naming both terms and each class old → new, and its undo within the window (issue 11.9)."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from shouhu.audit.models import AccessLog
from shouhu.care.models import Pairing, VisitTask
from shouhu.org.models import ClassEnrolment, Grade, SchoolClass
from shouhu.registry.handover import handover_apply, handover_date_problem, handover_plan
from shouhu.registry.handover_undo import handover_undo
from shouhu.registry.models import CensusSnapshot, Child, LeaveReason, SchoolHandover
from shouhu.registry.tests import test_handover
from shouhu.registry.tests.test_handover import SUMMER
from shouhu.testing.dates import day, iso
from shouhu.testing.factories import (
    HeadTeacherFactory,
    PairingFactory,
    SchoolClassFactory,
    VisitTaskFactory,
    register_child,
)

next_term = test_handover.next_term  # the fixture: 2027-2028-1

D = day  # the world's dates as written for 2026, moved (shouhu.testing.dates)
AUTUMN_TERM_ENDS = D(2027, 1, 20)  # the current term (conftest): 2026-09-01 … 2027-01-20
NEXT_TERM_STARTS = D(2027, 9, 1)


@pytest.mark.parametrize(
    ("today", "on", "refused"),
    [
        (D(2026, 11, 29), None, "才结束"),  # mid-term: would relabel the running term at once
        (AUTUMN_TERM_ENDS, None, "才结束"),  # its last day is still the term
        (D(2027, 1, 21), None, ""),  # the day after: between the terms
        (NEXT_TERM_STARTS, None, ""),  # up to the new term's first day
        (D(2027, 9, 2), None, "已于"),  # too late without a day given
        (D(2026, 11, 29), D(2026, 11, 29), ""),  # mid-term, the user said from when
        (D(2026, 11, 29), D(2026, 12, 1), "不能晚于今天"),
        (D(2026, 11, 29), D(2026, 8, 31), "之间"),  # before the old term began
        (D(2027, 9, 10), D(2027, 9, 2), "之间"),  # after the new term began
        (D(2027, 9, 10), NEXT_TERM_STARTS, ""),
    ],
)
def test_the_handover_is_applied_between_terms_or_from_a_day_given(
    world, next_term, today, on, refused
):
    problem = handover_date_problem(from_term=world.term, to_term=next_term, today=today, on=on)
    assert (refused in problem) if refused else problem == ""


@pytest.fixture
def top_class(world, school_leader):
    """A sixth grade in school A with one child, whose graduation the handover dates."""
    top = SchoolClassFactory(school=world.school_a, grade=Grade.G6, name="六年级(1)班")
    child = register_child(school_leader, top, name="王毕业")
    return top, child


def test_mid_term_the_handover_is_refused_and_moves_nothing(
    world, school_leader, next_term, top_class
):
    top, child = top_class
    with pytest.raises(ValidationError, match=f"{iso('2027-01-20')} 才结束"):
        handover_apply(
            actor=school_leader, school=world.school_a, from_term=world.term, to_term=next_term
        )
    child.refresh_from_db()
    top.refresh_from_db()
    assert child.left_on is None and top.name == "六年级(1)班"
    assert not SchoolHandover.objects.exists()
    # The dry run still lists every change, and says why it cannot be applied yet.
    plan = handover_plan(
        actor=school_leader, school=world.school_a, from_term=world.term, to_term=next_term
    )
    assert plan.refusal and plan.moves


def test_with_a_day_given_the_graduates_leave_that_day_not_at_the_end_of_term(
    world, school_leader, next_term, top_class, frozen_today
):
    _top, child = top_class
    record = handover_apply(
        actor=school_leader,
        school=world.school_a,
        from_term=world.term,
        to_term=next_term,
        on=frozen_today,
    )
    child.refresh_from_db()
    assert (child.left_on, child.left_reason) == (frozen_today, LeaveReason.GRADUATED)
    assert record.on == frozen_today
    assert f"于 {iso('2026-11-29')} 离开名册" in " ".join(record.changes)


def test_the_log_names_both_terms_and_each_class_old_to_new(
    world, school_leader, next_term, top_class
):
    with time_machine.travel(SUMMER, tick=False):
        record = handover_apply(
            actor=school_leader, school=world.school_a, from_term=world.term, to_term=next_term
        )
    first = record.changes[0]
    assert (
        str(world.term) in first and str(next_term) in first and str(world.term) != str(next_term)
    )
    text = "\n".join(record.changes)
    assert "升级：三年级(2)班 → 四年级(2)班" in text
    assert (
        "毕业：六年级(1)班 的 1 名儿童" in text
        and f"班级更名为 {AUTUMN_TERM_ENDS.year}届六年级(1)班" in text
    )
    assert not re.search(r"(\S+) → \1(?!\S)", text), text  # never "X → X"
    logged = AccessLog.objects.get(user=school_leader, query__startswith="学年交接")
    assert world.term.code in logged.query and next_term.code in logged.query


def _state(school) -> dict:
    """Every row a handover may move, as plain values."""
    return {
        "classes": sorted(
            SchoolClass.objects.filter(school=school).values_list(
                "pk", "name", "grade", "head_teacher_id"
            )
        ),
        "children": sorted(
            Child.objects.values_list("pk", "left_on", "left_reason", "left_note", "school_class")
        ),
        "pairings": sorted(Pairing.objects.values_list("pk", "ends_on")),
        "tasks": sorted(VisitTask.objects.values_list("pk", "assignee_id")),
        "snapshots": sorted(CensusSnapshot.objects.values_list("pk", "term_id", "prefilled")),
        "enrolments": sorted(ClassEnrolment.objects.values_list("pk", "term_id", "pupils")),
    }


@pytest.fixture
def applied(world, school_leader, head_teacher, next_term, top_class):
    """A handover in the summer with every kind of move: a graduate and their pairing, a class
    moved up without its head teacher, an unticked pairing whose visit task went to the head
    teacher, first grade opened, the census prefilled, pupil counts carried over."""
    _top, graduate = top_class
    PairingFactory(child=graduate, starts_on=world.term.starts_on)
    pairing = PairingFactory(child=world.child_a, starts_on=world.term.starts_on)
    VisitTaskFactory(observation__child=world.child_a, assignee=pairing.carer)
    SchoolClassFactory(school=world.school_a, grade=Grade.G1, name="一年级(1)班")
    HeadTeacherFactory(scope_class=world.class_a2)
    before = _state(world.school_a)
    with time_machine.travel(SUMMER, tick=False):
        record = handover_apply(
            actor=school_leader,
            school=world.school_a,
            from_term=world.term,
            to_term=next_term,
            keep_head_teachers={world.class_a.pk},
            keep_pairings=set(),
        )
    assert SchoolClass.objects.get(pk=world.class_a2.pk).head_teacher is None
    after = _state(world.school_a)
    assert [k for k in before if before[k] == after[k]] == [], "each kind of row moved"
    return record, before


def test_undo_puts_back_every_row_the_handover_moved_and_it_can_be_applied_again(
    world, school_leader, next_term, applied
):
    record, before = applied
    with time_machine.travel(SUMMER + datetime.timedelta(days=6), tick=False):
        handover_undo(actor=school_leader, handover=record)
        assert _state(world.school_a) == before
        record.refresh_from_db()
        assert record.undone_at is not None and record.undone_by == school_leader
        logged = AccessLog.objects.get(query__startswith="撤销学年交接")
        assert world.term.code in logged.query and next_term.code in logged.query
        with pytest.raises(ValidationError, match="已于"):
            handover_undo(actor=school_leader, handover=record)
        handover_apply(  # the same handover again, now that the first is undone
            actor=school_leader, school=world.school_a, from_term=world.term, to_term=next_term
        )
    assert SchoolHandover.objects.filter(school=world.school_a, undone_at__isnull=True).count() == 1


def test_undo_is_refused_after_the_window(world, school_leader, applied):
    record, _before = applied
    with (
        time_machine.travel(SUMMER + datetime.timedelta(days=7, minutes=1), tick=False),
        pytest.raises(ValidationError, match="7 天内"),
    ):
        handover_undo(actor=school_leader, handover=record)


@pytest.mark.parametrize("work", ["new_first_grader", "surveyed"])
def test_undo_is_refused_when_work_was_built_on_the_handover(world, school_leader, applied, work):
    record, _before = applied
    if work == "new_first_grader":
        new_class = SchoolClass.objects.get(pk=record.moved["new_classes"][0])
        Child.objects.filter(pk=world.child_a.pk).update(school_class=new_class)
        message = "已登记儿童"
    else:
        CensusSnapshot.objects.filter(pk__in=record.moved["snapshots"]).update(prefilled=False)
        message = "已有儿童核实"
    state = _state(world.school_a)
    with (
        time_machine.travel(SUMMER, tick=False),
        pytest.raises(ValidationError, match=message),
    ):
        handover_undo(actor=school_leader, handover=record)
    assert _state(world.school_a) == state


def test_the_wizard_refuses_mid_term_offers_the_undo_and_undoes(
    client, world, school_leader, next_term, top_class
):
    client.force_login(school_leader)
    url = reverse("registry:handover")
    terms = {"from_term": world.term.code, "to_term": next_term.code}
    preview = client.post(url, {**terms, "action": "plan"}).content.decode()
    assert "才结束" in preview and 'value="apply"' not in preview
    refused = client.post(url, {**terms, "action": "apply"})
    assert "才结束" in refused.content.decode()
    assert not SchoolHandover.objects.exists()
    with time_machine.travel(SUMMER, tick=False):
        client.force_login(school_leader)
        junk = client.post(url, {**terms, "action": "apply", "keep_class": "abc"})
        assert "所选的班级或结对无效" in junk.content.decode()
        assert not SchoolHandover.objects.exists()
        assert client.post(url, {**terms, "action": "apply"}).status_code == 302
        record = SchoolHandover.objects.get()
        undo = reverse("registry:handover-undo", kwargs={"public_id": record.public_id})
        page = client.get(url).content.decode()
        assert undo in page and "撤销这次交接" in page
        done = client.post(undo, follow=True)
        assert "已撤销学年交接" in done.content.decode()
    top, child = top_class
    child.refresh_from_db()
    assert child.left_on is None


def test_the_command_refuses_mid_term_takes_a_day_and_undoes(world, next_term, top_class):
    codes = {"school": world.school_a.code, "from_term": world.term.code, "to_term": next_term.code}
    with pytest.raises(CommandError, match="才结束"):
        call_command("handover", **codes, stdout=io.StringIO())
    out = io.StringIO()
    call_command("handover", **codes, on=iso("2026-11-29"), stdout=out)
    assert "已完成学年交接" in out.getvalue()
    _top, child = top_class
    child.refresh_from_db()
    assert child.left_on == D(2026, 11, 29)
    out = io.StringIO()
    call_command("handover", school=world.school_a.code, undo=True, stdout=out)
    assert f"{world.term.code} → {next_term.code}" in out.getvalue()
    child.refresh_from_db()
    assert child.left_on is None
    with pytest.raises(CommandError, match="没有可撤销"):
        call_command("handover", school=world.school_a.code, undo=True, stdout=io.StringIO())
