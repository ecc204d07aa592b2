"""Forms of attendance (考勤): the follow-up of an absence, a calendar change, a figures day."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhu.core.forms import DateField
from shouhu.schooling.models import AbsenceReason, CalendarChangeKind

KNOWN_REASONS = [c for c in AbsenceReason.choices if c[0] != AbsenceReason.UNKNOWN]


class AbsenceFollowUpForm(forms.Form):
    """The reason found out, and (when the guardian was called) what the call said."""

    reason = forms.ChoiceField(
        label=_("查明的原因"),
        choices=[("", _("仍未查明")), *KNOWN_REASONS],
        required=False,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label=_("电话联系情况"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("给监护人打了电话就写下情况（是否接通、家长怎么说），将记为一次与家长通话。"),
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if not data.get("reason") and not (data.get("summary") or "").strip():
            raise forms.ValidationError(_("请选择查明的原因，或记录电话联系情况。"))
        return data


class CalendarChangeForm(forms.Form):
    day = DateField(label=_("日期"))
    kind = forms.ChoiceField(
        label=_("类型"), choices=CalendarChangeKind.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=100)


class DayForm(forms.Form):
    day = DateField(label=_("日期"), required=False)
