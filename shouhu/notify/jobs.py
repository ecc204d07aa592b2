"""The notify app's duties (shouhu.jobs.registry): the morning digest, the escalations of the
day, and the outbox's daily sweep. Each is idempotent: every message it queues has a dedupe key
naming the person and the day or the task."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhu.accounts.models import User
from shouhu.care.selectors import worklist_for
from shouhu.core.roles import Role
from shouhu.jobs.registry import duty
from shouhu.jobs.schedule import Daily
from shouhu.notify.delivery import messages_deliver_due
from shouhu.notify.models import NotifyPreference
from shouhu.notify.services import staff_message_queue
from shouhu.notify.telling import SIGN, Kind, escalations_tell

# Who owes care work and gets the digest of it: the worklist's own item lists.
DIGEST_ROLES = (
    Role.TEACHER,
    Role.HEAD_TEACHER,
    Role.COUNSELLOR,
    Role.VOLUNTEER,
    Role.SCHOOL_LEADER,
)


def digest_body(counts: dict[str, int]) -> str:
    """`今日待办：已逾期 2 项，本周到期 3 项`; empty when nothing is due."""
    parts = []
    if counts["overdue"]:
        parts.append(_("已逾期 %(n)d 项") % {"n": counts["overdue"]})
    if counts["this_week"]:
        parts.append(_("本周到期 %(n)d 项") % {"n": counts["this_week"]})
    if counts["escalations"]:
        parts.append(_("升级督办 %(n)d 项") % {"n": counts["escalations"]})
    if not parts:
        return ""
    return SIGN + _("今日待办：%(items)s。请登录系统查看。") % {"items": "，".join(parts)}


@duty(name="notify.morning_digest", label=gettext_lazy("早间待办提醒"), schedule=Daily(hour=7))
def morning_digest(day: datetime.date) -> str:
    """One message per teacher with the counts of their worklist (care's own selector), none
    when nothing is due or when they turned the digest off."""
    opted_out = NotifyPreference.objects.filter(digest=False).values("user_id")
    users = (
        User.objects.filter(is_active=True, role__in=DIGEST_ROLES)
        .exclude(pk__in=opted_out)
        .select_related("scope_class", "scope_school", "scope_region")
        .order_by("pk")
    )
    sent = 0
    for user in users:
        worklist = worklist_for(user, today=day)
        body = digest_body(worklist.counts) if worklist is not None else ""
        if not body:
            continue
        staff_message_queue(
            user=user, kind=Kind.DIGEST, body=body, subject=_("今日待办"),
            dedupe_key=f"digest:{user.pk}:{day.isoformat()}",
        )  # fmt: skip
        sent += 1
    return f"早间待办提醒 {sent} 人"


@duty(name="notify.escalations", label=gettext_lazy("家访任务升级通知"), schedule=Daily(hour=7))
def escalations(day: datetime.date) -> str:
    return f"升级通知 {escalations_tell(day)} 条"


@duty(name="notify.outbox_sweep", label=gettext_lazy("消息补发"), schedule=Daily(hour=7, minute=5))
def outbox_sweep(day: datetime.date) -> str:
    """Each message has its own task; this sends whatever a lost task left behind."""
    return messages_deliver_due().describe()
