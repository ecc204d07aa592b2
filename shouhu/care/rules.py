"""Pure rules of the care work, with no database: quota periods, statuses, escalation, how
quotas set at different levels of the tree combine (三个一, 篇十; 五必访, 篇十), and who may
care for a child.

Everything here is a function of dates and small values, tested exhaustively and with Hypothesis.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhu.care.models import ActionKind, PairingKind, QuotaPeriod
from shouhu.core.roles import Role

if TYPE_CHECKING:
    from shouhu.accounts.models import User
    from shouhu.registry.models import Child

ONE_DAY = datetime.timedelta(days=1)
# The fewest whole calendar months a term holds (autumn Sep–Dec, spring Mar–Jun): how a monthly
# quota compares with a termly one.
MONTHS_PER_TERM = 4


class QuotaStatus(models.TextChoices):
    DONE = "done", gettext_lazy("已完成")
    DUE = "due", gettext_lazy("待完成")
    OVERDUE = "overdue", gettext_lazy("已逾期")
    EXEMPT = "exempt", gettext_lazy("已免除")


class Escalation(models.IntegerChoices):
    """Who is told about an overdue home-visit task, besides the person who owes it."""

    NONE = 0, gettext_lazy("未升级")
    HEAD_TEACHER = 1, gettext_lazy("已升级至班主任")
    SCHOOL_LEADER = 2, gettext_lazy("已升级至学校领导")


# --- periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermDates:
    """The dates of a term, as the rules need them (org.Term without the database)."""

    code: str
    starts_on: datetime.date
    ends_on: datetime.date
    label: str = ""


@dataclass(frozen=True, order=True)
class Period:
    """One period of a quota: a calendar month ("2026-11") or a term ("2026-2027-1")."""

    start: datetime.date
    end: datetime.date
    kind: str
    key: str
    label: str = ""

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def month_of(day: datetime.date) -> Period:
    start = day.replace(day=1)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return Period(
        start=start,
        end=following - ONE_DAY,
        kind=QuotaPeriod.MONTH,
        key=f"{day.year:04d}-{day.month:02d}",
        label=_("%(year)d年%(month)d月") % {"year": day.year, "month": day.month},
    )


def month_from_key(key: str) -> Period:
    """ "2026-11" → November 2026; anything else is a ValueError."""
    year, sep, month = key.strip().partition("-")
    if not sep or not (year.isdigit() and month.isdigit()) or len(year) != 4:
        raise ValueError(key)
    return month_of(datetime.date(int(year), int(month), 1))


def month_before(period: Period) -> Period:
    return month_of(period.start - ONE_DAY)


def term_period(term: TermDates) -> Period:
    return Period(
        start=term.starts_on,
        end=term.ends_on,
        kind=QuotaPeriod.TERM,
        key=term.code,
        label=term.label or term.code,
    )


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start <= b_end and b_start <= a_end


def is_school_month(month: Period, terms: Iterable[TermDates]) -> bool:
    """A monthly quota is owed only in months that overlap a term: not in the summer holiday."""
    return any(overlaps(month.start, month.end, t.starts_on, t.ends_on) for t in terms)


def current_period(kind: str, day: datetime.date, terms: Sequence[TermDates]) -> Period | None:
    """The period of this kind that contains the day, when a quota of that kind is owed in it."""
    if kind == QuotaPeriod.MONTH:
        month = month_of(day)
        return month if is_school_month(month, terms) else None
    for term in terms:
        if term.starts_on <= day <= term.ends_on:
            return term_period(term)
    return None


def period_before(period: Period, terms: Sequence[TermDates]) -> Period | None:
    """The owed period of the same kind just before this one (skipping holiday months)."""
    if period.kind == QuotaPeriod.MONTH:
        earliest = min((t.starts_on for t in terms), default=period.start)
        month = month_before(period)
        while month.end >= earliest:
            if is_school_month(month, terms):
                return month
            month = month_before(month)
        return None
    earlier = [t for t in terms if t.ends_on < period.start]
    return term_period(max(earlier, key=lambda t: t.starts_on)) if earlier else None


def last_period(kind: str, day: datetime.date, terms: Sequence[TermDates]) -> Period | None:
    """The latest owed period of this kind that has ended by the day."""
    if kind == QuotaPeriod.MONTH:
        return period_before(month_of(day), terms)
    ended = [t for t in terms if t.ends_on < day]
    return term_period(max(ended, key=lambda t: t.starts_on)) if ended else None


def period_days_left(period: Period, *, today: datetime.date) -> int | None:
    """The days left in a period still running, today included (还剩 N 天: 1 on its last day);
    None once it has ended. A running period's figures are "so far": never a miss."""
    return (period.end - today).days + 1 if today <= period.end else None


def period_owed(
    period: Period, *, paired_on: datetime.date | None, left_on: datetime.date | None
) -> bool:
    """A quota applies from the first full period after the pairing starts, and stops when the
    child leaves the register: it is owed for a period the proxy parent held from its first day,
    by a child still on the register on its last day.

    `paired_on` is the start of the proxy-parent pairing that was running on the period's first
    day (None when there was none).
    """
    if paired_on is None or paired_on > period.start:
        return False
    return left_on is None or left_on > period.end


def late_entry_until(period: Period, *, days: int) -> datetime.date:
    """The last day an action of an ended period may still be recorded for it (补录): `days`
    after the period's end. Until then its open quota is a to-do; after, a miss in the figures."""
    return period.end + datetime.timedelta(days=days)


def late_entry_open(period: Period, *, today: datetime.date, days: int) -> bool:
    """May an action dated within the period still be recorded for it today? Always while the
    period runs; after its end, for `days` days."""
    return today <= late_entry_until(period, days=days)


def first_owed_month(paired_on: datetime.date) -> Period:
    """The first month a pairing owes: its own month when it starts on the 1st, else the next."""
    month = month_of(paired_on)
    return month if paired_on == month.start else month_of(month.end + ONE_DAY)


# --- statuses ---------------------------------------------------------------------------------


def quota_status(
    *, done: int, minimum: int, exempt: bool, period: Period, today: datetime.date
) -> QuotaStatus:
    """Done counts first (an exempt child who was visited anyway is done); then the exemption;
    then a period still running is due and a period that has ended is overdue."""
    if done >= minimum:
        return QuotaStatus.DONE
    if exempt:
        return QuotaStatus.EXEMPT
    return QuotaStatus.OVERDUE if today > period.end else QuotaStatus.DUE


def percent(part: int, whole: int) -> float | None:
    """One decimal, rounded half up (四舍五入) as in the reports; None when nothing is owed."""
    if not whole:
        return None
    tenths, remainder = divmod(1000 * part, whole)
    if 2 * remainder >= whole:
        tenths += 1
    return tenths / 10


# --- signals and escalation -------------------------------------------------------------------


def task_due_on(noted_on: datetime.date, *, due_days: int) -> datetime.date:
    return noted_on + datetime.timedelta(days=due_days)


def days_overdue(due_on: datetime.date, today: datetime.date) -> int:
    return max(0, (today - due_on).days)


def escalation_of(
    *, due_on: datetime.date, today: datetime.date, head_after: int, leader_after: int
) -> Escalation:
    """An open task overdue by `head_after` days goes up to the head teacher, by `leader_after`
    days to the school leader. Computed from dates each time: nothing needs to run at night."""
    late = days_overdue(due_on, today)
    if late >= leader_after:
        return Escalation.SCHOOL_LEADER
    if late >= head_after:
        return Escalation.HEAD_TEACHER
    return Escalation.NONE


def escalated_due_before(today: datetime.date, *, after_days: int) -> datetime.date:
    """Open tasks due on or before this day are escalated `after_days` late (for a query)."""
    return today - datetime.timedelta(days=after_days)


# --- quotas set at several levels -------------------------------------------------------------


@dataclass(frozen=True)
class QuotaRule:
    """At least `minimum` actions of `kind` per `period`; `source` names who set it."""

    kind: str
    period: str
    minimum: int
    source: str = ""

    @property
    def kind_label(self) -> str:
        return str(ActionKind(self.kind).label)

    @property
    def period_label(self) -> str:
        return str(QuotaPeriod(self.period).label)


DEFAULT_SOURCE = gettext_lazy("系统默认（三个一）")
# 三个一 (篇十): per child, a home visit and a call to a parent each month, a letter each term.
DEFAULT_QUOTAS = (
    QuotaRule(ActionKind.HOME_VISIT, QuotaPeriod.MONTH, 1),
    QuotaRule(ActionKind.PARENT_CALL, QuotaPeriod.MONTH, 1),
    QuotaRule(ActionKind.PARENT_LETTER, QuotaPeriod.TERM, 1),
)


def per_term(rule: QuotaRule) -> int:
    """The fewest actions a rule asks for in one term."""
    return rule.minimum * (MONTHS_PER_TERM if rule.period == QuotaPeriod.MONTH else 1)


def tightens(lower: QuotaRule, upper: QuotaRule) -> bool:
    """Is `lower` at least as strict as `upper`? The same period with at least the minimum, or a
    monthly rule where the upper level asked per term, as long as a term's worth is no less. A
    termly rule never replaces a monthly one: it would let months pass with nothing done."""
    if lower.period == upper.period:
        return lower.minimum >= upper.minimum
    if lower.period == QuotaPeriod.MONTH:
        return per_term(lower) >= per_term(upper)
    return False


def quota_effective(levels: Sequence[Iterable[QuotaRule]]) -> dict[str, QuotaRule]:
    """The rules in force at the bottom of a chain of levels, given from the top (the system
    default) down (the school). A lower level's rule replaces the one above only when it
    tightens it; a kind first set lower down is added (asking for more is always allowed)."""
    effective: dict[str, QuotaRule] = {}
    for level in levels:
        for rule in level:
            above = effective.get(rule.kind)
            if above is None or tightens(rule, above):
                effective[rule.kind] = rule
    return effective


# --- who may care for a child -----------------------------------------------------------------

# Staff who may be a proxy parent or mentor of a child in their scope (a volunteer may be a
# proxy parent of any child, and then sees that child).
CARER_STAFF_ROLES = {Role.TEACHER, Role.HEAD_TEACHER, Role.SCHOOL_LEADER, Role.COUNSELLOR}


def carer_may_pair(carer: "User", child: "Child", *, kind: str = PairingKind.PROXY_PARENT) -> bool:
    """A proxy parent is a teacher who has the child in their scope (the school's teachers,
    leaders and counsellors, the class's head teacher) or a volunteer; a mentor is a teacher."""
    if not carer.is_active:
        return False
    if carer.role == Role.VOLUNTEER:
        return kind == PairingKind.PROXY_PARENT
    if carer.role not in CARER_STAFF_ROLES:
        return False
    if carer.scope_class_id:
        return carer.scope_class_id == child.school_class_id
    return carer.scope_school_id == child.school_class.school_id
