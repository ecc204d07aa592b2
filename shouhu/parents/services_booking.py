"""A parent's family video call bookings (亲情视频) on the parents' channel: the child must be
the parent's own (their number on its file); the Home's rules are the activities app's."""

from django.db import transaction
from django.http import HttpRequest

from shouhu.activities.models import SlotBooking
from shouhu.activities.services.booking import booking_cancel, slot_book
from shouhu.audit.models import AccessAction
from shouhu.core.forms import parse_id
from shouhu.parents.services import _own_parent_row, parent_access_record
from shouhu.parents.session import ParentSession
from shouhu.registry.models import Child


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
    return booking
