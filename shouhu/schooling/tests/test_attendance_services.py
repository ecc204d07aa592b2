"""The roll call, an absence's follow-up and the school calendar, as the services write them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.care.models import ActionKind, CareAction, SignalKind, VisitTask
from shouhu.schooling.jobs import absence_visits_raise
from shouhu.schooling.models import (
    Absence,
    AbsenceReason,
    CalendarChange,
    CalendarChangeKind,
    RollCall,
)
from shouhu.schooling.selectors.calendar import is_school_day, school_days
from shouhu.schooling.services.attendance import (
    absence_call_record,
    absence_explain,
    calendar_change_add,
    calendar_change_remove,
    roll_call_save,
)
from shouhu.schooling.tests.attendance_world import (
    class_of,
    clock,
    next_weekday,
    next_weekend_day,
)

pytestmark = pytest.mark.django_db

SCHOOL_DAY = next_weekday()
UNKNOWN, SICK = AbsenceReason.UNKNOWN, AbsenceReason.SICK


@pytest.fixture
def pupils(world, head_teacher):
    """child_a and three more children in class A."""
    return [world.child_a, *class_of(head_teacher, world.class_a, 3)]


def take(actor, school_class, absent, **kwargs):
    return roll_call_save(
        actor=actor, school_class=school_class, day=timezone.localdate(), absent=absent, **kwargs
    )


# --- the calendar --------------------------------------------------------------------------


def test_school_days_are_the_terms_weekdays_minus_days_off_plus_make_up_days(world, school_leader):
    saturday = next_weekend_day(SCHOOL_DAY)
    calendar_change_add(
        actor=school_leader, school=world.school_a, day=SCHOOL_DAY, kind=CalendarChangeKind.DAY_OFF
    )
    calendar_change_add(
        actor=school_leader, school=world.school_a, day=saturday, kind=CalendarChangeKind.MAKE_UP
    )
    week = school_days(world.school_a, SCHOOL_DAY, saturday)
    assert SCHOOL_DAY not in week and saturday in week
    assert is_school_day(world.school_b, SCHOOL_DAY)  # another school keeps its day
    assert not is_school_day(world.school_b, saturday)


def test_a_day_off_on_a_weekend_or_outside_a_term_is_refused(world, school_leader):
    with pytest.raises(ValidationError) as refused:
        calendar_change_add(
            actor=school_leader,
            school=world.school_a,
            day=next_weekend_day(),
            kind=CalendarChangeKind.DAY_OFF,
        )
    assert "周末" in refused.value.message_dict["day"][0]
    with pytest.raises(ValidationError) as refused:
        calendar_change_add(
            actor=school_leader,
            school=world.school_a,
            day=world.term.ends_on + datetime.timedelta(days=30),
            kind=CalendarChangeKind.DAY_OFF,
        )
    assert "不在任何学期内" in refused.value.message_dict["day"][0]
    assert not CalendarChange.objects.exists()


def test_only_the_school_leader_of_the_school_sets_its_calendar(world, head_teacher, tree):
    with pytest.raises(PermissionDenied):
        calendar_change_add(actor=head_teacher, school=world.school_a, day=SCHOOL_DAY, kind="off")


def test_a_day_off_taken_back_is_a_school_day_again(world, school_leader):
    change = calendar_change_add(
        actor=school_leader, school=world.school_a, day=SCHOOL_DAY, kind="off", note="运动会"
    )
    calendar_change_remove(actor=school_leader, change=change)
    assert is_school_day(world.school_a, SCHOOL_DAY)


# --- the roll call -------------------------------------------------------------------------


def test_everyone_is_present_unless_marked_absent(world, head_teacher, pupils):
    with clock(SCHOOL_DAY, 8, 20):
        roll = take(head_teacher, world.class_a, {pupils[1].pk: SICK})
    assert roll.expected == 4 and roll.taken_by == head_teacher
    assert roll.expected_left_behind == 4  # every child here has both parents away
    assert list(Absence.objects.values_list("child_id", "reason", "left_behind")) == [
        (pupils[1].pk, SICK, True)
    ]


def test_sending_the_same_roll_call_twice_changes_nothing(world, head_teacher, pupils):
    with clock(SCHOOL_DAY, 8, 20):
        first = take(head_teacher, world.class_a, {pupils[1].pk: UNKNOWN})
    with clock(SCHOOL_DAY, 8, 21):
        again = take(head_teacher, world.class_a, {pupils[1].pk: UNKNOWN})
    assert again.pk == first.pk and again.taken_at == first.taken_at
    assert Absence.objects.count() == 1
    assert Absence.history.count() == 1 and RollCall.history.count() == 1


def test_a_correction_later_that_day_is_kept_in_the_history(world, head_teacher, pupils):
    with clock(SCHOOL_DAY, 8, 20):
        take(head_teacher, world.class_a, {pupils[1].pk: UNKNOWN, pupils[2].pk: UNKNOWN})
    with clock(SCHOOL_DAY, 9, 5):  # pupils[2] came late; pupils[1]'s mother phoned: sick
        take(head_teacher, world.class_a, {pupils[1].pk: SICK})
    absence = Absence.objects.get()
    assert (absence.child_id, absence.reason) == (pupils[1].pk, SICK)
    assert absence.explained_by == head_teacher
    history = sorted((h.child_id, h.reason, h.history_type) for h in Absence.history.all())
    assert history == sorted(
        [
            (pupils[1].pk, UNKNOWN, "+"),
            (pupils[2].pk, UNKNOWN, "+"),
            (pupils[2].pk, UNKNOWN, "-"),  # came late: the absence is taken back, not forgotten
            (pupils[1].pk, SICK, "~"),
        ]
    )


def test_a_roll_call_on_a_day_off_is_refused_and_writes_nothing(
    world, head_teacher, school_leader, pupils
):
    calendar_change_add(actor=school_leader, school=world.school_a, day=SCHOOL_DAY, kind="off")
    with clock(SCHOOL_DAY, 8, 20), pytest.raises(ValidationError) as refused:
        take(head_teacher, world.class_a, {})
    assert "不是上课日" in refused.value.message_dict["day"][0]
    assert not RollCall.objects.exists()


def test_a_roll_call_on_a_weekend_is_refused(world, head_teacher):
    with clock(next_weekend_day(), 8, 20), pytest.raises(ValidationError) as refused:
        take(head_teacher, world.class_a, {})
    assert "不是上课日" in refused.value.message_dict["day"][0]


def test_a_roll_call_for_another_day_is_refused(world, head_teacher):
    with clock(SCHOOL_DAY, 8, 20), pytest.raises(ValidationError) as refused:
        roll_call_save(
            actor=head_teacher,
            school_class=world.class_a,
            day=SCHOOL_DAY - datetime.timedelta(days=1),
            absent={},
        )
    assert "只能为今天点名" in refused.value.message_dict["day"][0]


def test_a_head_teacher_cannot_take_another_class(world, head_teacher):
    with clock(SCHOOL_DAY, 8, 20), pytest.raises(PermissionDenied):
        take(head_teacher, world.class_b, {})
    with clock(SCHOOL_DAY, 8, 20), pytest.raises(PermissionDenied):
        take(head_teacher, world.class_a2, {})
    assert not RollCall.objects.exists()


def test_a_school_leader_may_take_any_class_of_the_school(world, school_leader):
    with clock(SCHOOL_DAY, 8, 20):
        roll = take(school_leader, world.class_a2, {})
    assert roll.taken_by == school_leader
    with clock(SCHOOL_DAY, 8, 20), pytest.raises(PermissionDenied):
        take(school_leader, world.class_b, {})


def test_a_teacher_without_a_class_takes_no_roll_call(world, teacher):
    with clock(SCHOOL_DAY, 8, 20), pytest.raises(PermissionDenied):
        take(teacher, world.class_a, {})


def test_a_child_who_left_or_of_another_class_cannot_be_marked(world, head_teacher, pupils):
    left = pupils[3]
    left.left_on = SCHOOL_DAY - datetime.timedelta(days=1)
    left.save(update_fields=["left_on"])
    with clock(SCHOOL_DAY, 8, 20), pytest.raises(ValidationError) as refused:
        take(head_teacher, world.class_a, {left.pk: UNKNOWN, pupils[1].pk: SICK})
    assert left.name in refused.value.message_dict["absent"][0]
    with clock(SCHOOL_DAY, 8, 20), pytest.raises(ValidationError) as refused:
        take(head_teacher, world.class_a, {world.child_b.pk: UNKNOWN})
    assert world.child_b.name in refused.value.message_dict["absent"][0]
    assert not RollCall.objects.exists() and not Absence.objects.exists()
    with clock(SCHOOL_DAY, 8, 20):
        assert take(head_teacher, world.class_a, {}).expected == 3  # the register that day


def test_a_reason_outside_the_four_is_refused(world, head_teacher, pupils):
    with clock(SCHOOL_DAY, 8, 20), pytest.raises(ValidationError) as refused:
        take(head_teacher, world.class_a, {pupils[0].pk: "holiday"})
    assert "病假、事假、旷课或未知" in refused.value.message_dict["reason"][0]


def test_the_roll_call_is_logged_for_the_children_absent(world, head_teacher, pupils):
    with clock(SCHOOL_DAY, 8, 20):
        take(head_teacher, world.class_a, {pupils[1].pk: SICK})
    assert AccessLog.objects.filter(
        user=head_teacher, child=pupils[1], query__contains="点名"
    ).exists()


# --- the follow-up -------------------------------------------------------------------------


def test_the_reason_found_out_later_records_who_and_when(
    world, head_teacher, school_leader, pupils
):
    with clock(SCHOOL_DAY, 8, 20):
        take(head_teacher, world.class_a, {pupils[1].pk: UNKNOWN})
    with clock(SCHOOL_DAY, 11, 0):
        absence = absence_explain(
            actor=school_leader, absence=Absence.objects.get(), reason=AbsenceReason.PERSONAL
        )
    absence.refresh_from_db()
    assert absence.reason == AbsenceReason.PERSONAL and absence.explained_by == school_leader
    assert timezone.localtime(absence.explained_at).hour == 11


def test_explaining_as_unknown_again_is_refused(world, head_teacher, pupils):
    with clock(SCHOOL_DAY, 8, 20):
        take(head_teacher, world.class_a, {pupils[1].pk: UNKNOWN})
        with pytest.raises(ValidationError):
            absence_explain(actor=head_teacher, absence=Absence.objects.get(), reason=UNKNOWN)


def test_the_call_to_the_guardian_is_a_care_call_and_may_explain(world, head_teacher, pupils):
    with clock(SCHOOL_DAY, 8, 20):
        take(head_teacher, world.class_a, {pupils[1].pk: UNKNOWN})
    with clock(SCHOOL_DAY, 9, 30):
        absence = absence_call_record(
            actor=head_teacher,
            absence=Absence.objects.get(),
            summary="奶奶说孩子发烧，在家休息。",
            reason=SICK,
        )
    action = CareAction.objects.get()
    assert action.kind == ActionKind.PARENT_CALL and action.done_on == SCHOOL_DAY
    assert absence.call == action and absence.reason == SICK


def test_another_school_cannot_follow_up_the_absence(world, head_teacher, outsider, pupils):
    with clock(SCHOOL_DAY, 8, 20):
        take(head_teacher, world.class_a, {pupils[1].pk: UNKNOWN})
        with pytest.raises(PermissionDenied):
            absence_explain(actor=outsider, absence=Absence.objects.get(), reason=SICK)


# --- the end of the day --------------------------------------------------------------------


def test_an_absence_still_unknown_at_the_end_of_the_day_becomes_a_same_day_home_visit(
    world, head_teacher, pupils
):
    with clock(SCHOOL_DAY, 8, 20):
        take(head_teacher, world.class_a, {pupils[1].pk: UNKNOWN, pupils[2].pk: SICK})
    with clock(SCHOOL_DAY, 17, 0):
        assert absence_visits_raise(SCHOOL_DAY) == 1
        assert absence_visits_raise(SCHOOL_DAY) == 0  # run twice: nothing more
    task = VisitTask.objects.get()
    assert task.child == pupils[1] and task.due_on == SCHOOL_DAY
    assert task.assignee == head_teacher
    assert task.observation.kind == SignalKind.ABSENT
    assert Absence.objects.get(child=pupils[1]).visit_task == task
