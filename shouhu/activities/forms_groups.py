"""Forms of interest groups: a group, a session's attendance, placing a child, a leave."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhu.activities.models import Weekday
from shouhu.core.forms import DateField, IdField


def _today() -> datetime.date:
    return timezone.localdate()


class GroupForm(forms.Form):
    name = forms.CharField(label=_("小组名称"), max_length=50)
    teacher = forms.ChoiceField(label=_("辅导教师"))
    weekday = forms.TypedChoiceField(label=_("每周活动日"), choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(label=_("活动时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("地点"), max_length=100)

    def __init__(self, *args, teachers=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["teacher"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(t.pk), str(t)) for t in teachers]


class SessionForm(forms.Form):
    held_on = DateField(label=_("日期"), initial=_today)
    children = forms.MultipleChoiceField(
        label=_("出勤的儿童"), widget=forms.CheckboxSelectMultiple, required=False
    )
    account = forms.CharField(
        label=_("活动简述"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["children"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(c.public_id), c.name) for c in children]
        if not self.is_bound:
            field.initial = [str(c.public_id) for c in children]


class PlaceForm(forms.Form):
    """One tap on the class sheet: a child into a group from a date (today)."""

    child = forms.UUIDField()
    group = forms.UUIDField(label=_("兴趣小组"))
    joined_on = DateField(label=_("加入日期"), initial=_today, required=False)


class LeaveForm(forms.Form):
    membership = IdField()
    left_on = DateField(label=_("退出日期"), initial=_today)
