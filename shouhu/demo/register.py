"""Registering the planned children in bulk, as `child_register` would one at a time.

`child_register` costs about 28 queries and 25 ms of CPU per child: some 60 s for the demo
county on a quiet machine, and double that on a busy one. So the demo writes the same rows in
bulk. Each row is derived and validated the way the registry's services do it:

- the child: name trimmed, pinyin keys from `name_keys`, ID number through `validate_id_number`
  (check digit and birth date) and its keyed hash from `blind_index`, then the model's own
  `clean_fields()` and `clean()`;
- parents and guardian: `clean_fields()` and `clean()` (which normalise the phone numbers);
- history rows through django-simple-history, one audit entry per child (登记);
- each term's snapshot from `classify`, with the same values `census_snapshot_take` freezes.

The demo's tests re-take every snapshot with `census_snapshot_take` and compare, so the two
paths cannot drift apart unnoticed. A family whose situation changed over the summer goes
through the real `child_update`, which keeps the change in the file's history.
"""

import datetime

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction, AccessLog
from shouhu.core.crypto import blind_index
from shouhu.core.idnumber import validate_id_number
from shouhu.core.pinyin import name_keys
from shouhu.demo.plan import ChildPlan, ClassPlan, CountyPlan
from shouhu.org.models import Region, SchoolClass, Term
from shouhu.registry.classification import classify
from shouhu.registry.models import (
    CensusSnapshot,
    Child,
    ChildFlag,
    Flag,
    Guardian,
    HukouType,
    Parent,
    ParentRole,
)
from shouhu.registry.services import child_update

BATCH = 500


def children_register_bulk(
    *,
    plan: CountyPlan,
    regions: dict[str, Region],
    classes: dict[str, SchoolClass],
    users: dict[str, User],
    terms: tuple[Term, Term],
) -> list[Child]:
    """Write every planned child with parents, guardian, flags, snapshots, history and audit.

    1. Files, each registered on its school's census day by the class's head teacher.
    2. Parents as they were when first registered, the guardian, the open flags.
    3. Last spring's snapshot in last spring's class; this autumn's for children still here.
    4. One audit entry per registration.
    5. Families whose situation changed: `child_update` with this autumn's parents.
    """
    by_key = plan.class_by_key()
    actors = {key: users[c.teacher_username] for key, c in by_key.items()}
    records = []
    for child in plan.children:
        record = _child_record(
            child,
            school_class=classes[child.class_key],
            home_region=regions[child.home_region],
            registered_on=_registered_on(plan, child=child, by_key=by_key, terms=terms),
        )
        record._history_user = actors[child.class_key]  # type: ignore[attr-defined]
        record._history_date = _at(record.registered_on)  # type: ignore[attr-defined]
        records.append(record)
    bulk_create_with_history(records, Child, batch_size=BATCH)
    _parents_and_guardians(plan, records=records, actors=actors)
    ChildFlag.objects.bulk_create(
        (
            ChildFlag(child=record, flag=flag, since=record.registered_on)
            for record, child in zip(records, plan.children, strict=True)
            for flag in sorted(child.flags)
        ),
        batch_size=BATCH,
    )
    CensusSnapshot.objects.bulk_create(
        _snapshots(plan, records=records, classes=classes, terms=terms), batch_size=BATCH
    )
    AccessLog.objects.bulk_create(
        (
            AccessLog(user=actors[child.class_key], action=AccessAction.CREATE, child=record)
            for record, child in zip(records, plan.children, strict=True)
        ),
        batch_size=BATCH,
    )
    for record, child in zip(records, plan.children, strict=True):
        if child.previous_parents:
            child_update(
                actor=actors[child.class_key],
                child=record,
                data={},
                parents={role: p.as_data() for role, p in child.parents.items()},
            )
    return records


def _registered_on(
    plan: CountyPlan, *, child: ChildPlan, by_key: dict[str, ClassPlan], terms: tuple[Term, Term]
) -> datetime.date:
    """A child surveyed last spring entered the register on that census day, else this term's."""
    if child.previous_class_key:
        return plan.census_days[(by_key[child.previous_class_key].school, terms[0].code)]
    return plan.census_days[(by_key[child.class_key].school, terms[1].code)]


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _child_record(
    child: ChildPlan,
    *,
    school_class: SchoolClass,
    home_region: Region,
    registered_on: datetime.date,
) -> Child:
    """The file as `child_register` would save it (see `registry.services._child_save`)."""
    record = Child(
        school_class=school_class,
        home_region=home_region,
        registered_on=registered_on,
        left_on=child.left_on,
        **child.child_data(),
    )
    record.name = record.name.strip()
    record.name_pinyin, record.name_initials = name_keys(record.name)
    if record.id_number:
        record.id_number = validate_id_number(record.id_number, birth_date=record.birth_date)
    record.clean_fields(exclude=["school_class", "home_region"])
    record.clean()
    record.id_number_index = blind_index(record.id_number) if record.id_number else ""
    return record


def _parents_and_guardians(
    plan: CountyPlan, *, records: list[Child], actors: dict[str, User]
) -> None:
    """Parents as first registered (last spring's, where the family changed since) and guardian."""
    parents: list[Parent] = []
    guardians: list[Guardian] = []
    for record, child in zip(records, plan.children, strict=True):
        rows: list[Parent | Guardian] = [
            Parent(child=record, role=ParentRole(role), **parent.as_data())
            for role, parent in (child.previous_parents or child.parents).items()
        ]
        parents.extend(rows)  # type: ignore[arg-type]
        if child.guardian is not None:
            guardian = Guardian(child=record, **child.guardian.as_data())
            guardians.append(guardian)
            rows.append(guardian)
        for row in rows:
            row.clean_fields(exclude=["child"])
            row.clean()
            row._history_user = actors[child.class_key]  # type: ignore[union-attr]
            row._history_date = _at(record.registered_on)  # type: ignore[union-attr]
    bulk_create_with_history(parents, Parent, batch_size=BATCH)
    bulk_create_with_history(guardians, Guardian, batch_size=BATCH)


def snapshot_of(
    *,
    child: Child,
    statuses: dict[str, str],
    flags: frozenset[str],
    term: Term,
    school_class: SchoolClass,
    source: str,
    day: datetime.date,
) -> CensusSnapshot:
    """The snapshot `census_snapshot_take` freezes for these parents' statuses and open flags."""
    result = classify(
        father=statuses.get(ParentRole.FATHER),
        mother=statuses.get(ParentRole.MOTHER),
        birth_date=child.birth_date,
        rural=child.hukou_type == HukouType.RURAL,
        on=max(day, term.starts_on),
    )
    return CensusSnapshot(
        child=child,
        term=term,
        school_class=school_class,
        category=result.category,
        education=result.education,
        civil=result.civil,
        source=source,
        surveyed_on=day,
        **{flag.value: flag.value in flags for flag in Flag},
    )


def _snapshots(
    plan: CountyPlan,
    *,
    records: list[Child],
    classes: dict[str, SchoolClass],
    terms: tuple[Term, Term],
) -> list[CensusSnapshot]:
    """Last spring's snapshot in last spring's class; this term's for children on the register.

    A child who left over the summer is in last spring's census only.
    """
    previous_term, current_term = terms
    by_key = plan.class_by_key()
    rows = []
    for record, child in zip(records, plan.children, strict=True):
        if child.previous_class_key:
            school = by_key[child.previous_class_key].school
            rows.append(
                snapshot_of(
                    child=record,
                    statuses=child.statuses(previous=True),
                    flags=child.flags,
                    term=previous_term,
                    school_class=classes[child.previous_class_key],
                    source=child.previous_source,
                    day=plan.census_days[(school, previous_term.code)],
                )
            )
        if child.left_on is None:
            school = by_key[child.class_key].school
            rows.append(
                snapshot_of(
                    child=record,
                    statuses=child.statuses(previous=False),
                    flags=child.flags,
                    term=current_term,
                    school_class=classes[child.class_key],
                    source=child.source,
                    day=plan.census_days[(school, current_term.code)],
                )
            )
    return rows
