"""Queueing a message. Delivery is `shouhu.notify.delivery` (run by the worker)."""

from shouhu.accounts.models import User
from shouhu.notify.models import Channel, Message


def message_queue(
    *,
    kind: str,
    body: str,
    to_user: User | None = None,
    to_address: str = "",
    channel: str = Channel.SMS,
    subject: str = "",
    urgent: bool = False,
    dedupe_key: str | None = None,
) -> Message:
    """Put one message in the outbox; with `dedupe_key`, queueing the same event again returns
    the message already queued. Either `to_user` or `to_address` names the recipient."""
    if to_user is None and not to_address:
        raise ValueError("a message needs a recipient")
    if dedupe_key:
        existing = Message.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    message = Message(
        kind=kind,
        body=body,
        to_user=to_user,
        to_address=to_address,
        channel=channel,
        subject=subject,
        urgent=urgent,
        dedupe_key=dedupe_key,
    )
    message.full_clean()
    message.save()
    return message
