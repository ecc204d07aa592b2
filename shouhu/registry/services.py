"""Everything that writes to the register. Each service checks the actor, validates, saves and
writes the audit entry; change history is kept by django-simple-history on every save, and
written alongside by the bulk writer (`children_register_bulk`)."""

import dataclasses
import datetime
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_log_rows, access_record
from shouhu.core.crypto import blind_index
from shouhu.core.idnumber import normalise_id_number
from shouhu.core.pinyin import name_keys
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope, may
from shouhu.core.text import clean_name
from shouhu.org.models import SchoolClass, Term
from shouhu.org.selectors import term_current
from shouhu.registry.classification import classify
from shouhu.registry.flags import FLAG_FIELD, flag_settable
from shouhu.registry.models import (
    CensusSnapshot,
    CensusSource,
    Child,
    ChildFlag,
    Flag,
    Guardian,
    HukouType,
    Parent,
    ParentRole,
)
from shouhu.registry.writing import Statements, reserve_ids

if TYPE_CHECKING:
    from shouhu.accounts.models import User

# ID numbers looked up in one query when a batch of files is checked.
BATCH = 500

# The flags that are counselling data (`flags.FLAG_FIELD`): the census import refuses them in a
# sheet and keeps them as they are on file.
COUNSELLOR_ONLY_FLAGS = frozenset(FLAG_FIELD)


def child_edit_check(actor: "User", school_class: SchoolClass) -> None:
    """Who may change a file of the class (register, edit, leave, transfer, and care's side of
    those: `care.services.pairings_end`): CHILD_EDIT over the class, or the server operator."""
    if not may(actor, Perm.CHILD_EDIT):
        raise PermissionDenied(_("您没有登记或修改儿童档案的权限。"))
    if not in_scope(actor, school_class):
        raise PermissionDenied(_("该班级不在您的管辖范围内。"))


def classes_in_scope(actor: "User", pks: Sequence[int]) -> set[int]:
    """Those of the classes `pks` inside the actor's scope, in one query: `in_scope` of each
    (which asks the scope's `restrict` class by class), for a writer of many classes at once."""
    if not pks:
        return set()
    found = SchoolClass.objects.restrict(actor).filter(pk__in=list(pks))
    return set(found.values_list("pk", flat=True))


def child_edit_check_many(actor: "User", classes: Sequence[SchoolClass]) -> None:
    """`child_edit_check` of every class, in one query: the first class refused is refused
    with the same message."""
    if not classes:
        return
    if not may(actor, Perm.CHILD_EDIT):
        raise PermissionDenied(_("您没有登记或修改儿童档案的权限。"))
    allowed = classes_in_scope(actor, [c.pk for c in classes])
    if any(c.pk not in allowed for c in classes):
        raise PermissionDenied(_("该班级不在您的管辖范围内。"))


def child_read_only_reason(child: Child) -> str:
    """Why the file can no longer be changed ("" while the child is on the register): a child
    who left (or graduated) keeps a read-only file (学年交接, 篇十)."""
    if child.left_on is None:
        return ""
    return _("该儿童已离开名册，档案只读，不能修改。")


def _check_id_number_free(*, actor: "User", child: Child) -> None:
    """A duplicate ID number is refused; the existing child is named only inside the scope."""
    if not child.id_number_index:
        return
    existing = Child.objects.filter(id_number_index=child.id_number_index).exclude(pk=child.pk)
    if not existing.exists():
        return
    visible = existing.restrict(actor).select_related("school_class__school").first()
    if visible is not None:
        message = _("该身份证号已登记：%(name)s（%(cls)s）。") % {
            "name": visible.name,
            "cls": visible.school_class,
        }
    else:
        message = _("该身份证号已在系统中登记，请联系上级部门核实。")
    raise ValidationError({"id_number": message})


def child_prepare(
    child: Child, *, validate_unique: bool = True, exclude: list[str] | None = None
) -> None:
    """Derive the search keys and the ID number's keyed hash, and run the model's field rules.

    The one validation of a file: the form's save and the census import both come through here
    (the import checks uniqueness for the whole sheet at once, hence `validate_unique`, and has
    looked its classes up already, hence `exclude`)."""
    child.name = clean_name(child.name)
    child.name_pinyin, child.name_initials = name_keys(child.name)
    child.id_number = normalise_id_number(child.id_number) if child.id_number else ""
    child.full_clean(
        exclude=exclude, validate_unique=validate_unique, validate_constraints=validate_unique
    )
    child.id_number_index = blind_index(child.id_number) if child.id_number else ""


def _child_save(*, actor: "User", child: Child) -> None:
    """Derive the search keys, validate, refuse a duplicate ID number, save with history."""
    child_prepare(child)
    _check_id_number_free(actor=actor, child=child)
    child._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
    child.save()


def _snapshot_current_term(*, child: Child, day: datetime.date, source: str | None = None) -> None:
    """While a term runs, its snapshot follows the file; between terms nothing is frozen anew."""
    term = term_current(day)
    if term is None or not term.contains(day) or child.left_on is not None:
        return
    if source is None:
        existing = CensusSnapshot.objects.filter(child=child, term=term).first()
        source = existing.source if existing else CensusSource.REGISTER
    census_snapshot_take(child=child, term=term, source=source, day=day)


def _save_parents(*, actor: "User", child: Child, parents: dict[str, dict[str, Any]]) -> None:
    errors: dict[str, Any] = {}
    for role in ParentRole:
        data = parents.get(role.value)
        if data is None:
            continue
        parent = Parent.objects.filter(child=child, role=role).first() or Parent(
            child=child, role=role
        )
        for field, value in data.items():
            setattr(parent, field, value)
        try:
            parent.full_clean(exclude=["child"])
        except ValidationError as exc:
            errors.update({f"{role.value}_{k}": v for k, v in exc.message_dict.items()})
            continue
        parent._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
        parent.save()
    if errors:
        raise ValidationError(errors)


def _save_guardian(*, actor: "User", child: Child, guardian: dict[str, Any] | None) -> None:
    if not guardian or not guardian.get("name"):
        return
    record = Guardian.objects.filter(child=child).first() or Guardian(child=child)
    for field, value in guardian.items():
        setattr(record, field, value)
    try:
        record.full_clean(exclude=["child"])
    except ValidationError as exc:
        raise ValidationError({f"guardian_{k}": v for k, v in exc.message_dict.items()}) from None
    record._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
    record.save()


def _sync_flags(*, actor: "User", child: Child, flags: set[str], day: datetime.date) -> None:
    """Open the flags newly set and close those removed; each keeps its dates. A flag the actor
    may not set (`flags.flag_settable`) stays as it is on file, whatever was sent."""
    open_flags = {f.flag: f for f in ChildFlag.objects.open().filter(child=child)}
    settable = {flag for flag in Flag.values if flag_settable(actor, flag)}
    flags = (flags & settable) | (set(open_flags) - settable)
    for flag in flags - set(open_flags):
        ChildFlag.objects.create(child=child, flag=flag, since=day)
    for flag in set(open_flags) - flags:
        record = open_flags[flag]
        record.until = day
        record.save(update_fields=["until"])


def census_snapshot_take(
    *, child: Child, term: Term, source: str = CensusSource.REGISTER, day: datetime.date
) -> CensusSnapshot:
    """Freeze the child's category, flags and guardian for the term (摸底排查)."""
    statuses = {p.role: p.status for p in Parent.objects.filter(child=child)}
    open_flags = set(ChildFlag.objects.open().filter(child=child).values_list("flag", flat=True))
    values = census_snapshot_values(
        child=child,
        statuses=statuses,
        open_flags=open_flags,
        guardian_able=Guardian.objects.filter(child=child, able_to_care=True).exists(),
        term=term,
        source=source,
        day=day,
    )
    snapshot, _created = CensusSnapshot.objects.update_or_create(
        child=child, term=term, defaults=values
    )
    return snapshot


def census_snapshot_values(
    *,
    child: Child,
    statuses: dict[str, str],
    open_flags: set[str],
    guardian_able: bool,
    term: Term,
    source: str,
    day: datetime.date,
) -> dict[str, Any]:
    """The fields of a term's snapshot: the classification on the survey day, the flags, and
    whether an entrusted guardian able to care (有监护能力的委托监护人) is on file."""
    result = classify(
        father=statuses.get(ParentRole.FATHER),
        mother=statuses.get(ParentRole.MOTHER),
        birth_date=child.birth_date,
        rural=child.hukou_type == HukouType.RURAL,
        on=max(day, term.starts_on),
    )
    return {
        "school_class": child.school_class,
        "category": result.category,
        "education": result.education,
        "civil": result.civil,
        "source": source,
        "surveyed_on": day,
        "prefilled": False,
        **{flag.value: flag.value in open_flags for flag in Flag},
        "guardian_able": guardian_able,
    }


def _check_id_numbers_free(*, actor: "User", children: Sequence[Child]) -> None:
    """`_check_id_number_free` for a batch: one query per `BATCH` files while none is taken."""
    indexes = [c.id_number_index for c in children if c.id_number_index]
    for start in range(0, len(indexes), BATCH):
        if Child.objects.filter(id_number_index__in=indexes[start : start + BATCH]).exists():
            for child in children:
                _check_id_number_free(actor=actor, child=child)


@dataclasses.dataclass
class ChildRegistration:
    """One child to register, checked by the register's rules: the file through
    `child_prepare`, parents and guardian through their `full_clean` (`child_registration`
    from a form's data; the census import in its check, the demo from its plan)."""

    child: Child  # unsaved, in its class
    parents: list[Parent] = dataclasses.field(default_factory=list)
    guardian: Guardian | None = None
    flags: Collection[str] = ()  # opened on the day the child is registered
    snapshots: list[CensusSnapshot] = dataclasses.field(default_factory=list)
    # When the history says the file was written (now when None; the demo dates its county).
    at: datetime.datetime | None = None


@dataclasses.dataclass
class ChildrenWrite:
    """A registration prepared by `children_register_prepare`: `run()` it inside a transaction."""

    children: list[Child]
    statements: Statements

    def run(self) -> list[Child]:
        self.statements.run()
        for child in self.children:  # only these are handed back: the rest stays off the lock
            child._state.adding = False
            child._state.db = DEFAULT_DB_ALIAS
        return self.children


def child_registration(
    *,
    actor: "User",
    school_class: SchoolClass,
    child: dict[str, Any],
    parents: dict[str, dict[str, Any]],
    guardian: dict[str, Any] | None = None,
    flags: Collection[str] = (),
    source: str = CensusSource.REGISTER,
) -> ChildRegistration:
    """One child from a form's data, checked as a file is checked before it is saved: the file,
    its ID number not yet registered, the parents, the guardian (when named); the flags the
    actor may set (`flags.flag_settable`); this term's snapshot while a term runs."""
    day = timezone.localdate()
    record = Child(school_class=school_class, registered_on=day, **child)
    child_prepare(record)
    _check_id_number_free(actor=actor, child=record)
    errors: dict[str, Any] = {}
    parent_records: list[Parent] = []
    for role in ParentRole:
        data = parents.get(role.value)
        if data is None:
            continue
        parent = Parent(child=record, role=role)
        for name, value in data.items():
            setattr(parent, name, value)
        try:
            parent.full_clean(exclude=["child"])
        except ValidationError as exc:
            errors.update({f"{role.value}_{k}": v for k, v in exc.message_dict.items()})
            continue
        parent_records.append(parent)
    if errors:
        raise ValidationError(errors)
    guardian_record = None
    if guardian and guardian.get("name"):
        guardian_record = Guardian(child=record)
        for name, value in guardian.items():
            setattr(guardian_record, name, value)
        try:
            guardian_record.full_clean(exclude=["child"])
        except ValidationError as exc:
            raise ValidationError(
                {f"guardian_{k}": v for k, v in exc.message_dict.items()}
            ) from None
    open_flags = {flag for flag in flags if flag in Flag.values and flag_settable(actor, flag)}
    snapshots = []
    term = term_current(day)
    if term is not None and term.contains(day) and record.left_on is None:
        values = census_snapshot_values(
            child=record,
            statuses={p.role: p.status for p in parent_records},
            open_flags=open_flags,
            guardian_able=guardian_record is not None and guardian_record.able_to_care,
            term=term,
            source=source,
            day=day,
        )
        snapshots.append(CensusSnapshot(child=record, term=term, **values))
    return ChildRegistration(
        child=record,
        parents=parent_records,
        guardian=guardian_record,
        flags=open_flags,
        snapshots=snapshots,
    )


def children_register_prepare(
    *,
    actor: "User",
    rows: Sequence[ChildRegistration],
    request: HttpRequest | None = None,
) -> ChildrenWrite:
    """Steps 1–3 of `children_register_bulk`, for a writer whose transaction holds more (the
    census import): everything that costs time, done before the transaction opens."""
    named = {row.child.school_class.pk: row.child.school_class for row in rows}
    child_edit_check_many(actor, list(named.values()))
    children = [row.child for row in rows]
    _check_id_numbers_free(actor=actor, children=children)
    for child, key in zip(children, reserve_ids(Child, len(children)), strict=True):
        child.pk = key
    parents: list[Parent] = []
    guardians: list[Guardian] = []
    flags: list[ChildFlag] = []
    snapshots: list[CensusSnapshot] = []
    for row in rows:
        child = row.child
        for parent in row.parents:
            parent.child = child  # the key reserved above
            parents.append(parent)
        if row.guardian is not None:
            row.guardian.child = child
            guardians.append(row.guardian)
        flags.extend(
            ChildFlag(child=child, flag=flag, since=child.registered_on)
            for flag in sorted(row.flags)
        )
        for snapshot in row.snapshots:
            snapshot.child = child
            snapshots.append(snapshot)
        if row.at is not None:
            for record in [child, *row.parents, *([row.guardian] if row.guardian else [])]:
                record._history_date = row.at  # type: ignore[attr-defined]  # as simple-history's
    # The history rows name the parent's and the guardian's keys too.
    for parent, key in zip(parents, reserve_ids(Parent, len(parents)), strict=True):
        parent.pk = key
    for guardian, key in zip(guardians, reserve_ids(Guardian, len(guardians)), strict=True):
        guardian.pk = key
    user = actor if actor.pk else None
    statements = Statements()
    tracked: list[Sequence[models.Model]] = [children, parents, guardians]
    for records in tracked:
        statements.insert(records)
        statements.history(records, user=user)
    statements.insert(flags)
    statements.insert(snapshots)
    statements.insert(
        access_log_rows(
            user=user,
            action=AccessAction.CREATE,
            child_ids=[child.pk for child in children],
            request=request,
        )
    )
    return ChildrenWrite(children=children, statements=statements)


def children_register_bulk(
    *,
    actor: "User",
    rows: Sequence[ChildRegistration],
    request: HttpRequest | None = None,
) -> list[Child]:
    """Register children in their classes, all or nothing: files, parents, guardians, flags,
    snapshots, the history of each and one access-log entry per child (登记).

    1. The actor may change files of every class named (`child_edit_check`); no ID number is
       registered already.
    2. The keys of the new rows are reserved, so the history can name them.
    3. Every INSERT is prepared, values encrypted (`writing.Statements`).
    4. In one transaction, only those statements run.

    The rows were checked by the register's rules when they were built (`ChildRegistration`).
    A file is written once, in bulk, however many there are: `child_register` is the one-row
    case, the census import and the demo county the many-row ones."""
    write = children_register_prepare(actor=actor, rows=rows, request=request)
    with transaction.atomic():
        return write.run()


@transaction.atomic
def child_register(
    *,
    actor: "User",
    school_class: SchoolClass,
    child: dict[str, Any],
    parents: dict[str, dict[str, Any]],
    guardian: dict[str, Any] | None = None,
    flags: set[str] | frozenset[str] = frozenset(),
    source: str = CensusSource.REGISTER,
    request: HttpRequest | None = None,
) -> Child:
    """Register a child in a class: file, parents, guardian, flags, and this term's snapshot."""
    child_edit_check(actor, school_class)
    row = child_registration(
        actor=actor,
        school_class=school_class,
        child=child,
        parents=parents,
        guardian=guardian,
        flags=flags,
        source=source,
    )
    (record,) = children_register_bulk(actor=actor, rows=[row], request=request)
    return record


@transaction.atomic
def child_update(
    *,
    actor: "User",
    child: Child,
    data: dict[str, Any],
    parents: dict[str, dict[str, Any]] | None = None,
    guardian: dict[str, Any] | None = None,
    flags: set[str] | frozenset[str] | None = None,
    request: HttpRequest | None = None,
) -> Child:
    """Change a child's file. The old values stay in the history; this term's snapshot follows."""
    child_edit_check(actor, child.school_class)
    refused = child_read_only_reason(child)
    if refused:
        raise ValidationError(refused)
    if "school_class" in data:
        child_edit_check(actor, data["school_class"])
    for field, value in data.items():
        setattr(child, field, value)
    _child_save(actor=actor, child=child)
    day = timezone.localdate()
    if parents is not None:
        _save_parents(actor=actor, child=child, parents=parents)
    if guardian is not None:
        _save_guardian(actor=actor, child=child, guardian=guardian)
    if flags is not None:
        _sync_flags(actor=actor, child=child, flags=set(flags), day=day)
    _snapshot_current_term(child=child, day=day)
    access_record(user=actor, action=AccessAction.UPDATE, child=child, request=request)
    return child


@transaction.atomic
def child_flag_set(
    *, actor: "User", child: Child, flag: str, on: bool, request: HttpRequest | None = None
) -> bool:
    """Set (`on`) or clear one key-intervention flag of a child in the actor's scope, from
    today; this term's snapshot follows. Returns whether anything changed.

    This is how the counsellor, who does not edit files, sets and clears 心理问题
    (`flags.flag_settable`). The access log names no flag: the entry itself must not tell a
    reader of the log what only counsellors may know."""
    if flag not in Flag.values or not flag_settable(actor, flag):
        raise PermissionDenied(_("您的角色不能修改这一重点对象标记。"))
    if not in_scope(actor, child.school_class):
        raise PermissionDenied(_("该班级不在您的管辖范围内。"))
    refused = child_read_only_reason(child)
    if refused:
        raise ValidationError(refused)
    open_flags = set(ChildFlag.objects.open().filter(child=child).values_list("flag", flat=True))
    if (flag in open_flags) == on:
        return False
    day = timezone.localdate()
    _sync_flags(
        actor=actor, child=child, flags=open_flags | {flag} if on else open_flags - {flag}, day=day
    )
    _snapshot_current_term(child=child, day=day)
    access_record(
        user=actor,
        action=AccessAction.UPDATE,
        child=child,
        query=_("重点对象标记"),
        request=request,
    )
    return True
