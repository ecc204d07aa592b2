"""Rotation of a backup directory: the newest archive of each of the last N days, M weeks and K
months is kept, and nothing else of ours is."""

import datetime

import pytest

from shouhu.ops.rotation import archives_kept, archives_rotate

START = datetime.datetime(2026, 1, 1, 2, 0)


def nightly(days: int) -> list[datetime.datetime]:
    return [START + datetime.timedelta(days=n) for n in range(days)]


def test_seven_daily_keeps_the_last_seven_nights():
    moments = nightly(30)
    assert archives_kept(moments, daily=7, weekly=0, monthly=0) == set(moments[-7:])


def test_weekly_keeps_the_newest_of_each_iso_week():
    moments = nightly(60)
    kept = archives_kept(moments, daily=0, weekly=4, monthly=0)
    assert len(kept) == 4
    assert all(m.isoweekday() == 7 or m == moments[-1] for m in kept)
    assert len({m.isocalendar()[:2] for m in kept}) == 4


def test_monthly_keeps_the_newest_of_each_month():
    moments = nightly(400)
    kept = archives_kept(moments, daily=0, weekly=0, monthly=12)
    assert len(kept) == 12
    assert all((m + datetime.timedelta(days=1)).day == 1 or m == moments[-1] for m in kept)


def test_the_newest_is_kept_even_with_every_count_zero():
    moments = nightly(3)
    assert archives_kept(moments, daily=0, weekly=0, monthly=0) == {moments[-1]}


def test_two_archives_in_a_day_keep_the_later():
    morning, evening = START, START + datetime.timedelta(hours=12)
    assert archives_kept([morning, evening], daily=1, weekly=0, monthly=0) == {evening}


@pytest.mark.parametrize(
    ("daily", "weekly", "monthly", "expected"),
    [(7, 4, 12, 7 + 3 + 11), (7, 0, 0, 7), (0, 0, 3, 3)],
)
def test_the_reasons_add_up_without_counting_an_archive_twice(daily, weekly, monthly, expected):
    # One year of nightly archives ending on a Sunday that is the last day of a month.
    end = datetime.datetime(2026, 5, 31, 2, 0)
    moments = [end - datetime.timedelta(days=n) for n in range(365)]
    kept = archives_kept(moments, daily=daily, weekly=weekly, monthly=monthly)
    assert len(kept) == expected


def test_rotate_deletes_only_our_archives_not_kept(tmp_path):
    for moment in nightly(10):
        (tmp_path / f"shouhu-{moment:%Y%m%d-%H%M%S}.shouhu-backup").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("keep me")
    deleted = archives_rotate(directory=tmp_path, daily=3, weekly=0, monthly=0)
    assert len(deleted) == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "notes.txt",
        "shouhu-20260108-020000.shouhu-backup",
        "shouhu-20260109-020000.shouhu-backup",
        "shouhu-20260110-020000.shouhu-backup",
    ]
