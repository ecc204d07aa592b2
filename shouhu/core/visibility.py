"""Who sees which field of a child's file: the role × field matrix of docs/privacy.md, in code.

This is the one place that decides. A field is shown to a role in one of three ways:

- `full`: the value as stored;
- `masked`: a masked form (ID number `5117**********1234`, phone `138****5678`, free text
  withheld); the user may reveal the full value by typing a reason, and the reveal is logged
  (`shouhu.audit.services.field_reveal`);
- `hidden`: not shown at all, and no reveal.

Views, documents and templates never decide this themselves: they call `shown()`,
`child_visibility()`, `printed()` or `care_summary_q()`. The same matrix governs the screen and
every document (the contact card, the census export): a document never prints in full what the
screen masks.

Two rules widen or narrow a cell for one child or one record, and live here too:

- the child's current proxy parent reads the family's phones in full (`PROXY_PARENT_FULL`);
- a care record's summary follows the row of its kind, or counselling's row when a counsellor
  wrote it; its author always reads it, and a masked cell reads it only when the author marked
  it shareable (`care_summary_field`, `care_summary_readable`, `care_summary_q`).

A test reads the matrices of docs/privacy.md and checks that they equal `MATRIX` and
`CARE_SUMMARY_FIELD`, cell by cell, and others render the child's pages and documents for every
role and check every cell.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhu.core.masking import mask_id_number, mask_phone
from shouhu.core.roles import Role
from shouhu.core.scoping import is_server_operator


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
    CARE_NOTES = "care_notes", _("关爱记录摘要（家访、通话、谈心等）")
    STAFF_PHONE = "staff_phone", _("班主任和代理家长的电话（联系卡）")
    AGREEMENT_SCAN = "agreement_scan", _("委托监护责任确认书签字扫描件")
    AID = "aid", _("资助·救助记录（金额、来源、理由、审批意见）")
    ATTENDANCE = "attendance", _("考勤（缺勤日期、原因、说明）")
    DROPOUT = "dropout", _("辍学案件、疑似辍学和劝返记录")
    GRADES = "grades", _("成绩（期中、期末各科）")
    STUDY_PLANS = "study_plans", _("学习帮扶计划")
    HEALTH_RECORDS = "health_records", _("体检结果、疾病·住院·残疾记录")
    INCIDENT_NOTES = "incident_notes", _("安全事件的经过、伤情和处置")
    PHOTOS = "photos", _("活动照片")
    PARENT_MESSAGES = "parent_messages", _("家长端留言和老师的回复")


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
    ChildField.CARE_NOTES: (H, M, M, M, F, F, F, F, M, M),
    ChildField.STAFF_PHONE: (H, F, F, F, F, F, F, F, F, H),
    ChildField.AGREEMENT_SCAN: (H, F, F, F, F, F, H, H, H, F),
    ChildField.AID: (H, F, F, M, F, F, H, H, H, M),
    ChildField.ATTENDANCE: (H, M, M, M, F, F, F, F, H, M),
    ChildField.DROPOUT: (H, F, F, H, F, F, F, F, H, H),
    ChildField.GRADES: (H, H, H, H, F, F, F, H, H, H),
    ChildField.STUDY_PLANS: (H, H, H, H, F, F, F, F, H, H),
    ChildField.HEALTH_RECORDS: (H, H, H, H, F, F, H, F, H, H),
    ChildField.INCIDENT_NOTES: (H, M, F, F, F, F, F, F, H, M),
    ChildField.PHOTOS: (H, H, F, F, F, F, F, F, F, H),
    ChildField.PARENT_MESSAGES: (H, H, H, H, F, F, M, M, M, H),
}

MATRIX: dict[str, dict[str, Visibility]] = {
    field: dict(zip(ROLES, row, strict=True)) for field, row in _ROWS.items()
}


def visibility(user, field: str) -> Visibility:
    """How `field` is shown to `user`: hidden for anyone inactive or without a role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Visibility.HIDDEN
    return MATRIX[field].get(user.role, Visibility.HIDDEN)


# The rows whose `full` cell for a teacher holds only for the teachers of the child's class (a
# teacher who teaches one of its subjects): grades are the class's business, not the whole
# school's (issue 14). The schooling app applies it (`schooling.selectors.grades`).
CLASS_TEACHERS_ONLY: frozenset[str] = frozenset({ChildField.GRADES})


# The rows a child's current proxy parent reads in full whatever their role's cell says (when it
# is masked, never when hidden): the proxy parent calls the parents every month (与家长通话,
# 三个一) and the guardian when something happens, so a reason for each call would be noise.
PROXY_PARENT_FULL: frozenset[str] = frozenset(
    {
        ChildField.FAMILY_PHONE,
        # The parents write to the head teacher and the proxy parent, who answer them.
        ChildField.PARENT_MESSAGES,
    }
)


# The phone's copy (issue 19, docs/offline.md): each field of a child that goes to a teacher's
# phone for offline work, with the row of the matrix it falls under. A role takes a copy only
# where it reads every one of these rows in full (a test holds it); the village alone stands for
# the address. Nothing of the other rows leaves: no ID number, phone, health, counselling, care
# summary.
PHONE_COPY: dict[str, str] = {
    "name": ChildField.IDENTITY,
    "class": ChildField.IDENTITY,
    "guardian": ChildField.IDENTITY,
    "village": ChildField.ADDRESS,
}


# The ground floor names care's values rather than importing care (`care.models.PairingKind`,
# `care.models.ActionKind`); a test holds them equal.
PROXY_PARENT = "proxy_parent"


def proxy_pairing_of(child, *, day=None):
    """The child's current proxy-parent pairing, or None. Reads `child.pairings`, so a caller
    printing many children prefetches them (with their carers)."""
    day = day or timezone.localdate()
    return next(
        (p for p in child.pairings.all() if p.kind == PROXY_PARENT and p.held_on(day)),
        None,
    )


def is_proxy_parent(user, child, *, day=None) -> bool:
    """Whether `user` is the child's proxy parent today."""
    pairing = proxy_pairing_of(child, day=day)
    return pairing is not None and pairing.carer_id == user.pk


def child_visibility(user, child, field: str) -> Visibility:
    """How `field` of this child is shown to `user`: the role's cell, widened for the child's
    proxy parent (`PROXY_PARENT_FULL`)."""
    state = visibility(user, field)
    if state == Visibility.MASKED and field in PROXY_PARENT_FULL and is_proxy_parent(user, child):
        return Visibility.FULL
    return state


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


def shown(user, child, target: str, *, state: Visibility | None = None) -> Shown:
    """A reveal target of a child's file as `user` may see it (`state`, when the caller already
    knows the field's `child_visibility`)."""
    field = TARGET_FIELD[target]
    if state is None:
        state = child_visibility(user, child, field)
    value = target_value(child, target)
    if state == Visibility.HIDDEN:
        return Shown(target, state, "")
    if state == Visibility.FULL or not value:
        return Shown(target, state if value else Visibility.FULL, value)
    return Shown(target, state, _masked_text(field, value))


def shown_all(user, child) -> dict[str, Shown]:
    """Every reveal target of the file, keyed by target: what the file page prints."""
    states = {field: child_visibility(user, child, field) for field in set(TARGET_FIELD.values())}
    return {
        target.value: shown(user, child, target, state=states[TARGET_FIELD[target]])
        for target in RevealTarget
    }


def printed(state: Visibility, field: str, value: str, *, revealed: bool = False) -> str:
    """A value as a document prints it in a cell of `state`: in full, masked (phones and ID
    numbers keep their ends, free text is withheld), or not at all. `revealed` is a masked value
    the user asked for in full with a logged reason."""
    if state == Visibility.HIDDEN:
        return ""
    if state == Visibility.FULL or revealed or not value:
        return value
    if field == ChildField.ID_NUMBER:
        return mask_id_number(value)
    if field in (ChildField.FAMILY_PHONE, ChildField.STAFF_PHONE):
        return mask_phone(value)
    # A printed page has no reveal button: masked free text is simply withheld.
    return str(_("（已脱敏）"))


def stricter(*states: Visibility) -> Visibility:
    """The narrowest of several cells (a document that is stricter than the screen)."""
    order = [Visibility.HIDDEN, Visibility.MASKED, Visibility.FULL]
    return min(states, key=order.index)


def may_read_dropout(user) -> bool:
    """Dropout cases, the suspected ledger and the 劝返 records are the school's, the township's
    and the county's (issue 14): not a volunteer's, a village supervisor's or the privacy
    officer's. The `shouhu` commands' operator reads them (`shouhu stats`, `roll-check`)."""
    if is_server_operator(user):
        return True
    return visibility(user, ChildField.DROPOUT) == Visibility.FULL


def may_read_counselling(user) -> bool:
    """Counselling notes are for counsellors only (domain README, 篇七, 篇十, 篇十一)."""
    return visibility(user, ChildField.COUNSELLING) == Visibility.FULL


# --- care-record summaries --------------------------------------------------------------------

# The matrix row that governs the summary of each kind of care action. Every kind is named, so a
# new kind fails the test until someone decides who reads it. A summary is free text: whatever
# its kind, it may speak of the family and of health (奶奶身体不好), so it is never laxer than
# the health row; a counselling session is counselling's.
# Keyed by the values of `care.models.ActionKind`, in its order.
CARE_SUMMARY_FIELD: dict[str, str] = {
    "home_visit": ChildField.CARE_NOTES,
    "parent_call": ChildField.CARE_NOTES,
    "parent_letter": ChildField.CARE_NOTES,
    "talk": ChildField.CARE_NOTES,
    "counselling": ChildField.COUNSELLING,
    "symposium": ChildField.CARE_NOTES,
    "family_call": ChildField.CARE_NOTES,
    "guardian_training": ChildField.CARE_NOTES,
    "health_check": ChildField.HEALTH,
}


def care_summary_field(kind: str, *, by_counsellor: bool) -> str:
    """The row a summary follows: what a counsellor writes, of any kind (a 谈心 too), is
    counselling; otherwise the row of its kind."""
    return ChildField.COUNSELLING if by_counsellor else CARE_SUMMARY_FIELD[kind]


def care_summary_state(user, *, kind: str, by_counsellor: bool) -> Visibility:
    """The cell of a summary for a reader who did not write it. `masked` means: read only when
    its author marked it shareable (a colleague's note has no reveal by reason)."""
    return visibility(user, care_summary_field(kind, by_counsellor=by_counsellor))


def care_summary_readable(user, *, kind: str, author, shareable: bool) -> bool:
    """Whether `user` reads the summary of one care action: its author always; anyone else
    by the cell of `care_summary_state`, a masked cell only when the summary is shareable."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if author.pk == user.pk:
        return True
    state = care_summary_state(user, kind=kind, by_counsellor=author.role == Role.COUNSELLOR)
    return state == Visibility.FULL or (state == Visibility.MASKED and shareable)


def care_summary_may_share(author) -> bool:
    """Whether marking a summary shareable means anything: not for a counsellor's, which follow
    counselling's row, where no cell is masked."""
    return author.role != Role.COUNSELLOR


def care_summary_q(user) -> Q:
    """`care_summary_readable` as a filter on CareAction, so that a summary the user may not read
    is never read from the database (the selector puts nothing in its place)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    readable = Q(author_id=user.pk)
    for by_counsellor in (False, True):
        author = Q(author__role=Role.COUNSELLOR)
        by = author if by_counsellor else ~author
        full = [
            k
            for k in CARE_SUMMARY_FIELD
            if care_summary_state(user, kind=k, by_counsellor=by_counsellor) == Visibility.FULL
        ]
        shared = [
            k
            for k in CARE_SUMMARY_FIELD
            if care_summary_state(user, kind=k, by_counsellor=by_counsellor) == Visibility.MASKED
        ]
        if full:
            readable |= by & Q(kind__in=full)
        if shared:
            readable |= by & Q(kind__in=shared, shareable=True)
    return readable


# --- activities (issue 16: the Home's calls, reading, awards) ---------------------------------

# The row of the matrix each field of the activities app follows (docs/privacy.md, "Activities").
# A family call's note is a care note: it speaks of the family as a call summary does; unlike a
# care action it has no shareable flag, so a masked cell never reads it. A reflection and an
# award's reason are the child's own schoolwork and praise: whoever sees the child reads them.
ACTIVITY_FIELD: dict[str, str] = {
    "family_call_note": ChildField.CARE_NOTES,
    "reading_reflection": ChildField.IDENTITY,
    "award_reason": ChildField.IDENTITY,
}


def family_call_note_readable(user, *, author_id: int | None) -> bool:
    """Whether `user` reads the note of a family call: its author always; anyone else only by a
    `full` cell of the `care_notes` row (no reveal, no sharing)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if author_id is not None and author_id == user.pk:
        return True
    return visibility(user, ACTIVITY_FIELD["family_call_note"]) == Visibility.FULL


# --- the parents' channel (家长端, issue 19) -----------------------------------------------------
# A parent is no role of the matrix: they read their own children only, and of them only these
# (docs/privacy.md, "The parents' channel"). Everything else of the file — counselling, health,
# the family's other data, the assessment, other children — never reaches a parent's page.
PARENT_MAY_READ = frozenset(
    {
        "child.name",
        "child.class",
        "care.parent_note",  # a care action marked 可告知家长: its short text, never the summary
        "activities.photo",  # event photos the child is in, while the child's consent holds
        "activities.group",
        "schooling.grade",  # only where the school turned grades_to_parents on
        "parents.message",  # their own messages and the replies
        "welfare.agreement",  # the guardian agreement's names and dates
    }
)


def parent_may_read(item: str) -> bool:
    return item in PARENT_MAY_READ
