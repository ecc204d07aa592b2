"""Registering the planned children through the register's bulk service.

`child_register` costs about 28 queries and 25 ms of CPU per child: some 60 s for the demo
county on a quiet machine, and double that on a busy one. So the demo registers each class's
children in one call of `children_register_bulk`, the service the census import uses too, as the
class's head teacher. Each row is derived and validated the way the registry's services do it:

- the child through `child_prepare`, the registry's one validation of a file: name trimmed,
  pinyin keys, ID number checked (check digit and birth date) and its keyed hash, the model's
  field rules and `clean()`;
- parents and guardian: `clean_fields()` and `clean()` (which normalise the phone numbers);
- history rows dated the day the file was registered, one audit entry per child (登记);
- each term's snapshot from `census_snapshot_values`, what `census_snapshot_take` freezes.

A family whose situation changed over the summer is written as `child_update` leaves it: the
parents first as they were, then changed at the school year's first census, each change a
history row ("~") of the parent and of the file, with an audit entry (修改).

The demo's tests re-take every snapshot with `census_snapshot_take` and compare, and check the
changed families' history, so the two paths cannot drift apart unnoticed.
"""

import datetime
import itertools

from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record_many
from shouhu.demo.plan import ChildPlan, CountyPlan
from shouhu.org.models import Region, SchoolClass, Term
from shouhu.registry.models import CensusSnapshot, Child, Guardian, Parent, ParentRole
from shouhu.registry.services import (
    ChildRegistration,
    census_snapshot_values,
    child_prepare,
    children_register_bulk,
)

BATCH = 500
PARENT_FIELDS = ["name", "status", "destination", "employer", "phone", "calls_per_month"]


def plan_children_register(
    *,
    plan: CountyPlan,
    regions: dict[str, Region],
    classes: dict[str, SchoolClass],
    users: dict[str, User],
    terms: tuple[Term, ...],
    register_began: datetime.date | None = None,
) -> list[Child]:
    """Write every planned child with parents, guardian, flags, snapshots, history and audit.
    `terms` are last spring's and this school year's up to the current one.

    1. Files, each registered on its school's census day by the class's head teacher (or on
       `register_began`, when given and earlier, for children who were here last spring).
    2. Parents as they were when first registered, the guardian, the open flags.
    3. Last spring's snapshot in last spring's class; this school year's for children still
       here.
    4. Each class's run of children through `children_register_bulk`, in the plan's order (so
       the files' keys follow it), with one audit entry per registration.
    5. Families whose situation changed: this school year's parents, as `child_update` saves
       them.
    """
    by_key = plan.class_by_key()
    actors = {key: users[c.teacher_username] for key, c in by_key.items()}
    rows = []
    for child in plan.children:
        registered_on = plan.registered_on(child, register_began=register_began)
        record = _child_record(
            child,
            school_class=classes[child.class_key],
            home_region=regions[child.home_region],
            registered_on=registered_on,
        )
        parents, guardian = _parents_and_guardian(child, record=record)
        rows.append(
            ChildRegistration(
                child=record,
                parents=parents,
                guardian=guardian,
                flags=child.flags,
                snapshots=_snapshots(child, record=record, plan=plan, classes=classes, terms=terms),
                at=_at(registered_on),
            )
        )
    records: list[Child] = []
    pairs = zip(plan.children, rows, strict=True)
    for class_key, run in itertools.groupby(pairs, key=lambda pair: pair[0].class_key):
        records += children_register_bulk(actor=actors[class_key], rows=[row for _c, row in run])
    _families_changed(
        plan,
        records=records,
        parents=[parent for row in rows for parent in row.parents],
        actors=actors,
        terms=terms,
    )
    return records


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _child_record(
    child: ChildPlan,
    *,
    school_class: SchoolClass,
    home_region: Region,
    registered_on: datetime.date,
) -> Child:
    """The file as `child_register` would save it; uniqueness is the database's constraint."""
    record = Child(
        school_class=school_class,
        home_region=home_region,
        registered_on=registered_on,
        left_on=child.left_on,
        **child.child_data(),
    )
    child_prepare(record, validate_unique=False, exclude=["school_class", "home_region"])
    return record


def _parents_and_guardian(
    child: ChildPlan, *, record: Child
) -> tuple[list[Parent], Guardian | None]:
    """Parents as first registered (last spring's, where the family changed since) and guardian."""
    parents = [
        Parent(child=record, role=ParentRole(role), **parent.as_data())
        for role, parent in (child.previous_parents or child.parents).items()
    ]
    guardian = None
    if child.guardian is not None:
        guardian = Guardian(child=record, **child.guardian.as_data())
    for row in [*parents, *([guardian] if guardian else [])]:
        row.clean_fields(exclude=["child"])
        row.clean()
    return parents, guardian


def _families_changed(
    plan: CountyPlan,
    *,
    records: list[Child],
    parents: list[Parent],
    actors: dict[str, User],
    terms: tuple[Term, ...],
) -> None:
    """This school year's parents where the family's situation changed over the summer.

    As `child_update` (`_save_parents`) leaves it, dated the school's autumn census day: each
    parent whose data changed is validated and saved with a history row ("~"), the file gets a
    history row of its own, and the head teacher's change is in the access log (修改).
    """
    by_key = plan.class_by_key()
    by_child_role = {(p.child_id, p.role): p for p in parents}
    changed_parents: list[Parent] = []
    changed_children: list[Child] = []
    updates: list[tuple[User, Child]] = []
    for record, child in zip(records, plan.children, strict=True):
        if not child.previous_parents:
            continue
        actor = actors[child.class_key]
        day = plan.census_days[(by_key[child.class_key].school, terms[1].code)]
        for role, now in child.parents.items():
            parent = by_child_role[(record.pk, role)]
            data = now.as_data()
            if all(getattr(parent, field) == value for field, value in data.items()):
                continue
            for field, value in data.items():
                setattr(parent, field, value)
            parent.clean_fields(exclude=["child"])
            parent.clean()
            parent._history_user = actor  # type: ignore[attr-defined]
            parent._history_date = _at(day)  # type: ignore[attr-defined]
            changed_parents.append(parent)
        record._history_user = actor  # type: ignore[attr-defined]
        record._history_date = _at(day)  # type: ignore[attr-defined]
        changed_children.append(record)
        updates.append((actor, record))
    for parent in changed_parents:  # a few per hundred children: saved one by one, as the
        parent.save(update_fields=PARENT_FIELDS)  # service does, and the history follows
    Child.history.bulk_history_create(changed_children, update=True, batch_size=BATCH)
    for actor, changed in itertools.groupby(updates, key=lambda pair: pair[0]):
        access_record_many(
            user=actor, action=AccessAction.UPDATE, child_ids=[r.pk for _a, r in changed]
        )


def snapshot_of(
    *,
    child: Child,
    statuses: dict[str, str],
    flags: frozenset[str],
    guardian_able: bool,
    term: Term,
    school_class: SchoolClass,
    source: str,
    day: datetime.date,
) -> CensusSnapshot:
    """The snapshot `census_snapshot_take` freezes for these parents' statuses, open flags and
    guardian, in the class the child sat in that term."""
    values = census_snapshot_values(
        child=child,
        statuses=statuses,
        open_flags=set(flags),
        guardian_able=guardian_able,
        term=term,
        source=source,
        day=day,
    )
    return CensusSnapshot(child=child, term=term, **{**values, "school_class": school_class})


def _snapshots(
    child: ChildPlan,
    *,
    record: Child,
    plan: CountyPlan,
    classes: dict[str, SchoolClass],
    terms: tuple[Term, ...],
) -> list[CensusSnapshot]:
    """Last spring's snapshot in last spring's class; each of this school year's terms' for a
    child on the register, in their class.

    A child who left over the summer is in last spring's census only. The guardian is the same
    in every term (only parents change over the summer in the plan).
    """
    previous_term, *year_terms = terms
    by_key = plan.class_by_key()
    guardian_able = child.guardian is not None and child.guardian.able_to_care
    rows = []
    if child.previous_class_key:
        school = by_key[child.previous_class_key].school
        rows.append(
            snapshot_of(
                child=record,
                statuses=child.statuses(previous=True),
                flags=child.flags,
                guardian_able=guardian_able,
                term=previous_term,
                school_class=classes[child.previous_class_key],
                source=child.previous_source,
                day=plan.census_days[(school, previous_term.code)],
            )
        )
    if child.left_on is None:
        school = by_key[child.class_key].school
        rows.extend(
            snapshot_of(
                child=record,
                statuses=child.statuses(previous=False),
                flags=child.flags,
                guardian_able=guardian_able,
                term=term,
                school_class=classes[child.class_key],
                source=child.source,
                day=plan.census_days[(school, term.code)],
            )
            for term in year_terms
        )
    return rows
