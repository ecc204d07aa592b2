"""A parent's family video call bookings (亲情视频) on the parents' channel: the child must be
the parent's own (their number on its file); the Home's rules are the activities app's.

Who is told (through notify's outbox, so the duty teacher's channel, the quiet hours and the
daily cap apply as to any message): a booking tells the slot day's duty teacher and confirms
to the parent by SMS; a cancelled booking tells the duty teacher. A slot day with no duty
teacher on the roster tells the Home's keeper of record instead. The teacher's message names the
child only as class + surname 同学 (notify.telling); the parent's names their own child.
"""

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.activities.models import DutyDay, SlotBooking
from shouhu.activities.services.booking import booking_cancel, slot_book
from shouhu.audit.models import AccessAction
from shouhu.core.forms import parse_id
from shouhu.notify.rules import pupil_name
from shouhu.notify.services import message_queue, staff_message_queue
from shouhu.parents.services import _own_parent_row, parent_access_record
from shouhu.parents.session import ParentSession
from shouhu.registry.models import Child

SIGN = "【守护】"


class Kind:
    """The kinds of message queued here (the outbox page counts them)."""

    BOOKED = "video_booked"
    CANCELLED = "video_cancelled"
    CONFIRM = "video_confirm"


def _when(booking: SlotBooking) -> str:
    slot = booking.slot
    return _("%(m)d月%(d)d日 %(start)s—%(end)s") % {
        "m": slot.day.month,
        "d": slot.day.day,
        "start": slot.start.strftime("%H:%M"),
        "end": slot.end.strftime("%H:%M"),
    }


def duty_teacher_for(booking: SlotBooking) -> User | None:
    """Who hears of a booking: the slot day's duty teacher, else the Home's keeper of record."""
    duty = (
        DutyDay.objects.filter(home_id=booking.slot.home_id, day=booking.slot.day)
        .select_related("teacher")
        .first()
    )
    teacher = duty.teacher if duty is not None else booking.slot.home.updated_by
    return teacher if teacher is not None and teacher.is_active else None


def _tell_teacher(booking: SlotBooking, *, kind: str, text: str) -> None:
    teacher = duty_teacher_for(booking)
    if teacher is None:
        return
    child = booking.child
    staff_message_queue(
        user=teacher,
        kind=kind,
        body=SIGN
        + text
        % {
            "who": f"{child.school_class.name} {pupil_name(child.name)}",
            "parent": booking.parent.get_role_display(),
            "when": _when(booking),
        },
        dedupe_key=f"{kind}:{booking.public_id}",
    )


@transaction.atomic
def parent_video_book(
    *, parent: ParentSession, child: Child, slot_id: str, request: HttpRequest | None = None
) -> SlotBooking:
    """Book a slot of the Home of the child's school for the parent's own child."""
    row = _own_parent_row(parent, child)
    booking = slot_book(parent=row, child=child, slot_id=parse_id(slot_id))
    parent_access_record(
        parent=parent, child_ids=[child.pk], request=request, action=AccessAction.CREATE
    )
    _tell_teacher(
        booking,
        kind=Kind.BOOKED,
        text=_("%(who)s的%(parent)s预约了亲情视频：%(when)s，请在留守儿童之家安排。"),
    )
    if row.phone:
        message_queue(
            kind=Kind.CONFIRM,
            to_address=row.phone,
            body=SIGN
            + _("您已为%(child)s预约亲情视频：%(when)s，%(school)s留守儿童之家。")
            % {
                "child": child.name,
                "when": _when(booking),
                "school": child.school_class.school.name,
            },
            dedupe_key=f"{Kind.CONFIRM}:{booking.public_id}",
        )
    return booking


@transaction.atomic
def parent_video_cancel(
    *, parent: ParentSession, booking: SlotBooking, request: HttpRequest | None = None
) -> SlotBooking:
    """Cancel a booking of the parent's own child, until the slot starts."""
    row = _own_parent_row(parent, booking.child)
    booking = booking_cancel(parent=row, booking=booking)
    parent_access_record(
        parent=parent, child_ids=[booking.child_id], request=request, action=AccessAction.UPDATE
    )
    _tell_teacher(
        booking,
        kind=Kind.CANCELLED,
        text=_("%(who)s的%(parent)s取消了亲情视频预约：%(when)s。"),
    )
    return booking
