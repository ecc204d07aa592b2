"""Writing many rows in one short transaction: the register's bulk writes
(`services.children_register_prepare`, the census import).

A bulk write is all or nothing, so it writes in one transaction; on SQLite that transaction
holds the database's only write lock, and every other save waits for it. So everything that
costs time happens before it opens: the rows are validated, the primary keys of the new files
reserved, the history rows built, and every value turned into its SQL parameter, the sensitive
ones encrypted. Inside the transaction only the prepared statements run.

1. `reserve_ids(Model, n)`: keys that no other insert will take (a sequence on PostgreSQL,
   SQLite's `sqlite_sequence` moved on in a transaction of its own).
2. `Statements.insert(objs)`, `Statements.history(objs)`, `Statements.update(objs, fields)`:
   the SQL and its parameters, prepared by Django's own compiler.
3. `Statements.run()`, inside the caller's transaction.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone


def _db() -> BaseDatabaseWrapper:
    """The connection itself, not `django.db.connection`: the proxy's thread-local lookup on each
    of the compiler's 400,000 uses of it cost seconds."""
    return connections[DEFAULT_DB_ALIAS]


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys for new rows of `model`, taken in a short transaction of its own:
    a row saved meanwhile gets a key after them."""
    if count <= 0:
        return []
    connection = _db()
    quote = connection.ops.quote_name
    table, column = model._meta.db_table, model._meta.pk.column
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite's AUTOINCREMENT gives a new row a key above both sqlite_sequence's number and
        # the largest key in the table; moving the number on reserves the keys below it.
        cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")  # noqa: S608 - names from the model's meta
        (largest,) = cursor.fetchone()
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        start = max(largest, found[0] if found else 0)
        if found:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start + count, table]
            )
        else:
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start + count]
            )
    return list(range(start + 1, start + count + 1))


def history_rows(
    objs: Sequence[models.Model], *, user, when: datetime.datetime | None = None
) -> list[models.Model]:
    """The "+" (created) history rows of saved-to-be objects, as simple-history's
    `bulk_history_create` builds them, without saving them: dated `_history_date` where an
    object has one (simple-history's own attribute), otherwise `when` or now."""
    if not objs:
        return []
    history = type(objs[0]).history.model  # type: ignore[attr-defined]
    when = when or timezone.now()
    rows = []
    for obj in objs:
        row = history(
            history_date=getattr(obj, "_history_date", when),
            history_user=user,
            history_change_reason=None,
            history_type="+",
            **{f.attname: getattr(obj, f.attname) for f in history.tracked_fields},
        )
        rows.append(row)
    return rows


def _insert_fields(model: type[models.Model], *, with_key: bool) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if not f.generated and (with_key or f is not model._meta.pk)
    ]


# The columns of a "+" history row that are not the object's own (simple-history's names).
HISTORY_OWN = ("history_date", "history_change_reason", "history_type", "history_user_id")


@dataclass
class Statements:
    """SQL with its parameters, prepared outside the transaction that runs it.

    The parameters are each field's own `get_db_prep_save` (what Django's compiler calls), in
    a loop of our own: the compiler's machinery around it (expressions, per-value checks) cost
    more than the values themselves on 20,000 files. An object's parameters are kept until its
    history row is prepared (`history`), which takes the same values, encrypted once."""

    single: list[tuple[str, Sequence[Any]]] = field(default_factory=list)
    many: list[tuple[str, list[Sequence[Any]]]] = field(default_factory=list)
    # The parameters of objects that keep a history, by id(object): (the object, by attname).
    prepared: dict[int, tuple[models.Model, dict[str, Any]]] = field(default_factory=dict)

    def insert(self, objs: Sequence[models.Model]) -> None:
        """INSERTs of the objects, in batches of the most parameters the database takes. Objects
        with their key set (`reserve_ids`) are inserted with it; the others get one."""
        if not objs:
            return
        connection = _db()
        model = type(objs[0])
        fields = _insert_fields(model, with_key=objs[0].pk is not None)
        keeps_history = hasattr(model, "history")
        rows = []
        for obj in objs:
            values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
            if keeps_history:
                named = {f.attname: v for f, v in zip(fields, values, strict=True)}
                self.prepared[id(obj)] = (obj, named)
            rows.append(values)
        self._insert_rows(model, fields, rows)

    def _insert_rows(
        self, model: type[models.Model], fields: list[models.Field], rows: list[list[Any]]
    ) -> None:
        connection = _db()
        quote = connection.ops.quote_name
        head = (
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - names from the model's meta
            f"({', '.join(quote(f.column) for f in fields)}) VALUES "
        )
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        batch = max(connection.ops.bulk_batch_size(fields, rows), 1)
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            sql = _native(head + ", ".join([one] * len(chunk)))
            self.single.append((sql, [v for row in chunk for v in row]))

    def history(self, objs: Sequence[models.Model], *, user) -> None:
        """The "+" history rows of objects inserted by `insert` (the same values, as
        `history_rows` builds them)."""
        if not objs:
            return
        connection = _db()
        history = type(objs[0]).history.model  # type: ignore[attr-defined]
        fields = _insert_fields(history, with_key=False)
        tracked = {f.attname for f in history.tracked_fields}
        unknown = [f for f in fields if f.attname not in tracked and f.attname not in HISTORY_OWN]
        known: list[tuple[models.Model | None, dict[str, Any]]] = [
            self.prepared.get(id(obj), (None, {})) for obj in objs
        ]
        if unknown or any(
            o is not obj or not tracked <= set(v) for (o, v), obj in zip(known, objs, strict=True)
        ):
            # A history model of another shape, or objects not inserted here: built as is.
            self.insert(history_rows(objs, user=user))
            return
        own = {f.attname: f for f in fields if f.attname in HISTORY_OWN}
        when = timezone.now()
        user_id = user.pk if user is not None else None
        fixed = {
            "history_change_reason": None,
            "history_type": own["history_type"].get_db_prep_save("+", connection),
            "history_user_id": user_id,
        }
        dated = own["history_date"]
        now = dated.get_db_prep_save(when, connection)
        rows = []
        for obj, (_same, values) in zip(objs, known, strict=True):
            at = getattr(obj, "_history_date", None)
            fixed["history_date"] = now if at is None else dated.get_db_prep_save(at, connection)
            rows.append(
                [values[f.attname] if f.attname in tracked else fixed[f.attname] for f in fields]
            )
        self._insert_rows(history, fields, rows)

    def update(self, objs: Sequence[models.Model], fields: Sequence[str]) -> None:
        """One UPDATE … WHERE pk run for each object, with the named fields' values."""
        if not objs:
            return
        connection = _db()
        model = type(objs[0])
        quote = connection.ops.quote_name
        columns = [cast(models.Field, model._meta.get_field(name)) for name in fields]
        assignments = ", ".join(f"{quote(c.column)} = %s" for c in columns)
        sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608 - names from the model's meta
            f"WHERE {quote(cast(str, model._meta.pk.column))} = %s"
        )
        params: list[Sequence[Any]] = [
            [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns] + [obj.pk]
            for obj in objs
        ]
        self.many.append((_native(sql), params))

    def run(self) -> None:
        """Inside the caller's transaction: the statements, and nothing else."""
        connection = _db()
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            # The driver's own cursor: the placeholders are SQLite's already (`_native`).
            cursor = connection.connection.cursor()
        else:
            cursor = connection.cursor()
        # Django's exceptions (IntegrityError …) for the driver's, as from any other query.
        with connection.wrap_database_errors:
            try:
                for sql, params in self.single:
                    cursor.execute(sql, params)
                for sql, rows in self.many:
                    cursor.executemany(sql, rows)
            finally:
                cursor.close()


def _native(sql: str) -> str:
    """Django writes `%s` placeholders and turns them into SQLite's `?` on every execute (a
    regular expression over the whole statement); done here, it is done before the lock."""
    if _db().vendor != "sqlite":
        return sql
    from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

    return FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
