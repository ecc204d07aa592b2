"""Reads for the reports of 控辍保学: the school's monthly report (一月一报告) drafted from the
ledgers, which schools of a unit have submitted it, and the county's quarterly review
(一季度一复核) of each school's entries with its retention rate (巩固率)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.core.scoping import in_scope
from shouhu.core.visibility import may_read_dropout
from shouhu.org.models import Region, School, SchoolClass
from shouhu.org.selectors import schools_under
from shouhu.schooling.dropout_rules import month_start, months_between
from shouhu.schooling.models.dropout import (
    ACTIVE_STATES,
    OPEN_STATES,
    CaseState,
    DropoutCase,
    MonthlyReport,
    PersuasionAttempt,
    QuarterReview,
    SuspectedDropout,
)
from shouhu.schooling.selectors.dropout import Retention, retention_for

Node = Region | School | SchoolClass


def month_from_key(key: str | None, *, today: datetime.date | None = None) -> datetime.date:
    """A month's first day from "2026-11"; the current month when none or malformed; a month to
    come is refused (404)."""
    today = today or timezone.localdate()
    if not key:
        return month_start(today)
    try:
        month = datetime.date.fromisoformat(f"{key}-01")
    except ValueError:
        raise Http404 from None
    if month > today:
        raise Http404
    return month


def month_end(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class SuspectLine:
    name: str
    school_class: str
    rule: str
    found_on: datetime.date
    status: str
    note: str


@dataclass(frozen=True)
class CaseLine:
    name: str
    school_class: str
    cause: str
    registered_on: datetime.date
    state: str
    attempts: int
    report: str


@dataclass
class MonthlyFigures:
    """The month's report of one school (a month not ended: so far)."""

    school: School
    month: datetime.date
    until: datetime.date
    suspects_found: int = 0
    suspects_open: int = 0
    cases_registered: int = 0
    cases_open: int = 0
    returned: int = 0
    written_off: int = 0
    attempts: int = 0
    suspects: list[SuspectLine] = field(default_factory=list)
    cases: list[CaseLine] = field(default_factory=list)
    submitted: MonthlyReport | None = None

    def counts(self) -> dict[str, int]:
        return {
            "suspects_found": self.suspects_found,
            "suspects_open": self.suspects_open,
            "cases_registered": self.cases_registered,
            "cases_open": self.cases_open,
            "returned": self.returned,
            "written_off": self.written_off,
            "attempts": self.attempts,
        }


def monthly_figures(school: School, month: datetime.date, *, today=None) -> MonthlyFigures:
    """一月一报告 of a school, from its ledgers: the suspected entries found in the month or still
    open, the cases registered in it or still on the ledger, returns, write-offs and attempts.
    The caller has checked the school is the user's to read."""
    today = today or timezone.localdate()
    until = min(month_end(month), today)
    in_month = {"gte": month, "lte": until}
    suspects = SuspectedDropout.objects.filter(school=school).select_related("child__school_class")
    shown_suspects = suspects.filter(
        Q(found_on__range=(month, until)) | Q(status="open", found_on__lte=until)
    ).order_by("found_on", "id")
    cases = DropoutCase.objects.filter(school=school).select_related("child__school_class")
    shown_cases = list(
        cases.filter(
            Q(registered_on__range=(month, until))
            | Q(state__in=ACTIVE_STATES, registered_on__lte=until)
            | Q(closed_on__range=(month, until))
            | Q(returned_on__range=(month, until))
        ).order_by("registered_on", "id")
    )
    attempts = PersuasionAttempt.objects.filter(case__school=school)
    per_case: dict[int, int] = {}
    for case_id in attempts.filter(done_on__lte=until).values_list("case_id", flat=True):
        per_case[case_id] = per_case.get(case_id, 0) + 1
    figures = MonthlyFigures(school=school, month=month, until=until)
    figures.suspects_found = suspects.filter(found_on__range=(month, until)).count()
    figures.suspects_open = suspects.filter(status="open", found_on__lte=until).count()
    figures.cases_registered = cases.filter(registered_on__range=(month, until)).count()
    figures.cases_open = cases.filter(state__in=OPEN_STATES, registered_on__lte=until).count()
    figures.returned = cases.filter(returned_on__range=(month, until)).count()
    figures.written_off = cases.filter(
        state=CaseState.WRITTEN_OFF, closed_on__range=(month, until)
    ).count()
    figures.attempts = attempts.filter(done_on__range=(in_month["gte"], in_month["lte"])).count()
    figures.suspects = [
        SuspectLine(
            name=e.child.name,
            school_class=e.child.school_class.name,
            rule=str(e.get_rule_display()),
            found_on=e.found_on,
            status=str(e.get_status_display()),
            note=e.handled_note or e.detail,
        )
        for e in shown_suspects
    ]
    figures.cases = [
        CaseLine(
            name=c.child.name,
            school_class=c.child.school_class.name,
            cause=str(c.get_cause_display()),
            registered_on=c.registered_on,
            state=str(c.get_state_display()),
            attempts=per_case.get(c.pk, 0),
            report=c.report_filed_on.isoformat() if c.report_filed_on else "",
        )
        for c in shown_cases
    ]
    figures.submitted = MonthlyReport.objects.filter(school=school, month=month).first()
    return figures


def school_for_report(user: User, node: Node) -> School | None:
    """The school a monthly report is read for: the node's own, or a class's school when the
    user sees the whole school (the report names every class's children: a head teacher, who
    sees one class, reads none)."""
    if isinstance(node, SchoolClass):
        return node.school if in_scope(user, node.school) else None
    return node if isinstance(node, School) else None


@dataclass(frozen=True)
class SchoolSubmission:
    school: School
    report: MonthlyReport | None


def monthly_status_for(user: User, node: Node, month: datetime.date) -> list[SchoolSubmission]:
    """Which schools of a region have submitted the month's report, those that have not first."""
    if not may_read_dropout(user) or not isinstance(node, Region):
        return []
    schools = list(schools_under(node).order_by("code"))
    reports = {
        r.school_id: r
        for r in MonthlyReport.objects.restrict(user)
        .filter(month=month, school__in=schools)
        .select_related("submitted_by")
    }
    rows = [SchoolSubmission(school=s, report=reports.get(s.pk)) for s in schools]
    return sorted(rows, key=lambda r: r.report is not None)


@dataclass(frozen=True)
class SchoolReview:
    school: School
    suspects: int  # entries found in the quarter
    cases: int  # cases on the ledger or registered in the quarter
    retention: Retention | None
    latest: QuarterReview | None
    months_submitted: int
    months: int


def quarter_span(key: str) -> tuple[datetime.date, datetime.date]:
    year, q = int(key[:4]), int(key[-1])
    first = datetime.date(year, 3 * (q - 1) + 1, 1)
    last = month_end(datetime.date(year, 3 * q, 1))
    return first, last


def quarter_reviews_for(user: User, node: Node, quarter: str) -> list[SchoolReview]:
    """一季度一复核: each school of the unit with its quarter's entries, its monthly reports
    submitted, its 巩固率 and the latest review."""
    if not may_read_dropout(user) or not isinstance(node, Region):
        return []
    first, last = quarter_span(quarter)
    today = timezone.localdate()
    last = min(last, today)
    schools = list(schools_under(node).order_by("code"))
    ids = [s.pk for s in schools]
    suspects: dict[int, int] = {}
    for school_id in SuspectedDropout.objects.filter(
        school_id__in=ids, found_on__range=(first, last)
    ).values_list("school_id", flat=True):
        suspects[school_id] = suspects.get(school_id, 0) + 1
    cases: dict[int, int] = {}
    for school_id in DropoutCase.objects.filter(
        Q(registered_on__range=(first, last)) | Q(state__in=ACTIVE_STATES), school_id__in=ids
    ).values_list("school_id", flat=True):
        cases[school_id] = cases.get(school_id, 0) + 1
    months = months_between(first, last)
    submitted: dict[int, int] = {}
    for school_id in MonthlyReport.objects.filter(school_id__in=ids, month__in=months).values_list(
        "school_id", flat=True
    ):
        submitted[school_id] = submitted.get(school_id, 0) + 1
    latest: dict[int, QuarterReview] = {}
    for review in QuarterReview.objects.filter(school_id__in=ids, quarter=quarter).order_by(
        "reviewed_at", "id"
    ):
        latest[review.school_id] = review
    _total, by_school = retention_for(user, node, day=last, by_school=True)
    rates = {r.key: r for r in by_school}
    return [
        SchoolReview(
            school=s,
            suspects=suspects.get(s.pk, 0),
            cases=cases.get(s.pk, 0),
            retention=rates.get(s.pk),
            latest=latest.get(s.pk),
            months_submitted=submitted.get(s.pk, 0),
            months=len(months),
        )
        for s in schools
    ]


def reviews_of_school(user: User, school: School) -> list[QuarterReview]:
    """The county's reviews of a school, newest first (the school sees a sending back)."""
    return list(QuarterReview.objects.restrict(user).filter(school=school)[:8])
