"""The child register: list, file, register and edit, contact cards."""

import uuid
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shouhu.audit.services import card_phones_reveal
from shouhu.core.forms import form_errors_add, page_number
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.org.models import Region
from shouhu.org.selectors import class_get_for, classes_for, term_current, terms_all
from shouhu.registry.flags import flag_settable
from shouhu.registry.forms import (
    TABS,
    ChildFilterForm,
    ChildForm,
    ChildTabForm,
    ContactCardsForm,
    FlagSetForm,
    FlagsForm,
    GuardianForm,
    ParentForm,
)
from shouhu.registry.models import Child, Flag, ParentRole
from shouhu.registry.selectors import (
    CONTACT_CARD_BATCH_MAX,
    ChildFilters,
    child_file_for,
    child_get_for,
    child_list_page_for,
    class_menu_for,
    contact_card_children_for,
    contact_cards_page_for,
    contact_cards_print_for,
)
from shouhu.registry.services import (
    child_flag_set,
    child_read_only_reason,
    child_register,
    child_update,
)


@permission_required(Perm.CHILD_VIEW)
def child_list(request):
    terms = list(terms_all())
    menu = class_menu_for(request.user, chosen=request.GET.get("school_class"))
    form = ChildFilterForm(
        request.GET or None,
        user=request.user,
        terms=terms,
        classes=menu.classes,
        bounded=menu.bounded,
    )
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    # A filter on a flag the role may not see is refused, never silently dropped or applied:
    # the selector refuses it, and logs the refusal with the filters as they were sent.
    hidden = form.has_error("flag", code="hidden")
    current = term_current()
    term_code = data.get("term") or (current.code if current else "")
    term = next((t for t in terms if t.code == term_code), None)
    filters = ChildFilters(
        term=term,
        school_class_id=data.get("school_class") or None,
        category=data.get("category", ""),
        flag=request.GET["flag"] if hidden else data.get("flag", ""),
        q=data.get("q", ""),
    )
    try:
        page = child_list_page_for(
            request.user,
            filters=filters,
            shown=request.GET if hidden else data,
            page=page_number(request),
            request=request,
        )
    except PermissionDenied:
        return render(
            request,
            "registry/child_list_refused.html",
            {"errors": form.errors["flag"]},
            status=400,
        )
    query = request.GET.copy()
    query.pop("page", None)
    template = "registry/_child_rows.html" if request.htmx else "registry/child_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "term": term,
            "query": query.urlencode(),
            "filtered": any(data.get(k) for k in ("school_class", "category", "flag")),
        },
    )


@permission_required(Perm.CHILD_VIEW)
def child_detail(request, public_id):
    tabs = ChildTabForm(request.GET)
    tab = (tabs.cleaned_data["tab"] if tabs.is_valid() else "") or "basic"
    page = child_file_for(request.user, public_id=public_id, tab=tab, request=request)
    return render(request, "registry/child_detail.html", {"file": page, "tabs": TABS})


@permission_required(Perm.CHILD_VIEW)
@require_POST
def child_flag(request, public_id, flag):
    """Set or clear one flag (`on=1` / `on=0`) of a child: how the counsellor marks 心理问题."""
    child = child_get_for(request.user, public_id)
    if flag not in Flag.values:
        raise Http404
    if not flag_settable(request.user, flag):
        raise PermissionDenied(_("您的角色不能修改这一重点对象标记。"))
    form = FlagSetForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("请求无效。"))
    try:
        changed = child_flag_set(
            actor=request.user,
            child=child,
            flag=flag,
            on=form.cleaned_data["on"],
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if changed:
            label = Flag(flag).label
            text = _("已标记：%(f)s") if form.cleaned_data["on"] else _("已解除标记：%(f)s")
            messages.success(request, text % {"f": label})
    return redirect("registry:child-detail", public_id=child.public_id)


def _forms(request, *, child: Child | None):
    """The four forms of the file page, bound to POST data when there is some."""
    data = request.POST if request.method == "POST" else None
    parents = {p.role: p for p in child.parents.all()} if child else {}
    guardian = getattr(child, "guardian", None) if child else None
    open_flags = [f.flag for f in child.flags.open()] if child else []
    return {
        "child": ChildForm(data, instance=child, classes=classes_for(request.user)),
        "father": ParentForm(data, prefix="father", instance=parents.get(ParentRole.FATHER)),
        "mother": ParentForm(data, prefix="mother", instance=parents.get(ParentRole.MOTHER)),
        "guardian": GuardianForm(data, prefix="guardian", instance=guardian),
        "flags": FlagsForm(data, actor=request.user, initial={"flags": open_flags}),
    }


def _spread_errors(forms, error: ValidationError) -> None:
    """A service error keyed `father_phone` or `guardian_name` goes back to its form's field;
    the rest to the child's form, beside its field or above the form (`form_errors_add`)."""
    if not hasattr(error, "error_dict"):  # a refusal of the whole file, not of one field
        form_errors_add(forms["child"], error)
        return
    rest = {}
    for key, messages_ in error.message_dict.items():
        prefix, _sep, field = key.partition("_")
        if prefix in ("father", "mother", "guardian") and field in forms[prefix].fields:
            forms[prefix].add_error(field, messages_)
        else:
            rest[key] = messages_
    if rest:
        form_errors_add(forms["child"], ValidationError(rest))


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
    refused = child_read_only_reason(child)
    if refused:  # a form opened before the child left, or a stale link: nothing is written
        messages.error(request, refused)
        return redirect("registry:child-detail", public_id=child.public_id)
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


def _cards_pdf(request, children: list[Child], *, filename: str, reason: str = "") -> HttpResponse:
    """The cards as the user may print them; with a reason, the family's phones the user's cell
    masks are printed in full and each child's reveal is logged (the reason is checked there).
    Every card printed is logged by the selector."""
    revealed: set[int] = set()
    if reason:
        revealed = card_phones_reveal(
            actor=request.user, children=children, reason=reason, request=request
        )
    pdf = contact_cards_print_for(
        request.user, children=children, revealed=frozenset(revealed), request=request
    )
    return _pdf_response(pdf, filename)


@permission_required(Perm.CONTACT_CARD)
def contact_card(request, public_id):
    """One child's card, phones as the matrix shows them to the user (no reason asked)."""
    children = contact_card_children_for(request.user, public_id=public_id)
    return _cards_pdf(request, children, filename=f"联系卡-{children[0].name}.pdf")


@permission_required(Perm.CONTACT_CARD)
def class_contact_cards(request, class_id):
    """A class's cards, phones as the matrix shows them to the user (no reason asked)."""
    school_class = class_get_for(request.user, class_id)
    children = contact_card_children_for(request.user, node=school_class)
    return _cards_pdf(request, children, filename=f"联系卡-{school_class.name}.pdf")


def _scope_label(node) -> str:
    if isinstance(node, Region):
        return _("%(name)s（全部学校）") % {"name": node.name}
    return str(node)


@permission_required(Perm.CONTACT_CARD)
@require_http_methods(["GET", "POST"])
def contact_cards(request):
    """打印联系卡: one child's card (?child=ID, from the file page) or a batch (a class, a
    school, a township), with one reason for the whole batch when the user wants the phones
    their role sees masked.

    1. GET shows the form; a user whose cell masks the family's phones gets a reason box.
    2. POST prints: without a reason, as the matrix shows; with one, in full, logged per child.
    """
    user = request.user
    offered = contact_cards_page_for(user)
    nodes = offered.scopes
    data = request.POST if request.method == "POST" else None
    child_id = (data or request.GET).get("child", "")
    child = None
    if child_id:
        try:
            child = child_get_for(user, uuid.UUID(str(child_id)))
        except ValueError:
            raise Http404 from None
    form = ContactCardsForm(
        data,
        initial={"child": child_id},
        scopes={code: _scope_label(n) for code, n in nodes.items()},
        one_child=child is not None,
        cards_in_full=offered.cards_in_full,
    )
    if data is not None and form.is_valid():
        reason = form.cleaned_data.get("reason", "")
        if child is not None:
            children = contact_card_children_for(user, public_id=child.public_id)
            filename = f"联系卡-{child.name}.pdf"
        else:
            node = nodes[form.cleaned_data["scope"]]
            children = contact_card_children_for(user, node=node)
            filename = f"联系卡-{node.name}.pdf"
        if len(children) > CONTACT_CARD_BATCH_MAX:
            form.add_error(
                "scope",
                _("一次最多打印%(max)d张（此范围有%(n)d名儿童），请按学校或班级分批打印。")
                % {"max": CONTACT_CARD_BATCH_MAX, "n": len(children)},
            )
        else:
            try:
                return _cards_pdf(request, children, filename=filename, reason=reason)
            except ValidationError as error:
                form_errors_add(form, error)
    return render(
        request,
        "registry/contact_cards.html",
        {"form": form, "child": child},
    )
