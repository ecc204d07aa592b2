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
