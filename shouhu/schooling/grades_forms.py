"""The forms of the grades and study-plan pages (the schooling app's other topics keep theirs)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shouhu.core.forms import DateField, IdField
from shouhu.schooling.models.grades import ExamKind, PlanOutcome
from shouhu.schooling.services.study_plans import MAX_GOALS


class ExamForm(forms.Form):
    """Which exam a sheet is for: ?term=2026-2027-1&exam=mid (both optional)."""

    term = forms.RegexField(regex=r"^\d{4}-\d{4}-[12]$", required=False)
    exam = forms.ChoiceField(choices=ExamKind.choices, required=False)


class ImportForm(forms.Form):
    term = forms.RegexField(
        label=_("学期"), regex=r"^\d{4}-\d{4}-[12]$", error_messages={"invalid": _("请选择学期。")}
    )
    exam = forms.ChoiceField(label=_("考试"), choices=ExamKind.choices)
    school_class = IdField(label=_("班级（表格中没有「班级」列时选择）"), required=False)
    file = forms.FileField(
        label=_("成绩表（Excel、WPS 另存的 .xlsx/.xls、.ods 或 CSV）"),
        error_messages={"required": _("请选择要导入的成绩表。")},
    )


class PlanForm(forms.Form):
    teacher = IdField(label=_("帮扶教师"))
    starts_on = DateField(label=_("开始日期"))
    ends_on = DateField(label=_("结束日期"))
    subjects = forms.CharField(label=_("帮扶科目"), max_length=100, required=False)
    schedule = forms.CharField(
        label=_("帮扶时间"), max_length=100, help_text=_("如：每周二、四课后30分钟")
    )
    content = forms.CharField(label=_("帮扶内容"), max_length=1000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_GOALS + 1):
            self.fields[f"goal_{n}"] = forms.CharField(
                label=_("阶段目标%(n)d") % {"n": n}, max_length=200, required=False
            )
            self.fields[f"review_{n}"] = DateField(label=_("检查日期"), required=False)

    def goal_rows(self):
        return [(self[f"goal_{n}"], self[f"review_{n}"]) for n in range(1, MAX_GOALS + 1)]

    def clean(self):
        data = super().clean()
        goals = []
        for n in range(1, MAX_GOALS + 1):
            goal, review = data.get(f"goal_{n}"), data.get(f"review_{n}")
            if goal and not review:
                self.add_error(f"review_{n}", _("请填写该阶段目标的检查日期。"))
            elif goal:
                goals.append((goal, review))
        data["goals"] = goals
        return data


class ReviewForm(forms.Form):
    met = forms.TypedChoiceField(
        label=_("是否达到"),
        choices=[("1", _("达到")), ("0", _("未达到"))],
        coerce=lambda v: v == "1",
    )
    review_note = forms.CharField(label=_("检查情况"), max_length=500)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("帮扶结果"), choices=PlanOutcome.choices)
    outcome_note = forms.CharField(label=_("结果说明"), max_length=500)


def scores_posted(post, *, child_ids: dict[str, int], subjects: list[str]) -> dict:
    """The sheet's cells as posted (`s-<child public id>-<subject>`), for the children and
    subjects of the sheet only: {(child id, subject): raw text}."""
    scores = {}
    for public_id, pk in child_ids.items():
        for subject in subjects:
            key = f"s-{public_id}-{subject}"
            if key in post:
                value = post.get(key, "")
                if len(value) > 20:
                    raise ValidationError(_("成绩格式不正确。"))
                scores[(pk, subject)] = value
    return scores
