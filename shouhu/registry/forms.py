"""Forms of the child's file. Field rules live on the models (`clean()`), so the form, the
service and the importer share one set of checks."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhu.core.forms import LongSelect
from shouhu.registry.census_sheets.forms import HandoverTermsForm
from shouhu.registry.classification import Category
from shouhu.registry.flags import flag_hidden_message, flag_settable, flag_visible, flags_visible_to
from shouhu.registry.models import CensusSource, Child, Flag, Guardian, Parent

TABS = [
    ("basic", _("基本信息")),
    ("family", _("家庭")),
    ("school", _("学校")),
    ("history", _("变更记录")),
]


class ChildTabForm(forms.Form):
    """?tab= of the child's file."""

    tab = forms.ChoiceField(choices=TABS, required=False)


class DateInput(forms.DateInput):
    input_type = "date"


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = [
            "name",
            "sex",
            "birth_date",
            "ethnicity",
            "id_number",
            "hukou_type",
            "address",
            "boarding",
            "school_class",
            "personality",
            "study_notes",
            "health_notes",
        ]
        widgets = {
            "birth_date": DateInput(format="%Y-%m-%d"),
            "id_number": forms.TextInput(
                attrs={"autocomplete": "off", "inputmode": "text", "maxlength": 20}
            ),
            "address": forms.TextInput(),
            "personality": forms.Textarea(attrs={"rows": 2}),
            "study_notes": forms.Textarea(attrs={"rows": 2}),
            "health_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, classes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].required = True
        self.fields["id_number"].help_text = _("18位，最后一位可以是X；全角数字和空格会自动处理。")
        if classes is not None:
            self.fields["school_class"].queryset = classes
            self.fields["school_class"].empty_label = None


class ParentForm(forms.ModelForm):
    class Meta:
        model = Parent
        fields = ["name", "status", "destination", "employer", "phone", "calls_per_month"]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "employer": forms.TextInput(),
        }


class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        fields = ["name", "relation", "age", "phone", "address", "health", "able_to_care"]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "address": forms.TextInput(),
            "health": forms.TextInput(attrs={"maxlength": 30}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An unsupervised child (无人监护) has no guardian yet: the section may stay empty.
        for name in ("name", "relation"):
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        others = [v for k, v in data.items() if k not in ("name", "able_to_care") and v]
        if data.get("name") and not data.get("relation"):
            self.add_error("relation", _("填写了监护人时，请填写与儿童关系。"))
        if others and not data.get("name"):
            self.add_error("name", _("填写了监护人信息时，请填写监护人姓名。"))
        return data


class FlagsForm(forms.Form):
    flags = forms.MultipleChoiceField(
        label=_("重点对象"),
        choices=Flag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source = forms.ChoiceField(
        label=_("信息来源"), choices=CensusSource.choices, initial=CensusSource.REGISTER
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the flags the actor may set; the others stay as they are (`_sync_flags`).
        self.fields["flags"].choices = [
            c for c in Flag.choices if actor is not None and flag_settable(actor, c[0])
        ]


class FlagSetForm(forms.Form):
    """One flag set (`on=1`) or cleared (`on=0`) from the child's file."""

    on = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class ChildFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("姓名或拼音，如 ljc"), "type": "search"}),
    )
    term = forms.ChoiceField(label=_("学期"), required=False)
    school_class = forms.TypedChoiceField(
        label=_("班级"), required=False, coerce=int, widget=LongSelect
    )
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *Category.choices]
    )
    flag = forms.ChoiceField(
        label=_("重点对象"), required=False, choices=[("", _("全部")), *Flag.choices]
    )

    def __init__(self, *args, user=None, terms=(), classes=(), bounded=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Every flag is a valid value, so that one the user may not see is refused as such
        # (`clean_flag`) rather than dropped as unknown; the menu offers only those they see.
        visible = flags_visible_to(user) if user is not None else list(Flag)
        self.fields["flag"].widget.choices = [
            ("", _("全部")),
            *[(f.value, f.label) for f in visible],
        ]
        self.fields["term"].choices = [(t.code, str(t)) for t in terms]
        # A scope of many classes offers only the one chosen (`selectors.class_menu_for`).
        every = _("全部班级（班级较多未列出，请按姓名搜索）") if bounded else _("全部班级")
        self.fields["school_class"].choices = [("", every)] + [(c.pk, str(c)) for c in classes]

    def clean_flag(self) -> str:
        flag = self.cleaned_data["flag"]
        if flag and self.user is not None and not flag_visible(self.user, flag):
            raise forms.ValidationError(flag_hidden_message(flag), code="hidden")
        return flag


class HandoverForm(HandoverTermsForm):
    """The handover wizard's terms, and the day it counts from when applied outside the break
    between them (`handover.handover_date_problem`)."""

    on = forms.DateField(
        label=_("交接日期"),
        required=False,
        widget=DateInput(format="%Y-%m-%d"),
        help_text=_(
            "学期结束后、新学期开学前办理时不填，按原学期最后一天计。其他时间办理须填写："
            "毕业儿童离开名册、未延续的结对结束都按这一天。"
        ),
    )


class ContactCardsForm(forms.Form):
    """Print contact cards: one child (from the file page) or a batch (a class, a school, a
    township), and, for a reader whose cell masks the family's phones, an optional reason that
    prints them in full; the reason is logged for every child of the batch."""

    child = forms.UUIDField(required=False, widget=forms.HiddenInput)
    scope = forms.ChoiceField(label=_("打印范围"), required=False)
    reason = forms.CharField(
        label=_("显示完整电话的理由"),
        required=False,
        max_length=200,
        help_text=_(
            "不填写时，家庭成员电话按您的权限脱敏打印。填写后打印完整号码，理由记入访问记录。"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(
        self, *args, scopes: dict[str, str], one_child: bool, cards_in_full: bool, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if one_child:
            del self.fields["scope"]
        else:
            del self.fields["child"]
            scope = self.fields["scope"]
            assert isinstance(scope, forms.ChoiceField)
            scope.choices = [("", _("（请选择）")), *scopes.items()]
            scope.required = True
        if not cards_in_full:
            del self.fields["reason"]
