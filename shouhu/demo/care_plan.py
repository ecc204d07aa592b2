"""The care work of a planned county, drawn as plain data before anything touches the database.

`care_plan(plan, seed=…, today=…, months=…)` is a pure function of the county plan: the same
arguments always give the same proxy parents, buddies, exemptions, care actions and signals.
`shouhu.demo.care_record` writes it. What it draws, from the reports:

- **Proxy parents (代理家长, 篇六, 篇十一).** Every left-behind or unsupervised child on the
  register has one. A head teacher takes 1–3 children of the class (the unsupervised first), the
  school's subject teachers (任课教师) 1–3 each, volunteers (志愿者) about 3% of the children; a
  few teachers of a school carry none. Last spring's pairings are kept: most ended over the
  summer (a new class, a child who left, parents who came home), some go on. A few children were
  reassigned in October.
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
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from shouhu.care.models import ActionKind, PairingKind, SignalKind
from shouhu.demo import data
from shouhu.demo.plan import ChildPlan, CountyPlan
from shouhu.registry.models import Flag

ONE_DAY = datetime.timedelta(days=1)
TermData = tuple[str, int, int, datetime.date, datetime.date]  # as data.CURRENT_TERM

# Loads: how many children a head teacher (of their own class) or a subject teacher takes.
HEAD_LOADS = ((1, 15), (2, 45), (3, 40))
TEACHER_LOADS = ((1, 20), (2, 45), (3, 35))
VOLUNTEER_SHARE = 0.03
IDLE_TEACHER_RATE = 0.3  # schools with one subject teacher who carries no child
REASSIGN_RATE = 0.02  # subject-teacher pairings moved to a colleague in October
CONTINUE_RATE = 0.85  # a subject teacher keeps last spring's child in the same school
# Diligence of a carer: the share of the monthly quotas they do (三个一 done at 75–90%).
DILIGENCE = (((0.82, 0.97), 70), ((0.65, 0.82), 20), ((0.35, 0.6), 10))
RUNNING_MONTH = 0.8  # the running month is only partly done yet
CALL_BONUS = 0.06  # a call is easier than a visit
TALK_RATE = 0.2  # talks with the child (谈心) a month
FAMILY_CALL_RATE = 0.1  # calls home from the school's family phone (亲情电话) a month
FOLLOW_UP_RATE = 0.1
SIGNAL_RATE = 0.025  # signals (五必访) per child and month
FORGOTTEN_RATE = 0.015  # tasks of the last month never closed
RECENT_CLOSED_RATE = 0.4  # tasks not yet due that are already done
EXEMPTION_RATE = 0.006
LETTER_SHARE = 0.9  # children reached by the class letter at the start of term
LATE_LETTER_RATE = 0.4  # of the others, reached by their proxy parent's own letter later
SYMPOSIUM_SHARE = 0.85
TRAINING_SHARE = 0.6
HEALTH_CHECK_SHARE = 0.95
BUDDY_RATE = 0.3
GRANDPARENTS = {"祖母", "祖父", "外祖母", "外祖父"}
SIGNAL_KINDS = (
    (SignalKind.BAD_MOOD.value, 30),
    (SignalKind.UNWELL.value, 20),
    (SignalKind.GRADES_DROPPED.value, 25),
    (SignalKind.LATE_OR_EARLY.value, 15),
    (SignalKind.QUARREL.value, 10),
)
CLOSING_DELAY = (0, 1, 1, 2, 2, 2, 3, 3, 4, 5)  # days from the signal to the visit


@dataclass(frozen=True)
class Month:
    """A calendar month of the window, with the days of it that fall in a term (if any)."""

    start: datetime.date
    end: datetime.date
    school_from: datetime.date | None  # first and last day within a term; None in a holiday
    school_to: datetime.date | None

    @property
    def key(self) -> str:
        return f"{self.start.year:04d}-{self.start.month:02d}"


@dataclass(frozen=True)
class Window:
    """The months of care work up to `today`, and the terms they touch (oldest first)."""

    today: datetime.date
    months: tuple[Month, ...]
    terms: tuple[TermData, ...]

    @property
    def start(self) -> datetime.date:
        return self.months[0].start

    def month_of(self, day: datetime.date) -> Month | None:
        key = f"{day.year:04d}-{day.month:02d}"
        return next((m for m in self.months if m.key == key), None)


@dataclass(frozen=True, slots=True)
class StaffPlan:
    """An account the care work needs besides the demo accounts and head teachers."""

    username: str
    name: str
    role: str  # accounts Role value: teacher or volunteer
    school: str | None  # school code; None for a volunteer


@dataclass(slots=True)
class PairingPlan:
    child: int  # index into CountyPlan.children
    carer: str  # username
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    kind: str = PairingKind.PROXY_PARENT.value


@dataclass(frozen=True, slots=True)
class BuddyPlan:
    child: int
    name: str
    starts_on: datetime.date


@dataclass(frozen=True, slots=True)
class ExemptionPlan:
    child: int
    starts_on: datetime.date
    ends_on: datetime.date
    reason: str
    granted_by: str


@dataclass(slots=True)
class ActionPlan:
    kind: str
    done_on: datetime.date
    author: str
    children: tuple[int, ...]
    summary: str
    follow_up_on: datetime.date | None = None


@dataclass(slots=True)
class SignalPlan:
    """An observation (五必访) and its home-visit task; `visit` closed it (index into actions)."""

    child: int
    kind: str
    noted_on: datetime.date
    note: str
    author: str
    assignee: str
    due_on: datetime.date
    visit: int | None = None


@dataclass
class CarePlan:
    window: Window
    staff: list[StaffPlan]
    pairings: list[PairingPlan]
    buddies: list[BuddyPlan]
    exemptions: list[ExemptionPlan]
    actions: list[ActionPlan]
    signals: list[SignalPlan]
    # The demo accounts' scripted children (indexes): teacher's three, the leader's escalation.
    script: dict[str, list[int]] = field(default_factory=dict)


# --- the window -------------------------------------------------------------------------------


def terms_since(day: datetime.date) -> tuple[TermData, ...]:
    """The terms from the one running on `day` (or the next) to this autumn's, oldest first.

    Before last spring the calendar is the demo's: autumn 1 Sep – 20 Jan, spring 1 Mar – 10 Jul.
    """
    terms: list[TermData] = [data.PREVIOUS_TERM, data.CURRENT_TERM]
    while terms[0][3] > day:
        code, year, semester, starts_on, _ends_on = terms[0]
        if semester == 2:  # the autumn before a spring term
            earlier = (
                f"{year}-{year + 1}-1",
                year,
                1,
                datetime.date(year, 9, 1),
                datetime.date(year + 1, 1, 20),
            )
        else:  # the spring before an autumn term
            earlier = (
                f"{year - 1}-{year}-2",
                year - 1,
                2,
                datetime.date(year, 3, 1),
                datetime.date(year, 7, 10),
            )
        terms.insert(0, earlier)
    return tuple(t for t in terms if t[4] >= day)


def care_window(*, today: datetime.date, months: int) -> Window:
    """The `months` calendar months that end with today's, and the terms they touch."""
    if months < 1:
        raise ValueError("months must be at least 1")
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    first = datetime.date(year, month, 1)
    terms = terms_since(first)
    result = []
    start = first
    while start <= today:
        end = (start + datetime.timedelta(days=32)).replace(day=1) - ONE_DAY
        school_from = school_to = None
        for term in terms:
            if term[3] <= end and start <= term[4]:
                school_from = max(start, term[3]) if school_from is None else school_from
                school_to = min(end, term[4])
        result.append(Month(start=start, end=end, school_from=school_from, school_to=school_to))
        start = end + ONE_DAY
    return Window(today=today, months=tuple(result), terms=terms)


# --- the plan ---------------------------------------------------------------------------------


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


class _Planner:
    """Builds a CarePlan; one method per part, called in a fixed order."""

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
        self.today = window.today
        self.due_days = due_days
        self.by_key = plan.class_by_key()
        self.children = plan.children
        self.now_lb = [c.left_behind(previous=False) for c in plan.children]
        self.then_lb = [
            bool(c.previous_class_key) and c.left_behind(previous=True) for c in plan.children
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

    # --- accounts ---

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
        self.volunteer_caps[username] = rng.choice((1, 2, 2))
        return username

    # --- pairings ---

    def needs_proxy(self, i: int) -> bool:
        child = self.children[i]
        return child.left_on is None and (self.now_lb[i] or Flag.UNSUPERVISED in child.flags)

    def current_start(self, i: int) -> datetime.date:
        """From the start of term for a child already on the register, else the census day."""
        return max(data.PAIRINGS_START, self.registered[i])

    def pair_current(self) -> None:
        """This term's proxy parents, school by school (see the module docstring)."""
        layout = self.plan.layout
        needing: dict[str, list[int]] = defaultdict(list)
        for i in range(len(self.children)):
            if self.needs_proxy(i):
                needing[self.children[i].class_key].append(i)
        for key in needing:  # the unsupervised first (篇十一)
            needing[key].sort(key=lambda i: (Flag.UNSUPERVISED not in self.children[i].flags, i))
        load: Counter[str] = Counter()
        taken: set[int] = set()

        def pair(i: int, carer: str) -> None:
            self.pairings.append(PairingPlan(child=i, carer=carer, starts_on=self.current_start(i)))
            load[carer] += 1
            taken.add(i)

        for school in layout.schools:
            classes = [c for c in self.plan.classes if c.school == school.code]
            if school.code == layout.demo_school:
                self.pair_demo_accounts(needing, classes, pair)
            for school_class in classes:
                cap = self.draw.weighted(HEAD_LOADS)
                mine = [i for i in needing[school_class.key] if i not in taken]
                for i in mine[: max(0, cap - load[school_class.teacher_username])]:
                    pair(i, school_class.teacher_username)
            rest = [i for c in classes for i in needing[c.key] if i not in taken]
            current: str | None = None
            cap = 0
            for i in rest:
                if self.draw.rng.random() < VOLUNTEER_SHARE:
                    open_volunteers = [
                        v for v in self.volunteers if load[v] < self.volunteer_caps[v]
                    ]
                    pair(i, open_volunteers[0] if open_volunteers else self.new_volunteer())
                    continue
                if current is None or load[current] >= cap:
                    current = self.new_teacher(school.code)
                    cap = self.draw.weighted(TEACHER_LOADS)
                pair(i, current)
            if self.draw.rng.random() < IDLE_TEACHER_RATE or not self.teachers[school.code]:
                self.new_teacher(school.code)
        self.reassign(load)

    def pair_demo_accounts(self, needing, classes, pair) -> None:
        """teacher: 3 children of head's class; head: 2; counsellor 2 and leader 1 of the demo
        school; volunteer: 2 children of other classes of the demo school. Children already on
        the register last spring, so that each pairing runs from the first day of term."""
        head_key = self.plan.head_class_key

        def candidates(keys, prefer=None) -> list[int]:
            found = [
                i
                for key in keys
                for i in needing[key]
                if self.children[i].previous_class_key
                and not any(p.child == i for p in self.pairings)
            ]
            if prefer is not None:
                found.sort(key=lambda i: (not prefer(self.children[i]), i))
            return found

        not_unsupervised = lambda c: Flag.UNSUPERVISED not in c.flags  # noqa: E731
        own = candidates([head_key], prefer=not_unsupervised)
        self.script["teacher"] = own[:3]
        for i in own[:3]:
            pair(i, "teacher")
        for i in own[3:5]:
            pair(i, "head")
        others = [c.key for c in classes if c.key != head_key]
        psych = candidates(others, prefer=lambda c: Flag.PSYCH_CONCERN in c.flags)
        for i in psych[:2]:
            pair(i, "counsellor")
        rest = candidates(others)
        pair(rest[0], "leader")
        for i in self.draw.rng.sample(rest[1:], k=min(2, len(rest) - 1)):
            pair(i, "volunteer")

    def reassign(self, load: Counter[str]) -> None:
        """A few subject teachers hand a child to a colleague in October; the old pairing ends
        the day before and stays in the history."""
        rng = self.draw.rng
        for pairing in list(self.pairings):
            if not pairing.carer.startswith("rk") or rng.random() >= REASSIGN_RATE:
                continue
            school = self.by_key[self.children[pairing.child].class_key].school
            others = [t for t in self.teachers[school] if t != pairing.carer and load[t] < 3]
            day = datetime.date(data.CURRENT_TERM[1], 10, rng.randint(8, 28))
            if not others or day >= self.today or day <= pairing.starts_on:
                continue
            successor = rng.choice(others)
            pairing.ends_on = day - ONE_DAY
            load[pairing.carer] -= 1
            load[successor] += 1
            self.pairings.append(PairingPlan(child=pairing.child, carer=successor, starts_on=day))

    def pair_last_spring(self) -> None:
        """Last spring's proxy parents, when the window reaches back before this term."""
        term_start = data.CURRENT_TERM[3]
        if self.window.start >= term_start:
            return
        summer_end = term_start - ONE_DAY
        spring_load: Counter[str] = Counter()
        head_caps: dict[str, int] = {}
        first_current: dict[int, PairingPlan] = {}
        for pairing in self.pairings:
            first_current.setdefault(pairing.child, pairing)
        for school_class in self.plan.classes:
            head_caps[school_class.key] = self.draw.weighted(HEAD_LOADS)
        spring = [i for i in range(len(self.children)) if self.then_lb[i]]
        spring.sort(
            key=lambda i: (
                self.children[i].previous_class_key,
                Flag.UNSUPERVISED not in self.children[i].flags,
                i,
            )
        )
        for i in spring:
            child = self.children[i]
            then_class = self.by_key[child.previous_class_key]
            starts_on = max(self.window.start, self.registered[i])
            now = first_current.get(i)
            if (
                now is not None
                and now.carer in self.teachers[then_class.school]
                and spring_load[now.carer] < 3
                and self.draw.rng.random() < CONTINUE_RATE
            ):
                now.starts_on = starts_on
                spring_load[now.carer] += 1
                continue
            head = then_class.teacher_username
            if spring_load[head] < head_caps[then_class.key]:
                carer = head
            else:
                free = [t for t in self.teachers[then_class.school] if spring_load[t] < 3]
                carer = free[0] if free else self.new_teacher(then_class.school)
            spring_load[carer] += 1
            ends_on = child.left_on if child.left_on is not None else summer_end
            self.pairings.append(
                PairingPlan(child=i, carer=carer, starts_on=starts_on, ends_on=ends_on)
            )

    # --- the work ---

    def class_on(self, child: ChildPlan, day: datetime.date) -> str | None:
        """The class the child sat in on the day: last school year's before this term."""
        if day >= data.CURRENT_TERM[3]:
            return child.class_key if child.left_on is None or child.left_on > day else None
        return child.previous_class_key

    def head_of(self, child: ChildPlan, day: datetime.date) -> str:
        key = self.class_on(child, day) or child.class_key
        return self.by_key[key].teacher_username

    def exempt(self) -> dict[int, list[ExemptionPlan]]:
        """A few children in hospital or ill at home for weeks, excused by the head teacher."""
        rng = self.draw.rng
        months = [m for m in self.window.months if m.school_from is not None and m.end < self.today]
        by_child: dict[int, list[ExemptionPlan]] = defaultdict(list)
        paired = sorted({p.child for p in self.pairings})
        for i in paired:
            if not months or rng.random() >= EXEMPTION_RATE or i in self.scripted():
                continue
            month = rng.choice(months)
            starts_on = self.draw.day(month.school_from, month.school_to)
            ends_on = min(starts_on + datetime.timedelta(days=rng.randint(14, 40)), self.today)
            child = self.children[i]
            if self.class_on(child, starts_on) is None:
                continue
            exemption = ExemptionPlan(
                child=i,
                starts_on=starts_on,
                ends_on=ends_on,
                reason=rng.choice(data.EXEMPTION_REASONS),
                granted_by=self.head_of(child, starts_on),
            )
            self.exemptions.append(exemption)
            by_child[i].append(exemption)
        return by_child

    def scripted(self) -> set[int]:
        """Children whose proxy-parent work this term follows `script_demo`."""
        return set(self.script.get("teacher", []))

    def add(self, action: ActionPlan) -> int:
        self.actions.append(action)
        return len(self.actions) - 1

    def quota_work(self, exempt: dict[int, list[ExemptionPlan]]) -> None:
        """Per child and owed month: signals and the visits that close them, the home visit,
        the call to a parent, talks and family-phone calls."""
        scripted = self.scripted()
        for i in sorted(self.segments):
            owed = self.owed_months(i, self.segments[i], exempt.get(i, []))
            if i in scripted:  # last spring's work only; this term's is the script's
                owed = [(month, carer) for month, carer in owed if carer != "teacher"]
                for month, carer in owed:
                    self.month_work(i, month, carer, visited=False)
                continue
            visited = self.child_signals(i, owed)
            for month, carer in owed:
                self.month_work(i, month, carer, visited=month.key in visited)

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
                if p.starts_on <= month.start and (p.ends_on is None or p.ends_on >= month.start)
            ]
            if not held:
                continue
            if any(e.starts_on <= month.end and e.ends_on >= month.start for e in exemptions):
                continue
            result.append((month, max(held, key=lambda p: p.starts_on).carer))
        return result

    def work_days(self, month: Month) -> tuple[datetime.date, datetime.date] | None:
        assert month.school_from is not None and month.school_to is not None
        last = min(month.school_to, self.today)
        return (month.school_from, last) if month.school_from <= last else None

    def month_work(self, i: int, month: Month, carer: str, *, visited: bool) -> None:
        rng = self.draw.rng
        days = self.work_days(month)
        if days is None:
            return
        p = self.carer_diligence(carer) * (RUNNING_MONTH if month.end >= self.today else 1)
        if not visited and rng.random() < p:
            self.visit(i, carer, self.draw.day(*days))
        if rng.random() < min(0.98, p + CALL_BONUS):
            self.call(i, carer, self.draw.day(*days))
        if rng.random() < TALK_RATE:
            day = self.draw.weekday(*days)
            self.add(
                ActionPlan(ActionKind.TALK.value, day, carer, (i,), rng.choice(data.TALK_NOTES))
            )
        if rng.random() < FAMILY_CALL_RATE:
            day = self.draw.weekday(*days)
            note = rng.choice(data.FAMILY_CALL_NOTES)
            self.add(
                ActionPlan(
                    ActionKind.FAMILY_CALL.value,
                    day,
                    self.head_of(self.children[i], day),
                    (i,),
                    note,
                )
            )

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

    def child_signals(self, i: int, owed: list[tuple[Month, str]]) -> set[str]:
        """Signals noticed in the owed months; returns the months a closing visit fell in."""
        rng = self.draw.rng
        visited: set[str] = set()
        for month, carer in owed:
            days = self.work_days(month)
            if days is None or rng.random() >= SIGNAL_RATE:
                continue
            noted_on = self.draw.weekday(*days)
            child = self.children[i]
            author = self.head_of(child, noted_on) if rng.random() < 0.7 else carer
            signal = self.signal(i, noted_on, author=author, assignee=carer)
            due_on = signal.due_on
            if due_on < self.today:
                close = (
                    due_on >= self.today - datetime.timedelta(days=30)
                    and rng.random() < FORGOTTEN_RATE
                )
                close = not close
            else:
                close = rng.random() < RECENT_CLOSED_RATE
            visit_on = noted_on + datetime.timedelta(days=rng.choice(CLOSING_DELAY))
            if close and visit_on <= self.today:
                signal.visit = self.visit(
                    i, carer, visit_on, note=rng.choice(data.TASK_VISIT_NOTES)
                )
                month_of_visit = self.window.month_of(visit_on)
                if month_of_visit is not None:
                    visited.add(month_of_visit.key)
        return visited

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

    def script_demo(self) -> None:
        """The demo accounts' story as of today (see the module docstring).

        teacher's children, paired since the start of term: all done in earlier months, except
        the first child's home visit last month (overdue) and this month (due); the second has
        an open task due in a day or two; the third a task three days overdue, which reaches
        the head teacher. A child of another class of the demo school has a task overdue long
        enough to reach the school leader.
        """
        teacher = self.script.get("teacher", [])
        this = self.window.month_of(self.today)
        if len(teacher) < 3 or this is None:
            return
        t0, t1, t2 = teacher
        for i in teacher:
            for month, carer in self.owed_months(i, self.segments[i], []):
                if carer != "teacher" or month is this:
                    continue
                days = self.work_days(month)
                assert days is not None
                if not (i == t0 and month.end == this.start - ONE_DAY):
                    self.visit(i, carer, self.draw.day(*days))
                self.call(i, carer, self.draw.day(*days))
        self.call(t0, "teacher", this.start + datetime.timedelta(days=4))
        self.visit(t1, "teacher", this.start + datetime.timedelta(days=9))
        self.call(t2, "teacher", this.start + datetime.timedelta(days=6))
        for i, days_ago, kind in (
            (t1, 2, SignalKind.BAD_MOOD.value),
            (t2, 6, SignalKind.GRADES_DROPPED.value),
        ):
            self.signal(
                i,
                self.today - datetime.timedelta(days=days_ago),
                author="head",
                assignee="teacher",
                kind=kind,
            )
        head_key = self.plan.head_class_key
        demo_school = self.plan.layout.demo_school
        for pairing in self.pairings:
            child = self.children[pairing.child]
            if (
                pairing.carer.startswith("rk")
                and pairing.ends_on is None
                and child.class_key != head_key
                and self.by_key[child.class_key].school == demo_school
            ):
                noted_on = self.today - datetime.timedelta(days=12)
                head = self.by_key[child.class_key].teacher_username
                self.signal(
                    pairing.child,
                    noted_on,
                    author=head,
                    assignee=pairing.carer,
                    kind=SignalKind.LATE_OR_EARLY.value,
                )
                self.script["leader"] = [pairing.child]
                break

    # --- group work, counselling, buddies ---

    def held_on(self, i: int, day: datetime.date) -> str | None:
        """The proxy parent on the day, if any."""
        held = [
            p
            for p in self.segments.get(i, [])
            if p.starts_on <= day and (p.ends_on is None or p.ends_on >= day)
        ]
        return max(held, key=lambda p: p.starts_on).carer if held else None

    def span(
        self, term: TermData, low: int, high: int
    ) -> tuple[datetime.date, datetime.date] | None:
        """Days `low` to `high` after the start of term, inside the term and the window."""
        first = max(term[3] + datetime.timedelta(days=low), self.window.start)
        last = min(term[3] + datetime.timedelta(days=high), term[4], self.today)
        return (first, last) if first <= last else None

    def group_work(self) -> None:
        """Letters, symposia, guardian trainings and health checks of each term in the window."""
        rng = self.draw.rng
        for term in self.window.terms:
            if term[3] > self.today:
                continue
            members: dict[str, list[int]] = defaultdict(list)
            for i, child in enumerate(self.children):
                key = self.class_on(child, term[3] + datetime.timedelta(days=20))
                if key is not None and (
                    self.now_lb[i] if term[3] >= data.CURRENT_TERM[3] else self.then_lb[i]
                ):
                    members[key].append(i)
            for school_class in self.plan.classes:
                kids = members.get(school_class.key, [])
                head = school_class.teacher_username
                if (days := self.span(term, 5, 20)) is not None:
                    day = self.draw.weekday(*days)
                    paired = [i for i in kids if self.held_on(i, day)]
                    group = tuple(i for i in paired if rng.random() < LETTER_SHARE)
                    if group:
                        self.add(
                            ActionPlan(
                                ActionKind.PARENT_LETTER.value,
                                day,
                                head,
                                group,
                                data.LETTER_NOTES[0],
                            )
                        )
                    later = self.span(term, 25, 100)
                    for i in paired:
                        if i in group or later is None or rng.random() >= LATE_LETTER_RATE:
                            continue
                        day = self.draw.day(*later)
                        carer = self.held_on(i, day)
                        if carer is not None:
                            self.add(
                                ActionPlan(
                                    ActionKind.PARENT_LETTER.value,
                                    day,
                                    carer,
                                    (i,),
                                    data.LETTER_NOTES[1],
                                )
                            )
                if (days := self.span(term, 30, 90)) is not None:
                    day = self.draw.weekday(*days)
                    group = tuple(
                        i for i in kids if self.held_on(i, day) and rng.random() < SYMPOSIUM_SHARE
                    )
                    if group:
                        self.add(
                            ActionPlan(
                                ActionKind.SYMPOSIUM.value,
                                day,
                                head,
                                group,
                                rng.choice(data.SYMPOSIUM_NOTES),
                            )
                        )
            for school in self.plan.layout.schools:
                kids = [
                    i
                    for c in self.plan.classes
                    if c.school == school.code
                    for i in members.get(c.key, [])
                ]
                author = (
                    "leader"
                    if school.code == self.plan.layout.demo_school
                    else self.teachers[school.code][0]
                )
                for _ in range(rng.choice((1, 2))):
                    if (days := self.span(term, 20, 110)) is None:
                        break
                    day = self.draw.weekday(*days)
                    group = tuple(
                        i
                        for i in kids
                        if (guardian := self.children[i].guardian) is not None
                        and guardian.relation in GRANDPARENTS
                        and rng.random() < TRAINING_SHARE
                    )
                    if group:
                        self.add(
                            ActionPlan(
                                ActionKind.GUARDIAN_TRAINING.value,
                                day,
                                author,
                                group,
                                rng.choice(data.TRAINING_NOTES),
                            )
                        )
                if (days := self.span(term, 25, 60)) is not None:
                    day = self.draw.weekday(*days)
                    group = tuple(i for i in kids if rng.random() < HEALTH_CHECK_SHARE)
                    if group:
                        self.add(
                            ActionPlan(
                                ActionKind.HEALTH_CHECK.value,
                                day,
                                author,
                                group,
                                rng.choice(data.HEALTH_CHECK_NOTES),
                            )
                        )

    def counselling(self) -> None:
        """The demo counsellor's sessions with the demo school's children of psychological
        concern: one to three this term, and one last spring for about half (confidential)."""
        rng = self.draw.rng
        layout = self.plan.layout
        this_term = (
            max(data.CURRENT_TERM[3] + datetime.timedelta(days=14), self.window.start),
            self.today - ONE_DAY,
        )
        spring = (
            max(data.PREVIOUS_TERM[3] + datetime.timedelta(days=14), self.window.start),
            min(data.PREVIOUS_TERM[4], self.today),
        )
        for i, child in enumerate(self.children):
            if Flag.PSYCH_CONCERN not in child.flags:
                continue
            if child.left_on is None and self.by_key[child.class_key].school == layout.demo_school:
                if this_term[0] <= this_term[1]:
                    days = sorted(self.draw.weekday(*this_term) for _ in range(rng.randint(1, 3)))
                    for n, day in enumerate(days):
                        note = (
                            data.COUNSELLING_NOTES[-1]
                            if n
                            else rng.choice(data.COUNSELLING_NOTES[:-1])
                        )
                        follow_up = day + datetime.timedelta(days=14) if n + 1 < len(days) else None
                        self.add(
                            ActionPlan(
                                ActionKind.COUNSELLING.value,
                                day,
                                "counsellor",
                                (i,),
                                note,
                                follow_up,
                            )
                        )
            then = child.previous_class_key
            if (
                then
                and self.by_key[then].school == layout.demo_school
                and spring[0] <= spring[1]
                and rng.random() < 0.5
            ):
                day = self.draw.weekday(*spring)
                self.add(
                    ActionPlan(
                        ActionKind.COUNSELLING.value,
                        day,
                        "counsellor",
                        (i,),
                        rng.choice(data.COUNSELLING_NOTES[:-1]),
                    )
                )

    def buddy(self) -> None:
        """A student buddy (一帮一) for about a third of the paired children from grade 2 up: a
        classmate who is not left-behind, by name."""
        rng = self.draw.rng
        left_behind_names: dict[str, set[str]] = defaultdict(set)
        for i, child in enumerate(self.children):
            if child.left_on is None and self.now_lb[i]:
                left_behind_names[child.class_key].add(child.name)
        for i in sorted(self.segments):
            child = self.children[i]
            if (
                child.left_on is not None
                or self.held_on(i, self.today) is None
                or self.by_key[child.class_key].grade < 2
                or rng.random() >= BUDDY_RATE
            ):
                continue
            pool = data.CHILD_GIVEN_MALE if rng.random() < 0.5 else data.CHILD_GIVEN_FEMALE
            name = rng.choice(data.SURNAMES)[0] + rng.choice(pool)
            if name in left_behind_names[child.class_key]:
                continue
            starts_on = self.current_start(i) + datetime.timedelta(days=rng.randint(0, 20))
            if starts_on <= self.today:
                self.buddies.append(BuddyPlan(child=i, name=name, starts_on=starts_on))


def care_plan(
    plan: CountyPlan,
    *,
    seed: int = data.DEFAULT_SEED,
    today: datetime.date = data.DEMO_TODAY,
    months: int = data.DEMO_CARE_MONTHS,
    due_days: int = 3,
    register_began: datetime.date | None = None,
) -> CarePlan:
    """Plan the county's care work over `months` months up to `today`.

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
    window = care_window(today=today, months=months)
    planner = _Planner(
        plan, seed=seed, window=window, due_days=due_days, register_began=register_began
    )
    planner.pair_current()
    planner.pair_last_spring()
    planner.index_segments()
    exempt = planner.exempt()
    planner.quota_work(exempt)
    planner.script_demo()
    planner.group_work()
    planner.counselling()
    planner.buddy()
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
