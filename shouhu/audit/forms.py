"""The privacy officer's forms, and the reason typed to reveal a masked field."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhu.audit.models import AccessAction, RequestKind, RequestShow, RequestStatus
from shouhu.core.forms import DateField, NameField
from shouhu.core.text import REASON_MAX_LENGTH, reason_check


class DateInput(forms.DateInput):
    input_type = "date"


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("查看理由"),
        max_length=REASON_MAX_LENGTH,
        help_text=_("如：电话联系家长核实情况。理由会记入访问记录。"),
    )

    def clean_reason(self) -> str:
        """At least 4 Chinese characters or 10 characters, not one repeated (reason_check)."""
        return reason_check(self.cleaned_data["reason"])


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(label=_("用户"), required=False, max_length=50)
    child = forms.CharField(label=_("儿童姓名"), required=False, max_length=30)
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *AccessAction.choices]
    )
    start = DateField(label=_("从"), required=False, widget=DateInput())
    end = DateField(label=_("到"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        return data


class DateRangeForm(forms.Form):
    start = DateField(label=_("从"), required=False, widget=DateInput())
    end = DateField(label=_("到"), required=False, widget=DateInput())

    def range(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or end - datetime.timedelta(days=6)
        return (start, end) if start <= end else (end, start)


class ExportGrantForm(forms.Form):
    grantee = forms.ModelChoiceField(label=_("被授权人"), queryset=None)
    scope_code = forms.CharField(
        label=_("导出范围代码"),
        max_length=12,
        help_text=_("区划代码（如 511781）或10位学校标识码。"),
    )
    reason = forms.CharField(label=_("用途"), max_length=200)

    def __init__(self, *args, grantees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grantee"].queryset = grantees

    def clean_scope_code(self):
        code = self.cleaned_data["scope_code"].strip()
        if not code.isdigit():
            raise ValidationError(_("范围代码只能是数字。"))
        return code


class GuardianRequestForm(forms.Form):
    id_number = forms.CharField(
        label=_("儿童身份证号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("请求类型"), choices=RequestKind.choices)
    requester_name = NameField(label=_("申请人姓名"), max_length=30)
    requester_relation = forms.CharField(label=_("与儿童关系"), max_length=20)
    requester_phone = forms.CharField(label=_("申请人电话"), max_length=20, required=False)
    details = forms.CharField(
        label=_("请求内容"), max_length=1000, required=False, widget=forms.Textarea({"rows": 3})
    )
    received_on = DateField(label=_("收到日期"), widget=DateInput())


class RequestListForm(forms.Form):
    show = forms.ChoiceField(
        choices=RequestShow.choices,
        required=False,
    )


class RequestCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("办理结果"),
        choices=[(RequestStatus.DONE, _("已办结")), (RequestStatus.REFUSED, _("不予办理"))],
    )
    resolution = forms.CharField(
        label=_("说明"), max_length=300, widget=forms.Textarea({"rows": 3})
    )
    confirm_erasure = forms.BooleanField(
        label=_("确认：删除请求办结后，该儿童档案将被匿名化，无法恢复。"), required=False
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind != RequestKind.DELETION:
            del self.fields["confirm_erasure"]

    def clean(self):
        data = super().clean()
        if (
            self.kind == RequestKind.DELETION
            and data.get("status") == RequestStatus.DONE
            and not data.get("confirm_erasure")
        ):
            self.add_error("confirm_erasure", _("请确认匿名化。"))
        return data


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
