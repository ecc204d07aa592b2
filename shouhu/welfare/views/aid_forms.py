"""The forms of the aid pages. Amounts and dates are checked again by the services, which
name the field in Chinese; a form only reads what was typed."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhu.org.forms import DateInput
from shouhu.welfare.models.aid import REASON_MAX_LENGTH, AidKind


class AidProposeForm(forms.Form):
    kind = forms.ChoiceField(label=_("资助类型"), choices=AidKind.choices)
    amount = forms.CharField(
        label=_("金额（元）"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("如 1250 或 1250.50；最多两位小数。"),
    )
    source = forms.CharField(label=_("资金来源（部门或捐赠人）"), max_length=80)
    reason = forms.CharField(
        label=_("申请理由"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposed_on = forms.DateField(label=_("申请日期"), widget=DateInput())
    evidence = forms.FileField(label=_("凭证扫描件（图片或 PDF，不超过 10 MB）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_on"].initial = timezone.localdate()


class AidDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"),
        choices=[("approve", _("批准")), ("reject", _("不批准"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("意见"), max_length=200, required=False)
    on = forms.DateField(label=_("决定日期"), widget=DateInput())
    paid_on = forms.DateField(label=_("发放日期"), widget=DateInput(), required=False)
    evidence = forms.FileField(label=_("凭证扫描件（图片或 PDF，不超过 10 MB）"), required=False)

    def __init__(self, *args, civil_referral: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        if civil_referral:
            # The school refers a civil-affairs kind: the payment comes with the decision.
            del self.fields["paid_on"]
            self.fields["decision"].choices = [
                ("approve", _("同意，转民政部门认定")),
                ("reject", _("不同意")),
            ]


class AidNoticeForm(forms.Form):
    starts_on = forms.DateField(label=_("公示开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("公示结束日期"), widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("公示结束日期不能早于开始日期。"))
        return data
