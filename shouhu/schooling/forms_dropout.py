"""Forms of 控辍保学. Phone-first: dates default to today, few choices are radio buttons."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhu.core.forms import DateField
from shouhu.schooling.dropout_rules import EXITS
from shouhu.schooling.models.dropout import (
    TEXT_CAP,
    AttemptWay,
    CaseState,
    DropoutCause,
    ReviewDecision,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _today() -> datetime.date:
    return timezone.localdate()


def _text(label, *, required=False, rows=2, max_length=TEXT_CAP):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class SuspectHandleForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("核实结果"),
        choices=[("confirm", _("确认辍学，登记案件")), ("clear", _("排除（非辍学）"))],
        widget=forms.RadioSelect,
    )
    cause = forms.ChoiceField(label=_("辍学原因"), choices=DropoutCause.choices, required=False)
    cause_note = _text(_("原因说明"))
    guardian_opinion = _text(_("监护人意见"))
    note = forms.CharField(label=_("排除理由"), required=False, max_length=200)


class CaseRegisterForm(forms.Form):
    cause = forms.ChoiceField(label=_("辍学原因"), choices=DropoutCause.choices)
    cause_note = _text(_("原因说明"))
    guardian_opinion = _text(_("监护人意见"))


class PlanForm(forms.Form):
    cause = forms.ChoiceField(label=_("辍学原因"), choices=DropoutCause.choices)
    cause_note = _text(_("原因说明"))
    guardian_opinion = _text(_("监护人意见"))
    plan_staff = forms.CharField(label=_("劝返人员（学校）"), max_length=100)
    plan_cadre = forms.CharField(label=_("村干部"), max_length=60, required=False)
    plan_township = forms.CharField(label=_("乡镇人员"), max_length=60, required=False)
    plan_note = _text(_("劝返方案"), rows=3)
    proposal = _text(_("学校意见和建议（写入书面报告）"))


class AttemptForm(forms.Form):
    done_on = DateField(label=_("日期"), widget=DateInput(), initial=_today)
    who = forms.CharField(label=_("劝返人员"), max_length=100)
    way = forms.ChoiceField(label=_("方式"), choices=AttemptWay.choices)
    family_said = _text(_("家庭反馈"), rows=3)


class ReturnForm(forms.Form):
    returned_on = DateField(label=_("复学日期"), widget=DateInput(), initial=_today)
    outcome = forms.CharField(label=_("劝返结果"), max_length=200, required=False)


class FollowUpForm(forms.Form):
    done_on = DateField(label=_("日期"), widget=DateInput(), initial=_today)
    attending = forms.BooleanField(label=_("正常到校"), required=False, initial=True)
    talk = forms.CharField(label=_("谈话情况"), max_length=300, required=False)


class ExitForm(forms.Form):
    to = forms.ChoiceField(
        label=_("结案方式"), choices=[(s.value, s.label) for s in EXITS], widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("结案理由"), max_length=200)
    evidence = forms.FileField(
        label=_("证明材料（转学手续、医疗证明）"),
        required=False,
        help_text=_("图片或 PDF，不超过 10 MB。"),
    )


class MistakenForm(forms.Form):
    reason = forms.CharField(label=_("误报理由"), max_length=200)


class FileReportForm(forms.Form):
    filed_on = DateField(label=_("报送日期"), widget=DateInput(), initial=_today)


class WriteOffForm(forms.Form):
    """销号 takes no input: the page shows why it cannot be done yet."""


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("复核结论"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("复核意见"), max_length=300, required=False)


class RollCheckForm(forms.Form):
    sheet = forms.FileField(label=_("学籍名单（Excel）"))


CASE_FORMS: dict[str, type[forms.Form]] = {
    "plan": PlanForm,
    "attempt": AttemptForm,
    "return": ReturnForm,
    "followup": FollowUpForm,
    "exit": ExitForm,
    "mistaken": MistakenForm,
    "file_report": FileReportForm,
    "write_off": WriteOffForm,
}

# Which actions a case in each state offers on its page.
CASE_ACTIONS: dict[str, tuple[str, ...]] = {
    CaseState.REGISTERED: ("plan", "attempt", "return", "exit", "mistaken", "file_report"),
    CaseState.PERSUADING: ("plan", "attempt", "return", "exit", "mistaken", "file_report"),
    CaseState.RETURNED: ("followup", "mistaken"),
    CaseState.FOLLOWING: ("followup", "write_off", "mistaken"),
}
