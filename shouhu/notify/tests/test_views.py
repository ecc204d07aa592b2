"""The pages: a staff member's own settings (账号安全 › 消息通知设置) and the administrator's
outbox, which counts messages and shows failures without any text, name or number."""

from django.urls import reverse

from shouhu.audit.models import AccessLog
from shouhu.notify.delivery import message_deliver
from shouhu.notify.models import Channel, MessageStatus, NotifyPreference
from shouhu.notify.services import message_queue

URL = reverse("notify:preferences")


def test_the_security_page_links_to_the_notification_settings(client, teacher):
    client.force_login(teacher)
    assert URL in client.get(reverse("accounts:security")).content.decode()


def test_a_teacher_turns_the_digest_off(client, teacher):
    teacher.phone = "13912345678"
    teacher.save()
    client.force_login(teacher)
    page = client.get(URL).content.decode()
    assert "139****5678" in page
    assert "13912345678" not in page
    response = client.post(URL, {"channel": "sms"})
    assert response.status_code == 302
    preference = NotifyPreference.objects.get(user=teacher)
    assert (preference.channel, preference.digest) == (Channel.SMS, False)
    assert AccessLog.objects.filter(user=teacher, query__contains="早间待办提醒关").exists()


def test_email_cannot_be_chosen_without_an_address(client, teacher):
    client.force_login(teacher)
    response = client.post(URL, {"channel": "email", "digest": "on"})
    assert response.status_code == 200
    assert "没有登记电子邮箱" in response.content.decode()
    assert not NotifyPreference.objects.exists()


def test_a_teacher_with_an_email_chooses_it(client, teacher):
    teacher.email = "liu@example.cn"
    teacher.save()
    client.force_login(teacher)
    client.post(URL, {"channel": "email", "digest": "on"})
    assert NotifyPreference.objects.get(user=teacher).channel == Channel.EMAIL


def test_the_outbox_counts_and_shows_failures_without_text_or_recipient(
    client, admin, head_teacher, settings, tmp_path
):
    settings.SHOUHU_SMS_BACKEND = "shouhu.notify.backends.FileBackend"
    settings.SHOUHU_MESSAGES_LOG = tmp_path / "m.log"
    settings.SHOUHU_NOTIFY_MAX_ATTEMPTS = 1
    settings.SHOUHU_SMS_GATEWAY_URL = ""
    sent = message_queue(
        kind="visit_task", body="三年级(2)班 李同学有一项新的家访任务", to_user=head_teacher
    )
    head_teacher.phone = "13700000003"
    head_teacher.save()
    message_deliver(message_id=sent.pk)
    settings.SHOUHU_SMS_BACKEND = "shouhu.notify.backends.HttpSmsBackend"
    failed = message_queue(kind="otp", body="验证码 654321", to_address="13600000004")
    assert message_deliver(message_id=failed.pk).status == MessageStatus.FAILED
    client.force_login(admin)
    page = client.get(reverse("notify:outbox")).content.decode()
    assert "新家访任务" in page and "验证码" in page
    assert "家长（手机号）" in page
    assert "SHOUHU_SMS_GATEWAY_URL" in page  # the error
    for secret in ("李同学", "654321", "13600000004", "13700000003", "张老师"):
        assert secret not in page


def test_the_outbox_is_the_administrators(client, teacher):
    client.force_login(teacher)
    assert client.get(reverse("notify:outbox")).status_code == 403
