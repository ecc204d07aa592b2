"""Writing grades: the subjects a class takes, and the scores of an exam, from the class's
sheet on the web or from the grading system's Excel (`grades_import` in `grade_sheets`).

Both are all or nothing: every score is checked (a child on the class's register, a subject the
class takes and the writer may enter, 0 to the full mark) and, with any error, nothing is
written. A blank cell leaves what is stored (nothing is deleted); a changed score updates its
row and the history keeps the old one.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record_many
from shouhu.core.roles import Perm, Role
from shouhu.core.scoping import in_scope
from shouhu.org.models import SchoolClass, Term
from shouhu.registry.models import Child
from shouhu.schooling.grading import ScoreError, parse_score
from shouhu.schooling.models.grades import ClassSubject, ExamKind, GradeResult, Subject
from shouhu.schooling.selectors.grades import SubjectSetting, class_subjects, subjects_to_enter


@dataclass(frozen=True)
class ScoreProblem:
    """One refused score: the row (a child's name, or a sheet's row number), the field and
    the reason, in Chinese."""

    row: str
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.row}｜{self.field}：{self.reason}"


class ScoresRefused(ValidationError):
    """Scores refused as a whole, with each problem."""

    def __init__(self, problems: list[ScoreProblem]):
        self.problems = problems
        super().__init__([str(p) for p in problems])


@dataclass(frozen=True)
class ScoreCell:
    """A score to store: the child, the class and the subject it was entered for, the raw value
    and where it came from (for the error report)."""

    child_id: int
    school_class_id: int
    subject: str
    value: object
    row: str
    field: str


@dataclass(frozen=True)
class Saved:
    created: int
    updated: int
    unchanged: int


def school_of(user: User) -> int | None:
    """The school a school's staff member works in (a head teacher's through their class)."""
    if user.scope_school_id:
        return user.scope_school_id
    return user.scope_class.school_id if user.scope_class is not None else None


def _check_may_set_subjects(actor: User, school_class: SchoolClass) -> None:
    if not actor.has_perm_to(Perm.GRADES_RECORD) or actor.role not in (
        Role.SCHOOL_LEADER,
        Role.HEAD_TEACHER,
    ):
        raise PermissionDenied(_("只有班主任和学校领导可以设置班级科目。"))
    if not in_scope(actor, school_class):
        raise PermissionDenied(_("该班级不在您的管辖范围内。"))


@transaction.atomic
def class_subjects_set(
    *,
    actor: User,
    school_class: SchoolClass,
    subjects: Mapping[str, tuple[int, User | None]],
) -> list[ClassSubject]:
    """Set the subjects the class takes: {subject: (full mark, teacher or None)}. A subject left
    out is no longer taken (its scores stay, and new ones are refused); a teacher must be a
    teacher of the class's school."""
    _check_may_set_subjects(actor, school_class)
    if not subjects:
        raise ValidationError({"subjects": _("请至少选择一门科目。")})
    errors: dict[str, str] = {}
    for subject, (full_mark, teacher) in subjects.items():
        if subject not in Subject.values:
            errors["subjects"] = _("未知的科目：%(s)s。") % {"s": subject}
        elif not 10 <= full_mark <= 300:
            errors[f"full_mark_{subject}"] = _("%(s)s的满分应在10到300之间。") % {
                "s": Subject(subject).label
            }
        if teacher is not None and (
            teacher.role not in (Role.TEACHER, Role.HEAD_TEACHER, Role.SCHOOL_LEADER)
            or school_of(teacher) != school_class.school_id
        ):
            errors[f"teacher_{subject}"] = _("任课教师应是本校教师。")
    if errors:
        raise ValidationError(errors)
    ClassSubject.objects.filter(school_class=school_class).exclude(
        subject__in=list(subjects)
    ).delete()  # a setting, not a record: the scores entered in the subject stay
    saved = []
    for subject, (full_mark, teacher) in subjects.items():
        row, _created = ClassSubject.objects.update_or_create(
            school_class=school_class,
            subject=subject,
            defaults={"full_mark": full_mark, "teacher": teacher},
        )
        row.full_clean()
        saved.append(row)
    return saved


def _store_defaults(school_class: SchoolClass, settings: list[SubjectSetting]) -> None:
    """The first scores of a class fix its subjects (the default for its grade) on record."""
    if settings and not settings[0].stored:
        ClassSubject.objects.bulk_create(
            [
                ClassSubject(school_class=school_class, subject=s.subject, full_mark=s.full_mark)
                for s in settings
            ],
            ignore_conflicts=True,
        )


def scores_check(
    *,
    actor: User,
    classes: Mapping[int, SchoolClass],
    children: Mapping[int, Child],
    cells: Iterable[ScoreCell],
) -> tuple[list[tuple[ScoreCell, Decimal, int]], list[ScoreProblem]]:
    """Each cell checked: (cell, score, full mark) for the good ones, and the problems."""
    allowed = {pk: {s.subject: s for s in subjects_to_enter(actor, c)} for pk, c in classes.items()}
    taken = {pk: {s.subject for s in class_subjects(c)} for pk, c in classes.items()}
    good, problems = [], []
    for cell in cells:
        child = children.get(cell.child_id)
        if child is None or child.school_class_id != cell.school_class_id:
            problems.append(ScoreProblem(cell.row, cell.field, "", _("该学生不在本班名册上。")))
            continue
        if child.left_on is not None:
            problems.append(
                ScoreProblem(cell.row, cell.field, "", _("该学生已离开名册，不能录入成绩。"))
            )
            continue
        if cell.subject not in taken[cell.school_class_id]:
            problems.append(
                ScoreProblem(
                    cell.row, cell.field, str(cell.value), _("该班不开设此科目，不能录入成绩。")
                )
            )
            continue
        setting = allowed[cell.school_class_id].get(cell.subject)
        if setting is None:
            problems.append(
                ScoreProblem(cell.row, cell.field, str(cell.value), _("您不是该科目的任课教师。"))
            )
            continue
        try:
            score = parse_score(cell.value, full_mark=setting.full_mark)
        except ScoreError as exc:
            problems.append(ScoreProblem(cell.row, cell.field, str(cell.value), str(exc)))
            continue
        if score is not None:
            good.append((cell, score, setting.full_mark))
    return good, problems


def scores_write(
    *,
    actor: User,
    term: Term,
    exam: str,
    scores: Sequence[tuple[ScoreCell, Decimal, int]],
    request: HttpRequest | None = None,
) -> Saved:
    """Store checked scores in bulk (with their history) and log the children written."""
    now = timezone.now()
    child_ids = sorted({c.child_id for c, _s, _f in scores})
    stored = {
        (r.child_id, r.subject): r
        for r in GradeResult.objects.filter(child_id__in=child_ids, term=term, exam=exam)
    }
    new, changed, unchanged = [], [], 0
    for cell, score, full_mark in scores:
        row = stored.get((cell.child_id, cell.subject))
        if row is None:
            new.append(
                GradeResult(
                    child_id=cell.child_id,
                    term=term,
                    exam=exam,
                    subject=cell.subject,
                    school_class_id=cell.school_class_id,
                    score=score,
                    full_mark=full_mark,
                    entered_by=actor,
                    entered_at=now,
                )
            )
        elif row.score != score or row.full_mark != full_mark:
            row.score, row.full_mark = score, full_mark
            row.school_class_id, row.entered_by, row.entered_at = cell.school_class_id, actor, now
            changed.append(row)
        else:
            unchanged += 1
    if new:
        bulk_create_with_history(new, GradeResult, batch_size=500, default_user=actor)
    if changed:
        bulk_update_with_history(
            changed,
            GradeResult,
            ["score", "full_mark", "school_class", "entered_by", "entered_at"],
            batch_size=500,
            default_user=actor,
        )
    written = sorted({r.child_id for r in [*new, *changed]})
    if written:
        access_record_many(
            user=actor, action=AccessAction.UPDATE, child_ids=written, request=request
        )
    return Saved(created=len(new), updated=len(changed), unchanged=unchanged)


def check_exam(term: Term, exam: str, *, today: datetime.date | None = None) -> None:
    """An exam of a term that has begun (a score of a term to come is a mistake)."""
    if exam not in ExamKind.values:
        raise ValidationError({"exam": _("请选择期中或期末。")})
    if term.starts_on > (today or timezone.localdate()):
        raise ValidationError({"term": _("该学期尚未开始，不能录入成绩。")})


@transaction.atomic
def grades_save(
    *,
    actor: User,
    school_class: SchoolClass,
    term: Term,
    exam: str,
    scores: Mapping[tuple[int, str], object],
    request: HttpRequest | None = None,
) -> Saved:
    """Save a class's sheet for an exam: {(child id, subject): raw value}. All or nothing."""
    if not actor.has_perm_to(Perm.GRADES_RECORD):
        raise PermissionDenied(_("您没有录入成绩的权限。"))
    if not in_scope(actor, school_class):
        raise PermissionDenied(_("该班级不在您的管辖范围内。"))
    check_exam(term, exam)
    child_ids = {child_id for child_id, _subject in scores}
    children = {
        c.pk: c
        for c in Child.objects.restrict(actor)
        .filter(pk__in=child_ids)
        .only("pk", "name", "school_class_id", "left_on")
    }
    cells = [
        ScoreCell(
            child_id=child_id,
            school_class_id=school_class.pk,
            subject=subject,
            value=value,
            row=children[child_id].name if child_id in children else str(child_id),
            field=str(Subject(subject).label) if subject in Subject.values else subject,
        )
        for (child_id, subject), value in scores.items()
    ]
    good, problems = scores_check(
        actor=actor, classes={school_class.pk: school_class}, children=children, cells=cells
    )
    if problems:
        raise ScoresRefused(problems)
    _store_defaults(school_class, class_subjects(school_class))
    return scores_write(actor=actor, term=term, exam=exam, scores=good, request=request)
