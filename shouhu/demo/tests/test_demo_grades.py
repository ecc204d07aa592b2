"""The demo county's grades and study-help plans as of the pinned day (2026-11-29): last
term's mid-term and final, this term's mid-term, subjects taught by the school's teachers, a
share of left-behind children who improved, and plans whose reviews fall due for the teacher."""

from django.db.models import F

from shouhu.accounts.models import User
from shouhu.demo.tests.conftest import CURRENT, PREVIOUS, TODAY
from shouhu.org.models import Region, Term
from shouhu.reports.selectors import FIGURES
from shouhu.schooling.models import ClassSubject, ExamKind, GradeResult, PlanStatus, StudyPlan
from shouhu.schooling.selectors.grades import child_grades_for
from shouhu.schooling.selectors.study_plans import reviews_due_for


def test_last_terms_two_exams_and_this_terms_mid_term_are_there(small_county):
    exams = set(GradeResult.objects.values_list("term__code", "exam").distinct())
    assert exams == {
        (PREVIOUS, ExamKind.MIDTERM),
        (PREVIOUS, ExamKind.FINAL),
        (CURRENT, ExamKind.MIDTERM),
    }
    assert not GradeResult.objects.filter(entered_at__date__gte=TODAY).exists()
    assert not GradeResult.objects.filter(score__gt=F("full_mark")).exists()


def test_the_demo_teacher_teaches_subjects_and_reads_those_classes_grades(small_county):
    teacher = User.objects.get(username="teacher")
    taught = ClassSubject.objects.filter(teacher=teacher)
    assert taught.exists()
    child = (
        GradeResult.objects.filter(school_class=taught.first().school_class, term__code=CURRENT)
        .first()
        .child
    )
    grades = child_grades_for(teacher, child, term=Term.objects.get(code=CURRENT))
    assert grades is not None and grades.lines and grades.progress is not None


def test_the_county_has_a_share_who_improved_and_teachers_have_reviews_due(small_county):
    county = Region.objects.get(level="county")
    term = Term.objects.get(code=CURRENT)
    share = FIGURES["improved_share"].function(
        User.objects.get(username="county"), node=county, term=term
    )
    assert share.whole > 0 and 0 < share.count < share.whole
    assert StudyPlan.objects.filter(status=PlanStatus.OPEN).exists()
    assert StudyPlan.objects.filter(status=PlanStatus.CLOSED).exclude(outcome="").exists()
    teacher = User.objects.get(username="teacher")
    assert reviews_due_for(teacher, day=TODAY)
