"""The dashboard's figures kept between requests (reports.selectors.kept): counted once per
unit, term, day and audience, shown to every officer for SHOUHU_FIGURES_KEEP_SECONDS, then
counted again; the right to the unit checked on every request."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from shouhu.care.models import SignalKind
from shouhu.org.selectors import term_current
from shouhu.org.units import node_code
from shouhu.reports.selectors.kept import kept_key
from shouhu.testing.factories import ObservationFactory, VisitTaskFactory

URL = reverse("reports:dashboard")


def _new_task(reported, head_teacher) -> None:
    """A signal noted today on 王小明: one more open home-visit task in school A."""
    noted = timezone.localdate()
    observation = ObservationFactory(
        child=reported.wang, kind=SignalKind.BAD_MOOD, noted_on=noted, author=head_teacher
    )
    VisitTaskFactory(
        observation=observation, assignee=head_teacher, due_on=noted + datetime.timedelta(days=3)
    )


@pytest.fixture
def keeping(settings):
    settings.SHOUHU_FIGURES_KEEP_SECONDS = 60
    settings.CACHES = {
        **settings.CACHES,
        "figures": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-kept-figures",
        },
    }
    from django.core.cache import caches

    caches["figures"].clear()
    yield
    caches["figures"].clear()


def _open_tasks(html: str) -> str:
    """The open home-visit tasks tile's text (as test_dashboard reads a tile)."""
    tile = re.search(r'<li class="tile[^"]*"[^>]*data-key="tasks_open">(.*?)</li>', html, re.S)
    assert tile, "the tasks tile"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tile.group(1)))


def test_a_new_task_shows_up_once_the_kept_figures_expire(
    client, reported, school_leader, head_teacher, keeping
):
    client.force_login(school_leader)
    first = client.get(URL).content.decode()
    assert " 2 " in _open_tasks(first)
    assert "统计于" in first

    _new_task(reported, head_teacher)
    assert " 2 " in _open_tasks(client.get(URL).content.decode())  # kept: counted < 60 s ago

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61), tick=False):
        assert " 3 " in _open_tasks(client.get(URL).content.decode())  # counted again


def test_while_one_request_counts_again_the_others_see_the_kept_figures(
    client, reported, school_leader, head_teacher, keeping
):
    from django.core.cache import caches

    client.force_login(school_leader)
    assert " 2 " in _open_tasks(client.get(URL).content.decode())
    _new_task(reported, head_teacher)
    later = timezone.now() + datetime.timedelta(seconds=61)
    key = kept_key("dashboard", school_leader, node=reported.school_a, term=term_current())
    caches["figures"].add(f"{key}:counting", 1)  # another worker is counting
    with time_machine.travel(later, tick=False):
        assert " 2 " in _open_tasks(client.get(URL).content.decode())
    caches["figures"].clear()
    with time_machine.travel(later, tick=False):
        assert " 3 " in _open_tasks(client.get(URL).content.decode())


def test_without_keeping_every_request_counts(client, reported, school_leader, head_teacher):
    client.force_login(school_leader)
    assert " 2 " in _open_tasks(client.get(URL).content.decode())
    _new_task(reported, head_teacher)
    assert " 3 " in _open_tasks(client.get(URL).content.decode())


def test_kept_figures_never_open_a_unit_outside_the_users_scope(
    client, reported, school_leader, other_head_teacher, keeping
):
    client.force_login(school_leader)
    assert client.get(URL).status_code == 200  # school A's dashboard is kept now
    client.force_login(other_head_teacher)  # class B, another school
    assert client.get(URL, {"scope": node_code(reported.school_a)}).status_code == 404


def test_the_key_is_the_unit_term_day_and_what_the_role_may_see(
    reported, school_leader, privacy_officer
):
    from shouhu.org.models import Term

    term = Term.objects.order_by("-starts_on").first()
    leader = kept_key("dashboard", school_leader, node=reported.school_a, term=term)
    assert str(reported.school_a.pk) in leader and str(term.pk) in leader
    assert timezone.localdate().isoformat() in leader or str(term.ends_on) in leader
    # The privacy officer may not read dropout cases: never the leader's kept page.
    assert leader != kept_key("dashboard", privacy_officer, node=reported.school_a, term=term)


def test_a_cache_that_cannot_be_written_counts_every_request(
    client, reported, school_leader, head_teacher, settings, tmp_path
):
    settings.SHOUHU_FIGURES_KEEP_SECONDS = 60
    read_only = tmp_path / "a-file"  # a directory cannot be made under it, even by root
    read_only.write_text("")
    settings.CACHES = {
        **settings.CACHES,
        "figures": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(read_only / "figures"),
        },
    }
    client.force_login(school_leader)
    assert " 2 " in _open_tasks(client.get(URL).content.decode())
    _new_task(reported, head_teacher)
    assert " 3 " in _open_tasks(client.get(URL).content.decode())
