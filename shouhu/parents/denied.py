"""Refused access on the parents' channel is access too, as it is for staff
(`audit.middleware.DeniedAccessLogMiddleware`, which only sees logged-in users): a parent whose
request ends in a 404 (usually another child's id typed or guessed into the address) leaves a
`denied` row naming them by the keyed hash of their number, and the child when the id is a
child's, so the privacy officer sees who tried to open which file. The parent only sees the 404.
"""

from django.http import HttpRequest

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.audit.services import access_record
from shouhu.registry.models import Child


def parent_denied_record(
    *, phone_index: str, request: HttpRequest, public_id=None, status: int = 404
) -> AccessLog:
    child = Child.objects.filter(public_id=public_id).first() if public_id is not None else None
    return access_record(
        user=None,
        action=AccessAction.DENIED,
        child=child,
        query=f"家长端 {status} {request.get_full_path()}",
        request=request,
        parent_key=phone_index,
    )
