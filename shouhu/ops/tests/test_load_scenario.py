"""The load test's pure parts (`make load`, bench/load.py): its percentiles, its accounting of
the writes, how it reads a form as a browser submits it, how it mixes the users, and that every
page its users open still exists — so the scenario cannot rot while nobody runs it."""

import math
import random
import re
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

import load  # noqa: E402 - bench/ is not a package
from load_pages import (  # noqa: E402
    Sample,
    WriteLedger,
    fields_set,
    links,
    loaded_fragments,
    percentile,
    post_form_fields,
    server_times,
    summarize,
    writes_compare,
)


def test_percentiles_are_nearest_rank():
    values = list(range(100, 0, -1))  # 1..100, in any order
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([7.0], 95) == 7.0
    assert percentile([10, 20], 50) == 10
    assert percentile([10, 20], 95) == 20
    assert math.isnan(percentile([], 95))


def test_summary_per_kind_and_overall_counts_errors():
    samples = [Sample("census", ms) for ms in (100, 200, 300)]
    samples += [Sample("worklist", 50), Sample("worklist", 900, "timeout")]
    rows, overall = summarize(samples)
    assert [r.kind for r in rows] == ["worklist", "census"]  # the slowest p95 first
    assert (overall.count, overall.errors, overall.max) == (5, 1, 900)
    assert rows[0].errors == 1 and rows[1].errors == 0
    assert rows[1].p50 == 200


def test_a_counted_write_missing_from_the_database_is_lost_and_one_found_twice_is_duplicated():
    ledger = WriteLedger()
    for key in ("LOAD-a-1", "LOAD-a-2", "LOAD-a-3", "LOAD-a-4"):
        ledger.add("visit", key)
    ledger.add("roll_call", "12:345")
    ledger.add("roll_call", "12:345")  # counted twice: a key must be unique
    found = Counter(
        {
            ("visit", "LOAD-a-1"): 1,
            ("visit", "LOAD-a-2"): 2,
            ("visit", "LOAD-a-4"): 1,
            ("visit", "LOAD-a-9"): 1,  # written though its answer timed out: not a fault
            ("roll_call", "12:345"): 1,
        }
    )
    check = writes_compare(ledger.keys, found)
    assert check.counted == 5
    assert check.lost == [("visit", "LOAD-a-3")]
    assert check.twice == [("roll_call", "12:345"), ("visit", "LOAD-a-2")]
    assert check.unconfirmed == 1
    assert check.bad == 3
    assert ledger.expected("visit") == ["LOAD-a-1", "LOAD-a-2", "LOAD-a-3", "LOAD-a-4"]


def test_every_write_found_once_is_no_loss():
    ledger = WriteLedger()
    ledger.add("visit", "LOAD-b-1")
    check = writes_compare(ledger.keys, Counter({("visit", "LOAD-b-1"): 1}))
    assert (check.lost, check.twice, check.bad) == ([], [], 0)


PAGE = """
<form method="post" action="/accounts/logout/">
  <input type="hidden" name="csrfmiddlewaretoken" value="x"></form>
<form method="get"><input name="class" value="3"></form>
<form method="post" class="stack">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok&amp;en">
  <input type="hidden" name="period" value="2026-11">
  <select name="kind"><option value="home_visit">家访</option>
    <option value="call" selected>电话</option></select>
  <input type="date" name="done_on" value="2026-11-29" min="2026-11-01" max="2026-11-30">
  <input type="checkbox" name="tasks" value="t1" checked>
  <input type="checkbox" name="tasks" value="t2">
  <input type="checkbox" name="shareable">
  <input type="radio" name="r" value="a"><input type="radio" name="r" value="b" checked>
  <textarea name="summary">
旧的</textarea>
  <input type="file" name="scan"><button type="submit" name="go">保存</button>
</form>
<div hx-get="/welfare/home/aid/" hx-trigger="load" hx-swap="outerHTML"></div>
<section hx-trigger="load" hx-get="/a/?x=1&amp;y=2"></section>
<div hx-get="/later/" hx-trigger="click"></div>
<a href="/children/5f0e0c1e-1111-4222-8333-944455556666/">孩子</a>
<a href="/children/5f0e0c1e-1111-4222-8333-944455556666/edit/">改</a>
"""


def test_a_post_form_is_read_as_the_browser_submits_it():
    fields = post_form_fields(PAGE)
    assert fields == [
        ("csrfmiddlewaretoken", "tok&en"),
        ("period", "2026-11"),
        ("kind", "call"),
        ("done_on", "2026-11-29"),
        ("tasks", "t1"),
        ("r", "b"),
        ("summary", "旧的"),
    ]
    changed = fields_set(fields, "summary", "新的 LOAD-x-1")
    assert ("summary", "新的 LOAD-x-1") in changed and ("summary", "旧的") not in changed
    assert post_form_fields("<form method=get><input name=q></form>") is None


def test_the_fragments_htmx_loads_and_the_links_a_user_follows():
    assert loaded_fragments(PAGE) == ["/welfare/home/aid/", "/a/?x=1&y=2"]
    assert links(PAGE, load.LINKS["registry:child-detail"]) == [
        "/children/5f0e0c1e-1111-4222-8333-944455556666/"
    ]


@pytest.mark.parametrize("users", [1, 4, 10, 50, 51])
def test_the_users_are_mixed_by_the_personas_weights(users):
    plan = load.personas_for(users)
    assert len(plan) == users
    counts = Counter(p.name for p in plan)
    if users >= len(load.PERSONAS):
        assert set(counts) == {p.name for p in load.PERSONAS}
    if users == 50:
        assert counts == {"teacher": 20, "head_teacher": 15, "officer": 13, "privacy": 2}
    assert plan[: min(users, 4)] == list(load.PERSONAS[: min(users, 4)])  # mixed from the start


@pytest.mark.parametrize("name", sorted(load.PATHS))
def test_each_page_the_users_open_exists(name):
    assert reverse(name) == load.PATHS[name]


ARGUMENTS = ({"public_id": uuid.UUID("5f0e0c1e-1111-4222-8333-944455556666")}, {"class_id": 42})


def reversed_with_some_id(name: str) -> str:
    for kwargs in ARGUMENTS:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"{name} takes none of the ids the test knows")


@pytest.mark.parametrize("name", sorted(load.LINKS))
def test_each_link_the_users_follow_matches_its_page(name):
    route = reversed_with_some_id(name)
    assert re.match(load.LINKS[name], route), route


def test_the_servers_time_is_summed_per_page_from_gunicorns_access_log():
    log = "\n".join(
        [
            '127.0.0.1 [08/Dec/2026:03:11:01 +0800] "GET /children/5f0e0c1e-1111-4222-8333-'
            '944455556666/ HTTP/1.1" 200 940 75ms "shouhu-load"',
            '127.0.0.1 [08/Dec/2026:03:11:02 +0800] "GET /children/0f0e0c1e-1111-4222-8333-'
            '944455556666/ HTTP/1.1" 200 940 25ms "shouhu-load"',
            '127.0.0.1 [08/Dec/2026:03:11:02 +0800] "GET /census/?scope=5117 HTTP/1.1" 200 9871 '
            '1137ms "shouhu-load"',
            "a line of something else",
        ]
    )
    assert server_times(log) == [
        ("GET /census/", 1, 1.137, 1137.0),
        ("GET /children/ID/", 2, 0.1, 75.0),
    ]


def test_a_user_stops_when_the_run_ends_before_their_next_page():
    ctx = load.Context(
        run_id="0",
        ledger=WriteLedger(),
        rng=random.Random(1),
        numbering=load.Numbering(),
        deadline=time.monotonic() + 0.5,  # sooner than any think time (1-5 s)
    )
    started = time.monotonic()
    with pytest.raises(load.TimeUp):
        ctx.think()
    assert time.monotonic() - started < 0.5  # without waiting for it


def test_each_write_has_its_own_marker_across_the_users():
    numbering = load.Numbering()
    seen: list[int] = []
    threads = [
        threading.Thread(target=lambda: seen.extend(numbering.next() for _ in range(200)))
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 1001))
