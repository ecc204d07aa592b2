"""The privacy officer's reads: the access log, unusual access, requests, grants and the
figures of the annual compliance audit. Every read is cut to the officer's scope: rows about
children they can see, or rows by users whose scope lies in theirs."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Max, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.audit.models import (
    AccessAction,
    AccessLog,
    Erasure,
    ExportGrant,
    GuardianRequest,
    RequestShow,
    RequestStatus,
)
from shouhu.core.crypto import blind_index
from shouhu.core.idnumber import normalise_id_number
from shouhu.registry.models import Child

# Actions that open one child's file: what "many files in a short time" counts.
FILE_OPENING = (AccessAction.VIEW, AccessAction.REVEAL)
MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class LogFilters:
    user: str = ""
    child: str = ""
    action: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


def _day_bounds(
    start: datetime.date | None, end: datetime.date | None
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tz) if start else None
    high = (
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz)
        if end
        else None
    )
    return low, high


def access_log_for(user, *, filters: LogFilters) -> QuerySet[AccessLog]:
    logs = AccessLog.objects.restrict(user)
    if filters.user.strip():
        text = filters.user.strip()
        logs = logs.filter(Q(user__username__iexact=text) | Q(user__display_name__contains=text))
    if filters.child.strip():
        text = filters.child.strip()
        logs = logs.filter(child__name__contains=text)
    if filters.action:
        logs = logs.filter(action=filters.action)
    # Always between two days (by default the last SHOUHU_ACCESS_LOG_SEARCH_DAYS to today):
    # the search reads the months it needs, not every partition (shouhu.core.partitions).
    end = filters.end or timezone.localdate()
    start = filters.start or end - datetime.timedelta(
        days=settings.SHOUHU_ACCESS_LOG_SEARCH_DAYS - 1
    )
    low, high = _day_bounds(start, end)
    if low:
        logs = logs.filter(at__gte=low)
    if high:
        logs = logs.filter(at__lt=high)
    return logs.select_related("user", "child__school_class__school").order_by("-at", "-id")


@dataclass(frozen=True)
class Burst:
    """One user opening many files within the window."""

    user: User
    start: datetime.datetime
    end: datetime.datetime
    files: int


@dataclass(frozen=True)
class OffHours:
    """One user's access to children's data on one day outside school hours."""

    user: User
    day: datetime.date
    count: int
    first: datetime.datetime
    last: datetime.datetime


@dataclass
class Unusual:
    bursts: list[Burst] = field(default_factory=list)
    off_hours: list[OffHours] = field(default_factory=list)
    denied: int = 0


def _bursts(rows: list[tuple[int, datetime.datetime, int]], users: dict[int, User]) -> list[Burst]:
    """Sliding window per user: more than SHOUHU_UNUSUAL_FILES distinct children within
    SHOUHU_UNUSUAL_WINDOW_MINUTES. Overlapping windows of one run are reported once."""
    window = datetime.timedelta(minutes=settings.SHOUHU_UNUSUAL_WINDOW_MINUTES)
    limit = settings.SHOUHU_UNUSUAL_FILES
    by_user: dict[int, list[tuple[datetime.datetime, int]]] = defaultdict(list)
    for user_id, at, child_id in rows:
        by_user[user_id].append((at, child_id))
    found = []
    for user_id, events in by_user.items():
        events.sort()
        counts: Counter[int] = Counter()
        low = 0
        run: Burst | None = None
        for at, child_id in events:
            counts[child_id] += 1
            while events[low][0] < at - window:
                old = events[low][1]
                counts[old] -= 1
                if not counts[old]:
                    del counts[old]
                low += 1
            if len(counts) > limit:
                if run is not None and events[low][0] <= run.end:
                    run = Burst(run.user, run.start, at, max(run.files, len(counts)))
                else:
                    if run is not None:
                        found.append(run)
                    run = Burst(users[user_id], events[low][0], at, len(counts))
        if run is not None:
            found.append(run)
    return sorted(found, key=lambda b: b.start, reverse=True)


def unusual_access_for(user, *, start: datetime.date, end: datetime.date) -> Unusual:
    """Bursts of files opened and access outside school hours between two days (inclusive)."""
    if (end - start).days > MAX_RANGE_DAYS:
        start = end - datetime.timedelta(days=MAX_RANGE_DAYS)
    low, high = _day_bounds(start, end)
    logs = (
        AccessLog.objects.restrict(user).filter(at__gte=low, at__lt=high).exclude(user__isnull=True)
    )
    opened = list(
        logs.filter(action__in=FILE_OPENING, child__isnull=False).values_list(
            "user_id", "at", "child_id"
        )
    )
    # Outside school hours, counted by the database per user and local day: a county's week of
    # access log is never read into Python.
    first_hour, last_hour = settings.SHOUHU_SCHOOL_HOURS
    school_days = [d + 1 for d in settings.SHOUHU_SCHOOL_DAYS]  # iso_week_day: Monday is 1
    per_day = (
        logs.exclude(action=AccessAction.DENIED)
        .filter(
            ~Q(at__iso_week_day__in=school_days)
            | Q(at__hour__lt=first_hour)
            | Q(at__hour__gte=last_hour)
        )
        .values("user_id", day=TruncDate("at"))
        .annotate(count=Count("id"), first=Min("at"), last=Max("at"))
    )
    per_day_rows = list(per_day)
    user_ids = {u for u, *_rest in opened} | {r["user_id"] for r in per_day_rows}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    off_hours = [
        OffHours(
            users[r["user_id"]],
            r["day"],
            r["count"],
            timezone.localtime(r["first"]),
            timezone.localtime(r["last"]),
        )
        for r in per_day_rows
    ]
    off_hours.sort(key=lambda o: (o.day, o.user.username), reverse=True)
    return Unusual(
        bursts=_bursts(opened, users),
        off_hours=off_hours,
        denied=logs.filter(action=AccessAction.DENIED).count(),
    )


def _overdue(day: datetime.date) -> Q:
    """A guardian's request still open after its due day (已超期)."""
    return Q(status=RequestStatus.OPEN, due_on__lt=day)


def requests_for(user, *, show: str = RequestShow.OPEN) -> QuerySet[GuardianRequest]:
    """Guardians' requests about children in scope: open (default), overdue, or all; each
    says whether it is `overdue` today."""
    today = timezone.localdate()
    requests = GuardianRequest.objects.restrict(user).annotate(
        overdue=ExpressionWrapper(_overdue(today), output_field=BooleanField())
    )
    if show == RequestShow.OPEN:
        requests = requests.filter(status=RequestStatus.OPEN)
    elif show == RequestShow.OVERDUE:
        requests = requests.filter(_overdue(today))
    return requests.select_related("child__school_class__school", "resolved_by").order_by(
        "due_on", "id"
    )


def request_get_for(user, public_id) -> GuardianRequest:
    request = requests_for(user, show=RequestShow.ALL).filter(public_id=public_id).first()
    if request is None:
        raise Http404
    return request


def child_by_id_number_for(user, *, id_number: str) -> Child | None:
    """The child with this ID number inside the user's scope, found by its keyed hash (the
    number itself is stored encrypted), or None: a child outside the scope is not found."""
    number = normalise_id_number(id_number)
    if not number:
        return None
    return Child.objects.restrict(user).filter(id_number_index=blind_index(number)).first()


def grants_for(user) -> QuerySet[ExportGrant]:
    """Grants given by this officer or to users in their scope, newest first."""
    in_scope = User.objects.restrict(user).values("pk")
    return (
        ExportGrant.objects.filter(Q(granted_by=user) | Q(grantee__in=in_scope))
        .select_related("grantee", "granted_by")
        .order_by("-granted_at")
    )


def export_grants_usable_by(user) -> QuerySet[ExportGrant]:
    """The unused full-export grants made out to the user."""
    return ExportGrant.objects.filter(grantee=user, used_at__isnull=True).select_related(
        "granted_by"
    )


def export_grantees_for(user) -> QuerySet[User]:
    """Users in the officer's scope who may export (the export needs its own permission)."""
    from shouhu.core.roles import ROLE_PERMS, Perm

    roles = [role for role, perms in ROLE_PERMS.items() if Perm.CENSUS_EXPORT in perms]
    return (
        User.objects.restrict(user)
        .filter(role__in=roles, is_active=True)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("username")
    )


@dataclass
class ComplianceFigures:
    """The counts of the annual compliance audit (个人信息保护合规审计)."""

    year: int
    accesses: dict[str, int]
    total_accesses: int
    children_accessed: int
    users_accessing: int
    grants: int
    grants_used: int
    requests: dict[str, dict[str, int]]
    requests_overdue: int
    requests_late: int
    erasures: dict[str, int]
    lockouts: int
    unusual: Unusual


def compliance_figures_for(user, *, year: int) -> ComplianceFigures:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    low, high = _day_bounds(start, end)
    logs = AccessLog.objects.restrict(user).filter(at__gte=low, at__lt=high)
    by_action = dict(logs.values_list("action").annotate(n=Count("id")).order_by())
    accesses = {a.value: by_action.get(a.value, 0) for a in AccessAction}
    grants = grants_for(user).filter(granted_at__gte=low, granted_at__lt=high)
    requests = GuardianRequest.objects.restrict(user).filter(received_on__range=(start, end))
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, status, n in requests.values_list("kind", "status").annotate(n=Count("id")):
        table[kind][status] = n
    today = timezone.localdate()
    erasures = Erasure.objects.restrict(user).filter(at__gte=low, at__lt=high)
    return ComplianceFigures(
        year=year,
        accesses=accesses,
        total_accesses=sum(accesses.values()),
        children_accessed=logs.exclude(child__isnull=True).values("child_id").distinct().count(),
        users_accessing=logs.exclude(user__isnull=True).values("user_id").distinct().count(),
        grants=grants.count(),
        grants_used=grants.filter(used_at__isnull=False).count(),
        requests=dict(table),
        requests_overdue=requests.filter(_overdue(today)).count(),
        requests_late=requests.filter(resolved_on__gt=F("due_on")).count(),
        erasures=dict(erasures.values_list("reason").annotate(n=Count("id")).order_by()),
        lockouts=_lockouts(user, low, high),
        unusual=unusual_access_for(user, start=start, end=min(end, today)),
    )


def _lockouts(user, low, high) -> int:
    """Logins refused after too many failures (django-axes) for accounts in scope."""
    from axes.models import AccessAttempt

    usernames = User.objects.restrict(user).values("username")
    return AccessAttempt.objects.filter(
        username__in=usernames,
        attempt_time__gte=low,
        attempt_time__lt=high,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
    ).count()
