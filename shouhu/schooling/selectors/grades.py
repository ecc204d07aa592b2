"""Reading grades for a user: the subjects of a class, who are the class's teachers, the entry
sheet of a class, a child's comparison with last term, and the share of left-behind children
who improved (the rule is `grading.IMPROVED_DEFINITION`).

Who reads grades (docs/privacy.md, row `grades`): the school leader, the class's head teacher
and the class's teachers (a teacher of the school who teaches one of the class's subjects,
`ClassSubject.teacher`); nobody else reads a child's scores. Officers above the school read the
figures only.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.http import Http404

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.core.roles import Perm, Role
from shouhu.core.scoping import in_scope, may
from shouhu.core.visibility import ChildField, Visibility, visibility
from shouhu.org.models import School, SchoolClass, Term
from shouhu.org.selectors import class_filter, schools_under, term_previous
from shouhu.registry.models import CensusSnapshot, Child
from shouhu.schooling.grading import Progress, default_subjects, percentiles
from shouhu.schooling.models.grades import ClassSubject, ExamKind, GradeResult, Subject
from shouhu.schooling.selectors.study_plans import plans_of_child_for


@dataclass(frozen=True)
class SubjectSetting:
    subject: str
    full_mark: int
    teacher_id: int | None = None
    stored: bool = True

    @property
    def label(self) -> str:
        return str(Subject(self.subject).label)


def class_subjects(school_class: SchoolClass) -> list[SubjectSetting]:
    """The subjects the class takes: as the school set them, else the default for its grade."""
    rows = ClassSubject.objects.filter(school_class=school_class)
    stored = {r.subject: r for r in rows}
    if stored:
        return [
            SubjectSetting(s, stored[s].full_mark, stored[s].teacher_id)
            for s in Subject.values
            if s in stored
        ]
    grade = school_class.grade
    return [SubjectSetting(s, 100, None, stored=False) for s in default_subjects(grade)]


def classes_subjects(class_ids: list[int]) -> dict[int, list[SubjectSetting]]:
    """`class_subjects` for many classes in one query (defaults need the class's grade)."""
    found: dict[int, dict[str, SubjectSetting]] = defaultdict(dict)
    for r in ClassSubject.objects.filter(school_class_id__in=class_ids):
        found[r.school_class_id][r.subject] = SubjectSetting(r.subject, r.full_mark, r.teacher_id)
    grades = dict(SchoolClass.objects.filter(pk__in=class_ids).values_list("pk", "grade"))
    result = {}
    for pk in class_ids:
        if found.get(pk):
            result[pk] = [found[pk][s] for s in Subject.values if s in found[pk]]
        else:
            result[pk] = [
                SubjectSetting(s, 100, None, stored=False) for s in default_subjects(grades[pk])
            ]
    return result


def _teaches(user, class_id: int) -> bool:
    return ClassSubject.objects.filter(school_class_id=class_id, teacher_id=user.pk).exists()


def is_class_teacher(user, school_class: SchoolClass) -> bool:
    """The class's teachers: its head teacher, the school's leader, and a teacher who teaches
    one of its subjects. Scope first: someone outside the class's school is none of these."""
    if not in_scope(user, school_class):
        return False
    if user.role in (Role.SCHOOL_LEADER, Role.HEAD_TEACHER):
        return True
    return user.role == Role.TEACHER and _teaches(user, school_class.pk)


def grades_readable(user, child: Child) -> bool:
    """Whether `user` reads this child's scores: the `grades` row, narrowed for a teacher to
    the teachers of the child's class (`visibility.CLASS_TEACHERS_ONLY`)."""
    if visibility(user, ChildField.GRADES) != Visibility.FULL:
        return False
    if user.role == Role.TEACHER:
        return _teaches(user, child.school_class_id)
    return True


def subjects_to_enter(user, school_class: SchoolClass) -> list[SubjectSetting]:
    """The subjects of the class whose scores `user` may enter: all of them for the head
    teacher and the school leader, the ones they teach for a teacher; none out of scope."""
    if not may(user, Perm.GRADES_RECORD) or not in_scope(user, school_class):
        return []
    subjects = class_subjects(school_class)
    if user.role == Role.TEACHER:
        return [s for s in subjects if s.teacher_id == user.pk]
    return subjects


def classes_to_enter_for(user):
    """The classes whose grades `user` may enter (a teacher: those they teach a subject in)."""
    if not may(user, Perm.GRADES_RECORD):
        return SchoolClass.objects.none()
    classes = SchoolClass.objects.restrict(user).select_related("school")
    if user.role == Role.TEACHER:
        taught = ClassSubject.objects.filter(teacher_id=user.pk).values("school_class_id")
        classes = classes.filter(pk__in=taught)
    return classes.order_by("grade", "name")


def class_for_grades(user, class_id: int) -> SchoolClass:
    """A class whose grades the user may enter, or 404."""
    found = classes_to_enter_for(user).filter(pk=class_id).first()
    if found is None:
        raise Http404
    return found


# --- the sheet of a class ---------------------------------------------------------------------


@dataclass
class SheetRow:
    child: Child
    scores: dict[str, Decimal | None]


@dataclass
class GradeSheet:
    school_class: SchoolClass
    term: Term
    exam: str
    subjects: list[SubjectSetting]
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def exam_label(self) -> str:
        return str(ExamKind(self.exam).label)


def grade_sheet_for(user, *, school_class: SchoolClass, term: Term, exam: str) -> GradeSheet:
    """The class's children (on the register) by name, with their scores of the exam in the
    subjects `user` may enter."""
    subjects = subjects_to_enter(user, school_class)
    children = list(
        Child.objects.restrict(user)
        .on_register()
        .filter(school_class=school_class)
        .order_by("name_pinyin", "pk")
    )
    scores: dict[tuple[int, str], Decimal] = {
        (r.child_id, r.subject): r.score
        for r in GradeResult.objects.filter(
            child__in=[c.pk for c in children], term=term, exam=exam
        ).only("child_id", "subject", "score")
    }
    return GradeSheet(
        school_class=school_class,
        term=term,
        exam=exam,
        subjects=subjects,
        rows=[
            SheetRow(c, {s.subject: scores.get((c.pk, s.subject)) for s in subjects})
            for c in children
        ],
    )


# --- a child's comparison with last term ------------------------------------------------------


def class_percentiles(*, term_id: int, exam: str, class_ids: set[int]) -> dict[int, float]:
    """Each child's class-rank percentile at the exam, for the classes named."""
    rows = (
        GradeResult.objects.filter(term_id=term_id, exam=exam, school_class_id__in=class_ids)
        .values("school_class_id", "child_id")
        .annotate(total=Sum(Cast("score", FloatField()) / F("full_mark")), n=Count("pk"))
        .order_by()
    )
    by_class: dict[int, dict[int, float]] = defaultdict(dict)
    for r in rows:
        by_class[r["school_class_id"]][r["child_id"]] = r["total"] / r["n"]
    found: dict[int, float] = {}
    for rates in by_class.values():
        found.update(percentiles(rates))
    return found


@dataclass(frozen=True)
class SubjectLine:
    label: str
    before: Decimal | None  # last term's final
    mid: Decimal | None
    final: Decimal | None
    full_mark: int | None

    @property
    def change(self) -> Decimal | None:
        now = self.final if self.final is not None else self.mid
        if now is None or self.before is None:
            return None
        return now - self.before


@dataclass
class ChildGrades:
    term: Term
    previous: Term | None
    lines: list[SubjectLine]
    progress: Progress | None  # class-rank percentile, last final → this term's latest

    @property
    def empty(self) -> bool:
        return not self.lines


def _latest_exam(term_id: int, class_ids: set[int]) -> str:
    finals = GradeResult.objects.filter(
        term_id=term_id, exam=ExamKind.FINAL, school_class_id__in=class_ids
    )
    return ExamKind.FINAL if finals.exists() else ExamKind.MIDTERM


def child_grades_for(user, child: Child, *, term: Term) -> ChildGrades | None:
    """The child's scores this term beside last term's final, per subject, and their place in
    the class then and now; None when `user` may not read the child's grades."""
    if not grades_readable(user, child):
        return None
    previous = term_previous(term)
    terms = [term.pk] + ([previous.pk] if previous else [])
    results = list(
        GradeResult.objects.filter(child=child, term_id__in=terms).values(
            "term_id", "exam", "subject", "score", "full_mark", "school_class_id"
        )
    )
    cell = {(r["term_id"], r["exam"], r["subject"]): r for r in results}
    lines = []
    for subject in Subject:
        now_mid = cell.get((term.pk, ExamKind.MIDTERM, subject.value))
        now_final = cell.get((term.pk, ExamKind.FINAL, subject.value))
        before = cell.get((previous.pk, ExamKind.FINAL, subject.value)) if previous else None
        if not (now_mid or now_final or before):
            continue
        lines.append(
            SubjectLine(
                label=str(subject.label),
                before=before["score"] if before else None,
                mid=now_mid["score"] if now_mid else None,
                final=now_final["score"] if now_final else None,
                full_mark=(now_final or now_mid or before or {}).get("full_mark"),
            )
        )
    progress = None
    if previous:
        progress = _progress_of(child.pk, results, term=term, previous=previous)
    return ChildGrades(term=term, previous=previous, lines=lines, progress=progress)


def _progress_of(child_id: int, results: list[dict], *, term: Term, previous: Term):
    before_class = {r["school_class_id"] for r in results if r["term_id"] == previous.pk}
    now_class = {r["school_class_id"] for r in results if r["term_id"] == term.pk}
    if not before_class or not now_class:
        return None
    exam = _latest_exam(term.pk, now_class)
    before = class_percentiles(term_id=previous.pk, exam=ExamKind.FINAL, class_ids=before_class)
    after = class_percentiles(term_id=term.pk, exam=exam, class_ids=now_class)
    if child_id not in before or child_id not in after:
        return None
    return Progress(before=before[child_id], after=after[child_id])


# --- the share who improved -------------------------------------------------------------------


@dataclass(frozen=True)
class Improvement:
    improved: int
    compared: int  # left-behind children with both exams


def improvement_for(user, *, node, term: Term, day: datetime.date | None = None) -> Improvement:
    """Left-behind children (this term's census, education definition) under the node who
    improved their class-rank percentile (`grading.IMPROVED_DEFINITION`), of those compared.
    The caller checks the node against the user's scope."""
    previous = term_previous(term)
    if previous is None:
        return Improvement(0, 0)
    children = Child.objects.restrict(user).filter(class_filter(node, "school_class__"))
    snapshots = CensusSnapshot.objects.filter(
        term=term, education=True, child__in=children.values("pk")
    ).values_list("child_id", flat=True)
    left_behind = set(snapshots)
    if not left_behind:
        return Improvement(0, 0)
    mine = Q(child_id__in=snapshots)
    after_classes = set(
        GradeResult.objects.filter(mine, term=term)
        .values_list("school_class_id", flat=True)
        .distinct()
    )
    before_classes = set(
        GradeResult.objects.filter(mine, term=previous, exam=ExamKind.FINAL)
        .values_list("school_class_id", flat=True)
        .distinct()
    )
    finals = set(
        GradeResult.objects.filter(
            term=term, exam=ExamKind.FINAL, school_class_id__in=after_classes
        )
        .values_list("school_class_id", flat=True)
        .distinct()
    )
    after: dict[int, float] = {}
    if finals:
        after |= class_percentiles(term_id=term.pk, exam=ExamKind.FINAL, class_ids=finals)
    if after_classes - finals:
        after |= class_percentiles(
            term_id=term.pk, exam=ExamKind.MIDTERM, class_ids=after_classes - finals
        )
    before = class_percentiles(term_id=previous.pk, exam=ExamKind.FINAL, class_ids=before_classes)
    compared = [c for c in left_behind if c in before and c in after]
    improved = sum(1 for c in compared if Progress(before[c], after[c]).improved)
    return Improvement(improved, len(compared))


@dataclass(frozen=True)
class UnitImprovement:
    label: str
    improvement: Improvement

    @property
    def percent(self) -> float | None:
        whole = self.improvement.compared
        return round(100 * self.improvement.improved / whole, 1) if whole else None


def improvement_units_for(user, *, node, term: Term) -> list[UnitImprovement]:
    """The share who improved for the node, then for each class of a school or each school
    under a region. The node was checked against the user's scope (`page_node`)."""
    rows = [UnitImprovement(str(node), improvement_for(user, node=node, term=term))]
    if isinstance(node, School):
        units = list(SchoolClass.objects.filter(school=node).order_by("grade", "name"))
    elif isinstance(node, SchoolClass):
        units = []
    else:
        units = list(schools_under(node).order_by("code")[:UNITS_MAX])
    rows += [
        UnitImprovement(
            unit.name if isinstance(unit, SchoolClass) else str(unit),
            improvement_for(user, node=unit, term=term),
        )
        for unit in units
    ]
    return rows


UNITS_MAX = 60


def subject_teachers_for(school_class: SchoolClass) -> list[User]:
    """Who may teach a subject of the class: the active teachers of its school."""
    school_id = school_class.school_id
    return list(
        User.objects.filter(
            is_active=True, role__in=(Role.TEACHER, Role.HEAD_TEACHER, Role.SCHOOL_LEADER)
        )
        .filter(Q(scope_school_id=school_id) | Q(scope_class__school_id=school_id))
        .order_by("role", "display_name")
    )


# --- the child's file -------------------------------------------------------------------------


@dataclass
class SchoolSection:
    child: Child
    grades: ChildGrades | None  # None: the reader may not read grades
    plans: list | None  # None: the reader may not read plans
    may_plan: bool


def school_section_for(user, child: Child, *, term: Term | None, request=None):
    """The 学业 section of the child's file, or None when the reader may read neither grades
    nor plans. Reading scores is logged like the file."""
    grades = child_grades_for(user, child, term=term) if term else None
    plans_state = visibility(user, ChildField.STUDY_PLANS) == Visibility.FULL
    plans = plans_of_child_for(user, child)
    if grades is None and not plans_state and not plans:
        return None
    if grades is not None and not grades.empty:
        access_record(
            user=user, action=AccessAction.VIEW, child=child, field="grades", request=request
        )
    return SchoolSection(
        child=child,
        grades=grades,
        plans=plans if (plans_state or plans) else None,
        may_plan=may(user, Perm.STUDY_PLAN) and child.left_on is None,
    )
