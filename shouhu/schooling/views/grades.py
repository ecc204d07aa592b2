"""The grades pages: the classes to enter, a class's sheet for an exam (rows children, columns
subjects, on a phone too), the class's subjects, the Excel import with its template, the share
who improved, and the child's file fragment (grades and study-help plans)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shouhu.care.selectors import child_for_care
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.org.models import Term
from shouhu.org.selectors import term_by_code, term_current, terms_all
from shouhu.org.units import page_node
from shouhu.schooling import grades_forms as forms
from shouhu.schooling.grading import IMPROVED_DEFINITION
from shouhu.schooling.models.grades import ExamKind, Subject
from shouhu.schooling.selectors.grades import (
    class_for_grades,
    class_subjects,
    classes_to_enter_for,
    grade_sheet_for,
    improvement_units_for,
    school_section_for,
    subject_teachers_for,
)
from shouhu.schooling.services.grade_sheets import (
    grade_template_xlsx,
    grades_import,
    problems_report_xlsx,
)
from shouhu.schooling.services.grades import ScoresRefused, class_subjects_set, grades_save

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _exam_of(request) -> tuple[Term, str]:
    """The term and exam of the page: as asked, else the current term, and the mid-term in
    its first half, the final after."""
    form = forms.ExamForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    term = term_by_code(data["term"]) if data.get("term") else term_current()
    exam = data.get("exam") or ""
    if not exam:
        middle = term.starts_on + (term.ends_on - term.starts_on) / 2
        exam = ExamKind.MIDTERM if timezone.localdate() < middle else ExamKind.FINAL
    return term, exam


@permission_required(Perm.GRADES_RECORD)
def grades_home(request):
    """成绩录入: the classes whose grades the user enters (a head teacher's one class too: the
    page also leads to the import, the plans and the progress figure)."""
    classes = list(classes_to_enter_for(request.user))
    return render(request, "schooling/grades_home.html", {"classes": classes})


@permission_required(Perm.GRADES_RECORD)
@require_http_methods(["GET", "POST"])
def grade_sheet(request, class_id):
    """A class's sheet for one exam: every child a row, every subject the user enters a
    column; saved as a whole (all or nothing), blank cells left as they are."""
    user = request.user
    school_class = class_for_grades(user, class_id)
    term, exam = _exam_of(request)
    problems = []
    if request.method == "POST":
        sheet = grade_sheet_for(user, school_class=school_class, term=term, exam=exam)
        try:
            scores = forms.scores_posted(
                request.POST,
                child_ids={str(r.child.public_id): r.child.pk for r in sheet.rows},
                subjects=[s.subject for s in sheet.subjects],
            )
            saved = grades_save(
                actor=user,
                school_class=school_class,
                term=term,
                exam=exam,
                scores=scores,
                request=request,
            )
        except ScoresRefused as refused:
            problems = refused.problems
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _("已保存：新增%(c)d项，修改%(u)d项。") % {"c": saved.created, "u": saved.updated},
            )
            return redirect(f"{request.path}?term={term.code}&exam={exam}")
    sheet = grade_sheet_for(user, school_class=school_class, term=term, exam=exam)
    posted = request.POST if problems else {}
    return render(
        request,
        "schooling/grades_sheet.html",
        {
            "sheet": sheet,
            "problems": problems,
            "posted": posted,
            "terms": terms_all(),
            "exams": ExamKind.choices,
        },
    )


@permission_required(Perm.GRADES_RECORD)
@require_http_methods(["GET", "POST"])
def class_subjects_edit(request, class_id):
    """The subjects the class takes, their full marks and teachers (head teacher, leader)."""
    user = request.user
    school_class = class_for_grades(user, class_id)
    errors = {}
    if request.method == "POST":
        chosen = {}
        teachers = {str(t.pk): t for t in subject_teachers_for(school_class)}
        for subject in Subject.values:
            if request.POST.get(f"take-{subject}"):
                mark = request.POST.get(f"full-{subject}", "100").strip()
                teacher = teachers.get(request.POST.get(f"teacher-{subject}", ""))
                ok = mark.isascii() and mark.isdigit() and len(mark) < 5
                chosen[subject] = (int(mark) if ok else 0, teacher)
        try:
            class_subjects_set(actor=user, school_class=school_class, subjects=chosen)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("班级科目已保存。"))
            return redirect("schooling:grade-sheet", class_id=school_class.pk)
    current = {s.subject: s for s in class_subjects(school_class)}
    return render(
        request,
        "schooling/grades_subjects.html",
        {
            "school_class": school_class,
            "rows": [(value, label, current.get(value)) for value, label in Subject.choices],
            "teachers": subject_teachers_for(school_class),
            "errors": errors,
        },
    )


@permission_required(Perm.GRADES_RECORD)
def grade_template(request, class_id):
    """The import template of a class, with its children and its subjects."""
    school_class = class_for_grades(request.user, class_id)
    sheet = grade_sheet_for(
        request.user, school_class=school_class, term=term_current(), exam=ExamKind.MIDTERM
    )
    content = grade_template_xlsx(
        school_class=school_class, children=[r.child for r in sheet.rows], by=request.user
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=grades-template.xlsx"
    return response


@permission_required(Perm.GRADES_RECORD)
@require_http_methods(["GET", "POST"])
def grade_import(request):
    """成绩导入: a sheet from the grading system, all rows or none; the problems are listed
    (and downloadable with ?report=1 on the same post)."""
    user = request.user
    classes = list(classes_to_enter_for(user))
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next((c for c in classes if c.pk == data["school_class"]), None)
        upload = data["file"]
        try:
            result = grades_import(
                actor=user,
                term=term_by_code(data["term"]),
                exam=data["exam"],
                content=upload.read(),
                filename=upload.name,
                school_class=chosen,
                request=request,
            )
        except ValidationError as error:
            form.add_error("file", error.messages[0])
        else:
            if result.problems and request.POST.get("report"):
                report = problems_report_xlsx(result.problems, filename=upload.name, by=user)
                response = HttpResponse(report, content_type=XLSX)
                response["Content-Disposition"] = "attachment; filename=grades-errors.xlsx"
                return response
    current = term_current()
    return render(
        request,
        "schooling/grades_import.html",
        {
            "form": form,
            "result": result,
            "classes": classes,
            "terms": terms_all(),
            "current_term": current.code if current else "",
            "exams": ExamKind.choices,
        },
    )


@permission_required(Perm.CENSUS_VIEW)
def grade_progress(request):
    """进步情况: the share of left-behind children who improved, for the page's unit and each
    unit below, with the definition written beside the figure."""
    node = page_node(request, perm=Perm.CENSUS_VIEW)
    term, _exam = _exam_of(request)
    return render(
        request,
        "schooling/grades_progress.html",
        {
            "node": node,
            "term": term,
            "units": improvement_units_for(request.user, node=node, term=term),
            "definition": IMPROVED_DEFINITION,
        },
    )


@permission_required(Perm.CHILD_VIEW)
def child_school_section(request, public_id):
    """The 学业 section of the child's file: the grades beside last term's and the study-help
    plans, each only to the roles docs/privacy.md allows; nothing for the others."""
    child = child_for_care(request.user, public_id)
    term = term_current()
    section = school_section_for(request.user, child, term=term, request=request)
    if section is None:
        return HttpResponse("")
    return render(
        request,
        "schooling/grades_child_section.html",
        {"section": section, "plan_new": reverse("schooling:plan-create", args=[child.public_id])},
    )
