"""The pure rules of 控辍保学, without the database: which state a case may move to, the school
days a suspected entry has, the months of follow-up a returned child owes, quarters and the
retention rate (巩固率). Tested exhaustively in tests/test_dropout_rules.py."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shouhu.schooling.models.dropout import CaseState

# Where a case may go from each state. The four ways out (转学, 因病缓学, 其他 and a mistaken
# case's close) end it; 已销号 waits for the follow-up (`write_off_blockers`).
EXITS = (CaseState.TRANSFERRED, CaseState.MEDICAL, CaseState.OTHER)
ALLOWED: dict[str, tuple[str, ...]] = {
    CaseState.REGISTERED: (CaseState.PERSUADING, CaseState.RETURNED, *EXITS, CaseState.MISTAKEN),
    CaseState.PERSUADING: (CaseState.RETURNED, *EXITS, CaseState.MISTAKEN),
    CaseState.RETURNED: (CaseState.FOLLOWING, CaseState.MISTAKEN),
    CaseState.FOLLOWING: (CaseState.WRITTEN_OFF, CaseState.MISTAKEN),
    CaseState.WRITTEN_OFF: (),
    CaseState.TRANSFERRED: (),
    CaseState.MEDICAL: (),
    CaseState.OTHER: (),
    CaseState.MISTAKEN: (),
}


def transition_check(current: str, to: str) -> None:
    """Refuse, in Chinese, a move the current state does not allow."""
    if to not in ALLOWED[current]:
        raise ValidationError(
            {
                "state": _("该案件当前为“%(current)s”，不能转为“%(to)s”。")
                % {"current": CaseState(current).label, "to": CaseState(to).label}
            }
        )


def school_days_after(
    day: datetime.date, days: int, *, weekdays: Iterable[int] = (0, 1, 2, 3, 4)
) -> datetime.date:
    """The school day `days` school days after `day` (weekdays; the school calendar's changes
    are the attendance calendar's business)."""
    weekdays = tuple(weekdays)
    found = day
    left = days
    while left > 0:
        found += datetime.timedelta(days=1)
        if found.weekday() in weekdays:
            left -= 1
    return found


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from `first`'s month to `last`'s, both included."""
    months = []
    month = month_start(first)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def followup_months(returned_on: datetime.date, term_ends_on: datetime.date) -> list[datetime.date]:
    """The months a returned child owes a follow-up check: from the month after the return to
    the month the term ends (a return in the term's last month owes that month's check)."""
    after = (month_start(returned_on) + datetime.timedelta(days=32)).replace(day=1)
    months = months_between(after, term_ends_on)
    return months or [month_start(returned_on)]


def write_off_blockers(
    *,
    returned_on: datetime.date,
    term_ends_on: datetime.date,
    checked: Iterable[datetime.date],
    today: datetime.date,
) -> list[str]:
    """Why a case cannot be written off (销号) yet; empty when it can. Follow-up runs for the
    rest of the term of the return, a check each month."""
    done = {month_start(d) for d in checked}
    missing = [m for m in followup_months(returned_on, term_ends_on) if m not in done]
    reasons = []
    if today <= term_ends_on:
        reasons.append(
            _("复学后须跟踪到本学期结束（%(end)s）。") % {"end": term_ends_on.isoformat()}
        )
    if missing:
        reasons.append(
            _("缺少%(months)s的月度跟踪记录。")
            % {"months": _("、").join(f"{m.year}年{m.month}月" for m in missing)}
        )
    return reasons


def followup_due(
    *, returned_on: datetime.date, checked: Iterable[datetime.date], today: datetime.date
) -> bool:
    """A check is due this month: the child returned before this month and none is recorded
    in it yet."""
    this_month = month_start(today)
    return month_start(returned_on) < this_month and this_month not in {
        month_start(d) for d in checked
    }


def quarter_of(day: datetime.date) -> str:
    """The quarter's key, as 2026-Q4."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_previous(key: str) -> str:
    year, q = int(key[:4]), int(key[-1])
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


def retention_rate(*, cohort: int, still_enrolled: int) -> float | None:
    """巩固率: pupils still enrolled ÷ pupils enrolled at the start of the cohort, in percent
    with one decimal; None for an empty cohort."""
    if cohort <= 0:
        return None
    return round(100 * still_enrolled / cohort, 1)


# --- report deadlines (issue 17) ----------------------------------------------------------------

# A report falling due within this many days is on the school leader's 我的待办 as due, and a
# reminder is sent; once past its deadline it is overdue (and reminded once more).
DUE_SOON_DAYS = 3


def monthly_report_due_on(month: datetime.date, *, due_day: int) -> datetime.date:
    """The last day to submit a month's report (一月一报告): `due_day` of the next month."""
    following = (month_start(month) + datetime.timedelta(days=32)).replace(day=1)
    return following.replace(day=min(max(due_day, 1), 28))


def deadline_state(due_on: datetime.date, *, today: datetime.date) -> str:
    """ "overdue" once the deadline has passed, "soon" within DUE_SOON_DAYS of it (the deadline
    day included), "" before. Callers leave out the reports already submitted."""
    if today > due_on:
        return "overdue"
    if (due_on - today).days <= DUE_SOON_DAYS:
        return "soon"
    return ""
