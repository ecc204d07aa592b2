"""`shouhu rotate-key`: re-encrypt every encrypted field of every model under the first key.

The procedure (docs/privacy.md, "Key rotation"):

1. Put the new key in front: SHOUHU_FIELD_KEY="NEW,OLD" and restart. New writes use NEW, and
   every value still reads, as each key decrypts.
2. `shouhu rotate-key` rewrites every value that NEW cannot read yet, batch by batch, each batch
   in its own transaction. Killed halfway, it loses nothing: a batch is either committed under
   NEW or rolled back under OLD, and both keys read. Run again, it skips what is done.
3. `shouhu rotate-key --check` confirms that NEW alone reads every value.

The blind index (the ID number's keyed hash) derives from the LAST key, so it survives step 1.
To retire that key too, list NEW alone and run `shouhu rotate-key --reindex` once, with the
application stopped (lookups by ID number are wrong until it finishes).

The values are rewritten with SQL, not through the models: the change history is append-only,
and a new ciphertext of the same plaintext is not a change of the child's file.
"""

import time

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from shouhu.audit.guards import erasure_allowed
from shouhu.core import crypto
from shouhu.core.crypto import EncryptedTextField


def encrypted_columns() -> list[tuple[type, list[str]]]:
    """Every concrete model with encrypted fields, and their columns, in a stable order."""
    found = []
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [
            f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if columns:
            found.append((model, columns))
    return found


def index_columns(model, columns: list[str]) -> list[tuple[str, str]]:
    """(value column, index column) pairs: an encrypted `x` with a plain `x_index` beside it."""
    names = {f.column for f in model._meta.concrete_fields}
    return [(c, f"{c}_index") for c in columns if f"{c}_index" in names]


class Command(BaseCommand):
    help = (
        "用第一个密钥重新加密所有加密字段（可中断、可续跑）。"
        "Re-encrypt every encrypted field under the first key of SHOUHU_FIELD_KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--check", action="store_true", help="只检查：第一个密钥能否读出所有值。Check only."
        )
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="按当前最后一个密钥重算身份证号索引。Rebuild the blind indexes.",
        )
        parser.add_argument(
            "--pause", type=float, default=0.0, help="每批之间暂停的秒数。Seconds between batches."
        )

    def handle(self, *args, batch_size: int, check: bool, reindex: bool, pause: float, **opts):
        crypto._fernet.cache_clear()
        crypto._index_key.cache_clear()
        keys = crypto._keys()
        if not keys:
            raise CommandError("SHOUHU_FIELD_KEY is empty.")
        self.primary = Fernet(keys[0])
        self.every = MultiFernet([Fernet(k) for k in keys])
        self.batch_size = max(1, batch_size)
        self.pause = pause
        if check:
            self._check()
        elif reindex:
            self._run(self._reindex_batch, "reindexed")
        else:
            if len(keys) < 2:
                self.stdout.write("Only one key is configured: rewriting anything it cannot read.")
            self._run(self._rotate_batch, "re-encrypted")

    # -- reading and writing raw rows -------------------------------------------------------

    def _rows(self, model, columns: list[str], after):
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        where = f"WHERE {pk} > %s " if after is not None else ""
        # Identifiers come from the models and are quoted by the backend; values are parameters.
        sql = f"SELECT {pk}, {cols} FROM {table} {where}ORDER BY {pk} LIMIT %s"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [after, self.batch_size] if after is not None else [self.batch_size]
            )
            return cursor.fetchall()

    def _update(self, model, pk_value, changes: dict[str, str]) -> None:
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in changes)
        sql = f"UPDATE {table} SET {sets} WHERE {pk} = %s"  # noqa: S608 - as in _rows
        with connection.cursor() as cursor:
            cursor.execute(sql, [*changes.values(), pk_value])

    def _run(self, batch, verb: str) -> None:
        total = 0
        for model, columns in encrypted_columns():
            if batch == self._reindex_batch and not index_columns(model, columns):
                continue
            after = None
            done = 0
            number = 0
            while True:
                rows = self._rows(model, columns, after)
                if not rows:
                    break
                number += 1
                with erasure_allowed():
                    done += batch(model, columns, rows)
                    self.batch_written(model, number)
                after = rows[-1][0]
                self.stdout.write(f"{model._meta.label} batch {number}: {done} {verb}")
                self.stdout.flush()
                if self.pause:
                    time.sleep(self.pause)
            total += done
        self.stdout.write(self.style.SUCCESS(f"Done: {total} values {verb}."))

    def batch_written(self, model, number: int) -> None:
        """Called inside each batch's transaction, after its writes (a seam for the tests that
        interrupt the rotation halfway)."""

    # -- the three jobs -----------------------------------------------------------------------

    def _rotate_batch(self, model, columns: list[str], rows) -> int:
        count = 0
        for pk_value, *tokens in rows:
            changes = {}
            for column, token in zip(columns, tokens, strict=True):
                if not token or self._primary_reads(token):
                    continue
                try:
                    changes[column] = self.every.rotate(token.encode()).decode()
                except InvalidToken:
                    raise CommandError(
                        f"{model._meta.label} {pk_value}.{column}: no configured key reads it; "
                        "nothing was changed in this batch."
                    ) from None
            if changes:
                self._update(model, pk_value, changes)
                count += len(changes)
        return count

    def _reindex_batch(self, model, columns: list[str], rows) -> int:
        pairs = dict(index_columns(model, columns))
        count = 0
        for pk_value, *tokens in rows:
            changes = {}
            for column, token in zip(columns, tokens, strict=True):
                if column in pairs:
                    plain = self.every.decrypt(token.encode()).decode() if token else ""
                    changes[pairs[column]] = crypto.blind_index(plain) if plain else ""
            if changes:
                self._update(model, pk_value, changes)
                count += len(changes)
        return count

    def _primary_reads(self, token: str) -> bool:
        try:
            self.primary.decrypt(token.encode())
        except InvalidToken:
            return False
        return True

    def _check(self) -> None:
        pending = 0
        for model, columns in encrypted_columns():
            after = None
            while rows := self._rows(model, columns, after):
                for _pk, *tokens in rows:
                    pending += sum(1 for t in tokens if t and not self._primary_reads(t))
                after = rows[-1][0]
        if pending:
            raise CommandError(f"{pending} values are not yet under the first key.")
        self.stdout.write(self.style.SUCCESS("Every value reads with the first key alone."))
