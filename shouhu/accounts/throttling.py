"""Login throttling (django-axes), keyed on the username and on the address, never on the
browser's User-Agent (which the client chooses freely).

- A username is locked after SHOUHU_LOGIN_FAILURE_LIMIT failures within the lock window, from
  any address and any browser (AXES_LOCKOUT_PARAMETERS = ["username"]).
- An address is locked when its failures within the window name SHOUHU_LOGIN_SPRAY_LIMIT
  different usernames (a spray: one password tried on many accounts). A whole school often
  shares one address, so one colleague's mistakes (one username) never lock anyone else.
- The address is the client's, behind a trusted reverse proxy too (`shouhu.core.network`).
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone


def spray_usernames(*, ip_address: str | None, since) -> int:
    """How many different usernames failed to log in from this address since `since`."""
    if not ip_address:
        return 0
    return (
        AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since)
        .values("username")
        .distinct()
        .count()
    )


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler, with the address's spray counted as failures of the attempt."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        since = (getattr(request, "axes_attempt_time", None) or timezone.now()) - (
            settings.AXES_COOLOFF_TIME
        )
        sprayed = spray_usernames(ip_address=getattr(request, "axes_ip_address", None), since=since)
        if sprayed >= settings.SHOUHU_LOGIN_SPRAY_LIMIT:
            request.shouhu_address_locked = True  # the lock-out page names the address
            return max(failures, get_failure_limit(request, credentials))
        return failures
