"""Writing a synthetic province (`demo.province`) into an empty PostgreSQL database, on every core.

Each county is written by the county synth itself (`demo.services.synth_seed`: the same plan, the
same services' field code, so encrypted fields, blind indexes and pinyin keys are filled exactly
as for `shouhu synth --children 20000`), but into a schema of its own:

1. Up front, in `public`: the province and its cities, the terms of the calendar and of the care
   window (shared by every county), and the access log's partitions for the months written.
2. A worker process per county (a pool of `workers`, one county at a time each) makes the schema
   `synth_county_<code>` with a copy of every table but the shared ones (`LIKE … INCLUDING ALL`:
   columns, defaults, identities, checks and indexes, no foreign keys), each identity restarted
   at the county's own block of ids (`ID_BLOCK` × its number), and runs the county synth there
   (`SET search_path TO synth_county_<code>, public`): every query of the synth sees its county
   only, exactly as in an empty database. Its `bulk_create`s write by COPY (`demo.copying`).
3. The worker moves its county into `public` in one transaction: one server-side
   `INSERT INTO public.t SELECT * FROM schema.t` per table (the bulk path: no row crosses the
   client), the province and city rows the county repeats skipped (`ON CONFLICT DO NOTHING`),
   the accounts of every county but the first prefixed with the county's code (the demo logins
   `head`, `teacher`, … stay the first county's). Then it drops the schema.
4. At the end: the identities of `public` set past the largest id, and ANALYZE.
"""

import datetime
import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, connections, transaction
from django.utils import timezone

from shouhu.core.partitions import partitions_ensure
from shouhu.demo import data
from shouhu.demo.care.calendar import care_window
from shouhu.demo.copying import copy_bulk_create
from shouhu.demo.province import CountyLayout, ProvinceLayout, province_layout
from shouhu.demo.province_stamp import Stamp, timed_stamp
from shouhu.demo.terms import demo_calendar
from shouhu.org.models import Region, RegionLevel

ID_BLOCK = 1_000_000_000  # ids of county n start at n × ID_BLOCK + 1: far below 2**53
INT_MAX = 2**31 - 1
SHARED_APPS = {"contenttypes", "auth", "sessions", "admin"}
SHARED_TABLES = {"org_term"}  # every county's terms are the same rows
SCHEMA_PREFIX = "synth_county_"
TEMPLATES = 4  # counties drawn by the county synth; the others are stamps of them


@dataclass
class CountyResult:
    code: str
    children: int
    seconds_synth: float
    seconds_move: float
    rows: dict[str, int]


@dataclass
class ProvinceSummary:
    cities: int
    counties: int
    children: int
    workers: int
    templates: int = 0  # counties drawn by the county synth; the rest are stamps
    phases: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    db_bytes: int = 0
    seconds: float = 0.0


def county_tables() -> list[str]:
    """The tables each county writes into a schema of its own: every model's but the shared."""
    tables = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in SHARED_APPS or not model._meta.managed:
            continue
        if model._meta.proxy or model._meta.db_table in SHARED_TABLES:
            continue
        tables.append(model._meta.db_table)
    return sorted(set(tables))


def province_seed(
    *,
    children: int,
    months: int,
    seed: int = data.DEFAULT_SEED,
    counties: int | None = None,
    workers: int = 2,
    templates: int = TEMPLATES,
    log=print,
) -> ProvinceSummary:
    """Write a province of about `children` children with `months` months of care work: its
    first `templates` counties drawn by the county synth, each other county a stamp of one of
    them (`demo.province_stamp`)."""
    if connection.vendor != "postgresql":
        raise RuntimeError("省级合成数据只能写入 PostgreSQL。")
    started = time.perf_counter()
    province = province_layout(children=children, seed=seed, counties=counties)
    summary = ProvinceSummary(
        cities=len(province.cities),
        counties=len(province.counties),
        children=province.children,
        workers=workers,
    )
    _shared_rows(province, months=months)
    summary.phases["shared"] = time.perf_counter() - started
    log(
        f"省：{summary.cities} 个市、{summary.counties} 个县，儿童 {summary.children} 人，"
        f"{workers} 个进程。Province: {summary.cities} cities, {summary.counties} counties."
    )
    drawn = province.counties[: max(1, min(templates, len(province.counties)))]
    jobs = [(n, county, months, len(province.counties)) for n, county in enumerate(drawn)]
    tick = time.perf_counter()
    _connections_drop()  # each worker opens its own
    synth_s = move_s = stamp_s = 0.0
    with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=1) as pool:
        for result in pool.imap_unordered(_county_job, jobs):
            synth_s += result.seconds_synth
            move_s += result.seconds_move
            _rows_add(summary, result)
            log(
                f"  县 {result.code}：{result.children} 人，生成 {result.seconds_synth:.1f} 秒，"
                f"并入 {result.seconds_move:.1f} 秒。"
            )
    summary.templates = len(drawn)
    summary.phases["templates_wall"] = time.perf_counter() - tick
    stamps = [
        (_stamp_of(province, n, n % len(drawn)), drawn[n % len(drawn)].children)
        for n in range(len(drawn), len(province.counties))
    ]
    summary.children = sum(c.children for c in drawn) + sum(kids for _s, kids in stamps)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for result in pool.imap_unordered(_stamp_job, stamps):
            stamp_s += result.seconds_move
            _rows_add(summary, result)
            log(f"  县 {result.code}：{result.children} 人，复制 {result.seconds_move:.1f} 秒。")
    summary.phases["counties_wall"] = time.perf_counter() - tick
    summary.phases["counties_synth_sum"] = synth_s  # worker seconds, summed
    summary.phases["counties_move_sum"] = move_s
    summary.phases["counties_stamp_sum"] = stamp_s
    tick = time.perf_counter()
    _identities_reset()
    summary.phases["identities"] = time.perf_counter() - tick
    tick = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_database_size(current_database())")
        summary.db_bytes = cursor.fetchone()[0]
    summary.phases["analyze"] = time.perf_counter() - tick
    summary.seconds = time.perf_counter() - started
    return summary


def _rows_add(summary: ProvinceSummary, result: CountyResult) -> None:
    for table, n in result.rows.items():
        summary.rows[table] = summary.rows.get(table, 0) + n


def _stamp_of(province: ProvinceLayout, number: int, template: int) -> Stamp:
    county, model = province.counties[number].layout, province.counties[template].layout
    return Stamp(
        number=number,
        template=template,
        code=county.county[0],
        name=county.county[1],
        city=county.city[0],
        template_code=model.county[0],
        template_city=model.city[0],
        counties=len(province.counties),
    )


def _stamp_job(job: tuple[Stamp, int]) -> CountyResult:
    """In a worker: write one stamped county (`demo.province_stamp`)."""
    stamp, children = job
    rows, seconds = timed_stamp(stamp, county_tables())
    _connections_drop()
    return CountyResult(
        code=stamp.prefix, children=children, seconds_synth=0.0, seconds_move=seconds, rows=rows
    )


def _connections_drop() -> None:
    """Close every connection and the psycopg pool (settings: one per process), so that a
    forked worker shares no socket with its parent."""
    for conn in connections.all():
        conn.close()
        if getattr(conn, "pool", None) is not None:
            conn.close_pool()  # type: ignore[attr-defined]  # PostgreSQL's wrapper


def _shared_rows(province: ProvinceLayout, *, months: int) -> None:
    """The rows every county shares, in `public`: the province, its cities and the terms; and
    the access log's partitions of the months the synth writes."""
    from shouhu.demo.services import _terms  # the county synth's own

    calendar = demo_calendar(timezone.localdate())
    window = care_window(calendar=calendar, months=months)
    with transaction.atomic():
        top, _created = Region.objects.get_or_create(
            code=data.PROVINCE[0],
            defaults={"name": data.PROVINCE[1], "level": RegionLevel.PROVINCE},
        )
        for code, name in province.cities:
            Region.objects.get_or_create(
                code=code, defaults={"name": name, "level": RegionLevel.CITY, "parent": top}
            )
        _terms([*calendar.terms, *window.terms])
    first = min(window.start, calendar.previous[3]) - datetime.timedelta(days=400)
    partitions_ensure(first=first, last=calendar.today + datetime.timedelta(days=100))


def _county_job(job: tuple[int, CountyLayout, int, int]) -> CountyResult:
    """In a worker: write county `n` into its schema with the county synth, then move it."""
    from shouhu.demo.services import synth_seed

    n, county, months, counties = job
    schema = f"{SCHEMA_PREFIX}{county.code}"
    tables = county_tables()
    tick = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        cursor.execute(f"CREATE SCHEMA {schema}")
        for table in tables:
            cursor.execute(f'CREATE TABLE {schema}."{table}" (LIKE public."{table}" INCLUDING ALL)')
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s AND is_identity = 'YES'",
            [schema],
        )
        for table, column, data_type in cursor.fetchall():
            # A few other apps' tables (axes, otp) keep 32-bit ids: their block is a share.
            block = ID_BLOCK if data_type == "bigint" else INT_MAX // (counties + 1)
            cursor.execute(
                f'ALTER TABLE {schema}."{table}" ALTER COLUMN "{column}" '
                f"RESTART WITH {n * block + 1}"
            )
        # A partitioned table's id has no identity but a sequence default (core.partitions):
        # the copy gets a sequence of its own in the schema, started at the county's block
        # (public's would give every county the same ids, and tie the schema to it).
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND column_default LIKE 'nextval(%%'",
            [schema],
        )
        for table, column in cursor.fetchall():
            sequence = f'{schema}."{table}_{column}_seq"'
            cursor.execute(
                f"CREATE SEQUENCE {sequence} START WITH {n * ID_BLOCK + 1} "
                f'OWNED BY {schema}."{table}"."{column}"'
            )
            cursor.execute(
                f'ALTER TABLE {schema}."{table}" ALTER COLUMN "{column}" '
                f"SET DEFAULT nextval('{sequence}')"
            )
        cursor.execute(f"SET search_path TO {schema}, public")
    with copy_bulk_create():
        synth_seed(children=county.children, months=months, seed=county.seed, layout=county.layout)
    synth_s = time.perf_counter() - tick
    tick = time.perf_counter()
    rows = _move(schema, tables, first=n == 0, code=county.code)
    _connections_drop()
    return CountyResult(
        code=county.code,
        children=county.children,
        seconds_synth=synth_s,
        seconds_move=time.perf_counter() - tick,
        rows=rows,
    )


def _move(schema: str, tables: list[str], *, first: bool, code: str) -> dict[str, int]:
    """Move a county's rows from its schema into `public`, in one transaction; the rows
    moved per table."""
    rows: Counter[str] = Counter()
    user_table = apps.get_model("accounts", "User")._meta.db_table
    region_table = Region._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL search_path TO public")
        if not first:  # usernames are unique across the province
            cursor.execute(
                f'UPDATE {schema}."{user_table}" SET username = %s || username',  # noqa: S608 (names from the models)
                [f"{code}-"],
            )
        for table in tables:
            conflict = " ON CONFLICT DO NOTHING" if table == region_table else ""
            cursor.execute(
                f'INSERT INTO public."{table}" SELECT * FROM {schema}."{table}"{conflict}'  # noqa: S608
            )
            if cursor.rowcount:
                rows[table] += cursor.rowcount
        cursor.execute(f"DROP SCHEMA {schema} CASCADE")
    return dict(rows)


def _identities_reset() -> None:
    """Every identity and id sequence (a partitioned table's) of `public` past its table's
    largest id, for the rows written later."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' "
            "AND (is_identity = 'YES' OR column_default LIKE 'nextval(%%')"
        )
        for table, column in cursor.fetchall():
            largest = f'SELECT max("{column}") FROM "{table}"'  # noqa: S608 (catalog names)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(({largest}), 0) + 1, "
                "false)",
                [f'"{table}"', column],
            )
