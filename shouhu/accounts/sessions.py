"""Session limits: 30 minutes idle, 12 hours absolute; a deactivated user's sessions end at once.

- Idle: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST; every request moves the session's
  expiry on the server, so a session left alone for 30 minutes is gone from the database.
- Absolute: the login stamps the session's start; `SessionLimitMiddleware` logs the
  user out once SHOUHU_SESSION_ABSOLUTE_SECONDS have passed since, however active they are.
- Deactivation: `sessions_end_for(user)` deletes every session of the user (see
  `shouhu.accounts.services.user_deactivate`). Django's ModelBackend also treats an inactive
  user as logged out on their next request, whatever the session says.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.utils import timezone

STARTED_KEY = "shouhu_session_started"


def sessions_end_for(user) -> int:
    """Delete every live session of the user; returns how many there were."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def stamp_session_start(sender, request, user, **kwargs) -> None:
    """At login the session's twelve hours start (connected in AccountsConfig)."""
    if request is not None and hasattr(request, "session"):
        request.session[STARTED_KEY] = timezone.now().timestamp()


class SessionLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.setdefault(STARTED_KEY, now)
            if now - started > settings.SHOUHU_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                response = redirect_to_login(request.get_full_path())
                if request.headers.get("HX-Request") == "true":
                    response["HX-Redirect"] = response["Location"]
                return response
        return self.get_response(request)
