"""A parent's session: not a staff login. The Django session (server-side, its cookie signed)
holds the verified phone's keyed hash, the children it matched at login and when it started.

- It expires like a staff session: SESSION_COOKIE_AGE idle (the session's own expiry) and
  SHOUHU_SESSION_ABSOLUTE_SECONDS absolute, checked here.
- No staff view accepts it: it carries no user, so `login_required` sends the visitor to the
  staff login. No parents' view accepts a staff login: `parent_required` refuses a request whose
  user is logged in, and logging in as a parent ends any staff login in the browser.
- Each request re-reads the children from the file: a child who left school, or a number
  taken off the file, ends the access at once.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.utils import timezone

from shouhu.parents.denied import parent_denied_record
from shouhu.parents.selectors import children_ids_for_index

SESSION_KEY = "shouhu_parent"


@dataclass(frozen=True)
class ParentSession:
    """Who is asking: the keyed hash of their phone and the children it reaches now."""

    phone_index: str
    child_ids: frozenset[int]


def parent_login(request: HttpRequest, *, phone_index: str, child_ids: list[int]) -> None:
    """Start a parent's session in a fresh session (any staff login in the browser ends)."""
    request.session.flush()
    request.session[SESSION_KEY] = {
        "index": phone_index,
        "children": sorted(child_ids),
        "started": timezone.now().timestamp(),
    }


def parent_logout(request: HttpRequest) -> None:
    request.session.flush()


def parent_index_update(request: HttpRequest, *, phone_index: str) -> None:
    """After a phone change the session follows the new number."""
    data = dict(request.session[SESSION_KEY])
    data["index"] = phone_index
    request.session[SESSION_KEY] = data


def parent_session(request: HttpRequest) -> ParentSession | None:
    """The parent asking, or None: no parent session, a staff login, an expired session, or a
    number that reaches no child any more."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return None
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    started = float(data.get("started", 0))
    if timezone.now().timestamp() - started > settings.SHOUHU_SESSION_ABSOLUTE_SECONDS:
        parent_logout(request)
        return None
    index = str(data.get("index", ""))
    current = children_ids_for_index(index) & set(data.get("children", []))
    if not current:
        parent_logout(request)
        return None
    return ParentSession(phone_index=index, child_ids=frozenset(current))


def parent_required(view):
    """A parents' page: the parent's session, or the parents' login page. A 404 (another
    child's id) is logged as denied access under the parent's key (`parents.denied`)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        parent = parent_session(request)
        if parent is None:
            return redirect("parents:login")
        request.parent = parent
        try:
            return view(request, *args, **kwargs)
        except Http404:
            parent_denied_record(
                phone_index=parent.phone_index, request=request, public_id=kwargs.get("public_id")
            )
            raise

    return wrapped
