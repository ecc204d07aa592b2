"""Forms of the census import, the handover, leaving and transfers."""

from typing import Any, cast

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhu.core.forms import DateField, IdListField
from shouhu.org.models import SchoolClass
from shouhu.registry.census_sheets.formats import ACCEPTED, SheetError, refuse_extension
from shouhu.registry.models import LeaveReason

MAX_UPLOAD = 20 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"


def _term_choices(terms) -> list[tuple[str, str]]:
    return [(t.code, str(t)) for t in terms]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("摸底名册"),
        help_text=_(
            "可上传 Excel（.xlsx、.xls、.xlsb、.xlsm，宏不会运行）、LibreOffice（.ods）"
            "或 CSV（UTF-8 或 GBK 编码，逗号或制表符分隔）文件。WPS 的 .et 文件请先另存为"
            " .xlsx 或 .xls。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )
    term = forms.ChoiceField(label=_("学期"))

    def __init__(self, *args, terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["term"]).choices = _term_choices(terms)

    def clean_file(self):
        """The name only: what the file really is is read from its bytes (`formats.sniff`)."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件太大（超过20MB），请按学校分开上传。"))
        try:
            refuse_extension(upload.name)
        except SheetError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class HandoverTermsForm(forms.Form):
    from_term = forms.ChoiceField(label=_("原学期"))
    to_term = forms.ChoiceField(label=_("新学期"))

    def __init__(self, *args, terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["from_term"]).choices = _term_choices(terms)
        cast(Any, self.fields["to_term"]).choices = _term_choices(terms)


class HandoverStep(models.TextChoices):
    """The wizard's two buttons."""

    PLAN = "plan", _("预览变化（不写入）")
    APPLY = "apply", _("确认办理交接")


class HandoverChoicesForm(forms.Form):
    """The wizard's buttons and ticks (drawn by its template): preview the plan, or apply it
    keeping the head teachers (`keep_class`) and pairings (`keep_pairing`) left ticked."""

    action = forms.ChoiceField(choices=HandoverStep.choices, required=False)
    keep_class = IdListField()
    keep_pairing = IdListField()


class LeaveForm(forms.Form):
    on = DateField(label=_("离开日期"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.ChoiceField(label=_("离开原因"), choices=LeaveReason.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class TransferForm(forms.Form):
    to_class: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("转入班级"), queryset=SchoolClass.objects.none()
    )
    on = DateField(label=_("转学日期"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, classes=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["to_class"]).queryset = classes
        cast(Any, self.fields["to_class"]).label_from_instance = lambda c: (
            f"{c.school.name} {c.name}"
        )
