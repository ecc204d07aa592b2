"""Every URL × every role: the status a user gets. A forbidden role is a 403, a row outside the
scope is a 404, and a URL missing from the table fails the suite.

The world and its whole cast are built once for the module (`built_once`); each case runs in a
savepoint of its own, so the rows a case makes (an upload, a handover) are gone for the next."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.activities.tests import tables as home_tables
from shouhu.core.roles import Role
from shouhu.jobs.models import ExportRun, JobRun, RunStatus
from shouhu.registry.models import SchoolHandover
from shouhu.schooling.tests.attendance_world import absence_of
from shouhu.schooling.tests.dropout_helpers import case_of, suspect_of
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
from shouhu.welfare.tests.aid_world import aid_record_in_class_a

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


def _study_plan(w):
    """A study-help plan for child_a, taught by class A's head teacher, with one goal."""
    from shouhu.schooling.models import PlanGoal, StudyPlan

    plan = StudyPlan.objects.create(
        child=w.child_a,
        teacher=w.class_a.head_teacher,
        starts_on=w.term.starts_on,
        ends_on=w.term.ends_on,
        schedule="每周二课后",
        content="数学",
        created_by=w.class_a.head_teacher,
    )
    PlanGoal.objects.create(plan=plan, number=1, goal="及格", review_on=w.term.ends_on)
    return plan


CLASS_A = {"class_id": lambda w: w.class_a.pk}
PLAN = {"public_id": lambda w: _study_plan(w).public_id}
PLAN_GOAL = {**PLAN, "number": lambda w: 1}
GRADE_RECORDERS = {
    "school_leader": 200,
    "teacher": 200,
    "head_teacher": 302,
    "other_head_teacher": 302,
    "outsider": 302,
}
GRADE_CLASS_A = {
    "school_leader": 200,
    "head_teacher": 200,
    "teacher": 404,
    "other_head_teacher": 404,
    "outsider": 404,
}
PLAN_HELPERS = dict.fromkeys(
    ("school_leader", "head_teacher", "teacher", "counsellor", "other_head_teacher", "outsider"),
    200,
)
SCHOOL_A_STAFF = {"school_leader", "head_teacher", "teacher", "counsellor"}
# A POST without a form is the form again (400) for who manages the plan: its teacher (the head
# teacher of class A) and the school leader; the school's other staff read it but may not.
PLAN_MANAGERS = {
    "school_leader": 400,
    "head_teacher": 400,
    "teacher": 403,
    "counsellor": 403,
    "other_head_teacher": 404,
    "outsider": 404,
}


def everyone(status: int, **exceptions: int) -> dict[str, int]:
    """Anonymous users are sent to the login page; the others get `status` unless excepted."""
    table = {role: status for role in CAST}
    table["anonymous"] = 302
    table.update(exceptions)
    return table


CHILD_A = {"public_id": lambda w: w.child_a.public_id}
# Roles that record nothing a phone records offline (issue 19): no copy goes to their phone.
NOT_RECORDERS = dict.fromkeys(
    ("admin", "region_officer", "township_officer", "privacy_officer"), 403
)

# --- welfare: health and safety (issue 15) ---
HEALTH_RECORDERS = {
    "school_leader": 200,
    "head_teacher": 200,
    "other_head_teacher": 404,
    "outsider": 404,
}
INCIDENT_RECORDERS = {
    "township_officer": 200,
    "school_leader": 200,
    "head_teacher": 200,
    "teacher": 200,
    "counsellor": 200,
    "other_head_teacher": 404,
    "outsider": 404,
}
LECTURE_RECORDERS = {
    "school_leader": 200,
    "head_teacher": 200,
    "counsellor": 200,
    "other_head_teacher": 200,
    "outsider": 200,
}


def _incident_of_child_a(w):
    from shouhu.accounts.models import User
    from shouhu.welfare.models import Incident

    incident, _created = Incident.objects.get_or_create(
        child=w.child_a,
        defaults={
            "kind": "traffic",
            "happened_at": timezone.now(),
            "place": "校门口",
            "what": "擦伤",
            "recorded_by": User.objects.get(username="head_teacher"),
        },
    )
    return incident.public_id


def _check_of_child_a(w):
    from shouhu.accounts.models import User
    from shouhu.welfare.models import HealthCheck

    check, _created = HealthCheck.objects.get_or_create(
        child=w.child_a,
        checked_on=TODAY,
        defaults={
            "height_cm": 130,
            "weight_kg": 28,
            "vision_left": "4.9",
            "vision_right": "4.9",
            "dental": "normal",
            "follow_up": True,
            "recorded_by": User.objects.get(username="head_teacher"),
        },
    )
    return check.public_id


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
REGION_QUEUED = dict.fromkeys(("region_officer", "township_officer"), 302)
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
# The county officer's export, queued (not made yet): theirs alone, a 404 to everyone else.
COUNTY_EXPORT = {"public_id": lambda w: county_export(w).public_id}


# --- guardianship (welfare-guardians) ---
GUARDIANS = dict.fromkeys(
    ("township_officer", "school_leader", "head_teacher", "other_head_teacher", "outsider"), 200
)
GUARDIANS_OF_A = {**GUARDIANS, "other_head_teacher": 404, "outsider": 404}
HUKOU = {**GUARDIANS, "region_officer": 200}
HUKOU_OF_A = {**GUARDIANS_OF_A, "region_officer": 200}
SCAN_READERS = dict.fromkeys(
    ("region_officer", "township_officer", "school_leader", "head_teacher", "privacy_officer"), 200
)


def _agreement(w, *, signed: bool = False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shouhu.welfare.services.guardianship import agreement_draft, agreement_sign

    actor = w.class_a.head_teacher
    agreement = agreement_draft(actor=actor, child=w.child_a)
    if signed:
        scan = SimpleUploadedFile("确认书.pdf", b"%PDF-1.4 signed")
        agreement_sign(actor=actor, agreement=agreement, signed_on=TODAY, upload=scan)
    return agreement.public_id


def _training_session(w):
    from shouhu.welfare.models.guardianship import TrainingSession

    return TrainingSession.objects.create(
        school=w.school_a,
        school_class=w.class_a,
        held_on=TODAY,
        topic="隔代教育",
        created_by=w.class_a.head_teacher,
    ).public_id


def _hukou_referral(w):
    from shouhu.welfare.models.guardianship import HukouReferral

    return HukouReferral.objects.create(
        child=w.child_a,
        police_station="太平派出所",
        reported_on=TODAY,
        created_by=w.class_a.head_teacher,
    ).public_id


AGREEMENT = {"public_id": _agreement}
SIGNED_AGREEMENT = {"public_id": lambda w: _agreement(w, signed=True)}
# The Home (issue 16): who keeps one (HOME_DUTY), and school A's Home seen by its own staff.
HOME_KEEPERS = dict.fromkeys(
    ("school_leader", "head_teacher", "teacher", "counsellor", "other_head_teacher", "outsider"),
    200,
)
HOME_KEEPERS_OF_A = {**HOME_KEEPERS, "other_head_teacher": 404, "outsider": 404}
HOME_A = {"home_id": lambda w: home_tables.home_of_school_a(w).pk}
ACTIVITY_RECORDERS = {**HOME_KEEPERS, "township_officer": 200, "volunteer": 200}
EVENT_RECORDERS = {**CARE_RECORDERS, "township_officer": 200}
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


def county_export(world) -> ExportRun:
    return ExportRun.objects.create(
        kind="reports.workbook",
        label="万源市统计报表",
        params={"scope": "511781"},
        requested_by=User.objects.get(role=Role.REGION_OFFICER, scope_region=world.county),
        created_at=timezone.now(),
    )


# Aid (welfare): who proposes, approves or decides aid reads its pages; a record of class A.
AID_READERS = dict.fromkeys(
    (
        "region_officer",
        "township_officer",
        "school_leader",
        "head_teacher",
        "other_head_teacher",
        "outsider",
    ),
    200,
)
# 控辍保学: who reads cases (the privacy matrix's `dropout` row) and who works them.
DROPOUT_READERS = dict.fromkeys(
    (
        "region_officer",
        "township_officer",
        "school_leader",
        "head_teacher",
        "teacher",
        "counsellor",
        "other_head_teacher",
        "outsider",
    ),
    200,
)
AID_OF_CLASS_A = {"public_id": lambda w: aid_record_in_class_a(w).public_id}
DROPOUT_READERS_OF_A = {**DROPOUT_READERS, "other_head_teacher": 404, "outsider": 404}
DROPOUT_MANAGERS = ("school_leader", "head_teacher", "other_head_teacher", "outsider")
DROPOUT_MANAGERS_OF_A = {
    "school_leader": 200,
    "head_teacher": 200,
    "other_head_teacher": 404,
    "outsider": 404,
}
# An empty POST names no action: refused as a bad request, after the scope.
DROPOUT_ACTORS_OF_A = {**DROPOUT_MANAGERS_OF_A, "school_leader": 400, "head_teacher": 400}
DROPOUT_REVIEWERS = dict.fromkeys(("region_officer", "township_officer"), 200)
SUSPECT_A = {"public_id": lambda w: suspect_of(w.child_a).public_id}
CASE_A = {"public_id": lambda w: case_of(w.child_a).public_id}
CASE_A_PDF = {**CASE_A, "fmt": lambda w: "pdf"}

# (url name, reverse kwargs computed from the world, query string, method, expected status per role)
# The parents' channel (家长端): no staff role reaches a parent's page (a staff login is no
# parent session: the parents' login page); the login page is open to anyone; the teachers' side
# is the parents' messages on 我的待办 and the reply.
PARENTS_ONLY = everyone(302)
PARENT_REPLIERS = {
    role: 403
    for role in (
        "admin",
        "region_officer",
        "township_officer",
        "privacy_officer",
    )
}
UNKNOWN_MESSAGE = {"public_id": lambda w: "00000000-0000-4000-8000-000000000000"}
PARENTS_TABLE = [
    ("parents:login", {}, "", "get", everyone(200, anonymous=200)),
    ("parents:code", {}, "", "get", PARENTS_ONLY),
    ("parents:logout", {}, "", "post", PARENTS_ONLY),
    ("parents:home", {}, "", "get", PARENTS_ONLY),
    ("parents:easy", {}, "", "get", PARENTS_ONLY),
    ("parents:child", CHILD_A, "", "get", PARENTS_ONLY),
    ("parents:message", CHILD_A, "", "post", PARENTS_ONLY),
    ("parents:agreement", CHILD_A, "", "get", PARENTS_ONLY),
    ("parents:request", CHILD_A, "", "get", PARENTS_ONLY),
    ("parents:photo", CHILD_A, "", "get", PARENTS_ONLY),
    ("parents:phone", {}, "", "get", PARENTS_ONLY),
    ("parents:video", CHILD_A, "", "get", PARENTS_ONLY),
    (
        "parents:video-cancel",
        {**CHILD_A, "booking_id": lambda w: "00000000-0000-4000-8000-000000000000"},
        "",
        "post",
        PARENTS_ONLY,
    ),
    ("parents:home-messages", {}, "", "get", everyone(200)),
    ("parents:message-reply", UNKNOWN_MESSAGE, "", "post", everyone(404, **PARENT_REPLIERS)),
    (
        "parents:child-messages-section",
        CHILD_A,
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    (
        "parents:reply-setting",
        {},
        "",
        "get",
        everyone(403, admin=200, region_officer=200, township_officer=200, school_leader=200),
    ),
]

TABLE = [
    *PARENTS_TABLE,
    ("home", {}, "", "get", everyone(200)),
    # No worker beats in these tests: /healthz says the worker is missing (503), to anyone.
    ("healthz", {}, "", "get", everyone(503, anonymous=503)),
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
    # Notifications (issue 19): everyone's own settings; the outbox is the administrator's.
    ("notify:preferences", {}, "", "get", everyone(200)),
    ("notify:outbox", {}, "", "get", everyone(403, admin=200)),
    # A user's own long exports (issue 17): anyone signed in has the list; a run is its owner's.
    ("jobs:export-list", {}, "", "get", everyone(200)),
    ("jobs:export-status", COUNTY_EXPORT, "", "get", everyone(404, region_officer=200)),
    ("jobs:export-file", COUNTY_EXPORT, "", "get", everyone(404, region_officer=410)),
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
    # A region's workbook and summary files are queued for the worker (302 to the progress).
    (
        "reports:workbook",
        {},
        "",
        "get",
        everyone(403, **{**REPORT_LEADS, **REGION_QUEUED}),
    ),
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
    (
        "reports:summary-docx",
        {},
        "",
        "get",
        everyone(403, **{**SUMMARY_DRAFTERS, **REGION_QUEUED}),
    ),
    (
        "reports:summary-pdf",
        {},
        "scope=3151781002",
        "get",
        everyone(403, **{**dict.fromkeys(SUMMARY_DRAFTERS, 404), "region_officer": 200}),
    ),
    ("reports:assessment", {}, "", "get", everyone(403, **REPORT_LEADS)),
    ("reports:assessment", {}, "scope=class:{class_a}", "get", everyone(403, **NO_CLASS_REPORT)),
    # --- welfare: aid (issue 15) ---
    ("welfare:aid-list", {}, "", "get", everyone(403, **AID_READERS)),
    ("welfare:aid-list", {}, "scope=511781", "get", everyone(403, **OVERSEERS_OF_COUNTY)),
    ("welfare:aid-hints", {}, "", "get", everyone(403, **AID_READERS)),
    ("welfare:aid-notice", {}, "", "get", everyone(403, **AID_READERS)),
    (
        "welfare:aid-notice",
        {},
        "scope=3151781002",
        "get",
        everyone(403, **{**dict.fromkeys(AID_READERS, 404), "region_officer": 200}),
    ),
    ("welfare:aid-notice-pdf", {}, "", "get", everyone(403, **AID_READERS)),
    ("welfare:aid-notice-docx", {}, "", "get", everyone(403, **AID_READERS)),
    ("welfare:home-aid", {}, "", "get", everyone(200)),
    (
        "welfare:aid-detail",
        AID_OF_CLASS_A,
        "",
        "get",
        everyone(403, **{**AID_READERS, "other_head_teacher": 404, "outsider": 404}),
    ),
    (
        "welfare:aid-evidence",
        AID_OF_CLASS_A,
        "",
        "get",
        everyone(403, **{**AID_READERS, "other_head_teacher": 404, "outsider": 404}),
    ),
    (
        "welfare:aid-propose",
        CHILD_A,
        "",
        "get",
        everyone(403, school_leader=200, head_teacher=200, other_head_teacher=404, outsider=404),
    ),
    # --- activities: events, photo consent, interest groups (issue 16) ---
    ("activities:event-list", {}, "", "get", everyone(403, **EVENT_RECORDERS)),
    ("activities:event-create", {}, "", "get", everyone(403, **EVENT_RECORDERS)),
    (
        "activities:event-detail",
        EVENT_A,
        "",
        "get",
        everyone(403, **{**EVENT_RECORDERS, **ACTIVITY_OUT_OF_SCOPE}),
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
    # --- schooling: attendance (issue 14) ---
    (
        "schooling:roll-call-classes",
        {},
        "",
        "get",
        # A head teacher goes straight to their class; the leader picks one of the school's.
        everyone(403, school_leader=200, **PAIRERS),
    ),
    (
        "schooling:roll-call",
        {"class_id": lambda w: w.class_a.pk},
        "",
        "get",
        everyone(403, school_leader=200, head_teacher=200, other_head_teacher=404, outsider=404),
    ),
    (
        "welfare:child-aid-section",
        CHILD_A,
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    # --- guardianship (welfare-guardians) ---
    ("welfare:guardianship-agreements", {}, "", "get", everyone(403, **GUARDIANS)),
    (
        "welfare:guardianship-agreements",
        {},
        "scope=class:{class_a}",
        "get",
        everyone(403, **{**GUARDIANS_OF_A}),
    ),
    (
        "welfare:guardianship-child",
        CHILD_A,
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    (
        "schooling:absence-follow-up",
        {"absence_id": lambda w: absence_of(w.child_a, taken_by=w.class_a.head_teacher).pk},
        "",
        "get",
        everyone(403, school_leader=200, head_teacher=200, other_head_teacher=404, outsider=404),
    ),
    ("schooling:calendar", {}, "", "get", everyone(403, school_leader=200)),
    (
        "schooling:calendar",
        {},
        "scope=3151781002",
        "get",
        everyone(403, school_leader=404),
    ),
    ("schooling:attendance-figures", {}, "", "get", everyone(403, **DASHBOARD_READERS)),
    (
        "schooling:attendance-figures",
        {},
        "scope=class:{class_a}",
        "get",
        everyone(403, **{**DASHBOARD_READERS, "other_head_teacher": 404, "outsider": 404}),
    ),
    ("schooling:home-attendance", {}, "", "get", everyone(200)),
    (
        "schooling:child-attendance-section",
        CHILD_A,
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    (
        "welfare:guardianship-section",
        CHILD_A,
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    # POST only: the roles that may are told so (405), the others refused first.
    (
        "welfare:agreement-create",
        CHILD_A,
        "",
        "get",
        everyone(403, **dict.fromkeys(GUARDIANS, 405)),
    ),
    ("welfare:agreement-sign", AGREEMENT, "", "get", everyone(403, **GUARDIANS_OF_A)),
    ("welfare:agreement-docx", AGREEMENT, "", "get", everyone(403, **GUARDIANS_OF_A)),
    ("welfare:agreement-pdf", AGREEMENT, "", "get", everyone(403, **GUARDIANS_OF_A)),
    (
        "welfare:agreement-scan",
        SIGNED_AGREEMENT,
        "",
        "get",
        everyone(404, **SCAN_READERS),
    ),
    (
        "welfare:class-agreements-pdf",
        {"class_id": lambda w: w.class_a.pk},
        "",
        "get",
        everyone(403, **GUARDIANS_OF_A),
    ),
    ("welfare:training", {}, "", "get", everyone(403, **GUARDIANS)),
    (
        "welfare:training-session",
        {"public_id": _training_session},
        "",
        "get",
        everyone(403, **GUARDIANS_OF_A),
    ),
    ("welfare:commendations", {}, "", "get", everyone(403, **GUARDIANS)),
    ("welfare:commendation-create", CHILD_A, "", "get", everyone(403, **GUARDIANS_OF_A)),
    ("welfare:hukou", {}, "", "get", everyone(403, **HUKOU)),
    (
        "welfare:hukou",
        {},
        "scope=511781",
        "get",
        everyone(403, **{**dict.fromkeys(HUKOU, 404), "region_officer": 200}),
    ),
    ("welfare:hukou-report", CHILD_A, "", "get", everyone(403, **HUKOU_OF_A)),
    (
        "welfare:hukou-registered",
        {"public_id": _hukou_referral},
        "",
        "get",
        everyone(403, **HUKOU_OF_A),
    ),
    ("welfare:home-guardianship", {}, "", "get", everyone(200)),
    # --- 控辍保学 (schooling, issue 14): cases are the school's, the township's and the county's
    ("schooling:dropout-ledgers", {}, "", "get", everyone(403, **DROPOUT_READERS)),
    ("schooling:dropout-suspect", SUSPECT_A, "", "get", everyone(403, **DROPOUT_MANAGERS_OF_A)),
    ("schooling:dropout-case", CASE_A, "", "get", everyone(403, **DROPOUT_READERS_OF_A)),
    ("schooling:dropout-case-act", CASE_A, "", "post", everyone(403, **DROPOUT_ACTORS_OF_A)),
    ("schooling:dropout-case-report", CASE_A_PDF, "", "get", everyone(403, **DROPOUT_READERS_OF_A)),
    (
        "schooling:dropout-case-evidence",
        CASE_A,
        "",
        "get",
        everyone(403, **dict.fromkeys(DROPOUT_READERS, 404)),
    ),
    (
        "schooling:child-dropout-section",
        CHILD_A,
        "",
        "get",
        everyone(403, **DROPOUT_READERS_OF_A, volunteer=200, privacy_officer=200),
    ),
    (
        "schooling:child-dropout-register",
        CHILD_A,
        "",
        "get",
        everyone(403, **DROPOUT_MANAGERS_OF_A),
    ),
    ("schooling:home-dropout", {}, "", "get", everyone(200)),
    ("schooling:dropout-monthly", {}, "", "get", everyone(403, **DROPOUT_READERS)),
    (
        "schooling:dropout-monthly-document",
        {"fmt": lambda w: "xlsx"},
        "",
        "get",
        # A school's report: a region has none, and a head teacher sees one class only.
        everyone(
            403,
            **{
                **dict.fromkeys(DROPOUT_READERS, 404),
                "school_leader": 200,
                "teacher": 200,
                "counsellor": 200,
            },
        ),
    ),
    ("schooling:dropout-review", {}, "", "get", everyone(403, **DROPOUT_REVIEWERS)),
    (
        "schooling:dropout-review-record",
        {"code": lambda w: w.school_a.code},
        "",
        "post",
        everyone(403, region_officer=302, township_officer=302),
    ),
    (
        "schooling:roll-check",
        {},
        "",
        "get",
        everyone(403, **DROPOUT_REVIEWERS, school_leader=200),
    ),
    # --- grades and study-help plans (issue 14): the teacher teaches no subject of class A in
    # this world, so its sheet is a 404 to them.
    ("schooling:grades-home", {}, "", "get", everyone(403, **dict.fromkeys(GRADE_RECORDERS, 200))),
    ("schooling:grade-sheet", CLASS_A, "", "get", everyone(403, **GRADE_CLASS_A)),
    ("schooling:class-subjects", CLASS_A, "", "get", everyone(403, **GRADE_CLASS_A)),
    ("schooling:grade-template", CLASS_A, "", "get", everyone(403, **GRADE_CLASS_A)),
    (
        "schooling:grade-import",
        {},
        "",
        "get",
        everyone(403, **dict.fromkeys(GRADE_RECORDERS, 200)),
    ),
    ("schooling:grade-progress", {}, "", "get", everyone(200, admin=403, volunteer=403)),
    (
        "schooling:grade-progress",
        {},
        "scope=511781",
        "get",
        everyone(
            404, anonymous=302, admin=403, volunteer=403, region_officer=200, privacy_officer=200
        ),
    ),
    (
        "schooling:child-grades-section",
        CHILD_A,
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    # --- welfare: health and safety (issue 15) ---
    (
        "welfare:health-sheet",
        {"class_id": lambda w: w.class_a.pk},
        "",
        "get",
        everyone(403, **HEALTH_RECORDERS),
    ),
    (
        "welfare:health-import",
        {"class_id": lambda w: w.class_a.pk},
        "",
        "get",
        everyone(403, **dict.fromkeys(HEALTH_RECORDERS, 405)),
    ),
    (
        "welfare:health-template",
        {},
        "",
        "get",
        everyone(403, **dict.fromkeys(HEALTH_RECORDERS, 200)),
    ),
    (
        "welfare:child-health-section",
        CHILD_A,
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    # --- the Home, reading and awards (issue 16, activities) ---
    ("activities:home-index", {}, "", "get", everyone(403, **HOME_KEEPERS)),
    ("activities:home-setup", {}, "", "get", everyone(403, school_leader=200)),
    ("activities:home-duty", {}, "", "get", everyone(200)),
    (
        "activities:home-settings",
        {},
        "",
        "get",
        everyone(403, admin=200, region_officer=200, township_officer=200, school_leader=404),
    ),
    ("activities:home-detail", HOME_A, "", "get", everyone(403, **HOME_KEEPERS_OF_A)),
    ("activities:home-day", HOME_A, "", "get", everyone(403, **HOME_KEEPERS_OF_A)),
    ("activities:home-call", HOME_A, "", "get", everyone(403, **HOME_KEEPERS_OF_A)),
    (
        "activities:home-swap",
        {**HOME_A, "duty_id": lambda w: home_tables.duty_of_head_teacher(w).pk},
        "",
        "get",
        everyone(403, **HOME_KEEPERS_OF_A),
    ),
    # Family video calls booked by parents (亲情视频, issue 19).
    ("activities:home-slots", HOME_A, "", "get", everyone(403, school_leader=200)),
    ("activities:home-bookings", HOME_A, "", "get", everyone(403, **HOME_KEEPERS_OF_A)),
    (
        "activities:home-booking-mark",
        {**HOME_A, "public_id": lambda w: "00000000-0000-4000-8000-000000000000"},
        "",
        "post",
        everyone(403, **dict.fromkeys(HOME_KEEPERS, 404)),
    ),
    ("activities:reading-sheet", {}, "", "get", everyone(403, **ACTIVITY_RECORDERS)),
    ("activities:reading-figures", {}, "", "get", everyone(403, **OVERSEERS)),
    (
        "activities:reading-child",
        CHILD_A,
        "",
        "get",
        everyone(
            403,
            **{**ACTIVITY_RECORDERS, "other_head_teacher": 404, "outsider": 404},
        ),
    ),
    (
        "activities:reading-photo",
        {"public_id": lambda w: home_tables.reading_with_photo(w).public_id},
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    (
        "activities:child-home-section",
        CHILD_A,
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    ("schooling:plan-list", {}, "", "get", everyone(403, **PLAN_HELPERS)),
    (
        "schooling:plan-create",
        CHILD_A,
        "",
        "get",
        everyone(403, **{**PLAN_HELPERS, "other_head_teacher": 404, "outsider": 404}),
    ),
    (
        "schooling:plan-detail",
        PLAN,
        "",
        "get",
        everyone(404, admin=403, **{r: 200 for r in PLAN_HELPERS if r in SCHOOL_A_STAFF}),
    ),
    ("schooling:plan-goal-review", PLAN_GOAL, "", "post", everyone(403, **PLAN_MANAGERS)),
    ("schooling:plan-close", PLAN, "", "post", everyone(403, **PLAN_MANAGERS)),
    ("schooling:home-plans", {}, "", "get", everyone(200)),
    ("welfare:health-check-create", CHILD_A, "", "get", everyone(403, **HEALTH_RECORDERS)),
    ("welfare:health-condition-create", CHILD_A, "", "get", everyone(403, **HEALTH_RECORDERS)),
    (
        "welfare:health-follow-up-done",
        {"public_id": _check_of_child_a},
        "",
        "get",
        everyone(403, **dict.fromkeys(HEALTH_RECORDERS, 405)),
    ),
    ("welfare:home-health", {}, "", "get", everyone(200)),
    (
        "welfare:incident-list",
        {},
        "",
        "get",
        everyone(403, **dict.fromkeys(INCIDENT_RECORDERS, 200)),
    ),
    ("welfare:incident-create", CHILD_A, "", "get", everyone(403, **INCIDENT_RECORDERS)),
    (
        "welfare:incident-detail",
        {"public_id": _incident_of_child_a},
        "",
        "get",
        everyone(403, **INCIDENT_RECORDERS),
    ),
    (
        "welfare:incident-notice",
        {"public_id": _incident_of_child_a},
        "",
        "get",
        everyone(403, **dict.fromkeys(INCIDENT_RECORDERS, 405)),
    ),
    (
        "welfare:incident-follow-up",
        {"public_id": _incident_of_child_a},
        "",
        "get",
        everyone(403, **dict.fromkeys(INCIDENT_RECORDERS, 405)),
    ),
    (
        "welfare:class-chain",
        {"class_id": lambda w: w.class_a.pk},
        "",
        "get",
        everyone(
            200, admin=403, privacy_officer=403, volunteer=404, other_head_teacher=404, outsider=404
        ),
    ),
    (
        "welfare:lecture-list",
        {},
        "",
        "get",
        everyone(403, region_officer=200, township_officer=200, **LECTURE_RECORDERS),
    ),
    (
        "welfare:lecture-quota",
        {},
        "",
        "get",
        everyone(403, admin=405, region_officer=405, township_officer=405, school_leader=405),
    ),
    ("welfare:lecture-create", {}, "", "get", everyone(403, **LECTURE_RECORDERS)),
    ("activities:home-events", {}, "", "get", everyone(200)),
    ("activities:group-list", {}, "", "get", everyone(403, **EVENT_RECORDERS)),
    ("activities:group-create", {}, "", "get", everyone(403, **EVENT_RECORDERS)),
    (
        "activities:group-detail",
        GROUP_A,
        "",
        "get",
        everyone(403, **{**EVENT_RECORDERS, **ACTIVITY_OUT_OF_SCOPE}),
    ),
    (
        "activities:group-session",
        GROUP_A,
        "",
        "get",
        everyone(403, **{**EVENT_RECORDERS, **ACTIVITY_OUT_OF_SCOPE}),
    ),
    (
        "activities:group-class-sheet",
        {"class_id": lambda w: w.class_a.pk},
        "",
        "get",
        # A volunteer has no class: the sheet of one is a 404.
        everyone(403, **{**EVENT_RECORDERS, **ACTIVITY_OUT_OF_SCOPE, "volunteer": 404}),
    ),
    # --- offline capture (issue 19) ---
    ("care:offline", {}, "", "get", everyone(200, anonymous=200)),  # the shell: nobody's data
    ("service-worker", {}, "", "get", everyone(200, anonymous=200)),
    ("manifest", {}, "", "get", everyone(200, anonymous=200)),
    ("care:offline-sync", {}, "", "get", everyone(200, **NOT_RECORDERS)),
    # An empty batch: 400 for whoever may upload.
    ("care:offline-upload", {}, "", "post", everyone(400, **NOT_RECORDERS)),
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
