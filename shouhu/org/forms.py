from django import forms
from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _

from shouhu.core.forms import IdField, parse_id
from shouhu.core.phones import validate_phone
from shouhu.org.models import ClassEnrolment, Region, School, SchoolClass, Term


class DateInput(forms.DateInput):
    input_type = "date"


class ContactPhoneMixin:
    """The office phone printed on the contact card, stored normalised (0818-8621234 →
    08188621234)."""

    def clean_contact_phone(self) -> str:
        raw = self.cleaned_data.get("contact_phone", "")  # type: ignore[attr-defined]
        return validate_phone(raw) if raw else ""


class RegionForm(ContactPhoneMixin, forms.ModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "contact_phone"]


class SchoolForm(ContactPhoneMixin, forms.ModelForm):
    class Meta:
        model = School
        fields = ["code", "name", "kind", "region", "contact_phone", "duty_phone"]
        fields += ["grades_to_parents"]  # the parents' channel (家长端, issue 19)

    def clean_duty_phone(self) -> str:
        raw = self.cleaned_data.get("duty_phone", "")
        return validate_phone(raw) if raw else ""


class SchoolClassForm(forms.ModelForm):
    class Meta:
        model = SchoolClass
        fields = ["school", "grade", "name", "head_teacher"]


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = ["code", "start_year", "semester", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class ClassEnrolmentForm(forms.ModelForm):
    class Meta:
        model = ClassEnrolment
        fields = ["school_class", "term", "pupils"]


class NodeTermForm(forms.Form):
    """The query of every page about one node and one term (issue 12.9): ?scope=CODE (a region
    code prefix, a 10-digit school code or class:ID), ?class=ID, ?term=CODE, ?month=YYYY-MM.
    Only their shape is checked here; a code that names nothing is a 404 where it is looked up."""

    scope = forms.RegexField(
        regex=r"^(\d{2,12}|class:\d{1,19})$", required=False, max_length=30, strip=True
    )
    term = forms.RegexField(regex=r"^\d{4}-\d{4}-[12]$", required=False, max_length=20)
    month = forms.RegexField(regex=r"^20\d{2}-(0?[1-9]|1[0-2])$", required=False, max_length=7)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class"] = IdField(required=False)  # `class` is a keyword in Python

    def clean_scope(self) -> str:
        scope = self.cleaned_data["scope"]
        if scope.startswith("class:") and parse_id(scope.removeprefix("class:")) is None:
            raise forms.ValidationError(_("班级无效。"), code="invalid")
        return scope


def node_params(request) -> dict:
    """The page's ?scope, ?class, ?term and ?month, parsed. A malformed scope, class or term
    is a 400; a malformed month is left out (the page shows this month)."""
    form = NodeTermForm(request.GET)
    if not form.is_valid() and set(form.errors) - {"month"}:
        raise BadRequest(_("链接中的单位、班级或学期无效。"))
    return {"month": "", **form.cleaned_data}
