"""The upload of a phone's outbox (issue 19, offline capture; the rules are docs/offline.md).

Each record goes through the service that records it online (`care_action_record`,
`observation_record`, `roll_call_save`): there is no second write path. A record is stored
once whatever how often it is sent (the phone's id is the record's unique `client_id`), and
each record of a batch stands alone: one refused does not stop the others.
"""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhu.accounts.models import User
from shouhu.care.models import CareAction, Observation, SignalKind, VisitTask
from shouhu.care.offline.selectors import RECORD_KINDS
from shouhu.care.services import care_action_record, observation_record
from shouhu.org.models import SchoolClass
from shouhu.registry.models import Child
from shouhu.schooling.models import RollCall
from shouhu.schooling.services.attendance import roll_call_save

# A batch the phone sends at once: an outbox longer than this goes in several.
BATCH_MAX = 100
# The longest free text a record may carry before the services' own caps (which name the field).
TEXT_MAX = 5000


class RecordStatus:
    STORED = "stored"  # stored now
    DUPLICATE = "duplicate"  # stored before: the phone may forget it
    REFUSED = "refused"  # not stored: kept on the phone, marked 未上传, with the reason


@dataclass
class RecordResult:
    id: str
    status: str
    reason: str = ""

    def as_json(self) -> dict:
        return {"id": self.id, "status": self.status, "reason": self.reason}


class Refused(Exception):
    """A record the server will not store, with the reason in Chinese."""


FIELD_LABELS = {
    "summary": gettext_lazy("情况摘要"),
    "note": gettext_lazy("说明"),
    "done_on": gettext_lazy("日期"),
    "noted_on": gettext_lazy("发现日期"),
    "day": gettext_lazy("日期"),
    "kind": gettext_lazy("类型"),
    "absent": gettext_lazy("缺勤学生"),
    "reason": gettext_lazy("缺勤原因"),
    "children": gettext_lazy("儿童"),
}


def _reason_of(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "；".join(
            f"{FIELD_LABELS.get(name, name)}：{message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        )
    return "；".join(error.messages)


def _text(record: dict, key: str) -> str:
    value = record.get(key) or ""
    if not isinstance(value, str):
        raise Refused(_("%(field)s格式无效。") % {"field": FIELD_LABELS.get(key, key)})
    if len(value) > TEXT_MAX:
        raise Refused(
            _("%(field)s过长（%(n)d字），请删减后再上传。")
            % {"field": FIELD_LABELS.get(key, key), "n": len(value)}
        )
    return value


def _day(record: dict) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(record.get("day") or ""))
    except ValueError:
        raise Refused(_("日期无效。")) from None


def _client_id(record: dict) -> uuid.UUID:
    try:
        return uuid.UUID(str(record.get("id") or ""))
    except ValueError:
        raise Refused(_("记录编号无效。")) from None


@dataclass
class _Batch:
    """What a batch needs read once rather than per record: who owns the ids already stored,
    and the children of the records in the actor's scope."""

    owners: dict[uuid.UUID, set[int]]
    children: dict[uuid.UUID, Child]


def _uuids(values) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def _batch_read(actor: User, records: Sequence[object]) -> _Batch:
    rows = [r for r in records if isinstance(r, dict)]
    ids = _uuids(r.get("id") for r in rows)
    owners: dict[uuid.UUID, set[int]] = {}
    for model, owner in ((CareAction, "author_id"), (Observation, "author_id")):
        for client_id, owner_id in model.objects.filter(client_id__in=ids).values_list(
            "client_id", owner
        ):
            owners.setdefault(client_id, set()).add(owner_id)
    for client_id, owner_id in RollCall.objects.filter(client_id__in=ids).values_list(
        "client_id", "taken_by_id"
    ):
        owners.setdefault(client_id, set()).add(owner_id)
    child_ids = _uuids(r.get("child") for r in rows if r.get("child"))
    children = {
        c.public_id: c
        for c in Child.objects.restrict(actor)
        .filter(public_id__in=child_ids)
        .select_related("school_class")
    }
    return _Batch(owners=owners, children=children)


def _child(batch: _Batch, record: dict) -> Child:
    """The child of the record, still in the actor's scope and on the register."""
    try:
        public_id = uuid.UUID(str(record.get("child") or ""))
    except ValueError:
        raise Refused(_("儿童无效。")) from None
    child = batch.children.get(public_id)
    if child is None:
        raise Refused(_("该儿童已不在您的管辖范围内，记录不能上传。"))
    if child.left_on is not None:
        raise Refused(
            _("%(name)s 已于 %(day)s 离开名册，记录不能上传。")
            % {"name": child.name, "day": child.left_on.isoformat()}
        )
    return child


def _stored_before(actor: User, batch: _Batch, client_id: uuid.UUID) -> bool:
    """Whether a record with this phone id is stored: True when it is the actor's (a replay),
    refused when another user's (an id must never write over or reveal another's record)."""
    owners = batch.owners.get(client_id)
    if not owners:
        return False
    if owners == {actor.pk}:
        return True
    raise Refused(_("该记录编号已被其他用户使用，记录不能上传。"))


def _open_task(actor: User, child: Child, record: dict) -> list[VisitTask]:
    """The home-visit task the visit was recorded for, when it is still open (someone else may
    have done it meanwhile: the visit is stored all the same, without closing it)."""
    try:
        public_id = uuid.UUID(str(record.get("task") or ""))
    except ValueError:
        return []
    task = VisitTask.objects.restrict(actor).filter(
        public_id=public_id, child=child, done_on__isnull=True
    )
    return list(task.select_related("observation"))


def _store(
    actor: User, batch: _Batch, record: dict, client_id: uuid.UUID, request: HttpRequest | None
) -> None:
    kind = record.get("type")
    if kind in RECORD_KINDS:
        child = _child(batch, record)
        care_action_record(
            actor=actor,
            kind=RECORD_KINDS[kind],
            done_on=_day(record),
            children=[child],
            summary=_text(record, "summary"),
            tasks=_open_task(actor, child, record) if kind == "visit" else (),
            request=request,
            client_id=client_id,
        )
    elif kind == "signal":
        child = _child(batch, record)
        signal = record.get("signal")
        if signal not in SignalKind.values or signal == SignalKind.ABSENT:
            raise Refused(_("必访信号无效。"))
        observation_record(
            actor=actor,
            child=child,
            kind=signal,
            noted_on=_day(record),
            note=_text(record, "note"),
            request=request,
            client_id=client_id,
        )
    elif kind == "roll_call":
        _store_roll_call(actor, record, client_id, request)
    else:
        raise Refused(_("记录类型无效。"))


def _store_roll_call(
    actor: User, record: dict, client_id: uuid.UUID, request: HttpRequest | None
) -> None:
    school_class = SchoolClass.objects.restrict(actor).filter(pk=_int(record.get("class"))).first()
    if school_class is None:
        raise Refused(_("该班级不在您的管辖范围内，点名不能上传。"))
    absent_rows = record.get("absent") or []
    if not isinstance(absent_rows, list) or len(absent_rows) > 200:
        raise Refused(_("缺勤学生格式无效。"))
    reasons: dict[str, str] = {}
    for row in absent_rows:
        if not isinstance(row, dict):
            raise Refused(_("缺勤学生格式无效。"))
        reasons[str(row.get("child"))] = str(row.get("reason") or "")
    public_ids = []
    for key in reasons:
        try:
            public_ids.append(uuid.UUID(key))
        except ValueError:
            raise Refused(_("缺勤学生格式无效。")) from None
    pupils = dict(
        Child.objects.filter(public_id__in=public_ids, school_class=school_class).values_list(
            "public_id", "pk"
        )
    )
    if len(pupils) != len(public_ids):
        raise Refused(_("所选学生已不在本班名册上，点名不能上传。"))
    roll_call_save(
        actor=actor,
        school_class=school_class,
        day=_day(record),
        absent={pupils[uuid.UUID(key)]: reason for key, reason in reasons.items()},
        request=request,
        client_id=client_id,
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _upload_one(
    actor: User, batch: _Batch, record: object, request: HttpRequest | None
) -> RecordResult:
    if not isinstance(record, dict):
        return RecordResult(id="", status=RecordStatus.REFUSED, reason=_("记录格式无效。"))
    shown_id = str(record.get("id") or "")[:64]
    try:
        client_id = _client_id(record)
        if _stored_before(actor, batch, client_id):
            return RecordResult(id=shown_id, status=RecordStatus.DUPLICATE)
        with transaction.atomic():
            _store(actor, batch, record, client_id, request)
        batch.owners[client_id] = {actor.pk}
    except Refused as refusal:
        return RecordResult(id=shown_id, status=RecordStatus.REFUSED, reason=str(refusal))
    except ValidationError as error:
        return RecordResult(id=shown_id, status=RecordStatus.REFUSED, reason=_reason_of(error))
    except PermissionDenied as denied:
        return RecordResult(id=shown_id, status=RecordStatus.REFUSED, reason=str(denied))
    except IntegrityError:
        # The same id sent twice at once: the other sending stored it.
        return RecordResult(id=shown_id, status=RecordStatus.DUPLICATE)
    return RecordResult(id=shown_id, status=RecordStatus.STORED)


def outbox_upload(
    *, actor: User, records: Sequence[object], request: HttpRequest | None = None
) -> list[RecordResult]:
    """Store a phone's outbox, record by record (issue 19).

    1. A batch longer than `BATCH_MAX` is refused whole, with nothing written.
    2. A record whose id is already stored is the actor's replay (`duplicate`: stored once)
       or another user's id (refused: never written over).
    3. A record for a child who left the actor's scope or the register meanwhile is refused
       with the reason; so is anything the record's own service refuses (a date to come, a
       text too long, a roll call of another day). The others of the batch are stored.
    4. Each record is stored in a savepoint of its own by its own service, which checks the
       actor's permission and writes the access log as it does online.
    """
    if len(records) > BATCH_MAX:
        raise ValidationError(
            {"records": _("一次最多上传%(n)d条记录，请分批上传。") % {"n": BATCH_MAX}}
        )
    batch = _batch_read(actor, records)
    return [_upload_one(actor, batch, record, request) for record in records]
