"""The daily duty of the guardian agreements' expiries: the head teacher is told, once per
agreement and threshold, when a signed agreement comes within 30 days of its end and when it
has ended; the home page's 监护待办 lists it to renew on those days; a renewed agreement is no
news; a second run queues nothing new."""

import datetime

import time_machine
from django.urls import reverse

from shouhu.jobs.registry import duty_get
from shouhu.jobs.schedule import Daily
from shouhu.notify.models import Message
from shouhu.testing import dates
from shouhu.welfare.jobs_agreements import agreement_expiries
from shouhu.welfare.models.guardianship import AGREEMENT_EXPIRY_WARNING_DAYS
from shouhu.welfare.tests.test_guardianship import _signed


def _messages():
    return list(
        Message.objects.filter(kind="agreement_expiry")
        .order_by("pk")
        .values_list("to_user", "body")
    )


def test_the_duty_is_daily_with_a_chinese_label():
    duty = duty_get("welfare.agreement_expiries")
    assert duty is not None and str(duty.label) == "委托监护确认书到期提醒"
    assert duty.schedule == Daily(hour=8)


def test_the_head_teacher_is_told_thirty_days_before_the_end_and_once_only(world, head_teacher):
    agreement = _signed(head_teacher, world.child_a)
    warn_from = agreement.ends_on - datetime.timedelta(days=AGREEMENT_EXPIRY_WARNING_DAYS - 1)
    eve = warn_from - datetime.timedelta(days=1)
    assert agreement_expiries(eve) == "30天内到期 0 份、已到期 0 份；班级无班主任未能提醒 0 份"
    assert _messages() == []

    assert agreement_expiries(warn_from).startswith("30天内到期 1 份、已到期 0 份")
    assert _messages() == [
        (
            head_teacher.pk,
            f"您班一名儿童的委托监护责任确认书将于{agreement.ends_on.isoformat()}到期，"
            "请登录守护系统查看并及时续签。",
        )
    ]
    # The next day, and the same day again (a retry): nothing new.
    agreement_expiries(warn_from)
    agreement_expiries(warn_from + datetime.timedelta(days=1))
    assert len(_messages()) == 1


def test_the_head_teacher_is_told_again_when_it_has_ended(world, head_teacher):
    agreement = _signed(head_teacher, world.child_a)
    ended = agreement.ends_on + datetime.timedelta(days=1)
    agreement_expiries(agreement.ends_on - datetime.timedelta(days=3))
    assert agreement_expiries(ended).startswith("30天内到期 0 份、已到期 1 份")
    agreement_expiries(ended + datetime.timedelta(days=1))
    bodies = [body for _user, body in _messages()]
    assert len(bodies) == 2
    assert bodies[1] == (
        f"您班一名儿童的委托监护责任确认书已于{agreement.ends_on.isoformat()}到期，"
        "请登录守护系统查看并尽快续签。"
    )
    assert "李家成" not in "".join(bodies)  # an SMS names no child


def test_a_renewed_agreement_is_no_news(world, head_teacher):
    agreement = _signed(head_teacher, world.child_a)
    _signed(head_teacher, world.child_a, on=dates.day(2026, 11, 29))  # the renewal, signed
    agreement_expiries(agreement.ends_on)
    assert _messages() == []


def test_the_home_page_lists_it_to_renew_on_the_day_of_the_reminder(client, world, head_teacher):
    agreement = _signed(head_teacher, world.child_a)
    warn_from = agreement.ends_on - datetime.timedelta(days=AGREEMENT_EXPIRY_WARNING_DAYS - 1)
    url = reverse("welfare:home-guardianship")
    for on in (warn_from, agreement.ends_on + datetime.timedelta(days=1)):
        when = datetime.datetime.combine(on, datetime.time(10), tzinfo=dates.SHANGHAI)
        with time_machine.travel(when, tick=False):
            client.force_login(head_teacher)  # a year on: a fresh session
            page = client.get(url).content.decode()
        assert "1 份确认书已过期或30天内到期，需续签" in page
