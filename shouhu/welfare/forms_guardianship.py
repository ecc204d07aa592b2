"""Forms of guardianship: signing an agreement, a training session, a commendation, and the
无户籍 referral. Dates default to today; the services check the rest."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhu.core.forms import DateField


def _today() -> datetime.date:
    return timezone.localdate()


class AgreementSignForm(forms.Form):
    signed_on = DateField(label=_("签署日期"), initial=_today)
    scan = forms.FileField(
        label=_("签字扫描件"),
        required=False,
        help_text=_("双方签字后的确认书，拍照或扫描（图片或 PDF，不超过 10 MB）。"),
    )


class TrainingSessionForm(forms.Form):
    held_on = DateField(label=_("培训日期"), initial=_today)
    topic = forms.CharField(label=_("主题"), max_length=100)
    speaker = forms.CharField(label=_("主讲人"), max_length=30, required=False)


class CommendationForm(forms.Form):
    person_name = forms.CharField(label=_("家长姓名"), max_length=30)
    relation = forms.CharField(label=_("与儿童关系"), max_length=20, help_text=_("如：祖母、父亲"))
    reason = forms.CharField(
        label=_("表彰理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class HukouReportForm(forms.Form):
    police_station = forms.CharField(label=_("派出所"), max_length=60)
    reported_on = DateField(label=_("报告日期"), initial=_today)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class HukouRegisteredForm(forms.Form):
    registered_on = DateField(label=_("落户日期"), initial=_today)
