"""Everything that writes guardianship: agreements drawn up and signed, training sessions and
who came, commendations, and the 无户籍 referrals. Each service checks the actor and the
child's scope, validates (nothing is written on a refusal), saves and records the access."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record, access_record_many
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope, may
from shouhu.core.text import clean_name
from shouhu.files.services import SCAN, attachment_store
from shouhu.org.models import School, SchoolClass, Term
from shouhu.org.selectors import term_current
from shouhu.registry.models import (
    CensusSnapshot,
    CensusSource,
    Child,
    ChildFlag,
    Flag,
    Guardian,
    ParentRole,
)
from shouhu.registry.services import census_snapshot_take
from shouhu.welfare.models.guardianship import (
    Commendation,
    GuardianAgreement,
    HukouReferral,
    TrainingAttendance,
    TrainingSession,
    agreement_end,
)

ONE_DAY = datetime.timedelta(days=1)


def _today() -> datetime.date:
    return timezone.localdate()


def _check(actor: User, child: Child, perm: str) -> None:
    if not may(actor, perm):
        raise PermissionDenied(_("您的角色没有此项权限。"))
    if not Child.objects.restrict(actor).filter(pk=child.pk).exists():
        raise PermissionDenied(_("该儿童不在您的管辖范围内。"))


def _check_on_register(child: Child, what: str) -> None:
    if child.left_on is not None:
        raise ValidationError(
            {"child": _("该儿童已离开名册，不能%(what)s。") % {"what": what}}, code="left"
        )


def _check_not_future(field: str, label: str, value: datetime.date) -> None:
    if value > _today():
        raise ValidationError(
            {field: _("%(label)s不能晚于今天。") % {"label": label}}, code="future"
        )


# --- the agreement (委托监护责任确认书) -------------------------------------------------------


@transaction.atomic
def agreement_draft(
    *, actor: User, child: Child, request: HttpRequest | None = None
) -> GuardianAgreement:
    """Draw up the child's agreement from the file, for a year.

    1. The actor manages guardianship (GUARDIAN_MANAGE) over the child; a child who has left
       the register gets none, and a child without a guardian on file must get one first.
    2. An unsigned agreement still running is the one to sign: it is returned, not doubled.
    3. A renewal begins the day after the agreement in force ends (or today, if none is).
    4. The names (guardian, parents) are copied from the file as they are today.
    """
    _check(actor, child, Perm.GUARDIAN_MANAGE)
    _check_on_register(child, _("起草委托监护责任确认书"))
    guardian = Guardian.objects.filter(child=child).first()
    if guardian is None or not guardian.name:
        raise ValidationError(
            {"guardian": _("档案中还没有委托监护人：请先在儿童档案中登记监护人。")},
            code="no_guardian",
        )
    day = _today()
    latest = GuardianAgreement.objects.filter(child=child).order_by("-starts_on").first()
    if latest is not None and latest.signed_on is None and latest.ends_on >= day:
        return latest
    starts_on = day
    if latest is not None and latest.signed_on is not None and latest.ends_on >= day:
        starts_on = latest.ends_on + ONE_DAY
    names = dict(child.parents.values_list("role", "name"))
    agreement = GuardianAgreement(
        child=child,
        guardian_name=guardian.name,
        guardian_relation=guardian.relation,
        father_name=names.get(ParentRole.FATHER, ""),
        mother_name=names.get(ParentRole.MOTHER, ""),
        starts_on=starts_on,
        ends_on=agreement_end(starts_on),
        created_by=actor,
    )
    agreement.full_clean()
    agreement.save()
    access_record(
        user=actor,
        action=AccessAction.CREATE,
        child=child,
        query=_("委托监护责任确认书"),
        request=request,
    )
    return agreement


@transaction.atomic
def agreement_sign(
    *,
    actor: User,
    agreement: GuardianAgreement,
    signed_on: datetime.date,
    upload: UploadedFile | None,
    request: HttpRequest | None = None,
) -> GuardianAgreement:
    """Record that both parties signed: the date and the scan of the signed paper, together.
    A signed agreement stays as it is (a new year is a new agreement)."""
    child = agreement.child
    _check(actor, child, Perm.GUARDIAN_MANAGE)
    _check_on_register(child, _("签署委托监护责任确认书"))
    if agreement.signed_on is not None:
        raise ValidationError(_("该确认书已于%(day)s签署。") % {"day": agreement.signed_on})
    _check_not_future("signed_on", _("签署日期"), signed_on)
    if signed_on > agreement.ends_on:
        raise ValidationError(
            {"signed_on": _("签署日期不能晚于确认书的截止日期。")}, code="after_end"
        )
    if upload is None:
        raise ValidationError({"scan": _("请上传双方签字后的确认书扫描件。")}, code="required")
    try:
        scan = attachment_store(upload=upload, by=actor, accept=SCAN)
    except ValidationError as exc:
        raise ValidationError({"scan": exc.messages}) from None
    agreement.signed_on = signed_on
    agreement.scan = scan
    agreement.full_clean()
    agreement.save(update_fields=["signed_on", "scan"])
    access_record(
        user=actor,
        action=AccessAction.UPDATE,
        child=child,
        query=_("委托监护责任确认书"),
        request=request,
    )
    return agreement


# --- guardian training (隔代家长培训 / 家长学校) -----------------------------------------------


@transaction.atomic
def training_session_record(
    *,
    actor: User,
    school: School,
    school_class: SchoolClass | None,
    held_on: datetime.date,
    topic: str,
    speaker: str = "",
    children: Sequence[Child] = (),
    request: HttpRequest | None = None,
) -> TrainingSession:
    """Record a training session of the school (or of one class) and the guardians who came,
    each named by the child they care for."""
    if not may(actor, Perm.GUARDIAN_MANAGE):
        raise PermissionDenied(_("您的角色没有此项权限。"))
    node = school_class if school_class is not None else school
    if not in_scope(actor, node):
        raise PermissionDenied(_("该班级不在您的管辖范围内。"))
    if school_class is not None and school_class.school_id != school.pk:
        raise ValidationError({"school_class": _("班级不属于该学校。")})
    _check_not_future("held_on", _("培训日期"), held_on)
    session = TrainingSession(
        school=school,
        school_class=school_class,
        held_on=held_on,
        topic=topic.strip(),
        speaker=clean_name(speaker),
        created_by=actor,
    )
    session.full_clean()
    session.save()
    training_attendance_set(actor=actor, session=session, children=children, request=request)
    return session


@transaction.atomic
def training_attendance_set(
    *,
    actor: User,
    session: TrainingSession,
    children: Sequence[Child],
    request: HttpRequest | None = None,
) -> int:
    """Make the session's attendance the guardians of `children` (those ticked): each must be
    in the actor's scope, of the session's school (and class), with a guardian on file.
    Returns how many came."""
    if not may(actor, Perm.GUARDIAN_MANAGE):
        raise PermissionDenied(_("您的角色没有此项权限。"))
    ids = {c.pk for c in children}
    allowed = Child.objects.restrict(actor).filter(pk__in=ids, school_class__school=session.school)
    if session.school_class_id is not None:
        allowed = allowed.filter(school_class_id=session.school_class_id)
    guardians = dict(Guardian.objects.filter(child__in=allowed).values_list("child_id", "name"))
    missing = [c.name for c in children if c.pk not in guardians]
    if missing:
        raise ValidationError(
            {
                "children": _("以下儿童不在本次培训的范围内或档案中没有监护人：%(names)s")
                % {"names": "、".join(missing)}
            }
        )
    TrainingAttendance.objects.filter(session=session).exclude(child_id__in=ids).delete()
    present = set(
        TrainingAttendance.objects.filter(session=session).values_list("child_id", flat=True)
    )
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(session=session, child_id=pk, guardian_name=guardians[pk])
        for pk in sorted(ids - present)
    )
    access_record_many(
        user=actor,
        action=AccessAction.UPDATE,
        child_ids=sorted(ids),
        query=_("家长培训出勤"),
        request=request,
    )
    return len(ids)


# --- commendations (优秀家长) ----------------------------------------------------------------


@transaction.atomic
def commendation_add(
    *,
    actor: User,
    child: Child,
    term: Term,
    person_name: str,
    relation: str,
    reason: str,
    request: HttpRequest | None = None,
) -> Commendation:
    """Commend a parent or guardian of the child as 优秀家长 for the term, with the reason."""
    _check(actor, child, Perm.GUARDIAN_MANAGE)
    commendation = Commendation(
        child=child,
        term=term,
        person_name=clean_name(person_name),
        relation=relation.strip(),
        reason=reason.strip(),
        created_by=actor,
    )
    commendation.full_clean()
    commendation.save()
    access_record(
        user=actor, action=AccessAction.UPDATE, child=child, query=_("优秀家长"), request=request
    )
    return commendation


# --- no household registration (无户籍) -------------------------------------------------------


@transaction.atomic
def hukou_referral_report(
    *,
    actor: User,
    child: Child,
    police_station: str,
    reported_on: datetime.date,
    note: str = "",
    request: HttpRequest | None = None,
) -> HukouReferral:
    """Report a child flagged 无户籍 to the police station: the case stays open until the
    child is registered."""
    _check(actor, child, Perm.HUKOU_REFERRAL)
    _check_on_register(child, _("报告无户籍"))
    if not ChildFlag.objects.open().filter(child=child, flag=Flag.UNREGISTERED).exists():
        raise ValidationError(_("该儿童没有“无户籍”标记，无需报告派出所。"), code="not_flagged")
    if HukouReferral.objects.open().filter(child=child).exists():
        raise ValidationError(_("该儿童已报告派出所，尚未落户。"), code="open")
    _check_not_future("reported_on", _("报告日期"), reported_on)
    referral = HukouReferral(
        child=child,
        police_station=police_station.strip(),
        reported_on=reported_on,
        note=note.strip(),
        created_by=actor,
    )
    referral.full_clean()
    referral.save()
    access_record(
        user=actor,
        action=AccessAction.UPDATE,
        child=child,
        query=_("无户籍儿童报告"),
        request=request,
    )
    return referral


@transaction.atomic
def hukou_referral_registered(
    *,
    actor: User,
    referral: HukouReferral,
    registered_on: datetime.date,
    request: HttpRequest | None = None,
) -> HukouReferral:
    """The child is registered: the case closes with the date, and the 无户籍 flag is cleared
    on that date (this term's snapshot follows, as registry's flag service does)."""
    child = referral.child
    _check(actor, child, Perm.HUKOU_REFERRAL)
    if referral.registered_on is not None:
        raise ValidationError(_("该儿童已于%(day)s落户。") % {"day": referral.registered_on})
    _check_not_future("registered_on", _("落户日期"), registered_on)
    if registered_on < referral.reported_on:
        raise ValidationError(
            {"registered_on": _("落户日期不能早于报告派出所的日期。")}, code="before_report"
        )
    referral.registered_on = registered_on
    referral.full_clean()
    referral.save(update_fields=["registered_on"])
    flag = ChildFlag.objects.open().filter(child=child, flag=Flag.UNREGISTERED).first()
    if flag is not None:
        flag.until = max(registered_on, flag.since)
        flag.save(update_fields=["until"])
        _snapshot_follows(child)
    access_record(
        user=actor,
        action=AccessAction.UPDATE,
        child=child,
        query=_("无户籍儿童落户"),
        request=request,
    )
    return referral


def _snapshot_follows(child: Child) -> None:
    """While a term runs, its snapshot follows the file (registry's rule)."""
    day = _today()
    term = term_current(day)
    if term is None or not term.contains(day) or child.left_on is not None:
        return
    existing = CensusSnapshot.objects.filter(child=child, term=term).first()
    source = existing.source if existing else CensusSource.REGISTER
    census_snapshot_take(child=child, term=term, source=source, day=day)
