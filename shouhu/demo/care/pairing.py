"""Proxy parents (代理家长, 篇六, 篇十一): this term's, drawn school by school, and last spring's.

Every left-behind or unsupervised child on the register has one. A head teacher takes 1–3
children of the class (the unsupervised first), the school's subject teachers (任课教师) 1–3
each, volunteers about 5% of the children; a few teachers carry none. Last spring's pairings
ended over the summer (a new class, a child who left, parents who came home) unless a subject
teacher of the same school kept the child. A few children were reassigned in October.
"""

import datetime
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from shouhu.demo.care.calendar import ONE_DAY
from shouhu.demo.care.plans import PairingPlan
from shouhu.registry.models import Flag

if TYPE_CHECKING:
    from shouhu.demo.care.planner import Planner

# Loads: how many children a head teacher (of their own class) or a subject teacher takes.
HEAD_LOADS = ((1, 10), (2, 40), (3, 50))
TEACHER_LOADS = ((1, 10), (2, 35), (3, 55))
VOLUNTEER_SHARE = 0.05
IDLE_TEACHER_RATE = 0.3  # schools with one subject teacher who carries no child
REASSIGN_RATE = 0.02  # subject-teacher pairings moved to a colleague in October
CONTINUE_RATE = 0.85  # a subject teacher keeps last spring's child in the same school


def pair_current(planner: "Planner") -> None:
    """This term's proxy parents, school by school (see the module docstring)."""
    layout = planner.plan.layout
    needing: dict[str, list[int]] = defaultdict(list)
    for i in range(len(planner.children)):
        if planner.needs_proxy(i):
            needing[planner.children[i].class_key].append(i)
    for key in needing:  # the unsupervised first (篇十一)
        needing[key].sort(key=lambda i: (Flag.UNSUPERVISED not in planner.children[i].flags, i))
    load: Counter[str] = Counter()
    taken: set[int] = set()

    def pair(i: int, carer: str) -> None:
        planner.pairings.append(
            PairingPlan(child=i, carer=carer, starts_on=planner.current_start(i))
        )
        load[carer] += 1
        taken.add(i)

    for school in layout.schools:
        classes = [c for c in planner.plan.classes if c.school == school.code]
        if school.code == layout.demo_school:
            _pair_demo_accounts(planner, needing, classes, pair, taken)
        for school_class in classes:
            cap = planner.draw.weighted(HEAD_LOADS)
            mine = [i for i in needing[school_class.key] if i not in taken]
            for i in mine[: max(0, cap - load[school_class.teacher_username])]:
                pair(i, school_class.teacher_username)
        rest = [i for c in classes for i in needing[c.key] if i not in taken]
        current: str | None = None
        cap = 0
        for i in rest:
            if planner.draw.rng.random() < VOLUNTEER_SHARE:
                open_volunteers = [
                    v for v in planner.volunteers if load[v] < planner.volunteer_caps[v]
                ]
                pair(i, open_volunteers[0] if open_volunteers else planner.new_volunteer())
                continue
            if current is None or load[current] >= cap:
                current = planner.new_teacher(school.code)
                cap = planner.draw.weighted(TEACHER_LOADS)
            pair(i, current)
        if planner.draw.rng.random() < IDLE_TEACHER_RATE or not planner.teachers[school.code]:
            planner.new_teacher(school.code)
    _reassign(planner, load)


def _pair_demo_accounts(planner: "Planner", needing, classes, pair, taken: set[int]) -> None:
    """teacher: 3 children of head's class; head: 2; counsellor 2 and leader 1 of the demo
    school; volunteer: 2 children of other classes of the demo school. Children already on
    the register last spring, so that each pairing runs from the first day of term."""
    head_key = planner.plan.head_class_key

    def candidates(keys, prefer=None) -> list[int]:
        found = [
            i
            for key in keys
            for i in needing[key]
            if planner.children[i].previous_class_key and i not in taken
        ]
        if prefer is not None:
            found.sort(key=lambda i: (not prefer(planner.children[i]), i))
        return found

    own = candidates([head_key], prefer=lambda c: Flag.UNSUPERVISED not in c.flags)
    if len(own) >= 3:
        planner.script["teacher"] = own[:3]
    for i in own[:3]:
        pair(i, "teacher")
    for i in own[3:5]:
        pair(i, "head")
    others = [c.key for c in classes if c.key != head_key]
    for i in candidates(others, prefer=lambda c: Flag.PSYCH_CONCERN in c.flags)[:2]:
        pair(i, "counsellor")
    rest = candidates(others)
    for i in rest[:1]:
        pair(i, "leader")
    for i in planner.draw.rng.sample(rest[1:], k=min(2, len(rest[1:]))):
        pair(i, "volunteer")


def _reassign(planner: "Planner", load: Counter[str]) -> None:
    """A few subject teachers hand a child to a colleague in October; the old pairing ends
    the day before and stays in the history."""
    rng = planner.draw.rng
    for pairing in list(planner.pairings):
        if not pairing.carer.startswith("rk") or rng.random() >= REASSIGN_RATE:
            continue
        school = planner.by_key[planner.children[pairing.child].class_key].school
        others = [t for t in planner.teachers[school] if t != pairing.carer and load[t] < 3]
        day = datetime.date(planner.calendar.year_start.year, 10, rng.randint(8, 28))
        if not others or day >= planner.today or day <= pairing.starts_on:
            continue
        successor = rng.choice(others)
        pairing.ends_on = day - ONE_DAY
        load[pairing.carer] -= 1
        load[successor] += 1
        planner.pairings.append(PairingPlan(child=pairing.child, carer=successor, starts_on=day))


def pair_last_spring(planner: "Planner") -> None:
    """Last spring's proxy parents, when the window reaches back before this school year."""
    term_start = planner.calendar.year_start
    if planner.window.start >= term_start:
        return
    summer_end = term_start - ONE_DAY
    spring_load: Counter[str] = Counter()
    head_caps: dict[str, int] = {}
    first_current: dict[int, PairingPlan] = {}
    for pairing in planner.pairings:
        first_current.setdefault(pairing.child, pairing)
    for school_class in planner.plan.classes:
        head_caps[school_class.key] = planner.draw.weighted(HEAD_LOADS)
    spring = [i for i in range(len(planner.children)) if planner.then_lb[i]]
    spring.sort(
        key=lambda i: (
            planner.children[i].previous_class_key,
            Flag.UNSUPERVISED not in planner.children[i].flags,
            i,
        )
    )
    for i in spring:
        child = planner.children[i]
        assert child.previous_class_key is not None  # then_lb says it was here
        then_class = planner.by_key[child.previous_class_key]
        starts_on = max(planner.window.start, planner.registered[i])
        now = first_current.get(i)
        if (
            now is not None
            and now.carer in planner.teachers[then_class.school]
            and spring_load[now.carer] < 3
            and planner.draw.rng.random() < CONTINUE_RATE
        ):
            now.starts_on = starts_on
            spring_load[now.carer] += 1
            continue
        head = then_class.teacher_username
        if spring_load[head] < head_caps[then_class.key]:
            carer = head
        else:
            free = [t for t in planner.teachers[then_class.school] if spring_load[t] < 3]
            carer = free[0] if free else planner.new_teacher(then_class.school)
        spring_load[carer] += 1
        ends_on = child.left_on if child.left_on is not None else summer_end
        planner.pairings.append(
            PairingPlan(child=i, carer=carer, starts_on=starts_on, ends_on=ends_on)
        )
