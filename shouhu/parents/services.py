"""Everything the parents' channel writes: one-time codes, the access log of parents' pages,
parents' messages and the teachers' replies, agreement confirmations, phone changes and guardian
requests. A parent is no user: the services take the parent's session (`ParentSession`)."""

import datetime
import hmac
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction, AccessLog, GuardianRequest, RequestKind
from shouhu.audit.services import access_log_rows
from shouhu.care.models import ActionKind, CareAction
from shouhu.care.services import care_action_record
from shouhu.core.network import client_address
from shouhu.core.phones import validate_phone
from shouhu.core.text import strip_invisible
from shouhu.notify.services import message_queue
from shouhu.parents.models import (
    MESSAGE_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    AgreementConfirmation,
    CodePurpose,
    LoginCode,
    ParentMessage,
)
from shouhu.parents.reply_counting import parent_reply_counts
from shouhu.parents.selectors import children_ids_for_index, parent_rows_for, phone_index_of
from shouhu.parents.selectors_staff import may_reply_child
from shouhu.parents.session import ParentSession
from shouhu.registry.models import Child, Parent
from shouhu.welfare.models import GuardianAgreement

CODE_DIGITS = 6
HOUR = datetime.timedelta(hours=1)


def _wrong_code() -> ValidationError:
    """The one answer to a wrong, expired or used code and to a number on no file."""
    return ValidationError({"code": _("验证码错误或已过期，请重新获取。")})


def _code_hash(phone_index: str, code: str) -> str:
    return salted_hmac("shouhu.parents.code", f"{phone_index}:{code}").hexdigest()


def _phone(raw: str, field: str = "phone") -> str:
    try:
        return validate_phone(raw)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


@transaction.atomic
def code_send(
    *,
    phone: str,
    request: HttpRequest | None,
    purpose: str = CodePurpose.LOGIN,
    owner_index: str = "",
) -> LoginCode:
    """Send a one-time code to a number.

    1. The number is normalised; a malformed one is refused (that says nothing of any file).
    2. At most SHOUHU_PARENT_CODES_PER_NUMBER codes per number and SHOUHU_PARENT_CODES_PER_CLIENT
       per client address in an hour (SMS bombing), counted over every number, on a file or not.
    3. A code is made and stored hashed, for every number; the SMS goes out only to a number on
       a child's file (or, for a phone change, to the new number the parent typed): the page's
       answer is the same either way.
    """
    phone = _phone(phone)
    index = phone_index_of(phone)
    now = timezone.now()
    ip = client_address(request)
    recent = LoginCode.objects.filter(created_at__gt=now - HOUR)
    if recent.filter(phone_index=index).count() >= settings.SHOUHU_PARENT_CODES_PER_NUMBER:
        raise ValidationError({"phone": _("验证码发送过于频繁，请一小时后再试。")})
    if ip and recent.filter(client_ip=ip).count() >= settings.SHOUHU_PARENT_CODES_PER_CLIENT:
        raise ValidationError({"phone": _("验证码发送过于频繁，请一小时后再试。")})
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = LoginCode(
        phone_index=index,
        purpose=purpose,
        code_hash=_code_hash(index, code),
        owner_index=owner_index,
        client_ip=ip,
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=settings.SHOUHU_PARENT_CODE_MINUTES),
    )
    row.full_clean()
    row.save()
    on_file = bool(children_ids_for_index(index))
    if on_file or purpose == CodePurpose.PHONE_CHANGE:
        message_queue(
            kind="otp",
            to_address=phone,
            channel="sms",
            urgent=True,
            body=_("【守护】您的验证码是%(code)s，%(minutes)d分钟内有效。请勿告诉他人。")
            % {"code": code, "minutes": settings.SHOUHU_PARENT_CODE_MINUTES},
        )
    return row


def _locked(index: str, purpose: str) -> bool:
    since = timezone.now() - datetime.timedelta(minutes=settings.SHOUHU_PARENT_LOCK_MINUTES)
    wrong = LoginCode.objects.filter(
        phone_index=index, purpose=purpose, created_at__gt=since
    ).aggregate(n=Sum("wrong_tries"))["n"]
    return (wrong or 0) >= settings.SHOUHU_PARENT_WRONG_TRIES


def _code_check(*, index: str, code: str, purpose: str, owner_index: str = "") -> None:
    """The newest live code of the number, checked and spent; every failure is the same answer.
    A wrong try is counted in a transaction of its own, so the error does not undo it."""
    if _locked(index, purpose):
        raise ValidationError({"code": _("验证码错误次数过多，请一小时后再试。")})
    code = strip_invisible(code or "").strip()
    with transaction.atomic():
        now = timezone.now()
        row = (
            LoginCode.objects.select_for_update()
            .filter(phone_index=index, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at", "-id")
            .first()
        )
        if row is None:
            # The same work as a wrong code: a hash to compare (no timing tells them apart).
            hmac.compare_digest(_code_hash(index, code), _code_hash(index, "-"))
            right = False
        else:
            right = hmac.compare_digest(row.code_hash, _code_hash(index, code)) and (
                row.owner_index == owner_index
            )
            if right:
                row.used_at = now
                row.save(update_fields=["used_at"])
            else:
                row.wrong_tries += 1
                row.save(update_fields=["wrong_tries"])
    if not right:
        raise _wrong_code()


def code_verify(*, phone: str, code: str) -> tuple[str, list[int]]:
    """A login: the number's keyed hash and its children in school, or the one error (a wrong
    or expired code, a locked number and a number on no file look the same to the page).

    Not atomic as a whole: a wrong try must be counted even though the login fails."""
    index = phone_index_of(_phone(phone))
    _code_check(index=index, code=code, purpose=CodePurpose.LOGIN)
    children = sorted(children_ids_for_index(index))
    if not children:
        raise _wrong_code()
    return index, children


def parent_access_record(
    *,
    parent: ParentSession,
    child_ids: Iterable[int],
    request: HttpRequest | None,
    action: str = AccessAction.VIEW,
) -> list[AccessLog]:
    """A parent's page in the access log, one row per child shown, naming the parent by the
    keyed hash of their number (no user)."""
    path = request.get_full_path() if request is not None else ""
    rows = access_log_rows(
        user=None, action=AccessAction(action), child_ids=child_ids, query=f"家长端 {path}"
    )
    ip = client_address(request)
    for row in rows:
        row.parent_key = parent.phone_index
        row.ip = ip
    return AccessLog.objects.bulk_create(rows)


def _own_parent_row(parent: ParentSession, child: Child) -> Parent:
    if child.pk not in parent.child_ids:
        raise PermissionDenied(_("这不是您的孩子。"))
    rows = parent_rows_for(parent.phone_index, [child.pk])
    if not rows:
        raise PermissionDenied(_("这不是您的孩子。"))
    return rows[0]


def _clean_text(text: str, *, field: str, cap: int) -> str:
    text = strip_invisible(text or "").strip()
    if not text:
        raise ValidationError({field: _("请填写内容。")})
    if len(text) > cap:
        raise ValidationError(
            {field: _("内容不能超过%(cap)d个字，当前%(n)d个字。") % {"cap": cap, "n": len(text)}}
        )
    return text


@transaction.atomic
def parent_message_send(
    *, parent: ParentSession, child: Child, body: str, request: HttpRequest | None = None
) -> ParentMessage:
    """A parent writes to the head teacher and the proxy parent about their child. Stored as
    typed (escaped where it is shown); the teachers see it on 我的待办."""
    row = _own_parent_row(parent, child)
    message = ParentMessage(
        child=child,
        parent=row,
        body=_clean_text(body, field="body", cap=MESSAGE_MAX_LENGTH),
        sent_at=timezone.now(),
    )
    message.full_clean()
    message.save()
    parent_access_record(
        parent=parent, child_ids=[child.pk], request=request, action=AccessAction.CREATE
    )
    return message


def may_reply(user: User, message: ParentMessage) -> bool:
    """The child's head teacher and current proxy parent answer a parent's message."""
    return may_reply_child(user, message.child)


@transaction.atomic
def parent_message_reply(
    *, actor: User, message: ParentMessage, reply: str, request: HttpRequest | None = None
) -> ParentMessage:
    """Reply to a parent's message.

    1. Only the child's head teacher or proxy parent replies, once.
    2. The reply is a conversation with the parent: a care action of kind 与家长通话 recorded by
       the teacher where the region's switch allows (`reply_counting.parent_reply_counts`), so
       it counts toward that quota as a phone call would; the parent's message alone never does.
    3. The reply goes to the parent by SMS (the outbox).
    """
    if not may_reply(actor, message):
        raise PermissionDenied(_("只有该儿童的班主任或代理家长可以回复。"))
    if message.replied_at is not None:
        raise ValidationError({"reply": _("这条留言已经回复过了。")})
    text = _clean_text(reply, field="reply", cap=REPLY_MAX_LENGTH)
    action: CareAction | None = None
    if parent_reply_counts(message.child.school_class.school.region_id):
        action = care_action_record(
            actor=actor,
            kind=ActionKind.PARENT_CALL,
            done_on=timezone.localdate(),
            children=[message.child],
            summary=_("家长端留言：%(body)s\n回复：%(reply)s")
            % {"body": message.body, "reply": text},
            request=request,
        )
    message.reply = text
    message.replied_by = actor
    message.replied_at = timezone.now()
    message.care_action = action
    message.full_clean()
    message.save()
    if message.parent.phone:
        message_queue(
            kind="parent_reply",
            to_address=message.parent.phone,
            channel="sms",
            body=_("【守护】%(teacher)s回复您关于%(child)s的留言：%(reply)s")
            % {"teacher": actor, "child": message.child.name, "reply": text},
            dedupe_key=f"parent_reply:{message.public_id}",
        )
    return message


@transaction.atomic
def agreement_confirm(
    *,
    parent: ParentSession,
    agreement: GuardianAgreement,
    request: HttpRequest | None = None,
) -> AgreementConfirmation:
    """The parent confirms they read the guardian agreement; a second confirmation keeps the
    first one's time."""
    row = _own_parent_row(parent, agreement.child)
    confirmation, _created = AgreementConfirmation.objects.get_or_create(
        agreement=agreement, parent=row, defaults={"confirmed_at": timezone.now()}
    )
    parent_access_record(
        parent=parent, child_ids=[agreement.child_id], request=request, action=AccessAction.UPDATE
    )
    return confirmation


def phone_change_send(
    *, parent: ParentSession, new_phone: str, request: HttpRequest | None = None
) -> LoginCode:
    """Send a code to the new number, bound to the parent's current one."""
    new = _phone(new_phone)
    if phone_index_of(new) == parent.phone_index:
        raise ValidationError({"phone": _("新号码与原号码相同。")})
    return code_send(
        phone=new,
        request=request,
        purpose=CodePurpose.PHONE_CHANGE,
        owner_index=parent.phone_index,
    )


def phone_change_confirm(
    *, parent: ParentSession, new_phone: str, code: str, request: HttpRequest | None = None
) -> str:
    """With the code sent to the new number, the parent's number on each of their children's
    files becomes the new one. Returns the new number's keyed hash."""
    new = _phone(new_phone)
    index = phone_index_of(new)
    _code_check(
        index=index, code=code, purpose=CodePurpose.PHONE_CHANGE, owner_index=parent.phone_index
    )
    with transaction.atomic():
        rows = parent_rows_for(parent.phone_index, parent.child_ids)
        for row in rows:
            row.phone = new
            row.full_clean(exclude=["child"])
            row.save()
        parent_access_record(
            parent=parent,
            child_ids=sorted({r.child_id for r in rows}),
            request=request,
            action=AccessAction.UPDATE,
        )
    return index


@transaction.atomic
def guardian_request_file(
    *,
    parent: ParentSession,
    child: Child,
    kind: str,
    details: str,
    request: HttpRequest | None = None,
) -> GuardianRequest:
    """A parent asks to see, correct or delete the child's data: the privacy office's own
    request (`audit.GuardianRequest`), recorded by nobody (the parent filed it), due
    SHOUHU_REQUEST_DAYS later like any other."""
    row = _own_parent_row(parent, child)
    if kind not in RequestKind.values:
        raise ValidationError({"kind": _("请选择请求类型。")})
    today = timezone.localdate()
    guardian_request = GuardianRequest(
        child=child,
        kind=kind,
        requester_name=row.name or row.get_role_display(),
        requester_relation=row.get_role_display(),
        requester_phone=row.phone,
        details=_clean_text(details, field="details", cap=1000),
        received_on=today,
        due_on=today + datetime.timedelta(days=settings.SHOUHU_REQUEST_DAYS),
        recorded_by=None,
    )
    guardian_request.full_clean()
    guardian_request.save()
    parent_access_record(
        parent=parent, child_ids=[child.pk], request=request, action=AccessAction.CREATE
    )
    return guardian_request
