"""Writing the planned care work in bulk, as the care services would one row at a time.

`care_action_record` costs some ten queries per action, and the demo county has tens of
thousands of actions (the synthetic county hundreds of thousands). So the demo writes the same
rows in bulk, each checked the way the care services check it:

- accounts: the model's `clean_fields()` and `clean()` (one scope node, a scope for staff);
- pairings: `carer_may_pair` (a proxy parent is a teacher of the child's school or class, or a
  volunteer), then the model's field rules; the one-open-pairing rule is the database's;
- care actions: only a counsellor records counselling (`may_read_counselling`), nothing is dated
  after today, a follow-up is not before the action, then the model's field rules; each child's
  link carries the action's kind and date, as `care_action_record` writes it;
- signals: the observation and its task (due `SHOUHU_TASK_DUE_DAYS` after), assigned to the
  proxy parent of the day; a task closed by a home visit links that visit, dated with it.

Foreign keys are set from rows written just before, so they are not looked up again; unique and
check constraints are enforced by the database as the rows go in. The historical actions are not
in the access log: it records when data was touched, and nobody touched it at seeding time.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Max, Model
from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.care.models import (
    ActionKind,
    Buddy,
    CareAction,
    CareActionChild,
    Exemption,
    Observation,
    Pairing,
    VisitTask,
)
from shouhu.care.rules import carer_may_pair
from shouhu.core.roles import Role
from shouhu.core.visibility import may_read_counselling
from shouhu.demo.care.plans import CarePlan, PairingPlan
from shouhu.demo.plan import CountyPlan
from shouhu.org.models import School, SchoolClass
from shouhu.registry.models import Child

BATCH = 500
ACTION_CHUNK = 5000  # actions built, validated and written at a time, to bound the memory


class DemoDataError(ValueError):
    """A planned row breaks a rule of the care services: a bug of the plan, never of the data."""


@dataclass(frozen=True)
class CareCounts:
    staff: int
    pairings: int
    buddies: int
    exemptions: int
    actions: int
    links: int
    signals: int
    open_tasks: int


def care_write(
    care: CarePlan,
    *,
    plan: CountyPlan,
    records: list[Child],
    users: dict[str, User],
    schools: dict[str, School],
    classes: dict[str, SchoolClass],
    password: str,
) -> CareCounts:
    """Write the care plan: accounts, pairings, buddies, exemptions, actions, signals and tasks.

    `users` gains the new accounts. `password` is the demo password's hash, shared by all.
    """
    _staff(care, users=users, schools=schools, password=password)
    _pairings(care, plan=plan, records=records, users=users, classes=classes)
    _validated_bulk(
        Buddy,
        [Buddy(child=records[b.child], name=b.name, starts_on=b.starts_on) for b in care.buddies],
        exclude=["child"],
    )
    _validated_bulk(
        Exemption,
        [
            Exemption(
                child=records[e.child],
                kind="",
                starts_on=e.starts_on,
                ends_on=e.ends_on,
                reason=e.reason,
                granted_by=users[e.granted_by],
            )
            for e in care.exemptions
        ],
        exclude=["child", "granted_by"],
    )
    action_ids, links = _actions(care, records=records, users=users)
    open_tasks = _signals(care, records=records, users=users, action_ids=action_ids)
    return CareCounts(
        staff=len(care.staff),
        pairings=len(care.pairings),
        buddies=len(care.buddies),
        exemptions=len(care.exemptions),
        actions=len(care.actions),
        links=links,
        signals=len(care.signals),
        open_tasks=open_tasks,
    )


def _validated_bulk(model: type[Model], rows: Sequence[Model], *, exclude: list[str]) -> None:
    """The model's field rules and `clean()` for each row, then one bulk insert."""
    for row in rows:
        row.clean_fields(exclude=exclude)
        row.clean()
    model._default_manager.bulk_create(rows, batch_size=BATCH)


def _staff(
    care: CarePlan, *, users: dict[str, User], schools: dict[str, School], password: str
) -> None:
    rows = [
        User(
            username=s.username,
            role=Role(s.role),
            display_name=s.name,
            password=password,
            scope_school=schools[s.school] if s.school else None,
        )
        for s in care.staff
    ]
    _validated_bulk(User, rows, exclude=["scope_school", "password"])
    users.update(
        (u.username, u) for u in User.objects.filter(username__in=[r.username for r in rows])
    )


def _class_then(plan: CountyPlan, pairing: PairingPlan, classes: dict[str, SchoolClass]):
    """The class the child sat in when the pairing started (last spring's, before this school
    year)."""
    child = plan.children[pairing.child]
    if pairing.starts_on < plan.calendar.year_start and child.previous_class_key:
        return classes[child.previous_class_key]
    return classes[child.class_key]


def _pairings(
    care: CarePlan,
    *,
    plan: CountyPlan,
    records: list[Child],
    users: dict[str, User],
    classes: dict[str, SchoolClass],
) -> None:
    """Each pairing as `pairing_assign` would allow it, arranged by the class's head teacher."""
    rows = []
    for p in care.pairings:
        school_class = _class_then(plan, p, classes)
        carer = users[p.carer]
        as_then = SimpleNamespace(school_class=school_class, school_class_id=school_class.pk)
        if not carer_may_pair(carer, as_then, kind=p.kind):  # type: ignore[arg-type]
            raise DemoDataError(f"{p.carer} may not be proxy parent of a child of {school_class}")
        rows.append(
            Pairing(
                child=records[p.child],
                carer=carer,
                kind=p.kind,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                assigned_by=school_class.head_teacher,
            )
        )
    _validated_bulk(Pairing, rows, exclude=["child", "carer", "assigned_by"])


def _actions(
    care: CarePlan, *, records: list[Child], users: dict[str, User]
) -> tuple[dict[int, int], int]:
    """The actions and their children's links, a chunk at a time. Returns the ids of the
    actions (by plan index) and the number of links written.

    Each action is a model instance checked by the model's `clean_fields()` and `clean()`, then
    inserted with the values its fields save (`_insert`). A link copies its action's kind and
    date, so it needs no check of its own; its keys and uniqueness are the database's."""
    today = care.window.today
    counsellors = {name: may_read_counselling(user) for name, user in users.items()}
    author_ids = {name: user.pk for name, user in users.items()}
    child_ids = [record.pk for record in records]
    first_id = _next_id(CareAction)
    db = connections[DEFAULT_DB_ALIAS]
    link_date = CareActionChild._meta.get_field("done_on")
    dates: dict[datetime.date, object] = {}
    links = 0
    for first in range(0, len(care.actions), ACTION_CHUNK):
        planned = care.actions[first : first + ACTION_CHUNK]
        rows = []
        for n, a in enumerate(planned, start=first):
            if a.kind == ActionKind.COUNSELLING and not counsellors[a.author]:
                raise DemoDataError(f"{a.author} may not record counselling")
            if a.done_on > today or (a.follow_up_on is not None and a.follow_up_on < a.done_on):
                raise DemoDataError(f"action of {a.author} on {a.done_on} is misdated")
            row = CareAction(
                id=first_id + n,
                kind=a.kind,
                done_on=a.done_on,
                author_id=author_ids[a.author],
                summary=a.summary,
                follow_up_on=a.follow_up_on,
            )
            row.clean_fields(exclude=["author"])
            row.clean()
            rows.append(row)
        _insert(CareAction, rows)
        link_rows: list[tuple] = []
        for n, a in enumerate(planned, start=first):
            if a.done_on not in dates:
                dates[a.done_on] = link_date.get_db_prep_save(a.done_on, db)
            day = dates[a.done_on]
            link_rows.extend(
                (first_id + n, child_ids[i], a.kind, day) for i in dict.fromkeys(a.children)
            )
        _insert_values(CareActionChild, ["action", "child", "kind", "done_on"], link_rows)
        links += len(link_rows)
    _sequence_reset(CareAction)
    return {n: first_id + n for n in range(len(care.actions))}, links


def _next_id(model: type[Model]) -> int:
    """The first id after the table's rows: the demo writes into a database it holds alone.
    On PostgreSQL also not below the id sequence's next value: a province's county starts its
    ids at a block of its own (`demo.province_load`)."""
    last = (model._default_manager.aggregate(last=Max("pk"))["last"] or 0) + 1
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return last
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)",
            [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column],
        )
        sequence = cursor.fetchone()[0]
        if sequence is None:
            return last
        cursor.execute(  # the name comes from the catalog
            f"SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM {sequence}"  # noqa: S608
        )
        return max(last, cursor.fetchone()[0])


def _insert(model: type[Model], rows: Sequence[Model]) -> None:
    """Insert model instances with their ids, saving what each field saves (`pre_save`, then
    `get_db_prep_save`: the encryption of a summary, dates) as `bulk_create` does, in one
    `executemany` instead of its slower per-row assembly. The rows of one call share one
    creation time."""
    db = connections[DEFAULT_DB_ALIAS]
    fields = list(model._meta.concrete_fields)
    now = timezone.now()
    prepared: dict[tuple[str, object], object] = {}  # dates repeat: adapt each once

    def value(field, row):
        raw = now if getattr(field, "auto_now_add", False) else field.pre_save(row, True)
        if isinstance(raw, datetime.date):
            key = (field.name, raw)
            if key not in prepared:
                prepared[key] = field.get_db_prep_save(raw, db)
            return prepared[key]
        return field.get_db_prep_save(raw, db)

    values = [tuple(value(f, row) for f in fields) for row in rows]
    _insert_values(model, [f.name for f in fields], values)


def _insert_values(model: type[Model], names: list[str], values: list[tuple]) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    fields = {f.name: f for f in model._meta.concrete_fields}
    columns = ", ".join(quote(fields[name].column) for name in names)
    marks = ", ".join(["%s"] * len(names))
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: the bulk path, no statement per row
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(sql, values)


def _sequence_reset(model: type[Model]) -> None:
    """After rows inserted with their ids, PostgreSQL's id sequence must move past them."""
    connection = connections[DEFAULT_DB_ALIAS]
    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _signals(
    care: CarePlan, *, records: list[Child], users: dict[str, User], action_ids: dict[int, int]
) -> int:
    """Observations and their home-visit tasks; returns how many tasks are still open."""
    observations = [
        Observation(
            child=records[s.child],
            kind=s.kind,
            noted_on=s.noted_on,
            note=s.note,
            author=users[s.author],
        )
        for s in care.signals
    ]
    _validated_bulk(Observation, observations, exclude=["child", "author"])
    tasks = []
    for signal, observation in zip(care.signals, observations, strict=True):
        visit = care.actions[signal.visit] if signal.visit is not None else None
        if visit is not None and (
            visit.kind != ActionKind.HOME_VISIT or signal.child not in visit.children
        ):
            raise DemoDataError("a task is closed by a home visit to its own child")
        tasks.append(
            VisitTask(
                observation=observation,
                child=observation.child,
                assignee=users[signal.assignee],
                due_on=signal.due_on,
                done_by_id=action_ids[signal.visit] if signal.visit is not None else None,
                done_on=visit.done_on if visit is not None else None,
            )
        )
    _validated_bulk(VisitTask, tasks, exclude=["observation", "child", "assignee", "done_by"])
    return sum(1 for t in tasks if t.done_on is None)
