"""What every figure shares: the register of figures with their definitions, the scope check,
the cache of one piece of work, shares (a count of a whole), nodes and a term's reference day.

A figure is one function `<name>_for(user, *, node, term)`, registered with `@figure(...)`: its
key, its label and a short definition, which the dashboard shows on hover, the statistical
tables and the summary print in their annex, and `shouhu stats --json` lists.
"""

import datetime
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise as StrPromise

from shouhu.care.rules import percent
from shouhu.core.replica import reading_state, reading_state_set
from shouhu.core.scoping import in_scope
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.org.selectors import term_previous

Node = Region | School | SchoolClass
T = TypeVar("T")


Text = str | StrPromise  # a label or definition, translated when shown


@dataclass(frozen=True)
class Figure:
    key: str
    label: Text
    definition: Text
    function: Callable[..., Any]


FIGURES: dict[str, Figure] = {}


def figure(
    key: str, label: Text, definition: Text
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Register a figure function under its key, with its label and definition."""

    def register(function: Callable[..., T]) -> Callable[..., T]:
        if key in FIGURES:
            raise ValueError(f"figure {key!r} is registered twice")
        FIGURES[key] = Figure(key=key, label=label, definition=definition, function=function)
        return function

    return register


def definitions(keys: list[str] | None = None) -> list[tuple[str, str]]:
    """(label, definition) of the figures named, or of every figure, in registration order."""
    chosen = FIGURES if keys is None else {k: FIGURES[k] for k in FIGURES if k in keys}
    return [(str(f.label), str(f.definition)) for f in chosen.values()]


@dataclass(frozen=True)
class Share:
    """A count out of a whole, with its percentage (one decimal, half up; None of nothing)."""

    count: int
    whole: int

    @property
    def percent(self) -> float | None:
        return percent(self.count, self.whole)

    def as_dict(self) -> dict:
        return {"count": self.count, "whole": self.whole, "percent": self.percent}


# --- the cache of one piece of work -----------------------------------------------------------

_cache: ContextVar[dict | None] = ContextVar("shouhu_reports_cache", default=None)


@contextmanager
def figures_cached() -> Iterator[None]:
    """Inside this block each figure's query runs once: the dashboard, a workbook or a summary
    asks for the same census, compliance or coverage many times. Outside, nothing is kept, so
    a figure read after a write is always fresh."""
    token = _cache.set({}) if _cache.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _cache.reset(token)


@contextmanager
def read_alongside(read: Callable[[], object]) -> Iterator[None]:
    """Run `read` (figure reads that fill the cache) on a database connection of its own while
    the block runs on this one, and wait for it when the block ends: the dashboard's compliance
    query and the rest of its figures take about as long each, and a server has cores for both.

    `read` runs first, on this connection, where another connection would not see the same
    data (inside a transaction, such as a test's) or could not read beside it (an in-memory
    SQLite database), or where `SHOUHU_PARALLEL_FIGURES` is off. An exception raised by `read`
    is raised here either way."""
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()  # type: ignore[attr-defined]
    if connection.in_atomic_block or in_memory or not settings.SHOUHU_PARALLEL_FIGURES:
        read()
        yield
        return
    failed: list[BaseException] = []
    store = _cache.get()
    routing = reading_state()  # on the replica if the block is (shouhu.core.replica)

    def run() -> None:
        # Django's connections are per thread: `read` runs on one of its own. The thread is
        # handed the request's cache (and nothing else of its context): what `read` puts there,
        # the block finds.
        _cache.set(store)
        reading_state_set(routing)
        try:
            read()
        except BaseException as exc:  # noqa: BLE001 - raised again on the request's thread
            failed.append(exc)
        finally:
            connections.close_all()  # this thread's own connections

    worker = threading.Thread(target=run)
    worker.start()
    try:
        yield
    finally:
        worker.join()
    if failed:
        raise failed[0]


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    store = _cache.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


def cache_get(key: Hashable) -> Any:
    store = _cache.get()
    return None if store is None else store.get(key)


def cache_put(key: Hashable, value: T) -> T:
    store = _cache.get()
    if store is not None:
        store[key] = value
    return value


def node_key(node: Node) -> tuple[str, object]:
    return (type(node).__name__, node.pk)


# --- scope ------------------------------------------------------------------------------------


def check_node(user, node: Node | None, perm: str) -> None:
    """403 for a role without the permission; 404 for a node outside the user's scope."""
    if not user.has_perm_to(perm):
        raise PermissionDenied
    if node is None:
        raise Http404
    # Every figure of a page checks the same node: inside `figures_cached`, the check runs once.
    if not cached(("in_scope", id(user), node_key(node)), lambda: in_scope(user, node)):
        raise Http404


# --- terms ------------------------------------------------------------------------------------


def reference_day(term: Term, today: datetime.date | None = None) -> datetime.date:
    """The day a term's figures are read on: today while it runs, its last day once it ended
    (its first day if it has not begun)."""
    today = today or timezone.localdate()
    return max(term.starts_on, min(today, term.ends_on))


def previous_term(term: Term) -> Term | None:
    return cached(("previous_term", term.pk), lambda: term_previous(term))
