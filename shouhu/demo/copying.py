"""`bulk_create` through PostgreSQL's COPY, for the province's county workers (`province_load`).

Inside `copy_bulk_create()` every plain `QuerySet.bulk_create` of the process writes its rows
with `COPY … FROM STDIN` (psycopg 3's `cursor.copy()`) instead of a multi-row INSERT: the ids
are drawn from the table's own sequence first (`nextval` × n), each value is what the field
saves (`pre_save`, then `get_db_prep_save`: the project's encryption, blind indexes and dates,
exactly as `bulk_create` prepares them), and the instances come back with their ids, as on
PostgreSQL they do. Anything COPY cannot say (conflict handling, a database default or an
expression as a value, another database) goes to Django's own `bulk_create`.
"""

import contextlib
from collections.abc import Iterator

from django.db import connections, transaction
from django.db.models import QuerySet

_ORIGINAL = QuerySet.bulk_create


def _copy_bulk_create(self, objs, batch_size=None, ignore_conflicts=False, **options):  # noqa: ANN001
    objs = list(objs)
    conn = connections[self.db]
    opts = self.model._meta
    inherited = any(p._meta.concrete_model is not opts.concrete_model for p in opts.all_parents)
    if not objs or ignore_conflicts or any(options.values()) or conn.vendor != "postgresql":
        return _ORIGINAL(self, objs, batch_size, ignore_conflicts, **options)
    if inherited:
        return _ORIGINAL(self, objs, batch_size, ignore_conflicts, **options)
    self._for_write = True
    self._prepare_for_bulk_create(objs)
    fields = [f for f in opts.concrete_fields if not f.generated]
    quote = conn.ops.quote_name
    with transaction.atomic(using=self.db, savepoint=False), conn.cursor() as cursor:
        missing = [o for o in objs if not o._is_pk_set()]
        if missing:
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)", [quote(opts.db_table), opts.pk.column]
            )
            sequence = cursor.fetchone()[0]
            if sequence is None:  # a default of another table's sequence (the access log's)
                return _ORIGINAL(self, objs, batch_size, ignore_conflicts, **options)
            cursor.execute(
                "SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(missing)]
            )
            for obj, (pk,) in zip(missing, cursor.fetchall(), strict=True):
                setattr(obj, opts.pk.attname, pk)
        rows = []
        for obj in objs:
            row = []
            for field in fields:
                value = field.get_db_prep_save(field.pre_save(obj, True), conn)
                if hasattr(value, "resolve_expression"):  # a database default: INSERT says it
                    return _ORIGINAL(self, objs, batch_size, ignore_conflicts, **options)
                row.append(value)
            rows.append(row)
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = self.db
    return objs


@contextlib.contextmanager
def copy_bulk_create() -> Iterator[None]:
    """Within: `bulk_create` by COPY on PostgreSQL (this process only)."""
    QuerySet.bulk_create = _copy_bulk_create  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        QuerySet.bulk_create = _ORIGINAL  # type: ignore[method-assign]
