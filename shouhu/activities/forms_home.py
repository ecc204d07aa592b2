"""Forms of the Home, reading and awards. Phone-first: dates default to today, few fields, big
choices; what a service checks (scope, the roster, the region's titles) it checks, not the form."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhu.activities.models import AwardKind, CallParent
from shouhu.activities.models.home import CALL_MAX_MINUTES, NOTE_MAX_LENGTH
from shouhu.activities.models.reading import REFLECTION_MAX_LENGTH
from shouhu.core.forms import DateField, DateInput


def _today() -> datetime.date:
    return timezone.localdate()


class HomeForm(forms.Form):
    room = forms.CharField(label=_("活动室"), max_length=60)
    opening_hours = forms.CharField(label=_("开放时间"), max_length=100)
    equipment = forms.CharField(label=_("设施设备"), max_length=300, required=False)
    has_phone = forms.BooleanField(label=_("亲情电话"), required=False, initial=True)
    has_video = forms.BooleanField(label=_("亲情视频终端"), required=False)


class SwapForm(forms.Form):
    to_teacher = forms.ChoiceField(label=_("换给"))
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_teacher"].choices = [(str(t.pk), str(t)) for t in teachers]


class DayForm(forms.Form):
    day = DateField(label=_("日期"), widget=DateInput(), initial=_today)
    children = forms.MultipleChoiceField(
        label=_("到家儿童"), widget=forms.CheckboxSelectMultiple, required=False
    )
    activities = forms.CharField(
        label=_("开展活动"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up = forms.CharField(
        label=_("需跟进事项"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = [
            (str(c.public_id), f"{c.name}（{c.school_class.name}）") for c in children
        ]


class CallForm(forms.Form):
    """A call held (minutes given) or a booking (minutes empty, a day from today on)."""

    child = forms.ChoiceField(label=_("儿童"))
    parent = forms.ChoiceField(
        label=_("通话对象"), choices=CallParent.choices, widget=forms.RadioSelect
    )
    day = DateField(label=_("日期"), widget=DateInput(), initial=_today)
    slot = forms.TimeField(
        label=_("预约时段"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("仅预约时填写。"),
    )
    minutes = forms.IntegerField(
        label=_("通话时长（分钟）"),
        required=False,
        min_value=1,
        help_text=_("通话结束后填写；不填则记为预约。最长%(n)d分钟。") % {"n": CALL_MAX_MINUTES},
    )
    video = forms.BooleanField(label=_("视频通话"), required=False)
    note = forms.CharField(
        label=_("备注（仅本人和关爱网络可见）"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [("", "—")] + [
            (str(c.public_id), f"{c.name}（{c.school_class.name}）") for c in children
        ]


class BookForm(forms.Form):
    title = forms.CharField(label=_("书名"), max_length=100)
    finished_on = DateField(label=_("读完日期"), widget=DateInput(), required=False)
    reflection = forms.CharField(
        label=_("读后感"),
        required=False,
        max_length=REFLECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photo = forms.FileField(
        label=_("读后感照片"), required=False, help_text=_("可拍下手写的读后感，10 MB以内。")
    )


class AwardForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=AwardKind.choices)
    title = forms.CharField(label=_("称号"), max_length=30)
    reason = forms.CharField(label=_("事迹"), max_length=300, widget=forms.Textarea({"rows": 2}))


class ChoresForm(forms.Form):
    does_chores = forms.TypedChoiceField(
        label=_("参加家务劳动"),
        choices=[("1", _("是")), ("0", _("否"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )


class HomeSettingForm(forms.Form):
    calls_count = forms.BooleanField(
        label=_("亲情通话计入“与家长通话”要求"),
        required=False,
        help_text=_("勾选后，在留守儿童之家的亲情通话同时记为一次与家长通话（三个一）。"),
    )
    five_small_names = forms.CharField(
        label=_("五小名称"),
        max_length=200,
        required=False,
        help_text=_("用顿号分隔，如：小主人、小帮手、小标兵、小能手、小卫士。"),
    )
