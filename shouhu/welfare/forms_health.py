"""The forms of health and safety pages (welfare's health-and-safety part). Values are checked
again by the services, which name the field and the reason; the forms only parse."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhu.core.forms import DateField, DateInput
from shouhu.welfare.models import (
    ConditionKind,
    Dental,
    IncidentKind,
    LectureKind,
    LecturePeriod,
    NotifiedParty,
)


def today() -> datetime.date:
    return timezone.localdate()


def _now() -> datetime.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DateTimeField(forms.DateTimeField):
    widget = DateTimeInput
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    default_error_messages = {"invalid": _("请输入有效的日期和时间，如 2026-09-01 14:30。")}


class SheetDateForm(forms.Form):
    checked_on = DateField(label=_("体检日期"), initial=today, widget=DateInput())


class HealthCheckForm(forms.Form):
    """One child's check; the values stay text, the service parses and ranges them."""

    checked_on = DateField(label=_("体检日期"), initial=today, widget=DateInput())
    height_cm = forms.CharField(label=_("身高（厘米）"), max_length=10)
    weight_kg = forms.CharField(label=_("体重（千克）"), max_length=10)
    vision_left = forms.CharField(
        label=_("左眼视力"), max_length=10, help_text=_("五分记录，如 4.9")
    )
    vision_right = forms.CharField(label=_("右眼视力"), max_length=10)
    dental = forms.ChoiceField(label=_("口腔"), choices=Dental.choices)
    conclusion = forms.CharField(
        label=_("医生结论"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    follow_up = forms.BooleanField(label=_("需要复查"), required=False)


class ConditionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ConditionKind.choices)
    starts_on = DateField(label=_("开始日期"), initial=today, widget=DateInput())
    ends_on = DateField(label=_("结束日期"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class FollowUpDoneForm(forms.Form):
    done_on = DateField(label=_("复查日期"), initial=today, widget=DateInput())


class HealthImportForm(forms.Form):
    checked_on = DateField(label=_("体检日期"), initial=today, widget=DateInput())
    upload = forms.FileField(label=_("体检结果表（Excel）"))


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("事件类型"), choices=IncidentKind.choices)
    serious = forms.BooleanField(label=_("重大事件（立即提醒学校领导和乡镇）"), required=False)
    happened_at = DateTimeField(label=_("发生时间"), initial=_now)
    place = forms.CharField(label=_("地点"), max_length=100)
    what = forms.CharField(
        label=_("经过"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    injuries = forms.CharField(
        label=_("伤情"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    actions = forms.CharField(
        label=_("处置措施"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoticeForm(forms.Form):
    party = forms.ChoiceField(label=_("通知对象"), choices=NotifiedParty.choices)
    name = forms.CharField(label=_("姓名"), required=False, max_length=30)
    notified_at = DateTimeField(label=_("通知时间"), initial=_now)


class IncidentFollowUpForm(forms.Form):
    due_on = DateField(label=_("跟进日期"), initial=today, widget=DateInput())
    note = forms.CharField(
        label=_("跟进内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    done = forms.BooleanField(label=_("已完成"), required=False)


class LectureForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=LectureKind.choices)
    held_on = DateField(label=_("日期"), initial=today, widget=DateInput())
    topic = forms.CharField(label=_("主题"), max_length=100)
    speaker = forms.CharField(label=_("主讲人"), max_length=60)
    classes = forms.MultipleChoiceField(
        label=_("参加班级"), required=False, widget=forms.CheckboxSelectMultiple
    )
    attendance = forms.IntegerField(
        label=_("参加人次"),
        required=False,
        min_value=1,
        max_value=5000,
        help_text=_("不填则按所选班级在册人数计算。"),
    )

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classes"].choices = [(str(c.pk), f"{c.school.name} {c.name}") for c in classes]


class LectureQuotaForm(forms.Form):
    period = forms.ChoiceField(label=_("周期"), choices=LecturePeriod.choices)
    minimum = forms.IntegerField(label=_("至少场次"), min_value=1, max_value=10)
