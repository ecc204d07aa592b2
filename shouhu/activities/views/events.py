"""The event pages: the term's events, record one, one event with its photos, a photo, the
child file's 活动 section with the photo consent, and the home page's birthdays and hours."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shouhu.activities.forms_events import ConsentForm, EventForm, PhotoForm
from shouhu.activities.selectors.events import (
    birthdays_for,
    child_activities_for,
    child_for_activities,
    children_by_public_ids,
    children_without_event_for,
    event_detail_for,
    event_for,
    events_for,
    events_run_by,
    participants_for,
    photo_for,
)
from shouhu.activities.services.events import event_photo_add, event_record, photo_consent_set
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record_many
from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm, Role
from shouhu.core.views import permission_required
from shouhu.files.services import attachment_response
from shouhu.org.selectors import class_get_for, classes_for, term_current
from shouhu.org.units import user_scope_node


@permission_required(Perm.ACTIVITY_RECORD)
def event_list(request):
    """活动: this term's events the user sees, and the left-behind children who took part in
    none (for the head teacher: who to bring along next time)."""
    term = term_current()
    node = user_scope_node(request.user)
    missing = (
        children_without_event_for(request.user, node=node, term=term)
        if term is not None and node is not None
        else []
    )
    return render(
        request,
        "activities/events_list.html",
        {
            "term": term,
            "rows": events_for(request.user, term=term) if term is not None else [],
            "missing": missing,
        },
    )


@permission_required(Perm.ACTIVITY_RECORD)
@require_http_methods(["GET", "POST"])
def event_create(request):
    """Record an event.

    1. The page lists the children of a class (?class=ID) all ticked: untick who did not come
       (a volunteer, with no class, sees the children paired with them).
    2. Saved, the page shows the event, where photos can be added.
    """
    user = request.user
    classes = list(classes_for(user))
    class_id = request.POST.get("class") or request.GET.get("class")
    if not class_id and len(classes) == 1:
        class_id = classes[0].pk
    school_class = class_get_for(user, class_id) if class_id else None
    children = (
        list(participants_for(user, school_class=school_class))
        if school_class is not None or not classes
        else []
    )
    form = EventForm(request.POST if request.method == "POST" else None, children=children)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hours = data["hours"] if data["hours"] is not None else Decimal(0)
        try:
            event = event_record(
                actor=user,
                kind=data["kind"],
                title=data["title"],
                held_on=data["held_on"],
                starts_at=data["starts_at"],
                place=data["place"],
                organiser=data["organiser"],
                organiser_name=data["organiser_name"],
                children=children_by_public_ids(user, data["children"]),
                staff=[(user, hours)],
                account=data["account"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已记录活动：%(title)s") % {"title": event.title})
            return redirect("activities:event-detail", public_id=event.public_id)
    return render(
        request,
        "activities/events_form.html",
        {"form": form, "classes": classes, "school_class": school_class},
    )


@permission_required(Perm.ACTIVITY_RECORD)
@require_http_methods(["GET", "POST"])
def event_detail(request, public_id):
    """One event: who took part (the names the reader may see), who ran it, its photos; a
    photo is added here with the children in it ticked."""
    event = event_for(request.user, public_id)
    detail = event_detail_for(request.user, event)
    form = PhotoForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        children=detail.children,
    )
    if request.method == "POST" and form.is_valid():
        try:
            event_photo_add(
                actor=request.user,
                event=event,
                upload=form.cleaned_data["photo"],
                children=children_by_public_ids(request.user, form.cleaned_data["children"]),
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("照片已保存。"))
            return redirect("activities:event-detail", public_id=event.public_id)
    return render(request, "activities/events_detail.html", {"detail": detail, "form": form})


@permission_required(Perm.CHILD_VIEW)
def event_photo(request, public_id):
    """A photo, to a signed-in user who sees the event and every child in it (404 else); each
    child in it is logged as viewed."""
    photo = photo_for(request.user, public_id)
    access_record_many(
        user=request.user,
        action=AccessAction.VIEW,
        child_ids=photo.children.values_list("pk", flat=True),
        query=f"event-photo:{photo.public_id}",
        request=request,
    )
    return attachment_response(photo.attachment)


@permission_required(Perm.CHILD_VIEW)
def child_activities_section(request, public_id):
    """The 活动 section of the child's file: this term's events and the photo consent."""
    child = child_for_activities(request.user, public_id)
    return render(
        request,
        "activities/events_child_section.html",
        {"acts": child_activities_for(request.user, child=child, term=term_current())},
    )


@permission_required(Perm.CHILD_EDIT)
@require_http_methods(["GET", "POST"])
def photo_consent(request, public_id):
    """Record the guardian's consent to photos, or its withdrawal, with its date."""
    child = child_for_activities(request.user, public_id)
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            photo_consent_set(
                actor=request.user,
                child=child,
                consented=form.cleaned_data["consented"],
                decided_on=form.cleaned_data["decided_on"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已记录照片使用同意情况。"))
            return redirect("registry:child-detail", public_id=child.public_id)
    return render(request, "activities/events_consent.html", {"form": form, "child": child})


@login_required
def home_events(request):
    """The home page's part: this week's birthdays (a head teacher) and the events a volunteer
    ran with their hours; nothing for a user with neither."""
    user = request.user
    birthdays = birthdays_for(user)
    run = events_run_by(user, term=term_current()) if user.role == Role.VOLUNTEER else None
    if not birthdays and (run is None or not run.count):
        return HttpResponse("")
    return render(request, "activities/events_home.html", {"birthdays": birthdays, "run": run})
