"""The staff side of the parents' messages in the child's file: what the reader's
`parent_messages` cell allows (docs/privacy.md), and whether they answer."""

from dataclasses import dataclass, field

from django.utils import timezone

from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.care.models import Pairing, PairingKind
from shouhu.core.visibility import ChildField, Visibility, child_visibility
from shouhu.parents.models import ParentMessage
from shouhu.registry.models import Child

FILE_MESSAGES = 20


@dataclass
class ChildMessages:
    """The child's latest messages, newest first; `full` says whether their texts are shown,
    `may_reply` whether the reader answers the waiting ones."""

    child: Child
    full: bool
    may_reply: bool
    messages: list[ParentMessage] = field(default_factory=list)


def child_messages_for(user, *, child: Child, request=None) -> ChildMessages | None:
    """The messages about a child the user sees (the caller found the child in the user's
    scope), or None where the user's cell hides them; reading their texts is logged."""
    state = child_visibility(user, child, ChildField.PARENT_MESSAGES)
    if state == Visibility.HIDDEN:
        return None
    rows = (
        ParentMessage.objects.restrict(user)
        .filter(child=child)
        .select_related("parent", "replied_by")
        .order_by("-sent_at", "-id")[:FILE_MESSAGES]
    )
    full = state == Visibility.FULL
    if not full:
        rows = rows.defer("body", "reply")
    shown = ChildMessages(
        child=child,
        full=full,
        may_reply=full and may_reply_child(user, child),
        messages=list(rows),
    )
    if full and shown.messages:
        access_record(user=user, action=AccessAction.VIEW, child=child, request=request)
    return shown


def may_reply_child(user, child: Child) -> bool:
    """The child's head teacher and current proxy parent answer the parents' messages."""
    if child.school_class.head_teacher_id == user.pk:
        return True
    return (
        Pairing.objects.current(timezone.localdate())
        .filter(child_id=child.pk, carer=user, kind=PairingKind.PROXY_PARENT)
        .exists()
    )
