"""Everything that writes health records: one child's check, a class's sheet of checks (typed
on the web or imported from the clinic's workbook), a follow-up done, an illness, a hospital
stay or a disability. Each service checks the actor, validates every value against a human range,
writes all or nothing and records the access per child."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record, access_record_many
from shouhu.core.roles import Perm
from shouhu.core.visibility import ChildField, Visibility, visibility
from shouhu.org.models import SchoolClass
from shouhu.registry.models import Child
from shouhu.welfare.models import ConditionKind, Dental, HealthCheck, HealthCondition

# The values of a check, in the order of the sheet (and of the clinic's template).
CHECK_FIELDS = (
    "height_cm",
    "weight_kg",
    "vision_left",
    "vision_right",
    "dental",
    "conclusion",
    "follow_up",
)
DECIMAL_FIELDS = ("height_cm", "weight_kg", "vision_left", "vision_right")


def _check_may_record(actor: User) -> None:
    """Who records health must be able to read it back (`health_records`)."""
    if not actor.has_perm_to(Perm.HEALTH_RECORD):
        raise PermissionDenied(_("您没有记录体检和健康情况的权限。"))
    if visibility(actor, ChildField.HEALTH_RECORDS) != Visibility.FULL:
        raise PermissionDenied(_("您的角色不能查看健康记录，因此不能录入。"))


def _check_children_in_scope(actor: User, children: Sequence[Child]) -> None:
    ids = {c.pk for c in children}
    if Child.objects.restrict(actor).filter(pk__in=ids).count() != len(ids):
        raise PermissionDenied(_("所选儿童不在您的管辖范围内。"))


def _field_label(name: str) -> str:
    return str(getattr(HealthCheck._meta.get_field(name), "verbose_name", name))


@dataclass
class CheckRow:
    """One line of a sheet: a child and the values as typed (strings, numbers or None). A line
    with no value at all is a child who was not checked, and is skipped."""

    child: Child
    values: dict
    row: int = 0  # the sheet's row number, for the error messages (0: the child's name)

    @property
    def blank(self) -> bool:
        return all(v in (None, "", False) for v in self.values.values())


def _decimal(value) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    return Decimal(str(value).strip())


DENTAL_WORDS = {label: value for value, label in Dental.choices} | {
    "无": Dental.NORMAL,
    "龋": Dental.CARIES,
    "有龋齿": Dental.CARIES,
}
YES = {"是", "需要", "需复查", "yes", "y", "1", "true", "on", "√"}
NO = {"否", "不需要", "无", "no", "n", "0", "false", "", "×"}


def check_from_values(*, child: Child, checked_on: datetime.date, values: dict) -> HealthCheck:
    """An unsaved check from values as typed; every bad value is a `ValidationError` naming the
    field (`full_clean` adds the human ranges)."""
    errors: dict[str, str] = {}
    parsed: dict = {}
    for name in DECIMAL_FIELDS:
        raw = values.get(name)
        if raw is None or str(raw).strip() == "":
            errors[name] = _("必填。")
            continue
        try:
            parsed[name] = _decimal(raw)
        except InvalidOperation:
            errors[name] = _("“%(value)s”不是数字。") % {"value": raw}
    dental = str(values.get("dental") or "").strip()
    if dental in Dental.values:
        parsed["dental"] = dental
    elif dental in DENTAL_WORDS:
        parsed["dental"] = DENTAL_WORDS[dental]
    else:
        errors["dental"] = _("应为“正常”“龋齿”或“其他问题”。")
    follow_up = values.get("follow_up")
    if isinstance(follow_up, bool):
        parsed["follow_up"] = follow_up
    elif str(follow_up or "").strip().lower() in YES:
        parsed["follow_up"] = True
    elif str(follow_up or "").strip().lower() in NO:
        parsed["follow_up"] = False
    else:
        errors["follow_up"] = _("应为“是”或“否”。")
    if errors:
        raise ValidationError(errors)
    check = HealthCheck(
        child=child,
        checked_on=checked_on,
        conclusion=str(values.get("conclusion") or "").strip(),
        **parsed,
    )
    check.full_clean(exclude=["recorded_by", "child"], validate_unique=False)
    return check


def _check_date(checked_on: datetime.date) -> None:
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": _("体检日期不能晚于今天。")})


@transaction.atomic
def health_check_record(
    *,
    actor: User,
    child: Child,
    checked_on: datetime.date,
    values: dict,
    request: HttpRequest | None = None,
) -> HealthCheck:
    """Record (or correct, for the same day) one child's health check."""
    saved = health_sheet_save(
        actor=actor,
        checked_on=checked_on,
        rows=[CheckRow(child=child, values=values)],
        request=request,
    )
    if not saved:
        raise ValidationError({"height_cm": _("请填写体检结果。")})
    return saved[0]


@transaction.atomic
def health_sheet_save(
    *,
    actor: User,
    checked_on: datetime.date,
    rows: Sequence[CheckRow],
    school_class: SchoolClass | None = None,
    request: HttpRequest | None = None,
) -> list[HealthCheck]:
    """Save a sheet of checks, all or nothing.

    1. The actor records health and reads it back; every child is in their scope (and in
       `school_class`, when the sheet is a class's).
    2. Blank lines are children not checked, and are skipped.
    3. Every value is checked; the errors of every line are gathered, each naming the row (or
       the child), the field and the reason, and nothing is written if there is one.
    4. A child already checked that day is corrected in place (the clinic resends its sheet).
    """
    _check_may_record(actor)
    _check_date(checked_on)
    rows = [r for r in rows if not r.blank]
    children = [r.child for r in rows]
    _check_children_in_scope(actor, children)
    if school_class is not None and any(c.school_class_id != school_class.pk for c in children):
        raise PermissionDenied(_("所选儿童不在该班级。"))
    errors: list[str] = []
    checks: list[HealthCheck] = []
    for row in rows:
        where = (
            _("第 %(row)d 行") % {"row": row.row}
            if row.row
            else _("%(name)s") % {"name": row.child.name}
        )
        try:
            checks.append(
                check_from_values(child=row.child, checked_on=checked_on, values=row.values)
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = _field_label(name) if name in CHECK_FIELDS else name
                for message in messages:
                    errors.append(
                        _("%(where)s，%(field)s：%(reason)s")
                        % {"where": where, "field": label, "reason": message}
                    )
    if len({c.pk for c in children}) != len(children):
        errors.append(_("同一名儿童在表中出现了两次。"))
    if errors:
        raise ValidationError(errors)
    existing = {
        h.child_id: h
        for h in HealthCheck.objects.filter(
            child__in=children, checked_on=checked_on
        ).select_for_update()
    }
    new, changed = [], []
    for check in checks:
        old = existing.get(check.child.pk)
        if old is None:
            check.recorded_by = actor
            new.append(check)
            continue
        for name in CHECK_FIELDS:
            setattr(old, name, getattr(check, name))
        if not old.follow_up:
            old.follow_up_done_on = None
        old.recorded_by = actor
        changed.append(old)
    HealthCheck.objects.bulk_create(new)
    if changed:
        HealthCheck.objects.bulk_update(
            changed, [*CHECK_FIELDS, "follow_up_done_on", "recorded_by"]
        )
    access_record_many(
        user=actor,
        action=AccessAction.CREATE,
        child_ids=[c.pk for c in children],
        field=ChildField.HEALTH_RECORDS,
        request=request,
    )
    return new + changed


@transaction.atomic
def health_follow_up_close(
    *,
    actor: User,
    check: HealthCheck,
    done_on: datetime.date,
    request: HttpRequest | None = None,
) -> HealthCheck:
    """The follow-up a check asked for was done (复查): the head teacher's to-do closes."""
    _check_may_record(actor)
    _check_children_in_scope(actor, [check.child])
    if not check.follow_up:
        raise ValidationError({"done_on": _("该体检结果不需要复查。")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("日期不能晚于今天。")})
    if done_on < check.checked_on:
        raise ValidationError({"done_on": _("复查日期不能早于体检日期。")})
    check.follow_up_done_on = done_on
    check.full_clean()
    check.save(update_fields=["follow_up_done_on"])
    access_record(
        user=actor,
        action=AccessAction.UPDATE,
        child=check.child,
        field=ChildField.HEALTH_RECORDS,
        request=request,
    )
    return check


@transaction.atomic
def health_condition_record(
    *,
    actor: User,
    child: Child,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> HealthCondition:
    """Record an illness, a hospital stay or a disability (the note is encrypted at rest)."""
    _check_may_record(actor)
    _check_children_in_scope(actor, [child])
    if kind not in ConditionKind.values:
        raise ValidationError({"kind": _("请选择类型。")})
    if starts_on > timezone.localdate():
        raise ValidationError({"starts_on": _("开始日期不能晚于今天。")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    condition = HealthCondition(
        child=child,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
        recorded_by=actor,
    )
    condition.full_clean()
    condition.save()
    access_record(
        user=actor,
        action=AccessAction.CREATE,
        child=child,
        field=ChildField.HEALTH_RECORDS,
        request=request,
    )
    return condition
