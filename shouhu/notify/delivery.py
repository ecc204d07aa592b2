"""Sending the outbox (issue 19): the worker's task for one message, and a pass over every
message that is due (the daily sweep, the bench).

For one message, `message_deliver`:

1. Claims it (queued or held, and due): a task delivered twice sends it once.
2. Finds the address: the bare number or address, else the user's phone or email; a user
   without one fails at once, with the reason kept (no retry can help).
3. Holds a non-urgent SMS in the quiet hours (SHOUHU_QUIET_HOURS, China time) until they end:
   its task is queued again for that time.
4. Drops a non-urgent message beyond SHOUHU_NOTIFY_DAILY_CAP sent to the same person today.
5. Hands it to the channel's backend. Sent: the time is kept. A `DeliveryError`: the error is
   kept and it is retried after 1, 4, 16, 64 minutes; after SHOUHU_NOTIFY_MAX_ATTEMPTS tries it
   has failed for good and shows on the administrator's outbox page.

An urgent message (an emergency, a one-time code) is never held nor dropped; the worker polls
its queue every second, so it goes out within the minute.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from shouhu.notify.backends import DeliveryError, Outgoing, backend_for
from shouhu.notify.models import Channel, Message, MessageStatus
from shouhu.notify.rules import quiet_until, retry_after

logger = logging.getLogger(__name__)

# A message still "sending" after this long was cut off (the worker was killed): due again.
SENDING_STALE = datetime.timedelta(minutes=10)
WAITING = (MessageStatus.QUEUED, MessageStatus.HELD)


@task()
def deliver_message(message_id: int) -> str:
    """The worker's task for one message, by its id."""
    message = message_deliver(message_id=message_id)
    return "" if message is None else message.status


def _due_q(now: datetime.datetime) -> Q:
    return Q(status__in=WAITING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def _claim(message_id: int, *, now: datetime.datetime) -> Message | None:
    claimed = Message.objects.filter(_due_q(now), pk=message_id).update(
        status=MessageStatus.SENDING
    )
    if not claimed:
        return None
    return Message.objects.select_related("to_user").get(pk=message_id)


def _address(message: Message) -> str:
    if message.to_address:
        return message.to_address
    user = message.to_user
    if user is None or not user.is_active:
        return ""
    return user.email if message.channel == Channel.EMAIL else user.phone


def _sent_today(message: Message, *, now: datetime.datetime) -> int:
    start = datetime.datetime.combine(
        timezone.localdate(now), datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    return Message.objects.filter(
        recipient_key=message.recipient_key, status=MessageStatus.SENT, sent_at__gte=start
    ).count()


def _finish(message: Message, *, status: str, error: str = "", at=None, run_after=None) -> None:
    message.status = status
    message.error = error[: Message._meta.get_field("error").max_length]  # type: ignore[index]
    message.next_attempt_at = run_after
    if at is not None:
        message.sent_at = at
    with transaction.atomic():
        message.save(update_fields=["status", "error", "next_attempt_at", "sent_at", "attempts"])
        if run_after is not None:
            deliver_message.using(run_after=run_after).enqueue(message.pk)


def message_deliver(*, message_id: int, now: datetime.datetime | None = None) -> Message | None:
    """Deliver one message if it is due (the numbered steps above); None when it was not due
    or is being sent by another worker."""
    now = now or timezone.now()
    message = _claim(message_id, now=now)
    if message is None:
        return None
    address = _address(message)
    if not address:
        what = "手机号" if message.channel == Channel.SMS else "电子邮箱"
        _finish(message, status=MessageStatus.FAILED, error=f"收件人没有可用的{what}")
        return message
    if message.channel == Channel.SMS and not message.urgent:
        until = quiet_until(
            now, hours=settings.SHOUHU_QUIET_HOURS, tz=timezone.get_current_timezone()
        )
        if until is not None:
            _finish(message, status=MessageStatus.HELD, run_after=until)
            return message
    if not message.urgent and _sent_today(message, now=now) >= settings.SHOUHU_NOTIFY_DAILY_CAP:
        _finish(message, status=MessageStatus.DROPPED, error="已达当日发送上限")
        return message
    message.attempts += 1
    outgoing = Outgoing(
        channel=message.channel,
        to=address,
        subject=message.subject,
        body=message.body,
        kind=message.kind,
    )
    try:
        backend_for(message.channel).send(outgoing)
    except DeliveryError as error:
        logger.warning("message %s: attempt %s failed: %s", message.pk, message.attempts, error)
        if message.attempts < settings.SHOUHU_NOTIFY_MAX_ATTEMPTS:
            again = now + retry_after(message.attempts)
            _finish(message, status=MessageStatus.QUEUED, error=str(error), run_after=again)
        else:
            _finish(message, status=MessageStatus.FAILED, error=str(error))
        return message
    _finish(message, status=MessageStatus.SENT, at=now)
    return message


@dataclass(frozen=True)
class DeliveryPass:
    sent: int
    held: int
    dropped: int
    failed: int
    retrying: int

    def describe(self) -> str:
        return (
            f"发送 {self.sent} 条、暂缓 {self.held} 条、超上限 {self.dropped} 条、"
            f"失败 {self.failed} 条、待重试 {self.retrying} 条"
        )


def messages_deliver_due(*, now: datetime.datetime | None = None) -> DeliveryPass:
    """Deliver every message that is due, oldest first, and any cut off while sending: the
    daily sweep's safety net (each message has its own task) and the bench's measure."""
    now = now or timezone.now()
    Message.objects.filter(status=MessageStatus.SENDING, created_at__lt=now - SENDING_STALE).update(
        status=MessageStatus.QUEUED
    )
    counts = dict.fromkeys(MessageStatus.values, 0)
    retrying = 0
    ids = Message.objects.filter(_due_q(now)).order_by("pk").values_list("pk", flat=True)
    for message_id in list(ids):
        message = message_deliver(message_id=message_id, now=now)
        if message is None:
            continue
        counts[message.status] += 1
        retrying += message.status == MessageStatus.QUEUED
    return DeliveryPass(
        sent=counts[MessageStatus.SENT],
        held=counts[MessageStatus.HELD],
        dropped=counts[MessageStatus.DROPPED],
        failed=counts[MessageStatus.FAILED],
        retrying=retrying,
    )
