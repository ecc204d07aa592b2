from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shouhu.accounts.selectors import roles_grantable_by, scope_node_for, scope_nodes_for
from shouhu.accounts.services import one_time_password_expired
from shouhu.org.models import Region, School
from shouhu.org.units import node_code


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("用户名或密码不正确。"),
        "inactive": _("该账号已停用。"),
        "code_expired": _("一次性密码已使用或已过期，请联系管理员重新重置密码。"),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if one_time_password_expired(user):
            raise ValidationError(self.error_messages["code_expired"], code="code_expired")


# --- the user's own password ------------------------------------------------------------------


class _NewPasswordFields(forms.Form):
    new_password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少10个字符，不能是常见密码，不能与用户名或姓名相近。"),
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class PasswordSetForm(_NewPasswordFields):
    """After a one-time code: only the new password."""


class PasswordChangeForm(_NewPasswordFields):
    """Of the user's own accord: the current password (and the second factor, if enrolled)."""

    current_password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    token = forms.CharField(
        label=_("验证码"),
        required=False,
        max_length=20,
        help_text=_("身份验证器上的6位数字，或一个恢复码。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
    field_order = ["current_password", "token", "new_password1", "new_password2"]

    def __init__(self, *args, with_token: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_token:
            del self.fields["token"]


# --- an account manager's forms ---------------------------------------------------------------


def _node_label(node) -> str:
    if isinstance(node, Region):
        return f"{node.name}（{node.get_level_display()}）"
    return str(node)


class AccountForm(forms.Form):
    """Name, role and scope of an account; the choices are only what the actor may give."""

    display_name = forms.CharField(label=_("姓名"), max_length=30)
    role = forms.ChoiceField(label=_("角色"))
    scope = forms.ChoiceField(
        label=_("管辖范围"),
        required=False,
        help_text=_(
            "班主任选班级；学校领导、任课教师、心理辅导教师选学校；其他角色选区划；志愿者不选。"
        ),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["role"].choices = [(r.value, r.label) for r in roles_grantable_by(actor)]
        groups: dict[str, list[tuple[str, str]]] = {
            str(_("区划")): [],
            str(_("学校")): [],
            str(_("班级")): [],
        }
        for node in scope_nodes_for(actor):
            if isinstance(node, Region):
                kind = _("区划")
            else:
                kind = _("学校") if isinstance(node, School) else _("班级")
            groups[str(kind)].append((node_code(node), _node_label(node)))
        self.fields["scope"].choices = [("", _("（无，志愿者）"))] + [
            (label, options) for label, options in groups.items() if options
        ]

    def clean_scope(self):
        code = self.cleaned_data.get("scope") or ""
        if not code:
            return None
        node = scope_node_for(self.actor, code)
        if node is None:
            raise ValidationError(_("该范围不在您的管辖范围内。"))
        return node


class AccountCreateForm(AccountForm):
    username = forms.RegexField(
        label=_("用户名"),
        max_length=30,
        regex=r"^[A-Za-z0-9_.-]+$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 _ . -。")},
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    field_order = ["username", "display_name", "role", "scope"]
