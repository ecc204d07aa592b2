"""The backends that hand a message over: one per channel, named by a dotted path in settings
(`SHOUHU_SMS_BACKEND`, `SHOUHU_EMAIL_BACKEND`).

- `ConsoleBackend` prints (the development default: a parent's one-time code appears in the
  terminal of `shouhu worker`).
- `FileBackend` appends one JSON line per message to `SHOUHU_MESSAGES_LOG` (var/messages.log).
- `SmtpEmailBackend` sends email through Django's mail (the EMAIL_* settings).
- `HttpSmsBackend` posts to an SMS gateway: a generic adapter for the providers that take
  a JSON body with the number, a template id and the text, authenticated by a key.

A backend raises `DeliveryError` when the message may go through on a later try (the gateway
answered 500, the network is down): delivery retries it with backoff."""

import json
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string

from shouhu.notify.models import Channel


class DeliveryError(Exception):
    """The backend could not hand the message over this time; try again later."""


@dataclass(frozen=True)
class Outgoing:
    """What a backend sends: never the Message row itself (a backend does not write)."""

    channel: str
    to: str
    subject: str
    body: str
    kind: str


class Backend:
    def send(self, outgoing: Outgoing) -> None:
        raise NotImplementedError


class ConsoleBackend(Backend):
    """Prints each message to standard output (development only: it shows the text)."""

    def send(self, outgoing: Outgoing) -> None:
        label = "短信" if outgoing.channel == Channel.SMS else "邮件"
        subject = f" 〔{outgoing.subject}〕" if outgoing.subject else ""
        sys.stdout.write(f"[{label} → {outgoing.to}]{subject} {outgoing.body}\n")
        sys.stdout.flush()


_file_lock = threading.Lock()


class FileBackend(Backend):
    """Appends one JSON line per message to SHOUHU_MESSAGES_LOG."""

    def send(self, outgoing: Outgoing) -> None:
        line = json.dumps(
            {
                "at": timezone.now().isoformat(timespec="seconds"),
                "channel": outgoing.channel,
                "kind": outgoing.kind,
                "to": outgoing.to,
                "subject": outgoing.subject,
                "body": outgoing.body,
            },
            ensure_ascii=False,
        )
        path = settings.SHOUHU_MESSAGES_LOG
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with _file_lock, path.open("a", encoding="utf-8") as log:
                log.write(line + "\n")
        except OSError as error:
            raise DeliveryError(f"cannot write {path.name}: {error.strerror}") from error


class SmtpEmailBackend(Backend):
    """Email through Django's mail (EMAIL_BACKEND, EMAIL_HOST, …)."""

    def send(self, outgoing: Outgoing) -> None:
        try:
            send_mail(
                subject=outgoing.subject or "守护 Shouhu",
                message=outgoing.body,
                from_email=None,
                recipient_list=[outgoing.to],
            )
        except OSError as error:  # smtplib's errors are OSErrors, as are the socket's
            raise DeliveryError(f"SMTP: {type(error).__name__}: {error}") from error


class HttpSmsBackend(Backend):
    """A generic SMS gateway: POST JSON `{"phone", "template_id", "params": {"content"}}` to
    SHOUHU_SMS_GATEWAY_URL with `Authorization: Bearer SHOUHU_SMS_GATEWAY_KEY`. Any 2xx is
    accepted; another status, or no answer within SHOUHU_SMS_GATEWAY_TIMEOUT, is retried."""

    def send(self, outgoing: Outgoing) -> None:
        url = settings.SHOUHU_SMS_GATEWAY_URL
        if not url:
            raise DeliveryError("SHOUHU_SMS_GATEWAY_URL is not set")
        payload = {
            "phone": outgoing.to,
            "template_id": settings.SHOUHU_SMS_TEMPLATE_ID,
            "params": {"content": outgoing.body},
        }
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
            url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.SHOUHU_SMS_GATEWAY_KEY}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.SHOUHU_SMS_GATEWAY_TIMEOUT
            ) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            raise DeliveryError(f"SMS gateway: HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise DeliveryError(f"SMS gateway: {error}") from error
        if not 200 <= status < 300:
            raise DeliveryError(f"SMS gateway: HTTP {status}")


@cache
def _backend(path: str) -> Backend:
    return import_string(path)()


def backend_for(channel: str) -> Backend:
    """The backend the settings name for the channel."""
    path = settings.SHOUHU_SMS_BACKEND if channel == Channel.SMS else settings.SHOUHU_EMAIL_BACKEND
    return _backend(path)
