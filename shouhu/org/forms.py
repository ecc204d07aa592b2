from django import forms

from shouhu.org.models import ClassEnrolment, Region, School, SchoolClass, Term


class DateInput(forms.DateInput):
    input_type = "date"


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["code", "name", "kind", "region"]


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
