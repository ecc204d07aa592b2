"""Reads of 控辍保学 for a user: the three ledgers of a unit (适龄儿童, 疑似辍学, 辍学), a case's
file, the retention rate (巩固率), the poverty alert and the to-dos. Every read starts from a
queryset cut to the user's scope; a row outside it is a 404. Who may read cases at all is the
privacy matrix's (`core.visibility.may_read_dropout`): the views ask it."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.core.roles import Perm, Role
from shouhu.core.visibility import may_read_dropout
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.org.selectors import class_filter, term_current, term_previous, unit_nodes
from shouhu.registry.models import Child, LeaveReason
from shouhu.schooling.dropout_rules import (
    deadline_state,
    followup_due,
    month_start,
    monthly_report_due_on,
    retention_rate,
    write_off_blockers,
)
from shouhu.schooling.models.dropout import (
    ACTIVE_STATES,
    OPEN_STATES,
    CaseState,
    DropoutCase,
    DropoutCause,
    FollowUpCheck,
    MonthlyReport,
    PersuasionAttempt,
    SuspectedDropout,
    SuspectRule,
    SuspectStatus,
)
from shouhu.welfare.selectors.aid import children_aided

Node = Region | School | SchoolClass
NEEDS_PAPERS = (LeaveReason.MOVED_AWAY, LeaveReason.OTHER)


def _today() -> datetime.date:
    return timezone.localdate()


def _suspects(user: User):
    if not may_read_dropout(user):
        return SuspectedDropout.objects.none()
    return SuspectedDropout.objects.restrict(user)


def _cases(user: User):
    if not may_read_dropout(user):
        return DropoutCase.objects.none()
    return DropoutCase.objects.restrict(user)


def _under(node: Node, prefix: str = "child__school_class__") -> Q:
    return class_filter(node, prefix)


# --- the aid rule -----------------------------------------------------------------------------


def children_with_aid(child_ids, *, term: Term | None = None) -> set[int]:
    """The children who receive aid, for the poverty alert (no child leaves school for poverty,
    篇十): an aid record that counts (welfare's) in the term or the one before it (a grant of
    last term still keeps the family), the current term by default."""
    term = term or term_current()
    if term is None:
        return set()
    return children_aided(child_ids, terms=[term, term_previous(term)])


# --- the ledgers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuspectRow:
    entry: SuspectedDropout
    overdue: bool  # not handled within the school days allowed: the school leader's now


@dataclass(frozen=True)
class CaseRow:
    case: DropoutCase
    report_overdue: bool
    poverty_alert: bool


def suspects_for(user: User, node: Node, *, open_only: bool = True) -> list[SuspectRow]:
    """疑似辍学学生台账 of the unit, newest first (open entries only, or every entry)."""
    rows = _suspects(user).filter(_under(node)).select_related("child__school_class__school")
    if open_only:
        rows = rows.filter(status=SuspectStatus.OPEN)
    today = _today()
    return [
        SuspectRow(entry=e, overdue=e.status == SuspectStatus.OPEN and e.due_on < today)
        for e in rows.order_by("-found_on", "-id")[:500]
    ]


def report_overdue(case: DropoutCase, today: datetime.date) -> bool:
    """The written report is due: the child is not back by the deadline and it is not filed."""
    return (
        case.state in OPEN_STATES and case.report_filed_on is None and case.report_due_on <= today
    )


def written_report_deadline(case: DropoutCase, today: datetime.date) -> str:
    """ "overdue" when the written report is due (report_overdue: from its deadline day), "soon"
    within DUE_SOON_DAYS before it, "" otherwise (filed, back in school, or not yet near)."""
    if case.state not in OPEN_STATES or case.report_filed_on is not None:
        return ""
    if report_overdue(case, today):
        return "overdue"
    return "soon" if deadline_state(case.report_due_on, today=today) == "soon" else ""


def cases_for(user: User, node: Node, *, active_only: bool = True) -> list[CaseRow]:
    """辍学学生台账 of the unit: the cases still on it (open or under follow-up), or all."""
    rows = _cases(user).filter(_under(node)).select_related("child__school_class__school")
    if active_only:
        rows = rows.filter(state__in=ACTIVE_STATES)
    cases = list(rows.order_by("-registered_on", "-id")[:500])
    poor = [c.child_id for c in cases if c.cause == DropoutCause.POVERTY]
    aided = children_with_aid(poor) if poor else set()
    today = _today()
    return [
        CaseRow(
            case=c,
            report_overdue=report_overdue(c, today),
            poverty_alert=c.cause == DropoutCause.POVERTY
            and c.state in OPEN_STATES
            and c.child_id not in aided,
        )
        for c in cases
    ]


def poverty_alerts_for(user: User, node: Node) -> list[CaseRow]:
    """Open cases whose cause is poverty and whose child receives no aid (county dashboard)."""
    return [row for row in cases_for(user, node) if row.poverty_alert]


@dataclass(frozen=True)
class UnitCounts:
    name: str
    node: Node
    children: int = 0  # on the register (适龄儿童台账)
    suspects: int = 0
    cases_open: int = 0
    following: int = 0


@dataclass
class Ledgers:
    node: Node
    totals: UnitCounts
    units: list[UnitCounts] = field(default_factory=list)


def _counts_by(queryset, expr, key: str) -> dict:
    if expr is None:
        return {}
    return dict(
        queryset.annotate(unit=expr).values("unit").annotate(n=Count("pk")).values_list("unit", "n")
    )


def ledgers_for(user: User, node: Node) -> Ledgers:
    """The three ledgers' counts for the unit and each unit one level down."""
    children = (
        Child.objects.restrict(user).on_register().filter(class_filter(node, "school_class__"))
    )
    suspects = _suspects(user).open().filter(_under(node))
    cases = _cases(user).filter(_under(node))
    open_cases = cases.filter(state__in=OPEN_STATES)
    following = cases.filter(state__in=(CaseState.RETURNED, CaseState.FOLLOWING))
    expr, units = unit_nodes(node, prefix="school_class__")
    case_expr, _units = unit_nodes(node, prefix="child__school_class__")
    by = {
        "children": _counts_by(children, expr, "children"),
        "suspects": _counts_by(suspects, case_expr, "suspects"),
        "cases_open": _counts_by(open_cases, case_expr, "cases_open"),
        "following": _counts_by(following, case_expr, "following"),
    }
    rows = [
        UnitCounts(
            name=str(getattr(u, "name", u)), node=u, **{k: v.get(key, 0) for k, v in by.items()}
        )
        for key, u in units.items()
    ]
    totals = UnitCounts(
        name=str(getattr(node, "name", node)),
        node=node,
        children=children.count(),
        suspects=suspects.count(),
        cases_open=open_cases.count(),
        following=following.count(),
    )
    return Ledgers(node=node, totals=totals, units=rows)


@dataclass(frozen=True)
class ChildStatus:
    child: Child
    status: str  # 在校, 疑似辍学, 辍学, 复学跟踪


def children_ledger_for(user: User, node: Node) -> list[ChildStatus]:
    """适龄儿童台账 of a school or class: each child on the register and where they stand."""
    if isinstance(node, Region):
        return []
    children = list(
        Child.objects.restrict(user)
        .on_register()
        .filter(class_filter(node, "school_class__"))
        .select_related("school_class")
        .order_by("school_class__grade", "school_class__name", "name_pinyin")
    )
    ids = [c.pk for c in children]
    suspected = set(
        _suspects(user).open().filter(child_id__in=ids).values_list("child_id", flat=True)
    )
    states = dict(_cases(user).active().filter(child_id__in=ids).values_list("child_id", "state"))
    found = []
    for child in children:
        state = states.get(child.pk)
        if state is not None:
            status = str(CaseState(state).label)
        elif child.pk in suspected:
            status = str(SuspectStatus.OPEN.label)
        else:
            status = _("在校")
        found.append(ChildStatus(child=child, status=status))
    return found


# --- one case ---------------------------------------------------------------------------------


def case_get_for(user: User, public_id) -> DropoutCase:
    case = (
        _cases(user)
        .select_related("child__school_class__school", "school")
        .filter(public_id=public_id)
        .first()
    )
    if case is None:
        raise Http404
    return case


def suspect_get_for(user: User, public_id) -> SuspectedDropout:
    entry = (
        _suspects(user)
        .select_related("child__school_class__school")
        .filter(public_id=public_id)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


@dataclass
class CaseFile:
    case: DropoutCase
    attempts: list[PersuasionAttempt]
    checks: list[FollowUpCheck]
    report_overdue: bool
    poverty_alert: bool
    followup_due: bool
    write_off_blockers: list[str]
    term: Term | None


def case_file_for(user: User, case: DropoutCase) -> CaseFile:
    """Everything the case page and the written report show."""
    attempts = list(PersuasionAttempt.objects.filter(case=case).select_related("recorded_by"))
    checks = list(FollowUpCheck.objects.filter(case=case).select_related("recorded_by"))
    today = _today()
    term = term_current(case.returned_on or today)
    blockers: list[str] = []
    if case.state == CaseState.FOLLOWING and case.returned_on and term is not None:
        blockers = write_off_blockers(
            returned_on=case.returned_on,
            term_ends_on=term.ends_on,
            checked=[c.done_on for c in checks],
            today=today,
        )
    poor = case.cause == DropoutCause.POVERTY and case.state in OPEN_STATES
    return CaseFile(
        case=case,
        attempts=attempts,
        checks=checks,
        report_overdue=report_overdue(case, today),
        poverty_alert=poor and case.child_id not in children_with_aid([case.child_id]),
        followup_due=case.state in (CaseState.RETURNED, CaseState.FOLLOWING)
        and case.returned_on is not None
        and followup_due(
            returned_on=case.returned_on, checked=[c.done_on for c in checks], today=today
        ),
        write_off_blockers=blockers,
        term=term,
    )


def child_cases_for(user: User, child: Child) -> tuple[list[DropoutCase], list[SuspectedDropout]]:
    """The child's cases and suspected entries, for the file's 控辍保学 section."""
    cases = list(_cases(user).filter(child=child).order_by("-registered_on", "-id"))
    suspects = list(_suspects(user).filter(child=child, status=SuspectStatus.OPEN))
    return cases, suspects


# --- 巩固率 --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    name: str
    key: object
    cohort: int
    still_enrolled: int
    rate: float | None


def _retention_rows(user: User | None, node: Node, term: Term, day: datetime.date):
    """The cohort is the children on the register when the term began (registered by its first
    day and not left before it); a child is lost when a dropout case of theirs is open on the
    day, or when they left the register since for a reason that needs transfer papers and the
    school has not cleared the suspected entry that made (papers seen)."""
    start = term.starts_on
    children = Child.objects.restrict(user) if user is not None else Child.objects.all()
    cohort = children.filter(class_filter(node, "school_class__"), registered_on__lte=start).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=start)
    )
    open_case = DropoutCase.objects.filter(
        child=OuterRef("pk"), state__in=OPEN_STATES, registered_on__lte=day
    )
    cleared = SuspectedDropout.objects.filter(
        child=OuterRef("pk"), rule=SuspectRule.LEFT_NO_PAPERS, status=SuspectStatus.CLEARED
    )
    lost = Q(Exists(open_case)) | (
        Q(left_on__isnull=False, left_on__lte=day, left_reason__in=NEEDS_PAPERS)
        & ~Q(Exists(cleared))
    )
    return cohort, lost


def retention_for(
    user: User | None,
    node: Node,
    *,
    term: Term | None = None,
    day: datetime.date | None = None,
    by_school: bool = False,
    units: bool = True,
) -> tuple[Retention, list[Retention]]:
    """巩固率 of the unit and of each unit one level down (a term not yet ended: so far). With
    no user, of every child of the unit (a figure: the caller has checked the node)."""
    day = day or _today()
    term = term or term_current(day)
    if term is None:
        return Retention(str(node), node.pk, 0, 0, None), []
    cohort, lost = _retention_rows(user, node, term, day)
    figures = cohort.aggregate(n=Count("pk"), lost=Count("pk", filter=lost))
    total = Retention(
        name=str(getattr(node, "name", node)),
        key=node.pk,
        cohort=figures["n"],
        still_enrolled=figures["n"] - figures["lost"],
        rate=retention_rate(cohort=figures["n"], still_enrolled=figures["n"] - figures["lost"]),
    )
    if not units:
        return total, []
    expr, nodes = unit_nodes(node, prefix="school_class__", by_school=by_school)
    rows = []
    if expr is not None:
        by_unit = {
            r["unit"]: r
            for r in cohort.annotate(unit=expr)
            .values("unit")
            .annotate(n=Count("pk"), lost=Count("pk", filter=lost))
        }
        for key, unit in nodes.items():
            r = by_unit.get(key, {"n": 0, "lost": 0})
            rows.append(
                Retention(
                    name=str(getattr(unit, "name", unit)),
                    key=unit.pk,
                    cohort=r["n"],
                    still_enrolled=r["n"] - r["lost"],
                    rate=retention_rate(cohort=r["n"], still_enrolled=r["n"] - r["lost"]),
                )
            )
    return total, rows


# --- to-dos -----------------------------------------------------------------------------------


@dataclass
class DropoutTodos:
    suspects: list[SuspectRow] = field(default_factory=list)  # to confirm or clear
    reports_due: list[DropoutCase] = field(default_factory=list)  # the written report
    followups_due: list[DropoutCase] = field(default_factory=list)
    new_cases: list[DropoutCase] = field(default_factory=list)  # township, county: today's
    monthly_due: bool = False  # the school leader: last month's 一月一报告 not submitted
    # Issue 17's deadlines: written reports due within DUE_SOON_DAYS, and the monthly report's.
    reports_soon: list[DropoutCase] = field(default_factory=list)
    monthly_due_on: datetime.date | None = None
    monthly_overdue: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.suspects
            or self.reports_due
            or self.reports_soon
            or self.followups_due
            or self.new_cases
            or self.monthly_due
        )


def todos_for(user: User, *, day: datetime.date | None = None) -> DropoutTodos:
    """我的待办 of 控辍保学: a head teacher confirms or clears the class's suspected entries; one
    not handled in time is the school leader's too; the school leader files the written reports
    due and the monthly report; whoever manages cases records the monthly follow-ups due; the
    township and the county see each case the day it is registered."""
    day = day or _today()
    todos = DropoutTodos()
    if not may_read_dropout(user):
        return todos
    if user.has_perm_to(Perm.DROPOUT_MANAGE):
        suspects = _suspects(user).open().select_related("child__school_class")
        if user.role == Role.SCHOOL_LEADER:
            suspects = suspects.filter(due_on__lt=day)
        todos.suspects = [
            SuspectRow(entry=e, overdue=e.due_on < day) for e in suspects.order_by("due_on")[:50]
        ]
        active = list(_cases(user).active().select_related("child"))
        if user.role == Role.SCHOOL_LEADER:
            todos.reports_due = [c for c in active if report_overdue(c, day)]
            todos.reports_soon = [c for c in active if written_report_deadline(c, day) == "soon"]
            last_month = month_start(month_start(day) - datetime.timedelta(days=1))
            school_id = user.scope_school_id
            todos.monthly_due = (
                school_id is not None
                and not MonthlyReport.objects.filter(school_id=school_id, month=last_month).exists()
            )
            if todos.monthly_due:
                todos.monthly_due_on = monthly_report_due_on(
                    last_month, due_day=settings.SHOUHU_DROPOUT_MONTHLY_REPORT_DAY
                )
                todos.monthly_overdue = deadline_state(todos.monthly_due_on, today=day) == (
                    "overdue"
                )
        returned = [
            c
            for c in active
            if c.state in (CaseState.RETURNED, CaseState.FOLLOWING) and c.returned_on
        ]
        checked: dict[int, list[datetime.date]] = {}
        for case_id, done_on in FollowUpCheck.objects.filter(case__in=returned).values_list(
            "case_id", "done_on"
        ):
            checked.setdefault(case_id, []).append(done_on)
        todos.followups_due = [
            c
            for c in returned
            if followup_due(returned_on=c.returned_on, checked=checked.get(c.pk, []), today=day)
        ]
    if user.has_perm_to(Perm.DROPOUT_REVIEW):
        todos.new_cases = list(
            _cases(user).filter(registered_on=day).select_related("child", "school")
        )
    return todos
