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
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_tasks import task

from shouhu.notify.backends import DeliveryError, Outgoing, backend_for
from shouhu.notify.models import Channel, Message, MessageStatus
from shouhu.notify.rules import quiet_until, retry_after

logger = logging.getLogger(__name__)

# A claim is a lease: a message still "sending" this long after it was claimed was cut off (the
# worker was killed) and is due again.
SENDING_STALE = datetime.timedelta(minutes=10)
WAITING = (MessageStatus.QUEUED, MessageStatus.HELD)
BATCH = 200


@task()
def deliver_message(message_id: int) -> str:
    """The worker's task for one message, by its id."""
    message = message_deliver(message_id=message_id)
    return "" if message is None else message.status


def _due_q(now: datetime.datetime) -> Q:
    waiting = Q(status__in=WAITING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return waiting | Q(status=MessageStatus.SENDING, next_attempt_at__lt=now)


def _claim(message_id: int, *, now: datetime.datetime) -> Message | None:
    claimed = Message.objects.filter(_due_q(now), pk=message_id).update(
        status=MessageStatus.SENDING, next_attempt_at=now + SENDING_STALE
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


def _day_start(now: datetime.datetime) -> datetime.datetime:
    return datetime.datetime.combine(
        timezone.localdate(now), datetime.time(), tzinfo=timezone.get_current_timezone()
    )


def _sent_today(keys: set[str], *, now: datetime.datetime) -> dict[str, int]:
    """How many messages each recipient was sent today (China time), one query."""
    rows = (
        Message.objects.filter(
            recipient_key__in=keys, status=MessageStatus.SENT, sent_at__gte=_day_start(now)
        )
        .values_list("recipient_key")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def _set(message: Message, status: str, *, error: str = "", run_after=None) -> None:
    message.status = status
    message.error = error[: Message._meta.get_field("error").max_length]  # type: ignore[index]
    message.next_attempt_at = run_after


def _outcome(message: Message, *, now: datetime.datetime, sent_today: int) -> None:
    """Steps 2–5 for a claimed message: set its status, error, attempts and times (the caller
    saves it and queues the task of a message left waiting)."""
    address = _address(message)
    if not address:
        what = "手机号" if message.channel == Channel.SMS else "电子邮箱"
        _set(message, MessageStatus.FAILED, error=f"收件人没有可用的{what}")
        return
    if message.channel == Channel.SMS and not message.urgent:
        until = quiet_until(
            now, hours=settings.SHOUHU_QUIET_HOURS, tz=timezone.get_current_timezone()
        )
        if until is not None:
            _set(message, MessageStatus.HELD, run_after=until)
            return
    if not message.urgent and sent_today >= settings.SHOUHU_NOTIFY_DAILY_CAP:
        _set(message, MessageStatus.DROPPED, error="已达当日发送上限")
        return
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
            _set(message, MessageStatus.QUEUED, error=str(error), run_after=again)
        else:
            _set(message, MessageStatus.FAILED, error=str(error))
        return
    _set(message, MessageStatus.SENT)
    message.sent_at = now


SAVED_FIELDS = ["status", "error", "next_attempt_at", "sent_at", "attempts"]


def _save(messages: list[Message]) -> None:
    """Record the outcomes, and queue the task of each message left waiting, in one
    transaction."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for message in messages:  # most of a batch ends alike: one UPDATE for them all
        groups[tuple(getattr(message, f) for f in SAVED_FIELDS)].append(message.pk)
    with transaction.atomic():
        for values, ids in groups.items():
            Message.objects.filter(pk__in=ids).update(
                **dict(zip(SAVED_FIELDS, values, strict=True))
            )
        for message in messages:
            if message.next_attempt_at is not None:
                deliver_message.using(run_after=message.next_attempt_at).enqueue(message.pk)


def message_deliver(*, message_id: int, now: datetime.datetime | None = None) -> Message | None:
    """Deliver one message if it is due (the numbered steps above); None when it was not due
    or is being sent by another worker."""
    now = now or timezone.now()
    message = _claim(message_id, now=now)
    if message is None:
        return None
    counts = _sent_today({message.recipient_key}, now=now)
    _outcome(message, now=now, sent_today=counts.get(message.recipient_key, 0))
    _save([message])
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


def _claim_batch(*, now: datetime.datetime, size: int) -> list[Message]:
    """Claim up to `size` due messages, oldest first (rows another worker holds are skipped)."""
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(_due_q(now))
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        Message.objects.filter(pk__in=ids).update(
            status=MessageStatus.SENDING, next_attempt_at=now + SENDING_STALE
        )
    return list(Message.objects.filter(pk__in=ids).select_related("to_user").order_by("pk"))


def messages_deliver_due(
    *, now: datetime.datetime | None = None, batch: int = BATCH
) -> DeliveryPass:
    """Deliver every message that is due, and any cut off while sending, `batch` at a time
    (one claim, one count of the day's messages and one save per batch): the daily sweep's
    safety net (each message has its own task) and the bench's measure."""
    now = now or timezone.now()
    counts = dict.fromkeys(MessageStatus.values, 0)
    retrying = 0
    while messages := _claim_batch(now=now, size=batch):
        sent_today = _sent_today({m.recipient_key for m in messages}, now=now)
        for message in messages:
            _outcome(message, now=now, sent_today=sent_today.get(message.recipient_key, 0))
            if message.status == MessageStatus.SENT:
                sent_today[message.recipient_key] = sent_today.get(message.recipient_key, 0) + 1
            counts[message.status] += 1
            retrying += message.status == MessageStatus.QUEUED
        _save(messages)
    return DeliveryPass(
        sent=counts[MessageStatus.SENT],
        held=counts[MessageStatus.HELD],
        dropped=counts[MessageStatus.DROPPED],
        failed=counts[MessageStatus.FAILED],
        retrying=retrying,
    )
