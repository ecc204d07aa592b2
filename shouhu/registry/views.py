"""The child register: list, file, register and edit, contact cards."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shouhu.accounts.roles import Perm
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.core.forms import paginate
from shouhu.core.views import permission_required
from shouhu.core.visibility import ChildField, Visibility, shown_all, visibility
from shouhu.org.selectors import class_in_scope, classes_for, term_current, terms_all
from shouhu.registry.contact_card import contact_cards_pdf
from shouhu.registry.forms import (
    TABS,
    ChildFilterForm,
    ChildForm,
    ChildTabForm,
    FlagsForm,
    GuardianForm,
    ParentForm,
)
from shouhu.registry.models import Child, ParentRole
from shouhu.registry.selectors import (
    ChildFilters,
    child_get_for,
    child_history_for,
    child_list_for,
    contact_card_children_for,
)
from shouhu.registry.services import child_register, child_update


@permission_required(Perm.CHILD_VIEW)
def child_list(request):
    terms = list(terms_all())
    classes = list(classes_for(request.user))
    form = ChildFilterForm(request.GET or None, terms=terms, classes=classes)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    current = term_current()
    term_code = data.get("term") or (current.code if current else "")
    term = next((t for t in terms if t.code == term_code), None)
    filters = ChildFilters(
        term=term,
        school_class_id=data.get("school_class") or None,
        category=data.get("category", ""),
        flag=data.get("flag", ""),
        q=data.get("q", ""),
    )
    page = paginate(request, child_list_for(request.user, filters=filters))
    for child in page.object_list:
        snapshots = getattr(child, "term_snapshots", [])
        child.snapshot = snapshots[0] if snapshots else None
    query = request.GET.copy()
    query.pop("page", None)
    access_record(
        user=request.user,
        action=AccessAction.SEARCH,
        query=_list_query_text(data, count=page.paginator.count),
        request=request,
    )
    template = "registry/_child_rows.html" if request.htmx else "registry/child_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "term": term,
            "query": query.urlencode(),
            "may_register": request.user.has_perm_to(Perm.CHILD_EDIT),
            "filtered": any(data.get(k) for k in ("school_class", "category", "flag")),
        },
    )


def _list_query_text(params: dict, *, count: int) -> str:
    """The list's filters as the access log keeps them (the form's parsed values, never the raw
    query: a NUL byte cannot be stored by PostgreSQL), with the number of children listed."""
    parts = [f"{key}={value}" for key, value in params.items() if value]
    return f"{' '.join(parts) or '（全部）'} → {count}"


@permission_required(Perm.CHILD_VIEW)
def child_detail(request, public_id):
    child = child_get_for(request.user, public_id)
    access_record(user=request.user, action=AccessAction.VIEW, child=child, request=request)
    tabs = ChildTabForm(request.GET)
    tab = (tabs.cleaned_data["tab"] if tabs.is_valid() else "") or "basic"
    # What each field shows to this user is decided in one place (shouhu.core.visibility).
    fields = shown_all(request.user, child)
    parents = list(child.parents.all())
    for parent in parents:
        parent.shown_phone = fields[f"{parent.role}_phone"]
        parent.shown_employer = fields[f"{parent.role}_employer"]
    guardian = getattr(child, "guardian", None)  # loaded with the child by child_get_for
    on_register = child.left_on is None
    context = {
        "child": child,
        "tab": tab,
        "tabs": TABS,
        "fields": fields,
        "parents": parents,
        "guardian": guardian,
        "show_history": visibility(request.user, ChildField.HISTORY) != Visibility.HIDDEN,
        "open_flags": [f for f in child.flags.all() if f.until is None],
        "snapshots": sorted(child.snapshots.all(), key=lambda s: s.term.starts_on, reverse=True),
        "may_edit": request.user.has_perm_to(Perm.CHILD_EDIT),
        # The permissions the leave and transfer pages ask for; a child who has left (or
        # graduated) is read-only, so neither is offered.
        "may_leave": on_register and request.user.has_perm_to(Perm.CHILD_EDIT),
        "may_transfer": on_register and request.user.has_perm_to(Perm.HANDOVER),
    }
    if tab == "history":
        context["history"] = child_history_for(request.user, child)
    return render(request, "registry/child_detail.html", context)


def _forms(request, *, child: Child | None):
    """The four forms of the file page, bound to POST data when there is some."""
    data = request.POST if request.method == "POST" else None
    parents = {p.role: p for p in child.parents.all()} if child else {}
    guardian = getattr(child, "guardian", None) if child else None
    open_flags = [f.flag for f in child.flags.filter(until__isnull=True)] if child else []
    return {
        "child": ChildForm(data, instance=child, classes=classes_for(request.user)),
        "father": ParentForm(data, prefix="father", instance=parents.get(ParentRole.FATHER)),
        "mother": ParentForm(data, prefix="mother", instance=parents.get(ParentRole.MOTHER)),
        "guardian": GuardianForm(data, prefix="guardian", instance=guardian),
        "flags": FlagsForm(data, actor=request.user, initial={"flags": open_flags}),
    }


def _spread_errors(forms, error: ValidationError) -> None:
    """A service error keyed `father_phone` or `guardian_name` goes back to its form's field."""
    for key, messages_ in error.message_dict.items():
        prefix, _sep, field = key.partition("_")
        if prefix in ("father", "mother", "guardian") and field in forms[prefix].fields:
            forms[prefix].add_error(field, messages_)
        elif key in forms["child"].fields:
            forms["child"].add_error(key, messages_)
        else:
            forms["child"].add_error(None, messages_)


def _save(request, forms, *, child: Child | None) -> Child | None:
    if not all(form.is_valid() for form in forms.values()):
        return None
    data = {k: v for k, v in forms["child"].cleaned_data.items() if k != "school_class"}
    school_class = forms["child"].cleaned_data["school_class"]
    parents = {role: forms[role].cleaned_data for role in ("father", "mother")}
    guardian = forms["guardian"].cleaned_data
    flags = set(forms["flags"].cleaned_data["flags"])
    try:
        if child is None:
            return child_register(
                actor=request.user,
                school_class=school_class,
                child=data,
                parents=parents,
                guardian=guardian,
                flags=flags,
                source=forms["flags"].cleaned_data["source"],
                request=request,
            )
        return child_update(
            actor=request.user,
            child=child,
            data={**data, "school_class": school_class},
            parents=parents,
            guardian=guardian,
            flags=flags,
            request=request,
        )
    except ValidationError as error:
        _spread_errors(forms, error)
        return None


@permission_required(Perm.CHILD_EDIT)
@require_http_methods(["GET", "POST"])
def child_create(request):
    forms = _forms(request, child=None)
    if request.method == "POST":
        child = _save(request, forms, child=None)
        if child is not None:
            messages.success(request, _("已登记：%(name)s") % {"name": child.name})
            return redirect("registry:child-detail", public_id=child.public_id)
    return render(request, "registry/child_form.html", {"forms": forms, "child": None})


@permission_required(Perm.CHILD_EDIT)
@require_http_methods(["GET", "POST"])
def child_edit(request, public_id):
    child = child_get_for(request.user, public_id)
    forms = _forms(request, child=child)
    if request.method == "POST":
        saved = _save(request, forms, child=child)
        if saved is not None:
            messages.success(request, _("已保存修改。"))
            return redirect("registry:child-detail", public_id=child.public_id)
    return render(request, "registry/child_form.html", {"forms": forms, "child": child})


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@permission_required(Perm.CONTACT_CARD)
def contact_card(request, public_id):
    children = contact_card_children_for(request.user, public_id=public_id)
    access_record(user=request.user, action=AccessAction.PRINT, child=children[0], request=request)
    return _pdf_response(contact_cards_pdf(children), f"联系卡-{children[0].name}.pdf")


@permission_required(Perm.CONTACT_CARD)
def class_contact_cards(request, class_id):
    school_class = class_in_scope(request.user, class_id)
    children = contact_card_children_for(request.user, school_class=school_class)
    for child in children:
        access_record(user=request.user, action=AccessAction.PRINT, child=child, request=request)
    return _pdf_response(contact_cards_pdf(children), f"联系卡-{school_class.name}.pdf")
