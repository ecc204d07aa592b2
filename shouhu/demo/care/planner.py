"""The care work of a planned county, drawn as plain data before anything touches the database.

`care_plan(plan, seed=…, months=…)` is a pure function of the county plan and its calendar: the
same arguments always give the same proxy parents, buddies, exemptions, care actions and
signals, dated up to the day before the calendar's day.
`shouhu.demo.care.record` writes it. What it draws, from the reports:

- **Proxy parents (代理家长, 篇六, 篇十一).** Every left-behind or unsupervised child on the
  register has one. A head teacher takes 1–3 children of the class (the unsupervised first), the
  school's subject teachers (任课教师) 1–3 each, volunteers (志愿者) about 5% of the children; a
  few teachers of a school carry none. Last spring's pairings are kept when the window reaches
  back to them: most ended over the summer (a new class, a child who left, parents who came
  home), some go on. A few children were reassigned in October.
- **The quotas (三个一, 篇十)** are done at 75–90%: each carer has a diligence, most between 0.8
  and 0.97, some well below. The running month is partly done; a child in hospital is exempt.
- **Signals (五必访)** create home-visit tasks, nearly all closed by a linked home visit within
  days; a few recent ones are open, and a few were forgotten long enough to escalate.
- **Group work**: a letter to parents at the start of each term (by class), a symposium per
  class per term, guardian trainings and a health check per school per term, and counselling
  sessions by the demo counsellor for the children with a psychological concern.
- **The demo accounts' children** follow a script: `teacher` has a child whose home visit was
  missed last month and not yet done this month, an open task, and a task overdue long enough
  to reach `head`; a task of the demo school is overdue long enough to reach `leader`.
"""

import datetime
import random
from collections import defaultdict

from shouhu.care.models import ActionKind, SignalKind
from shouhu.care.models import held as held_on
from shouhu.demo import data
from shouhu.demo.care.calendar import ONE_DAY, Month, Window, care_window
from shouhu.demo.care.pairing import pair_current, pair_last_spring
from shouhu.demo.care.plans import (
    ActionPlan,
    BuddyPlan,
    CarePlan,
    ExemptionPlan,
    PairingPlan,
    SignalPlan,
    StaffPlan,
)
from shouhu.demo.care.work import (
    buddies,
    counselling,
    exempt,
    group_work,
    quota_work,
    script_demo,
)
from shouhu.demo.plan import ChildPlan, CountyPlan
from shouhu.registry.models import Flag

# Diligence of a carer: the share of the monthly quotas they do (三个一 done at 75–90%).
DILIGENCE = (((0.82, 0.97), 70), ((0.65, 0.82), 20), ((0.35, 0.6), 10))
FOLLOW_UP_RATE = 0.1
SIGNAL_KINDS = (
    (SignalKind.BAD_MOOD.value, 30),
    (SignalKind.UNWELL.value, 20),
    (SignalKind.GRADES_DROPPED.value, 25),
    (SignalKind.LATE_OR_EARLY.value, 15),
    (SignalKind.QUARREL.value, 10),
)


class _Draw:
    """The seeded choices of the care plan (its own stream: the county plan is not disturbed)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"{seed}-care")

    def weighted(self, pairs):
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randrange((last - first).days + 1))

    def weekday(self, first: datetime.date, last: datetime.date) -> datetime.date:
        """A school day (Monday to Friday) between the two, or the first day if there is none."""
        day = self.day(first, last)
        while day.weekday() >= 5 and day > first:
            day -= ONE_DAY
        return day

    def diligence(self) -> float:
        low, high = self.weighted(DILIGENCE)
        return round(self.rng.uniform(low, high), 3)


class Planner:
    """What the care plan has drawn so far, and the small steps the parts share. The parts
    themselves are functions of `shouhu.demo.care.pairing` and `shouhu.demo.care.work`."""

    def __init__(
        self,
        plan: CountyPlan,
        *,
        seed: int,
        window: Window,
        due_days: int,
        register_began: datetime.date | None,
    ) -> None:
        self.plan = plan
        self.draw = _Draw(seed)
        self.window = window
        self.calendar = plan.calendar
        self.today = window.today
        self.yesterday = plan.calendar.yesterday  # the last day of care work
        self.due_days = due_days
        self.by_key = plan.class_by_key()
        self.children = plan.children
        self.now_lb = [c.left_behind(previous=False, calendar=self.calendar) for c in plan.children]
        self.then_lb = [
            bool(c.previous_class_key) and c.left_behind(previous=True, calendar=self.calendar)
            for c in plan.children
        ]
        self.registered = [
            plan.registered_on(c, register_began=register_began) for c in plan.children
        ]
        self.staff: list[StaffPlan] = []
        self.teachers: dict[str, list[str]] = defaultdict(list)  # school → subject teachers
        self.diligence: dict[str, float] = {}
        self.pairings: list[PairingPlan] = []
        self.actions: list[ActionPlan] = []
        self.signals: list[SignalPlan] = []
        self.exemptions: list[ExemptionPlan] = []
        self.buddies: list[BuddyPlan] = []
        self.script: dict[str, list[int]] = {}
        self.volunteers: list[str] = []
        self.volunteer_caps: dict[str, int] = {}
        self.segments: dict[int, list[PairingPlan]] = {}

    def index_segments(self) -> None:
        """Each child's pairings, once they are all drawn."""
        segments: dict[int, list[PairingPlan]] = defaultdict(list)
        for pairing in self.pairings:
            segments[pairing.child].append(pairing)
        self.segments = dict(segments)

    def carer_diligence(self, username: str) -> float:
        if username not in self.diligence:
            self.diligence[username] = self.draw.diligence()
        return self.diligence[username]

    def new_teacher(self, school: str) -> str:
        rng = self.draw.rng
        username = f"rk{school}-{len(self.teachers[school]) + 1:02d}"
        name = self.draw.rng.choice(data.SURNAMES)[0] + rng.choice(
            data.PARENT_GIVEN_FEMALE if rng.random() < 0.6 else data.PARENT_GIVEN_MALE
        )
        self.staff.append(StaffPlan(username=username, name=name, role="teacher", school=school))
        self.teachers[school].append(username)
        return username

    def new_volunteer(self) -> str:
        rng = self.draw.rng
        username = f"zy{len(self.volunteers) + 1:03d}"
        name = rng.choice(data.SURNAMES)[0] + rng.choice(data.ELDER_GIVEN_FEMALE)
        self.staff.append(StaffPlan(username=username, name=name, role="volunteer", school=None))
        self.volunteers.append(username)
        self.volunteer_caps[username] = rng.choice((1, 2, 2, 3))
        return username

    def needs_proxy(self, i: int) -> bool:
        child = self.children[i]
        return child.left_on is None and (self.now_lb[i] or Flag.UNSUPERVISED in child.flags)

    def current_start(self, i: int) -> datetime.date:
        """From the start of the school year for a child already on the register, else the
        census day."""
        return max(self.calendar.year_start, self.registered[i])

    def class_on(self, child: ChildPlan, day: datetime.date) -> str | None:
        """The class the child sat in on the day: last school year's before this one."""
        if day >= self.calendar.year_start:
            return child.class_key if child.left_on is None or child.left_on > day else None
        return child.previous_class_key

    def head_of(self, child: ChildPlan, day: datetime.date) -> str:
        key = self.class_on(child, day) or child.class_key
        return self.by_key[key].teacher_username

    def scripted(self) -> set[int]:
        """Children whose proxy-parent work this term follows `script_demo`."""
        return set(self.script.get("teacher", []))

    def add(self, action: ActionPlan) -> int:
        self.actions.append(action)
        return len(self.actions) - 1

    def owed_months(
        self, i: int, segments: list[PairingPlan], exemptions: list[ExemptionPlan]
    ) -> list[tuple[Month, str]]:
        """The school months a proxy parent held from their first day, with the child still on
        the register at their end (rules.period_owed), less those an exemption touches."""
        child = self.children[i]
        result = []
        for month in self.window.months:
            if month.school_from is None or (
                child.left_on is not None and child.left_on <= month.end
            ):
                continue
            held = [
                p
                for p in segments
                if held_on(starts_on=p.starts_on, ends_on=p.ends_on, day=month.start)
            ]
            if not held:
                continue
            if any(e.starts_on <= month.end and e.ends_on >= month.start for e in exemptions):
                continue
            result.append((month, max(held, key=lambda p: p.starts_on).carer))
        return result

    def work_days(self, month: Month) -> tuple[datetime.date, datetime.date] | None:
        assert month.school_from is not None and month.school_to is not None
        last = min(month.school_to, self.yesterday)
        return (month.school_from, last) if month.school_from <= last else None

    def visit(self, i: int, carer: str, day: datetime.date, *, note: str | None = None) -> int:
        rng = self.draw.rng
        follow_up = day + datetime.timedelta(days=14) if rng.random() < FOLLOW_UP_RATE else None
        summary = note or rng.choice(data.HOME_VISIT_NOTES)
        return self.add(
            ActionPlan(ActionKind.HOME_VISIT.value, day, carer, (i,), summary, follow_up)
        )

    def call(self, i: int, carer: str, day: datetime.date) -> int:
        note = self.draw.rng.choice(data.PARENT_CALL_NOTES)
        return self.add(ActionPlan(ActionKind.PARENT_CALL.value, day, carer, (i,), note))

    def signal(
        self,
        i: int,
        noted_on: datetime.date,
        *,
        author: str,
        assignee: str,
        kind: str | None = None,
    ) -> SignalPlan:
        rng = self.draw.rng
        kind = kind or self.draw.weighted(SIGNAL_KINDS)
        signal = SignalPlan(
            child=i,
            kind=kind,
            noted_on=noted_on,
            note=rng.choice(data.SIGNAL_NOTES[kind]),
            author=author,
            assignee=assignee,
            due_on=noted_on + datetime.timedelta(days=self.due_days),
        )
        self.signals.append(signal)
        return signal

    def held_on(self, i: int, day: datetime.date) -> str | None:
        """The proxy parent on the day, if any."""
        held = [
            p
            for p in self.segments.get(i, [])
            if held_on(starts_on=p.starts_on, ends_on=p.ends_on, day=day)
        ]
        return max(held, key=lambda p: p.starts_on).carer if held else None


def care_plan(
    plan: CountyPlan,
    *,
    seed: int = data.DEFAULT_SEED,
    months: int | None = None,
    due_days: int = 3,
    register_began: datetime.date | None = None,
) -> CarePlan:
    """Plan the county's care work over `months` months up to the plan's day (by default the
    calendar's `care_months`: from the start of the term before the current one).

    `due_days` is the days a home-visit task is due in (SHOUHU_TASK_DUE_DAYS);
    `register_began` is what the county's registration used (see `CountyPlan.registered_on`).

    1. This term's proxy parents, the demo accounts' first; a few reassigned in October.
    2. Last spring's proxy parents, when the window reaches back before this term.
    3. Exemptions (a child in hospital).
    4. Per child and owed month: signals and the visits that close them, the quotas, talks
       and family-phone calls.
    5. The demo accounts' scripted children.
    6. Letters, symposia, guardian trainings, health checks; counselling; buddies.
    """
    window = care_window(calendar=plan.calendar, months=months or plan.calendar.care_months)
    planner = Planner(
        plan, seed=seed, window=window, due_days=due_days, register_began=register_began
    )
    pair_current(planner)
    pair_last_spring(planner)
    planner.index_segments()
    exemptions = exempt(planner)
    quota_work(planner, exemptions)
    script_demo(planner)
    group_work(planner)
    counselling(planner)
    buddies(planner)
    return CarePlan(
        window=window,
        staff=planner.staff,
        pairings=planner.pairings,
        buddies=planner.buddies,
        exemptions=planner.exemptions,
        actions=planner.actions,
        signals=planner.signals,
        script=planner.script,
    )
