"""Forms of events and photo consent. Phone-first: the date defaults to today, the children of
the class come ticked, and nothing needs more than the Chinese input method."""

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhu.activities.models.events import ACCOUNT_MAX_LENGTH, EventKind, Organiser
from shouhu.core.forms import DateField


def _today() -> datetime.date:
    return timezone.localdate()


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), choices=[c for c in EventKind.choices if c[0] != EventKind.GROUP_SESSION]
    )
    title = forms.CharField(label=_("名称"), max_length=100)
    held_on = DateField(label=_("日期"), initial=_today, help_text=_("默认今天；不能晚于今天。"))
    starts_at = forms.TimeField(
        label=_("开始时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    organiser = forms.ChoiceField(label=_("组织方"), choices=Organiser.choices)
    organiser_name = forms.CharField(
        label=_("组织方名称"),
        max_length=100,
        required=False,
        help_text=_("如志愿者协会名称，可不填"),
    )
    hours = forms.DecimalField(
        label=_("我的工作时长（小时）"),
        min_value=Decimal(0),
        max_value=Decimal(24),
        decimal_places=1,
        initial=Decimal(2),
        required=False,
    )
    children = forms.MultipleChoiceField(
        label=_("参加的儿童"), widget=forms.CheckboxSelectMultiple, required=False
    )
    account = forms.CharField(
        label=_("活动简述"),
        required=False,
        max_length=ACCOUNT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["children"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(c.public_id), f"{c.name}（{c.school_class.name}）") for c in children]
        if not self.is_bound:
            # Picked by class with everyone ticked: untick those who did not come.
            field.initial = [str(c.public_id) for c in children]


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("照片"), help_text=_("JPEG、PNG 等图片，不超过 10 MB。"))
    children = forms.MultipleChoiceField(
        label=_("照片中的儿童"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("请勾选照片中出现的每一名儿童；监护人未同意拍照的儿童不能出现在照片中。"),
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["children"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(c.public_id), c.name) for c in children]


class ConsentForm(forms.Form):
    consented = forms.TypedChoiceField(
        label=_("监护人是否同意拍照"),
        choices=[("1", _("同意")), ("0", _("不同意"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    decided_on = DateField(label=_("日期"), initial=_today)
