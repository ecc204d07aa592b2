"""Everything that writes reading (读书), the awards (评比表彰) and chores (家务劳动)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.activities.models import Award, AwardKind, ChoreRecord, ReadingRecord
from shouhu.activities.models.reading import THREE_REVIEWS
from shouhu.activities.services.home import home_setting_of
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.core.roles import Perm
from shouhu.core.scoping import may
from shouhu.files.services import PHOTO, attachment_store
from shouhu.org.models import Term
from shouhu.registry.models import Child


def _today() -> datetime.date:
    return timezone.localdate()


def _check(actor: User, child: Child, perm: str = Perm.ACTIVITY_RECORD) -> None:
    if not may(actor, perm):
        raise PermissionDenied(_("您没有记录活动、读书和评比的权限。"))
    if not Child.objects.restrict(actor).filter(pk=child.pk).exists():
        raise PermissionDenied(_("该儿童不在您的管辖范围内。"))


@transaction.atomic
def reading_record(
    *,
    actor: User,
    child: Child,
    term: Term,
    title: str,
    finished_on: datetime.date | None = None,
    reflection: str = "",
    photo: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> ReadingRecord:
    """The child's book of the term: title, the day finished, the reflection typed or a photo
    of the written page (resized, stripped of EXIF, stored encrypted). One a term: sent again,
    it is corrected; a photo sent replaces the old one, none sent keeps it."""
    _check(actor, child)
    errors = {}
    if finished_on is not None:
        if finished_on > _today():
            errors["finished_on"] = _("读完日期不能晚于今天。")
        elif not term.contains(finished_on):
            errors["finished_on"] = _("读完日期应在本学期内（%(start)s至%(end)s）。") % {
                "start": term.starts_on.isoformat(),
                "end": term.ends_on.isoformat(),
            }
    if not title.strip():
        errors["title"] = _("请填写书名。")
    if errors:
        raise ValidationError(errors)
    record = ReadingRecord.objects.filter(child=child, term=term).first() or ReadingRecord(
        child=child, term=term
    )
    record.title, record.finished_on = title.strip(), finished_on
    record.reflection = reflection.strip()
    record.recorded_by = actor
    record.full_clean()
    if photo is not None:
        try:
            record.reflection_photo = attachment_store(upload=photo, by=actor, accept=PHOTO)
        except ValidationError as error:
            raise ValidationError({"photo": error.messages}) from error
    record.save()
    access_record(user=actor, action=AccessAction.UPDATE, child=child, request=request)
    return record


def award_titles(child: Child, kind: str) -> tuple[str, ...]:
    """The titles of a kind the child's region gives: the 五小 as the region names them."""
    if kind == AwardKind.FIVE_SMALL:
        return home_setting_of(child.school_class.school).names()
    if kind == AwardKind.THREE_REVIEWS:
        return THREE_REVIEWS
    return (str(AwardKind.GOOD_PARENT.label),)


@transaction.atomic
def award_give(
    *,
    actor: User,
    child: Child,
    term: Term,
    kind: str,
    title: str,
    reason: str,
    awarded_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Award:
    """Commend a child (五小, 三评) or the child's parent (优秀家长) for the term, with a reason."""
    _check(actor, child)
    awarded_on = awarded_on or _today()
    errors = {}
    if kind not in AwardKind.values:
        errors["kind"] = _("请选择表彰类别。")
    elif title not in award_titles(child, kind):
        errors["title"] = _("“%(title)s”不是本地区设定的%(kind)s称号。") % {
            "title": title,
            "kind": AwardKind(kind).label,
        }
    if not reason.strip():
        errors["reason"] = _("请填写表彰事迹。")
    if awarded_on > _today():
        errors["awarded_on"] = _("日期不能晚于今天。")
    if Award.objects.filter(child=child, term=term, kind=kind, title=title).exists():
        errors["title"] = _("该儿童本学期已获得此称号。")
    if errors:
        raise ValidationError(errors)
    award = Award(
        child=child,
        term=term,
        kind=kind,
        title=title,
        reason=reason.strip(),
        awarded_on=awarded_on,
        awarded_by=actor,
    )
    award.full_clean()
    award.save()
    access_record(user=actor, action=AccessAction.UPDATE, child=child, request=request)
    return award


@transaction.atomic
def chores_set(
    *,
    actor: User,
    child: Child,
    term: Term,
    does_chores: bool,
    request: HttpRequest | None = None,
) -> ChoreRecord:
    """The head teacher's yes or no for the term: does the child do chores at home?"""
    _check(actor, child, Perm.CHILD_EDIT)
    record = ChoreRecord.objects.filter(child=child, term=term).first() or ChoreRecord(
        child=child, term=term
    )
    record.does_chores = does_chores
    record.recorded_by = actor
    record.full_clean()
    record.save()
    access_record(user=actor, action=AccessAction.UPDATE, child=child, request=request)
    return record
