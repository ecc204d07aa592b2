"""Everything that writes events (活动): recording one with its children and staff, the photo
consent on a child's file, and an event's photos (only of consenting children)."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.activities.models import (
    Event,
    EventChild,
    EventKind,
    EventPhoto,
    EventStaff,
    InterestGroup,
    Organiser,
    PhotoConsent,
)
from shouhu.activities.selectors.consent import consenting_ids
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record, access_record_many
from shouhu.core.roles import Perm, Role
from shouhu.core.scoping import in_scope
from shouhu.files.services import PHOTO, attachment_store
from shouhu.org.models import Region, School
from shouhu.registry.models import Child

MAX_STAFF_HOURS = Decimal(24)


def _today() -> datetime.date:
    return timezone.localdate()


def actor_school(actor: User) -> School | None:
    """The school a school's member acts for (their own, or their class's)."""
    if actor.scope_school_id:
        return actor.scope_school
    if actor.scope_class is not None:
        return actor.scope_class.school
    return None


def _place_of(actor: User, children: Sequence[Child]) -> tuple[School | None, Region]:
    """Where the event is filed: the actor's school, else the one school of all its children
    (a volunteer's), else the actor's region (a township's or county's own event)."""
    school = actor_school(actor)
    if school is None:
        schools = {c.school_class.school_id for c in children}
        if len(schools) == 1:
            school = children[0].school_class.school
    if school is not None:
        return school, school.region
    if actor.scope_region is not None:
        return None, actor.scope_region
    return None, children[0].school_class.school.region


def _checked_children(actor: User, children: Sequence[Child]) -> list[Child]:
    chosen = list(dict.fromkeys(children))
    if not chosen:
        raise ValidationError({"children": _("请至少选择一名参加的儿童。")})
    visible = set(
        Child.objects.restrict(actor)
        .filter(pk__in=[c.pk for c in chosen])
        .values_list("pk", flat=True)
    )
    if len(visible) != len(chosen):
        raise ValidationError(
            {
                "children": _("所选儿童中有 %(n)d 名不在您的管辖范围内，未保存。")
                % {"n": len(chosen) - len(visible)}
            }
        )
    return chosen


@transaction.atomic
def event_record(
    *,
    actor: User,
    kind: str,
    title: str,
    held_on: datetime.date,
    organiser: str,
    children: Sequence[Child],
    starts_at: datetime.time | None = None,
    place: str = "",
    organiser_name: str = "",
    staff: Sequence[tuple[User, Decimal]] = (),
    account: str = "",
    group: InterestGroup | None = None,
    request: HttpRequest | None = None,
) -> Event:
    """Record an event with the children who took part (each one 人次) and who ran it.

    1. The actor records activities (ACTIVITY_RECORD); every child is in their scope.
    2. The date is today or before: an event is recorded once it has happened.
    3. The event is filed under the actor's school (or the children's, or the actor's region).
    4. The children and the staff are written in bulk (300 children: one statement each), and
       one access-log row per child says who recorded them.
    """
    if not actor.has_perm_to(Perm.ACTIVITY_RECORD):
        raise PermissionDenied(_("您没有记录活动的权限。"))
    chosen = _checked_children(actor, children)
    errors: dict[str, str] = {}
    if held_on > _today():
        errors["held_on"] = _("活动日期不能晚于今天：活动结束后再记录。")
    if kind not in EventKind.values:
        errors["kind"] = _("请选择活动类型。")
    if (kind == EventKind.GROUP_SESSION) != (group is not None):
        errors["kind"] = _("兴趣小组活动请在兴趣小组页记录。")
    if organiser not in Organiser.values:
        errors["organiser"] = _("请选择组织方。")
    rows: dict[int, EventStaff] = {}
    for user, hours in staff:
        if not user.is_active or user.role not in STAFF_ROLES:
            errors["staff"] = _("%(name)s 不能作为活动的工作人员。") % {"name": user}
        elif not (0 <= hours <= MAX_STAFF_HOURS):
            errors["staff"] = _("%(name)s 的时长须在 0 到 24 小时之间。") % {"name": user}
        rows[user.pk] = EventStaff(user=user, hours=hours)
    if errors:
        raise ValidationError(errors)
    school, region = _place_of(actor, chosen)
    event = Event(
        kind=kind,
        title=title.strip(),
        held_on=held_on,
        starts_at=starts_at,
        place=place.strip(),
        organiser=organiser,
        organiser_name=organiser_name.strip(),
        school=school,
        region=region,
        group=group,
        account=account.strip(),
        recorded_by=actor,
    )
    event.full_clean()
    event.save()
    EventChild.objects.bulk_create(
        [EventChild(event=event, child=c, kind=kind, held_on=held_on) for c in chosen],
        batch_size=500,
    )
    for row in rows.values():
        row.event = event
    EventStaff.objects.bulk_create(rows.values())
    access_record_many(
        user=actor,
        action=AccessAction.CREATE,
        child_ids=[c.pk for c in chosen],
        query=f"event:{event.public_id}",
        request=request,
    )
    return event


# Who may be named as having run an event: the school's staff and volunteers.
STAFF_ROLES = {
    Role.SCHOOL_LEADER,
    Role.HEAD_TEACHER,
    Role.TEACHER,
    Role.COUNSELLOR,
    Role.VOLUNTEER,
    Role.TOWNSHIP_OFFICER,
    Role.VILLAGE_SUPERVISOR,
    Role.REGION_OFFICER,
}


# --- photo consent ----------------------------------------------------------------------------


@transaction.atomic
def photo_consent_set(
    *,
    actor: User,
    child: Child,
    consented: bool,
    decided_on: datetime.date,
    request: HttpRequest | None = None,
) -> PhotoConsent:
    """Record the guardian's consent to photos (or its withdrawal) on the child's file: a new
    row each time, so the history keeps who recorded what and when. Withdrawn, the child's
    photos are no longer shown (`selectors.events`)."""
    if not actor.has_perm_to(Perm.CHILD_EDIT):
        raise PermissionDenied(_("您没有修改儿童档案的权限。"))
    if not in_scope(actor, child):
        raise PermissionDenied(_("该儿童不在您的管辖范围内。"))
    if decided_on > _today():
        raise ValidationError({"decided_on": _("日期不能晚于今天。")})
    consent = PhotoConsent(
        child=child, consented=consented, decided_on=decided_on, recorded_by=actor
    )
    consent.full_clean()
    consent.save()
    access_record(
        user=actor,
        action=AccessAction.UPDATE,
        child=child,
        field="photo_consent",
        request=request,
    )
    return consent


# --- photos -----------------------------------------------------------------------------------


@transaction.atomic
def event_photo_add(
    *,
    actor: User,
    event: Event,
    upload: UploadedFile,
    children: Sequence[Child],
    request: HttpRequest | None = None,
) -> EventPhoto:
    """Store a photo of the event with the children in it (tagged by the uploader).

    1. The actor records activities and sees the event.
    2. Each child tagged took part in the event and has their guardian's consent: a photo with
       a child without consent is refused, naming the child (leave them out of the photo).
    3. The file is checked, resized and stripped of EXIF by shouhu.files, encrypted at rest.
    """
    if not actor.has_perm_to(Perm.ACTIVITY_RECORD):
        raise PermissionDenied(_("您没有记录活动的权限。"))
    if not Event.objects.restrict(actor).filter(pk=event.pk).exists():
        raise PermissionDenied(_("该活动不在您的管辖范围内。"))
    tagged = list(dict.fromkeys(children))
    taking_part = set(
        EventChild.objects.filter(event=event, child__in=tagged).values_list("child_id", flat=True)
    )
    strangers = [c for c in tagged if c.pk not in taking_part]
    if strangers:
        raise ValidationError(
            {"children": _("%(name)s 没有参加这次活动。") % {"name": strangers[0].name}}
        )
    consenting = consenting_ids([c.pk for c in tagged])
    refused = [c.name for c in tagged if c.pk not in consenting]
    if refused:
        raise ValidationError(
            {
                "children": _(
                    "%(names)s 的监护人没有同意拍照，这张照片不能保存。请换一张没有该儿童的照片。"
                )
                % {"names": _("、").join(refused)}
            }
        )
    try:
        attachment = attachment_store(upload=upload, by=actor, accept=PHOTO)
    except ValidationError as error:
        raise ValidationError({"photo": error.messages}) from error
    photo = EventPhoto(event=event, attachment=attachment, uploaded_by=actor)
    photo.full_clean()
    photo.save()
    photo.children.set(tagged)
    access_record_many(
        user=actor,
        action=AccessAction.UPDATE,
        child_ids=[c.pk for c in tagged],
        query=f"event-photo:{photo.public_id}",
        request=request,
    )
    return photo
