"""The staff member's notification settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhu.notify.models import Channel


class PreferenceForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("接收方式"), choices=Channel.choices, widget=forms.RadioSelect
    )
    digest = forms.BooleanField(
        label=_("每天早上7点接收待办提醒"),
        required=False,
        help_text=_("重大安全事件等紧急消息无法关闭，总会发送。"),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_channel(self) -> str:
        channel = self.cleaned_data["channel"]
        if channel == Channel.EMAIL and not self.user.email:
            raise forms.ValidationError(_("您的账号没有登记电子邮箱，请联系管理员添加后再选择。"))
        return channel
