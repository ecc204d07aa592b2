"""The year-end handover (学年交接) of a whole demo school, transfers and leaving the register."""

import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.care.models import Pairing
from shouhu.demo.services import demo_seed
from shouhu.org.models import ClassEnrolment, Grade, School, SchoolClass
from shouhu.org.services import next_class_name
from shouhu.registry.handover import (
    child_leave,
    child_transfer,
    handover_apply,
    handover_plan,
    transfer_history_for,
)
from shouhu.registry.models import CensusSnapshot, Child, LeaveReason, SchoolHandover
from shouhu.registry.services import child_update
from shouhu.testing.dates import at, day, iso, term_code
from shouhu.testing.factories import (
    ChildTransferFactory,
    PairingFactory,
    SchoolClassFactory,
    TermFactory,
    VisitTaskFactory,
    register_child,
)

NEXT_YEAR = {"start_year": day(2027, 9, 1).year, "semester": 1}
# The summer break: the current term (2026-2027-1) has ended, 2027-2028-1 has not begun.
SUMMER = at(2027, 8, 25, 10)


@pytest.fixture
def next_term(db):
    return TermFactory(
        start_year=day(2027, 9, 1).year,
        semester=1,
        starts_on=day(2027, 9, 1),
        ends_on=day(2028, 1, 20),
    )


@pytest.fixture
def demo_school(db):
    """The demo county (200 children); the primary school with the most classes."""
    with time_machine.travel(at(2026, 11, 29, 10), tick=False):
        demo_seed(children=200)
    school = max(
        School.objects.filter(kind="primary"), key=lambda s: s.classes.values("grade").count()
    )
    return school


def test_handover_of_a_whole_demo_school_moves_grades_graduates_the_top_and_loses_no_file(
    demo_school, next_term
):
    from shouhu.org.models import Term

    school = demo_school
    current = Term.objects.get(code=term_code("2026-2027-1"))
    before = {
        c.pk: (c.school_class_id, c.school_class.grade)
        for c in Child.objects.on_register()
        .filter(school_class__school=school)
        .select_related("school_class")
    }
    grades = {c.pk: (c.grade, c.name) for c in SchoolClass.objects.filter(school=school)}
    assert any(g == Grade.G6 for g, _n in grades.values())
    files_before = Child.objects.count()
    with time_machine.travel(at(2027, 8, 25, 10), tick=False):
        plan = handover_plan(actor=_operator(), school=school, from_term=current, to_term=next_term)
        assert plan.problems == []
        handover_apply(actor=_operator(), school=school, from_term=current, to_term=next_term)
    assert Child.objects.count() == files_before  # no file lost
    for pk, (class_id, grade) in before.items():
        child = Child.objects.select_related("school_class").get(pk=pk)
        assert child.school_class_id == class_id  # the class is the cohort: it moved up
        if grade >= Grade.G6:
            assert child.left_on == current.ends_on
            assert child.left_reason == LeaveReason.GRADUATED
            assert child.school_class.name.startswith(f"{day(2027, 1, 20).year}届")
            assert not Pairing.objects.filter(child=child, ends_on__isnull=True).exists()
        else:
            assert child.left_on is None
            assert child.school_class.grade == grade + 1
            snapshot = CensusSnapshot.objects.get(child=child, term=next_term)
            assert snapshot.prefilled
            last = CensusSnapshot.objects.get(child=child, term=current)
            assert snapshot.category == last.category
            assert snapshot.guardian_able == last.guardian_able
    for pk, (grade, name) in grades.items():
        school_class = SchoolClass.objects.get(pk=pk)
        if grade < Grade.G6:
            assert (school_class.grade, school_class.name) == (
                grade + 1,
                next_class_name(name, grade),
            )
            enrolment = ClassEnrolment.objects.filter(school_class=school_class, term=next_term)
            assert enrolment.exists()
    first_grade = SchoolClass.objects.filter(school=school, grade=Grade.G1)
    assert first_grade.count() == sum(1 for g, _n in grades.values() if g == Grade.G1)
    assert SchoolHandover.objects.get(school=school, to_term=next_term).changes


def _operator():
    from shouhu.accounts.operator import operator_actor

    return operator_actor()


def test_graduated_files_are_read_only(world, school_leader, next_term):
    top = SchoolClassFactory(school=world.school_a, grade=Grade.G6, name="六年级(1)班")
    child = register_child(school_leader, top, name="王毕业")
    with time_machine.travel(at(2027, 8, 25, 10), tick=False):
        handover_apply(
            actor=school_leader, school=world.school_a, from_term=world.term, to_term=next_term
        )
    child.refresh_from_db()
    assert child.left_reason == LeaveReason.GRADUATED
    with pytest.raises(ValidationError, match="只读"):
        child_update(actor=school_leader, child=child, data={"address": "新地址"})


def test_unticked_head_teachers_and_pairings_do_not_carry_over(world, school_leader, next_term):
    pairing = PairingFactory(child=world.child_a, starts_on=world.term.starts_on)
    task = VisitTaskFactory(observation__child=world.child_a, assignee=pairing.carer)
    with time_machine.travel(at(2027, 8, 25, 10), tick=False):
        handover_apply(
            actor=school_leader,
            school=world.school_a,
            from_term=world.term,
            to_term=next_term,
            keep_head_teachers=set(),
            keep_pairings=set(),
        )
    world.class_a.refresh_from_db()
    pairing.refresh_from_db()
    assert world.class_a.name == "四年级(2)班" and world.class_a.head_teacher is None
    assert pairing.ends_on == world.term.ends_on
    task.refresh_from_db()
    assert task.assignee == pairing.carer  # no head teacher to take it: it escalates by date


def test_the_visits_owed_under_an_unticked_proxy_parent_go_to_the_head_teacher(
    world, school_leader, head_teacher, next_term
):
    pairing = PairingFactory(child=world.child_a, starts_on=world.term.starts_on)
    task = VisitTaskFactory(observation__child=world.child_a, assignee=pairing.carer)
    with time_machine.travel(at(2027, 8, 25, 10), tick=False):
        handover_apply(
            actor=school_leader,
            school=world.school_a,
            from_term=world.term,
            to_term=next_term,
            keep_pairings=set(),
        )
    task.refresh_from_db()
    assert task.assignee == head_teacher != pairing.carer


def test_the_prefilled_census_carries_the_guardian_over_and_reads_a_new_file(
    frozen_today, world, school_leader, head_teacher, next_term
):
    with time_machine.travel(at(2027, 2, 10, 10), tick=False):
        newcomer = register_child(head_teacher, world.class_a)  # the holiday: no snapshot
    with time_machine.travel(at(2027, 7, 20, 10), tick=False):
        child_update(
            actor=head_teacher,
            child=world.child_a,
            data={},
            guardian={"name": "王秀英", "able_to_care": False},
        )
        handover_apply(
            actor=school_leader, school=world.school_a, from_term=world.term, to_term=next_term
        )
    prefilled = dict(
        CensusSnapshot.objects.filter(term=next_term).values_list("child_id", "guardian_able")
    )
    # Last term's census carried over, to be checked when the class is surveyed again.
    assert prefilled[world.child_a.pk] is True
    assert prefilled[newcomer.pk] is True  # never surveyed: classified from the file


def test_handover_is_done_once_and_only_into_the_next_school_year(world, school_leader, next_term):
    with pytest.raises(ValidationError, match="下一学年"):
        handover_plan(
            actor=school_leader,
            school=world.school_a,
            from_term=world.term,
            to_term=world.previous_term,
        )
    with time_machine.travel(SUMMER, tick=False):
        handover_apply(
            actor=school_leader, school=world.school_a, from_term=world.term, to_term=next_term
        )
    with pytest.raises(ValidationError, match="已办理"):
        handover_plan(
            actor=school_leader, school=world.school_a, from_term=world.term, to_term=next_term
        )


def test_command_dry_run_lists_changes_and_writes_nothing(world, next_term):
    out = io.StringIO()
    call_command(
        "handover",
        school=world.school_a.code,
        from_term=world.term.code,
        to_term=next_term.code,
        dry_run=True,
        stdout=out,
    )
    text = out.getvalue()
    assert "升级：三年级(2)班 → 四年级(2)班" in text
    assert "五年级(1)班 → 六年级(1)班" in text and "试运行" in text
    world.class_a.refresh_from_db()
    assert world.class_a.grade == Grade.G3
    assert not SchoolHandover.objects.exists()
    with pytest.raises(CommandError, match="找不到学期"):
        call_command(
            "handover",
            school=world.school_a.code,
            from_term=world.term.code,
            to_term=term_code("2030-2031-1"),
        )


def test_wizard_previews_then_applies(client, world, school_leader, next_term):
    client.force_login(school_leader)
    url = reverse("registry:handover")
    terms = {"from_term": world.term.code, "to_term": next_term.code}
    preview = client.post(url, {**terms, "action": "plan"})
    assert "三年级(2)班 → 四年级(2)班" in preview.content.decode()
    world.class_a.refresh_from_db()
    assert world.class_a.grade == Grade.G3
    with time_machine.travel(SUMMER, tick=False):
        client.force_login(school_leader)  # the session of November has long expired
        done = client.post(url, {**terms, "action": "apply", "keep_class": [world.class_a.pk]})
    assert done.status_code == 302 and done.url == url
    world.class_a.refresh_from_db()
    assert world.class_a.grade == Grade.G4 and world.class_a.head_teacher is not None


# --- leaving and transfers -----------------------------------------------------------------------


@pytest.mark.usefixtures("frozen_today")
def test_a_child_leaves_with_date_and_reason_and_the_file_is_kept(world, head_teacher):
    child_leave(
        actor=head_teacher,
        child=world.child_a,
        on=day(2026, 11, 29),
        reason=LeaveReason.PARENTS_HOME,
        note="父母返乡务农",
    )
    child = Child.objects.get(pk=world.child_a.pk)
    assert (child.left_on, child.left_reason) == (day(2026, 11, 29), "parents_home")
    assert child.history.first().left_reason == "parents_home"
    assert not Child.objects.on_register().filter(pk=child.pk).exists()
    with pytest.raises(ValidationError):
        child_leave(actor=head_teacher, child=child, on=day(2026, 11, 21), reason="other")


@pytest.mark.usefixtures("frozen_today")
def test_leaving_ends_the_childs_pairings_that_day_and_logs_why(world, head_teacher):
    pairing = PairingFactory(child=world.child_a, starts_on=world.term.starts_on)
    child_leave(
        actor=head_teacher,
        child=world.child_a,
        on=day(2026, 11, 29),
        reason=LeaveReason.MOVED_AWAY,
    )
    pairing.refresh_from_db()
    assert pairing.ends_on == day(2026, 11, 29)
    logged = AccessLog.objects.filter(child=world.child_a, action=AccessAction.UPDATE)
    assert sorted(logged.values_list("query", flat=True)) == ["", "结对结束：迁出本地"]


@pytest.mark.usefixtures("frozen_today")
def test_a_transfer_moves_the_file_and_the_old_school_keeps_a_read_only_view(
    world, school_leader, head_teacher
):
    pairing = PairingFactory(child=world.child_a, starts_on=world.term.starts_on)
    task = VisitTaskFactory(observation__child=world.child_a, assignee=pairing.carer)
    transfer = child_transfer(
        actor=school_leader,
        child=world.child_a,
        to_class=world.class_b,
        on=day(2026, 11, 28),
    )
    child = Child.objects.get(pk=world.child_a.pk)
    assert child.school_class == world.class_b
    pairing.refresh_from_db()
    assert pairing.ends_on == day(2026, 11, 28)
    # The home visit still owed goes to the new class's head teacher.
    task.refresh_from_db()
    assert task.assignee == world.class_b.head_teacher is not None
    assert not Child.objects.restrict(head_teacher).filter(pk=child.pk).exists()
    view = transfer_history_for(head_teacher, transfer.public_id)
    assert view["child"] == child
    assert [s.term for s in view["snapshots"]] == [world.term]
    assert all("四年级(1)班" not in str(c["new"]) for e in view["history"] for c in e["changes"])


def test_a_transfer_outside_the_county_is_refused(world, school_leader):
    with pytest.raises(ValidationError, match="同一县"):
        child_transfer(
            actor=school_leader,
            child=world.child_a,
            to_class=world.other_class,
            on=day(2026, 9, 5),
        )


def test_the_transfer_history_is_404_for_the_new_school(world, other_head_teacher):
    transfer = ChildTransferFactory(child=world.child_a, to_class=world.class_b)
    from django.http import Http404

    with pytest.raises(Http404):
        transfer_history_for(other_head_teacher, transfer.public_id)


def test_leave_page_records_the_reason(client, world, head_teacher, frozen_today):
    client.force_login(head_teacher)
    url = reverse("registry:child-leave", kwargs={"public_id": world.child_a.public_id})
    response = client.post(
        url, {"on": iso("2026-11-29"), "reason": "moved_away", "note": "随父母迁出"}
    )
    assert response.status_code == 302
    world.child_a.refresh_from_db()
    assert world.child_a.left_reason == "moved_away"
