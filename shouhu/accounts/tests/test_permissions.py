"""Every URL × every role: the status a user gets. A forbidden role is a 403, a row outside the
scope is a 404, and a URL missing from the table fails the suite.

The world and its whole cast are built once for the module (`built_once`); each case runs in a
savepoint of its own, so the rows a case makes (an upload, a handover) are gone for the next."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from shouhu.jobs.models import JobRun, RunStatus
from shouhu.registry.models import SchoolHandover
from shouhu.testing.activities import event_of_class_a, group_of_school_a, photo_of_child_a
from shouhu.testing.dates import TODAY, month_key
from shouhu.testing.factories import (
    ChildTransferFactory,
    GuardianRequestFactory,
    HeadTeacherFactory,
    RegionOfficerFactory,
    census_upload,
)
from shouhu.testing.world import build_world_and_cast, built_once

CAST = [
    "anonymous",
    "admin",
    "region_officer",
    "township_officer",
    "school_leader",
    "head_teacher",
    "teacher",
    "counsellor",
    "volunteer",
    "privacy_officer",
    "other_head_teacher",
    "outsider",
]


def everyone(status: int, **exceptions: int) -> dict[str, int]:
    """Anonymous users are sent to the login page; the others get `status` unless excepted."""
    table = {role: status for role in CAST}
    table["anonymous"] = 302
    table.update(exceptions)
    return table


CHILD_A = {"public_id": lambda w: w.child_a.public_id}
IMPORTERS = dict.fromkeys(("school_leader", "head_teacher", "other_head_teacher", "outsider"), 200)
UPLOAD = {"public_id": lambda w: census_upload(w.class_a.head_teacher, w.term).public_id}
CARE_RECORDERS = {
    role: 200
    for role in (
        "school_leader",
        "head_teacher",
        "teacher",
        "counsellor",
        "volunteer",
        "other_head_teacher",
        "outsider",
    )
}
PAIRERS = {"head_teacher": 302, "other_head_teacher": 302, "outsider": 302}
OVERSEERS = {
    role: 200
    for role in (
        "region_officer",
        "township_officer",
        "school_leader",
        "head_teacher",
        "other_head_teacher",
        "outsider",
    )
}
OVERSEERS_OF_COUNTY = {**dict.fromkeys(OVERSEERS, 404), "region_officer": 200}
OVERSEERS_OF_CLASS_A = {
    **dict.fromkeys(OVERSEERS, 404),
    "region_officer": 200,
    "township_officer": 200,
    "school_leader": 200,
    "head_teacher": 200,
}

DASHBOARD_READERS = {
    role: 200
    for role in (
        "region_officer",
        "township_officer",
        "school_leader",
        "head_teacher",
        "other_head_teacher",
        "outsider",
    )
}
LEADERS_OF_CLASS_A = dict.fromkeys(
    ("region_officer", "township_officer", "school_leader", "head_teacher"), 200
)
REPORT_LEADS = dict.fromkeys(("region_officer", "township_officer", "school_leader"), 200)
NO_CLASS_REPORT = dict.fromkeys(REPORT_LEADS, 404)
# School B lies in the county, outside township A and school A.
REGION_ONLY = {**dict.fromkeys(REPORT_LEADS, 404), "region_officer": 200}
# A head teacher drafts the class's summary: their own class by default, another class a 404.
SUMMARY_DRAFTERS = {
    **REPORT_LEADS,
    **dict.fromkeys(("head_teacher", "other_head_teacher", "outsider"), 200),
}

# Their second factor was given (conftest's force_login): the verify page sends them on.
VERIFIED_ALREADY = {"admin": 302, "region_officer": 302, "privacy_officer": 302}
HEAD_TEACHER_A = {"pk": lambda w: w.class_a.head_teacher_id}
HEAD_TEACHER_B = {"pk": lambda w: w.class_b.head_teacher_id}
OTHER_COUNTY = {"pk": lambda w: HeadTeacherFactory(scope_class=w.other_class).pk}
COUNTY_OFFICER = {"pk": lambda w: RegionOfficerFactory(scope_region=w.county).pk}
MANAGERS = {"admin": 200, "school_leader": 200}
MANAGED_POST = {"admin": 302, "school_leader": 302}
ADMIN_ONLY = {"admin": 200, "school_leader": 404}
ADMIN_ONLY_POST = {"admin": 302, "school_leader": 404}
NOT_MANAGED = {"admin": 404, "school_leader": 404}
FAILED_JOB = {"public_id": lambda w: failed_job_run().public_id}
ACTIVITY_RECORDERS = {**CARE_RECORDERS, "township_officer": 200}
ACTIVITY_OUT_OF_SCOPE = {"other_head_teacher": 404, "outsider": 404}
EVENT_A = {"public_id": lambda w: event_of_class_a(w).public_id}
PHOTO_A = {"public_id": lambda w: photo_of_child_a(w).public_id}
GROUP_A = {"public_id": lambda w: group_of_school_a(w).public_id}


def failed_job_run() -> JobRun:
    now = timezone.now()
    return JobRun.objects.create(
        duty="audit.retention",
        period="failed",
        due_at=now,
        enqueued_at=now,
        status=RunStatus.FAILED,
    )


# (url name, reverse kwargs computed from the world, query string, method, expected status per role)
TABLE = [
    ("home", {}, "", "get", everyone(200)),
    ("healthz", {}, "", "get", everyone(200, anonymous=200)),
    ("accounts:login", {}, "", "get", everyone(302, anonymous=200)),
    ("accounts:logout", {}, "", "post", everyone(302)),
    ("registry:child-list", {}, "", "get", everyone(200, admin=403)),
    (
        "registry:child-create",
        {},
        "",
        "get",
        everyone(403, school_leader=200, head_teacher=200, other_head_teacher=200, outsider=200),
    ),
    (
        "registry:child-detail",
        {"public_id": lambda w: w.child_a.public_id},
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    (
        "registry:child-detail",
        {"public_id": lambda w: w.child_a.public_id},
        "tab=history",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    (
        "registry:child-edit",
        {"public_id": lambda w: w.child_a.public_id},
        "",
        "get",
        everyone(403, school_leader=200, head_teacher=200, other_head_teacher=404, outsider=404),
    ),
    # Only who sees counselling sets 心理问题: the counsellor (an empty POST is a 400).
    (
        "registry:child-flag",
        {**CHILD_A, "flag": lambda w: "psych_concern"},
        "",
        "post",
        everyone(403, counsellor=400, other_head_teacher=404, outsider=404),
    ),
    (
        "registry:contact-card",
        {"public_id": lambda w: w.child_a.public_id},
        "",
        "get",
        everyone(200, admin=403, privacy_officer=403, other_head_teacher=404, outsider=404),
    ),
    (
        "registry:contact-cards",
        {},
        "",
        "get",
        everyone(200, admin=403, privacy_officer=403),
    ),
    (
        "registry:contact-cards",
        {},
        "child={child_a}",
        "get",
        everyone(200, admin=403, privacy_officer=403, other_head_teacher=404, outsider=404),
    ),
    (
        "registry:class-contact-cards",
        {"class_id": lambda w: w.class_a.pk},
        "",
        "get",
        everyone(
            200,
            admin=403,
            privacy_officer=403,
            volunteer=404,
            other_head_teacher=404,
            outsider=404,
        ),
    ),
    ("reports:census", {}, "", "get", everyone(200, admin=403, volunteer=403)),
    (
        "reports:census",
        {},
        "scope=511781",
        "get",
        everyone(
            404,
            anonymous=302,
            admin=403,
            volunteer=403,
            region_officer=200,
            privacy_officer=200,
        ),
    ),
    # --- care (issue 4) ---
    (
        "care:action-create",
        {},
        "kind=symposium",
        "get",
        everyone(403, **CARE_RECORDERS),
    ),
    (
        "care:child-action-create",
        CHILD_A,
        "kind=home_visit",
        "get",
        everyone(403, **{**CARE_RECORDERS, "other_head_teacher": 404, "outsider": 404}),
    ),
    (
        "care:child-care",
        CHILD_A,
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    (
        "care:child-care-section",
        CHILD_A,
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    (
        "care:observation-create",
        CHILD_A,
        "",
        "get",
        everyone(
            403,
            school_leader=200,
            head_teacher=200,
            teacher=200,
            counsellor=200,
            other_head_teacher=404,
            outsider=404,
        ),
    ),
    (
        "care:exemption-create",
        CHILD_A,
        "",
        "get",
        everyone(403, school_leader=200, head_teacher=200, other_head_teacher=404, outsider=404),
    ),
    (
        "care:pairing-classes",
        {},
        "",
        "get",
        # A head teacher goes straight to their class; the leader picks one of the school's.
        everyone(403, anonymous=302, school_leader=200, **PAIRERS),
    ),
    (
        "care:class-pairings",
        {"class_id": lambda w: w.class_a.pk},
        "",
        "get",
        everyone(403, school_leader=200, head_teacher=200, other_head_teacher=404, outsider=404),
    ),
    ("care:coverage", {}, "", "get", everyone(403, **OVERSEERS)),
    (
        "care:coverage",
        {},
        "scope=511781",
        "get",
        everyone(403, **OVERSEERS_OF_COUNTY),
    ),
    ("care:compliance", {}, "", "get", everyone(403, **OVERSEERS)),
    (
        "care:compliance",
        {},
        f"scope=511781&month={month_key('2026-10')}",
        "get",
        everyone(403, **OVERSEERS_OF_COUNTY),
    ),
    (
        "care:compliance",
        {},
        "scope=class:{class_a}",
        "get",
        everyone(403, **OVERSEERS_OF_CLASS_A),
    ),
    (
        "care:quotas",
        {},
        "",
        "get",
        everyone(403, admin=200, region_officer=200, township_officer=200, school_leader=200),
    ),
    (
        "care:quotas",
        {},
        "scope=3151781002",
        "get",
        # School B lies in the county but outside township A and outside school A.
        everyone(403, admin=200, region_officer=200, township_officer=404, school_leader=404),
    ),
    ("org:list", {"kind": lambda w: "school"}, "", "get", everyone(403, admin=200)),
    ("org:create", {"kind": lambda w: "term"}, "", "get", everyone(403, admin=200)),
    (
        "org:edit",
        {"kind": lambda w: "school", "pk": lambda w: w.class_a.school_id},
        "",
        "get",
        everyone(403, admin=200),
    ),
    # Accounts: the second factor (issue 5). The roles that must use it are verified in tests.
    ("accounts:security", {}, "", "get", everyone(200)),
    ("accounts:two-factor-verify", {}, "", "get", everyone(200, **VERIFIED_ALREADY)),
    ("accounts:two-factor-setup", {}, "", "get", everyone(200)),
    ("accounts:two-factor-off", {}, "", "post", everyone(302)),
    (
        "accounts:recovery-codes-renew",
        {},
        "",
        "post",
        everyone(302, **dict.fromkeys(VERIFIED_ALREADY, 200)),
    ),
    # Accounts (issue 12): the administrator for the county, the school leader for school A's
    # staff; an account outside what they manage is a 404.
    ("accounts:password-change", {}, "", "get", everyone(200)),
    ("accounts:user-list", {}, "", "get", everyone(403, **MANAGERS)),
    ("jobs:run-list", {}, "", "get", everyone(403, admin=200)),
    ("jobs:run-retry", FAILED_JOB, "", "post", everyone(403, admin=302)),
    ("accounts:user-create", {}, "", "get", everyone(403, **MANAGERS)),
    ("accounts:user-edit", HEAD_TEACHER_A, "", "get", everyone(403, **MANAGERS)),
    ("accounts:user-edit", HEAD_TEACHER_B, "", "get", everyone(403, admin=200, school_leader=404)),
    ("accounts:user-edit", OTHER_COUNTY, "", "get", everyone(403, admin=404, school_leader=404)),
    ("accounts:user-edit", COUNTY_OFFICER, "", "get", everyone(403, admin=200, school_leader=404)),
    ("accounts:user-deactivate", HEAD_TEACHER_A, "", "post", everyone(403, **MANAGED_POST)),
    ("accounts:user-deactivate", HEAD_TEACHER_B, "", "post", everyone(403, **ADMIN_ONLY_POST)),
    ("accounts:user-reactivate", HEAD_TEACHER_A, "", "post", everyone(403, **MANAGED_POST)),
    ("accounts:user-reactivate", OTHER_COUNTY, "", "post", everyone(403, **NOT_MANAGED)),
    ("accounts:user-password-reset", HEAD_TEACHER_A, "", "post", everyone(403, **MANAGERS)),
    ("accounts:user-password-reset", OTHER_COUNTY, "", "post", everyone(403, **NOT_MANAGED)),
    ("accounts:user-password-reset", COUNTY_OFFICER, "", "post", everyone(403, **ADMIN_ONLY)),
    ("accounts:user-two-factor-reset", HEAD_TEACHER_A, "", "post", everyone(403, **MANAGED_POST)),
    (
        "accounts:user-two-factor-reset",
        HEAD_TEACHER_B,
        "",
        "post",
        everyone(403, **ADMIN_ONLY_POST),
    ),
    # The privacy officer's pages (issue 5).
    ("audit:index", {}, "", "get", everyone(403, privacy_officer=200)),
    ("audit:access-log", {}, "", "get", everyone(403, privacy_officer=200)),
    ("audit:access-log", {}, "user=teacher&action=view", "get", everyone(403, privacy_officer=200)),
    ("audit:unusual", {}, "", "get", everyone(403, privacy_officer=200)),
    ("audit:grants", {}, "", "get", everyone(403, privacy_officer=200)),
    ("audit:requests", {}, "", "get", everyone(403, privacy_officer=200)),
    ("audit:requests", {}, "show=overdue", "get", everyone(403, privacy_officer=200)),
    (
        "audit:request-detail",
        {"public_id": lambda w: GuardianRequestFactory(child=w.child_a).public_id},
        "",
        "get",
        everyone(403, privacy_officer=200),
    ),
    ("audit:report", {}, f"year={TODAY.year}", "get", everyone(403, privacy_officer=200)),
    # A reveal without a reason is the form again (200); a role that never sees the field, 403.
    (
        "audit:reveal",
        {**CHILD_A, "target": lambda w: "id_number"},
        "",
        "post",
        everyone(200, admin=403, volunteer=403, other_head_teacher=404, outsider=404),
    ),
    (
        "audit:reveal",
        {**CHILD_A, "target": lambda w: "health_notes"},
        "",
        "post",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    # The census in and out, the handover, transfers and leaving (issue 3). An upload is seen
    # only by whoever uploaded it (the head teacher of class A here).
    ("registry:census-template", {}, "", "get", everyone(403, **IMPORTERS)),
    ("registry:census-import", {}, "", "get", everyone(403, **IMPORTERS)),
    (
        "registry:census-import-preview",
        UPLOAD,
        "",
        "get",
        everyone(403, **{**dict.fromkeys(IMPORTERS, 404), "head_teacher": 200}),
    ),
    (
        "registry:census-import-confirm",
        UPLOAD,
        "",
        "post",
        everyone(403, **{**dict.fromkeys(IMPORTERS, 404), "head_teacher": 302}),
    ),
    (
        "registry:census-import-errors",
        UPLOAD,
        "",
        "get",
        everyone(403, **{**dict.fromkeys(IMPORTERS, 404), "head_teacher": 200}),
    ),
    (
        "reports:census-export",
        {},
        "",
        "get",
        everyone(403, **IMPORTERS, region_officer=200, township_officer=200),
    ),
    ("reports:census-table", {}, "", "get", everyone(200, admin=403, volunteer=403)),
    (
        "reports:census-table",
        {},
        "scope=511781",
        "get",
        everyone(
            404, anonymous=302, admin=403, volunteer=403, region_officer=200, privacy_officer=200
        ),
    ),
    ("registry:handover", {}, "", "get", everyone(403, school_leader=200)),
    (
        "registry:handover-undo",
        {
            "public_id": lambda w: (
                SchoolHandover.objects.create(
                    school=w.school_a, from_term=w.previous_term, to_term=w.term
                ).public_id
            )
        },
        "",
        "post",
        everyone(403, school_leader=302),
    ),
    ("registry:transfers-out", {}, "", "get", everyone(200, admin=403)),
    (
        "registry:transfer-history",
        {
            "public_id": lambda w: (
                ChildTransferFactory(child=w.child_a, to_class=w.class_b).public_id
            )
        },
        "",
        "get",
        everyone(200, admin=403, volunteer=404, other_head_teacher=404, outsider=404),
    ),
    (
        "registry:child-leave",
        CHILD_A,
        "",
        "get",
        everyone(403, school_leader=200, head_teacher=200, other_head_teacher=404, outsider=404),
    ),
    ("registry:child-transfer", CHILD_A, "", "get", everyone(403, school_leader=200)),
    # Reports (issue 6): the dashboard for those who oversee the care work; the tables, the
    # summary and the assessment for leaders; a class's summary for its head teacher too. A
    # class has no assessment (404).
    ("reports:dashboard", {}, "", "get", everyone(403, **DASHBOARD_READERS)),
    (
        "reports:dashboard",
        {},
        "scope=511781",
        "get",
        everyone(403, **{**dict.fromkeys(DASHBOARD_READERS, 404), "region_officer": 200}),
    ),
    (
        "reports:dashboard",
        {},
        "scope=class:{class_a}",
        "get",
        everyone(403, **{**dict.fromkeys(DASHBOARD_READERS, 404), **LEADERS_OF_CLASS_A}),
    ),
    ("reports:workbook", {}, "", "get", everyone(403, **REPORT_LEADS)),
    (
        "reports:workbook",
        {},
        "scope=3151781002",
        "get",
        everyone(403, **{**dict.fromkeys(REPORT_LEADS, 404), "region_officer": 200}),
    ),
    ("reports:summary", {}, "", "get", everyone(403, **SUMMARY_DRAFTERS)),
    (
        "reports:summary",
        {},
        "scope=class:{class_a}",
        "get",
        everyone(403, **{**SUMMARY_DRAFTERS, "other_head_teacher": 404, "outsider": 404}),
    ),
    ("reports:summary-docx", {}, "", "get", everyone(403, **SUMMARY_DRAFTERS)),
    (
        "reports:summary-pdf",
        {},
        "scope=3151781002",
        "get",
        everyone(403, **{**dict.fromkeys(SUMMARY_DRAFTERS, 404), "region_officer": 200}),
    ),
    ("reports:assessment", {}, "", "get", everyone(403, **REPORT_LEADS)),
    ("reports:assessment", {}, "scope=class:{class_a}", "get", everyone(403, **NO_CLASS_REPORT)),
    # --- activities: events, photo consent, interest groups (issue 16) ---
    ("activities:event-list", {}, "", "get", everyone(403, **ACTIVITY_RECORDERS)),
    ("activities:event-create", {}, "", "get", everyone(403, **ACTIVITY_RECORDERS)),
    (
        "activities:event-detail",
        EVENT_A,
        "",
        "get",
        everyone(403, **{**ACTIVITY_RECORDERS, **ACTIVITY_OUT_OF_SCOPE}),
    ),
    (
        "activities:event-photo",
        PHOTO_A,
        "",
        "get",
        # The privacy matrix's `photos` row: officers above the township and the privacy
        # officer read figures, not photos of children.
        everyone(
            200,
            admin=403,
            region_officer=403,
            privacy_officer=403,
            other_head_teacher=404,
            outsider=404,
        ),
    ),
    (
        "activities:child-activities-section",
        CHILD_A,
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    (
        "activities:photo-consent",
        CHILD_A,
        "",
        "get",
        everyone(403, school_leader=200, head_teacher=200, other_head_teacher=404, outsider=404),
    ),
    ("activities:home-events", {}, "", "get", everyone(200)),
    ("activities:group-list", {}, "", "get", everyone(403, **ACTIVITY_RECORDERS)),
    ("activities:group-create", {}, "", "get", everyone(403, **ACTIVITY_RECORDERS)),
    (
        "activities:group-detail",
        GROUP_A,
        "",
        "get",
        everyone(403, **{**ACTIVITY_RECORDERS, **ACTIVITY_OUT_OF_SCOPE}),
    ),
    (
        "activities:group-session",
        GROUP_A,
        "",
        "get",
        everyone(403, **{**ACTIVITY_RECORDERS, **ACTIVITY_OUT_OF_SCOPE}),
    ),
    (
        "activities:group-class-sheet",
        {"class_id": lambda w: w.class_a.pk},
        "",
        "get",
        # A volunteer has no class: the sheet of one is a 404.
        everyone(403, **{**ACTIVITY_RECORDERS, **ACTIVITY_OUT_OF_SCOPE, "volunteer": 404}),
    ),
]


def _url_names(resolver=None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_is_in_the_permission_table():
    missing = _url_names() - {row[0] for row in TABLE}
    assert not missing, f"URLs without a row in the permission table: {sorted(missing)}"


CASES = [
    pytest.param(name, kwargs, query, method, role, expected, id=f"{name}?{query}-{role}")
    for name, kwargs, query, method, table in TABLE
    for role, expected in table.items()
]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """(world, users by role), built once for the module."""
    with built_once(django_db_blocker, build_world_and_cast) as world_and_cast:
        yield world_and_cast


@pytest.fixture(autouse=True)
def _documents_not_drawn(monkeypatch):
    """A PDF is not laid out (WeasyPrint takes a few tenths of a second a page): the table is
    about who gets the document, and the page that builds it still runs up to the drawing. The
    documents themselves are drawn by their own apps' tests."""
    import weasyprint

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda *args, **kwargs: b"%PDF-1.7 stub")


@pytest.mark.parametrize(("name", "kwargs", "query", "method", "role", "expected"), CASES)
def test_permission_table(client, db, built, name, kwargs, query, method, role, expected):
    world, users = built
    if role != "anonymous":
        client.force_login(users[role])
    url = reverse(name, kwargs={k: value(world) for k, value in kwargs.items()})
    query = query.format(class_a=world.class_a.pk, child_a=world.child_a.public_id)
    response = getattr(client, method)(f"{url}?{query}" if query else url)
    assert response.status_code == expected
