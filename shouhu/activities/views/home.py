"""The Home's pages (留守儿童之家): set it up, its roster and swaps, the day's record, family
calls, and the duty fragment of the home page. Each view is one step from its URL."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shouhu.activities import forms_home as forms
from shouhu.activities.selectors.home import (
    booking_get_for,
    children_without_calls_for,
    duty_day_get_for,
    home_child_get_for,
    home_children_for,
    home_get_for,
    home_of_school_for,
    home_page_for,
    homes_for,
    my_duty_for,
)
from shouhu.activities.selectors.home_days import duty_teachers_of
from shouhu.activities.services.home import (
    duty_swap,
    family_call_book,
    family_call_record,
    home_day_record,
    home_set,
    home_setting_of_region,
    home_setting_set,
    roster_generate,
)
from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.org.forms import node_params
from shouhu.org.models import Region, School
from shouhu.org.selectors import term_by_code, term_current
from shouhu.org.units import page_node


def term_of_page(request):
    code = node_params(request)["term"]
    return term_by_code(code) if code else term_current()


@permission_required(Perm.HOME_DUTY)
def home_index(request):
    """The Homes the user keeps: straight to the one of their school."""
    homes = list(homes_for(request.user))
    if len(homes) == 1:
        return redirect("activities:home-detail", home_id=homes[0].pk)
    return render(request, "activities/home_index.html", {"homes": homes})


@permission_required(Perm.HOME_MANAGE)
@require_http_methods(["GET", "POST"])
def home_setup(request):
    """Set up or correct the school's Home: room, hours, equipment, the family phone."""
    school = page_node(request, classes=False)
    if not isinstance(school, School):
        raise Http404
    home = home_of_school_for(request.user, school)
    initial = (
        {
            "room": home.room,
            "opening_hours": home.opening_hours,
            "equipment": home.equipment,
            "has_phone": home.has_phone,
            "has_video": home.has_video,
        }
        if home
        else {"has_phone": True}
    )
    form = forms.HomeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            home = home_set(actor=request.user, school=school, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已保存留守儿童之家。"))
            return redirect("activities:home-detail", home_id=home.pk)
    return render(request, "activities/home_setup.html", {"form": form, "school": school})


@permission_required(Perm.HOME_DUTY)
@require_http_methods(["GET", "POST"])
def home_detail(request, home_id):
    """The Home: today's duty, the term's roster (swapped, recorded, overdue days), the
    teachers' counts, the latest day records, the bookings and calls. POST generates the
    term's roster (whoever manages the Home)."""
    home = home_get_for(request.user, home_id)
    term = term_of_page(request)
    if request.method == "POST":
        try:
            days = roster_generate(actor=request.user, home=home, term=term)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已排出值班表：%(n)d个值班日。") % {"n": len(days)})
        return redirect("activities:home-detail", home_id=home.pk)
    page = home_page_for(request.user, home=home, term=term)
    return render(request, "activities/home_detail.html", {"page": page})


@permission_required(Perm.HOME_DUTY)
@require_http_methods(["GET", "POST"])
def home_swap(request, home_id, duty_id):
    """Swap a day of duty with another teacher of the school."""
    home = home_get_for(request.user, home_id)
    duty = duty_day_get_for(request.user, home=home, duty_day_id=duty_id)
    teachers = [t for t in duty_teachers_of(home.school) if t.pk != duty.teacher_id]
    form = forms.SwapForm(request.POST if request.method == "POST" else None, teachers=teachers)
    if request.method == "POST" and form.is_valid():
        chosen = next(t for t in teachers if str(t.pk) == form.cleaned_data["to_teacher"])
        try:
            duty_swap(
                actor=request.user,
                duty_day=duty,
                to_teacher=chosen,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已换班。"))
            return redirect("activities:home-detail", home_id=home.pk)
    return render(request, "activities/home_swap.html", {"form": form, "duty": duty, "home": home})


def _day(request) -> datetime.date:
    raw = request.GET.get("day", "")
    try:
        return datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@permission_required(Perm.HOME_DUTY)
@require_http_methods(["GET", "POST"])
def home_day(request, home_id):
    """The duty teacher's record of the day: who came (ticked), what was done, follow-ups."""
    home = home_get_for(request.user, home_id)
    children = list(home_children_for(request.user, home=home))
    form = forms.DayForm(
        request.POST if request.method == "POST" else None,
        initial={"day": _day(request)},
        children=children,
    )
    if request.method == "POST" and form.is_valid():
        chosen = {str(c.public_id): c for c in children}
        try:
            home_day_record(
                actor=request.user,
                home=home,
                day=form.cleaned_data["day"],
                children=[chosen[p] for p in form.cleaned_data["children"]],
                activities=form.cleaned_data["activities"],
                follow_up=form.cleaned_data["follow_up"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已保存值班记录。"))
            return redirect("activities:home-detail", home_id=home.pk)
    return render(request, "activities/home_day.html", {"form": form, "home": home})


@permission_required(Perm.HOME_DUTY)
@require_http_methods(["GET", "POST"])
def home_call(request, home_id):
    """A family call: a walk-in (minutes given), a booking (no minutes yet), or the call of a
    booking (?booking=ID)."""
    home = home_get_for(request.user, home_id)
    children = list(home_children_for(request.user, home=home))
    booking_id = request.GET.get("booking", "")
    booking = None
    if booking_id:
        try:
            booking = booking_get_for(request.user, home=home, public_id=booking_id)
        except ValidationError:
            raise Http404 from None
    initial = {"child": str(booking.child.public_id), "parent": booking.parent} if booking else {}
    form = forms.CallForm(
        request.POST if request.method == "POST" else None, initial=initial, children=children
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = home_child_get_for(request.user, home=home, public_id=data["child"])
        try:
            if data["minutes"] is None and booking is None:
                family_call_book(
                    actor=request.user,
                    home=home,
                    child=child,
                    parent=data["parent"],
                    day=data["day"],
                    slot=data["slot"],
                    request=request,
                )
                messages.success(request, _("已预约亲情通话。"))
            else:
                family_call_record(
                    actor=request.user,
                    home=home,
                    child=child,
                    parent=data["parent"],
                    day=data["day"],
                    minutes=data["minutes"],
                    note=data["note"],
                    video=data["video"],
                    booking=booking,
                    request=request,
                )
                messages.success(request, _("已记录亲情通话。"))
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            return redirect("activities:home-detail", home_id=home.pk)
    uncalled = children_without_calls_for(
        request.user, node=home.school, term=term_of_page(request)
    )
    return render(
        request,
        "activities/home_call.html",
        {"form": form, "home": home, "booking": booking, "uncalled": uncalled},
    )


@login_required
def home_duty(request):
    """The home page's fragment: my duty at the Home today, and my days still unrecorded.
    Nothing at all for a user with nothing to do."""
    duty = my_duty_for(request.user)
    if duty.empty:
        return HttpResponse("")
    return render(request, "activities/_home_duty.html", {"duty": duty})


@permission_required(Perm.QUOTA_MANAGE)
@require_http_methods(["GET", "POST"])
def home_settings(request):
    """A region's Home settings: whether the Home's calls count toward 与家长通话 (三个一), and
    the names of its 五小 awards. Set by the region's officers, for the schools below."""
    region = page_node(request, classes=False)
    if not isinstance(region, Region):
        raise Http404
    setting = home_setting_of_region(region)
    initial = {"calls_count": setting.calls_count, "five_small_names": setting.five_small_names}
    form = forms.HomeSettingForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            home_setting_set(actor=request.user, region=region, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect(f"{request.path}?scope={region.prefix}")
    return render(request, "activities/home_settings.html", {"form": form, "region": region})
