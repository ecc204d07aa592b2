"""When duties fall due: pure rules, in China's time."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from shouhu.jobs.schedule import Daily, Monthly, backoff, latest, occurrences
from shouhu.testing.dates import at

CHINA = ZoneInfo("Asia/Shanghai")


def test_a_daily_duty_falls_due_each_day_at_its_hour_in_china():
    found = list(
        occurrences(Daily(hour=7), after=at(2026, 11, 28, 7), until=at(2026, 11, 30, 8), tz=CHINA)
    )
    assert found == [at(2026, 11, 29, 7), at(2026, 11, 30, 7)]
    assert Daily(hour=7).period_key(found[0]) == at(2026, 11, 29).date().isoformat()


def test_a_monthly_duty_falls_due_once_a_month_across_the_new_year():
    found = list(
        occurrences(
            Monthly(day=1, hour=3), after=at(2026, 11, 29), until=at(2027, 2, 1, 2), tz=CHINA
        )
    )
    assert found == [at(2026, 12, 1, 3), at(2027, 1, 1, 3)]
    assert Monthly(day=1, hour=3).period_key(found[1]) == found[1].strftime("%Y-%m")


def test_a_monthly_duty_on_a_day_not_every_month_has_is_refused():
    with pytest.raises(ValueError):
        Monthly(day=31, hour=3)


def test_the_latest_occurrence_is_the_last_at_or_before_now():
    assert latest(Daily(hour=7), until=at(2026, 11, 29, 6, 59), tz=CHINA) == at(2026, 11, 28, 7)
    assert latest(Daily(hour=7), until=at(2026, 11, 29, 7), tz=CHINA) == at(2026, 11, 29, 7)


def test_retries_wait_longer_each_time():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [
        datetime.timedelta(minutes=m) for m in (1, 4, 16, 64)
    ]
