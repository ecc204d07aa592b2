"""The interest-group pages: the groups, open one, one group (members, leaving, sessions),
record a session with its attendance, and a class's sheet that places children in a few taps."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shouhu.activities.forms_groups import GroupForm, LeaveForm, PlaceForm, SessionForm
from shouhu.activities.selectors.events import children_by_public_ids
from shouhu.activities.selectors.groups import (
    children_without_group_for,
    class_sheet_for,
    group_detail_for,
    group_for,
    groups_for,
    membership_for,
    teachers_for,
)
from shouhu.activities.services.groups import (
    group_create,
    group_join,
    group_leave,
    group_session_record,
)
from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.org.selectors import class_get_for, classes_for, term_current
from shouhu.org.units import user_scope_node


@permission_required(Perm.ACTIVITY_RECORD)
def group_list(request):
    """兴趣小组: the groups the user sees, with their members today; the class sheets; the
    left-behind children of the user's unit in no group (the coverage figure's list)."""
    term = term_current()
    node = user_scope_node(request.user)
    missing = (
        children_without_group_for(request.user, node=node, term=term)
        if term is not None and node is not None
        else []
    )
    return render(
        request,
        "activities/groups_list.html",
        {
            "groups": groups_for(request.user),
            "classes": list(classes_for(request.user)),
            "missing": missing,
        },
    )


@permission_required(Perm.ACTIVITY_RECORD)
@require_http_methods(["GET", "POST"])
def group_create_view(request):
    """Open a group of the user's school: its teacher, weekly time and place."""
    teachers = teachers_for(request.user)
    form = GroupForm(request.POST if request.method == "POST" else None, teachers=teachers)
    if request.method == "POST" and form.is_valid():
        by_pk = {str(t.pk): t for t in teachers}
        try:
            group = group_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                teacher=by_pk[form.cleaned_data["teacher"]],
                weekday=form.cleaned_data["weekday"],
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已开设兴趣小组：%(name)s") % {"name": group.name})
            return redirect("activities:group-detail", public_id=group.public_id)
    return render(request, "activities/groups_form.html", {"form": form})


@permission_required(Perm.ACTIVITY_RECORD)
@require_http_methods(["GET", "POST"])
def group_detail(request, public_id):
    """One group: the members today (those the reader sees), a leave, the sessions."""
    group = group_for(request.user, public_id)
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        membership = membership_for(request.user, group, form.cleaned_data["membership"])
        try:
            group_leave(
                actor=request.user,
                membership=membership,
                left_on=form.cleaned_data["left_on"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("%(name)s 已退出该小组。") % {"name": membership.child})
            return redirect("activities:group-detail", public_id=group.public_id)
    return render(
        request,
        "activities/groups_detail.html",
        {"detail": group_detail_for(request.user, group), "form": form},
    )


@permission_required(Perm.ACTIVITY_RECORD)
@require_http_methods(["GET", "POST"])
def group_session(request, public_id):
    """Record a session: the members come ticked, untick who was absent."""
    group = group_for(request.user, public_id)
    members = [m.child for m in group_detail_for(request.user, group).members]
    form = SessionForm(request.POST if request.method == "POST" else None, children=members)
    if request.method == "POST" and form.is_valid():
        try:
            group_session_record(
                actor=request.user,
                group=group,
                held_on=form.cleaned_data["held_on"],
                children=children_by_public_ids(request.user, form.cleaned_data["children"]),
                account=form.cleaned_data["account"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已记录小组活动。"))
            return redirect("activities:group-detail", public_id=group.public_id)
    return render(request, "activities/groups_session.html", {"form": form, "group": group})


@permission_required(Perm.ACTIVITY_RECORD)
@require_http_methods(["GET", "POST"])
def group_class_sheet(request, class_id):
    """A class's sheet: each child with their groups, the left-behind in none first; one tap
    puts a child in a group from today."""
    school_class = class_get_for(request.user, class_id)
    form = PlaceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        group = group_for(request.user, form.cleaned_data["group"])
        children = children_by_public_ids(request.user, [form.cleaned_data["child"]])
        if not children or children[0].school_class_id != school_class.pk:
            raise Http404
        try:
            group_join(
                actor=request.user,
                group=group,
                children=children,
                joined_on=form.cleaned_data["joined_on"] or timezone.localdate(),
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                _("%(child)s 已加入%(group)s。") % {"child": children[0].name, "group": group.name},
            )
            return redirect("activities:group-class-sheet", class_id=school_class.pk)
    sheet = class_sheet_for(request.user, school_class=school_class, term=term_current())
    return render(request, "activities/groups_sheet.html", {"sheet": sheet, "form": form})
