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

from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Model

from shouhu.accounts.models import User
from shouhu.accounts.roles import Role
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
from shouhu.care.services import carer_may_pair
from shouhu.core.visibility import may_read_counselling
from shouhu.demo import data
from shouhu.demo.care_plan import CarePlan, PairingPlan
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
    """The class the child sat in when the pairing started (last spring's, before this term)."""
    child = plan.children[pairing.child]
    if pairing.starts_on < data.CURRENT_TERM[3] and child.previous_class_key:
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
    actions that close a task (by plan index) and the number of links written."""
    today = care.window.today
    closing = {s.visit for s in care.signals if s.visit is not None}
    counsellors = {name: may_read_counselling(user) for name, user in users.items()}
    author_ids = {name: user.pk for name, user in users.items()}
    child_ids = [record.pk for record in records]
    ids: dict[int, int] = {}
    links = 0
    for first in range(0, len(care.actions), ACTION_CHUNK):
        planned = care.actions[first : first + ACTION_CHUNK]
        rows = []
        for a in planned:
            if a.kind == ActionKind.COUNSELLING and not counsellors[a.author]:
                raise DemoDataError(f"{a.author} may not record counselling")
            if a.done_on > today or (a.follow_up_on is not None and a.follow_up_on < a.done_on):
                raise DemoDataError(f"action of {a.author} on {a.done_on} is misdated")
            rows.append(
                CareAction(
                    kind=a.kind,
                    done_on=a.done_on,
                    author_id=author_ids[a.author],
                    summary=a.summary,
                    follow_up_on=a.follow_up_on,
                )
            )
        _validated_bulk(CareAction, rows, exclude=["author"])
        link_rows = [
            CareActionChild(
                action_id=row.pk, child_id=child_ids[i], kind=row.kind, done_on=row.done_on
            )
            for row, a in zip(rows, planned, strict=True)
            for i in dict.fromkeys(a.children)
        ]
        CareActionChild.objects.bulk_create(link_rows, batch_size=BATCH)
        links += len(link_rows)
        for n, row in enumerate(rows, start=first):
            if n in closing:
                ids[n] = row.pk
    return ids, links


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
