from django import forms

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
        fields = ["code", "name", "kind", "region", "contact_phone"]


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
