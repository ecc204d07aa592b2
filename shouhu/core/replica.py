"""The read replica: heavy reads on a streaming standby, everything else on the primary.

`SHOUHU_REPLICA_URL` adds the `replica` database alias (docs/scale.md, Read replica). Nothing
is routed there by default: a read goes to the replica only inside `reading_from_replica()`,
which wraps the heavy reads by name (the dashboard, the statistical workbook, the work
summary, the exports, the privacy officer's searches), and even there only when

- the request's user has not written in the last `SHOUHU_REPLICA_STICKY_SECONDS` (a signed
  cookie set by `ReadYourWritesMiddleware` after a request that wrote), nor has the block itself
  written, nor is the primary's connection inside a transaction (it would not see its own rows);
- the replica answers and lags the primary by at most `SHOUHU_REPLICA_MAX_LAG_SECONDS`, asked
  at most every `SHOUHU_REPLICA_CHECK_SECONDS` per process. A change of state (down, lagging,
  back) is logged once, as a warning.

Writes always go to the primary. Without `SHOUHU_REPLICA_URL` all of this is a no-op.
"""

import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger("shouhu.replica")

REPLICA = "replica"
STICKY_COOKIE = "shouhu_wrote"
_STICKY_SALT = "shouhu.core.replica.sticky"
_WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "TRUNCATE")


@dataclass
class _Block:
    """One `reading_from_replica()` block: whether a write happened inside it."""

    wrote: bool = False


_block: contextvars.ContextVar[_Block | None] = contextvars.ContextVar(
    "replica_block", default=None
)
_sticky: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_sticky", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


# --- the replica's health ---------------------------------------------------------------------

# The lag: 0 when every WAL record received is replayed (an idle primary sends none, and the
# last replayed transaction may be old), else how old the last replayed transaction is.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN NOT pg_is_in_recovery()
              OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
       END
"""


def _replica_lag() -> float:
    """Seconds the replica lags, asked on a connection of its own (not the pool's: a pool waits
    its whole timeout for a server that is down). Raises when the replica does not answer."""
    params = settings.DATABASES[REPLICA]
    if params["ENGINE"] != "django.db.backends.postgresql":
        return 0.0
    import psycopg

    with psycopg.connect(
        dbname=params["NAME"],
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        connect_timeout=settings.SHOUHU_REPLICA_CONNECT_TIMEOUT,
    ) as conn:
        row = conn.execute(LAG_SQL).fetchone()
    return float(row[1]) if row else 0.0


class _Health:
    """Whether the replica may be read, known for `SHOUHU_REPLICA_CHECK_SECONDS` at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked = float("-inf")
        self.usable = True
        self.reason = ""
        self.measure: Callable[[], float] = _replica_lag

    def answer(self) -> bool:
        now = time.monotonic()
        if now - self.checked < settings.SHOUHU_REPLICA_CHECK_SECONDS:
            return self.usable
        with self.lock:
            if now - self.checked >= settings.SHOUHU_REPLICA_CHECK_SECONDS:
                self.checked = now
                self._set(*self._ask())
        return self.usable

    def _ask(self) -> tuple[bool, str]:
        try:
            lag = self.measure()
        except Exception as error:  # noqa: BLE001 - any failure to answer is "down"
            return False, f"the replica does not answer ({error.__class__.__name__}: {error})"
        limit = settings.SHOUHU_REPLICA_MAX_LAG_SECONDS
        if lag > limit:
            return False, f"the replica lags {lag:.1f} s behind the primary (limit {limit} s)"
        return True, ""

    def _set(self, usable: bool, reason: str) -> None:
        if usable and not self.usable:
            logger.warning("Heavy reads go to the replica again.")
        elif not usable and (self.usable or reason.split("(")[0] != self.reason.split("(")[0]):
            logger.warning("Heavy reads fall back to the primary: %s.", reason)
        self.usable, self.reason = usable, reason

    def fail(self, error: BaseException) -> None:
        """A read on the replica failed: the replica is down until the next check says not."""
        with self.lock:
            self.checked = time.monotonic()
            self._set(False, f"a read failed ({error.__class__.__name__}: {error})")

    def forget(self) -> None:
        """Ask again at the next read (tests; a restarted replica)."""
        with self.lock:
            self.checked = float("-inf")


health = _Health()


# --- where a read goes ------------------------------------------------------------------------


def reads_on_replica() -> bool:
    """Whether a read made here, now, goes to the replica."""
    block = _block.get()
    if block is None or block.wrote or _sticky.get() or not replica_configured():
        return False
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return False
    return health.answer()


def read_connection() -> BaseDatabaseWrapper:
    """The connection a raw read (a cursor of one's own) uses here: the replica's inside a
    `reading_from_replica()` block that may use it, else the primary's."""
    return connections[REPLICA if reads_on_replica() else DEFAULT_DB_ALIAS]


class ReplicaRouter:
    """Django's database router (settings.DATABASE_ROUTERS): see the module's docstring."""

    def db_for_read(self, model, **hints) -> str | None:
        if not replica_configured():
            return None
        return REPLICA if reads_on_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str | None:
        block = _block.get()
        if block is not None:
            block.wrote = True  # the block reads its own writes from now on
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db, app_label, **hints) -> bool | None:
        return False if db == REPLICA else None


class reading_from_replica(contextlib.ContextDecorator):  # noqa: N801 - read as a phrase
    """A block (or, as a decorator, a function) whose reads may go to the replica.

    `fresh_since`: a moment (a datetime) after which the reader wrote; within
    `SHOUHU_REPLICA_STICKY_SECONDS` of it the block reads the primary (an export queued by a
    user who has just saved a record). A read on the replica that fails marks it down: the
    reads after it go to the primary until the next check finds it again."""

    def __init__(self, *, fresh_since=None) -> None:
        self.fresh_since = fresh_since
        self._tokens: list[tuple[contextvars.Token, contextvars.Token]] = []

    def _recreate_cm(self) -> "reading_from_replica":
        # As a decorator, a block of its own per call: calls in other threads do not share it.
        return type(self)(fresh_since=self.fresh_since)

    def __enter__(self) -> "reading_from_replica":
        outer = _block.get()
        block = _Block(wrote=outer.wrote if outer is not None else self._fresh())
        sticky = _sticky.get()
        self._tokens.append((_block.set(block), _sticky.set(sticky)))
        return self

    def _fresh(self) -> bool:
        if self.fresh_since is None:
            return False
        from django.utils import timezone

        age = (timezone.now() - self.fresh_since).total_seconds()
        return age < settings.SHOUHU_REPLICA_STICKY_SECONDS

    def __exit__(self, kind, error, traceback) -> None:
        block_token, sticky_token = self._tokens.pop()
        _block.reset(block_token)
        _sticky.reset(sticky_token)
        # Django marks the connection an error came through (errors_occurred).
        if (
            isinstance(error, OperationalError | InterfaceError)
            and replica_configured()
            and connections[REPLICA].errors_occurred
        ):
            health.fail(error)


def reading_state() -> tuple[Any, Any]:
    """This context's routing, for a thread that reads on its behalf (`reading_state_set`)."""
    return _block.get(), _sticky.get()


def reading_state_set(state: tuple[Any, Any]) -> None:
    _block.set(state[0])
    _sticky.set(state[1])


# --- read-your-writes -------------------------------------------------------------------------


@contextlib.contextmanager
def _watching_writes(wrote: list[bool]) -> Iterator[None]:
    def watch(execute, sql, params, many, context):
        text = str(sql).lstrip()
        # The session's expiry is saved on every request: not a write the user made.
        if not wrote and text.upper().startswith(_WRITES) and '"django_session"' not in text:
            wrote.append(True)
        return execute(sql, params, many, context)

    with connections[DEFAULT_DB_ALIAS].execute_wrapper(watch):
        yield


class ReadYourWritesMiddleware:
    """A user whose request wrote to the primary reads from the primary for the next
    `SHOUHU_REPLICA_STICKY_SECONDS`: a signed, timestamped cookie says so (no session write);
    a record they just saved is never missing from their next page."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        seconds = settings.SHOUHU_REPLICA_STICKY_SECONDS
        recent = request.get_signed_cookie(
            STICKY_COOKIE, default=None, salt=_STICKY_SALT, max_age=seconds
        )
        token = _sticky.set(recent is not None)
        wrote: list[bool] = []
        try:
            if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
                response = self.get_response(request)
            else:
                with _watching_writes(wrote):
                    response = self.get_response(request)
        finally:
            _sticky.reset(token)
        if wrote:
            response.set_signed_cookie(
                STICKY_COOKIE,
                "1",
                salt=_STICKY_SALT,
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
