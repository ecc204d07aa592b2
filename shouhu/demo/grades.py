"""The demo's grades and study-help plans: last term's and this term's results for every class,
each class's subjects with the school's teachers, and study-help plans for the left-behind
children who need them most (`shouhu seed-demo`, and `shouhu synth` with the main subjects).

Deterministic from the seed, dated from the demo's calendar (the terms around today):

- every class takes its grade's subjects; the school's subject teachers (任课教师) teach them
  in turn, so the demo teacher enters and reads the grades of the classes they teach;
- last term: mid-term and final (a synthetic county: the final only); this term: the
  mid-term once the term is three weeks old (entered before today), the final once the term
  has ended;
- a child's score follows a steady ability, a term's drift and a little noise; a left-behind
  child with a plan drifts up a little (the help works, often not always);
- in each class, the left-behind child with the lowest final last term has an open plan with
  three staged goals (one reviewed, one due within days, one later); another had a plan last
  term, closed with its result.

Written with bulk_create, without history rows (the service writes those for the web's edits).
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.core.roles import Role
from shouhu.org.models import SchoolClass, Term
from shouhu.org.selectors import term_current, term_previous
from shouhu.registry.models import CensusSnapshot, Child
from shouhu.schooling.grading import default_subjects
from shouhu.schooling.models.grades import (
    ClassSubject,
    ExamKind,
    GradeResult,
    PlanGoal,
    PlanOutcome,
    PlanStatus,
    StudyPlan,
    Subject,
)

MAIN_SUBJECTS = (Subject.CHINESE, Subject.MATHS, Subject.ENGLISH)
WEEK = datetime.timedelta(days=7)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class GradeCounts:
    results: int
    plans: int


def _score(rng: random.Random, ability: float, drift: float) -> Decimal:
    raw = 76 + 11 * (ability + drift) + rng.gauss(0, 4)
    return Decimal(str(round(min(100.0, max(12.0, raw)) * 2) / 2)).quantize(Decimal("0.1"))


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0)))


def grades_write(*, seed: int, main_only: bool = False) -> GradeCounts:
    """Write the grades and plans of the county in the database (see the module)."""
    today = timezone.localdate()
    term = term_current(today)
    previous = term_previous(term) if term else None
    if term is None or previous is None:
        return GradeCounts(0, 0)
    classes = list(SchoolClass.objects.select_related("school").order_by("pk"))
    teachers = _teachers_by_school()
    subjects = _subjects_write(classes, teachers, main_only=main_only)
    now_class = dict(
        Child.objects.filter(left_on__isnull=True).values_list("pk", "school_class_id")
    )
    then_class = dict(
        CensusSnapshot.objects.filter(term=previous).values_list("child_id", "school_class_id")
    )
    left_behind = set(
        CensusSnapshot.objects.filter(term=term, education=True).values_list("child_id", flat=True)
    )
    heads = dict(SchoolClass.objects.values_list("pk", "head_teacher_id"))
    entered_by = {c.pk: heads.get(c.pk) for c in classes}
    # A synthetic county keeps its cost down: last term's final only, the one the figure reads.
    exams = [(previous, ExamKind.FINAL)] if main_only else [(previous, ExamKind.MIDTERM)]
    exams += [] if main_only else [(previous, ExamKind.FINAL)]
    if today >= term.starts_on + 3 * WEEK:
        exams.append((term, ExamKind.MIDTERM))
    if today > term.ends_on:
        exams.append((term, ExamKind.FINAL))
    moments = {(t.pk, e): _moment(_exam_day(t, e, today)) for t, e in exams}
    helped = _helped(now_class, left_behind, seed=seed)
    rows: list[GradeResult] = []
    last_final: dict[int, list[Decimal]] = defaultdict(list)
    for child_id in sorted(set(now_class) | set(then_class)):
        rng = random.Random(seed * 1_000_003 + child_id)
        ability = rng.gauss(0, 1) - (0.35 if child_id in left_behind else 0.0)
        for number, (exam_term, exam) in enumerate(exams):
            class_id = (then_class if exam_term == previous else now_class).get(child_id)
            if class_id is None or entered_by.get(class_id) is None:
                continue
            drift = rng.gauss(0, 0.35) + (0.25 * number if child_id in helped else 0.0)
            moment = moments[(exam_term.pk, exam)]
            for subject, full_mark in subjects[class_id]:
                score = _score(rng, ability, drift)
                if exam_term == previous and exam == ExamKind.FINAL:
                    last_final[child_id].append(score)
                rows.append(
                    GradeResult(
                        child_id=child_id,
                        term=exam_term,
                        exam=exam,
                        subject=subject,
                        school_class_id=class_id,
                        score=score
                        if full_mark == 100
                        else (score * full_mark / 100).quantize(TENTH),
                        full_mark=full_mark,
                        entered_by_id=entered_by[class_id],
                        entered_at=moment,
                    )
                )
    GradeResult.objects.bulk_create(rows, batch_size=2000)
    plans = _plans_write(
        classes=classes,
        now_class=now_class,
        left_behind=left_behind,
        last_final=last_final,
        teachers=teachers,
        heads=heads,
        term=term,
        previous=previous,
        today=today,
        seed=seed,
    )
    return GradeCounts(results=len(rows), plans=plans)


def _exam_day(term: Term, exam: str, today: datetime.date) -> datetime.date:
    if exam == ExamKind.FINAL:
        return min(term.ends_on - WEEK, today - datetime.timedelta(days=1))
    return min(term.starts_on + 9 * WEEK, today - datetime.timedelta(days=1))


def _teachers_by_school() -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(role=Role.TEACHER, scope_school__isnull=False).order_by(
        "username"
    ):
        found[user.scope_school_id].append(user)
    return found


def _subjects_write(
    classes: list[SchoolClass], teachers: dict[int, list[User]], *, main_only: bool
) -> dict[int, list[tuple[str, int]]]:
    """Each class's subjects on record, taught in turn by the school's teachers; the subjects
    scored (the main ones only for a synthetic county)."""
    rows, scored = [], {}
    turn: dict[int, int] = defaultdict(int)
    for school_class in classes:
        staff = teachers.get(school_class.school_id, [])
        taken = default_subjects(school_class.grade)
        full = 120 if school_class.grade >= 7 else 100
        marks = {s: (full if s in MAIN_SUBJECTS else 100) for s in taken}  # 初中语数英满分120
        for subject in taken:
            teacher = None
            if staff and subject in MAIN_SUBJECTS:
                teacher = staff[turn[school_class.school_id] % len(staff)]
                turn[school_class.school_id] += 1
            rows.append(
                ClassSubject(
                    school_class=school_class,
                    subject=subject,
                    full_mark=marks[subject],
                    teacher=teacher,
                )
            )
        scored[school_class.pk] = [
            (s, marks[s]) for s in taken if not main_only or s in MAIN_SUBJECTS
        ]
    ClassSubject.objects.bulk_create(rows, batch_size=2000)
    return scored


def _helped(now_class: dict, left_behind: set, *, seed: int) -> set[int]:
    """The left-behind children whose help works this term (about two in three)."""
    rng = random.Random(seed + 41)
    return {c for c in sorted(left_behind) if c in now_class and rng.random() < 0.66}


def _plans_write(
    *, classes, now_class, left_behind, last_final, teachers, heads, term, previous, today, seed
) -> int:
    rng = random.Random(seed + 7)
    by_class: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    for child_id, class_id in now_class.items():
        if child_id in left_behind and last_final.get(child_id):
            total = sum(last_final[child_id]) / len(last_final[child_id])
            by_class[class_id].append((total, child_id))
    plans, goals = [], []
    school_of = {c.pk: c.school_id for c in classes}
    turn: dict[int, int] = defaultdict(int)
    starts = max(term.starts_on, today - 6 * WEEK)
    for class_id in sorted(by_class):
        ranked = sorted(by_class[class_id])
        staff = teachers.get(school_of[class_id], []) or []
        for index, (_total, child_id) in enumerate(ranked[:2]):
            head = heads.get(class_id)
            if staff:
                teacher_id = staff[turn[school_of[class_id]] % len(staff)].pk
                turn[school_of[class_id]] += 1
            else:
                teacher_id = head
            if teacher_id is None:
                continue
            current = index == 0
            plan = StudyPlan(
                child_id=child_id,
                teacher_id=teacher_id,
                starts_on=starts if current else previous.starts_on + 4 * WEEK,
                ends_on=term.ends_on if current else previous.ends_on - WEEK,
                subjects=rng.choice(["数学", "语文", "语文、数学", "英语"]),
                schedule=rng.choice(["每周二、四课后30分钟", "每周三午休后", "每周一、三、五早读"]),
                content=rng.choice(
                    [
                        "查漏补缺，每天检查家庭作业，讲解错题",
                        "口算和应用题专项练习，每周一次小测",
                        "每周读一本课外书，写读书笔记，练习作文",
                    ]
                ),
                status=PlanStatus.OPEN if current else PlanStatus.CLOSED,
                outcome="" if current else rng.choice([PlanOutcome.MET, PlanOutcome.PARTLY]),
                outcome_note="" if current else "期末成绩较期中有提高，学习习惯明显改善",
                closed_on=None if current else previous.ends_on - WEEK,
                created_by_id=head or teacher_id,
            )
            plans.append(plan)
    StudyPlan.objects.bulk_create(plans, batch_size=1000)  # ids set: SQLite ≥ 3.35, PostgreSQL
    for plan in plans:
        goals += _goals(plan, today)
    PlanGoal.objects.bulk_create(goals, batch_size=2000)
    return len(plans)


def _goals(plan: StudyPlan, today: datetime.date) -> list[PlanGoal]:
    """Three staged goals: the first reviewed, the second due within days, the last later (a
    closed plan's three are all reviewed)."""
    texts = ["作业按时完成，错题及时订正", "单元测验达到及格", "期末成绩比上学期提高5分以上"]
    closed = plan.status == PlanStatus.CLOSED
    span = plan.ends_on - plan.starts_on
    dates = [
        plan.starts_on + span / 4,
        min(plan.ends_on, max(plan.starts_on, today + datetime.timedelta(days=2)))
        if not closed
        else plan.starts_on + span / 2,
        plan.ends_on,
    ]
    rows = []
    for number, (text, day) in enumerate(zip(texts, sorted(dates), strict=True), start=1):
        reviewed = closed or (number == 1 and day < today)
        rows.append(
            PlanGoal(
                plan=plan,
                number=number,
                goal=text,
                review_on=day,
                reviewed_on=day if reviewed else None,
                met=(number != 2 or plan.outcome == PlanOutcome.MET) if reviewed else None,
                review_note="按计划完成，家长反馈孩子作业更认真了" if reviewed else "",
                reviewed_by_id=plan.teacher_id if reviewed else None,
            )
        )
    return rows
