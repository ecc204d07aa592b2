"""Copying a county the county synth wrote into another county of the province (`province_load`).

A province of 1.5 million children is 75 counties of the county synth's size. Drawing each with
the county synth costs ~6.5 ms of Python per child (~80 minutes on 2 cores), so only a few
*template* counties are drawn that way; every other county is a **stamp** of one of them, written
by PostgreSQL itself: one `INSERT INTO t SELECT … FROM t` per table, over the template's rows,
with each column mapped to the stamped county:

- ids: a template's rows are exactly its block of ids (`province_load.ID_BLOCK` × its number);
  every primary key, every foreign key into a county table and a history row's copy of its
  object's id move by (stamp − template) blocks, so the stamp's rows are its own block;
- region codes (every foreign key to `org.Region`, and `scope_code`): the template county's
  6-digit prefix becomes the stamp's, and the template's city the stamp's city; the county's own
  region row takes the stamp's name;
- what must be unique in the province: school codes (`2` + the county code, as the synth draws
  them), usernames (the county code as prefix, as `province_load` does), every UUID (a hash of the
  template's and the county code: the same child keeps one `public_id` in its history rows) and a
  message's dedupe key;
- the children's ID numbers: a template child's number with the stamp's county code and a new
  check digit, encrypted and blind-indexed here in Python (the only per-row Python: a Fernet
  token cannot be made in SQL) and joined in from a temporary table.

Everything else (names, dates, the care work, notes: encrypted text copies as it is) is the
template's, so a stamp has exactly the template's figures, which the tests hold. The foreign
keys and unique constraints of `public` check every stamped row as it goes in.
"""

import time
from collections import Counter
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models, transaction
from stdnum.cn import ric

from shouhu.core.crypto import blind_index, decrypt, encrypt
from shouhu.org.models import Region
from shouhu.registry.models import Child

REGION_TABLE = Region._meta.db_table
SMALL_PKS = ("AutoField", "SmallAutoField", "IntegerField")  # a 32-bit id: a share of the range


@dataclass(frozen=True)
class Stamp:
    """County `number` of the province, copied from county `template` (both `CountyLayout`s)."""

    number: int
    template: int
    code: str  # the stamp's 12-digit county code
    name: str
    city: str  # its city's 12-digit code
    template_code: str
    template_city: str
    counties: int  # in the province: sets the 32-bit tables' blocks

    @property
    def prefix(self) -> str:
        return self.code[:6]


def table_models(tables: list[str]) -> dict[str, type[models.Model]]:
    """The model of each county table (auto-created many-to-many tables included)."""
    found = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    return {table: found[table] for table in tables}


def id_block(model: type[models.Model], counties: int) -> int:
    from shouhu.demo.province_load import ID_BLOCK, INT_MAX

    if model._meta.pk.get_internal_type() in SMALL_PKS:
        return INT_MAX // (counties + 1)
    return ID_BLOCK


def stamp_county(stamp: Stamp, tables: list[str]) -> dict[str, int]:
    """Write `stamp` into `public` from its template's rows, in one transaction; the rows
    written per table."""
    by_table = table_models(tables)
    rows: Counter[str] = Counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if _superuser(cursor):  # foreign keys: mapped by construction, checked by the tests
            cursor.execute("SET LOCAL session_replication_role = replica")
        _id_numbers(cursor, stamp)
        for table, model in by_table.items():
            sql, params = _stamp_sql(model, stamp, by_table)
            if sql is None:
                continue
            cursor.execute(sql, params)
            if cursor.rowcount:
                rows[table] += cursor.rowcount
        cursor.execute("DROP TABLE stamp_id_numbers")
    return dict(rows)


def _superuser(cursor) -> bool:  # noqa: ANN001
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return bool(cursor.fetchone()[0])


def foreign_key_violations() -> dict[str, int]:
    """Every foreign key of `public` checked over the whole table at once (as a constraint
    added to a filled table is): the rows whose key has no row to point at, per constraint."""
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, conrelid::regclass::text, confrelid::regclass::text, "
            "ARRAY(SELECT attname FROM unnest(conkey) WITH ORDINALITY k(n, i) "
            "  JOIN pg_attribute ON attrelid = conrelid AND attnum = k.n ORDER BY i), "
            "ARRAY(SELECT attname FROM unnest(confkey) WITH ORDINALITY k(n, i) "
            "  JOIN pg_attribute ON attrelid = confrelid AND attnum = k.n ORDER BY i) "
            "FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace "
            "AND conparentid = 0"
        )
        for name, table, target, keys, target_keys in cursor.fetchall():
            present = " AND ".join(f'c."{k}" IS NOT NULL' for k in keys)
            match = " AND ".join(
                f'p."{t}" = c."{k}"' for k, t in zip(keys, target_keys, strict=True)
            )
            cursor.execute(
                f"SELECT count(*) FROM {table} c WHERE {present} "  # noqa: S608 (catalog names)
                f"AND NOT EXISTS (SELECT 1 FROM {target} p WHERE {match})"
            )
            missing = cursor.fetchone()[0]
            if missing:
                found[name] = missing
    return found


def _template_rows(model: type[models.Model], stamp: Stamp) -> tuple[str, list]:
    """The WHERE clause that picks the template's rows of `model`'s table."""
    pk = model._meta.pk.column
    if model._meta.db_table == REGION_TABLE:
        return f'src."{pk}" LIKE %s', [stamp.template_code[:6] + "%"]
    block = id_block(model, stamp.counties)
    return f'src."{pk}" BETWEEN %s AND %s', [
        stamp.template * block + 1,
        (stamp.template + 1) * block,
    ]


def _stamp_sql(
    model: type[models.Model], stamp: Stamp, by_table: dict[str, type[models.Model]]
) -> tuple[str | None, list]:
    opts = model._meta
    if opts.db_table != REGION_TABLE and not isinstance(
        opts.pk, (models.AutoField, models.BigAutoField, models.IntegerField)
    ):
        return None, []  # no block of ids (the tasks table's UUIDs): nothing of a county
    columns, expressions, params = [], [], []
    for field in opts.concrete_fields:
        if getattr(field, "generated", False):
            continue
        expression, values = _column(field, model, stamp, by_table)
        columns.append(f'"{field.column}"')
        expressions.append(expression)
        params.extend(values)
    where, where_params = _template_rows(model, stamp)
    join = ""
    if opts.db_table in ID_NUMBER_TABLES:
        pk = opts.pk.column
        join = f' LEFT JOIN stamp_id_numbers ids ON ids.tab = %s AND ids.pk = src."{pk}"'
        params.append(opts.db_table)
    sql = (
        f'INSERT INTO public."{opts.db_table}" ({", ".join(columns)}) '  # noqa: S608 (model names)
        f'SELECT {", ".join(expressions)} FROM public."{opts.db_table}" src{join} WHERE {where}'
    )
    return sql, [*params, *where_params]


def _column(
    field: models.Field,
    model: type[models.Model],
    stamp: Stamp,
    by_table: dict[str, type[models.Model]],
) -> tuple[str, list]:
    """The SELECT expression (and its parameters) that gives `field` of the stamped row."""
    column = f'src."{field.column}"'
    table = model._meta.db_table
    special = SPECIAL.get((table, field.column))
    if special is not None:
        return special(column, stamp)
    if table == REGION_TABLE and field.primary_key:
        return _region(column, stamp)
    if field.is_relation:
        target = field.related_model._meta.db_table  # type: ignore[union-attr]
        if target == REGION_TABLE:
            return _region(column, stamp)
        if target in by_table:
            return _shifted(column, by_table[target], stamp)
        return column, []  # a shared table's row (terms, groups, permissions)
    if field.primary_key:
        return _shifted(column, model, stamp)
    history_of = getattr(model, "instance_type", None)  # simple_history: the object's own id
    if history_of is not None and field.column == history_of._meta.pk.column:
        return _shifted(column, history_of, stamp)
    if isinstance(field, models.UUIDField):
        return f"md5({column}::text || %s)::uuid", [f":{stamp.prefix}"]
    return column, []


def _shifted(column: str, target: type[models.Model], stamp: Stamp) -> tuple[str, list]:
    return f"{column} + %s", [(stamp.number - stamp.template) * id_block(target, stamp.counties)]


def _region(column: str, stamp: Stamp) -> tuple[str, list]:
    return (
        f"CASE WHEN {column} LIKE %s THEN %s || substr({column}, 7) "
        f"WHEN {column} = %s THEN %s ELSE {column} END",
        [stamp.template_code[:6] + "%", stamp.prefix, stamp.template_city, stamp.city],
    )


def _username(column: str, stamp: Stamp) -> tuple[str, list]:
    # the template's own prefix (a county but the first) gives way to the stamp's
    return f"%s || regexp_replace({column}, '^[0-9]{{6}}-', '')", [f"{stamp.prefix}-"]


def _school_code(column: str, stamp: Stamp) -> tuple[str, list]:
    # 学校标识码: "2", the county's 6 digits (the demo county's are "2151178"), 3 of its own
    return f"%s || substr({column}, 8)", [f"2{stamp.prefix}"]


def _region_name(column: str, stamp: Stamp) -> tuple[str, list]:
    return f'CASE WHEN src."code" = %s THEN %s ELSE {column} END', [
        stamp.template_code,
        stamp.name,
    ]


def _suffixed(column: str, stamp: Stamp) -> tuple[str, list]:
    return f"left({column}, 112) || %s", [f"@{stamp.prefix}"]


def _id_number(column: str, _stamp: Stamp) -> tuple[str, list]:
    return f"COALESCE(ids.number, {column})", []


def _id_number_index(column: str, _stamp: Stamp) -> tuple[str, list]:
    return f"COALESCE(ids.number_index, {column})", []


ID_NUMBER_TABLES = (Child._meta.db_table, Child.history.model._meta.db_table)  # type: ignore[attr-defined]
SPECIAL = {
    ("accounts_user", "username"): _username,
    ("org_school", "code"): _school_code,
    (REGION_TABLE, "name"): _region_name,
    ("notify_message", "dedupe_key"): _suffixed,
    ("audit_exportgrant", "scope_code"): _region,
    **{(table, "id_number"): _id_number for table in ID_NUMBER_TABLES},
    **{(table, "id_number_index"): _id_number_index for table in ID_NUMBER_TABLES},
}


def stamped_id_number(number: str, prefix: str) -> str:
    """The template child's ID number in the stamped county: its county code, the same birth
    date and serial, a new check digit (distinct in the province: the county code differs)."""
    body = prefix + number[6:17]
    return body + ric.calc_check_digit(body + "0")


def _id_numbers(cursor, stamp: Stamp) -> None:  # noqa: ANN001 (a DB-API cursor)
    """The stamped children's ID numbers, encrypted and blind-indexed, in a temporary table
    `stamp_id_numbers` (table, pk, number, number_index) that the children's rows join."""
    cursor.execute(
        "CREATE TEMPORARY TABLE stamp_id_numbers "
        "(tab text, pk bigint, number text, number_index text, PRIMARY KEY (tab, pk))"
    )
    block = id_block(Child, stamp.counties)
    rows = []
    for table in ID_NUMBER_TABLES:
        model = Child if table == Child._meta.db_table else Child.history.model  # type: ignore[attr-defined]
        pk = model._meta.pk.column
        cursor.execute(
            f'SELECT "{pk}", id_number FROM public."{table}" '  # noqa: S608 (model names)
            f"WHERE \"{pk}\" BETWEEN %s AND %s AND id_number <> ''",
            [stamp.template * block + 1, (stamp.template + 1) * block],
        )
        plain: dict[str, str] = {}  # a history repeats its child's number
        for key, token in cursor.fetchall():
            number = decrypt(token)
            if number not in plain:
                plain[number] = stamped_id_number(number, stamp.prefix)
            new = plain[number]
            rows.append((table, key, encrypt(new), blind_index(new)))
    with cursor.cursor.copy(
        "COPY stamp_id_numbers (tab, pk, number, number_index) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row(row)


def timed_stamp(stamp: Stamp, tables: list[str]) -> tuple[dict[str, int], float]:
    tick = time.perf_counter()
    rows = stamp_county(stamp, tables)
    return rows, time.perf_counter() - tick
