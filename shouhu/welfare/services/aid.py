"""Everything that writes aid (资助·救助): a proposal, the school's review, the civil-affairs
decision, a correction, and the public notice's period. Each service checks the actor and the
scope, validates (nothing is written on an error), saves, and records the access."""

import datetime
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope
from shouhu.files.models import Attachment
from shouhu.files.services import SCAN, attachment_store
from shouhu.org.models import School, Term
from shouhu.org.selectors import term_current
from shouhu.registry.models import Child
from shouhu.welfare.models.aid import (
    AID_MAX_AMOUNT,
    AidKind,
    AidNotice,
    AidRecord,
    AidStatus,
)


def _today() -> datetime.date:
    return timezone.localdate()


def aid_amount_parse(value: object) -> Decimal:
    """An amount typed in 元 ("1,200", "1200.5", "１２００") as a Decimal of two places, or a
    ValidationError on `amount` saying why: not a number, not above 0, more than two decimals,
    or beyond `AID_MAX_AMOUNT` (a typo such as an extra zero)."""
    text = unicodedata.normalize("NFKC", str(value or "")).replace(",", "").replace("元", "")
    text = text.strip()
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": _("金额应为数字（元），如 1200 或 1200.50。")}) from None
    if not amount.is_finite():
        raise ValidationError({"amount": _("金额应为数字（元），如 1200 或 1200.50。")})
    if amount <= 0:
        raise ValidationError({"amount": _("金额必须大于0元。")})
    if amount > AID_MAX_AMOUNT:
        raise ValidationError({"amount": _("金额不能超过100000元，请核对。")})
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError({"amount": _("金额最多保留两位小数。")})
    return amount.quantize(Decimal("0.01"))


def _store_evidence(upload: UploadedFile | None, actor: User) -> Attachment | None:
    if upload is None:
        return None
    try:
        return attachment_store(upload=upload, by=actor, accept=SCAN)
    except ValidationError as error:
        raise ValidationError({"evidence": error.messages}) from None


def _check_child(actor: User, child: Child, perm: str) -> None:
    if not actor.has_perm_to(perm):
        raise PermissionDenied(_("您的角色没有此项权限。"))
    if not Child.objects.restrict(actor).filter(pk=child.pk).exists():
        raise PermissionDenied(_("该儿童不在您的管辖范围内。"))


@transaction.atomic
def aid_propose(
    *,
    actor: User,
    child: Child,
    kind: str,
    amount: Decimal | str,
    source: str,
    reason: str,
    term: Term | None = None,
    proposed_on: datetime.date | None = None,
    evidence: UploadedFile | None = None,
    corrects: AidRecord | None = None,
    request: HttpRequest | None = None,
) -> AidRecord:
    """The head teacher proposes aid for a child on the register, with the reason (step 1 of
    `AidRecord`). A correction names the decided record it corrects: the same child, and it
    goes through the same review."""
    _check_child(actor, child, Perm.AID_PROPOSE)
    day = proposed_on or _today()
    errors: dict[str, object] = {}
    if child.left_on is not None:
        errors["child"] = _("该儿童已离开名册，不能申请资助。")
    if day > _today():
        errors["proposed_on"] = _("申请日期不能晚于今天。")
    term = term or term_current(day)
    if term is None:
        errors["term"] = _("申请日期不在任何学期内，请选择资助学期。")
    if kind not in AidKind.values:
        errors["kind"] = _("请选择资助类型。")
    if not (reason or "").strip():
        errors["reason"] = _("请填写申请理由。")
    if not (source or "").strip():
        errors["source"] = _("请填写资金来源（部门或捐赠人）。")
    if corrects is not None:
        if corrects.child_id != child.pk:
            errors["corrects"] = _("更正记录须与原记录为同一名儿童。")
        elif not corrects.decided:
            errors["corrects"] = _("只能更正已决定的记录；未决定的申请请直接审批。")
    try:
        value = aid_amount_parse(amount)
    except ValidationError as error:
        errors.update(error.message_dict)
        value = Decimal(0)
    if errors:
        raise ValidationError(errors)
    record = AidRecord(
        child=child,
        school_class=child.school_class,
        term=term,
        kind=kind,
        amount=value,
        source=source.strip(),
        reason=reason.strip(),
        proposed_by=actor,
        proposed_on=day,
        corrects=corrects,
    )
    record.full_clean(exclude=["evidence"])
    record.evidence = _store_evidence(evidence, actor)
    record.save()
    access_record(user=actor, action=AccessAction.CREATE, child=child, request=request, field="aid")
    return record


def _decision_dates(
    record: AidRecord, on: datetime.date, paid_on: datetime.date | None
) -> dict[str, object]:
    errors: dict[str, object] = {}
    if on > _today():
        errors["decided_on"] = _("决定日期不能晚于今天。")
    if on < record.proposed_on:
        errors["decided_on"] = _("决定日期（%(on)s）不能早于申请日期（%(proposed)s）。") % {
            "on": on.isoformat(),
            "proposed": record.proposed_on.isoformat(),
        }
    if paid_on is not None and paid_on < on:
        errors["paid_on"] = _("发放日期不能早于决定日期。")
    return errors


@transaction.atomic
def aid_review(
    *,
    actor: User,
    record: AidRecord,
    approve: bool,
    note: str = "",
    on: datetime.date | None = None,
    paid_on: datetime.date | None = None,
    evidence: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> AidRecord:
    """The school leader approves or rejects a proposal, with a note (step 2). Whoever proposed
    it may not approve it. A rejection needs its reason. An approved kind of `CIVIL_KINDS` is
    referred to civil affairs (step 3); any other is decided here."""
    _check_child(actor, record.child, Perm.AID_APPROVE)
    record = AidRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != AidStatus.PROPOSED:
        raise ValidationError(_("该申请已审批，不能再次审批或修改；如有错误请新建更正记录。"))
    if record.proposed_by_id == actor.pk:
        raise ValidationError(_("申请人不能审批自己提出的申请，请由其他学校领导审批。"))
    day = on or _today()
    note = (note or "").strip()
    errors: dict[str, object] = _decision_dates(record, day, paid_on if approve else None)
    if not approve and not note:
        errors["note"] = _("不批准时请填写意见。")
    if approve and record.civil and paid_on is not None:
        errors["paid_on"] = _("民政救助由民政部门认定后再填写发放日期。")
    if errors:
        raise ValidationError(
            {("reviewed_on" if k == "decided_on" else k): v for k, v in errors.items()}
        )
    record.reviewed_by, record.reviewed_on, record.review_note = actor, day, note
    if approve and record.civil:
        record.status = AidStatus.REFERRED
    else:
        record.status = AidStatus.APPROVED if approve else AidStatus.REJECTED
        record.decided_by, record.decided_on, record.decision_note = actor, day, note
        record.paid_on = paid_on if approve else None
    record.full_clean(exclude=["evidence"])
    if approve and evidence is not None:
        record.evidence = _store_evidence(evidence, actor)
    record.save()
    access_record(
        user=actor, action=AccessAction.UPDATE, child=record.child, request=request, field="aid"
    )
    return record


@transaction.atomic
def aid_decide(
    *,
    actor: User,
    record: AidRecord,
    approve: bool,
    note: str = "",
    on: datetime.date | None = None,
    paid_on: datetime.date | None = None,
    evidence: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> AidRecord:
    """The township or county civil-affairs officer records the decision on a referral
    (低保, 特困, 临时救助, 医疗救助): its date, a note, the payment date and the scan."""
    _check_child(actor, record.child, Perm.AID_DECIDE)
    record = AidRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != AidStatus.REFERRED:
        raise ValidationError(_("只有已转民政部门认定的申请可以认定；已决定的记录不能修改。"))
    day = on or _today()
    note = (note or "").strip()
    errors: dict[str, object] = _decision_dates(record, day, paid_on if approve else None)
    if record.reviewed_on and day < record.reviewed_on:
        errors["decided_on"] = _("认定日期不能早于学校审批日期。")
    if not approve and not note:
        errors["note"] = _("不予认定时请填写意见。")
    if errors:
        raise ValidationError(errors)
    record.status = AidStatus.APPROVED if approve else AidStatus.REJECTED
    record.decided_by, record.decided_on, record.decision_note = actor, day, note
    record.paid_on = paid_on if approve else None
    record.full_clean(exclude=["evidence"])
    if approve and evidence is not None:
        record.evidence = _store_evidence(evidence, actor)
    record.save()
    access_record(
        user=actor, action=AccessAction.UPDATE, child=record.child, request=request, field="aid"
    )
    return record


@transaction.atomic
def aid_notice_set(
    *,
    actor: User,
    school: School,
    term: Term,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> AidNotice:
    """The school posts its aid list for the term from `starts_on` to `ends_on` (公示期)."""
    if not actor.has_perm_to(Perm.AID_APPROVE):
        raise PermissionDenied(_("您的角色没有此项权限。"))
    if not in_scope(actor, school):
        raise PermissionDenied(_("该学校不在您的管辖范围内。"))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("公示结束日期不能早于开始日期。")})
    notice = AidNotice.objects.filter(school=school, term=term).first() or AidNotice(
        school=school, term=term
    )
    notice.starts_on, notice.ends_on, notice.set_by = starts_on, ends_on, actor
    notice.full_clean()
    notice.save()
    return notice
