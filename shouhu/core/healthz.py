"""`/healthz`: is this server able to answer? For the monitor, without a login.

It says only "ok" or which part failed: no count, no name, no version, nothing a stranger could
learn about the children or the installation. The worker's heartbeat joins the database here
when the job worker exists (docs/deploy.md, Monitoring).
"""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("healthz: the database does not answer")
        return False


@never_cache
@require_safe
def healthz(request):
    """200 `{"status": "ok", "database": "ok"}`, or 503 naming the part that failed."""
    checks = {"database": "ok" if database_answers() else "error"}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
