"""Figures kept between requests: the dashboard and the census of a unit, counted once and
shown to every officer who opens it for a while, instead of once per request.

The rule (docs/scale.md, "Figures kept between requests"):

- **The key is exactly what the figures are a function of:** the page, the unit, the term and
  the day (the term's reference day: today while it runs, its last day once it ended), and the
  role (its permissions) and the one thing the privacy matrix changes on the page: whether the
  role may read dropout cases (the 控辍保学 tiles). The figures of a unit are the same whoever
  asks (`tests/test_figures_whoever_asks.py`), so no user is in the key.
- **The right to the unit is checked on every request** (`check_node`) before the cache is
  read: it is never kept.
- **A write shows up within `SHOUHU_FIGURES_KEEP_SECONDS`** (60 s): a visit recorded, a roll
  call or a census row is counted by the first request after the kept figures expire. While that
  request counts (a few seconds), the others are shown the figures it replaces: one count per
  unit at a time, not one per worker. Nothing older than twice the time is ever shown. The page
  says when its figures were counted (统计于 HH:MM).
- **"So far":** an open period's figures carry their days left; the day is in the key, so the
  first request of a new day counts afresh. An ended term's figures are read on its last day
  and are kept for the same 60 s (a late entry into it shows up like any write).
- **0 turns it off** (the tests, which write and read at once, and a server that wants every
  request counted).
- **Where:** Django's cache `figures` (settings.CACHES): files under SHOUHU_VAR_DIR/cache,
  owner-only, shared by the server's workers, so one worker counts and the others read. They
  hold counts and unit names only: no child's name, ID or note. A directory that cannot be
  written (a read-only installation) keeps nothing: every request counts, with a warning.
"""

import dataclasses
import datetime
import logging
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from shouhu.core.visibility import may_read_dropout
from shouhu.org.models import Term
from shouhu.reports.selectors.base import Node, check_node, node_key, reference_day

T = TypeVar("T")
logger = logging.getLogger(__name__)
FORMAT = 1  # raised when what is kept changes shape: a new server reads nothing of the old one


def kept_key(page: str, user, *, node: Node, term: Term) -> str:
    kind, pk = node_key(node)
    audience = f"{getattr(user, 'role', '')}:{'dropout' if may_read_dropout(user) else '-'}"
    return f"{page}:{FORMAT}:{kind}:{pk}:{term.pk}:{reference_day(term).isoformat()}:{audience}"


@dataclasses.dataclass(frozen=True)
class Kept(Generic[T]):
    value: T
    counted_at: datetime.datetime  # when the figures were counted (shown on the page)


def kept_figures(
    page: str, user, *, node: Node, term: Term, perm: str, count: Callable[[], T]
) -> Kept[T]:
    """`count()` (the page's figures of the node and term), or what it gave for the same key
    less than SHOUHU_FIGURES_KEEP_SECONDS ago. The user's permission and scope are checked
    first, on every call."""
    check_node(user, node, perm)
    seconds = settings.SHOUHU_FIGURES_KEEP_SECONDS
    if seconds <= 0:
        return Kept(count(), timezone.now())
    return _kept(kept_key(page, user, node=node, term=term), seconds, count)


def _kept(key: str, seconds: int, count: Callable[[], T]) -> Kept[T]:
    try:
        cache = caches["figures"]
        found = cache.get(key)
    except OSError:  # the cache's directory cannot be made or read: counted at every request
        logger.warning("figures not kept: the cache cannot be read (%r)", key)
        return Kept(count(), timezone.now())
    locked = False
    if isinstance(found, Kept):
        if timezone.now() - found.counted_at < datetime.timedelta(seconds=seconds):
            return found
        # Expired: one request counts again; the others show the kept figures meanwhile rather
        # than all counting the same at once (every worker would).
        locked = cache.add(f"{key}:counting", 1, timeout=seconds)
        if not locked:
            return found
    try:
        kept = Kept(count(), timezone.now())
        # Kept twice as long as it is fresh, for the requests that come while it is recounted.
        try:
            cache.set(key, kept, timeout=2 * seconds)
        except OSError:  # the cache's directory cannot be written: counted at every request
            logger.warning("figures not kept: the cache %r cannot be written", key)
    finally:
        if locked:
            cache.delete(f"{key}:counting")
    return kept
