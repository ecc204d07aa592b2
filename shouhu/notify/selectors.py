"""What the notify pages read: a staff member's own settings, and the administrator's outbox
(counts and failures, never a message's text or address: the text may name a child)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhu.accounts.models import User
from shouhu.core.masking import mask_phone
from shouhu.core.roles import Perm, Role
from shouhu.notify.models import Channel, Message, MessageStatus, NotifyPreference

FAILED_SHOWN = 50
RECENT_DAYS = 7

KIND_LABELS = {
    "visit_task": _("新家访任务"),
    "escalation": _("家访任务升级督办"),
    "incident": _("重大安全事件"),
    "dropout_case": _("新登记辍学"),
    "digest": _("早间待办提醒"),
    "otp": _("验证码"),
    # The parents' channel (parents.services, parents.services_booking).
    "parent_reply": _("家长留言的回复"),
    "video_booked": _("亲情视频预约"),
    "video_cancelled": _("亲情视频取消预约"),
    "video_confirm": _("亲情视频预约确认"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@dataclass(frozen=True)
class PreferencePage:
    preference: NotifyPreference
    phone: str  # masked
    email: str


def preference_page_for(user: User) -> PreferencePage:
    """The user's own settings, with the phone (masked) and email their messages go to."""
    found = NotifyPreference.objects.filter(user=user).first()
    return PreferencePage(
        preference=found if found is not None else NotifyPreference(user=user),
        phone=mask_phone(user.phone),
        email=user.email,
    )


@dataclass(frozen=True)
class OutboxRow:
    kind: str
    recipient: str
    channel: str
    status: str
    attempts: int
    error: str
    created_at: datetime.datetime


@dataclass(frozen=True)
class Outbox:
    by_status: list[tuple[str, int]]
    by_kind: list[tuple[str, int, int]]  # kind, sent, not sent (failed or dropped)
    failed: list[OutboxRow]
    since: datetime.date


def _recipient(message: Message) -> str:
    """The recipient's role, never who they are: a bare number is a parent's."""
    if message.to_user_id is None:
        return str(_("家长（手机号）"))
    return str(Role(message.to_user.role).label) if message.to_user else ""


def outbox_for(user: User) -> Outbox:
    """消息发送: the last RECENT_DAYS days' messages counted by status and by kind, and the
    latest failures with their error."""
    if not user.has_perm_to(Perm.JOBS_VIEW):
        raise PermissionDenied
    since = timezone.localdate() - datetime.timedelta(days=RECENT_DAYS - 1)
    start = datetime.datetime.combine(
        since, datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    recent = Message.objects.filter(created_at__gte=start)
    statuses = dict(recent.values_list("status").annotate(n=Count("pk")).order_by())
    by_status = [(str(label), statuses.get(value, 0)) for value, label in MessageStatus.choices]
    kinds: dict[str, list[int]] = {}
    for kind, status, n in recent.values_list("kind", "status").annotate(n=Count("pk")).order_by():
        row = kinds.setdefault(kind, [0, 0])
        if status == MessageStatus.SENT:
            row[0] += n
        elif status in (MessageStatus.FAILED, MessageStatus.DROPPED):
            row[1] += n
    by_kind = sorted(((kind_label(k), s, f) for k, (s, f) in kinds.items()), key=lambda r: r[0])
    failed = (
        Message.objects.filter(status=MessageStatus.FAILED)
        .select_related("to_user")
        .only("kind", "channel", "status", "attempts", "error", "created_at", "to_user__role")
        .order_by("-created_at")[:FAILED_SHOWN]
    )
    return Outbox(
        by_status=by_status,
        by_kind=by_kind,
        failed=[
            OutboxRow(
                kind=kind_label(m.kind),
                recipient=_recipient(m),
                channel=str(Channel(m.channel).label),
                status=m.get_status_display(),
                attempts=m.attempts,
                error=m.error,
                created_at=m.created_at,
            )
            for m in failed
        ],
        since=since,
    )
