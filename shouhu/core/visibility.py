"""Who sees which field of a child's file: the role × field matrix of docs/privacy.md, in code.

This is the one place that decides. A field is shown to a role in one of three ways:

- `full`: the value as stored;
- `masked`: a masked form (ID number `5117**********1234`, phone `138****5678`, free text
  withheld); the user may reveal the full value by typing a reason, and the reveal is logged
  (`shouhu.audit.services.field_reveal`);
- `hidden`: not shown at all, and no reveal.

Views and templates never decide this themselves: they call `shown()` or `visibility()`.
A test reads the matrix of docs/privacy.md and checks that it equals `MATRIX`, cell by cell, and
another renders the child's file for every role and checks every cell on the page.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhu.accounts.roles import Role
from shouhu.core.masking import mask_id_number, mask_phone


class Visibility(models.TextChoices):
    FULL = "full", _("完整")
    MASKED = "masked", _("脱敏")
    HIDDEN = "hidden", _("不显示")


class ChildField(models.TextChoices):
    """The rows of the matrix: groups of fields that share one rule."""

    IDENTITY = "identity", _("姓名、性别、出生日期、班级")
    ID_NUMBER = "id_number", _("身份证号")
    FAMILY_PHONE = "family_phone", _("父母和监护人电话（档案页）")
    ADDRESS = "address", _("家庭住址、监护人住址")
    EMPLOYER = "employer", _("父母工作单位")
    HEALTH = "health", _("健康状况")
    COUNSELLING = "counselling", _("心理辅导记录")
    HISTORY = "history", _("变更记录（敏感旧值脱敏）")
    CARD_PHONES = "card_phones", _("联系卡上的电话（打印）")


F, M, H = Visibility.FULL, Visibility.MASKED, Visibility.HIDDEN

# Columns in the order of docs/privacy.md.
ROLES: list[str] = [
    Role.ADMIN,
    Role.REGION_OFFICER,
    Role.TOWNSHIP_OFFICER,
    Role.VILLAGE_SUPERVISOR,
    Role.SCHOOL_LEADER,
    Role.HEAD_TEACHER,
    Role.TEACHER,
    Role.COUNSELLOR,
    Role.VOLUNTEER,
    Role.PRIVACY_OFFICER,
]

_ROWS: dict[str, tuple[Visibility, ...]] = {
    #                          adm reg twn vil lead head tch cns vol priv
    ChildField.IDENTITY: (H, F, F, F, F, F, F, F, F, F),
    ChildField.ID_NUMBER: (H, M, M, M, F, F, M, M, H, F),
    ChildField.FAMILY_PHONE: (H, M, M, M, F, F, M, M, M, F),
    ChildField.ADDRESS: (H, M, M, F, F, F, F, F, F, M),
    ChildField.EMPLOYER: (H, M, M, M, F, F, F, F, M, M),
    ChildField.HEALTH: (H, M, M, M, F, F, F, F, M, M),
    ChildField.COUNSELLING: (H, H, H, H, H, H, H, F, H, H),
    ChildField.HISTORY: (H, F, F, F, F, F, F, F, F, F),
    ChildField.CARD_PHONES: (H, F, F, F, F, F, F, F, F, H),
}

MATRIX: dict[str, dict[str, Visibility]] = {
    field: dict(zip(ROLES, row, strict=True)) for field, row in _ROWS.items()
}


def visibility(user, field: str) -> Visibility:
    """How `field` is shown to `user`: hidden for anyone inactive or without a role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Visibility.HIDDEN
    return MATRIX[field].get(user.role, Visibility.HIDDEN)


class RevealTarget(models.TextChoices):
    """One value on the file page that can be masked and revealed, with its matrix row."""

    ID_NUMBER = "id_number", _("身份证号")
    ADDRESS = "address", _("家庭住址")
    HEALTH = "health_notes", _("健康状况")
    FATHER_PHONE = "father_phone", _("父亲电话")
    MOTHER_PHONE = "mother_phone", _("母亲电话")
    FATHER_EMPLOYER = "father_employer", _("父亲工作单位")
    MOTHER_EMPLOYER = "mother_employer", _("母亲工作单位")
    GUARDIAN_PHONE = "guardian_phone", _("监护人电话")
    GUARDIAN_ADDRESS = "guardian_address", _("监护人住址")
    GUARDIAN_HEALTH = "guardian_health", _("监护人健康状况")


TARGET_FIELD: dict[str, str] = {
    RevealTarget.ID_NUMBER: ChildField.ID_NUMBER,
    RevealTarget.ADDRESS: ChildField.ADDRESS,
    RevealTarget.HEALTH: ChildField.HEALTH,
    RevealTarget.FATHER_PHONE: ChildField.FAMILY_PHONE,
    RevealTarget.MOTHER_PHONE: ChildField.FAMILY_PHONE,
    RevealTarget.FATHER_EMPLOYER: ChildField.EMPLOYER,
    RevealTarget.MOTHER_EMPLOYER: ChildField.EMPLOYER,
    RevealTarget.GUARDIAN_PHONE: ChildField.FAMILY_PHONE,
    RevealTarget.GUARDIAN_ADDRESS: ChildField.ADDRESS,
    RevealTarget.GUARDIAN_HEALTH: ChildField.HEALTH,
}


def target_value(child, target: str) -> str:
    """The stored value of a reveal target of a child's file ("" when there is none)."""
    if target in (RevealTarget.ID_NUMBER, RevealTarget.ADDRESS, RevealTarget.HEALTH):
        return getattr(child, target) or ""
    owner, _sep, attr = target.partition("_")
    if owner == "guardian":
        record = getattr(child, "guardian", None)
    else:
        record = next((p for p in child.parents.all() if p.role == owner), None)
    return (getattr(record, attr, "") or "") if record is not None else ""


def _masked_text(field: str, value: str) -> str:
    if field == ChildField.ID_NUMBER:
        return mask_id_number(value)
    if field == ChildField.FAMILY_PHONE:
        return mask_phone(value)
    # Free text has no useful masked form: it is withheld until revealed.
    return str(_("（已脱敏，可说明理由后查看）"))


@dataclass(frozen=True)
class Shown:
    """A value as one user may see it. `text` is what the page prints."""

    target: str
    state: Visibility
    text: str

    @property
    def revealable(self) -> bool:
        return self.state == Visibility.MASKED and self.text != ""

    @property
    def hidden(self) -> bool:
        return self.state == Visibility.HIDDEN


def shown(user, child, target: str) -> Shown:
    """A reveal target of a child's file as `user` may see it."""
    field = TARGET_FIELD[target]
    state = visibility(user, field)
    value = target_value(child, target)
    if state == Visibility.HIDDEN:
        return Shown(target, state, "")
    if state == Visibility.FULL or not value:
        return Shown(target, state if value else Visibility.FULL, value)
    return Shown(target, state, _masked_text(field, value))


def shown_all(user, child) -> dict[str, Shown]:
    """Every reveal target of the file, keyed by target: what the file page prints."""
    return {target.value: shown(user, child, target) for target in RevealTarget}


def may_read_counselling(user) -> bool:
    """Counselling notes are for counsellors only (domain README, 篇七, 篇十, 篇十一)."""
    return visibility(user, ChildField.COUNSELLING) == Visibility.FULL
