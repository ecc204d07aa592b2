"""A census row against the file on record (`importing`, steps 4–5): validated with the models'
own rules (`child_prepare`, `Parent.clean`, `Guardian.clean`), then new, an update (with the
difference, old → new, as the privacy matrix shows it to the importer), or unchanged. A blank
cell keeps what is on file; 无 clears it."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.core.masking import mask_id_number, mask_phone
from shouhu.core.scoping import is_server_operator
from shouhu.core.visibility import ChildField, Visibility, visibility
from shouhu.org.models import Term
from shouhu.registry.census_sheets.rows import (
    CHILD_FIELDS,
    GUARDIAN_FIELDS,
    PARENT_FIELDS,
    RowReader,
)
from shouhu.registry.classification import Category
from shouhu.registry.models import (
    CensusSnapshot,
    CensusSource,
    Child,
    ChildFlag,
    Flag,
    Guardian,
    Parent,
    ParentRole,
)
from shouhu.registry.services import (
    COUNSELLOR_ONLY_FLAGS,
    census_snapshot_values,
    child_prepare,
)


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class RowPlan:
    """What applying a good row writes."""

    child: Child  # unsaved for a new child; the file on record for an update
    child_changes: dict[str, Any] = field(default_factory=dict)
    parents: dict[str, Parent] = field(default_factory=dict)
    parent_values: dict[str, dict[str, Any]] = field(default_factory=dict)
    guardian: Guardian | None = None
    guardian_values: dict[str, Any] | None = None
    # An entrusted guardian able to care is on file once the row is applied (the snapshot's).
    guardian_able: bool = False
    flags: set[str] | None = None
    source: str | None = None
    snapshot_due: bool = True
    # This term's snapshot on record, and the values the row gives it.
    snapshot: CensusSnapshot | None = None
    snapshot_values: dict[str, Any] = field(default_factory=dict)


# Which row of the privacy matrix a compared value belongs to (core.visibility).
MATRIX_FIELD = {
    "id_number": ChildField.ID_NUMBER,
    "phone": ChildField.FAMILY_PHONE,
    "address": ChildField.ADDRESS,
    "employer": ChildField.EMPLOYER,
    "health": ChildField.HEALTH,
}


def _display(model, name: str, value: Any, *, viewer) -> str:
    """A value of the preview's old → new, as the privacy matrix shows it to the viewer: a head
    teacher sees the phones they would see on the file. The command line's operator sees ID
    numbers and phones masked, as before any matrix."""
    if value in (None, ""):
        return "—"
    matrix_field = MATRIX_FIELD.get(name)
    if matrix_field is not None:
        if is_server_operator(viewer):
            state = Visibility.MASKED if name in ("id_number", "phone") else Visibility.FULL
        else:
            state = visibility(viewer, matrix_field)
        if state == Visibility.HIDDEN:
            return _("（不显示）")
        if state == Visibility.MASKED:
            if name == "id_number":
                return mask_id_number(value)
            if name == "phone":
                return mask_phone(value)
            return _("（已脱敏）")
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def row_plan(
    reader: RowReader,
    values: dict[str, Any],
    *,
    existing: Child | None,
    snapshot: CensusSnapshot | None,
    term: Term,
    day: datetime.date,
    viewer,
    today: datetime.date | None = None,
) -> tuple[RowPlan | None, list[Change]]:
    """Validate with the models' rules and compare with the file on record.

    A blank cell (None in `values`) keeps what is on file; a clear marker ("") clears it.
    `today` (a new file's registration day) is asked once per sheet by the import."""
    data = {k: v for k, v in values["child"].items() if not k.startswith("_") and v is not None}
    changes: list[Change] = []

    def change(model, label: str, name: str, old: Any, new: Any) -> None:
        changes.append(
            Change(
                label,
                _display(model, name, old, viewer=viewer),
                _display(model, name, new, viewer=viewer),
            )
        )

    if existing is None:
        child = Child(registered_on=today or timezone.localdate(), **data)
    else:
        child = Child(
            **{f.attname: getattr(existing, f.attname) for f in Child._meta.concrete_fields}
        )
        child._state.adding = False
        for name, value in data.items():
            setattr(child, name, value)
    try:
        child_prepare(
            child,
            validate_unique=False,
            # The class was looked up in this import, and the ID number is checked for the
            # whole sheet at once; the field rules themselves all run.
            exclude=["school_class"] if data.get("school_class") else None,
        )
    except ValidationError as exc:
        reader.model_errors(exc, CHILD_FIELDS)
    plan = RowPlan(child=child, flags=values["flags"], source=values["source"])
    if existing is not None:
        plan.child = existing
        for name in data:
            old = getattr(existing, name)
            new = getattr(child, name)
            if old != new:
                plan.child_changes[name] = new
                change(Child, _label(Child, name), name, old, new)
    on_record = {p.role: p for p in existing.parents.all()} if existing else {}
    statuses: dict[str, str] = {r: p.status for r, p in on_record.items()}
    for role in ParentRole:
        given = values["parents"].get(role.value) or {}
        if not given:
            continue
        old_parent = on_record.get(role.value)
        parent = Parent(role=role.value)
        if old_parent is not None:
            for part in PARENT_FIELDS:
                setattr(parent, part, getattr(old_parent, part))
            parent.calls_per_month = old_parent.calls_per_month
        for part, value in given.items():
            if value is not None:
                setattr(parent, part, value)
        try:
            # One record per role is kept by construction (the file's own, or a new one).
            parent.full_clean(exclude=["child"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            reader.model_errors(exc, {p: f"{role.value}_{p}" for p in PARENT_FIELDS})
            continue
        if parent.status:
            statuses[role.value] = parent.status
        plan.parents[role.value] = parent
        diff = {
            part: getattr(parent, part)
            for part in PARENT_FIELDS
            if old_parent is None or getattr(old_parent, part) != getattr(parent, part)
        }
        if existing is not None and diff:
            plan.parent_values[role.value] = diff
            for part, new in diff.items():
                old = getattr(old_parent, part) if old_parent else ""
                change(Parent, f"{role.label}{_label(Parent, part)}", part, old, new)
    # Loaded with the file (select_related): no query, None when the child has no guardian.
    old_guardian = getattr(existing, "guardian", None) if existing else None
    guardian = _plan_guardian(reader, values["guardian"], old_guardian=old_guardian)
    if guardian is not None:
        plan.guardian = guardian
        diff = {
            name: getattr(guardian, name)
            for name in GUARDIAN_FIELDS
            if old_guardian is None or getattr(old_guardian, name) != getattr(guardian, name)
        }
        if existing is not None and diff:
            plan.guardian_values = {"name": guardian.name, **diff}
            for name, new in diff.items():
                old = getattr(old_guardian, name) if old_guardian else ""
                change(Guardian, _label(Guardian, name), name, old, new)
    open_flags = {f.flag for f in getattr(existing, "open", [])} if existing else set()
    flags = open_flags if plan.flags is None else plan.flags | (open_flags & COUNSELLOR_ONLY_FLAGS)
    if existing is not None and flags != open_flags:
        label = str(ChildFlag._meta.get_field("flag").verbose_name)
        changes.append(Change(label, _flag_labels(open_flags), _flag_labels(flags)))
    else:
        plan.flags = None if existing is not None else plan.flags
    if reader.errors:
        return None, []
    # A row that names no guardian leaves the guardian on file as it is (`_save_guardian`).
    guardian_after = plan.guardian if plan.guardian is not None else old_guardian
    plan.guardian_able = guardian_after is not None and guardian_after.able_to_care
    source = plan.source or (snapshot.source if snapshot else CensusSource.REGISTER)
    plan.source = source
    expected = census_snapshot_values(
        child=child,
        statuses=statuses,
        open_flags=flags,
        guardian_able=plan.guardian_able,
        term=term,
        source=source,
        day=day,
    )
    plan.snapshot = snapshot
    plan.snapshot_values = expected
    if snapshot is not None:
        keep = ("surveyed_on",)
        same = all(
            getattr(snapshot, k if k != "school_class" else "school_class_id")
            == (v.pk if k == "school_class" else v)
            for k, v in expected.items()
            if k not in keep
        )
        plan.snapshot_due = not same
    if existing is not None and plan.snapshot_due:
        label = _("%(term)s摸底") % {"term": term}
        old = (
            _("未摸底")
            if snapshot is None
            else Category(snapshot.category).label + (_("（待核实）") if snapshot.prefilled else "")
        )
        new = str(Category(expected["category"]).label)
        if old != new or not changes:
            changes.append(Change(label, old, new))
    return plan, changes


def _plan_guardian(
    reader: RowReader, given: dict[str, Any], *, old_guardian: Guardian | None
) -> Guardian | None:
    """The entrusted guardian after the row: the one on file with the row's non-blank cells
    over it, or a new one when the row names one. None when the row changes nothing."""
    given = {name: value for name, value in given.items() if value is not None}
    if not given:
        return None
    if given.get("name") == "":
        reader.error(
            "guardian_name",
            _("监护人姓名不能填「无」清除；如已没有委托监护人，请在儿童档案中修改。"),
        )
        return None
    if old_guardian is None and not given.get("name"):
        if any(given.values()):
            reader.error("guardian_name", _("填写了监护人信息时，请填写监护人姓名。"))
        return None
    guardian = Guardian()
    if old_guardian is not None:
        # The sheet has no column for the ability to care: the file's stays.
        for name in [*GUARDIAN_FIELDS, "able_to_care"]:
            setattr(guardian, name, getattr(old_guardian, name))
    for name, value in given.items():
        setattr(guardian, name, None if name == "age" and value == "" else value)
    if reader.has("guardian_relation") and not guardian.relation:
        reader.error("guardian_relation", _("填写了监护人时，请填写与儿童关系。"))
    try:
        guardian.full_clean(exclude=["child"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        reader.model_errors(exc, GUARDIAN_FIELDS)
    return guardian


def _label(model, name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _flag_labels(flags: set[str]) -> str:
    # The counselling flags are kept as they are and never shown to the importer (registry.flags).
    shown = sorted(flags - COUNSELLOR_ONLY_FLAGS)
    return "、".join(str(Flag(f).label) for f in shown) or "—"
