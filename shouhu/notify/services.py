"""Queueing a message, and a staff member's own notification settings. Delivery is
`shouhu.notify.delivery` (run by the worker)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.core.crypto import blind_index
from shouhu.notify.delivery import deliver_message
from shouhu.notify.models import Channel, Message, NotifyPreference


def recipient_key_of(*, to_user: User | None, to_address: str) -> str:
    """Who the daily cap counts against: the user, else the keyed hash of the address."""
    if to_user is not None:
        return f"user:{to_user.pk}"
    return "addr:" + blind_index(to_address.strip().lower())


@transaction.atomic
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
    the message already queued. Either `to_user` or `to_address` names the recipient (a user's
    number or email is read when it is sent). The worker's delivery task is queued in the same
    transaction: a message is never without the task that sends it."""
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
        recipient_key=recipient_key_of(to_user=to_user, to_address=to_address),
        channel=channel,
        subject=subject,
        urgent=urgent,
        dedupe_key=dedupe_key,
    )
    message.full_clean()
    message.save()
    deliver_message.enqueue(message.pk)
    return message


def preference_of(user: User) -> NotifyPreference:
    """The user's settings, or the defaults (SMS, digest on) when they never chose."""
    found = NotifyPreference.objects.filter(user=user).first()
    return found if found is not None else NotifyPreference(user=user)


def staff_message_queue(
    *,
    user: User,
    kind: str,
    body: str,
    subject: str = "",
    urgent: bool = False,
    dedupe_key: str | None = None,
) -> Message:
    """A message to a staff member by the channel they chose (账号安全 › 消息通知): email when
    they chose it and have an address, else SMS."""
    preference = preference_of(user)
    channel = Channel.EMAIL if preference.channel == Channel.EMAIL and user.email else Channel.SMS
    return message_queue(
        kind=kind,
        body=body,
        to_user=user,
        channel=channel,
        subject=subject,
        urgent=urgent,
        dedupe_key=dedupe_key,
    )


@transaction.atomic
def preference_set(
    *, actor: User, user: User, channel: str, digest: bool, request: HttpRequest | None = None
) -> NotifyPreference:
    """A staff member chooses how they are told, and whether they get the morning digest. Only
    for themselves; emergencies are sent whatever they choose."""
    if actor.pk != user.pk or not actor.is_active:
        raise PermissionDenied
    preference = NotifyPreference.objects.filter(user=user).first() or NotifyPreference(user=user)
    preference.channel = channel
    preference.digest = digest
    preference.full_clean()
    preference.save()
    access_record(
        user=actor,
        action=AccessAction.UPDATE,
        query=f"消息通知设置：{preference.get_channel_display()}，"
        f"早间待办提醒{'开' if digest else '关'}",
        request=request,
    )
    return preference
