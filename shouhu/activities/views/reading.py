"""Reading, awards and chores pages: the class sheet, one child's book, award and chores, the
reflection photo, the figures of a unit, and the 活动 section of the child's file (its calls,
books and awards)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shouhu.activities import forms_home as forms
from shouhu.activities.models import AwardKind
from shouhu.activities.selectors.home import children_without_calls_for
from shouhu.activities.selectors.reading import (
    awards_summary,
    child_activities_for,
    chores_count,
    class_sheet_for,
    not_finished_for,
    reading_finished_count,
    reading_get_for,
)
from shouhu.activities.services.reading import (
    award_give,
    award_titles,
    chores_set,
    reading_record,
)
from shouhu.activities.views.home import term_of_page
from shouhu.care.selectors import child_for_care
from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.files.services import attachment_response
from shouhu.org.forms import node_params
from shouhu.org.models import Region, SchoolClass
from shouhu.org.selectors import classes_for
from shouhu.org.units import node_code, page_node, user_scope_node


@permission_required(Perm.ACTIVITY_RECORD)
def reading_sheet(request):
    """A class's sheet for the term: each child's book, chores and awards, one tap to record.
    A head teacher lands on their class; others pick a class (?scope=class:ID)."""
    own = node_params(request)["scope"] or user_scope_node(request.user)
    node = page_node(request) if own else None  # a volunteer has no class of their own
    if not isinstance(node, SchoolClass):
        classes = list(classes_for(request.user)) if not request.GET.get("scope") else []
        if len(classes) == 1:
            node = classes[0]
        else:
            return render(request, "activities/reading_classes.html", {"classes": classes})
    term = term_of_page(request)
    rows = class_sheet_for(request.user, school_class=node, term=term)
    return render(
        request,
        "activities/reading_sheet.html",
        {"rows": rows, "school_class": node, "term": term},
    )


@permission_required(Perm.ACTIVITY_RECORD)
@require_http_methods(["GET", "POST"])
def reading_child(request, public_id):
    """One child's book of the term, an award, and the chores answer (three small forms)."""
    user = request.user
    child = child_for_care(user, public_id)
    term = term_of_page(request)
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    book = (
        forms.BookForm(request.POST or None, request.FILES or None, prefix="book")
        if (posted == "book")
        else forms.BookForm(prefix="book")
    )
    award = (
        forms.AwardForm(request.POST, prefix="award")
        if posted == "award"
        else forms.AwardForm(prefix="award")
    )
    chores = (
        forms.ChoresForm(request.POST, prefix="chores")
        if posted == "chores"
        else forms.ChoresForm(prefix="chores")
    )
    form = {"book": book, "award": award, "chores": chores}.get(posted)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if posted == "book":
                reading_record(
                    actor=user,
                    child=child,
                    term=term,
                    title=data["title"],
                    finished_on=data["finished_on"],
                    reflection=data["reflection"],
                    photo=data["photo"],
                    request=request,
                )
            elif posted == "award":
                award_give(actor=user, child=child, term=term, request=request, **data)
            else:
                chores_set(actor=user, child=child, term=term, request=request, **data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("activities:reading-child", public_id=child.public_id)
    titles = {k: award_titles(child, k) for k in AwardKind.values}
    return render(
        request,
        "activities/reading_child.html",
        {
            "child": child,
            "term": term,
            "book": book,
            "award": award,
            "chores": chores,
            "titles": titles,
            "activities": child_activities_for(user, child=child),
        },
    )


@permission_required(Perm.CHILD_VIEW)
def reading_photo(request, public_id):
    """The photo of a reflection, to those who see the child (after the record's scope check)."""
    record = reading_get_for(request.user, public_id)
    if record.reflection_photo is None:
        raise Http404
    return attachment_response(record.reflection_photo)


@permission_required(Perm.CARE_OVERSEE)
def reading_figures(request):
    """A unit's reading, awards, chores and calls home for the term: the shares, and the lists
    of the left-behind children who have not finished a book or not called home for 30 days."""
    node = page_node(request)
    term = term_of_page(request)
    user = request.user
    return render(
        request,
        "activities/reading_figures.html",
        {
            "node": node,
            "code": node_code(node),
            "is_region": isinstance(node, Region),
            "term": term,
            "finished": reading_finished_count(user, node=node, term=term),
            "not_finished": not_finished_for(user, node=node, term=term),
            "awards": awards_summary(user, node=node, term=term, names=True),
            "chores": chores_count(user, node=node, term=term),
            "uncalled": children_without_calls_for(user, node=node, term=term),
        },
    )


@permission_required(Perm.CHILD_VIEW)
def child_home_section(request, public_id):
    """The 活动 section of the child's file (its Home part): calls from the Home (notes only
    where the matrix lets the reader), books, awards and chores; nothing when there is none."""
    child = child_for_care(request.user, public_id)
    shown = child_activities_for(request.user, child=child, request=request)
    return render(request, "activities/_child_home_section.html", {"shown": shown})
