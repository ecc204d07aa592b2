"""Forms of the care work. Phone-first: dates default to today, choices are big radio buttons
where there are few, and nothing needs more than the Chinese input method."""

import datetime
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhu.care.models import (
    PARENT_NOTE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    ActionKind,
    QuotaPeriod,
    SignalKind,
)
from shouhu.care.rules import Period
from shouhu.core.forms import DateField, IdField, NameField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _today() -> datetime.date:
    return timezone.localdate()


class CareActionForm(forms.Form):
    """A care action. The children come from the page (one child, or a class's checkboxes).

    For a quota period named by a worklist item (`period`), the date is limited to that period;
    for one that has ended (a late entry, 补录) it is not filled in: the page asks for the day the
    action happened."""

    kind = forms.ChoiceField(label=_("类型"), choices=ActionKind.choices)
    done_on = DateField(
        label=_("日期"), widget=DateInput(), initial=_today, help_text=_("默认今天。")
    )
    children = forms.MultipleChoiceField(
        label=_("参加的儿童"), widget=forms.CheckboxSelectMultiple, required=False
    )
    tasks = forms.MultipleChoiceField(
        label=_("同时完成的家访任务"), widget=forms.CheckboxSelectMultiple, required=False
    )
    summary = forms.CharField(
        label=_("情况摘要"),
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("可不填，之后补充")}),
    )
    shareable = forms.BooleanField(
        label=_("摘要可共享"),
        required=False,
        help_text=_(
            "不勾选时，摘要只有您和本校关爱网络（班主任、任课教师、学校领导）能看到；"
            "勾选后，志愿者、村督导员和上级部门也能看到。涉及健康或家庭隐私的内容请不要勾选。"
        ),
    )
    follow_up_on = DateField(label=_("跟进日期"), required=False, widget=DateInput())
    share_with_parents = forms.BooleanField(
        label=_("可告知家长"),
        required=False,
        help_text=_("勾选后，孩子的父母在家长端能看到下面这段简短文字（看不到情况摘要）。"),
    )
    parent_note = forms.CharField(
        label=_("告知家长的内容"),
        required=False,
        max_length=PARENT_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("例如：孩子这周表现很好")}),
    )

    def __init__(
        self,
        *args,
        kinds=None,
        children=None,
        tasks=None,
        may_share=True,
        period: Period | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if not may_share:
            del self.fields["shareable"]
        if period is not None:
            self._limit_to(period)
        if kinds is not None:
            self._choice("kind").choices = [c for c in ActionKind.choices if c[0] in kinds]
        if children is None:
            del self.fields["children"]
        else:
            self._choice("children").choices = [
                (str(c.public_id), f"{c.name}（{c.school_class.name}）") for c in children
            ]
        if not tasks:
            del self.fields["tasks"]
        else:
            self._choice("tasks").choices = [
                (
                    str(t.public_id),
                    _("%(signal)s（%(noted)s 发现，%(due)s 前完成）")
                    % {
                        "signal": t.observation.get_kind_display(),
                        "noted": t.observation.noted_on.strftime("%m-%d"),
                        "due": t.due_on.strftime("%m-%d"),
                    },
                )
                for t in tasks
            ]

    def _limit_to(self, period: Period) -> None:
        today = _today()
        done_on = self.fields["done_on"]
        done_on.widget.attrs.update(
            min=period.start.isoformat(), max=min(period.end, today).isoformat()
        )
        if period.contains(today):
            done_on.help_text = _("须在%(period)s内，默认今天。") % {"period": period.label}
        else:
            done_on.initial = None
            done_on.help_text = _("补录：请填写实际发生的日期，须在%(period)s内。") % {
                "period": period.label
            }

    def _choice(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])


class ObservationForm(forms.Form):
    """One of the five signals that force a home visit (五必访)."""

    kind = forms.ChoiceField(
        label=_("信号"),
        choices=[c for c in SignalKind.choices if c[0] != SignalKind.ABSENT],  # raised by a duty
        widget=forms.RadioSelect,
    )
    noted_on = DateField(
        label=_("发现日期"), widget=DateInput(), initial=_today, help_text=_("默认今天。")
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def rest(self) -> list:
        """The fields after the signal, which the page draws as big radio buttons itself."""
        return [self["noted_on"], self["note"]]


class ExemptionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("免除的要求"),
        choices=[("", _("全部关爱要求")), *((k.value, k.label) for k in ActionKind)],
        required=False,
    )
    starts_on = DateField(label=_("开始日期"), widget=DateInput(), initial=_today)
    ends_on = DateField(label=_("结束日期"), widget=DateInput())
    reason = forms.CharField(
        label=_("原因"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：住院治疗")}),
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("结束日期不能早于开始日期。"))
        return data


class QuotaForm(forms.Form):
    kind = forms.ChoiceField(label=_("关爱类型"), choices=ActionKind.choices)
    period = forms.ChoiceField(label=_("周期"), choices=QuotaPeriod.choices)
    minimum = forms.IntegerField(label=_("每周期至少次数"), min_value=1, max_value=31)


class ActionContextForm(forms.Form):
    """What the record page is opened with (?kind=, ?class=, ?task=, ?period=): each is dropped
    when it is not one the page offers, and the page opens as if it were not given; a period
    that is well formed but unknown is a 404 (`quota_period_by_key`)."""

    kind = forms.ChoiceField(choices=ActionKind.choices, required=False)
    task = forms.UUIDField(required=False)
    period = forms.RegexField(regex=r"^[0-9]{4}-([0-9]{1,2}|[0-9]{4}-[12])$", required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self._choice("kind").choices = [c for c in ActionKind.choices if c[0] in kinds]
        self.fields["class"] = IdField(required=False)  # `class` is a keyword in Python

    def _choice(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def value(self, name: str):
        """The parsed value, or None when it was missing or not valid."""
        self.is_valid()
        return self.cleaned_data.get(name) or None


class PairingRowForm(forms.Form):
    """One child's row of the class pairing page: the child, the proxy parent and mentor (user
    ids, empty to end the pairing), the buddy's name, and "confirm" past the load warning.
    A field not posted is left as it is."""

    child = forms.UUIDField()
    proxy = IdField(required=False)
    mentor = IdField(required=False)
    buddy = NameField(required=False, max_length=30)
    confirm = forms.BooleanField(required=False)


class QuotaClearForm(forms.Form):
    clear = forms.ChoiceField(choices=ActionKind.choices)
