"""Neither log can be changed or deleted through the application.

- The access log (`AccessLog`) refuses it in the model and its queryset, always.
- The change history (django-simple-history's `Historical*` tables) refuses it through
  `pre_save`/`pre_delete`, except inside `erasure_allowed()`: the shredder alone may scrub the
  history of a file it anonymises, since keeping old names and ID numbers there would defeat the
  anonymisation.
- On PostgreSQL a trigger refuses UPDATE and DELETE at the database too, so a raw query from the
  application fails as well. The history tables' trigger lets through a transaction that set
  `shouhu.erasure` (what `erasure_allowed()` does). The triggers are (re)installed after every
  `migrate`, so a history table added later is covered.

There is no view, admin or command that edits a log.
"""

import contextlib
import contextvars
from collections.abc import Iterator

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models.signals import pre_delete, pre_save
from simple_history.models import HistoricalChanges

from shouhu.audit.models import AccessLog, AppendOnlyError

_erasing: contextvars.ContextVar[bool] = contextvars.ContextVar("shouhu_erasing", default=False)


@contextlib.contextmanager
def erasure_allowed() -> Iterator[None]:
    """Let the shredder scrub change history inside one transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('shouhu.erasure', 'on', true)")
        token = _erasing.set(True)
        try:
            yield
        finally:
            _erasing.reset(token)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('shouhu.erasure', 'off', true)")


def history_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if issubclass(m, HistoricalChanges)]


def _refuse_history_change(sender, instance, raw=False, **kwargs) -> None:
    if raw or _erasing.get():
        return
    if kwargs.get("signal") is pre_delete or not instance._state.adding:
        raise AppendOnlyError(f"{sender._meta.label} is append-only.")


def connect_history_guards() -> None:
    for model in history_models():
        for signal in (pre_save, pre_delete):
            signal.connect(
                _refuse_history_change, sender=model, dispatch_uid=f"append-only-{model}-{signal}"
            )


_FUNCTION = """
CREATE OR REPLACE FUNCTION shouhu_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_ARGV[0] = 'erasable' AND current_setting('shouhu.erasure', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'shouhu: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def install_triggers(using: str = "default") -> list[str]:
    """Install the append-only triggers on PostgreSQL; returns the tables covered."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "postgresql":
        return []
    tables = [(AccessLog._meta.db_table, "never")]
    tables += [(m._meta.db_table, "erasable") for m in history_models()]
    existing = set(conn.introspection.table_names())
    covered = []
    with conn.cursor() as cursor:
        cursor.execute(_FUNCTION)
        for table, mode in tables:
            if table not in existing:
                continue
            quoted = conn.ops.quote_name(table)
            cursor.execute(f"DROP TRIGGER IF EXISTS shouhu_append_only ON {quoted}")
            cursor.execute(
                # Table names come from the models, quoted by the backend; no user input.
                f"CREATE TRIGGER shouhu_append_only BEFORE UPDATE OR DELETE ON {quoted} "
                f"FOR EACH ROW EXECUTE FUNCTION shouhu_append_only('{mode}')"
            )
            covered.append(table)
    return covered


def _after_migrate(sender, using="default", **kwargs) -> None:
    install_triggers(using)
