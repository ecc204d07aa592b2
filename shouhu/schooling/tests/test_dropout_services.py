"""控辍保学 as the school works it: the rules enter suspects, the school confirms or clears them,
the case goes through 劝返 to 销号, or out another way; nothing is deleted; bad moves refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhu.registry.models import LeaveReason
from shouhu.schooling.models.attendance import AbsenceReason
from shouhu.schooling.models.dropout import (
    CaseState,
    DropoutCase,
    DropoutCause,
    SuspectedDropout,
    SuspectRule,
    SuspectStatus,
)
from shouhu.schooling.services import dropout as services
from shouhu.schooling.services.dropout_detect import suspects_detect
from shouhu.schooling.tests.dropout_helpers import at, roll_call
from shouhu.testing.dates import day, weekdays_after


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.SHOUHU_TWO_FACTOR_ROLES = ()


def _absent_three_days(world, head_teacher, reason=AbsenceReason.UNKNOWN):
    for dom in (25, 26, 27):
        roll_call(
            world.class_a,
            day(2026, 11, dom),
            absent=[world.child_a],
            reason=reason,
            by=head_teacher,
        )


def test_three_consecutive_unexplained_days_make_a_suspected_dropout(world, head_teacher):
    _absent_three_days(world, head_teacher)
    found = suspects_detect(day(2026, 11, 27))
    entry = SuspectedDropout.objects.get()
    assert found[SuspectRule.ABSENT_DAYS] == 1
    assert (entry.child, entry.rule, entry.status) == (
        world.child_a,
        SuspectRule.ABSENT_DAYS,
        SuspectStatus.OPEN,
    )
    # Two school days (Monday to Friday) to handle it: found on a Friday, it is due on Tuesday.
    assert entry.due_on == weekdays_after(day(2026, 11, 27), 2)
    assert suspects_detect(day(2026, 11, 27))[SuspectRule.ABSENT_DAYS] == 0


def test_sick_days_are_not_a_dropout(world, head_teacher):
    _absent_three_days(world, head_teacher, reason=AbsenceReason.SICK)
    suspects_detect(day(2026, 11, 27))
    assert not SuspectedDropout.objects.exists()


def test_a_present_day_in_between_breaks_the_streak(world, head_teacher):
    roll_call(world.class_a, day(2026, 11, 25), absent=[world.child_a], by=head_teacher)
    roll_call(world.class_a, day(2026, 11, 26), by=head_teacher)
    roll_call(world.class_a, day(2026, 11, 27), absent=[world.child_a], by=head_teacher)
    suspects_detect(day(2026, 11, 27))
    assert not SuspectedDropout.objects.exists()


def test_a_cleared_streak_is_not_entered_again_the_next_day(world, head_teacher):
    _absent_three_days(world, head_teacher)
    suspects_detect(day(2026, 11, 27))
    entry = SuspectedDropout.objects.get()
    services.suspect_clear(actor=head_teacher, entry=entry, note="家长电话说明：住院")
    suspects_detect(day(2026, 11, 28))
    assert SuspectedDropout.objects.count() == 1


def test_absent_the_whole_first_week_of_term(world, head_teacher, settings):
    settings.SHOUHU_DROPOUT_ABSENT_DAYS = 99
    for dom in (1, 2, 3, 4, 7):
        roll_call(
            world.class_a,
            day(2026, 9, dom),
            absent=[world.child_a],
            reason=AbsenceReason.PERSONAL,
            by=head_teacher,
        )
    suspects_detect(day(2026, 9, 7))
    assert SuspectedDropout.objects.get().rule == SuspectRule.FIRST_WEEK


def test_leaving_the_register_without_transfer_papers(world, head_teacher):
    child = world.child_a
    child.left_on = day(2026, 11, 20)
    child.left_reason = LeaveReason.MOVED_AWAY
    child.save()
    world.child_b.left_on = day(2026, 11, 20)
    world.child_b.left_reason = LeaveReason.GRADUATED
    world.child_b.save()
    suspects_detect(day(2026, 11, 27))
    assert list(SuspectedDropout.objects.values_list("child", "rule")) == [
        (child.pk, SuspectRule.LEFT_NO_PAPERS)
    ]


@pytest.fixture
def entry(world):
    return services.suspect_enter(
        child=world.child_a, rule=SuspectRule.ABSENT_DAYS, found_on=day(2026, 11, 27)
    )


def test_confirming_opens_a_case_with_the_written_report_due_in_seven_days(entry, head_teacher):
    case = services.suspect_confirm(
        actor=head_teacher, entry=entry, cause=DropoutCause.POVERTY, guardian_opinion="家里缺钱"
    )
    entry.refresh_from_db()
    assert entry.status == SuspectStatus.CONFIRMED and entry.case == case
    assert case.state == CaseState.REGISTERED
    assert case.registered_on == day(2026, 11, 29)
    assert case.report_due_on == day(2026, 12, 6)
    assert DropoutCase.objects.get().guardian_opinion == "家里缺钱"


def test_clearing_needs_a_reason(entry, head_teacher):
    with pytest.raises(ValidationError) as refused:
        services.suspect_clear(actor=head_teacher, entry=entry, note=" ")
    assert refused.value.message_dict == {"note": ["请说明排除的理由。"]}


def test_a_head_teacher_of_another_school_cannot_handle_the_entry(entry, other_head_teacher):
    with pytest.raises(PermissionDenied):
        services.suspect_clear(actor=other_head_teacher, entry=entry, note="x")


def test_a_township_officer_reviews_but_does_not_register(entry, township_officer):
    with pytest.raises(PermissionDenied):
        services.suspect_confirm(actor=township_officer, entry=entry, cause=DropoutCause.WEARY)


@pytest.fixture
def case(entry, head_teacher):
    return services.suspect_confirm(actor=head_teacher, entry=entry, cause=DropoutCause.WEARY)


def test_the_persuasion_path_to_write_off(case, head_teacher, school_leader):
    services.case_plan_set(
        actor=head_teacher,
        case=case,
        cause=DropoutCause.WEARY,
        cause_note="成绩差，不想读",
        guardian_opinion="希望孩子读书",
        plan_staff="张老师、赵校长",
        plan_cadre="村支书王明",
        plan_township="教管中心孙主任",
        plan_note="周末上门",
    )
    assert case.state == CaseState.PERSUADING
    services.attempt_record(
        actor=head_teacher,
        case=case,
        done_on=day(2026, 11, 29),
        who="张老师",
        way="home_visit",
        family_said="考虑一下",
    )
    services.case_return(actor=head_teacher, case=case, returned_on=day(2026, 11, 29))
    assert case.state == CaseState.RETURNED
    with at("2026-12-10"):
        services.followup_record(
            actor=head_teacher,
            case=case,
            done_on=day(2026, 12, 10),
            attending=True,
            talk="按时到校",
        )
    assert case.state == CaseState.FOLLOWING
    with at("2027-01-10"), pytest.raises(ValidationError) as too_early:
        services.case_write_off(actor=school_leader, case=case)
    assert "复学后须跟踪到本学期结束" in too_early.value.message_dict["state"][0]
    with at("2027-01-10"):
        services.followup_record(
            actor=head_teacher, case=case, done_on=day(2027, 1, 10), attending=True, talk="稳定"
        )
    with at("2027-01-21"):
        services.case_write_off(actor=school_leader, case=case)
    case.refresh_from_db()
    assert case.state == CaseState.WRITTEN_OFF and case.closed_on == day(2027, 1, 21)


def test_a_returned_case_cannot_take_another_persuasion_attempt(case, head_teacher):
    services.case_return(actor=head_teacher, case=case, returned_on=day(2026, 11, 29))
    with pytest.raises(ValidationError) as refused:
        services.attempt_record(
            actor=head_teacher,
            case=case,
            done_on=day(2026, 11, 29),
            who="张老师",
            way="phone",
            family_said="",
        )
    assert refused.value.message_dict["state"] == ["该案件当前为“已复学”，不能再记录劝返。"]


def test_write_off_straight_from_registered_is_refused(case, school_leader):
    with pytest.raises(ValidationError) as refused:
        services.case_write_off(actor=school_leader, case=case)
    assert refused.value.message_dict["state"] == ["该案件当前为“已登记”，不能转为“已销号”。"]
    assert DropoutCase.objects.get().state == CaseState.REGISTERED


def test_transfer_needs_the_papers(case, head_teacher):
    with pytest.raises(ValidationError) as refused:
        services.case_exit(
            actor=head_teacher, case=case, to=CaseState.TRANSFERRED, reason="转往外省"
        )
    assert refused.value.message_dict == {"evidence": ["转学须上传转学手续（接收证明）。"]}
    assert DropoutCase.objects.get().state == CaseState.REGISTERED


def test_medical_deferral_keeps_the_certificate(case, head_teacher):
    scan = SimpleUploadedFile("诊断证明.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    services.case_exit(
        actor=head_teacher, case=case, to=CaseState.MEDICAL, reason="白血病住院治疗", evidence=scan
    )
    case.refresh_from_db()
    assert case.state == CaseState.MEDICAL and case.close_evidence.name == "诊断证明.pdf"


def test_a_mistaken_case_is_closed_with_its_reason_and_kept(case, head_teacher):
    services.case_close_mistaken(
        actor=head_teacher, case=case, reason="学生实为随父母外出，已在外地就读"
    )
    case.refresh_from_db()
    assert case.state == CaseState.MISTAKEN and case.close_reason.startswith("学生实为")
    with pytest.raises(ValidationError):
        services.case_close_mistaken(actor=head_teacher, case=case, reason="再关一次")


def test_only_the_school_leader_records_the_written_reports_filing(
    case, head_teacher, school_leader
):
    with pytest.raises(PermissionDenied):
        services.report_file(actor=head_teacher, case=case, filed_on=day(2026, 11, 29))
    services.report_file(actor=school_leader, case=case, filed_on=day(2026, 11, 29))
    assert DropoutCase.objects.get().report_filed_on == day(2026, 11, 29)


def test_one_active_case_per_child(case, head_teacher, world):
    with pytest.raises(ValidationError) as refused:
        services.case_register(actor=head_teacher, child=world.child_a, cause=DropoutCause.WEARY)
    assert refused.value.message_dict == {"child": ["该学生已有未销号的辍学案件。"]}


def test_nothing_here_can_be_deleted_through_a_child(case):
    # The case holds its child with PROTECT: the file cannot vanish under a case.
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        case.child.delete()


def test_the_daily_duty_runs_the_rules_and_says_what_it_found(world, head_teacher):
    from shouhu.jobs.registry import duty_get

    _absent_three_days(world, head_teacher)
    duty = duty_get("schooling.dropout_rules")
    assert duty is not None
    assert duty.run(day(2026, 11, 27)) == (
        "连续无故缺勤 1 人；开学第一周未到校 0 人；离开名册无转学手续 0 人"
    )


def test_a_quarter_review_names_a_real_quarter_and_a_sending_back_its_reason(world, region_officer):
    from shouhu.schooling.services.dropout_reports import quarter_review_record

    with pytest.raises(ValidationError) as bad:
        quarter_review_record(
            actor=region_officer, school=world.school_a, quarter="x", decision="confirmed"
        )
    assert bad.value.message_dict == {"quarter": ["季度格式应为2026-Q4。"]}
    with pytest.raises(ValidationError) as no_note:
        quarter_review_record(
            actor=region_officer,
            school=world.school_a,
            quarter=f"{day(2026, 11, 29).year}-Q4",
            decision="sent_back",
        )
    assert no_note.value.message_dict == {"note": ["退回时请写明需要学校核实或更正的内容。"]}
