"""Writing the record of access, and the privacy officer's own writes: full-export grants and
guardians' requests. Log rows are only ever added, never updated or deleted."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.audit.models import (
    AccessAction,
    AccessLog,
    ErasureReason,
    ExportGrant,
    GuardianRequest,
    RequestKind,
    RequestStatus,
)
from shouhu.core.network import client_address
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope
from shouhu.core.text import clean_name, reason_check
from shouhu.core.visibility import (
    TARGET_FIELD,
    ChildField,
    Visibility,
    child_visibility,
    target_value,
    visibility,
)
from shouhu.org.units import node_code, node_from_code

# Access-log rows saved in one INSERT at most (the export logs its children chunk by chunk).
BATCH = 500


def client_ip(request: HttpRequest | None) -> str | None:
    """Where from: the client's address, behind a trusted reverse proxy too."""
    return client_address(request)


def _logged_user(user):
    """The user a log row names: nobody for an anonymous visitor."""
    return user if getattr(user, "is_authenticated", False) else None


def _log_row(
    *,
    user,
    action: AccessAction,
    query: str,
    field: str,
    reason: str,
    ip: str | None,
    parent_key: str = "",
    **child,
) -> AccessLog:
    """The one shape of an access-log row (`child=` or `child_id=`), its texts cut to size;
    a parent on the parents' channel is named by `parent_key` (no user)."""
    return AccessLog(
        user=_logged_user(user),
        action=action,
        query=query[:500],
        field=field[:30],
        reason=reason[:200],
        ip=ip,
        parent_key=parent_key,
        **child,
    )


def access_record(
    *,
    user,
    action: AccessAction,
    child=None,
    query: str = "",
    request: HttpRequest | None = None,
    field: str = "",
    reason: str = "",
    parent_key: str = "",
) -> AccessLog:
    row = _log_row(
        user=user,
        action=action,
        child=child,
        query=query,
        field=field,
        reason=reason,
        ip=client_ip(request),
        parent_key=parent_key,
    )
    row.save()
    return row


def access_log_rows(
    *,
    user,
    action: AccessAction,
    child_ids: Iterable[int],
    query: str = "",
    request: HttpRequest | None = None,
    field: str = "",
    reason: str = "",
) -> list[AccessLog]:
    """One unsaved row per child, as `access_record` writes it: for a writer that inserts them
    in a statement it prepared before its transaction (`children_register_prepare`)."""
    ip = client_ip(request)
    return [
        _log_row(
            user=user,
            action=action,
            child_id=child_id,
            query=query,
            field=field,
            reason=reason,
            ip=ip,
        )
        for child_id in child_ids
    ]


def access_record_many(
    *,
    user,
    action: AccessAction,
    child_ids: Iterable[int],
    query: str = "",
    request: HttpRequest | None = None,
    field: str = "",
    reason: str = "",
) -> list[AccessLog]:
    """`access_record` for many children at once: one row per child, saved in batches."""
    rows = access_log_rows(
        user=user,
        action=action,
        child_ids=child_ids,
        query=query,
        request=request,
        field=field,
        reason=reason,
    )
    return AccessLog.objects.bulk_create(rows, batch_size=BATCH)


def reveal_reason_clean(reason: str) -> str:
    """The reason typed to reveal a masked value (a field on the page, the phones of a batch of
    contact cards), cleaned by `core.text.reason_check`; a ValidationError on `reason` in
    Chinese when it says nothing."""
    try:
        return reason_check(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from None


def field_reveal(
    *, actor: User, child, target: str, reason: str, request: HttpRequest | None = None
) -> str:
    """Show one masked value of a child's file in full, for a reason the user typed; logged.

    The child must already be inside the actor's scope (the view fetched it with the selector).
    A hidden field is refused (403); a field the actor sees in full needs no reveal but is
    logged the same way, so the log never misses a full value that was asked for."""
    if target not in TARGET_FIELD:
        raise ValidationError({"target": _("没有这个字段。")})
    if visibility(actor, TARGET_FIELD[target]) == Visibility.HIDDEN:
        raise PermissionDenied(_("您的角色不能查看该信息。"))
    reason = reveal_reason_clean(reason)
    access_record(
        user=actor,
        action=AccessAction.REVEAL,
        child=child,
        field=target,
        reason=reason,
        request=request,
    )
    return target_value(child, target)


def card_phones_reveal(
    *, actor: User, children, reason: str, request: HttpRequest | None = None
) -> set[int]:
    """Print full phones on contact cards whose phones the actor's cell masks, for one reason
    typed for the whole batch. Each child whose phones are revealed gets a `reveal` row with the
    field and the reason, as a reveal on the file page does. Returns those children's ids.

    The children must already be inside the actor's scope (the selector fetched them)."""
    reason = reveal_reason_clean(reason)
    masked = [
        child
        for child in children
        if child_visibility(actor, child, ChildField.FAMILY_PHONE) == Visibility.MASKED
    ]
    access_record_many(
        user=actor,
        action=AccessAction.REVEAL,
        child_ids=[child.pk for child in masked],
        field=ChildField.FAMILY_PHONE.value,
        reason=reason,
        query=_("联系卡"),
        request=request,
    )
    return {child.pk for child in masked}


def access_denied_record(*, user, path: str, child=None, request=None) -> AccessLog:
    """A page of child data refused (403) or outside the user's scope (404)."""
    return access_record(
        user=user, action=AccessAction.DENIED, child=child, query=path, request=request
    )


def _check_privacy_officer(actor: User, perm: str = Perm.PRIVACY_OFFICE) -> None:
    if not actor.has_perm_to(perm):
        raise PermissionDenied(_("只有个人信息保护负责人可以办理。"))


@transaction.atomic
def export_grant_approve(
    *, actor: User, grantee: User, scope_code: str, reason: str
) -> ExportGrant:
    """The privacy officer allows one full (unmasked) export of a node to one user.

    The grantee must be able to export that node; the export uses the grant up
    (`export_grant_take`)."""
    _check_privacy_officer(actor, Perm.EXPORT_GRANT)
    if grantee.pk == actor.pk:
        raise ValidationError({"grantee": _("不能给自己授权。")})
    if not grantee.has_perm_to(Perm.CENSUS_EXPORT):
        raise ValidationError({"grantee": _("该用户没有导出名册的权限。")})
    node = node_from_code(scope_code)
    if not in_scope(actor, node):
        raise ValidationError({"scope_code": _("该范围不在您的管辖范围内。")})
    if not in_scope(grantee, node):
        raise ValidationError({"scope_code": _("该范围不在被授权人的管辖范围内。")})
    grant = ExportGrant(
        grantee=grantee, granted_by=actor, scope_code=node_code(node), reason=reason.strip()
    )
    grant.full_clean()
    grant.save()
    return grant


def export_grant_take(*, actor: User, node, grant_id) -> ExportGrant:
    """The actor's unused grant for exactly this node, locked and stamped as used (the export
    runs in the caller's transaction)."""
    grant = (
        ExportGrant.objects.select_for_update()
        .select_related("granted_by")
        .filter(public_id=grant_id, grantee=actor, used_at__isnull=True)
        .first()
    )
    if grant is None:
        raise PermissionDenied(_("完整导出授权无效或已使用。"))
    if grant.scope_code != node_code(node):
        raise PermissionDenied(_("该授权不适用于此范围。"))
    grant.used_at = timezone.now()
    grant.save(update_fields=["used_at"])
    return grant


@transaction.atomic
def guardian_request_record(
    *,
    actor: User,
    child,
    kind: str,
    requester_name: str,
    requester_relation: str,
    requester_phone: str = "",
    details: str = "",
    received_on: datetime.date,
) -> GuardianRequest:
    """Record a guardian's request; it is due SHOUHU_REQUEST_DAYS after it was received."""
    _check_privacy_officer(actor)
    request = GuardianRequest(
        child=child,
        kind=kind,
        requester_name=clean_name(requester_name),
        requester_relation=requester_relation.strip(),
        requester_phone=clean_name(requester_phone),
        details=details.strip(),
        received_on=received_on,
        due_on=received_on + datetime.timedelta(days=settings.SHOUHU_REQUEST_DAYS),
        recorded_by=actor,
    )
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("收到日期不能晚于今天。")})
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def guardian_request_close(
    *, actor: User, request: GuardianRequest, status: str, resolution: str
) -> GuardianRequest:
    """Close a request as done or refused, with what was done (or why not).

    A deletion that is done anonymises the child's file through the shredder."""
    from shouhu.audit.shredder import child_anonymise

    _check_privacy_officer(actor)
    if request.status != RequestStatus.OPEN:
        raise ValidationError(_("该请求已办结。"))
    if status not in (RequestStatus.DONE, RequestStatus.REFUSED):
        raise ValidationError({"status": _("请选择办理结果。")})
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError({"resolution": _("请填写办理结果或不予办理的理由。")})
    request.status = status
    request.resolution = resolution
    request.resolved_on = timezone.localdate()
    request.resolved_by = actor
    request.full_clean()
    request.save()
    if status == RequestStatus.DONE and request.kind == RequestKind.DELETION:
        child_anonymise(
            child=request.child, reason=ErasureReason.REQUEST, actor=actor, request=request
        )
    return request
