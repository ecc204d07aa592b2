"""账号管理: an account manager's pages (an administrator for their region, a school leader for
their school's staff). An account outside what the actor manages is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from shouhu.accounts.forms import AccountCreateForm, AccountForm
from shouhu.accounts.security_forms import UserSearchForm
from shouhu.accounts.selectors import user_get_for, user_list_for
from shouhu.accounts.services import (
    user_create,
    user_deactivate,
    user_password_reset,
    user_reactivate,
    user_two_factor_reset,
    user_update,
)
from shouhu.core.forms import form_errors_add, paginate
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.org.units import node_code, user_scope_node


def _one_time_code_page(request, *, user, code: str, created: bool):
    """The one-time code, shown once (the page is never cached: NoStoreMiddleware)."""
    return render(
        request,
        "accounts/one_time_password.html",
        {"account": user, "code": code, "created": created},
    )


@permission_required(Perm.ACCOUNT_MANAGE)
def user_list(request):
    form = UserSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = paginate(request, user_list_for(request.user, q=q))
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


@permission_required(Perm.ACCOUNT_MANAGE)
@require_http_methods(["GET", "POST"])
def user_create_view(request):
    form = AccountCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, code = user_create(
                actor=request.user,
                username=data["username"],
                display_name=data["display_name"],
                role=data["role"],
                node=data["scope"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            return _one_time_code_page(request, user=user, code=code, created=True)
    return render(request, "accounts/user_form.html", {"form": form, "account": None})


@permission_required(Perm.ACCOUNT_MANAGE)
@require_http_methods(["GET", "POST"])
def user_edit_view(request, pk):
    user = user_get_for(request.user, pk)
    node = user_scope_node(user)
    initial = {
        "display_name": user.display_name,
        "role": user.role,
        "scope": node_code(node) if node is not None else "",
    }
    form = AccountForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_update(
                actor=request.user,
                user=user,
                display_name=data["display_name"],
                role=data["role"],
                node=data["scope"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已保存 %(user)s 的账号。") % {"user": user})
            return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form, "account": user})


# The one-button actions of the account list: the service, and what the manager is told.
ACCOUNT_ACTIONS = {
    "deactivate": (user_deactivate, _lazy("已停用 %(user)s，结束会话 %(n)d 个。")),
    "reactivate": (user_reactivate, _lazy("已启用 %(user)s。")),
    "two-factor-reset": (user_two_factor_reset, _lazy("已重置 %(user)s 的两步验证。")),
}


@permission_required(Perm.ACCOUNT_MANAGE)
@require_POST
def user_action_view(request, pk, action: str):
    """Deactivate, reactivate or reset the second factor of a managed account; a refusal
    becomes a message. Deactivating returns how many sessions it ended."""
    service, done = ACCOUNT_ACTIONS[action]
    user = user_get_for(request.user, pk)
    try:
        result = service(actor=request.user, user=user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        n = result if isinstance(result, int) else 0
        messages.success(request, done % {"user": user, "n": n})
    return redirect("accounts:user-list")


@permission_required(Perm.ACCOUNT_MANAGE)
@require_POST
def user_password_reset_view(request, pk):
    user = user_get_for(request.user, pk)
    try:
        code = user_password_reset(actor=request.user, user=user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:user-list")
    return _one_time_code_page(request, user=user, code=code, created=False)
