"""Benchmarks on the full demo county (`make bench`).

1. Migrate a throwaway SQLite database in a temporary directory and seed the demo county.
2. Time the pages people wait on, through Django's test client (server time, no network):
   the child list (as `head`, and the first page as `county`) and the county census.
3. Time the one SQL query each page cannot do without, straight on the connection, to show how
   much of the page is the database and how much is Python and templates.
4. Print a table and merge the figures into var/bench.json, keeping the keys others wrote.

A page that does not answer 200 is reported, its figures are not written, and the script exits
with status 1.
"""

import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARMUPS = 2
RUNS = 15
COUNTY = "511781"
TERM = "2026-2027-1"

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


@dataclass
class Measure:
    """One line of the table: a page's median time, and the query it rests on."""

    key: str
    label: str
    page_ms: float | None = None
    queries: int | None = None
    raw_sql_ms: float | None = None
    error: str = ""


def median_ms(*, run: Callable[[], object]) -> float:
    """The median wall time of `run` over RUNS runs, after WARMUPS that are not counted."""
    for _ in range(WARMUPS):
        run()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure_page(measure: Measure, *, client, url: str) -> None:
    """Time a GET of the page; a status other than 200 or an exception is the measure's error."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    except Exception as exc:  # any failure of the page is shown in the table, then exit 1
        measure.error = f"{type(exc).__name__}: {exc}"[:200]
        return
    if response.status_code != 200:
        measure.error = f"HTTP {response.status_code} for {url}"
        return
    measure.queries = len(queries)
    measure.page_ms = median_ms(run=lambda: client.get(url))


def measure_sql(measure: Measure, *, sql: str, params: dict) -> None:
    from django.db import connection

    def run() -> list:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    if not run():
        measure.error = measure.error or "the raw query found no rows"
        return
    measure.raw_sql_ms = median_ms(run=run)


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


def print_table(*, measures: list[Measure], seed_s: float) -> None:
    def cell(value: float | None, digits: int = 1) -> str:
        return "—" if value is None else f"{value:.{digits}f}"

    print()
    print(f"{'measure':<48}{'page ms':>10}{'queries':>9}{'raw SQL ms':>12}")
    for m in measures:
        queries = "—" if m.queries is None else str(m.queries)
        line = f"{m.label:<48}{cell(m.page_ms):>10}{queries:>9}{cell(m.raw_sql_ms, 2):>12}"
        print(line + (f"   FAILED: {m.error}" if m.error else ""))
    print(f"{'seed-demo (full county), s':<48}{seed_s:>10.1f}")
    print(f"(median of {RUNS} runs after {WARMUPS} warm-ups; DEBUG off while timing)")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="shouhu-bench-") as tmp:
        os.environ["SHOUHU_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["DJANGO_SETTINGS_MODULE"] = "shouhu.settings"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client

        from shouhu.accounts.models import User
        from shouhu.org.models import subtree_range

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("seed_demo", stdout=io.StringIO())
        seed_s = time.perf_counter() - started

        # Time the pages as production runs them: no query log, no debug pages.
        settings.DEBUG = False
        low, high = subtree_range(COUNTY)
        head, county = Client(), Client()
        head.force_login(User.objects.get(username="head"))
        county.force_login(User.objects.get(username="county"))

        county_list = Measure("child_list_ms", "child list /children/, county, page 1")
        head_list = Measure("child_list_head_ms", "child list /children/, head teacher")
        census = Measure("census_county_ms", f"census /census/?scope={COUNTY}&term={TERM}")
        measure_page(county_list, client=county, url="/children/")
        measure_sql(county_list, sql=CHILD_PAGE_SQL, params={"low": low, "high": high})
        measure_page(head_list, client=head, url="/children/")
        measure_page(census, client=county, url=f"/census/?scope={COUNTY}&term={TERM}")
        measure_sql(census, sql=CENSUS_SQL, params={"term": TERM, "low": low, "high": high})
        measures = [county_list, head_list, census]

        print_table(measures=measures, seed_s=seed_s)
        figures: dict = {"seed_demo_s": {"value": round(seed_s, 2), "unit": "s"}}
        for m in measures:
            if m.error or m.page_ms is None:
                continue
            figures[m.key] = {"value": round(m.page_ms, 2), "unit": "ms", "queries": m.queries}
            if m.raw_sql_ms is not None:
                figures[m.key]["raw_sql"] = round(m.raw_sql_ms, 3)
        path = Path(settings.VAR_DIR) / "bench.json"
        bench_json_merge(path=path, figures=figures)
        print(f"written: {path}")
        connections.close_all()
        failed = [m for m in measures if m.error]
        for m in failed:
            print(f"error: {m.label}: {m.error}", file=sys.stderr)
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
