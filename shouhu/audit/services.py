"""Writing the record of access. Nothing here is ever updated or deleted."""

from django.http import HttpRequest

from shouhu.audit.models import AccessAction, AccessLog


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_record(
    *,
    user,
    action: AccessAction,
    child=None,
    query: str = "",
    request: HttpRequest | None = None,
) -> AccessLog:
    return AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        child=child,
        query=query[:500],
        ip=client_ip(request),
    )
