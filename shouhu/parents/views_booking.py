"""The parents' page of family video calls at the Home (亲情视频): the slots to come of the
Home of the child's school, the child's bookings, book and cancel. A child not the parent's,
or a booking not of the parent's child, is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shouhu.activities.selectors.booking import child_booking_get, child_video_for
from shouhu.parents.selectors import parent_child
from shouhu.parents.services import parent_access_record
from shouhu.parents.services_booking import parent_video_book, parent_video_cancel
from shouhu.parents.session import parent_required


@parent_required
@require_http_methods(["GET", "POST"])
def video(request, public_id):
    found = parent_child(request.parent.child_ids, public_id)
    status = 200
    if request.method == "POST":
        try:
            parent_video_book(
                parent=request.parent,
                child=found,
                slot_id=request.POST.get("slot", ""),
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            messages.success(request, _("预约成功。请按时带孩子到学校留守儿童之家，或等老师安排。"))
            return redirect("parents:video", public_id=found.public_id)
    else:
        parent_access_record(parent=request.parent, child_ids=[found.pk], request=request)
    page = child_video_for(found)
    return render(request, "parents/video.html", {"page": page}, status=status)


@parent_required
@require_POST
def video_cancel(request, public_id, booking_id):
    found = parent_child(request.parent.child_ids, public_id)
    booking = child_booking_get(found, booking_id)
    try:
        parent_video_cancel(parent=request.parent, booking=booking, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已取消预约。"))
    return redirect("parents:video", public_id=found.public_id)
