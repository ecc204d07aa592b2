"""The tests' calendar: the day the suite is pinned to, and the dates of its world around it.

The suite is written for 2026-11-29, a Sunday late in the autumn term 2026-2027-1. Run with
`SHOUHU_TEST_TODAY=YYYY-MM-DD` (the same 29 November of a later or earlier year), every date of the
world moves by whole years: the terms, the registrations, the care work and the days a test
travels to. A test names its dates through these helpers, never as literals of the product's
calendar, so that the suite passes on any year and code that reads the real date, or pins a
calendar date of its own, is caught (`make test` runs the suite once more 1–3 years ahead).

- `day(2026, 11, 29)`: the date, moved by `YEARS`.
- `at(2026, 11, 29, 10)`: the same, as an aware datetime in China.
- `term_code("2026-2027-1")`, `month_key("2026-11")`: codes of the world, moved.
- `iso("2026-11-29")`: an ISO date string (form data, JSON), moved.
"""

import datetime
import os
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE_TODAY = datetime.date(2026, 11, 29)


def _today() -> datetime.date:
    raw = os.environ.get("SHOUHU_TEST_TODAY", "")
    if not raw:
        return BASE_TODAY
    today = datetime.date.fromisoformat(raw)
    if (today.month, today.day) != (BASE_TODAY.month, BASE_TODAY.day):
        raise ValueError(
            f"SHOUHU_TEST_TODAY={raw}: the suite moves by whole years; give 29 November of a year"
        )
    return today


TODAY = _today()
YEARS = TODAY.year - BASE_TODAY.year


def day(year: int, month: int, dom: int) -> datetime.date:
    """A date of the world as written for 2026, moved by `YEARS` (29 February → 28th)."""
    year += YEARS
    if (month, dom) == (2, 29) and not _leap(year):
        dom = 28
    return datetime.date(year, month, dom)


def at(year: int, month: int, dom: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """`day(...)` at a time of day in China."""
    return datetime.datetime.combine(
        day(year, month, dom), datetime.time(hour, minute), tzinfo=SHANGHAI
    )


def iso(text: str) -> str:
    """An ISO date string ("2026-11-29") moved by `YEARS`."""
    return day(*map(int, text.split("-"))).isoformat()


def term_code(code: str) -> str:
    """A term's code ("2026-2027-1") moved by `YEARS`."""
    start, end, semester = code.split("-")
    return f"{int(start) + YEARS}-{int(end) + YEARS}-{semester}"


def month_key(key: str) -> str:
    """A month's key ("2026-11") moved by `YEARS`."""
    year, month = key.split("-")
    return f"{int(year) + YEARS}-{month}"


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# The world's days move by whole years, and a weekday moves with them (29 November 2026 is a
# Sunday, 2028's a Wednesday): a test about school days counts them, it never assumes one.


def weekdays_from(start: datetime.date, end: datetime.date) -> int:
    """How many days Monday to Friday lie in [start, end)."""
    return sum(
        1 for n in range((end - start).days) if (start + datetime.timedelta(n)).weekday() < 5
    )


def weekdays_after(start: datetime.date, n: int) -> datetime.date:
    """The n-th day Monday to Friday after `start`."""
    found = start
    while n:
        found += datetime.timedelta(days=1)
        n -= found.weekday() < 5
    return found
