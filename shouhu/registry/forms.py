"""Forms of the child's file. Field rules live on the models (`clean()`), so the form, the
service and the importer share one set of checks."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhu.accounts.roles import Role
from shouhu.registry.classification import Category
from shouhu.registry.models import CensusSource, Child, Flag, Guardian, Parent
from shouhu.registry.services import COUNSELLOR_ONLY_FLAGS

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
        if actor is None or actor.role != Role.COUNSELLOR:
            self.fields["flags"].choices = [
                c for c in Flag.choices if c[0] not in COUNSELLOR_ONLY_FLAGS
            ]


class ChildFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("姓名或拼音，如 ljc"), "type": "search"}),
    )
    term = forms.ChoiceField(label=_("学期"), required=False)
    school_class = forms.TypedChoiceField(label=_("班级"), required=False, coerce=int)
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *Category.choices]
    )
    flag = forms.ChoiceField(
        label=_("重点对象"), required=False, choices=[("", _("全部")), *Flag.choices]
    )

    def __init__(self, *args, terms=(), classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [(t.code, str(t)) for t in terms]
        self.fields["school_class"].choices = [("", _("全部班级"))] + [
            (c.pk, str(c)) for c in classes
        ]
