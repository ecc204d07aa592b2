"""Reads of the Home (留守儿童之家) for a user: the Home page with its roster, the day's duty,
overdue days, the calls, and the children without a call home for 30 days. Every read of rows
starts from a queryset cut to the user's scope. The counts (`*_count(user, node=…, term=…)`,
registered as figures by `reports.selectors.home`) are figures of the unit: the caller checks
the node, and the number is the same whoever reads it (issue 11, point 1)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.http import Http404
from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.activities.models import DutyDay, DutySwap, FamilyCall, Home, HomeDay
from shouhu.activities.selectors.home_days import duty_teachers_of
from shouhu.core.forms import parse_id
from shouhu.core.roles import Perm
from shouhu.core.scoping import may
from shouhu.core.visibility import family_call_note_readable as note_readable
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.org.selectors import class_filter, school_ids_under
from shouhu.registry.models import CensusSnapshot, Child

Node = Region | School | SchoolClass

# A child who has not called a parent from the Home for this many days is listed (issue 16).
NO_CALL_DAYS = 30


def _today() -> datetime.date:
    return timezone.localdate()


def homes_for(user, node: Node | None = None):
    """The Homes the user sees (under the node), with their school."""
    homes = Home.objects.restrict(user).select_related("school")
    if node is not None:
        homes = homes.filter(school_id__in=school_ids_under(node))
    return homes.order_by("school__code")


def home_get_for(user, home_id) -> Home:
    """A Home by id, or 404 when unknown or outside the user's scope."""
    pk = parse_id(home_id)
    home = homes_for(user).filter(pk=pk).first() if pk is not None else None
    if home is None:
        raise Http404
    return home


def home_of_school_for(user, school: School) -> Home | None:
    return homes_for(user).filter(school=school).first()


# --- the Home's page --------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterRow:
    duty_day: DutyDay
    swapped: bool
    recorded: bool
    overdue: bool

    @property
    def day(self) -> datetime.date:
        return self.duty_day.day


@dataclass
class HomePage:
    home: Home
    term: Term | None
    today: datetime.date
    rows: list[RosterRow] = field(default_factory=list)
    teachers: list[User] = field(default_factory=list)
    today_duty: DutyDay | None = None
    overdue: int = 0
    records: list[HomeDay] = field(default_factory=list)
    bookings: list[FamilyCall] = field(default_factory=list)
    calls: list[FamilyCall] = field(default_factory=list)
    swaps: list[DutySwap] = field(default_factory=list)
    counts: list[tuple[User, int]] = field(default_factory=list)


RECENT = 10


def home_page_for(user, *, home: Home, term: Term | None) -> HomePage:
    """The Home's page: the roster of the term (each day's teacher, swapped or not, recorded or
    overdue), the counts per teacher, today's duty, the latest records, the bookings waiting and
    the latest calls (their notes only where `family_call_note_readable`)."""
    today = _today()
    page = HomePage(home=home, term=term, today=today)
    if term is not None:
        days = list(
            DutyDay.objects.filter(home=home, term=term)
            .select_related("teacher")
            .annotate(n_swaps=Count("swaps"))
            .order_by("day")
        )
        recorded = set(
            HomeDay.objects.filter(home=home, day__in=[d.day for d in days]).values_list(
                "day", flat=True
            )
        )
        page.rows = [
            RosterRow(
                duty_day=d,
                swapped=d.n_swaps > 0,
                recorded=d.day in recorded,
                overdue=d.day < today and d.day not in recorded,
            )
            for d in days
        ]
        page.overdue = sum(r.overdue for r in page.rows)
        page.today_duty = next((d for d in days if d.day == today), None)
        tally: dict[int, int] = {}
        for d in days:
            tally[d.teacher_id] = tally.get(d.teacher_id, 0) + 1
        teachers = list(duty_teachers_of(home.school))
        page.teachers = teachers
        page.counts = [(t, tally.get(t.pk, 0)) for t in teachers]
        page.swaps = list(
            DutySwap.objects.filter(duty_day__home=home, duty_day__term=term)
            .select_related("duty_day", "from_teacher", "to_teacher")
            .order_by("-recorded_at")[:RECENT]
        )
    page.records = list(
        HomeDay.objects.filter(home=home)
        .select_related("recorded_by")
        .annotate(n_children=Count("children"))
        .order_by("-day")[:RECENT]
    )
    calls = (
        FamilyCall.objects.restrict(user).filter(home=home).select_related("child", "recorded_by")
    )
    page.bookings = list(calls.filter(minutes__isnull=True, day__gte=today).order_by("day", "slot"))
    page.calls = list(calls.filter(minutes__isnull=False).order_by("-day", "-id")[:RECENT])
    return page


def duty_day_get_for(user, *, home: Home, duty_day_id) -> DutyDay:
    pk = parse_id(duty_day_id)
    found = DutyDay.objects.restrict(user).filter(home=home, pk=pk).first() if pk else None
    if found is None:
        raise Http404
    return found


def booking_get_for(user, *, home: Home, public_id) -> FamilyCall:
    found = (
        FamilyCall.objects.restrict(user)
        .filter(home=home, public_id=public_id, minutes__isnull=True)
        .select_related("child")
        .first()
    )
    if found is None:
        raise Http404
    return found


def home_children_for(user, *, home: Home):
    """The children of the Home's school the user may record (on the register), by class."""
    return (
        Child.objects.restrict(user)
        .on_register()
        .filter(school_class__school=home.school)
        .select_related("school_class")
        .order_by("school_class__grade", "school_class__name", "name_pinyin")
    )


def home_child_get_for(user, *, home: Home, public_id) -> Child:
    found = home_children_for(user, home=home).filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


# --- my duty (the home page's fragment) --------------------------------------------------------


@dataclass(frozen=True)
class MyDuty:
    today: DutyDay | None
    next_day: DutyDay | None
    overdue: list[DutyDay]

    @property
    def empty(self) -> bool:
        return self.today is None and not self.overdue


def my_duty_for(user) -> MyDuty:
    """The user's duty at the Home: today's (with whether it is recorded), the next, and their
    own past days without a record (overdue)."""
    today = _today()
    if not may(user, Perm.HOME_DUTY):
        return MyDuty(None, None, [])
    mine = DutyDay.objects.filter(teacher=user).select_related("home__school")
    recorded = HomeDay.objects.filter(home=OuterRef("home"), day=OuterRef("day"))
    todays = mine.filter(day=today).annotate(recorded=Exists(recorded)).first()
    overdue = list(
        mine.filter(day__lt=today, term__starts_on__lte=today, term__ends_on__gte=today)
        .exclude(Exists(recorded))
        .order_by("day")
    )
    next_day = mine.filter(day__gt=today).order_by("day").first()
    return MyDuty(todays, next_day, overdue)


# --- calls ------------------------------------------------------------------------------------


def family_call_note_readable(user, call: FamilyCall) -> bool:
    """The note of a call is private like a care note (`core.visibility.ACTIVITY_FIELD`)."""
    return note_readable(user, author_id=call.recorded_by_id)


def left_behind_rows(node: Node, term: Term):
    """The term's census rows of left-behind children (education definition) in the node's
    classes as the census counted them (a child who moved since stays where they were then):
    the unit's figure, the same whoever reads it. The caller has checked the node; a list of
    names cuts it to the children the reader sees (`Child.objects.restrict`)."""
    return CensusSnapshot.objects.filter(term=term, education=True).filter(
        class_filter(node, "school_class__")
    )


@dataclass(frozen=True)
class Uncalled:
    child: Child
    last_call: datetime.date | None


def children_without_calls_for(
    user, *, node: Node, term: Term, today: datetime.date | None = None
) -> list[Uncalled]:
    """The left-behind children of the node who have not called a parent from the Home for
    `NO_CALL_DAYS` days (never, or last long ago), longest first."""
    today = today or _today()
    since = today - datetime.timedelta(days=NO_CALL_DAYS)
    held = FamilyCall.objects.filter(child=OuterRef("pk"), minutes__isnull=False)
    children = (
        Child.objects.restrict(user)
        .on_register()
        .filter(pk__in=left_behind_rows(node, term).values("child_id"))
        .exclude(Exists(held.filter(day__gt=since, day__lte=today)))
        .select_related("school_class")
    )
    last = dict(
        FamilyCall.objects.filter(child__in=children, minutes__isnull=False, day__lte=today)
        .values("child_id")
        .annotate(last=Max("day"))
        .values_list("child_id", "last")
    )
    rows = [Uncalled(child=c, last_call=last.get(c.pk)) for c in children]
    rows.sort(key=lambda r: (r.last_call or datetime.date.min, r.child.name_pinyin))
    return rows


# --- figures ----------------------------------------------------------------------------------


def reference_day(term: Term, today: datetime.date | None = None) -> datetime.date:
    today = today or _today()
    return max(term.starts_on, min(today, term.ends_on))


@dataclass(frozen=True)
class DaysRecorded:
    recorded: int
    due: int


def home_days_recorded_count(user, *, node: Node, term: Term) -> DaysRecorded:
    """The school days of the term on the rosters of the Homes of the node's schools that have
    passed (before today; the whole term once it ended), and how many of them the duty teacher
    recorded. A figure of the unit (the caller checked the node), the same whoever reads it."""
    today = _today()
    homes = Home.objects.filter(school_id__in=school_ids_under(node))
    until = term.ends_on if term.ends_on < today else today - datetime.timedelta(days=1)
    due_days = DutyDay.objects.filter(
        home__in=homes, term=term, day__gte=term.starts_on, day__lte=until
    )
    recorded = HomeDay.objects.filter(home=OuterRef("home"), day=OuterRef("day"))
    counts = due_days.aggregate(due=Count("pk"), recorded=Count("pk", filter=Q(Exists(recorded))))
    return DaysRecorded(recorded=counts["recorded"], due=counts["due"])


@dataclass(frozen=True)
class CallCount:
    calls: int
    children: int
    minutes: int


def family_calls_count(user, *, node: Node, term: Term) -> CallCount:
    """The calls held in the term so far from the Homes of the node's schools (a class's: its
    children's). A figure of the unit (the caller checked the node), the same whoever reads it."""
    held = FamilyCall.objects.filter(
        minutes__isnull=False, day__gte=term.starts_on, day__lte=reference_day(term)
    )
    if isinstance(node, SchoolClass):
        held = held.filter(child__school_class=node)
    else:
        held = held.filter(home__school_id__in=school_ids_under(node))
    counts = held.aggregate(
        calls=Count("pk"), children=Count("child", distinct=True), minutes=Sum("minutes")
    )
    return CallCount(counts["calls"], counts["children"], counts["minutes"] or 0)
