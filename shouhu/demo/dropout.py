"""The demo's 控辍保学 (issue 14): two suspected dropouts, one case in persuasion with two
attempts (its written report due), and one child back in school under follow-up, in the demo's
head class (the demo head teacher sees them on the home page); a synthetic county gets the same
for about every 2,000 children. Deterministic from the seed; every date relative to today and
inside the current term. The first two suspects are those the attendance demo left absent
three and four school days running (`suspects`); any other suspect's absences are written here
(a roll call the attendance demo took is kept and the absence added to it)."""

import datetime
import random
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from shouhu.org.models import SchoolClass, Term
from shouhu.registry.models import Child
from shouhu.schooling.dropout_rules import school_days_after
from shouhu.schooling.models.attendance import Absence, AbsenceReason, RollCall
from shouhu.schooling.models.dropout import (
    AttemptWay,
    CaseState,
    DropoutCase,
    DropoutCause,
    FollowUpCheck,
    PersuasionAttempt,
    SuspectedDropout,
    SuspectRule,
)

ONE_DAY = datetime.timedelta(days=1)


def _school_days_before(day: datetime.date, n: int, first: datetime.date) -> list[datetime.date]:
    """The n school days (Monday to Friday) before `day`, not before `first`, oldest first."""
    found: list[datetime.date] = []
    cursor = day - ONE_DAY
    while len(found) < n and cursor >= first:
        if cursor.weekday() in settings.SHOUHU_SCHOOL_DAYS:
            found.append(cursor)
        cursor -= ONE_DAY
    return sorted(found)


def _absent(child: Child, days: list[datetime.date], *, by_id: int) -> None:
    for day in days:
        call, _created = RollCall.objects.get_or_create(
            school_class_id=child.school_class_id,
            day=day,
            defaults={
                "expected": 30,
                "taken_by_id": by_id,
                "taken_at": timezone.make_aware(datetime.datetime.combine(day, datetime.time(8))),
            },
        )
        Absence.objects.update_or_create(
            roll_call=call,
            child=child,
            defaults={"day": day, "reason": AbsenceReason.UNKNOWN},
        )


def _unexplained_days(child: Child) -> list[datetime.date]:
    """The days of a child's unexplained absences on the roll calls, oldest first."""
    return sorted(
        Absence.objects.filter(child=child, reason=AbsenceReason.UNKNOWN).values_list(
            "day", flat=True
        )
    )


def dropout_seed(
    *,
    records: list[Child],
    head_class: SchoolClass | None,
    seed: int,
    suspects: Sequence[Child] = (),
) -> dict:
    """Write the demo's ledgers; how many rows of each kind. `suspects`: children whose
    unexplained absences the roll calls already hold (the attendance demo's)."""
    today = timezone.localdate()
    term = Term.objects.filter(starts_on__lte=today).order_by("-starts_on").first()
    if term is None:
        return {}
    last_day = min(today, term.ends_on + ONE_DAY)
    rng = random.Random(seed * 7 + 14)
    on_register = [c for c in records if c.left_on is None]
    classes = {
        c.pk: c for c in SchoolClass.objects.filter(pk__in={r.school_class_id for r in on_register})
    }
    pool = [c for c in on_register if classes[c.school_class_id].head_teacher_id]
    if len(pool) < 4:
        return {}
    groups = max(1, len(on_register) // 2000)
    given = [c for c in suspects if c.left_on is None][:2]
    head = [
        c
        for c in pool
        if head_class is not None and c.school_class_id == head_class.pk and c not in given
    ]
    # The head class's children first: its two suspects and the case in persuasion.
    chosen: list[Child] = given + rng.sample(head, min(len(head), 3 - len(given)))
    rest = [c for c in pool if c not in chosen]
    chosen.extend(rng.sample(rest, min(len(rest), 4 * groups - len(chosen))))
    counts = {"suspects": 0, "cases": 0, "attempts": 0, "checks": 0}
    days = _school_days_before(last_day, settings.SHOUHU_DROPOUT_ABSENT_DAYS, term.starts_on)
    for index in range(0, len(chosen) - 3, 4):
        a, b, persuaded, returned = chosen[index : index + 4]
        for child in (a, b):
            teacher = classes[child.school_class_id].head_teacher_id
            absent_days = _unexplained_days(child) if child in given else days
            if days and child not in given:
                _absent(child, days, by_id=teacher)
            found_on = absent_days[-1] if absent_days else last_day - ONE_DAY
            first = (absent_days or [found_on])[0]
            SuspectedDropout.objects.create(
                child=child,
                school_id=classes[child.school_class_id].school_id,
                rule=SuspectRule.ABSENT_DAYS,
                detail=f"自{first:%m-%d}起连续{len(absent_days)}个上课日无故缺勤",
                found_on=found_on,
                due_on=school_days_after(found_on, settings.SHOUHU_DROPOUT_HANDLE_DAYS),
            )
            counts["suspects"] += 1
        counts |= _persuasion_case(persuaded, classes, term, last_day, counts)
        counts |= _returned_case(returned, classes, term, last_day, counts)
    return counts


def _case(child: Child, classes, registered_on: datetime.date, **fields) -> DropoutCase:
    school_class = classes[child.school_class_id]
    case = DropoutCase(
        child=child,
        school_id=school_class.school_id,
        registered_on=registered_on,
        registered_by_id=school_class.head_teacher_id,
        report_due_on=registered_on + datetime.timedelta(days=settings.SHOUHU_DROPOUT_REPORT_DAYS),
        plan_staff="班主任、分管副校长",
        plan_cadre="村委会主任",
        plan_township="乡镇教管中心",
        plan_note="班主任与村干部一同上门，讲清义务教育法规定，了解家庭困难，协调落实资助。",
        **fields,
    )
    case.full_clean()
    case.save()
    return case


def _persuasion_case(child, classes, term, last_day, counts) -> dict:
    """Registered ten days ago (the written report now due), two attempts, still away."""
    registered_on = max(term.starts_on, last_day - datetime.timedelta(days=10))
    case = _case(
        child,
        classes,
        registered_on,
        state=CaseState.PERSUADING,
        cause=DropoutCause.POVERTY,
        cause_note="父母在外务工，家中经济困难，孩子想外出打工补贴家用。",
        guardian_opinion="祖母希望孩子读书，但管不住。",
    )
    teacher = classes[child.school_class_id].head_teacher_id
    for offset, way, said in (
        (1, AttemptWay.HOME_VISIT, "孩子说读书没用，想跟亲戚去打工；祖母表示支持返校。"),
        (5, AttemptWay.PHONE, "与在外务工的父亲通话，父亲同意劝孩子返校，但担心学费生活费。"),
    ):
        done_on = min(registered_on + datetime.timedelta(days=offset), last_day - ONE_DAY)
        PersuasionAttempt.objects.create(
            case=case,
            done_on=max(done_on, registered_on),
            who="班主任、村委会主任",
            way=way,
            family_said=said,
            recorded_by_id=teacher,
        )
        counts["attempts"] += 1
    counts["cases"] += 1
    return counts


def _returned_case(child, classes, term, last_day, counts) -> dict:
    """Registered and back within a week; a follow-up check in the month after the return."""
    registered_on = max(term.starts_on, last_day - datetime.timedelta(days=45))
    returned_on = min(registered_on + datetime.timedelta(days=6), last_day - ONE_DAY)
    case = _case(
        child,
        classes,
        registered_on,
        state=CaseState.FOLLOWING,
        cause=DropoutCause.WEARY,
        cause_note="成绩下滑，厌学，沉迷手机。",
        guardian_opinion="监护人愿意配合学校。",
        returned_on=returned_on,
        outcome="劝返成功，已复学",
    )
    teacher = classes[child.school_class_id].head_teacher_id
    PersuasionAttempt.objects.create(
        case=case,
        done_on=registered_on,
        who="班主任",
        way=AttemptWay.HOME_VISIT,
        family_said="孩子答应下周一返校。",
        recorded_by_id=teacher,
    )
    check_on = min(returned_on + datetime.timedelta(days=30), last_day - ONE_DAY)
    FollowUpCheck.objects.create(
        case=case,
        done_on=max(check_on, returned_on),
        attending=True,
        talk="按时到校，情绪稳定，安排同桌结对帮助补课。",
        recorded_by_id=teacher,
    )
    counts["attempts"] += 1
    counts["checks"] += 1
    counts["cases"] += 1
    return counts
