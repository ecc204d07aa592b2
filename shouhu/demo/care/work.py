"""The care work itself: the 三个一 quotas done with gaps, signals (五必访) and their tasks,
exemptions, group work, counselling, buddies, and the demo accounts' scripted story."""

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from shouhu.care.models import ActionKind, SignalKind
from shouhu.demo import data
from shouhu.demo.care.calendar import ONE_DAY, Month, TermData
from shouhu.demo.care.plans import ActionPlan, BuddyPlan, ExemptionPlan
from shouhu.demo.terms import term_before
from shouhu.registry.models import Flag

if TYPE_CHECKING:
    from shouhu.demo.care.planner import Planner

RUNNING_MONTH = 0.8  # the running month is only partly done yet
CALL_BONUS = 0.06  # a call is easier than a visit
TALK_RATE = 0.2  # talks with the child (谈心) a month
FAMILY_CALL_RATE = 0.1  # calls home from the school's family phone (亲情电话) a month
SIGNAL_RATE = 0.025  # signals (五必访) per child and month
FORGOTTEN_RATE = 0.015  # tasks of the last month never closed
RECENT_CLOSED_RATE = 0.4  # tasks not yet due that are already done
CLOSING_DELAY = (0, 1, 1, 2, 2, 2, 3, 3, 4, 5)  # days from the signal to the visit
EXEMPTION_RATE = 0.006
LETTER_SHARE = 0.9  # children reached by the class letter at the start of term
LATE_LETTER_RATE = 0.4  # of the others, reached by their proxy parent's own letter later
SYMPOSIUM_SHARE = 0.85
TRAINING_SHARE = 0.6
HEALTH_CHECK_SHARE = 0.95
BUDDY_RATE = 0.3
GRANDPARENTS = {"祖母", "祖父", "外祖母", "外祖父"}


def exempt(planner: "Planner") -> dict[int, list[ExemptionPlan]]:
    """A few children in hospital or ill at home for weeks, excused by the head teacher,
    from a day of a past month they were owed care in."""
    rng = planner.draw.rng
    by_child: dict[int, list[ExemptionPlan]] = defaultdict(list)
    scripted = planner.scripted()
    for i in sorted(planner.segments):
        if rng.random() >= EXEMPTION_RATE or i in scripted:
            continue
        months = [
            m
            for m, _carer in planner.owed_months(i, planner.segments[i], [])
            if m.end < planner.today
        ]
        if not months:
            continue
        month = rng.choice(months)
        assert month.school_from is not None and month.school_to is not None
        starts_on = planner.draw.day(month.school_from, month.school_to)
        ends_on = min(starts_on + datetime.timedelta(days=rng.randint(14, 40)), planner.today)
        child = planner.children[i]
        exemption = ExemptionPlan(
            child=i,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=rng.choice(data.EXEMPTION_REASONS),
            granted_by=planner.head_of(child, starts_on),
        )
        planner.exemptions.append(exemption)
        by_child[i].append(exemption)
    return by_child


def quota_work(planner: "Planner", exemptions: dict[int, list[ExemptionPlan]]) -> None:
    """Per child and owed month: signals and the visits that close them, the home visit,
    the call to a parent, talks and family-phone calls."""
    scripted = planner.scripted()
    for i in sorted(planner.segments):
        owed = planner.owed_months(i, planner.segments[i], exemptions.get(i, []))
        if i in scripted:  # last spring's work only; this term's is the script's
            owed = [(month, carer) for month, carer in owed if carer != "teacher"]
            for month, carer in owed:
                _month_work(planner, i, month, carer, visited=False)
            continue
        visited = _child_signals(planner, i, owed)
        for month, carer in owed:
            _month_work(planner, i, month, carer, visited=month.key in visited)


def _month_work(planner: "Planner", i: int, month: Month, carer: str, *, visited: bool) -> None:
    rng = planner.draw.rng
    days = planner.work_days(month)
    if days is None:
        return
    p = planner.carer_diligence(carer) * (RUNNING_MONTH if month.end >= planner.today else 1)
    if not visited and rng.random() < p:
        planner.visit(i, carer, planner.draw.day(*days))
    if rng.random() < min(0.98, p + CALL_BONUS):
        planner.call(i, carer, planner.draw.day(*days))
    if rng.random() < TALK_RATE:
        day = planner.draw.weekday(*days)
        planner.add(
            ActionPlan(ActionKind.TALK.value, day, carer, (i,), rng.choice(data.TALK_NOTES))
        )
    if rng.random() < FAMILY_CALL_RATE:
        day = planner.draw.weekday(*days)
        note = rng.choice(data.FAMILY_CALL_NOTES)
        planner.add(
            ActionPlan(
                ActionKind.FAMILY_CALL.value,
                day,
                planner.head_of(planner.children[i], day),
                (i,),
                note,
            )
        )


def _child_signals(planner: "Planner", i: int, owed: list[tuple[Month, str]]) -> set[str]:
    """Signals noticed in the owed months; returns the months a closing visit fell in."""
    rng = planner.draw.rng
    visited: set[str] = set()
    for month, carer in owed:
        days = planner.work_days(month)
        if days is None or rng.random() >= SIGNAL_RATE:
            continue
        noted_on = planner.draw.weekday(*days)
        child = planner.children[i]
        author = planner.head_of(child, noted_on) if rng.random() < 0.7 else carer
        signal = planner.signal(i, noted_on, author=author, assignee=carer)
        due_on = signal.due_on
        if due_on < planner.today:
            close = (
                due_on >= planner.today - datetime.timedelta(days=30)
                and rng.random() < FORGOTTEN_RATE
            )
            close = not close
        else:
            close = rng.random() < RECENT_CLOSED_RATE
        visit_on = noted_on + datetime.timedelta(days=rng.choice(CLOSING_DELAY))
        if close and visit_on <= planner.yesterday:
            signal.visit = planner.visit(i, carer, visit_on, note=rng.choice(data.TASK_VISIT_NOTES))
            month_of_visit = planner.window.month_of(visit_on)
            if month_of_visit is not None:
                visited.add(month_of_visit.key)
    return visited


def script_demo(planner: "Planner") -> None:
    """The demo accounts' story as of today.

    teacher's children, paired since the start of the school year: all done in earlier months,
    except the first child's home visit last month (overdue) and this month (due); the second
    has an open task due in a day or two; the third a task three days overdue, which reaches
    the head teacher. A child of another class of the demo school has a task overdue long
    enough to reach the school leader. In the holidays the tasks are there all the same (a
    signal is noticed on a call home); in the first days of the school year, a signal is not
    older than the pairing, so nothing is overdue yet.
    """
    teacher = planner.script.get("teacher", [])
    this = planner.window.month_of(planner.today)
    if len(teacher) < 3 or this is None:
        return
    t0, t1, t2 = teacher
    for i in teacher:
        for month, carer in planner.owed_months(i, planner.segments[i], []):
            if carer != "teacher" or month is this:
                continue
            days = planner.work_days(month)
            assert days is not None
            if not (i == t0 and month.end == this.start - ONE_DAY):
                planner.visit(i, carer, planner.draw.day(*days))
            planner.call(i, carer, planner.draw.day(*days))
    days = planner.work_days(this) if this.school_from is not None else None
    if days is not None:  # this month's work so far, none of it after yesterday
        first, last = days
        planner.call(t0, "teacher", min(this.start + datetime.timedelta(days=4), last))
        planner.visit(t1, "teacher", min(this.start + datetime.timedelta(days=9), last))
        planner.call(t2, "teacher", min(this.start + datetime.timedelta(days=6), last))
    for i, days_ago, kind in (
        (t1, 2, SignalKind.BAD_MOOD.value),
        (t2, 6, SignalKind.GRADES_DROPPED.value),
    ):
        planner.signal(
            i,
            _noted_on(planner, i, days_ago=days_ago),
            author="head",
            assignee="teacher",
            kind=kind,
        )
    head_key = planner.plan.head_class_key
    demo_school = planner.plan.layout.demo_school
    for pairing in planner.pairings:
        child = planner.children[pairing.child]
        if (
            pairing.carer.startswith("rk")
            and pairing.ends_on is None
            and child.class_key != head_key
            and planner.by_key[child.class_key].school == demo_school
        ):
            noted_on = max(planner.today - datetime.timedelta(days=12), pairing.starts_on)
            head = planner.by_key[child.class_key].teacher_username
            planner.signal(
                pairing.child,
                noted_on,
                author=head,
                assignee=pairing.carer,
                kind=SignalKind.LATE_OR_EARLY.value,
            )
            planner.script["leader"] = [pairing.child]
            break


def _noted_on(planner: "Planner", i: int, *, days_ago: int) -> datetime.date:
    """`days_ago` days before today, or the first day the child's proxy parent held them."""
    starts_on = min(p.starts_on for p in planner.segments[i] if p.ends_on is None)
    return max(planner.today - datetime.timedelta(days=days_ago), starts_on)


def _span(
    planner: "Planner", term: TermData, low: int, high: int
) -> tuple[datetime.date, datetime.date] | None:
    """Days `low` to `high` after the start of term, inside the term and the window."""
    first = max(term[3] + datetime.timedelta(days=low), planner.window.start)
    last = min(term[3] + datetime.timedelta(days=high), term[4], planner.yesterday)
    return (first, last) if first <= last else None


def group_work(planner: "Planner") -> None:
    """Letters, symposia, guardian trainings and health checks of each term in the window."""
    rng = planner.draw.rng
    for term in planner.window.terms:
        if term[3] > planner.today:
            continue
        members: dict[str, list[int]] = defaultdict(list)
        for i, child in enumerate(planner.children):
            key = planner.class_on(child, term[3] + datetime.timedelta(days=20))
            if key is not None and (
                planner.now_lb[i] if term[3] >= planner.calendar.year_start else planner.then_lb[i]
            ):
                members[key].append(i)
        for school_class in planner.plan.classes:
            kids = members.get(school_class.key, [])
            head = school_class.teacher_username
            if (days := _span(planner, term, 5, 20)) is not None:
                day = planner.draw.weekday(*days)
                paired = [i for i in kids if planner.held_on(i, day)]
                group = tuple(i for i in paired if rng.random() < LETTER_SHARE)
                if group:
                    planner.add(
                        ActionPlan(
                            ActionKind.PARENT_LETTER.value,
                            day,
                            head,
                            group,
                            data.LETTER_NOTES[0],
                        )
                    )
                later = _span(planner, term, 25, 100)
                for i in paired:
                    if i in group or later is None or rng.random() >= LATE_LETTER_RATE:
                        continue
                    day = planner.draw.day(*later)
                    carer = planner.held_on(i, day)
                    if carer is not None:
                        planner.add(
                            ActionPlan(
                                ActionKind.PARENT_LETTER.value,
                                day,
                                carer,
                                (i,),
                                data.LETTER_NOTES[1],
                            )
                        )
            if (days := _span(planner, term, 30, 90)) is not None:
                day = planner.draw.weekday(*days)
                group = tuple(
                    i for i in kids if planner.held_on(i, day) and rng.random() < SYMPOSIUM_SHARE
                )
                if group:
                    planner.add(
                        ActionPlan(
                            ActionKind.SYMPOSIUM.value,
                            day,
                            head,
                            group,
                            rng.choice(data.SYMPOSIUM_NOTES),
                        )
                    )
        for school in planner.plan.layout.schools:
            kids = [
                i
                for c in planner.plan.classes
                if c.school == school.code
                for i in members.get(c.key, [])
            ]
            author = (
                "leader"
                if school.code == planner.plan.layout.demo_school
                else planner.teachers[school.code][0]
            )
            for _ in range(rng.choice((1, 2))):
                if (days := _span(planner, term, 20, 110)) is None:
                    break
                day = planner.draw.weekday(*days)
                group = tuple(
                    i
                    for i in kids
                    if (guardian := planner.children[i].guardian) is not None
                    and guardian.relation in GRANDPARENTS
                    and rng.random() < TRAINING_SHARE
                )
                if group:
                    planner.add(
                        ActionPlan(
                            ActionKind.GUARDIAN_TRAINING.value,
                            day,
                            author,
                            group,
                            rng.choice(data.TRAINING_NOTES),
                        )
                    )
            if (days := _span(planner, term, 25, 60)) is not None:
                day = planner.draw.weekday(*days)
                group = tuple(i for i in kids if rng.random() < HEALTH_CHECK_SHARE)
                if group:
                    planner.add(
                        ActionPlan(
                            ActionKind.HEALTH_CHECK.value,
                            day,
                            author,
                            group,
                            rng.choice(data.HEALTH_CHECK_NOTES),
                        )
                    )


def counselling(planner: "Planner") -> None:
    """The demo counsellor's sessions with the demo school's children of psychological
    concern: one to three this term, and one the term before for about half (confidential)."""
    rng = planner.draw.rng
    layout = planner.plan.layout
    current = planner.calendar.current
    before = term_before(current)
    this_term = (
        max(current[3] + datetime.timedelta(days=14), planner.window.start),
        min(current[4], planner.yesterday),
    )
    spring = (
        max(before[3] + datetime.timedelta(days=14), planner.window.start),
        min(before[4], planner.yesterday),
    )
    for i, child in enumerate(planner.children):
        if Flag.PSYCH_CONCERN not in child.flags:
            continue
        if child.left_on is None and planner.by_key[child.class_key].school == layout.demo_school:
            if this_term[0] <= this_term[1]:
                days = sorted(planner.draw.weekday(*this_term) for _ in range(rng.randint(1, 3)))
                for n, day in enumerate(days):
                    note = (
                        data.COUNSELLING_NOTES[-1] if n else rng.choice(data.COUNSELLING_NOTES[:-1])
                    )
                    follow_up = day + datetime.timedelta(days=14) if n + 1 < len(days) else None
                    planner.add(
                        ActionPlan(
                            ActionKind.COUNSELLING.value,
                            day,
                            "counsellor",
                            (i,),
                            note,
                            follow_up,
                        )
                    )
        then = planner.class_on(child, before[3])
        if (
            then
            and planner.by_key[then].school == layout.demo_school
            and spring[0] <= spring[1]
            and rng.random() < 0.5
        ):
            day = planner.draw.weekday(*spring)
            planner.add(
                ActionPlan(
                    ActionKind.COUNSELLING.value,
                    day,
                    "counsellor",
                    (i,),
                    rng.choice(data.COUNSELLING_NOTES[:-1]),
                )
            )


def buddies(planner: "Planner") -> None:
    """A student buddy (一帮一) for about a third of the paired children from grade 2 up: a
    classmate who is not left-behind, by name."""
    rng = planner.draw.rng
    left_behind_names: dict[str, set[str]] = defaultdict(set)
    for i, child in enumerate(planner.children):
        if child.left_on is None and planner.now_lb[i]:
            left_behind_names[child.class_key].add(child.name)
    for i in sorted(planner.segments):
        child = planner.children[i]
        if (
            child.left_on is not None
            or planner.held_on(i, planner.today) is None
            or planner.by_key[child.class_key].grade < 2
            or rng.random() >= BUDDY_RATE
        ):
            continue
        pool = data.CHILD_GIVEN_MALE if rng.random() < 0.5 else data.CHILD_GIVEN_FEMALE
        name = rng.choice(data.SURNAMES)[0] + rng.choice(pool)
        if name in left_behind_names[child.class_key]:
            continue
        starts_on = planner.current_start(i) + datetime.timedelta(days=rng.randint(0, 20))
        if starts_on <= planner.today:
            planner.buddies.append(BuddyPlan(child=i, name=name, starts_on=starts_on))
