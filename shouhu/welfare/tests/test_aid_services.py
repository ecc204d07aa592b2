"""Aid (资助·救助): the head teacher proposes, the school leader approves or rejects, civil
affairs decides its kinds; decided records are corrected, never edited; bad input is refused
with a Chinese error naming the field, and nothing is written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shouhu.core.masking import mask_name
from shouhu.testing.factories import SchoolLeaderFactory
from shouhu.welfare.models.aid import AidKind, AidRecord, AidStatus
from shouhu.welfare.services.aid import aid_amount_parse, aid_decide, aid_propose, aid_review

pytestmark = pytest.mark.django_db
ONE_DAY = datetime.timedelta(days=1)


def propose(actor, child, **overrides):
    data = {
        "kind": AidKind.HARDSHIP_GRANT,
        "amount": "1250.00",
        "source": "县学生资助管理中心",
        "reason": "父亲去年病故，母亲外出务工收入低",
    }
    data.update(overrides)
    return aid_propose(actor=actor, child=child, **data)


def test_head_teacher_proposes_and_school_leader_approves(world, head_teacher, school_leader):
    record = propose(head_teacher, world.child_a)
    assert record.status == AidStatus.PROPOSED
    assert record.term == world.term
    assert record.school_class == world.class_a
    approved = aid_review(actor=school_leader, record=record, approve=True, note="同意")
    assert approved.status == AidStatus.APPROVED
    assert approved.decided_by == school_leader
    assert AidRecord.objects.effective().get() == approved
    assert approved.history.count() == 2  # proposed, then approved


def test_school_leader_rejects_with_a_note_only(world, head_teacher, school_leader):
    record = propose(head_teacher, world.child_a)
    with pytest.raises(ValidationError) as error:
        aid_review(actor=school_leader, record=record, approve=False, note="")
    assert "note" in error.value.message_dict
    rejected = aid_review(actor=school_leader, record=record, approve=False, note="家庭收入达标")
    assert rejected.status == AidStatus.REJECTED
    assert not AidRecord.objects.effective().exists()


def test_the_proposer_may_not_approve_their_own(world, school_leader):
    record = propose(school_leader, world.child_a)
    with pytest.raises(ValidationError, match="申请人不能审批自己"):
        aid_review(actor=school_leader, record=record, approve=True)
    other = SchoolLeaderFactory(scope_school=world.school_a)
    assert aid_review(actor=other, record=record, approve=True).status == AidStatus.APPROVED


def test_civil_kind_is_referred_and_the_township_officer_decides(
    world, head_teacher, school_leader, township_officer
):
    record = propose(head_teacher, world.child_a, kind=AidKind.LOW_INCOME, source="镇民政办")
    referred = aid_review(actor=school_leader, record=record, approve=True, note="建议纳入低保")
    assert referred.status == AidStatus.REFERRED
    assert not AidRecord.objects.effective().exists()
    with pytest.raises(PermissionDenied):
        aid_decide(actor=school_leader, record=referred, approve=True)
    decided = aid_decide(actor=township_officer, record=referred, approve=True, note="已纳入")
    assert decided.status == AidStatus.APPROVED
    assert decided.decided_by == township_officer


def test_a_school_kind_never_goes_to_civil_affairs(world, head_teacher, township_officer):
    record = propose(head_teacher, world.child_a)
    with pytest.raises(ValidationError, match="只有已转民政部门"):
        aid_decide(actor=township_officer, record=record, approve=True)


def test_a_decided_record_cannot_be_reviewed_again(world, head_teacher, school_leader):
    record = aid_review(
        actor=school_leader, record=propose(head_teacher, world.child_a), approve=True
    )
    with pytest.raises(ValidationError, match="不能再次审批"):
        aid_review(actor=school_leader, record=record, approve=False, note="改为不批准")


def test_a_correction_points_to_the_record_and_replaces_it_once_approved(
    world, head_teacher, school_leader
):
    original = aid_review(
        actor=school_leader, record=propose(head_teacher, world.child_a), approve=True
    )
    correction = propose(head_teacher, world.child_a, amount="1000", corrects=original)
    assert correction.corrects == original
    assert list(AidRecord.objects.effective()) == [original]  # until it is approved
    aid_review(actor=school_leader, record=correction, approve=True, note="金额更正")
    assert list(AidRecord.objects.effective()) == [correction]


def test_a_proposal_cannot_correct_an_undecided_one(world, head_teacher):
    pending = propose(head_teacher, world.child_a)
    with pytest.raises(ValidationError) as error:
        propose(head_teacher, world.child_a, corrects=pending)
    assert "corrects" in error.value.message_dict


def test_a_decision_before_its_proposal_is_refused(world, head_teacher, school_leader):
    record = propose(head_teacher, world.child_a)
    yesterday = record.proposed_on - ONE_DAY
    with pytest.raises(ValidationError) as error:
        aid_review(actor=school_leader, record=record, approve=True, on=yesterday)
    assert "不能早于申请日期" in str(error.value)
    record.refresh_from_db()
    assert record.status == AidStatus.PROPOSED


def test_a_payment_before_the_decision_is_refused(world, head_teacher, school_leader):
    record = propose(head_teacher, world.child_a, proposed_on=timezone.localdate() - 10 * ONE_DAY)
    with pytest.raises(ValidationError) as error:
        aid_review(
            actor=school_leader,
            record=record,
            approve=True,
            on=record.proposed_on + ONE_DAY,
            paid_on=record.proposed_on,
        )
    assert "paid_on" in error.value.message_dict


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-200", "金额必须大于0元"),
        ("0", "金额必须大于0元"),
        ("1000000", "不能超过100000元"),
        ("12.345", "最多保留两位小数"),
        ("一千", "金额应为数字"),
        ("NaN", "金额应为数字"),
    ],
)
def test_a_negative_or_absurd_amount_is_refused_and_nothing_written(
    world, head_teacher, typed, message
):
    with pytest.raises(ValidationError) as error:
        propose(head_teacher, world.child_a, amount=typed)
    assert message in " ".join(error.value.message_dict["amount"])
    assert not AidRecord.objects.exists()


def test_amounts_are_read_as_typed_in_yuan():
    assert aid_amount_parse("１,２００元") == Decimal("1200.00")
    assert aid_amount_parse("88.5") == Decimal("88.50")


def test_a_scan_that_is_not_an_image_or_pdf_is_refused(world, head_teacher):
    upload = SimpleUploadedFile("证明.docx", b"PK\x03\x04 not a scan")
    with pytest.raises(ValidationError) as error:
        propose(head_teacher, world.child_a, evidence=upload)
    assert "不是图片或 PDF" in " ".join(error.value.message_dict["evidence"])
    assert not AidRecord.objects.exists()


def test_a_pdf_scan_is_kept_as_evidence(world, head_teacher):
    upload = SimpleUploadedFile("审批表.pdf", b"%PDF-1.4\n%scan\n")
    record = propose(head_teacher, world.child_a, evidence=upload)
    assert record.evidence.read().startswith(b"%PDF-")


def test_teacher_and_other_school_may_not_propose(world, teacher, other_head_teacher):
    with pytest.raises(PermissionDenied):
        propose(teacher, world.child_a)
    with pytest.raises(PermissionDenied):
        propose(other_head_teacher, world.child_a)


def test_a_child_who_left_gets_no_proposal(world, head_teacher):
    world.child_a.left_on = timezone.localdate()
    world.child_a.save(update_fields=["left_on"])
    with pytest.raises(ValidationError) as error:
        propose(head_teacher, world.child_a)
    assert "child" in error.value.message_dict


@pytest.mark.parametrize(
    ("name", "masked"), [("张小明", "张*明"), ("李明", "李*"), ("欧阳小明", "欧**明"), ("王", "王")]
)
def test_names_on_the_notice_are_masked(name, masked):
    assert mask_name(name) == masked
