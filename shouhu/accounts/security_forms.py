"""Forms of the second factor and of the account list."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("验证码"),
        max_length=20,
        help_text=_("身份验证器上的6位数字，或一个恢复码。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class UserSearchForm(forms.Form):
    q = forms.CharField(
        label=_("用户名或姓名"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class NextForm(forms.Form):
    """Where to go after the second factor (checked to be a path on this site by the view)."""

    next = forms.CharField(required=False, max_length=2000)
