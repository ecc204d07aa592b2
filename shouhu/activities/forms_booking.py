"""Forms of the family video calls booked by parents (亲情视频)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhu.activities.models.booking import SLOT_MAX_CAPACITY
from shouhu.activities.models.home import CALL_MAX_MINUTES
from shouhu.core.forms import DateField, DateInput

TIME = forms.TimeInput(attrs={"type": "time"})


class SlotForm(forms.Form):
    day = DateField(label=_("日期"), widget=DateInput(), required=False)
    roster = forms.BooleanField(label=_("以后每个值班日都设此时段"), required=False)
    start = forms.TimeField(label=_("开始时间"), widget=TIME)
    end = forms.TimeField(label=_("结束时间"), widget=TIME)
    capacity = forms.IntegerField(
        label=_("可预约人数"), min_value=1, max_value=SLOT_MAX_CAPACITY, initial=2
    )

    def clean(self):
        data = super().clean()
        if not data.get("roster") and not data.get("day"):
            self.add_error("day", _("请填写日期，或勾选每个值班日。"))
        return data


class MarkForm(forms.Form):
    held = forms.TypedChoiceField(
        label=_("是否通话"),
        choices=[("1", _("已通话")), ("0", _("未通话"))],
        coerce=lambda v: v == "1",
    )
    minutes = forms.IntegerField(
        label=_("通话时长（分钟）"), min_value=1, max_value=CALL_MAX_MINUTES, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("held") and not data.get("minutes"):
            self.add_error("minutes", _("请填写通话时长（分钟）。"))
        return data
