"""Writes to the organisation tree: regions, schools, classes, terms and enrolments, and the
classes' move up a grade at the year-end handover."""

from dataclasses import dataclass, field
from typing import Protocol

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from shouhu.core.roles import Perm
from shouhu.org.models import ClassEnrolment, Grade, School, SchoolClass, SchoolType, Term


class Actor(Protocol):
    """Who writes: an account (`accounts.User`), named here by what org asks of it, since the
    organisation tree sits below the accounts."""

    def has_perm_to(self, perm: str) -> bool: ...


@transaction.atomic
def org_record_save(*, actor: Actor, record: models.Model) -> models.Model:
    """Validate and save one record of the tree; only an administrator may."""
    if not actor.has_perm_to(Perm.ORG_MANAGE):
        raise PermissionDenied(_("只有系统管理员可以维护组织架构。"))
    record.full_clean()
    record.save()
    return record


# --- the classes at the year-end handover (学年交接) --------------------------------------------

TOP_GRADE = {
    SchoolType.PRIMARY: Grade.G6,
    SchoolType.JUNIOR: Grade.G9,
    SchoolType.NINE_YEAR: Grade.G9,
}
FIRST_GRADE = {
    SchoolType.PRIMARY: Grade.G1,
    SchoolType.JUNIOR: Grade.G7,
    SchoolType.NINE_YEAR: Grade.G1,
}
JUNIOR_WORDS = "一二三"


def next_class_name(name: str, grade: int) -> str | None:
    """三年级(2)班 → 四年级(2)班, 3年级2班 → 4年级2班, 初一(1)班 → 初二(1)班; None when the
    name does not say its grade (it is then kept as it is)."""
    new = grade + 1
    if new > Grade.G9:
        return None
    pairs = [(str(Grade(grade).label), str(Grade(new).label)), (f"{grade}年级", f"{new}年级")]
    if grade >= Grade.G7:
        pairs.append((f"初{JUNIOR_WORDS[grade - 7]}", f"初{JUNIOR_WORDS[new - 7]}"))
    for old_word, new_word in pairs:
        if old_word in name:
            return name.replace(old_word, new_word, 1)
    return None


@dataclass
class ClassMove:
    school_class: SchoolClass
    new_name: str
    new_grade: int
    children: int
    pupils: int | None


@dataclass
class ClassPromotion:
    """How a school's classes move at the handover: the top grade's classes graduate (kept
    under an archive name), the others move up a grade, and the first grade opens again."""

    graduating: list[tuple[SchoolClass, str]] = field(default_factory=list)  # (class, new name)
    moves: list[ClassMove] = field(default_factory=list)  # top grade first
    new_first_classes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def class_promotion_plan(
    *, school: School, from_term: Term, to_term: Term, children: dict[int, int]
) -> ClassPromotion:
    """What the handover does to a school's classes; writes nothing. `children`: how many
    children each class (by id) has on the register, the registry's count."""
    promotion = ClassPromotion()
    top = TOP_GRADE[SchoolType(school.kind)]
    classes = list(
        SchoolClass.objects.filter(school=school)
        .exclude(name__contains="届")
        .select_related("head_teacher")
        .order_by("-grade", "name")
    )
    pupils = {
        e.school_class_id: e.pupils
        for e in ClassEnrolment.objects.filter(school_class__in=classes, term=from_term)
    }
    taken = {c.name for c in classes}
    for school_class in classes:
        if school_class.grade >= top:
            archive = f"{to_term.start_year}届{school_class.name}"
            promotion.graduating.append((school_class, archive))
            taken.discard(school_class.name)
            continue
        new_name = next_class_name(school_class.name, school_class.grade) or school_class.name
        if new_name != school_class.name and new_name in taken:
            promotion.problems.append(
                _("%(old)s 升级后的名称 %(new)s 已被占用，请先在班级管理中改名。")
                % {"old": school_class.name, "new": new_name}
            )
        taken.discard(school_class.name)
        taken.add(new_name)
        promotion.moves.append(
            ClassMove(
                school_class,
                new_name,
                school_class.grade + 1,
                children.get(school_class.pk, 0),
                pupils.get(school_class.pk),
            )
        )
    first = FIRST_GRADE[SchoolType(school.kind)]
    promotion.new_first_classes = [
        m.school_class.name for m in promotion.moves if m.school_class.grade == first
    ]
    return promotion


@dataclass
class ClassesPromoted:
    """What `classes_promote` created, by id, for the handover's undo."""

    new_classes: list[int]
    enrolments: list[int]


@transaction.atomic
def classes_promote(
    *,
    school: School,
    to_term: Term,
    promotion: ClassPromotion,
    keep_head_teachers: set[int] | None = None,
    open_first_grade: bool = True,
) -> ClassesPromoted:
    """Apply a promotion: the graduating classes take their archive names, the others move up
    (top grade first, so each new name is free when it is taken) with their pupil count
    carried over, and the first grade's classes open again. `keep_head_teachers` names the
    classes (by id) whose head teacher stays (None: all).

    A step of the school's handover (`registry.handover.handover_apply`), which checks who
    may and logs it."""
    promoted = ClassesPromoted(new_classes=[], enrolments=[])
    for school_class, archive_name in promotion.graduating:
        school_class.name = archive_name
        school_class.save(update_fields=["name"])
    for move in promotion.moves:
        school_class = move.school_class
        school_class.name = move.new_name
        school_class.grade = move.new_grade
        fields = ["name", "grade"]
        if keep_head_teachers is not None and school_class.pk not in keep_head_teachers:
            school_class.head_teacher = None
            fields.append("head_teacher")
        school_class.save(update_fields=fields)
        if move.pupils is not None:
            enrolment, created = ClassEnrolment.objects.get_or_create(
                school_class=school_class, term=to_term, defaults={"pupils": move.pupils}
            )
            if created:
                promoted.enrolments.append(enrolment.pk)
    if open_first_grade:
        first = FIRST_GRADE[SchoolType(school.kind)]
        for name in promotion.new_first_classes:
            created_class = SchoolClass.objects.create(school=school, grade=first, name=name)
            promoted.new_classes.append(created_class.pk)
    return promoted
