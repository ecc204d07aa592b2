"""A hostile probe of every URL (issue 12.9): junk in every path, query and form parameter a
view reads, by GET and by POST, never gets a server error.

The probe walks the URLconf itself: a URL added without a row in `PARAMS` fails the suite. Path
converters are filled with real rows of the test world, in and out of the user's scope, and with
junk (a random UUID, 0, an integer too big for the database, a slug that names nothing). Every
URL is opened as each role of SWEEP; the roles that reach its view post all its parameters as
junk, and the first of them sends each parameter alone with each JUNK value on a valid base.

Each request runs in a savepoint that is rolled back, so a junk POST that is accepted (a
handover, a deactivation) changes nothing for the next one. The test client re-raises a view's
exception, so a 500 is caught as the exception that caused it.
"""

import datetime
import logging
import time
import traceback
import uuid
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from shouhu.jobs.services import heartbeat_record
from shouhu.testing.factories import (
    CareActionFactory,
    ChildFactory,
    ChildTransferFactory,
    GuardianRequestFactory,
    VisitTaskFactory,
    census_upload,
)
from shouhu.welfare.tests.aid_world import aid_record_in_class_a

pytestmark = pytest.mark.django_db

ALLOWED = {200, 302, 400, 403, 404, 405}
# The roles every URL is tried as; the first whose plain GET answers gets the junk parameters.
SWEEP = [
    "head_teacher",
    "school_leader",
    "region_officer",
    "privacy_officer",
    "admin",
    "volunteer",
    "outsider",
    "anonymous",
]

# Values no form expects: empty, signs and sizes, not numbers, impossible and far dates,
# spoofing characters, a NUL byte, a value far too long, and digits int() refuses ("²").
JUNK = [
    "",
    "-1",
    "99999999999999999999",
    "abc",
    "9999-12-31",
    "\u202e王\u200b小明",
    "\x00",
    "²",
    "class:9223372036854775808",
    "王" * 3000,
]

# Every parameter each view reads from the query string or the posted form.
# The child's four forms: one field of each kind (text, date, choice, id, number, phone, ticks).
CHILD_FORM = [
    "name",
    "birth_date",
    "sex",
    "school_class",
    "father-phone",
    "father-calls_per_month",
    "guardian-age",
    "flags",
]
PARAMS: dict[str, list[str]] = {
    # The parents' channel (家长端): its pages open for a parent's session only (the parents'
    # own tests probe them with one); staff roles reach the login page and the teachers' side.
    "parents:home": [],
    "parents:easy": [],
    "parents:login": ["phone"],
    "parents:code": ["code"],
    "parents:logout": [],
    "parents:child": [],
    "parents:message": ["body"],
    "parents:agreement": [],
    "parents:request": ["kind", "details"],
    "parents:photo": [],
    "parents:phone": ["send", "confirm", "phone", "code"],
    "parents:home-messages": [],
    "parents:message-reply": ["reply"],
    "parents:reply-setting": ["scope", "counts"],
    "parents:child-messages-section": [],
    "parents:video": ["slot"],
    "parents:video-cancel": [],
    "home": [],
    "healthz": [],
    "accounts:login": ["username", "password", "next"],
    "accounts:logout": [],
    "accounts:security": [],
    "accounts:two-factor-verify": ["token", "next"],
    "accounts:two-factor-setup": ["token"],
    "accounts:two-factor-off": [],
    "accounts:recovery-codes-renew": [],
    "accounts:user-list": ["q", "page"],
    "accounts:user-deactivate": [],
    "accounts:user-reactivate": [],
    "accounts:user-password-reset": [],
    "accounts:user-create": ["username", "display_name", "role", "scope"],
    "accounts:user-edit": ["display_name", "role", "scope"],
    "accounts:password-change": ["current_password", "token", "new_password1", "new_password2"],
    "accounts:user-two-factor-reset": [],
    "jobs:run-list": [],
    "jobs:run-retry": [],
    "jobs:export-list": [],
    "jobs:export-status": [],
    "jobs:export-file": [],
    "notify:preferences": ["channel", "digest"],
    "notify:outbox": [],
    "registry:child-list": ["q", "term", "school_class", "category", "flag", "page"],
    "registry:child-create": CHILD_FORM,
    "registry:child-detail": ["tab"],
    "registry:child-flag": ["on"],
    "registry:contact-cards": ["child", "scope", "reason"],
    "registry:handover-undo": [],
    "registry:child-edit": CHILD_FORM,
    "registry:contact-card": [],
    "registry:class-contact-cards": [],
    "registry:census-template": [],
    "registry:census-import": ["term", "file"],
    "registry:census-import-preview": [],
    "registry:census-import-confirm": [],
    "registry:census-import-errors": [],
    "reports:census-export": ["scope", "term", "include_all", "grant"],
    "reports:census-table": ["scope", "term"],
    "registry:handover": ["from_term", "to_term", "action", "keep_class", "keep_pairing"],
    "registry:transfers-out": [],
    "registry:transfer-history": [],
    "registry:child-leave": ["on", "reason", "note"],
    "registry:child-transfer": ["to_class", "on", "note"],
    "reports:census": ["scope", "class", "term"],
    "reports:dashboard": ["scope", "term"],
    "reports:workbook": ["scope", "term"],
    "reports:summary": ["scope", "term", "title", "problems", "plans"],
    "reports:summary-docx": ["scope", "term"],
    "reports:summary-pdf": ["scope", "term"],
    "reports:assessment": ["scope", "term"],
    "org:list": ["page"],
    "org:create": ["code", "name", "level", "parent", "school", "starts_on", "pupils"],
    "org:edit": ["code", "name", "level", "parent", "school", "starts_on", "pupils"],
    "audit:index": [],
    "audit:access-log": ["user", "child", "action", "start", "end", "page"],
    "audit:unusual": ["start", "end"],
    "audit:grants": ["grantee", "scope_code", "reason", "page"],
    "audit:requests": [
        "show",
        "page",
        "id_number",
        "kind",
        "requester_name",
        "requester_phone",
        "details",
        "received_on",
    ],
    "audit:request-detail": ["status", "resolution", "confirm_erasure"],
    "audit:report": ["year"],
    "audit:reveal": ["reason"],
    "care:action-create": [
        "kind",
        "class",
        "task",
        "done_on",
        "children",
        "tasks",
        "summary",
        "follow_up_on",
    ],
    "care:child-care": [],
    "care:child-care-section": [],
    "care:child-action-create": [
        "kind",
        "task",
        "period",
        "done_on",
        "tasks",
        "summary",
        "shareable",
        "follow_up_on",
    ],
    "care:observation-create": ["kind", "noted_on", "note"],
    "care:exemption-create": ["kind", "starts_on", "ends_on", "reason"],
    "care:pairing-classes": [],
    "care:class-pairings": ["child", "proxy", "mentor", "buddy", "confirm"],
    "care:coverage": ["scope"],
    "care:compliance": ["scope", "month"],
    "care:quotas": ["scope", "kind", "period", "minimum", "clear"],
    # --- guardianship (welfare-guardians) ---
    "welfare:guardianship-agreements": ["scope"],
    "welfare:guardianship-child": [],
    "welfare:guardianship-section": [],
    "welfare:agreement-create": [],
    "welfare:agreement-sign": ["signed_on", "scan"],
    "welfare:agreement-docx": [],
    "welfare:agreement-pdf": [],
    "welfare:agreement-scan": [],
    "welfare:class-agreements-pdf": [],
    "welfare:training": ["scope", "held_on", "topic", "speaker"],
    "welfare:training-session": ["children"],
    "welfare:commendations": ["scope"],
    "welfare:commendation-create": ["person_name", "relation", "reason"],
    "welfare:hukou": ["scope"],
    "welfare:hukou-report": ["police_station", "reported_on", "note"],
    "welfare:hukou-registered": ["registered_on"],
    "welfare:home-guardianship": [],
    # --- welfare: aid ---
    "welfare:aid-list": ["scope", "term"],
    "welfare:aid-hints": ["scope", "term"],
    "welfare:aid-notice": ["scope", "term", "starts_on", "ends_on"],
    "welfare:aid-notice-pdf": ["scope", "term"],
    "welfare:aid-notice-docx": ["scope", "term"],
    "welfare:home-aid": [],
    "welfare:aid-detail": ["decision", "note", "on", "paid_on"],
    "welfare:aid-evidence": [],
    "welfare:aid-propose": ["corrects", "kind", "amount", "source", "reason", "proposed_on"],
    "welfare:child-aid-section": [],
    "schooling:roll-call-classes": [],
    "schooling:roll-call": ["reason_1", "note_1", "reason_x"],
    "schooling:absence-follow-up": ["reason", "summary", "note"],
    "schooling:calendar": ["scope", "day", "kind", "note", "remove"],
    "schooling:attendance-figures": ["scope", "day"],
    "schooling:home-attendance": [],
    "schooling:child-attendance-section": [],
    # 控辍保学 (schooling, issue 14)
    "schooling:dropout-ledgers": ["scope", "tab", "all"],
    "schooling:dropout-suspect": ["decision", "cause", "cause_note", "guardian_opinion", "note"],
    "schooling:dropout-case": [],
    "schooling:dropout-case-act": [
        "action",
        "plan-cause",
        "plan-plan_staff",
        "attempt-done_on",
        "attempt-way",
        "return-returned_on",
        "followup-done_on",
        "exit-to",
        "exit-reason",
        "mistaken-reason",
        "file_report-filed_on",
    ],
    "schooling:dropout-case-report": [],
    "schooling:dropout-case-evidence": [],
    "schooling:child-dropout-section": [],
    "schooling:child-dropout-register": ["cause", "cause_note", "guardian_opinion"],
    "schooling:home-dropout": [],
    "schooling:dropout-monthly": ["scope", "month", "note"],
    "schooling:dropout-monthly-document": ["scope", "month"],
    "schooling:dropout-review": ["scope", "quarter"],
    "schooling:dropout-review-record": ["scope", "quarter", "decision", "note"],
    "schooling:roll-check": ["school", "sheet"],
    # Grades and study-help plans (issue 14).
    "schooling:grades-home": [],
    "schooling:grade-sheet": ["term", "exam", "s-x-chinese"],
    "schooling:class-subjects": ["take-chinese", "full-chinese", "teacher-chinese"],
    "schooling:grade-template": [],
    "schooling:grade-import": ["term", "exam", "school_class", "file", "report"],
    "schooling:grade-progress": ["scope", "term", "exam"],
    "schooling:child-grades-section": [],
    "schooling:plan-list": ["status"],
    "schooling:plan-create": [
        "teacher",
        "starts_on",
        "ends_on",
        "subjects",
        "schedule",
        "content",
        "goal_1",
        "review_1",
    ],
    "schooling:plan-detail": [],
    "schooling:plan-goal-review": ["met", "review_note"],
    "schooling:plan-close": ["outcome", "outcome_note"],
    "schooling:home-plans": [],
    # --- the Home, reading and awards (issue 16, activities) ---
    "activities:home-index": [],
    "activities:home-setup": ["scope", "room", "opening_hours", "equipment", "has_phone"],
    "activities:home-duty": [],
    "activities:home-settings": ["scope", "calls_count", "five_small_names"],
    "activities:home-detail": ["term"],
    "activities:home-day": ["day", "children", "activities", "follow_up"],
    "activities:home-call": ["booking", "term", "child", "parent", "day", "slot", "minutes"],
    "activities:home-swap": ["to_teacher", "reason"],
    "activities:home-slots": ["day", "roster", "start", "end", "capacity"],
    "activities:home-bookings": ["day"],
    "activities:home-booking-mark": ["held", "minutes"],
    "activities:reading-sheet": ["scope", "term"],
    "activities:reading-figures": ["scope", "term"],
    "activities:reading-child": [
        "term",
        "form",
        "book-title",
        "book-finished_on",
        "award-kind",
        "award-title",
        "award-reason",
        "chores-does_chores",
    ],
    "activities:reading-photo": [],
    "activities:child-home-section": [],
    # welfare: health and safety (issue 15)
    "welfare:health-sheet": ["checked_on", "height_cm-x", "dental-x", "follow_up-x"],
    "welfare:health-import": ["checked_on", "upload"],
    "welfare:health-template": ["class"],
    "welfare:child-health-section": [],
    "welfare:health-check-create": [
        "checked_on",
        "height_cm",
        "weight_kg",
        "vision_left",
        "vision_right",
        "dental",
        "conclusion",
        "follow_up",
    ],
    "welfare:health-condition-create": ["kind", "starts_on", "ends_on", "note"],
    "welfare:health-follow-up-done": ["done_on"],
    "welfare:home-health": [],
    "welfare:incident-list": ["page"],
    "welfare:incident-create": ["kind", "serious", "happened_at", "place", "what"],
    "welfare:incident-detail": [],
    "welfare:incident-notice": ["party", "name", "notified_at"],
    "welfare:incident-follow-up": ["due_on", "note", "done"],
    "welfare:class-chain": [],
    "welfare:lecture-list": ["scope", "page"],
    "welfare:lecture-quota": ["scope", "period", "minimum"],
    "welfare:lecture-create": ["kind", "held_on", "topic", "speaker", "classes", "attendance"],
    "activities:event-list": [],
    "activities:event-create": [
        "class",
        "kind",
        "title",
        "held_on",
        "starts_at",
        "place",
        "organiser",
        "organiser_name",
        "hours",
        "children",
        "account",
    ],
    "activities:event-detail": ["photo", "children"],
    "activities:event-photo": [],
    "activities:child-activities-section": [],
    "activities:photo-consent": ["consented", "decided_on"],
    "activities:home-events": [],
    "activities:group-list": [],
    "activities:group-create": ["name", "teacher", "weekday", "starts_at", "place"],
    "activities:group-detail": ["membership", "left_on"],
    "activities:group-session": ["held_on", "children", "account"],
    "activities:group-class-sheet": ["child", "group", "joined_on"],
    # --- offline capture (issue 19) ---
    "care:offline": [],
    "care:offline-sync": [],
    "care:offline-upload": ["records"],
    "service-worker": [],
    "manifest": [],
}


def _patterns(resolver=None, namespace: str = "", prefix: str = ""):
    """(url name, route, converter names by kwarg) of every named URL pattern."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = {
                name: type(converter).__name__
                for name, converter in pattern.pattern.converters.items()
            }
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern), converters


def test_every_url_names_the_parameters_it_reads():
    missing = {name for name, _route, _conv in _patterns()} - set(PARAMS)
    assert not missing, f"URLs the probe does not know the parameters of: {sorted(missing)}"


# Guardianship's URLs that name a row of their own (welfare-guardians), and the probe's row.
WELFARE_GUARDIANSHIP_ROWS = {
    "welfare:agreement-sign": "agreement",
    "welfare:agreement-docx": "agreement",
    "welfare:agreement-pdf": "agreement",
    "welfare:agreement-scan": "agreement",
    "welfare:training-session": "training_session",
    "welfare:hukou-registered": "hukou_referral",
}


def _path_values(name: str, kwarg: str, converter: str, objects) -> list:
    """Real rows in and out of scope, then junk, for one path converter."""
    if converter == "UUIDConverter":
        if name.startswith("registry:census-import-"):
            rows = [objects.upload]
        elif name == "audit:request-detail":
            rows = [objects.guardian_request]
        elif name == "registry:transfer-history":
            rows = [objects.transfer]
        elif name in ("welfare:aid-detail", "welfare:aid-evidence"):
            rows = [objects.aid]
        elif name == "registry:handover-undo":
            rows = []  # no handover in the probe's world: an unknown one is a 404
        elif name in WELFARE_GUARDIANSHIP_ROWS:
            rows = [getattr(objects, WELFARE_GUARDIANSHIP_ROWS[name])]
        else:
            rows = [objects.child_a, objects.child_b, objects.other_child]
        return [row.public_id for row in rows] + [uuid.uuid4()]
    if converter == "IntConverter":
        if kwarg == "class_id":
            rows = [objects.class_a.pk, objects.class_b.pk, objects.other_class.pk]
        else:
            rows = [objects.head_teacher.pk, objects.outsider.pk]
        return [*rows, 0, 2**63, 10**30]
    if kwarg == "kind":
        return ["class", "term", "nothing"]
    if kwarg == "flag":
        return ["psych_concern", "poverty", "nothing"]
    if kwarg == "target":
        return ["id_number", "father_phone", "guardian_address", "nothing"]
    if kwarg == "pk":  # org records: an id, a region code or a name
        return [str(objects.class_a.pk), "abc", "99999999999999999999"]
    return ["x"]


def _urls(name: str, converters: dict, objects) -> list[str]:
    combos: list[dict] = [{}]
    for kwarg, converter in converters.items():
        values = _path_values(name, kwarg, converter, objects)
        combos = [{**combo, kwarg: value} for combo in combos for value in values]
    urls = []
    for kwargs in combos:
        try:
            urls.append(reverse(name, kwargs=kwargs))
        except Exception:  # noqa: BLE001 - a value the converter refuses is no URL at all
            continue
    return urls


class Probe:
    def __init__(self, clients: dict[str, Client], base: dict[str, str]):
        self.clients = clients
        self.base = base
        self.failures: list[str] = []
        self.requests = 0

    def send(self, role: str, method: str, url: str, data: dict) -> int | None:
        self.requests += 1
        client = self.clients[role]
        try:
            with transaction.atomic():
                if method == "get":
                    response = client.get(url, data)
                else:
                    response = client.post(url, data)
                transaction.set_rollback(True)
        except Exception as error:  # noqa: BLE001 - every failure is listed, not just the first
            where = traceback.extract_tb(error.__traceback__)[-1]
            self.failures.append(
                f"{role} {method.upper()} {url} {_short(data)} → "
                f"{type(error).__name__}: {str(error)[:120]} ({where.filename}:{where.lineno})"
            )
            return None
        if response.status_code not in ALLOWED:
            self.failures.append(
                f"{role} {method.upper()} {url} {_short(data)} → {response.status_code}"
            )
        return response.status_code


def _short(data: dict) -> str:
    return str({k: (v if len(str(v)) < 40 else f"{str(v)[:10]}…") for k, v in data.items()})


@pytest.fixture
def quiet(monkeypatch):
    """No log line per 403 and 404 (thousands of them), and documents not drawn: the probe is
    about parsing what comes in, and a PDF or DOCX takes half a second to draw. The builders
    of their contents still run."""
    for name in ("django.request", "django.security"):
        logger = logging.getLogger(name)
        monkeypatch.setattr(logger, "disabled", True)
    # The drawing library, not the apps' functions: they may move, WeasyPrint stays.
    import weasyprint

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda *args, **kwargs: b"%PDF-1.7 stub")
    monkeypatch.setattr(
        "shouhu.reports.views.to_docx", lambda *args, **kwargs: b"PK drawn elsewhere"
    )


@pytest.fixture
def probe(request, client, world, frozen_today, quiet):
    """The world, one logged-in client per role, and a row of every kind the URLs name."""
    users = {role: request.getfixturevalue(role) for role in SWEEP if role != "anonymous"}
    clients = {"anonymous": Client()}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    objects = world
    objects.other_child = ChildFactory(school_class=world.other_class)
    objects.head_teacher = users["head_teacher"]
    objects.outsider = users["outsider"]
    objects.upload = census_upload(users["head_teacher"], world.term)
    objects.guardian_request = GuardianRequestFactory(
        child=world.child_a, recorded_by=users["privacy_officer"]
    )
    objects.transfer = ChildTransferFactory(child=ChildFactory(school_class=world.class_a))
    CareActionFactory(children=[world.child_a], author=request.getfixturevalue("teacher"))
    # /healthz answers 200 throughout: a worker beat, and the probe's minutes are not "late".
    heartbeat_record(worker_id="probe", started_at=timezone.now())
    request.getfixturevalue("monkeypatch").setattr(
        "shouhu.jobs.selectors.WORKER_LATE", datetime.timedelta(days=1)
    )
    _guardianship_rows(objects, users["head_teacher"])
    task = VisitTaskFactory(observation__child=world.child_a, assignee=users["head_teacher"])
    objects.aid = aid_record_in_class_a(world)
    base = {
        "term": world.term.code,
        "from_term": world.previous_term.code,
        "to_term": world.term.code,
        "action": "apply",
        "task": str(task.public_id),  # type: ignore[attr-defined]
        "child": str(world.child_a.public_id),
    }
    return Probe(clients, base), objects


def _guardianship_rows(objects, head_teacher) -> None:
    """An agreement, a training session and a 无户籍 referral of child_a (welfare-guardians)."""
    from shouhu.welfare.models.guardianship import HukouReferral, TrainingSession
    from shouhu.welfare.services.guardianship import agreement_draft

    objects.agreement = agreement_draft(actor=head_teacher, child=objects.child_a)
    objects.training_session = TrainingSession.objects.create(
        school=objects.school_a,
        school_class=objects.class_a,
        held_on=objects.term.starts_on,
        topic="隔代教育",
        created_by=head_teacher,
    )
    objects.hukou_referral = HukouReferral.objects.create(
        child=objects.child_a,
        police_station="太平派出所",
        reported_on=objects.term.starts_on,
        created_by=head_teacher,
    )


def test_no_url_answers_junk_with_a_server_error(probe):
    """1. The URL's first row (in scope) as every role in SWEEP (GET); each role that reaches
    the view (200, 302, or 405 for a POST-only view) posts every parameter junk at once. The first
    such role probes deeper.
    2. The other rows (out of scope, junk path values) as that role and the outsider.
    3. Each parameter the view reads, alone, with each JUNK value on a valid base, and posted
    twice: in the query string and the form of one POST where the view takes POST (views read
    one or the other), else in a GET."""
    probe, objects = probe
    started = time.monotonic()
    for name, _route, converters in _patterns():
        if name == "accounts:logout":
            continue  # logs the client out; it reads nothing
        params = PARAMS[name]
        first, *others = _urls(name, converters, objects)
        reached: dict[str, int] = {}
        for role in SWEEP:
            status = probe.send(role, "get", first, {})
            # 302: a view that sends on (the second factor, a single class); for an anonymous
            # user, the login page.
            if status in (200, 405) or (status == 302 and role != "anonymous"):
                reached[role] = status
                if params:
                    junk = {**probe.base, **dict.fromkeys(params, "abc")}
                    probe.send(role, "post", first, junk)
        deep = next((r for r, s in reached.items() if s != 302), next(iter(reached), None))
        takes_post = deep is not None and probe.send(deep, "post", first, probe.base) != 405
        method = "post" if takes_post else "get"
        for url in others:
            for role in dict.fromkeys([deep or "head_teacher", "outsider"]):
                probe.send(role, method, url, probe.base)
        if deep is None:
            continue
        for param in params:
            for value in [*JUNK, ["1", "abc"]]:
                data = {**probe.base, param: value}
                url = f"{first}?{urlencode(data, doseq=True)}" if takes_post else first
                probe.send(deep, method, url, data)
    elapsed = time.monotonic() - started
    print(f"probe: {probe.requests} requests in {elapsed:.1f} s")  # noqa: T201
    assert not probe.failures, "\n".join([f"{len(probe.failures)} failures:", *probe.failures])
