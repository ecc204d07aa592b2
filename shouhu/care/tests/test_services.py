"""The services that write the care work: pairings, buddies, actions, signals, exemptions and
quota settings. Each checks the actor, validates and records the access."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shouhu.accounts.operator import operator_actor
from shouhu.audit.models import AccessAction, AccessLog
from shouhu.care.models import (
    ActionKind,
    Buddy,
    CareAction,
    CareActionChild,
    Pairing,
    PairingKind,
    Quota,
    QuotaPeriod,
    SignalKind,
    VisitTask,
)
from shouhu.care.rules import month_from_key
from shouhu.care.services import (
    LoadLimitExceeded,
    buddy_set,
    care_action_record,
    exemption_grant,
    observation_record,
    pairing_assign,
    pairings_end,
    quota_clear,
    quota_set,
)
from shouhu.care.tests.conftest import TERM_START, at, year
from shouhu.core.roles import ROLE_PERMS, Perm, Role
from shouhu.registry.classification import ParentStatus
from shouhu.testing.dates import TODAY, day, iso, month_key
from shouhu.testing.factories import (
    BuddyFactory,
    PairingFactory,
    QuotaFactory,
    TeacherFactory,
    VisitTaskFactory,
    VolunteerFactory,
    register_child,
)

# --- pairings ---------------------------------------------------------------------------------


def test_head_teacher_pairs_a_child_with_a_teacher_of_the_school_from_today(world, head_teacher):
    carer = TeacherFactory(scope_school=world.school_a)
    pairing = pairing_assign(actor=head_teacher, child=world.child_a, carer=carer)
    assert (pairing.carer, pairing.starts_on, pairing.ends_on) == (carer, TODAY, None)
    assert pairing.assigned_by == head_teacher
    assert AccessLog.objects.filter(
        child=world.child_a, user=head_teacher, action=AccessAction.UPDATE
    ).exists()


def test_reassignment_ends_the_old_pairing_yesterday_and_keeps_it(world, head_teacher, paired):
    newcomer = TeacherFactory(scope_school=world.school_a)
    pairing_assign(actor=head_teacher, child=world.child_a, carer=newcomer)
    history = list(Pairing.objects.filter(child=world.child_a).order_by("starts_on"))
    assert [(p.carer, p.starts_on, p.ends_on) for p in history] == [
        (paired.carer, TERM_START, TODAY - datetime.timedelta(days=1)),
        (newcomer, TODAY, None),
    ]


def test_a_pairing_made_today_is_corrected_in_place(world, head_teacher):
    first = TeacherFactory(scope_school=world.school_a)
    second = TeacherFactory(scope_school=world.school_a)
    pairing_assign(actor=head_teacher, child=world.child_a, carer=first)
    pairing_assign(actor=head_teacher, child=world.child_a, carer=second)
    assert [p.carer for p in Pairing.objects.filter(child=world.child_a)] == [second]


def test_choosing_nobody_ends_the_pairing(world, head_teacher, paired):
    assert pairing_assign(actor=head_teacher, child=world.child_a, carer=None) is None
    paired.refresh_from_db()
    assert paired.ends_on == TODAY - datetime.timedelta(days=1)


def test_the_open_tasks_of_the_child_follow_the_new_proxy_parent(world, head_teacher, paired):
    task = VisitTaskFactory(observation__child=world.child_a, assignee=paired.carer)
    newcomer = TeacherFactory(scope_school=world.school_a)
    pairing_assign(actor=head_teacher, child=world.child_a, carer=newcomer)
    task.refresh_from_db()
    assert task.assignee == newcomer
    pairing_assign(actor=head_teacher, child=world.child_a, carer=None)
    task.refresh_from_db()
    assert task.assignee == head_teacher


def test_a_teacher_over_the_load_limit_needs_confirming(world, head_teacher, settings):
    settings.SHOUHU_PROXY_LOAD_LIMIT = 2
    carer = TeacherFactory(scope_school=world.school_a, display_name="王老师")
    others = [register_child(head_teacher, world.class_a) for _ in range(2)]
    for child in others:
        pairing_assign(actor=head_teacher, child=child, carer=carer)
    with pytest.raises(LoadLimitExceeded) as refused:
        pairing_assign(actor=head_teacher, child=world.child_a, carer=carer)
    assert refused.value.messages == ["王老师 将负责 3 名儿童，超过建议的每人 2 名。"]
    assert not Pairing.objects.filter(child=world.child_a).exists()
    pairing_assign(actor=head_teacher, child=world.child_a, carer=carer, allow_over_limit=True)
    assert Pairing.objects.current(TODAY).filter(carer=carer).count() == 3


def test_a_volunteer_may_be_proxy_parent_but_not_mentor(world, head_teacher):
    volunteer = VolunteerFactory()
    pairing_assign(actor=head_teacher, child=world.child_a, carer=volunteer)
    with pytest.raises(ValidationError, match="须为本校教师或志愿者"):
        pairing_assign(
            actor=head_teacher, child=world.child_a, carer=volunteer, kind=PairingKind.MENTOR
        )


def test_a_teacher_of_another_school_cannot_be_proxy_parent(world, head_teacher):
    stranger = TeacherFactory(scope_school=world.school_b)
    with pytest.raises(ValidationError):
        pairing_assign(actor=head_teacher, child=world.child_a, carer=stranger)


def test_a_proxy_parent_and_a_mentor_are_held_side_by_side(world, head_teacher, paired):
    mentor = TeacherFactory(scope_school=world.school_a)
    pairing_assign(actor=head_teacher, child=world.child_a, carer=mentor, kind=PairingKind.MENTOR)
    kinds = dict(
        Pairing.objects.current(TODAY).filter(child=world.child_a).values_list("kind", "carer")
    )
    assert kinds == {PairingKind.PROXY_PARENT: paired.carer_id, PairingKind.MENTOR: mentor.pk}


@pytest.mark.parametrize("actor", ["teacher", "other_head_teacher", "region_officer"])
def test_only_the_class_head_teacher_or_school_leader_arranges_pairings(world, request, actor):
    user = request.getfixturevalue(actor)
    with pytest.raises(PermissionDenied):
        pairing_assign(actor=user, child=world.child_a, carer=None)


def test_school_leader_arranges_pairings_in_any_class_of_the_school(world, school_leader, teacher):
    assert pairing_assign(actor=school_leader, child=world.child_a, carer=teacher).carer == teacher


# --- pairings ending with the register (离开名册, 转学, 学年交接) ---------------------------------


def test_ending_with_the_register_closes_every_open_pairing_on_the_day_and_logs_the_reason(
    world, head_teacher, paired
):
    mentor = PairingFactory(
        child=world.child_a, kind=PairingKind.MENTOR, starts_on=day(2026, 10, 8)
    )
    other_child = PairingFactory(child=world.child_b)
    buddy = BuddyFactory(child=world.child_a, starts_on=TERM_START)
    ended = pairings_end(
        actor=head_teacher, child=world.child_a, on=day(2026, 11, 20), reason="父母返乡"
    )
    assert ended == 2
    rows = Pairing.objects.filter(child=world.child_a).order_by("starts_on")
    assert [(p.pk, p.ends_on) for p in rows] == [
        (paired.pk, day(2026, 11, 20)),
        (mentor.pk, day(2026, 11, 20)),
    ]
    other_child.refresh_from_db()
    buddy.refresh_from_db()
    assert (other_child.ends_on, buddy.ends_on) == (None, None)
    (log,) = AccessLog.objects.filter(
        child=world.child_a, user=head_teacher, action=AccessAction.UPDATE
    )
    assert log.query == "结对结束：父母返乡"


def test_a_pairing_that_began_after_the_day_ends_on_its_first_day(world, head_teacher):
    pairing = PairingFactory(child=world.child_a, starts_on=day(2026, 11, 25))
    pairings_end(actor=head_teacher, child=world.child_a, on=day(2026, 11, 20), reason="转学")
    pairing.refresh_from_db()
    assert pairing.ends_on == day(2026, 11, 25)


def test_ending_one_kind_leaves_the_other_open(world, school_leader, paired):
    mentor = PairingFactory(child=world.child_a, kind=PairingKind.MENTOR, starts_on=TERM_START)
    ended = pairings_end(
        actor=school_leader,
        child=world.child_a,
        on=day(2027, 1, 20),
        kind=PairingKind.MENTOR,
        reason="学年交接时未延续",
    )
    paired.refresh_from_db()
    mentor.refresh_from_db()
    assert (ended, paired.ends_on, mentor.ends_on) == (1, None, day(2027, 1, 20))


def test_nothing_open_ends_nothing_and_logs_nothing(world, head_teacher):
    assert pairings_end(actor=head_teacher, child=world.child_a, on=TODAY, reason="转学") == 0
    assert not AccessLog.objects.filter(
        child=world.child_a, action=AccessAction.UPDATE, user=head_teacher
    ).exists()


def test_who_may_change_the_file_ends_its_pairings_without_arranging_them(
    world, head_teacher, paired, monkeypatch
):
    """The register's flows are done by whoever may change the file; the arrangement
    permission is `pairing_assign`'s, not theirs."""
    without = ROLE_PERMS[Role.HEAD_TEACHER] - {Perm.PAIRING_MANAGE}
    monkeypatch.setitem(ROLE_PERMS, Role.HEAD_TEACHER, without)
    with pytest.raises(PermissionDenied):
        pairing_assign(actor=head_teacher, child=world.child_a, carer=None)
    assert pairings_end(actor=head_teacher, child=world.child_a, on=TODAY, reason="转学") == 1


def test_the_server_operator_ends_pairings_at_the_handover(world, paired):
    assert pairings_end(actor=operator_actor(), child=world.child_a, on=TODAY, reason="毕业") == 1


@pytest.mark.parametrize("actor", ["teacher", "other_head_teacher", "region_officer"])
def test_who_may_not_change_the_file_cannot_end_its_pairings(world, request, actor, paired):
    user = request.getfixturevalue(actor)
    with pytest.raises(PermissionDenied):
        pairings_end(actor=user, child=world.child_a, on=TODAY, reason="转学")
    paired.refresh_from_db()
    assert paired.ends_on is None


# --- buddies ----------------------------------------------------------------------------------


def test_a_buddy_is_a_classmate_by_name_and_replacing_ends_the_old(world, head_teacher):
    with at("2026-11-01"):
        buddy_set(actor=head_teacher, child=world.child_a, name="王小明")
    buddy_set(actor=head_teacher, child=world.child_a, name=" 赵 小红 ")
    buddies = list(Buddy.objects.filter(child=world.child_a).order_by("starts_on"))
    assert [(b.name, b.ends_on) for b in buddies] == [
        ("王小明", day(2026, 11, 28)),
        ("赵 小红", None),
    ]


def test_a_left_behind_classmate_cannot_be_a_buddy(world, head_teacher):
    other = register_child(head_teacher, world.class_a, name="陈晓雨")
    with pytest.raises(ValidationError) as refused:
        buddy_set(actor=head_teacher, child=world.child_a, name=other.name)
    assert "一帮一伙伴应为本班的非留守学生" in str(refused.value)


def test_a_classmate_who_is_not_left_behind_can_be_a_buddy(world, head_teacher):
    register_child(
        head_teacher,
        world.class_a,
        name="杨子涵",
        father=ParentStatus.AT_HOME,
        mother=ParentStatus.AT_HOME,
    )
    assert buddy_set(actor=head_teacher, child=world.child_a, name="杨子涵").name == "杨子涵"


# --- care actions -----------------------------------------------------------------------------


def test_a_home_visit_is_recorded_with_its_child_link_and_an_access_log_row(world, teacher, paired):
    action = care_action_record(
        actor=teacher,
        kind=ActionKind.HOME_VISIT,
        done_on=TODAY,
        children=[world.child_a],
        summary="  爷爷身体好，孩子作业按时完成。 ",
    )
    assert CareAction.objects.get().summary == "爷爷身体好，孩子作业按时完成。"
    link = CareActionChild.objects.get()
    assert (link.action, link.child, link.kind, link.done_on) == (
        action,
        world.child_a,
        ActionKind.HOME_VISIT,
        TODAY,
    )
    assert AccessLog.objects.filter(
        user=teacher, child=world.child_a, action=AccessAction.CREATE
    ).exists()


def test_a_symposium_records_many_children_at_once(world, head_teacher):
    children = [world.child_a, register_child(head_teacher, world.class_a)]
    logged = AccessLog.objects.filter(action=AccessAction.CREATE, user=head_teacher)
    before = logged.count()
    action = care_action_record(
        actor=head_teacher, kind=ActionKind.SYMPOSIUM, done_on=TODAY, children=children
    )
    assert set(action.children.all()) == set(children)
    assert logged.count() == before + 2


def test_a_child_outside_the_scope_cannot_be_recorded(world, teacher):
    with pytest.raises(PermissionDenied):
        care_action_record(
            actor=teacher, kind=ActionKind.TALK, done_on=TODAY, children=[world.child_b]
        )
    assert not CareAction.objects.exists()


def test_a_date_in_the_future_is_refused_in_chinese(world, teacher):
    with pytest.raises(ValidationError) as refused:
        care_action_record(
            actor=teacher,
            kind=ActionKind.HOME_VISIT,
            done_on=TODAY + datetime.timedelta(days=1),
            children=[world.child_a],
        )
    assert refused.value.message_dict == {"done_on": ["日期不能晚于今天。"]}


NOVEMBER = month_from_key(month_key("2026-11"))


def test_a_late_entry_is_dated_within_its_period(world, teacher, paired):
    with at("2026-12-03"):
        action = care_action_record(
            actor=teacher,
            kind=ActionKind.HOME_VISIT,
            done_on=day(2026, 11, 28),
            children=[world.child_a],
            period=NOVEMBER,
        )
    assert action.done_on == day(2026, 11, 28)


@pytest.mark.parametrize("done_on", ["2026-12-03", "2026-10-31"])
def test_a_late_entry_dated_outside_its_period_is_refused_in_chinese(
    world, teacher, paired, done_on
):
    with at("2026-12-03"), pytest.raises(ValidationError) as refused:
        care_action_record(
            actor=teacher,
            kind=ActionKind.HOME_VISIT,
            done_on=datetime.date.fromisoformat(iso(done_on)),
            children=[world.child_a],
            period=NOVEMBER,
        )
    assert refused.value.message_dict == {
        "done_on": [
            f"请填写实际发生的日期，须在{year(2026)}年11月内"
            f"（{iso('2026-11-01')}至{iso('2026-11-30')}）。"
        ]
    }
    assert not CareAction.objects.exists()


def test_a_late_entry_after_the_late_entry_days_is_refused(world, teacher, paired, settings):
    settings.SHOUHU_LATE_ENTRY_DAYS = 3
    with at("2026-12-04"), pytest.raises(ValidationError) as refused:
        care_action_record(
            actor=teacher,
            kind=ActionKind.HOME_VISIT,
            done_on=day(2026, 11, 28),
            children=[world.child_a],
            period=NOVEMBER,
        )
    assert refused.value.message_dict == {
        "done_on": [f"{year(2026)}年11月的补录已于{iso('2026-12-03')}截止，未完成的计为未完成。"]
    }


def test_a_visit_dated_before_the_signal_does_not_close_its_task(world, teacher, paired):
    task = VisitTaskFactory(
        observation__child=world.child_a, observation__noted_on=TODAY, assignee=teacher
    )
    with pytest.raises(ValidationError) as refused:
        care_action_record(
            actor=teacher,
            kind=ActionKind.HOME_VISIT,
            done_on=TODAY - datetime.timedelta(days=1),
            children=[world.child_a],
            tasks=[task],
        )
    assert refused.value.message_dict == {
        "tasks": ["家访日期早于发现必访信号的日期，不能完成该家访任务。"]
    }


def test_only_a_counsellor_records_counselling(world, teacher, counsellor):
    with pytest.raises(PermissionDenied):
        care_action_record(
            actor=teacher, kind=ActionKind.COUNSELLING, done_on=TODAY, children=[world.child_a]
        )
    care_action_record(
        actor=counsellor, kind=ActionKind.COUNSELLING, done_on=TODAY, children=[world.child_a]
    )


def test_a_home_visit_linked_to_a_task_closes_it(world, teacher, paired):
    task = VisitTaskFactory(observation__child=world.child_a, assignee=teacher)
    action = care_action_record(
        actor=teacher,
        kind=ActionKind.HOME_VISIT,
        done_on=TODAY,
        children=[world.child_a],
        tasks=[task],
    )
    task.refresh_from_db()
    assert (task.done_by, task.done_on) == (action, TODAY)


def test_only_a_home_visit_closes_a_task(world, teacher, paired):
    task = VisitTaskFactory(observation__child=world.child_a, assignee=teacher)
    with pytest.raises(ValidationError, match="只有家访可以完成家访任务"):
        care_action_record(
            actor=teacher,
            kind=ActionKind.PARENT_CALL,
            done_on=TODAY,
            children=[world.child_a],
            tasks=[task],
        )


def test_a_volunteer_records_care_of_the_child_paired_with_them(world, volunteer):
    care_action_record(
        actor=volunteer, kind=ActionKind.HOME_VISIT, done_on=TODAY, children=[world.child_a]
    )
    with pytest.raises(PermissionDenied):
        care_action_record(
            actor=volunteer, kind=ActionKind.HOME_VISIT, done_on=TODAY, children=[world.child_b]
        )


# --- signals (五必访) ---------------------------------------------------------------------------


def test_a_signal_makes_a_home_visit_task_for_the_proxy_parent_due_in_three_days(
    world, head_teacher, paired
):
    task = observation_record(
        actor=head_teacher, child=world.child_a, kind=SignalKind.GRADES_DROPPED, noted_on=TODAY
    )
    assert (task.assignee, task.due_on, task.done_on) == (paired.carer, day(2026, 12, 2), None)
    assert task.observation.kind == SignalKind.GRADES_DROPPED
    assert task.observation.author == head_teacher


def test_without_a_proxy_parent_the_task_goes_to_the_head_teacher(world, teacher, head_teacher):
    task = observation_record(
        actor=teacher, child=world.child_a, kind=SignalKind.BAD_MOOD, noted_on=TODAY
    )
    assert task.assignee == head_teacher


def test_the_due_days_are_a_setting(world, teacher, settings):
    settings.SHOUHU_TASK_DUE_DAYS = 7
    task = observation_record(
        actor=teacher, child=world.child_a, kind=SignalKind.UNWELL, noted_on=day(2026, 11, 28)
    )
    assert task.due_on == day(2026, 12, 5)


def test_a_teacher_cannot_record_a_signal_about_a_child_of_another_school(world, teacher):
    with pytest.raises(PermissionDenied):
        observation_record(
            actor=teacher, child=world.child_b, kind=SignalKind.QUARREL, noted_on=TODAY
        )
    assert not VisitTask.objects.exists()


def test_a_volunteer_does_not_record_signals(world, volunteer):
    with pytest.raises(PermissionDenied):
        observation_record(
            actor=volunteer, child=world.child_a, kind=SignalKind.QUARREL, noted_on=TODAY
        )


# --- exemptions -------------------------------------------------------------------------------


def test_head_teacher_grants_an_exemption_with_a_reason(world, head_teacher):
    exemption = exemption_grant(
        actor=head_teacher,
        child=world.child_a,
        kind=ActionKind.HOME_VISIT,
        starts_on=day(2026, 11, 5),
        ends_on=day(2026, 11, 20),
        reason="住院治疗",
    )
    assert (exemption.granted_by, exemption.reason) == (head_teacher, "住院治疗")


def test_a_teacher_cannot_grant_an_exemption(world, teacher):
    with pytest.raises(PermissionDenied):
        exemption_grant(
            actor=teacher,
            child=world.child_a,
            kind="",
            starts_on=TODAY,
            ends_on=TODAY,
            reason="住院",
        )


# --- quota settings ---------------------------------------------------------------------------


def test_a_school_may_tighten_the_county_quota(world, school_leader):
    QuotaFactory(region=world.county, kind=ActionKind.HOME_VISIT, period="month", minimum=1)
    quota_set(
        actor=school_leader,
        node=world.school_a,
        kind=ActionKind.HOME_VISIT,
        period=QuotaPeriod.MONTH,
        minimum=2,
    )
    assert Quota.objects.get(school=world.school_a).minimum == 2


def test_a_school_may_not_loosen_the_county_quota(world, school_leader):
    QuotaFactory(region=world.county, kind=ActionKind.HOME_VISIT, period="month", minimum=2)
    with pytest.raises(ValidationError) as refused:
        quota_set(
            actor=school_leader,
            node=world.school_a,
            kind=ActionKind.HOME_VISIT,
            period=QuotaPeriod.MONTH,
            minimum=1,
        )
    assert refused.value.messages == ["只能提高、不能降低上级的要求：万源市规定家访每月至少2次。"]
    assert not Quota.objects.filter(school=world.school_a).exists()


def test_nobody_may_loosen_the_three_ones(world, region_officer):
    with pytest.raises(ValidationError) as refused:
        quota_set(
            actor=region_officer,
            node=world.county,
            kind=ActionKind.HOME_VISIT,
            period=QuotaPeriod.TERM,
            minimum=3,
        )
    assert refused.value.messages == [
        "只能提高、不能降低上级的要求：系统默认（三个一）规定家访每月至少1次。"
    ]


def test_a_county_adds_a_quota_and_clears_it_again(world, region_officer):
    quota_set(
        actor=region_officer,
        node=world.county,
        kind=ActionKind.TALK,
        period=QuotaPeriod.MONTH,
        minimum=2,
    )
    assert Quota.objects.get(region=world.county).kind == ActionKind.TALK
    quota_clear(actor=region_officer, node=world.county, kind=ActionKind.TALK)
    assert not Quota.objects.exists()


def test_a_township_officer_cannot_set_the_quota_of_a_school_in_another_township(
    world, township_officer
):
    with pytest.raises(PermissionDenied):
        quota_set(
            actor=township_officer,
            node=world.school_b,
            kind=ActionKind.TALK,
            period=QuotaPeriod.MONTH,
            minimum=1,
        )


def test_a_head_teacher_does_not_set_quotas(world, head_teacher):
    with pytest.raises(PermissionDenied):
        quota_set(
            actor=head_teacher,
            node=world.school_a,
            kind=ActionKind.TALK,
            period=QuotaPeriod.MONTH,
            minimum=1,
        )


def test_pairing_factory_default_is_a_teacher_of_the_childs_school(world):
    pairing = PairingFactory(child=world.child_b)
    assert pairing.carer.scope_school == world.school_b


def test_when_the_proxy_parent_pairing_ends_the_open_tasks_go_to_who_is_named(
    world, head_teacher, other_head_teacher, paired
):
    """As at a transfer: the new class's head teacher takes the visits still owed."""
    still_owed = VisitTaskFactory(observation__child=world.child_a, assignee=paired.carer)
    done = VisitTaskFactory(
        observation__child=world.child_a, assignee=paired.carer, done_on=day(2026, 11, 2)
    )
    pairings_end(
        actor=head_teacher,
        child=world.child_a,
        on=TODAY,
        reason="转学",
        tasks_to=other_head_teacher,
    )
    still_owed.refresh_from_db()
    done.refresh_from_db()
    assert (still_owed.assignee, done.assignee) == (other_head_teacher, paired.carer)


@pytest.mark.parametrize("mentor_only, named", [(True, True), (False, False)])
def test_tasks_stay_when_the_proxy_parent_stays_or_nobody_is_named(
    world, head_teacher, other_head_teacher, paired, mentor_only, named
):
    PairingFactory(child=world.child_a, kind=PairingKind.MENTOR, starts_on=TERM_START)
    task = VisitTaskFactory(observation__child=world.child_a, assignee=paired.carer)
    pairings_end(
        actor=head_teacher,
        child=world.child_a,
        on=TODAY,
        reason="学年交接时未延续",
        kind=PairingKind.MENTOR if mentor_only else None,
        tasks_to=other_head_teacher if named else None,
    )
    task.refresh_from_db()
    assert task.assignee == paired.carer
