"""The parents' channel's forms: big fields, few of them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhu.audit.models import RequestKind
from shouhu.parents.models import MESSAGE_MAX_LENGTH, REPLY_MAX_LENGTH

BIG = {"class": "big"}


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=30,
        widget=forms.TextInput(
            attrs={**BIG, "inputmode": "tel", "autocomplete": "tel", "placeholder": "13812345678"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("短信验证码（6位数字）"),
        max_length=12,
        widget=forms.TextInput(
            attrs={**BIG, "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class PhoneChangeForm(PhoneForm, CodeForm):
    pass


class MessageForm(forms.Form):
    # Over-long text is refused by the service with the count, not cut by the browser alone.
    body = forms.CharField(
        label=_("给老师留言"),
        max_length=MESSAGE_MAX_LENGTH * 4,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX_LENGTH}),
        help_text=_("班主任和代理家长会看到，并在这里回复您。最多%(n)d字。")
        % {"n": MESSAGE_MAX_LENGTH},
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("回复家长"),
        max_length=REPLY_MAX_LENGTH * 4,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REPLY_MAX_LENGTH}),
    )


def reply_form_for(message, *, where: str, data=None) -> ReplyForm:
    """The reply form of one message: its element ids carry the message's id and the page's
    part (`where`), so several messages (and several parts) on one page never share an id."""
    return ReplyForm(data, auto_id=f"id_{where}_{message.public_id.hex[:12]}_%s")


class GuardianRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("您想要"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("具体说明"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )


class ReplyCountForm(forms.Form):
    counts = forms.ChoiceField(
        label=_("家长留言的回复"),
        choices=[("yes", _("计入与家长通话要求")), ("no", _("不计入"))],
        widget=forms.RadioSelect,
    )
