"""Guardian agreements' expiries as a duty (shouhu.jobs.registry), imported from the app's
ready().

An agreement's state is computed from dates on read (models.agreement_status: 30天内到期 from
AGREEMENT_EXPIRY_WARNING_DAYS before its end, 已过期 after it), so nothing is marked; the head
teacher's 监护待办 on the home page lists the agreements to renew whether or not this runs.
Each morning the duty tells the head teacher of the child's class, once per agreement and
threshold (the message's dedupe key), when a signed agreement comes within 30 days of its end
and when it has ended. The message names no child: it says when, and where to look.
"""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhu.jobs.registry import duty
from shouhu.jobs.schedule import Daily
from shouhu.notify.services import message_queue
from shouhu.registry.models import Child
from shouhu.welfare.models.guardianship import AGREEMENT_EXPIRY_WARNING_DAYS, GuardianAgreement
from shouhu.welfare.selectors.guardianship import needing_agreement

# An agreement that ended longer ago than this is no news: after the server was off for a
# while (the jobs catch up a month at most) its reminder still goes, older ones do not.
EXPIRED_NEWS_DAYS = 31


@dataclass(frozen=True)
class ExpiryCounts:
    expiring: int = 0
    expired: int = 0
    without_head_teacher: int = 0

    def summary(self) -> str:
        return (
            f"30天内到期 {self.expiring} 份、已到期 {self.expired} 份；"
            f"班级无班主任未能提醒 {self.without_head_teacher} 份"
        )


def _watched(day: datetime.date) -> QuerySet[GuardianAgreement]:
    """Each child's newest signed agreement (a renewed one is not news), for the children on
    the register who still need one."""
    children = needing_agreement(Child.objects.on_register())
    return (
        GuardianAgreement.objects.filter(child__in=children, signed_on__isnull=False)
        .latest_per_child()
        .filter(
            ends_on__gte=day - datetime.timedelta(days=EXPIRED_NEWS_DAYS),
            ends_on__lt=day + datetime.timedelta(days=AGREEMENT_EXPIRY_WARNING_DAYS),
        )
        .select_related("child__school_class__head_teacher")
        .order_by("ends_on", "pk")
    )


def agreement_expiries_remind(day: datetime.date) -> ExpiryCounts:
    """Queue a reminder to the head teacher for each agreement entering its last 30 days or
    ended; the dedupe key (agreement, threshold) makes a second run queue nothing."""
    expiring = expired = orphan = 0
    for agreement in _watched(day):
        ended = agreement.ends_on < day
        expired += ended
        expiring += not ended
        head_teacher = agreement.child.school_class.head_teacher
        if head_teacher is None or not head_teacher.is_active:
            orphan += 1
            continue
        if ended:
            body = _(
                "您班一名儿童的委托监护责任确认书已于%(date)s到期，请登录守护系统查看并尽快续签。"
            )
        else:
            body = _(
                "您班一名儿童的委托监护责任确认书将于%(date)s到期，请登录守护系统查看并及时续签。"
            )
        message_queue(
            kind="agreement_expiry",
            to_user=head_teacher,
            body=body % {"date": agreement.ends_on.isoformat()},
            dedupe_key=f"agreement:{agreement.public_id}:{'expired' if ended else 'expiring'}",
        )
    return ExpiryCounts(expiring=expiring, expired=expired, without_head_teacher=orphan)


@duty(
    name="welfare.agreement_expiries",
    label=gettext_lazy("委托监护确认书到期提醒"),
    schedule=Daily(hour=8),
)
def agreement_expiries(day: datetime.date) -> str:
    return agreement_expiries_remind(day).summary()
