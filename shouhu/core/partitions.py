"""Monthly partitions on PostgreSQL, for every table that grows without end (docs/scale.md,
Partitions).

On PostgreSQL each table of `TABLES` is partitioned by range of its key column, one partition a
month named `<table>_pYYYYMM`. There is no default partition: a row whose month has none is
refused, so the duty `audit.partitions_ahead` keeps this month and the next `AHEAD_MONTHS` made
for every table, and a bulk loader calls `partitions_ensure(first=, last=)` for the months it is
about to write (the demo, `shouhu synth`). SQLite keeps plain tables: every call here is a no-op.

A table's partitioning is made by its own hand-written migration (`partition_rebuild`, which
audit 0007, care 0011 and schooling 0006 call); a table is listed here once its migration
exists. Names and bounds are made here from dates, never from input.
"""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

AHEAD_MONTHS = 3


@dataclass(frozen=True)
class PartitionedTable:
    """A table partitioned by month of `column`: a date, or a moment (`timestamptz`) whose month
    is China's."""

    table: str
    column: str
    moment: bool = False


# To add a table: a line here and a hand-written migration calling `partition_rebuild`.
TABLES: tuple[PartitionedTable, ...] = (
    PartitionedTable("audit_accesslog", "at", moment=True),
    PartitionedTable("care_careaction", "done_on"),
    PartitionedTable("care_careactionchild", "done_on"),
    PartitionedTable("schooling_rollcall", "day"),
    PartitionedTable("schooling_absence", "day"),
)
_BY_NAME = {t.table: t for t in TABLES}


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_after(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def partition_name(table: str, month: datetime.date) -> str:
    return f"{table}_p{month:%Y%m}"


def bound(month: datetime.date, *, moment: bool) -> str:
    """The literal of the month's first value: the day, or its first moment in China."""
    if not moment:
        return month.isoformat()
    first = datetime.datetime.combine(month, datetime.time.min, ZoneInfo(settings.TIME_ZONE))
    return first.isoformat(sep=" ")


def is_partitioned(table: str, using: str = DEFAULT_DB_ALIAS) -> bool:
    conn = connections[using]
    if conn.vendor != "postgresql":
        return False
    with conn.cursor() as cursor:
        # The table this connection's search_path names (a loader's own schema holds a plain
        # copy of the same name), never another schema's.
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def partitions(table: str, using: str = DEFAULT_DB_ALIAS) -> list[datetime.date]:
    """The months of `table` that have a partition, in order (none on SQLite)."""
    if not is_partitioned(table, using):
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [table],
        )
        names = [row[0] for row in cursor.fetchall()]
    pattern = re.compile(rf"^{re.escape(table)}_p(\d{{4}})(\d{{2}})$")
    found = (pattern.match(name) for name in names)
    return sorted(datetime.date(int(m[1]), int(m[2]), 1) for m in found if m)


def _create(cursor, spec: PartitionedTable, month: datetime.date, quote) -> str:
    name = partition_name(spec.table, month)
    low, high = bound(month, moment=spec.moment), bound(months_after(month, 1), moment=spec.moment)
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {quote(name)} PARTITION OF {quote(spec.table)} "
        f"FOR VALUES FROM ('{low}') TO ('{high}')"
    )
    return name


def partitions_ensure(
    *,
    first: datetime.date,
    last: datetime.date,
    tables: tuple[str, ...] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> list[str]:
    """The entry point of every bulk loader: make the partitions of every month from `first`'s
    to `last`'s that has none, for every partitioned table (or only `tables`); the names made.
    Call it before writing rows dated in those months. Nothing on SQLite."""
    conn = connections[using]
    made: list[str] = []
    for spec in TABLES:
        if (tables is not None and spec.table not in tables) or not is_partitioned(
            spec.table, using
        ):
            continue
        have = set(partitions(spec.table, using))
        month = month_start(first)
        with conn.cursor() as cursor:
            while month <= month_start(last):
                if month not in have:
                    made.append(_create(cursor, spec, month, conn.ops.quote_name))
                month = months_after(month, 1)
    return made


def partitions_ahead(day: datetime.date, *, months: int = AHEAD_MONTHS) -> list[str]:
    """The day's month and the next `months` months of every partitioned table, made if
    missing (the duty's)."""
    return partitions_ensure(first=day, last=months_after(month_start(day), months))


def partition_drop(table: str, month: datetime.date, using: str = DEFAULT_DB_ALIAS) -> None:
    """Detach and drop one month of `table` (retention: the month's rows go whole)."""
    conn = connections[using]
    quote = conn.ops.quote_name
    name = quote(partition_name(table, month))
    with conn.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {quote(table)} DETACH PARTITION {name}")
        cursor.execute(f"DROP TABLE {name}")


# --- the migrations' rebuild ------------------------------------------------------------------


def _columns_span(definition: str) -> tuple[int, int]:
    """Where an index definition's column list is: after `USING method (`, to its match."""
    start = definition.index("(", definition.index(" USING ")) + 1
    depth, end = 1, start
    while depth:
        depth += {"(": 1, ")": -1}.get(definition[end], 0)
        end += 1
    return start, end - 1


def _with_key(definition: str, column: str, *, narrow: bool = False) -> str:
    """A unique index's definition with the partition column added to its columns (a
    partitioned table's unique keys hold it), or taken off again (`narrow`)."""
    start, end = _columns_span(definition)
    columns = [c.strip() for c in definition[start:end].split(",")]
    if narrow:
        columns = [c for c in columns if c != column] or columns
    elif column not in columns:
        columns.append(column)
    return f"{definition[:start]}{', '.join(columns)}{definition[end:]}"


def partition_rebuild(
    schema_editor, *, table: str, partitioned: bool, narrow: tuple[str, ...] = ()
) -> None:
    """Rebuild `table` (one of TABLES) as partitioned by month (or back as plain), keeping its
    rows, columns, id sequence, indexes' and foreign keys' names. On a partitioned table the
    primary key and every unique index also hold the partition column, and the id comes from a
    sequence of its own (PostgreSQL 15 has no identity on a partitioned table). The SQL is made
    from the names in TABLES, never from input. Foreign keys
    pointing INTO the table must be gone before (the caller's). Back to plain, the unique
    indexes named in `narrow` lose the partition column again. Nothing on SQLite."""
    if schema_editor.connection.vendor != "postgresql":
        return
    spec = _BY_NAME[table]
    zone = ZoneInfo(settings.TIME_ZONE)
    old, column = f"{table}_plain", spec.column
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid), indisunique "
            "FROM pg_index WHERE indrelid = %s::regclass AND NOT indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint WHERE conindid = indexrelid AND contype = 'u')",
            [table],
        )
        indexes = cursor.fetchall()
        # Unique constraints stay constraints (a later migration drops them by name).
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        )
        uniques = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(f"ALTER TABLE {table} RENAME TO {old}")
        like = f"(LIKE {old} INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)"
        if partitioned:
            cursor.execute(f"CREATE TABLE {table} {like} PARTITION BY RANGE ({column})")
            cursor.execute(f"SELECT min({column}), max({column}) FROM {old}")  # noqa: S608
            low, high = cursor.fetchone()
            if spec.moment:
                low, high = (v.astimezone(zone).date() if v else None for v in (low, high))
            now = datetime.datetime.now(zone).date().replace(day=1)
            first = min(now, month_start(low)) if low else now
            last = max(now, month_start(high)) if high else now
            # The past month too (a clock a little behind), and the duty's months ahead.
            month, last = months_after(first, -1), months_after(last, AHEAD_MONTHS)
            while month <= last:
                _create(cursor, spec, month, lambda name: name)
                month = months_after(month, 1)
        else:
            cursor.execute(f"CREATE TABLE {table} {like}")
        cursor.execute(f"INSERT INTO {table} SELECT * FROM {old}")  # noqa: S608
        cursor.execute(f"DROP TABLE {old}")  # with its sequence
        key = f"id, {column}" if partitioned else "id"
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({key})")
        if partitioned:
            cursor.execute(f"CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id")
            cursor.execute(
                f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq')"
            )
        else:
            cursor.execute(
                f"ALTER TABLE {table} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY"
            )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
        )
        # The definitions read before the rename name the table as it is called again now.
        for name, definition in uniques:
            # "UNIQUE (a, b)": the same column list as an index's.
            shaped = _with_key(f"X USING {definition[len('UNIQUE ') :]}", column, narrow=False)
            if not partitioned:
                shaped = _with_key(f"X USING {definition[len('UNIQUE ') :]}", column, narrow=True)
            if partitioned or name in narrow:
                definition = "UNIQUE " + shaped[len("X USING ") :]
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        for name, definition, unique in indexes:
            if unique and partitioned:
                definition = _with_key(definition, column)
            elif name in narrow:
                definition = _with_key(definition, column, narrow=True)
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def pair_partition(
    schema_editor, *, parent: str, child: str, column: str, key: str, fk: str
) -> None:
    """A table and the table of its rows' links (care actions and their children, roll calls
    and their absences) partitioned together by `key`, which the link copies: every foreign
    key into `parent` is dropped (by now only the link's), both tables are rebuilt, and the
    link's `column` points at its row with the composite key (column, key) → (id, key).
    PostgreSQL only; SQLite keeps plain tables."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE confrelid = %s::regclass AND contype = 'f'",
            [parent],
        )
        for table, name in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    partition_rebuild(schema_editor, table=parent, partitioned=True)
    partition_rebuild(schema_editor, table=child, partitioned=True)
    _link_key(schema_editor, child, fk, f"({column}, {key}) REFERENCES {parent} (id, {key})")


def pair_unpartition(
    schema_editor, *, parent: str, child: str, column: str, fk: str, narrow: tuple[str, ...]
) -> None:
    """`pair_partition` undone: plain tables, the link's foreign key on the id alone, and the
    parent's `narrow` unique constraints on their own column again."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {child} DROP CONSTRAINT {fk}")
    partition_rebuild(schema_editor, table=child, partitioned=False)
    partition_rebuild(schema_editor, table=parent, partitioned=False, narrow=narrow)
    _link_key(schema_editor, child, fk, f"({column}) REFERENCES {parent} (id)")


def _link_key(schema_editor, child: str, fk: str, reference: str) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {child} ADD CONSTRAINT {fk} FOREIGN KEY {reference} "
            "DEFERRABLE INITIALLY DEFERRED"
        )
