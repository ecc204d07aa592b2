"""The Home's side of the family video calls booked by parents (亲情视频): the slots it offers
(HOME_MANAGE) and the day's bookings on the duty page, marked held / not held (HOME_DUTY)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shouhu.activities.forms_booking import MarkForm, SlotForm
from shouhu.activities.selectors.booking import day_booking_get_for, day_bookings_for, slots_of_home
from shouhu.activities.selectors.home import home_get_for
from shouhu.activities.services.booking import booking_mark, call_slots_add, roster_days_ahead
from shouhu.activities.views.home import _day
from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required


@permission_required(Perm.HOME_MANAGE)
@require_http_methods(["GET", "POST"])
def home_slots(request, home_id):
    """The slots the Home offers for the next two weeks, and a small form to add one (on a day,
    or on every roster day to come)."""
    home = home_get_for(request.user, home_id)
    form = SlotForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        days = roster_days_ahead(home) if data["roster"] else [data["day"]]
        try:
            made = call_slots_add(
                actor=request.user,
                home=home,
                days=days,
                start=data["start"],
                end=data["end"],
                capacity=data["capacity"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已设%(n)d个亲情视频时段。") % {"n": len(made)})
            return redirect("activities:home-slots", home_id=home.pk)
    return render(
        request,
        "activities/booking_slots.html",
        {"home": home, "form": form, "slots": slots_of_home(home)},
    )


@permission_required(Perm.HOME_DUTY)
def home_bookings(request, home_id):
    """The day's video call bookings (?day=, today by default), each to mark held or not."""
    home = home_get_for(request.user, home_id)
    day = _day(request)
    return render(
        request,
        "activities/booking_day.html",
        {
            "home": home,
            "day": day,
            "bookings": day_bookings_for(request.user, home=home, day=day),
            "form": MarkForm(),
        },
    )


@permission_required(Perm.HOME_DUTY)
@require_POST
def home_booking_mark(request, home_id, public_id):
    home = home_get_for(request.user, home_id)
    booking = day_booking_get_for(request.user, home=home, public_id=public_id)
    form = MarkForm(request.POST)
    if form.is_valid():
        try:
            booking_mark(
                actor=request.user,
                booking=booking,
                held=form.cleaned_data["held"],
                minutes=form.cleaned_data["minutes"],
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已标记。"))
    else:
        messages.error(request, " ".join(e for es in form.errors.values() for e in es))
    url = redirect("activities:home-bookings", home_id=home.pk).url
    return redirect(f"{url}?day={booking.slot.day.isoformat()}")
