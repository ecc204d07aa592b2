"""Delivering the outbox: the backends, status and retries, quiet hours and the daily cap."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from shouhu.notify.delivery import message_deliver, messages_deliver_due
from shouhu.notify.models import Channel, Message, MessageStatus
from shouhu.notify.rules import pupil_name, quiet_until
from shouhu.notify.services import message_queue
from shouhu.testing.dates import SHANGHAI, at

FILE = "shouhu.notify.backends.FileBackend"
HTTP = "shouhu.notify.backends.HttpSmsBackend"
SMTP = "shouhu.notify.backends.SmtpEmailBackend"
QUIET = (21, 7)


@pytest.fixture
def log_file(settings, tmp_path):
    settings.SHOUHU_SMS_BACKEND = FILE
    settings.SHOUHU_EMAIL_BACKEND = FILE
    settings.SHOUHU_MESSAGES_LOG = tmp_path / "messages.log"
    return settings.SHOUHU_MESSAGES_LOG


def _lines(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _sms(**extra) -> Message:
    fields = {"kind": "test", "body": "测试短信", "to_address": "13800000001"} | extra
    return message_queue(**fields)


# --- the pure rules ---------------------------------------------------------------------------


def test_quiet_hours_run_from_nine_at_night_to_seven_in_the_morning():
    assert quiet_until(at(2026, 11, 29, 20, 59), hours=QUIET, tz=SHANGHAI) is None
    assert quiet_until(at(2026, 11, 29, 21), hours=QUIET, tz=SHANGHAI) == at(2026, 11, 30, 7)
    assert quiet_until(at(2026, 11, 30, 3), hours=QUIET, tz=SHANGHAI) == at(2026, 11, 30, 7)
    assert quiet_until(at(2026, 11, 30, 7), hours=QUIET, tz=SHANGHAI) is None


def test_a_message_names_a_child_by_surname_only():
    assert pupil_name("李家成") == "李同学"
    assert pupil_name("欧阳小明") == "欧阳同学"


# --- queueing ---------------------------------------------------------------------------------


def test_queueing_puts_the_delivery_task_on_the_workers_queue(db):
    message = _sms()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [message.pk]
    assert task.task_path == "shouhu.notify.delivery.deliver_message"


def test_the_same_event_queued_twice_is_one_message(db):
    first = _sms(dedupe_key="event-1")
    second = _sms(dedupe_key="event-1")
    assert first.pk == second.pk
    assert Message.objects.count() == 1


# --- backends ---------------------------------------------------------------------------------


def test_the_file_backend_appends_each_message_to_the_log(db, log_file):
    message = _sms(body="早上好")
    delivered = message_deliver(message_id=message.pk)
    assert delivered.status == MessageStatus.SENT
    assert delivered.attempts == 1
    assert delivered.sent_at is not None
    [line] = _lines(log_file)
    assert (line["to"], line["body"], line["channel"]) == ("13800000001", "早上好", "sms")


def test_the_console_backend_prints_a_one_time_code(db, capsys):
    message = message_queue(
        kind="otp", to_address="13800000009", channel=Channel.SMS, urgent=True, body="验证码 123456"
    )
    message_deliver(message_id=message.pk)
    assert "13800000009" in capsys.readouterr().out
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_email_goes_through_djangos_mail(db, settings):
    settings.SHOUHU_EMAIL_BACKEND = SMTP
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = message_queue(
        kind="test", to_address="t@example.cn", channel=Channel.EMAIL, subject="待办", body="正文"
    )
    assert message_deliver(message_id=message.pk).status == MessageStatus.SENT
    [sent] = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (["t@example.cn"], "待办", "正文")


class _Gateway(BaseHTTPRequestHandler):
    status = 200
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers["Content-Length"])
        type(self).received.append(
            (self.headers["Authorization"], json.loads(self.rfile.read(length)))
        )
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    """A tiny SMS gateway on a free local port, answering `gateway.status`."""
    handler = type("Gateway", (_Gateway,), {"status": 200, "received": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SHOUHU_SMS_BACKEND = HTTP
    settings.SHOUHU_SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SHOUHU_SMS_GATEWAY_KEY = "k-123"
    settings.SHOUHU_SMS_TEMPLATE_ID = "TPL_9"
    yield handler
    server.shutdown()
    server.server_close()


def test_the_http_gateway_gets_the_number_template_and_text_with_the_key(db, gateway):
    message = _sms(body="家访提醒")
    assert message_deliver(message_id=message.pk).status == MessageStatus.SENT
    [(auth, payload)] = gateway.received
    assert auth == "Bearer k-123"
    assert payload == {
        "phone": "13800000001",
        "template_id": "TPL_9",
        "params": {"content": "家访提醒"},
    }


def test_a_gateway_500_keeps_the_error_and_retries_later(db, gateway):
    gateway.status = 500
    message = _sms()
    DBTaskResult.objects.all().delete()
    delivered = message_deliver(message_id=message.pk)
    assert delivered.status == MessageStatus.QUEUED
    assert delivered.attempts == 1
    assert "HTTP 500" in delivered.error
    assert delivered.next_attempt_at > delivered.created_at
    retry = DBTaskResult.objects.get()
    assert retry.run_after == delivered.next_attempt_at
    # Not due before the backoff; the gateway is back when it is.
    assert message_deliver(message_id=message.pk) is None
    gateway.status = 200
    later = delivered.next_attempt_at + datetime.timedelta(seconds=1)
    assert message_deliver(message_id=message.pk, now=later).status == MessageStatus.SENT
    assert Message.objects.get(pk=message.pk).attempts == 2


def test_a_message_fails_for_good_after_the_last_try(db, gateway, settings):
    settings.SHOUHU_NOTIFY_MAX_ATTEMPTS = 2
    gateway.status = 503
    message = _sms()
    first = message_deliver(message_id=message.pk)
    second = message_deliver(message_id=message.pk, now=first.next_attempt_at)
    assert second.status == MessageStatus.FAILED
    assert second.next_attempt_at is None
    assert "HTTP 503" in second.error


# --- quiet hours and the cap ------------------------------------------------------------------


def test_an_sms_at_night_is_held_until_seven(db, log_file):
    message = _sms()
    night = at(2026, 11, 29, 22, 30)
    held = message_deliver(message_id=message.pk, now=night)
    assert held.status == MessageStatus.HELD
    assert held.next_attempt_at == at(2026, 11, 30, 7)
    assert _lines(log_file) == []
    assert message_deliver(message_id=message.pk, now=at(2026, 11, 30, 6, 59)) is None
    sent = message_deliver(message_id=message.pk, now=at(2026, 11, 30, 7))
    assert sent.status == MessageStatus.SENT


def test_an_urgent_sms_goes_out_at_night(db, log_file):
    message = _sms(urgent=True)
    assert message_deliver(message_id=message.pk, now=at(2026, 11, 29, 23)).status == "sent"


def test_email_is_not_held_at_night(db, log_file):
    message = message_queue(kind="t", body="b", to_address="a@b.cn", channel=Channel.EMAIL)
    assert message_deliver(message_id=message.pk, now=at(2026, 11, 29, 23)).status == "sent"


def test_beyond_the_daily_cap_a_person_gets_only_emergencies(db, log_file, settings, teacher):
    settings.SHOUHU_NOTIFY_DAILY_CAP = 2
    teacher.phone = "13900000002"
    teacher.save()
    for n in range(3):
        message_queue(kind="t", body=f"第{n}条", to_user=teacher)
    message_queue(kind="t", body="紧急", to_user=teacher, urgent=True)
    result = messages_deliver_due()
    assert (result.sent, result.dropped) == (3, 1)
    statuses = list(Message.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["sent", "sent", "dropped", "sent"]
    assert [line["body"] for line in _lines(log_file)] == ["第0条", "第1条", "紧急"]


def test_a_user_without_a_phone_fails_at_once_with_the_reason(db, log_file, teacher):
    message = message_queue(kind="t", body="b", to_user=teacher)
    failed = message_deliver(message_id=message.pk)
    assert failed.status == MessageStatus.FAILED
    assert "手机号" in failed.error
    assert failed.next_attempt_at is None


def test_a_message_cut_off_while_sending_is_sent_by_the_sweep(db, log_file):
    message = _sms()
    lease_ended = at(2026, 11, 29, 10) + datetime.timedelta(minutes=30)
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, next_attempt_at=lease_ended - datetime.timedelta(minutes=5)
    )
    assert messages_deliver_due(now=lease_ended - datetime.timedelta(minutes=6)).sent == 0
    assert messages_deliver_due(now=lease_ended).sent == 1
    assert len(_lines(log_file)) == 1


def test_the_sweep_sends_in_batches_and_reports_each_outcome(db, log_file):
    for n in range(5):
        _sms(to_address=f"1380000010{n}")
    message_queue(kind="t", body="b", to_address="a@b.cn", channel=Channel.EMAIL)
    result = messages_deliver_due(now=at(2026, 11, 29, 22), batch=2)
    assert (result.sent, result.held) == (1, 5)
    assert Message.objects.filter(status=MessageStatus.HELD).count() == 5


def test_the_workers_task_sends_the_message_it_names(db, log_file):
    from shouhu.notify.delivery import deliver_message

    message = _sms(body="任务发送")
    assert deliver_message.call(message.pk) == MessageStatus.SENT
    assert deliver_message.call(message.pk) == ""  # delivered twice: sent once
    assert [line["body"] for line in _lines(log_file)] == ["任务发送"]


def test_a_held_message_is_queued_again_for_the_end_of_the_quiet_hours(db, log_file):
    message = _sms()
    DBTaskResult.objects.all().delete()
    message_deliver(message_id=message.pk, now=at(2026, 11, 29, 23))
    assert DBTaskResult.objects.get().run_after == at(2026, 11, 30, 7)
