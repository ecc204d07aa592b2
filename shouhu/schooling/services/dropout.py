"""Everything that writes the dropout work (控辍保学): the suspected ledger's entries, confirmed
or cleared; the case and its 劝返 plan, attempts, return, monthly follow-up and 销号; the other
ways out and a mistaken case's close; the written report's filing date. Each service checks the
actor, validates, saves and records the access to the child. Nothing is deleted."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.core.roles import Perm, Role
from shouhu.core.scoping import may
from shouhu.files.services import SCAN, attachment_store
from shouhu.notify.telling import dropout_case_tell
from shouhu.org.selectors import term_current
from shouhu.registry.models import Child
from shouhu.schooling.dropout_rules import (
    EXITS,
    school_days_after,
    transition_check,
    write_off_blockers,
)
from shouhu.schooling.models.dropout import (
    CaseState,
    DropoutCase,
    DropoutCause,
    FollowUpCheck,
    PersuasionAttempt,
    SuspectedDropout,
    SuspectRule,
    SuspectStatus,
)


def _today() -> datetime.date:
    return timezone.localdate()


def _check_manager(actor: User, child: Child) -> None:
    if not may(actor, Perm.DROPOUT_MANAGE):
        raise PermissionDenied(_("您没有控辍保学登记和劝返的权限。"))
    if not Child.objects.restrict(actor).filter(pk=child.pk).exists():
        raise PermissionDenied(_("该学生不在您的管辖范围内。"))


def _check_leader(actor: User, child: Child) -> None:
    _check_manager(actor, child)
    if actor.role != Role.SCHOOL_LEADER:
        raise PermissionDenied(_("只有学校领导可以办理此项。"))


def _not_future(field: str, day: datetime.date) -> None:
    if day > _today():
        raise ValidationError({field: _("日期不能晚于今天。")})


def _handle_due(found_on: datetime.date) -> datetime.date:
    return school_days_after(
        found_on, settings.SHOUHU_DROPOUT_HANDLE_DAYS, weekdays=settings.SHOUHU_SCHOOL_DAYS
    )


# --- the suspected ledger ---------------------------------------------------------------------


def suspect_enter(
    *, child: Child, rule: str, found_on: datetime.date, detail: str = ""
) -> SuspectedDropout | None:
    """Enter a child in the suspected ledger (the daily rules and the roll check do): nothing
    when the child already has an open entry or a case still on the dropout ledger."""
    if SuspectedDropout.objects.open().filter(child=child).exists():
        return None
    if DropoutCase.objects.active().filter(child=child).exists():
        return None
    entry = SuspectedDropout(
        child=child,
        school_id=child.school_class.school_id,
        rule=rule,
        detail=detail[:200],
        found_on=found_on,
        due_on=_handle_due(found_on),
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def suspect_clear(
    *, actor: User, entry: SuspectedDropout, note: str, request: HttpRequest | None = None
) -> SuspectedDropout:
    """The school found the child is not a dropout (sick, moved with papers, …): the entry
    stays in the ledger, cleared, with the reason."""
    _check_manager(actor, entry.child)
    if entry.status != SuspectStatus.OPEN:
        raise ValidationError({"status": _("该条目已处理，不能再次处理。")})
    if not note.strip():
        raise ValidationError({"note": _("请说明排除的理由。")})
    entry.status = SuspectStatus.CLEARED
    entry.handled_on = _today()
    entry.handled_by = actor
    entry.handled_note = note.strip()
    entry.full_clean()
    entry.save()
    access_record(user=actor, action=AccessAction.UPDATE, child=entry.child, request=request)
    return entry


@transaction.atomic
def suspect_confirm(
    *,
    actor: User,
    entry: SuspectedDropout,
    cause: str,
    cause_note: str = "",
    guardian_opinion: str = "",
    request: HttpRequest | None = None,
) -> DropoutCase:
    """The school confirmed the dropout: the entry is closed and the case registered today. The
    township and the county see it in their ledger at once."""
    _check_manager(actor, entry.child)
    if entry.status != SuspectStatus.OPEN:
        raise ValidationError({"status": _("该条目已处理，不能再次处理。")})
    case = case_register(
        actor=actor,
        child=entry.child,
        cause=cause,
        cause_note=cause_note,
        guardian_opinion=guardian_opinion,
        request=request,
    )
    entry.status = SuspectStatus.CONFIRMED
    entry.handled_on = _today()
    entry.handled_by = actor
    entry.case = case
    entry.full_clean()
    entry.save()
    return case


# --- the case ---------------------------------------------------------------------------------


@transaction.atomic
def case_register(
    *,
    actor: User,
    child: Child,
    cause: str,
    cause_note: str = "",
    guardian_opinion: str = "",
    request: HttpRequest | None = None,
) -> DropoutCase:
    """辍学登记: a case opens today; the written report falls due in SHOUHU_DROPOUT_REPORT_DAYS
    days unless the child is back by then."""
    _check_manager(actor, child)
    if DropoutCase.objects.active().filter(child=child).exists():
        raise ValidationError({"child": _("该学生已有未销号的辍学案件。")})
    if cause not in DropoutCause.values:
        raise ValidationError({"cause": _("请选择辍学原因。")})
    today = _today()
    case = DropoutCase(
        child=child,
        school_id=child.school_class.school_id,
        registered_on=today,
        registered_by=actor,
        cause=cause,
        cause_note=cause_note.strip(),
        guardian_opinion=guardian_opinion.strip(),
        report_due_on=today + datetime.timedelta(days=settings.SHOUHU_DROPOUT_REPORT_DAYS),
    )
    case.full_clean()
    case.save()
    access_record(user=actor, action=AccessAction.CREATE, child=child, request=request)
    # The school's leaders and the township are told at once (shouhu.notify).
    transaction.on_commit(
        lambda: dropout_case_tell(case_id=case.pk, child=child, registered_by=actor), robust=True
    )
    return case


def _move(case: DropoutCase, to: str) -> None:
    transition_check(case.state, to)
    case.state = to


def _save(actor: User, case: DropoutCase, request: HttpRequest | None) -> DropoutCase:
    case.full_clean()
    case.save()
    access_record(user=actor, action=AccessAction.UPDATE, child=case.child, request=request)
    return case


@transaction.atomic
def case_plan_set(
    *,
    actor: User,
    case: DropoutCase,
    cause: str,
    cause_note: str,
    guardian_opinion: str,
    plan_staff: str,
    plan_cadre: str,
    plan_township: str,
    plan_note: str,
    proposal: str = "",
    request: HttpRequest | None = None,
) -> DropoutCase:
    """The cause, the guardian's opinion and the persuasion plan (who goes, with the village
    cadre and the township). A registered case moves to 劝返中."""
    _check_manager(actor, case.child)
    if case.state not in (CaseState.REGISTERED, CaseState.PERSUADING):
        transition_check(case.state, CaseState.PERSUADING)
    if not plan_staff.strip():
        raise ValidationError({"plan_staff": _("请填写负责劝返的学校人员。")})
    if case.state == CaseState.REGISTERED:
        _move(case, CaseState.PERSUADING)
    case.cause = cause
    case.cause_note = cause_note.strip()
    case.guardian_opinion = guardian_opinion.strip()
    case.plan_staff = plan_staff.strip()
    case.plan_cadre = plan_cadre.strip()
    case.plan_township = plan_township.strip()
    case.plan_note = plan_note.strip()
    case.proposal = proposal.strip()
    return _save(actor, case, request)


@transaction.atomic
def attempt_record(
    *,
    actor: User,
    case: DropoutCase,
    done_on: datetime.date,
    who: str,
    way: str,
    family_said: str,
    request: HttpRequest | None = None,
) -> PersuasionAttempt:
    """A persuasion attempt. The first moves a registered case to 劝返中."""
    _check_manager(actor, case.child)
    if case.state not in (CaseState.REGISTERED, CaseState.PERSUADING):
        raise ValidationError(
            {
                "state": _("该案件当前为“%(state)s”，不能再记录劝返。")
                % {"state": case.get_state_display()}
            }
        )
    _not_future("done_on", done_on)
    if done_on < case.registered_on:
        raise ValidationError({"done_on": _("劝返日期不能早于登记日期。")})
    attempt = PersuasionAttempt(
        case=case,
        done_on=done_on,
        who=who.strip(),
        way=way,
        family_said=family_said.strip(),
        recorded_by=actor,
    )
    attempt.full_clean()
    attempt.save()
    if case.state == CaseState.REGISTERED:
        _move(case, CaseState.PERSUADING)
        case.save(update_fields=["state"])
    access_record(user=actor, action=AccessAction.UPDATE, child=case.child, request=request)
    return attempt


@transaction.atomic
def case_return(
    *,
    actor: User,
    case: DropoutCase,
    returned_on: datetime.date,
    outcome: str = "",
    request: HttpRequest | None = None,
) -> DropoutCase:
    """The child is back in class (已复学): monthly follow-up runs to the end of the term."""
    _check_manager(actor, case.child)
    transition_check(case.state, CaseState.RETURNED)
    _not_future("returned_on", returned_on)
    if returned_on < case.registered_on:
        raise ValidationError({"returned_on": _("复学日期不能早于登记日期。")})
    case.state = CaseState.RETURNED
    case.returned_on = returned_on
    case.outcome = outcome.strip() or _("劝返成功，已复学")
    return _save(actor, case, request)


@transaction.atomic
def followup_record(
    *,
    actor: User,
    case: DropoutCase,
    done_on: datetime.date,
    attending: bool,
    talk: str,
    request: HttpRequest | None = None,
) -> FollowUpCheck:
    """A monthly check after the return (attendance, a talk); the first moves the case to 跟踪中."""
    _check_manager(actor, case.child)
    if case.state not in (CaseState.RETURNED, CaseState.FOLLOWING):
        raise ValidationError(
            {
                "state": _("该案件当前为“%(state)s”，复学后才能记录跟踪。")
                % {"state": case.get_state_display()}
            }
        )
    _not_future("done_on", done_on)
    if case.returned_on and done_on < case.returned_on:
        raise ValidationError({"done_on": _("跟踪日期不能早于复学日期。")})
    check = FollowUpCheck(
        case=case, done_on=done_on, attending=attending, talk=talk.strip(), recorded_by=actor
    )
    check.full_clean()
    check.save()
    if case.state == CaseState.RETURNED:
        _move(case, CaseState.FOLLOWING)
        case.save(update_fields=["state"])
    access_record(user=actor, action=AccessAction.UPDATE, child=case.child, request=request)
    return check


@transaction.atomic
def case_write_off(
    *, actor: User, case: DropoutCase, request: HttpRequest | None = None
) -> DropoutCase:
    """销号: the child is back and was followed up each month to the end of the term."""
    _check_manager(actor, case.child)
    transition_check(case.state, CaseState.WRITTEN_OFF)
    term = term_current(case.returned_on)
    if case.returned_on is None or term is None:
        raise ValidationError({"state": _("没有复学日期，不能销号。")})
    blockers = write_off_blockers(
        returned_on=case.returned_on,
        term_ends_on=term.ends_on,
        checked=case.checks.values_list("done_on", flat=True),
        today=_today(),
    )
    if blockers:
        raise ValidationError({"state": " ".join(blockers)})
    case.state = CaseState.WRITTEN_OFF
    case.closed_on = _today()
    case.closed_by = actor
    case.close_reason = _("复学并跟踪完毕，动态销号")
    return _save(actor, case, request)


@transaction.atomic
def case_exit(
    *,
    actor: User,
    case: DropoutCase,
    to: str,
    reason: str,
    evidence: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> DropoutCase:
    """The other ways out: 转学 (with the receiving school's papers), 因病缓学 (with a medical
    certificate), 其他; each with its reason and, for the first two, the scan as evidence."""
    _check_manager(actor, case.child)
    if to not in EXITS:
        raise ValidationError({"to": _("请选择结案方式。")})
    transition_check(case.state, to)
    errors = {}
    if not reason.strip():
        errors["reason"] = _("请填写结案理由。")
    if to in (CaseState.TRANSFERRED, CaseState.MEDICAL) and evidence is None:
        errors["evidence"] = (
            _("转学须上传转学手续（接收证明）。")
            if to == CaseState.TRANSFERRED
            else _("因病缓学须上传医疗诊断证明。")
        )
    if errors:
        raise ValidationError(errors)
    if evidence is not None:
        case.close_evidence = attachment_store(upload=evidence, by=actor, accept=SCAN)
    case.state = to
    case.closed_on = _today()
    case.closed_by = actor
    case.close_reason = reason.strip()
    return _save(actor, case, request)


@transaction.atomic
def case_close_mistaken(
    *, actor: User, case: DropoutCase, reason: str, request: HttpRequest | None = None
) -> DropoutCase:
    """A case registered by mistake is closed with the reason, never deleted."""
    _check_manager(actor, case.child)
    transition_check(case.state, CaseState.MISTAKEN)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写误报的理由。")})
    case.state = CaseState.MISTAKEN
    case.closed_on = _today()
    case.closed_by = actor
    case.close_reason = reason.strip()
    return _save(actor, case, request)


@transaction.atomic
def report_file(
    *,
    actor: User,
    case: DropoutCase,
    filed_on: datetime.date,
    request: HttpRequest | None = None,
) -> DropoutCase:
    """The school leader signed and sent the written report (书面报告) to the county education
    bureau and the township government: the filing date is recorded."""
    _check_leader(actor, case.child)
    if case.report_filed_on is not None:
        raise ValidationError(
            {"filed_on": _("书面报告已于%(day)s报送。") % {"day": case.report_filed_on}}
        )
    _not_future("filed_on", filed_on)
    if filed_on < case.registered_on:
        raise ValidationError({"filed_on": _("报送日期不能早于登记日期。")})
    case.report_filed_on = filed_on
    case.report_filed_by = actor
    return _save(actor, case, request)


__all__ = [
    "SuspectRule",
    "attempt_record",
    "case_close_mistaken",
    "case_exit",
    "case_plan_set",
    "case_register",
    "case_return",
    "case_write_off",
    "followup_record",
    "report_file",
    "suspect_clear",
    "suspect_confirm",
    "suspect_enter",
]
