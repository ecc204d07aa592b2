"""Benchmarks (`make bench`): the demo county and a synthetic county of 20,000 children.

1. The demo county: migrate a throwaway SQLite database, time `seed-demo` (`seed_demo_s`), then
   time the pages people wait on through Django's test client (server time, no network):
   the child list, a child's file and its 关爱 section as the head teacher and the township
   officer (`child_file_ms`, `child_file_care_ms`, their queries in var/bench-child-file.sql),
   the county census, a teacher's worklist and the county's compliance for the month, each
   next to the one SQL query the page cannot do without.
2. The synthetic county: `shouhu synth --children 20000 --months 12` into a second throwaway
   database (`synth_20k_s`), then the census, the worklist and the compliance on it, then
   `shouhu backup` of it and `shouhu restore` into a new empty database (`backup_20k_s`,
   `restore_20k_s`; targets < 60 s and < 120 s).
3. The census import of 20,000 rows (`census_import.py`, alone: `run.py import`):
   its time (`import_20k_s`), its peak memory, and how long its write transaction held the
   database (`import_20k_lock_s`: every other save waits that long; the target is < 3 s);
   then the same rows as an .xls converted by LibreOffice (`import_20k_xls_s`).
   Then a school's 2,000-row grade sheet (`grades.py`, alone: `run.py grades`;
   `grades_import_2k_s`, target < 10 s).
3b. The Home's duty roster of a school of 60 teachers (`home.py`, alone: `run.py home`):
   `roster_generate_ms` (issue 16; the target is < 1 s).
4. The dashboard, when `/dashboard/` exists (`dashboard_figures`).
   The synthetic county is measured again on PostgreSQL 15, production's database, in a
   throwaway cluster (`postgres_rows`; keys ending `_20k_pg`), unless `--skip-postgres`.
5. The county's semester work summary as a PDF, as the county officer exports it
   (`summary_figures`; the reports issue asks for under 10 seconds): a few runs only, it is slow.
6. The child list served for real (`serve_child_list_ms`): `shouhu serve` (gunicorn) with
   SHOUHU_DEBUG=0 on the demo county in a throwaway PostgreSQL 15 cluster, the county officer's
   first page fetched over HTTP on loopback, unless `--skip-serve`.
7. A class's 委托监护责任确认书 as one PDF, as the township officer prints them
   (`agreements_batch_s`, `bench/guardianship.py`; the issue asks for under 10 s).
8. A table, and the figures merged into var/bench.json, keeping the keys others wrote. Each is
   {"value": …, "unit": "ms" | "s" | "MB", "raw_sql": … where there is one}.

The parents' channel (group `parents`, `bench/parents.py`, demo only): a parent's home page,
`parent_home_ms` (< 100 ms) and `parent_home_bytes` (< 50 KB, HTML and stylesheets).
Attendance (group `attendance`, `bench/attendance.py`): saving a 50-child roll call
(`roll_call_save_ms`) and the county's attendance figures for a day (`attendance_county_day_ms`
at 20,000 children).
Offline capture (`bench/offline.py`, the group `offline`, issue 19): an outbox of 50 records
uploaded (`offline_sync_50_ms`, target < 1 s).
Issue 17's duties (`bench/duties.py`, the group `duties`): `month_close_s` (the monthly
close of last month), `report_deadlines_ms`, `agreement_expiries_ms`.
控辍保学 (`bench/dropout.py`, the group `dropout`): the school's monthly report as a PDF
(`dropout_monthly_pdf_s`, target < 5 s).

`run.py --only child_file` measures one group of figures on a fresh demo county (and merges
them into var/bench.json); `run.py measure --county demo --db FILE [--seed] --only child_file
--table` measures it on a demo database already seeded in FILE (a profiling loop's start).

Each county is measured in a process of its own (`run.py measure …`), with the clock set to
the demo's day (2026-11-29), so the pages show the same work whatever the date. A page that
does not answer 200 fails the run (exit status 1); a figure whose feature does not exist yet is
skipped with a note. The machine is shared: the load average is printed with the figures.

Province scale (issue 18, `make bench-province`, not part of `make bench`): `bench/province.py`
(or `run.py province [--children N]`) measures the eight pages of the issue's table on
PostgreSQL, keys ending `_province`, each page's number held against its raw SQL.
"""

import argparse
import contextlib
import datetime
import functools
import importlib
import io
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
# The benchmarks time the counting of the figures: no dashboard or census kept between requests
# (shouhu.reports.selectors.kept); `make load` measures the server as it is deployed, kept.
os.environ.setdefault("SHOUHU_FIGURES_KEEP_SECONDS", "0")
WARMUPS = 2
RUNS = 15
MIN_RUNS = 5
BUDGET_S = 20.0  # a slow page stops after this much timing, once it has MIN_RUNS runs
# The summary PDF takes seconds: its first export (the one that counts the queries) is the
# warm-up, then the median of this many.
SUMMARY_RUNS = 3
# The served child list (issue 17): gunicorn's workers; the requests come one at a time.
SERVE_WORKERS = 2
SERVE_LABEL = "child list /children/ via gunicorn on PostgreSQL, county, page 1"
COUNTY = "511781"
TERM = "2026-2027-1"
MONTH = "2026-11"
TODAY = datetime.date(2026, 11, 29)
SYNTH_CHILDREN = 20000
# The keys of each county's figures end with its suffix (the demo's have none).
SUFFIXES = {"demo": "", "synth20k": "_20k", "synth20k_pg": "_20k_pg"}
SYNTH_MONTHS = 12

# One page of the county's child list: the children on the register within the county (by
# school or by home village), with class and school, in pinyin order.
CHILD_PAGE_SQL = """
SELECT c.id, c.public_id, c.name, c.sex, c.birth_date, sc.name, s.name
FROM registry_child c
JOIN org_schoolclass sc ON sc.id = c.school_class_id
JOIN org_school s ON s.id = sc.school_id
WHERE c.left_on IS NULL
  AND (s.region_id BETWEEN %(low)s AND %(high)s OR c.home_region_id BETWEEN %(low)s AND %(high)s)
ORDER BY c.name_pinyin, c.id
LIMIT 50
"""

# One child's file: the child with class, school and guardian, as the page reads it first.
CHILD_FILE_SQL = """
SELECT c.id, c.public_id, c.name, c.sex, c.birth_date, c.id_number, c.address, c.left_on,
       sc.name, s.name, g.name, g.relation, g.phone
FROM registry_child c
JOIN org_schoolclass sc ON sc.id = c.school_class_id
JOIN org_school s ON s.id = sc.school_id
LEFT JOIN registry_guardian g ON g.child_id = c.id
WHERE c.public_id = %(public_id)s
"""

# The file's 关爱 section: the child's latest care actions with their authors, as the section
# lists them (its one query it cannot do without; the quota statuses come on top).
CHILD_CARE_SQL = """
SELECT a.id, a.public_id, a.kind, a.done_on, a.summary, a.follow_up_on, u.display_name
FROM care_careactionchild l
JOIN care_careaction a ON a.id = l.action_id
JOIN accounts_user u ON u.id = a.author_id
WHERE l.child_id = %(child)s
ORDER BY a.done_on DESC, a.id DESC
LIMIT 5
"""

# The county census: the term's snapshots of the county counted per township.
CENSUS_SQL = """
SELECT substr(s.region_id, 1, 9) AS township,
       SUM(CASE WHEN cs.education THEN 1 ELSE 0 END),
       SUM(CASE WHEN cs.civil THEN 1 ELSE 0 END),
       SUM(CASE WHEN cs.category = 'both_away' THEN 1 ELSE 0 END),
       SUM(CASE WHEN cs.category = 'one_away_other_incapable' THEN 1 ELSE 0 END),
       SUM(CASE WHEN cs.category = 'one_away' THEN 1 ELSE 0 END),
       SUM(CASE WHEN cs.education AND cs.unsupervised THEN 1 ELSE 0 END),
       SUM(CASE WHEN cs.education AND cs.poverty THEN 1 ELSE 0 END)
FROM registry_censussnapshot cs
JOIN org_schoolclass sc ON sc.id = cs.school_class_id
JOIN org_school s ON s.id = sc.school_id
JOIN org_term t ON t.id = cs.term_id
WHERE t.code = %(term)s AND s.region_id BETWEEN %(low)s AND %(high)s
GROUP BY township
"""

# A teacher's worklist: the children they are proxy parent of today, with the quota actions
# done this month, last month and this term, and the home-visit tasks they still owe.
WORKLIST_SQL = """
SELECT c.id, c.name,
       SUM(CASE WHEN l.kind = 'home_visit' AND l.done_on >= %(month)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN l.kind = 'home_visit' AND l.done_on < %(month)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN l.kind = 'parent_call' AND l.done_on >= %(month)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN l.kind = 'parent_call' AND l.done_on < %(month)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN l.kind = 'parent_letter' AND l.done_on >= %(term_start)s THEN 1 ELSE 0 END),
       (SELECT COUNT(*) FROM care_visittask t
        WHERE t.child_id = c.id AND t.assignee_id = p.carer_id AND t.done_on IS NULL)
FROM care_pairing p
JOIN registry_child c ON c.id = p.child_id
LEFT JOIN care_careactionchild l
       ON l.child_id = c.id AND l.done_on >= %(since)s AND l.done_on <= %(today)s
WHERE p.carer_id = %(carer)s AND p.kind = 'proxy_parent' AND p.starts_on <= %(today)s
  AND (p.ends_on IS NULL OR p.ends_on >= %(today)s) AND c.left_on IS NULL
GROUP BY c.id, c.name, c.name_pinyin, p.carer_id
ORDER BY c.name_pinyin
"""

# The county's compliance for a month, per township: the children owed that month (a proxy
# parent since its first day, still on the register at its end), those with a home visit and a
# call in the month, and those with a letter in the term. (The page also weighs exemptions and
# each school's quota settings.)
COMPLIANCE_SQL = """
SELECT substr(s.region_id, 1, 9) AS township,
       COUNT(*),
       SUM(CASE WHEN EXISTS (SELECT 1 FROM care_careactionchild l WHERE l.child_id = c.id
           AND l.kind = 'home_visit' AND l.done_on BETWEEN %(m0)s AND %(m1)s) THEN 1 ELSE 0 END),
       SUM(CASE WHEN EXISTS (SELECT 1 FROM care_careactionchild l WHERE l.child_id = c.id
           AND l.kind = 'parent_call' AND l.done_on BETWEEN %(m0)s AND %(m1)s) THEN 1 ELSE 0 END),
       SUM(CASE WHEN EXISTS (SELECT 1 FROM care_careactionchild l WHERE l.child_id = c.id
           AND l.kind = 'parent_letter' AND l.done_on BETWEEN %(t0)s AND %(t1)s) THEN 1 ELSE 0 END)
FROM registry_child c
JOIN org_schoolclass sc ON sc.id = c.school_class_id
JOIN org_school s ON s.id = sc.school_id
WHERE s.region_id BETWEEN %(low)s AND %(high)s
  AND (c.left_on IS NULL OR c.left_on > %(m1)s)
  AND EXISTS (SELECT 1 FROM care_pairing p WHERE p.child_id = c.id
      AND p.kind = 'proxy_parent' AND p.starts_on <= %(m0)s
      AND (p.ends_on IS NULL OR p.ends_on >= %(m0)s))
GROUP BY township
"""


@dataclass
class Measure:
    """One line of the table: a figure's median, and the query and selector behind a page."""

    key: str
    label: str
    unit: str = "ms"
    value: float | None = None
    queries: int | None = None
    raw_sql_ms: float | None = None
    selector_ms: float | None = None
    runs: int | None = None
    error: str = ""  # the page failed: the run fails
    skipped: str = ""  # the feature does not exist yet: noted, not failed
    extra: dict = field(default_factory=dict)

    def figure(self) -> dict:
        result: dict = {"value": self.value, "unit": self.unit}
        if self.raw_sql_ms is not None:
            result["raw_sql"] = self.raw_sql_ms
        if self.queries is not None:
            result["queries"] = self.queries
        if self.selector_ms is not None:
            result["selector_ms"] = self.selector_ms
        return result | self.extra


# --- timing -----------------------------------------------------------------------------------


def median_ms(
    *,
    run: Callable[[], object],
    warmups: int = WARMUPS,
    runs: int = RUNS,
    min_runs: int = MIN_RUNS,
) -> tuple[float, int]:
    """The median wall time of `run` over up to `runs` runs after `warmups` uncounted ones; a
    slow run stops after BUDGET_S once it has `min_runs`. Returns the median and the runs
    counted."""
    for _ in range(warmups):
        run()
    times: list[float] = []
    spent = 0.0
    while len(times) < runs and (len(times) < min_runs or spent < BUDGET_S):
        started = time.perf_counter()
        run()
        elapsed = time.perf_counter() - started
        spent += elapsed
        times.append(elapsed * 1000)
    return round(statistics.median(times), 2), len(times)


def median_cpu_ms(*, run: Callable[[], object], runs: int = RUNS) -> float:
    """The median CPU time of this process for `run` (no warm-up: run after `median_ms`). On
    the shared machine it moves less with the load than the wall time does."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        run()
        times.append((time.process_time() - started) * 1000)
    return round(statistics.median(times), 2)


def url_exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


def measure_page(
    measure: Measure,
    *,
    client,
    url: str,
    warmups: int = WARMUPS,
    runs: int = RUNS,
    content_type: str = "",
) -> None:
    """Time a GET of the page; a status other than 200 (or another content type than the one
    asked for) or an exception is the measure's error, a URL that does not resolve is skipped
    (its feature is not there yet). A measure in seconds gets its median in seconds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if not url_exists(url):
        measure.skipped = f"{url.split('?')[0]} does not exist yet"
        return
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    except Exception as exc:  # any failure of the page is shown in the table, then exit 1
        measure.error = f"{type(exc).__name__}: {exc}"[:200]
        return
    if response.status_code != 200:
        where = response.get("Location", "")
        measure.error = f"HTTP {response.status_code} for {url}" + (f" → {where}" if where else "")
        return
    if content_type and not response.get("Content-Type", "").startswith(content_type):
        measure.error = f"{response.get('Content-Type')} for {url}, not {content_type}"
        return
    measure.queries = len(queries)
    measure.value, measure.runs = median_ms(
        run=lambda: client.get(url), warmups=warmups, runs=runs, min_runs=min(runs, MIN_RUNS)
    )
    if measure.unit == "s":
        measure.value = round(measure.value / 1000, 2)


def measure_sql(measure: Measure, *, sql: str, params: dict) -> None:
    from django.db import connection

    def run() -> list:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    if not run():
        measure.error = measure.error or "the raw query found no rows"
        return
    measure.raw_sql_ms, _runs = median_ms(run=run)


def measure_selector(measure: Measure, *, run: Callable[[], object] | None) -> None:
    if run is not None:
        measure.selector_ms, _runs = median_ms(run=run)


def selector(module: str, name: str) -> Callable | None:
    """A selector of another app, or None when it is not there yet."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


# --- logging in -------------------------------------------------------------------------------


def login(client, username: str):
    """A client logged in as the user, second factor passed for the roles that must use one
    (as the test suite does it: a confirmed authenticator, and its id in the session)."""
    from django.conf import settings

    from shouhu.accounts.models import User

    user = User.objects.get(username=username)
    device = None
    if user.role in getattr(settings, "SHOUHU_TWO_FACTOR_ROLES", ()):
        try:
            from django_otp.plugins.otp_totp.models import TOTPDevice
        except ImportError:
            TOTPDevice = None  # noqa: N806 - no second factor in this version
        if TOTPDevice is not None:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client.force_login(user)
    if device is not None:
        from django_otp import DEVICE_ID_SESSION_KEY

        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return user


# --- the figures of one county ----------------------------------------------------------------


# Who opens the child's file in the figures: the head teacher of the child's class, and the
# township officer over its school. The keys of the township officer's figures end `_township`.
CHILD_FILE_READERS = {"head": "head teacher", "township": "township officer"}
# The actions the file's 关爱 section lists (care.views.FILE_CARE_ACTIONS).
FILE_CARE_ACTIONS = 5


def child_file_figures(clients: dict) -> list[Measure]:
    """The child's file, the page people open most, as the head teacher and as the township
    officer open it: the first child of the head teacher's class with a proxy parent.

    - `child_file_ms`: the page (`registry:child-detail`, basic tab), beside the one query it
      cannot do without (`CHILD_FILE_SQL`).
    - `child_file_care_ms`: its 关爱 section (`care:child-care-section`), the fragment the page
      fetches with htmx once it is shown, beside `CHILD_CARE_SQL`.

    Each is the median of up to RUNS requests with its query count; every query of the four
    requests is written to var/bench-child-file.sql to read beside the figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from shouhu.accounts.models import User
    from shouhu.registry.models import Child

    head = User.objects.get(username="head")
    child = (
        Child.objects.filter(school_class=head.scope_class, pairings__isnull=False)
        .order_by("name_pinyin", "id")
        .first()
    )
    if child is None:
        return [
            Measure(
                "child_file_ms", "child file", error="the head teacher's class has no paired child"
            )
        ]
    kwargs = {"public_id": child.public_id}
    pages = {
        "child_file": (
            "child file /children/<id>/",
            reverse("registry:child-detail", kwargs=kwargs),
        ),
        "child_file_care": (
            "its 关爱 section /care/children/<id>/section/",
            reverse("care:child-care-section", kwargs=kwargs),
        ),
    }
    # SQLite stores a UUID as its 32 hex digits; PostgreSQL as a uuid.
    public_id = child.public_id.hex if connection.vendor == "sqlite" else str(child.public_id)
    raw = {
        "child_file": (CHILD_FILE_SQL, {"public_id": public_id}),
        "child_file_care": (CHILD_CARE_SQL, {"child": child.pk}),
    }
    # Beside each page its selector alone (`selector_ms`): the rest is the middleware, the
    # session and the template.
    child_file_for = selector("shouhu.registry.selectors", "child_file_for")
    child_for_care = selector("shouhu.care.selectors", "child_for_care")
    child_care_for = selector("shouhu.care.selectors", "child_care_for")
    users = {reader: User.objects.get(username=reader) for reader in CHILD_FILE_READERS}

    def file_selector(user) -> Callable[[], object] | None:
        if child_file_for is None:
            return None
        return lambda: child_file_for(user, public_id=child.public_id, tab="basic")

    def care_selector(user) -> Callable[[], object] | None:
        if child_for_care is None or child_care_for is None:
            return None
        return lambda: child_care_for(
            user, child=child_for_care(user, child.public_id), actions_limit=FILE_CARE_ACTIONS
        )

    selectors = {"child_file": file_selector, "child_file_care": care_selector}
    measures: list[Measure] = []
    written: list[str] = []
    for reader, role in CHILD_FILE_READERS.items():
        suffix = "" if reader == "head" else f"_{reader}"
        for name, (label, url) in pages.items():
            measure = Measure(f"{name}{suffix}_ms", f"{label}, {role}")
            measure_page(measure, client=clients[reader], url=url)
            measures.append(measure)
            if measure.error or measure.skipped:
                continue
            with CaptureQueriesContext(connection) as queries:
                clients[reader].get(url)
            written.append(
                f"-- {measure.key}: GET {url} as the {role} ({len(queries)} queries)\n\n"
                + "".join(f"-- {i}\n{q['sql']};\n\n" for i, q in enumerate(queries, 1))
            )
            client = clients[reader]
            measure.extra["cpu_ms"] = median_cpu_ms(run=functools.partial(client.get, url))
            measure_sql(measure, sql=raw[name][0], params=raw[name][1])
            measure_selector(measure, run=selectors[name](users[reader]))
    path = Path(os.environ.get("SHOUHU_VAR_DIR", ROOT / "var")) / "bench-child-file.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(written))
    for measure in measures:
        if measure.queries is not None:
            measure.extra["queries_sql"] = str(path)
    return measures


def dashboard_figures(client, *, key: str) -> list[Measure]:
    """The dashboard (issue 6), as the county officer sees it: `dashboard_demo_ms` on the demo
    county, `dashboard_20k_ms` on the synthetic one. Skipped until `/dashboard/` exists."""
    measure = Measure(key, "dashboard /dashboard/, county")
    measure_page(measure, client=client, url="/dashboard/")
    return [measure]


def summary_figures(client, county_user, *, key: str) -> list[Measure]:
    """The county's work summary for the term as a PDF, exported by the county officer from
    /reports/summary/pdf/ (the reports issue: under 10 seconds): `summary_county_s` on the
    demo county, `summary_county_20k_s` on the synthetic one, the median of SUMMARY_RUNS exports
    after the first. Beside it, in `selector_ms`, building the summary without rendering the
    PDF (`summary_build`, as `shouhu summary` calls it), once: the rest is WeasyPrint."""
    from shouhu.org.models import Region, Term

    measure = Measure(key, f"summary PDF /reports/summary/pdf/ {COUNTY} {TERM}", unit="s")
    measure_page(
        measure,
        client=client,
        url=f"/reports/summary/pdf/?scope={COUNTY}&term={TERM}",
        warmups=0,
        runs=SUMMARY_RUNS,
        content_type="application/pdf",
    )
    summary_build = selector("shouhu.reports.work_summary.build", "work_summary_build")
    draft_for = selector("shouhu.reports.selectors.drafts", "work_summary_draft_for")
    if summary_build is not None and draft_for is not None and measure.value is not None:
        node = Region.objects.get(code=COUNTY.ljust(12, "0"))
        term = Term.objects.get(code=TERM)

        def build() -> object:
            draft = draft_for(county_user, node=node, term=term)
            return summary_build(county_user, node=node, term=term, draft=draft)

        measure.selector_ms, _runs = median_ms(run=build, warmups=0, runs=1, min_runs=1)
    return [measure]


def care_figures(client_teacher, client_county, *, suffix: str) -> list[Measure]:
    """The teacher's worklist (`/`) and the county's compliance for this month."""
    from shouhu.accounts.models import User
    from shouhu.core.scoping import subtree_range
    from shouhu.org.models import Region

    low, high = subtree_range(COUNTY)
    teacher = User.objects.get(username="teacher")
    county = User.objects.get(username="county")
    worklist = Measure(f"worklist{suffix}_ms", "worklist /, teacher (3 children)")
    measure_page(worklist, client=client_teacher, url="/")
    worklist_for = selector("shouhu.care.selectors", "worklist_for")
    if worklist_for is None:
        worklist.skipped = worklist.skipped or "care.selectors.worklist_for does not exist yet"
    elif not worklist.error:
        measure_selector(worklist, run=lambda: worklist_for(teacher, today=TODAY))
        first = TODAY.replace(day=1)
        last_month = (first - datetime.timedelta(days=1)).replace(day=1)
        measure_sql(
            worklist,
            sql=WORKLIST_SQL,
            params={
                "carer": teacher.pk,
                "today": TODAY.isoformat(),
                "month": first.isoformat(),
                "since": min(last_month, datetime.date(2026, 9, 1)).isoformat(),
                "term_start": "2026-09-01",
            },
        )
    compliance = Measure(
        f"compliance_county_month{suffix}_ms", f"compliance /care/compliance/ {COUNTY} {MONTH}"
    )
    measure_page(
        compliance, client=client_county, url=f"/care/compliance/?scope={COUNTY}&month={MONTH}"
    )
    compliance_for = selector("shouhu.care.compliance", "compliance_for")
    if compliance_for is not None and not compliance.error and not compliance.skipped:
        node = Region.objects.get(code=COUNTY.ljust(12, "0"))
        measure_selector(
            compliance,
            run=lambda: compliance_for(county, node=node, month=MONTH, today=TODAY),
        )
        measure_sql(
            compliance,
            sql=COMPLIANCE_SQL,
            params={
                "low": low,
                "high": high,
                "m0": "2026-11-01",
                "m1": "2026-11-30",
                "t0": "2026-09-01",
                "t1": "2027-01-20",
            },
        )
    return [worklist, compliance]


# The groups of figures of a county, in the order they are measured; `--only` picks some.
GROUPS = ("child_list", "child_file", "census", "care", "dashboard", "summary")
GROUPS += ("guardianship",)  # agreements_batch_s (welfare-guardians, bench/guardianship.py)
GROUPS = (*GROUPS, "aid")  # welfare: the county's 公示 PDF (bench/aid.py)
GROUPS = (*GROUPS, "attendance")  # 考勤 (issue 14): bench/attendance.py
GROUPS = (*GROUPS, "dropout")  # 控辍保学 (issue 14): bench/dropout.py
GROUPS = (*GROUPS, "health")  # issue 15: health and safety (bench/health_safety.py)
GROUPS = (*GROUPS, "activities")  # issue 16: bench/activities.py
GROUPS = (*GROUPS, "offline")  # issue 19: offline capture (bench/offline.py)
GROUPS = (*GROUPS, "parents")  # issue 19: the parents' channel (bench/parents.py)
GROUPS = (*GROUPS, "duties")  # issue 17: the monthly close and the reminders, bench/duties.py
# The groups measured on the demo county only.
DEMO_ONLY_GROUPS = {"child_list", "child_file"}
DEMO_ONLY_GROUPS.add("parents")  # the demo's parents (shouhu.demo.parents)


def county_figures(*, county: str, db: str, seed: bool, only: Sequence[str] = ()) -> dict:
    """Measure one county in this process: set up Django on its database, seed the demo if
    asked, log in, time the pages (every group, or those in `only`). Returns the measures and
    the seeding time."""
    os.environ["SHOUHU_DATABASE_URL"] = database_url(db)
    os.environ["DJANGO_SETTINGS_MODULE"] = "shouhu.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from shouhu.accounts.models import User
    from shouhu.core.scoping import subtree_range

    result: dict = {"measures": []}
    if seed:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("seed_demo", stdout=io.StringIO())
        result["seed_demo_s"] = round(time.perf_counter() - started, 2)
    # Time the pages as production runs them: no query log, no debug pages.
    settings.DEBUG = False
    low, high = subtree_range(COUNTY)
    clients = {name: Client() for name in ("head", "county", "teacher", "township")}
    for name, client in clients.items():
        login(client, name)
    groups = [
        g
        for g in GROUPS
        if (not only or g in only) and (county == "demo" or g not in DEMO_ONLY_GROUPS)
    ]
    measures: list[Measure] = []
    suffix = SUFFIXES[county]
    if "child_list" in groups:
        county_list = Measure("child_list_ms", "child list /children/, county, page 1")
        head_list = Measure("child_list_head_ms", "child list /children/, head teacher")
        measure_page(county_list, client=clients["county"], url="/children/")
        measure_sql(county_list, sql=CHILD_PAGE_SQL, params={"low": low, "high": high})
        measure_page(head_list, client=clients["head"], url="/children/")
        measures += [county_list, head_list]
    if "child_file" in groups:
        measures += child_file_figures(clients)
    if "census" in groups:
        census = Measure(f"census_county{suffix}_ms", f"census /census/?scope={COUNTY}&term={TERM}")
        measure_page(census, client=clients["county"], url=f"/census/?scope={COUNTY}&term={TERM}")
        measure_sql(census, sql=CENSUS_SQL, params={"term": TERM, "low": low, "high": high})
        measures.append(census)
    if "care" in groups:
        measures += care_figures(clients["teacher"], clients["county"], suffix=suffix)
    if "dashboard" in groups:
        measures += dashboard_figures(clients["county"], key=f"dashboard{suffix or '_demo'}_ms")
    if "summary" in groups:
        county_user = User.objects.get(username="county")
        measures += summary_figures(clients["county"], county_user, key=f"summary_county{suffix}_s")
    if "guardianship" in groups:
        from guardianship import agreements_batch_class

        batch_url, printed = agreements_batch_class()
        batch = Measure(
            f"agreements_batch{suffix}_s",
            f"a class's agreements as one PDF ({printed} pages), township",
            unit="s",
            extra={"agreements": printed},
        )
        measure_page(
            batch,
            client=clients["township"],
            url=batch_url or "/welfare/guardianship/classes/0/agreements.pdf",
            warmups=1,
            runs=SUMMARY_RUNS,
            content_type="application/pdf",
        )
        measures.append(batch)
    if "aid" in groups:
        from aid import aid_figures  # bench/aid.py

        measures += aid_figures(
            clients["county"], User.objects.get(username="county"), suffix=suffix
        )
    if "attendance" in groups:  # 考勤 (issue 14): bench/attendance.py
        from attendance import attendance_figures

        measures += attendance_figures(
            clients,
            suffix=suffix,
            county_code=COUNTY,
            measure_cls=Measure,
            timing=(median_ms, measure_page),
        )
    result["measures"] = [asdict(m) for m in measures]
    if "dropout" in groups:  # 控辍保学 (issue 14): bench/dropout.py
        from dropout import dropout_figures

        measures += dropout_figures(sys.modules[__name__], suffix=suffix)
    if "health" in groups:  # issue 15: health and safety (bench/health_safety.py)
        from health_safety import health_figures

        measures += health_figures(clients, suffix=suffix, run=sys.modules[__name__], county=COUNTY)
    if "activities" in groups:  # issue 16: bench/activities.py
        from activities import activities_figures

        measures += activities_figures(
            suffix=suffix,
            measure=Measure,
            median_ms=median_ms,
            today=TODAY,
            county=COUNTY,
            term=TERM,
        )
    if "offline" in groups:  # issue 19: offline capture (bench/offline.py)
        from offline import offline_figures

        measures += offline_figures(
            clients, suffix=suffix, measure_cls=Measure, median_ms=median_ms
        )
    if "parents" in groups:  # issue 19: the parents' channel (bench/parents.py)
        from parents import parents_figures

        measures += parents_figures(measure=Measure, median_ms=median_ms, measure_page=measure_page)
    if "duties" in groups:  # issue 17: bench/duties.py
        from duties import duties_figures

        measures += duties_figures(sys.modules[__name__], suffix=suffix)
    result["measures"] = [asdict(m) for m in measures]
    return result


def bench_clock():
    """The bench's day, 2026-11-29 (10:00 in China), if time_machine is installed: the demo
    and the synthetic county are built and measured on it, so the figures compare across runs
    whatever the real date."""
    try:
        import time_machine
    except ImportError:
        return contextlib.nullcontext()
    moment = datetime.datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    return time_machine.travel(moment, tick=True)


def measure_main(args) -> int:
    """`run.py measure`: one county's figures as one JSON line on stdout, on the bench's day."""
    with bench_clock():
        result = county_figures(
            county=args.county, db=args.db, seed=args.seed, only=args.only or ()
        )
    if args.table:
        rows = [Measure(**m) for m in result["measures"]]
        print_table(rows, notes=[], loads=[load_average()])
        return 1 if any(m.error for m in rows) else 0
    print(json.dumps(result, ensure_ascii=False))
    return 0


def shouhu_main(args) -> int:
    """`run.py shouhu ARGS…`: the `shouhu` command on the bench's day (synth builds its care
    work up to the day before it)."""
    sys.path.insert(0, str(ROOT))  # this checkout's shouhu, as county_figures imports it
    from shouhu.cli import main as shouhu_cli

    sys.argv = ["shouhu", *args.rest]
    with bench_clock():
        shouhu_cli()
    return 0


def serve_rows() -> list[Measure]:
    """`serve_child_list_ms` (issue 17): the demo county's child list as production serves it,
    in a throwaway PostgreSQL 15 cluster (scripts/with-postgres.sh). Skipped where PostgreSQL 15
    is not installed."""
    measure = Measure("serve_child_list_ms", SERVE_LABEL)
    if not (Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")) / "initdb").exists():
        measure.skipped = "PostgreSQL 15 is not installed"
        return [measure]
    print("the child list through gunicorn on PostgreSQL: seed-demo, shouhu serve …", flush=True)
    done = subprocess.run(  # noqa: S603 - the project's script running this script
        ["/bin/bash", str(ROOT / "scripts/with-postgres.sh"), sys.executable, __file__, "serve"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        measure.error = f"the served run failed:\n{done.stderr[-600:]}"
        return [measure]
    return [Measure(**m) for m in json.loads(done.stdout.strip().splitlines()[-1])]


def serve_main() -> int:
    """`run.py serve`, inside scripts/with-postgres.sh: seed the demo county (SHOUHU_DEBUG=1, as
    seed-demo demands) with production keys, start `shouhu serve` on it with SHOUHU_DEBUG=0
    (without the HTTPS redirect: no proxy here), both on the bench's day; log the county officer
    in as the other figures do, then time GET /children/ with the session cookie."""
    import secrets
    import signal
    import urllib.request

    from cryptography.fernet import Fernet

    measure = Measure("serve_child_list_ms", SERVE_LABEL)
    url = os.environ["SHOUHU_DATABASE_URL"]
    with tempfile.TemporaryDirectory(prefix="shouhu-bench-serve-") as tmp:
        os.environ |= {
            "SHOUHU_SECRET_KEY": secrets.token_urlsafe(48),
            "SHOUHU_FIELD_KEY": Fernet.generate_key().decode(),
            "SHOUHU_VAR_DIR": tmp,
        }
        shouhu(url, "migrate", "--noinput", "-v0")
        os.environ["SHOUHU_DEBUG"] = "1"
        shouhu(url, "seed-demo")
        os.environ |= {"SHOUHU_DEBUG": "0", "SHOUHU_SSL_REDIRECT": "0"}
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 - the project's own command
            [sys.executable, __file__, "shouhu", "serve", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(SERVE_WORKERS), "--access-log", str(Path(tmp) / "access.log")],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            with bench_clock():
                cookie = session_cookie("county", database=url)
            if not wait_for(f"{base}/healthz", server=server):
                measure.error = f"shouhu serve did not answer:\n{server.stderr.read()[-600:]}"  # type: ignore[union-attr]
            else:
                request = urllib.request.Request(  # noqa: S310 - our own server on loopback
                    f"{base}/children/", headers={"Cookie": cookie}
                )

                def get() -> int:
                    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                        response.read()
                        return response.status

                status = get()
                if status != 200:
                    measure.error = f"HTTP {status} for /children/"
                else:
                    measure.value, measure.runs = median_ms(run=get, runs=RUNS * 2)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        # gunicorn's own time for each request (its access log's "…ms"): the rest is HTTP.
        served = [
            float(line.rsplit("ms ", 1)[0].rsplit(" ", 1)[1])
            for line in (Path(tmp) / "access.log").read_text().splitlines()
            if '"GET /children/ ' in line
        ]
        measure.extra = {"workers": SERVE_WORKERS}
        if served:
            measure.extra["server_ms"] = statistics.median(served[WARMUPS + 1 :] or served)
    print(json.dumps([asdict(measure)], ensure_ascii=False))
    return 0


def session_cookie(username: str, *, database: str) -> str:
    """A session of the user (second factor passed, as `login` does it), as a Cookie header."""
    os.environ["SHOUHU_DATABASE_URL"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = "shouhu.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    client = Client()
    login(client, username)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def wait_for(url: str, *, server: subprocess.Popen, seconds: float = 60) -> bool:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                return response.status == 200
        except OSError:
            time.sleep(0.3)
    return False


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the run ----------------------------------------------------------------------------------


def database_url(db: str | Path) -> str:
    """A database named by a SQLite file or by a URL (PostgreSQL)."""
    return str(db) if "://" in str(db) else f"sqlite:///{db}"


def subprocess_figures(
    county: str, db: str | Path, *, seed: bool, only: Sequence[str] = ()
) -> dict:
    command = [sys.executable, str(Path(__file__)), "measure", "--county", county, "--db", str(db)]
    done = subprocess.run(  # noqa: S603 - this interpreter running this script
        [*command, *(["--seed"] if seed else []), *(f"--only={g}" for g in only)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"measuring the {county} county failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def shouhu(db: str | Path, *args: str, env: dict | None = None) -> float:
    """Run a `shouhu` command on the database, on the bench's day; its wall time in seconds."""
    env = {**os.environ, **(env or {}), "SHOUHU_DATABASE_URL": database_url(db)}
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - the project's own command
        [sys.executable, str(Path(__file__)), "shouhu", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"shouhu {' '.join(args)} failed:\n{done.stderr[-4000:]}")
    for line in done.stdout.strip().splitlines():
        print(f"  {line}", flush=True)
    return seconds


def demo_rows(db: Path, *, only: Sequence[str] = ()) -> list[Measure]:
    """seed-demo and the demo county's pages; a failure is the run's error, not a crash."""
    print("demo county: migrate, seed-demo, measure …", flush=True)
    try:
        demo = subprocess_figures("demo", db, seed=True, only=only)
    except RuntimeError as exc:
        return [Measure("seed_demo_s", "seed-demo, full demo county", unit="s", error=str(exc))]
    seed = Measure("seed_demo_s", "seed-demo, full demo county", unit="s")
    seed.value = demo["seed_demo_s"]
    return [seed, *(Measure(**m) for m in demo["measures"])]


def job_latency_rows(db: Path) -> list[Measure]:
    """`job_latency_s`: from a duty falling due to its completion, on the seeded demo county.

    The duties fall due on whole minutes, when `shouhu scheduler` (or the run-due timer) makes
    its pass; the figure runs that pass (`shouhu run-due`, a process of its own) on a database
    where the latest occurrence of every duty is not yet recorded, with `shouhu worker` already
    running beside it, and stops the clock when the last run it queued is recorded as finished.
    """
    label = "a due job: run-due pass → shouhu worker → recorded, demo county"
    env = {**os.environ, "SHOUHU_DATABASE_URL": database_url(db)}
    worker = subprocess.Popen(  # noqa: S603 - the project's own command
        [sys.executable, "-m", "shouhu.cli", "worker", "--no-startup-delay", "--interval", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with contextlib.closing(sqlite3.connect(db, timeout=20)) as con, con:
            con.execute("DELETE FROM jobs_jobrun")
        started = time.time()
        subprocess.run(  # noqa: S603 - the project's own command
            [sys.executable, "-m", "shouhu.cli", "run-due"], cwd=ROOT, env=env, check=True
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            with contextlib.closing(sqlite3.connect(db, timeout=20)) as con:
                rows = con.execute("SELECT status, finished_at FROM jobs_jobrun").fetchall()
            if rows and all(status == "succeeded" for status, _f in rows):
                break
            time.sleep(0.2)
        else:
            return [Measure("job_latency_s", label, unit="s", error=f"jobs not done: {rows}")]
        # Django stores UTC on SQLite, without the offset.
        utc = datetime.UTC
        last = max(datetime.datetime.fromisoformat(f).replace(tzinfo=utc) for _s, f in rows)
        return [
            Measure("job_latency_s", label, unit="s", value=round(last.timestamp() - started, 2))
        ]
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def synth_rows(db: str | Path, *, county: str = "synth20k") -> list[Measure]:
    """`shouhu synth` of 20,000 children, timed from the outside, and its pages."""
    label = f"shouhu synth --children {SYNTH_CHILDREN} --months {SYNTH_MONTHS}"
    synth = Measure(f"synth{SUFFIXES[county]}_s", label, unit="s")
    print(f"synthetic county ({county}): migrate, {label} …", flush=True)
    try:
        shouhu(db, "migrate", "--noinput", "-v0")
        seconds = shouhu(
            db, "synth", "--children", str(SYNTH_CHILDREN), "--months", str(SYNTH_MONTHS)
        )
        synth.value = round(seconds, 1)
        print("synthetic county: measure …", flush=True)
        measured = subprocess_figures(county, db, seed=False)
    except RuntimeError as exc:
        synth.error = synth.error or str(exc)[-600:]
        return [synth]
    return [synth, *(Measure(**m) for m in measured["measures"]), *backup_rows(db, county=county)]


def backup_rows(db: str | Path, *, county: str) -> list[Measure]:
    """`shouhu backup` of the synthetic county and `shouhu restore` of its archive into a new
    empty database (a SQLite file beside it, or a database of the same PostgreSQL cluster),
    each timed from the outside: `backup_20k_s` and `restore_20k_s` (keys ending `_pg` on
    PostgreSQL). The restore includes its checks: the row counts and the county's figures."""
    from cryptography.fernet import Fernet

    suffix = SUFFIXES[county]
    backup = Measure(f"backup{suffix}_s", "shouhu backup, synthetic county", unit="s")
    restore = Measure(f"restore{suffix}_s", "shouhu restore into an empty database", unit="s")
    print(f"synthetic county ({county}): backup, restore …", flush=True)
    with tempfile.TemporaryDirectory(prefix="shouhu-bench-backup-") as tmp:
        env = {"SHOUHU_BACKUP_KEY": Fernet.generate_key().decode(), "SHOUHU_VAR_DIR": tmp}
        archive = Path(tmp) / "synth.shouhu-backup"
        try:
            backup.value = round(shouhu(db, "backup", str(archive), env=env), 1)
            backup.extra = {"archive_mb": round(archive.stat().st_size / 1e6, 1)}
            target = empty_database_beside(db, tmp)
            restore.value = round(shouhu(target, "restore", str(archive), env=env), 1)
        except RuntimeError as exc:
            (restore if backup.value is not None else backup).error = str(exc)[-600:]
    return [backup, restore]


def empty_database_beside(db: str | Path, tmp: str) -> str:
    """A new empty database: a file in `tmp` for SQLite, `…_restored` on PostgreSQL."""
    if "://" not in str(db):
        return f"sqlite:///{Path(tmp) / 'restored.sqlite3'}"
    import psycopg

    server, _, name = str(db).rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}_restored"')
        admin.execute(f'CREATE DATABASE "{name}_restored"')
    return f"{server}/{name}_restored"


def postgres_rows() -> list[Measure]:
    """The synthetic county again on PostgreSQL 15, production's database, in a throwaway
    cluster (scripts/with-postgres.sh): `synth_20k_pg_s` and the same pages, keys ending
    `_20k_pg`. Skipped where PostgreSQL 15 is not installed."""
    synth = Measure("synth_20k_pg_s", "shouhu synth on PostgreSQL 15", unit="s")
    if not (Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")) / "initdb").exists():
        synth.skipped = "PostgreSQL 15 is not installed"
        return [synth]
    done = subprocess.run(  # noqa: S603 - the project's script running this script
        ["/bin/bash", str(ROOT / "scripts/with-postgres.sh"), sys.executable, __file__, "postgres"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        synth.error = f"the PostgreSQL run failed:\n{done.stderr[-600:]}"
        return [synth]
    print(done.stdout.strip().rsplit("\n", 1)[0], flush=True)
    return [Measure(**m) for m in json.loads(done.stdout.strip().splitlines()[-1])]


def postgres_main() -> int:
    """`run.py postgres`, inside scripts/with-postgres.sh: the synthetic county on the cluster
    it started, its measures as one JSON line."""
    rows = synth_rows(os.environ["SHOUHU_DATABASE_URL"], county="synth20k_pg")
    print(json.dumps([asdict(m) for m in rows], ensure_ascii=False))
    return 0


def import_figures() -> dict:
    """The census import's figures (`census_import.py`). It builds its own throwaway database in
    a process of its own."""
    from census_import import run_import_benchmark

    try:
        return run_import_benchmark()
    except RuntimeError as exc:
        return {"import_20k_s": {"value": None, "unit": "s", "error": str(exc)[-600:]}}


def grades_figures() -> dict:
    """The grade import's figures (`grades.py`), in a process and database of its own."""
    from grades import run_grades_benchmark

    try:
        return run_grades_benchmark()
    except RuntimeError as exc:
        return {"grades_import_2k_s": {"value": None, "unit": "s", "error": str(exc)[-600:]}}


def figure_args(figure: dict) -> dict:
    return {
        "value": figure.get("value"),
        "error": figure.get("error", ""),
        "extra": {k: v for k, v in figure.items() if k not in ("value", "unit", "error")},
    }


def grades_main() -> int:
    """`run.py grades`: the grade import alone, its figures as one JSON line (and merged)."""
    figures = grades_figures()
    print(json.dumps(figures, ensure_ascii=False))
    if any(f.get("error") for f in figures.values()):
        return 1
    var = Path(os.environ.get("SHOUHU_VAR_DIR", ROOT / "var"))
    bench_json_merge(path=var / "bench.json", figures=figures)
    return 0


def home_figures() -> dict:
    """The Home's figures (`home.py`), in a throwaway database and a process of their own."""
    from home import run_home_benchmark

    try:
        return run_home_benchmark()
    except RuntimeError as exc:
        return {"roster_generate_ms": {"value": None, "unit": "ms", "error": str(exc)[-600:]}}


def home_main() -> int:
    """`run.py home`: the Home's roster alone, its figures as one JSON line."""
    figures = home_figures()
    print(json.dumps(figures, ensure_ascii=False))
    return 1 if any(f.get("error") for f in figures.values()) else 0


def notify_figures() -> dict:
    """The outbox's delivery (`notify.py`, issue 19), in a throwaway database of its own."""
    from notify import run_notify_benchmark

    try:
        return run_notify_benchmark()
    except RuntimeError as exc:
        return {"notify_deliver_1000_s": {"value": None, "unit": "s", "error": str(exc)[-600:]}}


def notify_main() -> int:
    """`run.py notify`: delivering 1,000 queued messages alone, as one JSON line (and merged)."""
    figures = notify_figures()
    print(json.dumps(figures, ensure_ascii=False))
    var = Path(os.environ.get("SHOUHU_VAR_DIR", ROOT / "var"))
    bench_json_merge(
        path=var / "bench.json", figures={k: v for k, v in figures.items() if not v.get("error")}
    )
    return 1 if any(f.get("error") for f in figures.values()) else 0


def import_main() -> int:
    """`run.py import`: the census import alone (the .xlsx, then the same rows as .xls), its
    figures as one JSON line (and merged into var/bench.json)."""
    figures = import_figures()
    print(json.dumps(figures, ensure_ascii=False))
    if any(f.get("error") for f in figures.values()):
        return 1
    var = Path(os.environ.get("SHOUHU_VAR_DIR", ROOT / "var"))
    bench_json_merge(path=var / "bench.json", figures=figures)
    return 0


def bench_json_merge(*, path: Path, figures: dict) -> None:
    """Write the figures into the JSON file, keeping every key already there."""
    existing: dict = {}
    if path.exists():
        try:
            existing = json.loads(path.read_text())
        except json.JSONDecodeError:
            print(f"warning: {path} was not valid JSON; starting it afresh", file=sys.stderr)
    existing.update(figures)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")


def print_table(rows: list[Measure], *, notes: list[str], loads: list[str]) -> None:
    def cell(value: float | None, digits: int = 1) -> str:
        return "—" if value is None else f"{value:.{digits}f}"

    print()
    header = f"{'figure':<34}{'value':>10} {'unit':<4}{'queries':>8}"
    print(f"{header}{'raw SQL ms':>12}{'selector ms':>13}")
    for m in rows:
        queries = "—" if m.queries is None else str(m.queries)
        line = (
            f"{m.key:<34}{cell(m.value):>10} {m.unit:<4}{queries:>8}"
            f"{cell(m.raw_sql_ms, 2):>12}{cell(m.selector_ms):>13}"
        )
        if m.error:
            line += f"   FAILED: {m.error}"
        elif m.skipped:
            line += f"   skipped: {m.skipped}"
        else:
            line += f"   {m.label}"
            if "cpu_ms" in m.extra:
                line += f" (CPU {m.extra['cpu_ms']:.1f} ms)"
        print(line)
    print(
        f"(pages: median of up to {RUNS} runs after {WARMUPS} warm-ups, server time through the "
        "test client, DEBUG off; clock set to 2026-11-29; the summary PDF: median of "
        f"{SUMMARY_RUNS} after one warm-up)"
    )
    for note in notes:
        print(f"note: {note}")
    print(f"load average (1, 5, 15 min) on this shared machine: {' → '.join(loads)}")


def load_average() -> str:
    return ", ".join(f"{n:.2f}" for n in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    measure = commands.add_parser("measure", help="measure one county (used by the run itself)")
    measure.add_argument("--county", choices=list(SUFFIXES), required=True)
    commands.add_parser("postgres", help="the synthetic county on PostgreSQL (inside the run)")
    commands.add_parser("import", help="only the census import of 20,000 rows")
    commands.add_parser("grades", help="only the grade import of 2,000 rows")
    commands.add_parser("home", help="only the Home's roster of 60 teachers (issue 16)")
    commands.add_parser("notify", help="only delivering 1,000 queued messages (issue 19)")
    province = commands.add_parser("province", help="the pages at province scale (province.py)")
    province.add_argument("rest", nargs=argparse.REMAINDER)
    on_day = commands.add_parser("shouhu", help="a shouhu command on the bench's day")
    on_day.add_argument("rest", nargs=argparse.REMAINDER)
    commands.add_parser("serve", help="the child list through gunicorn (inside the run)")
    measure.add_argument("--db", required=True, help="a SQLite file (or a database URL)")
    measure.add_argument("--seed", action="store_true", help="migrate and seed the demo first")
    measure.add_argument(
        "--table", action="store_true", help="print the table instead of the JSON line"
    )
    for command in (parser, measure):
        command.add_argument(
            "--only",
            action="append",
            choices=GROUPS,
            help="measure only this group of figures (repeatable); the whole run then measures "
            "the demo county alone (no synthetic county, served list or import)",
        )
    parser.add_argument("--skip-synth", action="store_true", help="leave out the 20k county")
    parser.add_argument("--skip-import", action="store_true", help="leave out the import")
    parser.add_argument(
        "--skip-postgres", action="store_true", help="leave out the 20k county on PostgreSQL"
    )
    parser.add_argument(
        "--skip-serve", action="store_true", help="leave out the child list through gunicorn"
    )
    args = parser.parse_args()
    if args.command == "measure":
        return measure_main(args)
    if args.command == "postgres":
        return postgres_main()
    if args.command == "serve":
        return serve_main()
    if args.command == "shouhu":
        return shouhu_main(args)
    if args.command == "province":  # issue 18: bench/province.py
        from province import main as province_main

        sys.argv = [str(Path(__file__).with_name("province.py")), *args.rest]
        return province_main()
    if args.command == "import":
        return import_main()
    if args.command == "grades":
        return grades_main()
    if args.command == "home":
        return home_main()
    if args.command == "notify":
        return notify_main()

    loads = [load_average()]
    rows: list[Measure] = []
    notes: list[str] = []
    figures: dict = {}
    only = args.only or ()
    with tempfile.TemporaryDirectory(prefix="shouhu-bench-") as tmp:
        rows += demo_rows(Path(tmp) / "demo.sqlite3", only=only)
        if not only:
            rows += job_latency_rows(Path(tmp) / "demo.sqlite3")
        if not args.skip_synth and not only:
            rows += synth_rows(Path(tmp) / "synth.sqlite3")
            if not args.skip_postgres:
                rows += postgres_rows()
        loads.append(load_average())
    if not args.skip_serve and not only:
        rows += serve_rows()
    if not args.skip_import and not only:
        print("census import of 20,000 rows …", flush=True)
        imported = import_figures()
        for key, figure in imported.items():
            rows.append(
                Measure(
                    key,
                    "census import, 20,000 rows",
                    unit=figure.get("unit", ""),
                    value=figure.get("value"),
                    error=figure.get("error", ""),
                    extra={k: v for k, v in figure.items() if k not in ("value", "unit", "error")},
                )
            )
            if not figure.get("error"):
                figures[key] = figure
    if not args.skip_import and not only:  # the grade import (bench/grades.py)
        print("grade import of 2,000 rows …", flush=True)
        for key, figure in grades_figures().items():
            rows.append(
                Measure(key, "grade sheet import, 2,000 rows", unit="s", **figure_args(figure))
            )
            if not figure.get("error"):
                figures[key] = figure
    if not only:
        for key, figure in home_figures().items():
            rows.append(
                Measure(
                    key,
                    "the Home's roster for a term, a school of 60 teachers",
                    unit=figure.get("unit", ""),
                    value=figure.get("value"),
                    error=figure.get("error", ""),
                    extra={k: v for k, v in figure.items() if k not in ("value", "unit", "error")},
                )
            )
            if not figure.get("error"):
                figures[key] = figure
    if not only:  # issue 19: the outbox (bench/notify.py)
        for key, figure in notify_figures().items():
            rows.append(
                Measure(
                    key,
                    "delivering 1,000 queued messages, file backend",
                    unit="s",
                    **figure_args(figure),
                )
            )
            if not figure.get("error"):
                figures[key] = figure
    loads.append(load_average())
    for m in rows:
        if m.skipped:
            notes.append(f"{m.key} skipped: {m.skipped}")
        elif not m.error and m.value is not None and m.key not in figures:
            figures[m.key] = m.figure()
    print_table(rows, notes=notes, loads=loads)
    path = Path(os.environ.get("SHOUHU_VAR_DIR", ROOT / "var")) / "bench.json"
    bench_json_merge(path=path, figures=figures)
    print(f"written: {path}")
    failed = [m for m in rows if m.error]
    for m in failed:
        print(f"error: {m.key}: {m.error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
