"""The province benchmark (`make bench-province`, issue 18 "Speed at province scale").

Not part of `make bench` nor `make test`: against a PostgreSQL database named by
`SHOUHU_DATABASE_URL`, or else in a throwaway PostgreSQL 15 cluster (scripts/with-postgres.sh)
filled by `shouhu synth --children N --months 12` on the bench's day (N: `--children`, default
1,500,000; `make bench-province CHILDREN=20000` for a county-sized run). A database that already
holds children is measured as it is: fill it on the bench's day (`bench/run.py shouhu synth …`),
so that its term and month are the ones measured.

The eight figures of the issue's table, each timed as bench/run.py times pages (Django's test
client, server time, DEBUG off, the median of several runs after warm-ups) and each **held
against the raw SQL for the same answer**: the page's own number (read from its template
context) must equal the raw SQL's, whose time is reported beside the page's (`raw_sql`).

Each figure, its actor and page, and the number held:

- `worklist_ms_province`: the teacher with the most proxy-parent children, `/`; their open
  home-visit tasks (and every child listed must be theirs).
- `child_list_ms_province`: the head teacher of the largest class, `/children/`; the children
  on the list.
- `child_search_ms_province`: the largest county's officer, `/children/?q=` in characters and
  in pinyin (the slower of the two); the children found.
- `census_county_ms_province`, `census_province_ms_province`: the county's officer and the
  province's, `/census/?scope=CODE`; the left-behind children (education's definition).
- `compliance_county_month_ms_province`: the county officer, `/care/compliance/?scope=COUNTY
  &month=`; the children owed a home visit that month (exempt ones included), and those visited.
- `dashboard_county_ms_province`, `dashboard_province_ms_province`: the county's officer (its
  leader's view) and the province's, `/dashboard/?scope=CODE`; the left-behind tile.

The actors are picked from the data; a county or province without a region officer gets one
(`bench-county-CODE`, `bench-province-CODE`). With the figures, `db_bytes_province` (the
database's size) and `children_province` are merged into var/bench.json, keeping the keys others
wrote. The run exits 1 when a page does not answer 200 or its number differs from the raw SQL's.
"""

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import run  # bench/run.py: the timing, the logging in, the table and the merge
from run import MONTH, ROOT, TERM, TODAY, Measure

SUFFIX = "_province"
ONLY: tuple[str, ...] = ()  # --only: the figures measured (key prefixes); empty: all eight
CHILDREN = 1_500_000
MONTHS = 12
TARGETS_MS = {
    "worklist": 50,
    "child_list": 100,
    "child_search": 200,
    "census_county": 500,
    "census_province": 2000,
    "compliance_county_month": 2000,
    "dashboard_county": 1000,
    "dashboard_province": 3000,
}

# --- the raw SQL of each answer ---------------------------------------------------------------

# The teacher's open home-visit tasks (the worklist's task items), children on the register.
TASKS_SQL = """
SELECT COUNT(*) FROM care_visittask t JOIN registry_child c ON c.id = t.child_id
WHERE t.assignee_id = %(carer)s AND t.done_on IS NULL AND c.left_on IS NULL
"""

# The children on a class's list (the head teacher's scope is the class).
CLASS_COUNT_SQL = """
SELECT COUNT(*) FROM registry_child c WHERE c.school_class_id = %(class)s AND c.left_on IS NULL
"""

# The children a region officer's name search finds: on the register, in the region by school
# or by home village, the name containing the characters or the pinyin starting with the key.
SEARCH_COUNT_SQL = """
SELECT COUNT(*)
FROM registry_child c
JOIN org_schoolclass sc ON sc.id = c.school_class_id
JOIN org_school s ON s.id = sc.school_id
WHERE c.left_on IS NULL
  AND (s.region_id BETWEEN %(low)s AND %(high)s OR c.home_region_id BETWEEN %(low)s AND %(high)s)
  AND ({match})
"""
MATCH_CHARACTERS = "c.name LIKE %(contains)s OR c.name_pinyin LIKE %(prefix)s"
MATCH_PINYIN = "c.name_initials LIKE %(prefix)s OR c.name_pinyin LIKE %(prefix)s"

# The database's size, and the children on its register.
SIZE_SQL = "SELECT pg_database_size(current_database())"


@dataclass
class Actors:
    teacher: object
    head: object
    county_officer: object
    province_officer: object
    county: object  # org.Region
    province: object  # org.Region
    search: str  # a child's name in the county
    search_pinyin: str  # the same name's full pinyin


# --- the actors -------------------------------------------------------------------------------


def pick_actors() -> Actors:
    """From the data: the teacher with the most proxy-parent children today, the head teacher of
    the class with the most children on the register, the county with the most children, its
    province, their officers, and a name in the county to search for."""
    from django.db import connection

    from shouhu.accounts.models import User
    from shouhu.core.roles import Role
    from shouhu.org.models import Region, RegionLevel

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT p.carer_id FROM care_pairing p
               JOIN registry_child c ON c.id = p.child_id
               JOIN accounts_user u ON u.id = p.carer_id
               WHERE p.kind = 'proxy_parent' AND p.starts_on <= %(today)s
                 AND (p.ends_on IS NULL OR p.ends_on >= %(today)s) AND c.left_on IS NULL
                 AND u.role = %(role)s AND u.is_active
               GROUP BY p.carer_id ORDER BY COUNT(*) DESC, p.carer_id LIMIT 1""",
            {"today": TODAY, "role": Role.TEACHER},
        )
        teacher_id = cursor.fetchone()[0]
        cursor.execute(
            """SELECT u.id FROM accounts_user u
               JOIN registry_child c ON c.school_class_id = u.scope_class_id
               WHERE u.role = %(role)s AND u.is_active AND c.left_on IS NULL
               GROUP BY u.id ORDER BY COUNT(*) DESC, u.id LIMIT 1""",
            {"role": Role.HEAD_TEACHER},
        )
        head_id = cursor.fetchone()[0]
        cursor.execute(
            """SELECT substr(s.region_id, 1, 6) FROM registry_child c
               JOIN org_schoolclass sc ON sc.id = c.school_class_id
               JOIN org_school s ON s.id = sc.school_id
               WHERE c.left_on IS NULL
               GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1"""
        )
        county_code = cursor.fetchone()[0]
    county = Region.objects.get(code=county_code.ljust(12, "0"))
    province = Region.objects.get(code=county_code[:2].ljust(12, "0"))
    assert province.level == RegionLevel.PROVINCE, f"{province.code} is not a province"
    from shouhu.registry.models import Child

    low, high = subtree_range(county.code[:6])
    named = (
        Child.objects.filter(
            left_on__isnull=True, school_class__school__region__code__range=(low, high)
        )
        .order_by("id")
        .values_list("name", "name_pinyin")
    )
    middle = named.count() // 2
    name, pinyin = named[middle]
    return Actors(
        teacher=User.objects.get(pk=teacher_id),
        head=User.objects.get(pk=head_id),
        county_officer=region_officer(county, Role.REGION_OFFICER, User),
        province_officer=region_officer(province, Role.REGION_OFFICER, User),
        county=county,
        province=province,
        search=name,
        search_pinyin=pinyin,
    )


def subtree_range(code: str) -> tuple[str, str]:
    from shouhu.core.scoping import subtree_range as scoping_range

    return scoping_range(code)


def region_officer(region, role: str, user_model):
    """An active officer scoped at the region, made (`bench-…-CODE`) when there is none."""
    officer = (
        user_model.objects.filter(role=role, scope_region=region, is_active=True)
        .order_by("id")
        .first()
    )
    if officer is None:
        officer, _created = user_model.objects.get_or_create(
            username=f"bench-{region.level}-{region.code}",
            defaults={
                "role": role,
                "scope_region": region,
                "display_name": f"{region.name}测试员",
            },
        )
    return officer


# --- the page's own number --------------------------------------------------------------------


def page_context(client, url: str):
    """The page's template context (one extra request, with Django's test instrumentation on:
    the timed requests run without it)."""
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment(debug=False)
    try:
        response = client.get(url)
    finally:
        teardown_test_environment()
    if response.status_code != 200:
        raise AssertionError(f"HTTP {response.status_code} for {url}")
    return response.context


def raw_value(sql: str, params: dict) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0] or 0)


def hold(measure: Measure, *, page: object, raw: object) -> None:
    """The page's number beside the raw SQL's: a difference fails the run."""
    measure.extra["page_number"] = page
    measure.extra["raw_sql_number"] = raw
    if page != raw:
        measure.error = measure.error or f"the page says {page}, the raw SQL {raw}"


def figure(
    measure: Measure,
    *,
    client,
    url: str,
    number: Callable[[object], object],
    raw_sql: str,
    params: dict,
    raw_number: Callable[[list], object] | None = None,
) -> Measure:
    """Time the page and its raw SQL, and hold the page's number against the raw SQL's."""
    from django.db import connection

    if ONLY and not measure.key.startswith(ONLY):
        measure.skipped = "not asked for (--only)"
        return measure
    run.measure_page(measure, client=client, url=url)
    if measure.error or measure.skipped:
        return measure
    run.measure_sql(measure, sql=raw_sql, params=params)
    with connection.cursor() as cursor:
        cursor.execute(raw_sql, params)
        rows = cursor.fetchall()
    raw = raw_number(rows) if raw_number else int(rows[0][0] or 0)
    try:
        page = number(page_context(client, url))
    except (AssertionError, KeyError, AttributeError) as exc:
        measure.error = f"the page's number: {type(exc).__name__}: {exc}"[:200]
        return measure
    hold(measure, page=page, raw=raw)
    return measure


# --- the figures ------------------------------------------------------------------------------


def worklist_number(context) -> int:
    """The open home-visit tasks on the worklist (a task item carries its task)."""
    worklist = context["worklist"]
    items = [*worklist.overdue, *worklist.this_week, *worklist.later]
    return sum(1 for item in items if getattr(item, "task", None) is not None)


def worklist_children(context) -> set[int]:
    worklist = context["worklist"]
    return {item.child.pk for item in (*worklist.overdue, *worklist.this_week, *worklist.later)}


def census_number(context) -> int:
    return context["census"].figures.left_behind_education


def dashboard_number(context) -> int:
    tile = next(t for t in context["board"].tiles if t.key == "left_behind_education")
    return tile.value


def compliance_number(context) -> tuple[int, int]:
    """The children owed a home visit in the month (exempt ones included) and those visited."""
    result = context["result"]
    for column, cell in zip(result.columns, result.total, strict=True):
        if column.kind == "home_visit" and column.period.kind == "month":
            return (cell.owed + cell.exempt, cell.done)
    raise KeyError("no monthly home-visit column")


def census_raw(rows: list) -> int:
    return sum(int(row[1] or 0) for row in rows)


def compliance_raw(rows: list) -> tuple[int, int]:
    return (sum(int(r[1] or 0) for r in rows), sum(int(r[2] or 0) for r in rows))


def province_figures(actors: Actors) -> list[Measure]:
    """The eight figures of the issue's table."""
    from django.test import Client

    clients = {}
    for name in ("teacher", "head", "county_officer", "province_officer"):
        clients[name] = Client()
        run.login(clients[name], getattr(actors, name).username)
    county, province = actors.county.code[:6], actors.province.code[:2]
    county_range = dict(zip(("low", "high"), subtree_range(county), strict=True))
    province_range = dict(zip(("low", "high"), subtree_range(province), strict=True))
    first = TODAY.replace(day=1)
    measures: list[Measure] = []

    worklist = Measure(f"worklist_ms{SUFFIX}", f"worklist /, teacher {actors.teacher.username}")
    figure(
        worklist,
        client=clients["teacher"],
        url="/",
        number=worklist_number,
        raw_sql=TASKS_SQL,
        params={"carer": actors.teacher.pk},
    )
    if not worklist.error and not worklist.skipped:
        # Every child on the page is one of the teacher's (the county bench's worklist SQL).
        params = {
            "carer": actors.teacher.pk,
            "today": TODAY.isoformat(),
            "month": first.isoformat(),
            "since": "2026-09-01",
            "term_start": "2026-09-01",
        }
        mine = {row[0] for row in fetch(run.WORKLIST_SQL, params)}
        listed = worklist_children(page_context(clients["teacher"], "/"))
        worklist.extra["children"] = len(mine)
        if not listed <= mine:
            worklist.error = f"the worklist lists {len(listed - mine)} children not the teacher's"
    measures.append(worklist)

    head_class = actors.head.scope_class
    measures.append(
        figure(
            Measure(
                f"child_list_ms{SUFFIX}", f"child list /children/, head teacher of {head_class}"
            ),
            client=clients["head"],
            url="/children/",
            number=lambda c: c["page"].paginator.count,
            raw_sql=CLASS_COUNT_SQL,
            params={"class": head_class.pk},
        )
    )

    searches = []
    for label, q, match, prefix in (
        ("characters", actors.search, MATCH_CHARACTERS, None),
        ("pinyin", actors.search_pinyin, MATCH_PINYIN, actors.search_pinyin),
    ):
        if prefix is None:
            from shouhu.core.pinyin import name_keys

            prefix = name_keys(q)[0]
        searches.append(
            figure(
                Measure(f"child_search_{label}_ms{SUFFIX}", f"child search ?q={q}, county"),
                client=clients["county_officer"],
                url=f"/children/?q={q}",
                number=lambda c: c["page"].paginator.count,
                raw_sql=SEARCH_COUNT_SQL.format(match=match),
                params={**county_range, "contains": f"%{q}%", "prefix": f"{prefix}%"},
            )
        )
    slower = max(searches, key=lambda m: (bool(m.error), m.value or 0))
    search = Measure(
        f"child_search_ms{SUFFIX}",
        f"child search /children/?q= (characters, pinyin), officer of {county}",
        value=slower.value,
        queries=slower.queries,
        raw_sql_ms=slower.raw_sql_ms,
        runs=slower.runs,
        error="; ".join(m.error for m in searches if m.error),
        skipped=slower.skipped,
        extra={m.key: m.figure() | {"q": m.label} for m in searches},
    )
    measures.append(search)

    for key, who, code, sql_range in (
        ("census_county", "county_officer", county, county_range),
        ("census_province", "province_officer", province, province_range),
    ):
        measures.append(
            figure(
                Measure(f"{key}_ms{SUFFIX}", f"census /census/?scope={code}&term={TERM}"),
                client=clients[who],
                url=f"/census/?scope={code}&term={TERM}",
                number=census_number,
                raw_sql=run.CENSUS_SQL,
                params={"term": TERM, **sql_range},
                raw_number=census_raw,
            )
        )

    measures.append(
        figure(
            Measure(
                f"compliance_county_month_ms{SUFFIX}",
                f"compliance /care/compliance/?scope={county}&month={MONTH}",
            ),
            client=clients["county_officer"],
            url=f"/care/compliance/?scope={county}&month={MONTH}",
            number=compliance_number,
            raw_sql=run.COMPLIANCE_SQL,
            params={
                **county_range,
                "m0": "2026-11-01",
                "m1": "2026-11-30",
                "t0": "2026-09-01",
                "t1": "2027-01-20",
            },
            raw_number=compliance_raw,
        )
    )

    for key, who, code, sql_range in (
        ("dashboard_county", "county_officer", county, county_range),
        ("dashboard_province", "province_officer", province, province_range),
    ):
        measures.append(
            figure(
                Measure(f"{key}_ms{SUFFIX}", f"dashboard /dashboard/?scope={code}&term={TERM}"),
                client=clients[who],
                url=f"/dashboard/?scope={code}&term={TERM}",
                number=dashboard_number,
                raw_sql=run.CENSUS_SQL,
                params={"term": TERM, **sql_range},
                raw_number=census_raw,
            )
        )
    for m in measures:
        name = m.key.removesuffix(f"_ms{SUFFIX}")
        if name in TARGETS_MS:
            m.extra["target_ms"] = TARGETS_MS[name]
    return measures


def fetch(sql: str, params: dict) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- the run ----------------------------------------------------------------------------------


def fill(url: str, *, children: int, months: int) -> float | None:
    """Migrate, and `shouhu synth` on the bench's day when the database holds no child yet;
    the synth's wall time in seconds (None when the database was already filled)."""
    import psycopg

    run.shouhu(url, "migrate", "--noinput", "-v0")
    with psycopg.connect(url) as connection:
        filled = connection.execute("SELECT EXISTS (SELECT 1 FROM registry_child)").fetchone()[0]
    if filled:
        return None
    print(f"shouhu synth --children {children} --months {months} …", flush=True)
    return run.shouhu(url, "synth", "--children", str(children), "--months", str(months))


def measure_all(args) -> int:
    url = os.environ["SHOUHU_DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        print(f"bench-province needs PostgreSQL, not {url.split(':', 1)[0]}", file=sys.stderr)
        return 2
    loads = [run.load_average()]
    synth_s = None if args.no_fill else fill(url, children=args.children, months=args.months)
    os.environ["DJANGO_SETTINGS_MODULE"] = "shouhu.settings"
    sys.path.insert(0, str(ROOT))
    import django

    with run.bench_clock():
        django.setup()
        from django.conf import settings

        settings.DEBUG = False
        actors = pick_actors()
        print(
            f"actors: teacher {actors.teacher.username}, head {actors.head.username}, county "
            f"{actors.county.code[:6]} {actors.county_officer.username}, province "
            f"{actors.province.code[:2]} {actors.province_officer.username}; "
            f"search {actors.search} / {actors.search_pinyin}",
            flush=True,
        )
        started = time.perf_counter()
        measures = province_figures(actors)
        elapsed = time.perf_counter() - started
    loads.append(run.load_average())
    children = raw_value("SELECT COUNT(*) FROM registry_child WHERE left_on IS NULL", {})
    size = Measure(
        f"db_bytes{SUFFIX}",
        f"pg_database_size, {children:,} children on the register",
        unit="B",
        value=raw_value(SIZE_SQL, {}),
        extra={"children": children},
    )
    rows = [size, *measures]
    if synth_s is not None:
        rows.insert(
            0,
            Measure(
                f"synth_s{SUFFIX}",
                f"shouhu synth --children {args.children}",
                unit="s",
                value=round(synth_s, 1),
            ),
        )
    print_targets(rows)
    run.print_table(rows, notes=[f"measured in {elapsed:.0f} s"], loads=loads)
    figures = {m.key: m.figure() for m in rows if not m.error and m.value is not None}
    if not args.dry:
        path = Path(os.environ.get("SHOUHU_VAR_DIR", ROOT / "var")) / "bench.json"
        run.bench_json_merge(path=path, figures=figures)
        print(f"written: {path}")
    failed = [m for m in rows if m.error]
    for m in failed:
        print(f"error: {m.key}: {m.error}", file=sys.stderr)
    return 1 if failed else 0


def print_targets(rows: list[Measure]) -> None:
    print()
    print(f"{'figure':<40}{'page ms':>10}{'target':>9}{'raw SQL ms':>12}  number (page = raw SQL)")
    for m in rows:
        target = m.extra.get("target_ms")
        if target is None:
            continue
        value = "—" if m.value is None else f"{m.value:.1f}"
        raw = "—" if m.raw_sql_ms is None else f"{m.raw_sql_ms:.2f}"
        verdict = "" if m.value is None else ("  ok" if m.value < target else "  OVER")
        held = m.extra.get("page_number", "")
        if m.key.startswith("child_search"):
            held = ", ".join(
                str(f.get("page_number")) for f in m.extra.values() if isinstance(f, dict)
            )
        print(f"{m.key:<40}{value:>10}{'< ' + str(target):>9}{raw:>12}  {held}{verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=CHILDREN, help="synth's size when filling")
    parser.add_argument("--months", type=int, default=MONTHS)
    parser.add_argument(
        "--no-fill", action="store_true", help="measure the database as it is (no migrate, synth)"
    )
    parser.add_argument("--dry", action="store_true", help="print, do not write var/bench.json")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated figure names to measure (worklist,child_list,…); the rest skipped",
    )
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global ONLY
    ONLY = tuple(name.strip() for name in args.only.split(",") if name.strip())
    if os.environ.get("SHOUHU_DATABASE_URL") or args.inside:
        return measure_all(args)
    # No database named: a throwaway PostgreSQL 15 cluster, filled by synth, then dropped.
    return subprocess.run(  # noqa: S603 - the project's script running this script
        [
            "/bin/bash",
            str(ROOT / "scripts/with-postgres.sh"),
            sys.executable,
            __file__,
            *sys.argv[1:],
            "--inside",
        ],
        cwd=ROOT,
        check=False,
    ).returncode


if __name__ == "__main__":
    sys.exit(main())
