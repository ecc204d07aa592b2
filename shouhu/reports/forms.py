from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _


class WorkSummaryDraftForm(forms.Form):
    """What the leader writes in a work summary; the figures come from the records."""

    title = forms.CharField(label=_("标题"), max_length=100, required=False)
    problems = forms.CharField(
        label=_("存在问题"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每段一行。"),
    )
    plans = forms.CharField(
        label=_("下步打算"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每段一行。"),
    )


class ExportForm(forms.Form):
    """The register export: the node, the term, and a full-export grant if the user holds one."""

    scope = forms.CharField(
        label=_("范围代码"),
        max_length=12,
        required=False,
        help_text=_("区划代码（如 511781）或10位学校标识码；留空为您的管辖范围。"),
    )
    term = forms.ChoiceField(label=_("学期"))
    include_all = forms.BooleanField(label=_("包括非留守儿童"), required=False)
    grant = forms.ChoiceField(label=_("完整导出授权"), required=False)

    def __init__(self, *args, terms=(), grants=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["term"]).choices = [(t.code, str(t)) for t in terms]
        cast(Any, self.fields["grant"]).choices = [("", _("不使用（身份证号和电话脱敏）"))] + [
            (str(g.public_id), f"{g.scope_code} · {g.reason}（{g.granted_by}）") for g in grants
        ]
