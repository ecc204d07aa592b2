"""`/healthz`: is this server able to answer? For the monitor, without a login.

It says only "ok" or which part failed: no count, no name, no version, no time, nothing a
stranger could learn about the children or the installation. Core knows the database; an app
with a part of its own to report adds a check when Django starts (`check_register`): the jobs
app adds the worker's heartbeat (docs/deploy.md, Monitoring).
"""

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# name → a function returning (a one-word state, healthy?)
Check = Callable[[], tuple[str, bool]]
_CHECKS: dict[str, Check] = {}


def check_register(name: str, check: Check) -> None:
    _CHECKS[name] = check


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("healthz: the database does not answer")
        return False


def _run(name: str, check: Check) -> tuple[str, bool]:
    try:
        return check()
    except DatabaseError:
        logger.exception("healthz: the %s check failed", name)
        return "error", False


@never_cache
@require_safe
def healthz(request):
    """200 `{"status": "ok", "database": "ok", "worker": "ok"}`, or 503 naming the part that
    failed."""
    database = database_answers()
    checks = {"database": "ok" if database else "error"}
    healthy = database
    for name, check in _CHECKS.items():
        state, ok = _run(name, check) if database else ("error", False)
        checks[name] = state
        healthy = healthy and ok
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
