"""Every URL that takes a POST × every role that must not write through it: the POST is sent
with a valid form and refused (403, or 404 outside the scope; the login page for an anonymous
user), and the database holds exactly what it held before. A POST-taking URL missing from the
table fails the suite.

Each row also sends the same form as a role that may (`may`), where one can without a second
factor's live code, and checks that it does write: a row whose form writes nothing for anyone
could not catch a missing permission check.

"Nothing written" compares every table before and after the request, except the sessions (a
login writes one) and the access log's denial rows (a refused request is logged on purpose).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from shouhu.activities.models import GroupMembership
from shouhu.activities.tests import tables as home_tables
from shouhu.activities.tests.booking_tables import booking_of_child_a_today, home_with_video
from shouhu.audit.models import AccessAction, AccessLog
from shouhu.core.idnumber import make_id_number
from shouhu.jobs.models import JobRun, RunStatus
from shouhu.registry.models import SchoolHandover
from shouhu.registry.tests.census_sheets import row, sheet_bytes
from shouhu.schooling.tests.attendance_world import absence_of, make_up_today, next_weekday
from shouhu.schooling.tests.dropout_helpers import case_of, roll_call, status_list, suspect_of
from shouhu.testing.activities import event_of_class_a, group_of_school_a, jpeg
from shouhu.testing.dates import TODAY, day, iso
from shouhu.testing.factories import PASSWORD, GuardianRequestFactory, census_upload
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

# URLs that take a POST but write nothing a role could be refused: anyone may log in or out.
NOT_GUARDED = {
    "accounts:login": "anyone may try to log in",
    "accounts:logout": "anyone may log out; it ends the session only",
    # The parents' channel (家长端): a parent is no role of the cast. A staff login is no parent
    # session, so these send every role to the parents' login page and write nothing; the
    # parents' own tests (shouhu/parents/tests) post them with and without a parent's session.
    "parents:logout": "ends a parent's session only; a staff login is left alone",
    "parents:message": "a parent's write: no staff role is a parent (shouhu/parents/tests)",
    "parents:video": "a parent's booking: no staff role is a parent (test_booking)",
    "parents:video-cancel": "a parent's cancel: no staff role is a parent (test_booking)",
}


def refused(status: int = 403, *, but: tuple[str, ...] = (), **exceptions: int) -> dict[str, int]:
    """Every role but `but` gets `status` (anonymous users the login page), unless excepted."""
    table = {role: status for role in CAST if role not in but}
    table["anonymous"] = 302
    table.update(exceptions)
    return table


def only_anonymous() -> dict[str, int]:
    """A user's own account: every logged-in user may, an anonymous one is sent to log in."""
    return {"anonymous": 302}


def _offline_visit(w) -> str:
    """A phone's batch (issue 19): one home visit to child_a today, with a new phone id."""
    import json
    import uuid

    record = {
        "id": str(uuid.uuid4()),
        "type": "visit",
        "child": str(w.child_a.public_id),
        "day": TODAY.isoformat(),
        "summary": "家访。",
    }
    return json.dumps([record])


W = Any  # the world: a SimpleNamespace of the tree, child_a and child_b
U = dict  # the cast: users by role name


@dataclass(frozen=True)
class Write:
    """One write URL: how to reach it and what to post, who may (role, status) and who must not
    (role → status)."""

    name: str
    kwargs: dict[str, Callable[[W, U], Any]]
    data: Callable[[W, U], dict]
    may: tuple[str, int] | None
    refused: dict[str, int]
    query: str = ""
    # Run after the login, before the POST: what the user must have for the write to apply.
    given: Callable[[Any, Any], None] | None = None


def _verified_authenticator(client, user) -> None:
    """The user has an authenticator and gave its code at this login."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _child_form(w: W, u: U, **overrides) -> dict:
    birth = day(2017, 3, 8)
    return {
        "name": "王小明",
        "sex": "male",
        "birth_date": birth.isoformat(),
        "ethnicity": "汉族",
        "id_number": make_id_number(county="511781", birth_date=birth, serial=461),
        "hukou_type": "rural",
        "school_class": w.class_a.pk,
        "father-status": "migrant",
        "father-name": "王大山",
        "mother-status": "migrant",
        "guardian-name": "王爷爷",
        "guardian-relation": "祖父",
        "source": "register",
        **overrides,
    }


def _child_edit_form(w: W, u: U) -> dict:
    child = w.child_a
    return _child_form(
        w,
        u,
        name="李家诚",
        birth_date=child.birth_date.isoformat(),
        id_number=child.id_number,
    )


def _upload_file(w: W, u: U) -> dict:
    return {
        "term": w.term.code,
        "file": SimpleUploadedFile("摸底名册.xlsx", sheet_bytes([row(0)])),
    }


def _handover_form(w: W, u: U) -> dict:
    return {
        "from_term": w.previous_term.code,
        "to_term": w.term.code,
        # Done late, in the new term: the day it counts from is the new term's first.
        "on": w.term.starts_on.isoformat(),
        "action": "apply",
    }


def _handover(w: W, u: U):
    """School A's handover, done by its leader through the wizard: one that can be undone."""
    leader = Client()
    leader.force_login(u["school_leader"])
    assert leader.post(reverse("registry:handover"), _handover_form(w, u)).status_code == 302
    return SchoolHandover.objects.filter(school=w.school_a).latest("at").public_id


def _failed_job_run(w: W, u: U):
    now = timezone.now()
    run = JobRun.objects.create(
        duty="audit.retention", period="x", due_at=now, enqueued_at=now, status=RunStatus.FAILED
    )
    return run.public_id


CHILD_A = {"public_id": lambda w, u: w.child_a.public_id}
HEAD_TEACHER_A = {"pk": lambda w, u: u["head_teacher"].pk}
HEAD_TEACHER_B = {"pk": lambda w, u: u["other_head_teacher"].pk}
OUTSIDER = {"pk": lambda w, u: u["outsider"].pk}
UPLOAD = {"public_id": lambda w, u: census_upload(u["head_teacher"], w.term).public_id}
NOTHING: Callable[[W, U], dict] = lambda w, u: {}  # noqa: E731
MANAGERS = ("admin", "school_leader")
IMPORTERS = ("school_leader", "head_teacher", "other_head_teacher", "outsider")
CARE_RECORDERS = (
    "school_leader",
    "head_teacher",
    "teacher",
    "counsellor",
    "volunteer",
    "other_head_teacher",
    "outsider",
)
OUT_OF_SCOPE = {"other_head_teacher": 404, "outsider": 404}
GRADE_RECORDERS = ("school_leader", "head_teacher", "teacher", "other_head_teacher", "outsider")
PLAN_HELPERS = ("school_leader", "head_teacher", "teacher", "counsellor")


def _grade_sheet(w: W) -> SimpleUploadedFile:
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["班级", "姓名", "语文"])
    book.active.append([w.class_a.name, w.child_a.name, 90])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("grades.xlsx", buffer.getvalue())


def _study_plan(w: W, u: U):
    """A study-help plan for child_a, taught by class A's head teacher, with one goal."""
    from shouhu.schooling.models import PlanGoal, StudyPlan

    plan = StudyPlan.objects.create(
        child=w.child_a,
        teacher=u["head_teacher"],
        starts_on=w.term.starts_on,
        ends_on=w.term.ends_on,
        schedule="每周二课后",
        content="数学",
        created_by=u["head_teacher"],
    )
    PlanGoal.objects.create(plan=plan, number=1, goal="及格", review_on=w.term.starts_on)
    return plan.public_id


STUDY_PLAN = {"public_id": _study_plan}


# --- guardianship (welfare-guardians) ---
GUARDIANS = ("township_officer", "school_leader", "head_teacher", "other_head_teacher", "outsider")
HUKOU = ("region_officer", "township_officer", "school_leader", "head_teacher")


def _agreement(w: W, u: U):
    from shouhu.welfare.services.guardianship import agreement_draft

    return agreement_draft(actor=u["head_teacher"], child=w.child_a).public_id


def _training_session(w: W, u: U):
    from shouhu.welfare.models.guardianship import TrainingSession

    return TrainingSession.objects.create(
        school=w.school_a,
        school_class=w.class_a,
        held_on=TODAY,
        topic="隔代教育",
        created_by=u["head_teacher"],
    ).public_id


def _hukou_referral(w: W, u: U):
    from shouhu.welfare.models.guardianship import HukouReferral

    return HukouReferral.objects.create(
        child=w.child_a,
        police_station="太平派出所",
        reported_on=TODAY,
        created_by=u["head_teacher"],
    ).public_id


def _unregistered_child_a(client, user) -> None:
    """child_a (李家成) is flagged 无户籍, as the census would have it, before the report."""
    from shouhu.registry.models import Child, ChildFlag, Flag

    ChildFlag.objects.get_or_create(
        child=Child.objects.get(name="李家成"),
        flag=Flag.UNREGISTERED,
        until=None,
        defaults={"since": TODAY},
    )


HOME_A = {"home_id": lambda w, u: home_tables.home_of_school_a(w).pk}


# --- welfare: health and safety (issue 15) ---
HEALTH_RECORDERS = ("school_leader", "head_teacher")
INCIDENT_RECORDERS = ("township_officer", "school_leader", "head_teacher", "teacher", "counsellor")
HEALTH_VALUES = {
    "height_cm": "130",
    "weight_kg": "28",
    "vision_left": "4.9",
    "vision_right": "5.0",
    "dental": "normal",
}


def _health_check(w: W, u: U):
    from shouhu.welfare.models import HealthCheck

    check, _created = HealthCheck.objects.get_or_create(
        child=w.child_a,
        checked_on=day(2026, 11, 2),
        defaults={
            **HEALTH_VALUES,
            "follow_up": True,
            "recorded_by": u["head_teacher"],
        },
    )
    return check.public_id


def _incident(w: W, u: U):
    from shouhu.welfare.models import Incident

    incident, _created = Incident.objects.get_or_create(
        child=w.child_a,
        defaults={
            "kind": "traffic",
            "happened_at": timezone.now(),
            "place": "校门口",
            "what": "擦伤",
            "recorded_by": u["head_teacher"],
        },
    )
    return incident.public_id


def _clinic_workbook(w: W, u: U) -> dict:
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "身高（厘米）", "体重（千克）", "左眼视力", "右眼视力", "口腔"])
    book.active.append([w.child_a.name, 130, 28, 4.9, 5.0, "正常"])
    out = io.BytesIO()
    book.save(out)
    return {
        "checked_on": TODAY.isoformat(),
        "upload": SimpleUploadedFile("体检.xlsx", out.getvalue()),
    }


ACTIVITY_RECORDERS = (*CARE_RECORDERS, "township_officer")


def _parent_message(w: W, u: U):
    """A parents' message about child_a, from the father, waiting for a reply."""
    from shouhu.parents.models import ParentMessage
    from shouhu.registry.models import Parent

    return ParentMessage.objects.create(
        child=w.child_a,
        parent=Parent.objects.get(child=w.child_a, role="father"),
        body="孩子最近怎么样？",
        sent_at=timezone.now(),
    ).public_id


WRITES = [
    # --- the parents' channel: the reply to a parent's message (the head teacher, the proxy
    # parent); the staff without CARE_RECORD 403, the others out of scope 404 or not the child's
    # head teacher nor proxy parent 403 ---
    Write(
        "parents:message-reply",
        {"public_id": _parent_message},
        lambda w, u: {"reply": "孩子很好，请放心"},
        ("head_teacher", 302),
        refused(
            403,
            but=("head_teacher", "volunteer"),
            other_head_teacher=404,
            outsider=404,
        ),
    ),
    # --- the region's switch for replies to parents: a quota manager at a region (a school's
    # leader reads it at the school, where there is no switch to set: 404) ---
    Write(
        "parents:reply-setting",
        {},
        lambda w, u: {"counts": "no"},
        ("region_officer", 302),
        refused(but=("admin", "region_officer", "township_officer"), school_leader=404),
    ),
    # --- the user's own account: anyone logged in; the code-taking steps need a live code ---
    Write(
        "accounts:password-change",
        {},
        lambda w, u: {
            "current_password": PASSWORD,
            "new_password1": "石塘村-黄桷树-2026-冬",
            "new_password2": "石塘村-黄桷树-2026-冬",
        },
        ("teacher", 302),
        only_anonymous(),
    ),
    Write(
        "accounts:two-factor-verify", {}, lambda w, u: {"token": "123456"}, None, only_anonymous()
    ),
    Write(  # issue 19: one's own notification settings
        "notify:preferences",
        {},
        lambda w, u: {"channel": "sms", "digest": "on"},
        ("teacher", 302),
        only_anonymous(),
    ),
    Write(
        "accounts:two-factor-setup", {}, lambda w, u: {"token": "123456"}, None, only_anonymous()
    ),
    Write(
        "accounts:two-factor-off",
        {},
        NOTHING,
        ("teacher", 302),
        only_anonymous(),
        given=_verified_authenticator,
    ),
    Write("accounts:recovery-codes-renew", {}, NOTHING, ("region_officer", 200), only_anonymous()),
    # --- accounts managed by the administrator (county) and the school leader (school A) ---
    Write(
        "accounts:user-create",
        {},
        lambda w, u: {
            "username": "new_teacher",
            "display_name": "新老师",
            "role": "teacher",
            "scope": w.school_a.code,
        },
        ("school_leader", 200),
        refused(but=MANAGERS),
    ),
    Write(
        "accounts:user-edit",
        HEAD_TEACHER_A,
        lambda w, u: {
            "display_name": "张老师改",
            "role": "head_teacher",
            "scope": f"class:{w.class_a.pk}",
        },
        ("school_leader", 302),
        refused(but=MANAGERS),
    ),
    Write(
        "accounts:user-edit",
        OUTSIDER,
        lambda w, u: {
            "display_name": "外县老师改",
            "role": "head_teacher",
            "scope": f"class:{w.other_class.pk}",
        },
        None,
        refused(admin=404, school_leader=404),
    ),
    Write(
        "jobs:run-retry",
        {"public_id": _failed_job_run},
        NOTHING,
        ("admin", 302),
        refused(but=("admin",)),
    ),
    Write(
        "accounts:user-deactivate",
        HEAD_TEACHER_A,
        NOTHING,
        ("school_leader", 302),
        refused(but=MANAGERS),
    ),
    Write(
        "accounts:user-deactivate",
        HEAD_TEACHER_B,
        NOTHING,
        None,
        refused(school_leader=404, but=("admin",)),
    ),
    Write(
        "accounts:user-reactivate",
        HEAD_TEACHER_A,
        NOTHING,
        ("school_leader", 302),
        refused(but=MANAGERS),
    ),
    Write(
        "accounts:user-reactivate", OUTSIDER, NOTHING, None, refused(admin=404, school_leader=404)
    ),
    Write(
        "accounts:user-password-reset",
        HEAD_TEACHER_A,
        NOTHING,
        ("school_leader", 200),
        refused(but=MANAGERS),
    ),
    Write(
        "accounts:user-password-reset",
        OUTSIDER,
        NOTHING,
        None,
        refused(admin=404, school_leader=404),
    ),
    Write(
        "accounts:user-two-factor-reset",
        HEAD_TEACHER_A,
        NOTHING,
        ("school_leader", 302),
        refused(but=MANAGERS),
    ),
    Write(
        "accounts:user-two-factor-reset",
        HEAD_TEACHER_B,
        NOTHING,
        None,
        refused(school_leader=404, but=("admin",)),
    ),
    # --- the register ---
    Write(
        "registry:child-create",
        {},
        _child_form,
        ("head_teacher", 302),
        # A head teacher of another class may register children, but not into class A.
        refused(but=("school_leader", "head_teacher"), other_head_teacher=200, outsider=200),
    ),
    Write(
        "registry:child-edit",
        CHILD_A,
        _child_edit_form,
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
    ),
    Write(
        "registry:child-flag",
        {**CHILD_A, "flag": lambda w, u: "psych_concern"},
        lambda w, u: {"on": "1"},
        ("counsellor", 302),
        refused(but=("counsellor",), **OUT_OF_SCOPE),
    ),
    Write(
        "registry:contact-cards",
        {},
        lambda w, u: {"child": str(w.child_a.public_id), "reason": "家访前核对电话"},
        ("teacher", 200),
        refused(
            but=(
                "region_officer",
                "township_officer",
                "school_leader",
                "head_teacher",
                "teacher",
                "counsellor",
                "volunteer",
            ),
            **OUT_OF_SCOPE,
        ),
    ),
    Write(
        "registry:census-import",
        {},
        _upload_file,
        ("head_teacher", 302),
        refused(but=IMPORTERS),
    ),
    Write(
        "registry:census-import-confirm",
        UPLOAD,
        NOTHING,
        ("head_teacher", 302),
        refused(but=("head_teacher",), school_leader=404, **OUT_OF_SCOPE),
    ),
    Write(
        "reports:census-export",
        {},
        lambda w, u: {"scope": w.school_a.code, "term": w.term.code},
        ("school_leader", 200),
        refused(
            but=("region_officer", "township_officer", *IMPORTERS),
            other_head_teacher=404,
            outsider=404,
        ),
    ),
    Write(
        "registry:handover",
        {},
        _handover_form,
        ("school_leader", 302),
        refused(but=("school_leader",)),
    ),
    Write(
        "registry:handover-undo",
        {"public_id": _handover},
        NOTHING,
        ("school_leader", 302),
        refused(but=("school_leader",)),
    ),
    Write(
        "registry:child-leave",
        CHILD_A,
        lambda w, u: {"on": TODAY.isoformat(), "reason": "moved_away", "note": "随父母迁出"},
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
    ),
    Write(
        "registry:child-transfer",
        CHILD_A,
        lambda w, u: {"to_class": w.class_b.pk, "on": TODAY.isoformat(), "note": "转入青花镇小学"},
        ("school_leader", 302),
        refused(but=("school_leader",)),
    ),
    # --- reports: the work summary's draft ---
    Write(
        "reports:summary",
        {},
        lambda w, u: {"title": "工作总结", "problems": "家访不足", "plans": "下学期补上"},
        ("school_leader", 302),
        refused(
            but=("region_officer", "township_officer", "school_leader", "head_teacher"),
            **OUT_OF_SCOPE,
        ),
        query="scope=class:{class_a}",
    ),
    # --- the regions, schools and terms: the administrator ---
    Write(
        "org:create",
        {"kind": lambda w, u: "school"},
        lambda w, u: {
            "code": "3151781009",
            "name": "万源市太平镇第二小学",
            "kind": "primary",
            "region": w.township_a.pk,
        },
        ("admin", 302),
        refused(but=("admin",)),
    ),
    Write(
        "org:edit",
        {"kind": lambda w, u: "school", "pk": lambda w, u: w.school_a.pk},
        lambda w, u: {
            "code": w.school_a.code,
            "name": "万源市太平镇中心完小",
            "kind": "primary",
            "region": w.township_a.pk,
        },
        ("admin", 302),
        refused(but=("admin",)),
    ),
    # --- the privacy officer's office ---
    Write(
        "audit:grants",
        {},
        lambda w, u: {
            "grantee": u["school_leader"].pk,
            "scope_code": w.school_a.code,
            "reason": "县民政局年度核对",
        },
        ("privacy_officer", 302),
        refused(but=("privacy_officer",)),
    ),
    Write(
        "audit:requests",
        {},
        lambda w, u: {
            "id_number": w.child_a.id_number,
            "kind": "access",
            "requester_name": "王秀英",
            "requester_relation": "祖母",
            "received_on": iso("2026-11-20"),
        },
        ("privacy_officer", 302),
        refused(but=("privacy_officer",)),
    ),
    Write(
        "audit:request-detail",
        {"public_id": lambda w, u: GuardianRequestFactory(child=w.child_a).public_id},
        lambda w, u: {"status": "refused", "resolution": "法定职责需要保留"},
        ("privacy_officer", 302),
        refused(but=("privacy_officer",)),
    ),
    Write(
        "audit:reveal",
        {**CHILD_A, "target": lambda w, u: "id_number"},
        lambda w, u: {"reason": "核对学籍信息"},
        ("teacher", 200),
        # Whoever sees the masked number may reveal it with a reason; who never sees it may not.
        {"anonymous": 302, "admin": 403, "volunteer": 403, **OUT_OF_SCOPE},
    ),
    # --- the care work ---
    Write(
        "care:action-create",
        {},
        lambda w, u: {
            "kind": "symposium",
            "class": w.class_a.pk,
            "done_on": TODAY.isoformat(),
            "children": [str(w.child_a.public_id)],
        },
        ("head_teacher", 302),
        refused(but=CARE_RECORDERS),
        query="kind=symposium",
    ),
    Write(
        "care:child-action-create",
        CHILD_A,
        lambda w, u: {"kind": "home_visit", "done_on": TODAY.isoformat()},
        ("teacher", 302),
        refused(but=CARE_RECORDERS, **OUT_OF_SCOPE),
        query="kind=home_visit",
    ),
    Write(
        "care:observation-create",
        CHILD_A,
        lambda w, u: {"kind": "grades_dropped", "noted_on": TODAY.isoformat()},
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher", "teacher", "counsellor"), **OUT_OF_SCOPE),
    ),
    Write(
        "care:exemption-create",
        CHILD_A,
        lambda w, u: {
            "kind": "",
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
            "reason": "住院治疗",
        },
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
    ),
    Write(
        "care:class-pairings",
        {"class_id": lambda w, u: w.class_a.pk},
        lambda w, u: {"child": str(w.child_a.public_id), "buddy": "王小红"},
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
    ),
    Write(
        "care:quotas",
        {},
        lambda w, u: {"kind": "home_visit", "period": "month", "minimum": 3},
        ("school_leader", 302),
        refused(but=("admin", "region_officer", "township_officer", "school_leader")),
    ),
    # --- guardianship (welfare-guardians) ---
    Write(
        "welfare:agreement-create",
        CHILD_A,
        lambda w, u: {},
        ("head_teacher", 302),
        refused(but=GUARDIANS, **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:agreement-sign",
        {"public_id": _agreement},
        lambda w, u: {
            "signed_on": TODAY.isoformat(),
            "scan": SimpleUploadedFile("确认书.pdf", b"%PDF-1.4 signed"),
        },
        ("head_teacher", 302),
        refused(but=GUARDIANS, **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:training",
        {},
        lambda w, u: {"held_on": TODAY.isoformat(), "topic": "隔代教育", "speaker": ""},
        ("head_teacher", 302),
        # A township is no school: its officer records sessions at a school's page.
        refused(but=GUARDIANS, township_officer=404),
    ),
    Write(
        "welfare:training-session",
        {"public_id": _training_session},
        lambda w, u: {"children": [str(w.child_a.public_id)]},
        ("head_teacher", 302),
        refused(but=GUARDIANS, **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:commendation-create",
        CHILD_A,
        lambda w, u: {"person_name": "王秀英", "relation": "祖母", "reason": "坚持辅导作业"},
        ("head_teacher", 302),
        refused(but=GUARDIANS, **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:hukou-report",
        CHILD_A,
        lambda w, u: {"police_station": "太平派出所", "reported_on": TODAY.isoformat()},
        ("head_teacher", 302),
        refused(but=HUKOU, **OUT_OF_SCOPE),
        given=_unregistered_child_a,
    ),
    Write(
        "welfare:hukou-registered",
        {"public_id": _hukou_referral},
        lambda w, u: {"registered_on": TODAY.isoformat()},
        ("head_teacher", 302),
        refused(but=HUKOU, **OUT_OF_SCOPE),
    ),
    # --- welfare: aid (issue 15) ---
    Write(
        "welfare:aid-propose",
        CHILD_A,
        lambda w, u: {
            "kind": "hardship_grant",
            "amount": "1250",
            "source": "县学生资助管理中心",
            "reason": "父亲病故，家庭困难",
            "proposed_on": TODAY.isoformat(),
        },
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
    ),
    # --- 控辍保学 (schooling, issue 14) ---
    Write(
        "schooling:dropout-suspect",
        {"public_id": lambda w, u: suspect_of(w.child_a).public_id},
        lambda w, u: {"decision": "clear", "note": "已核实：病假住院"},
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
    ),
    # --- activities: events, photo consent, interest groups (issue 16) ---
    Write(
        "activities:event-create",
        {},
        lambda w, u: {
            "class": w.class_a.pk,
            "kind": "festival",
            "title": "中秋节",
            "held_on": TODAY.isoformat(),
            "organiser": "school",
            "children": [str(w.child_a.public_id)],
        },
        ("head_teacher", 302),
        refused(but=ACTIVITY_RECORDERS),
    ),
    Write(
        "activities:event-detail",
        {"public_id": lambda w, u: event_of_class_a(w).public_id},
        lambda w, u: {"photo": jpeg()},
        ("head_teacher", 302),
        refused(but=ACTIVITY_RECORDERS, **OUT_OF_SCOPE),
    ),
    Write(
        "activities:photo-consent",
        CHILD_A,
        lambda w, u: {"consented": "1", "decided_on": TODAY.isoformat()},
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
    ),
    Write(
        "schooling:child-dropout-register",
        CHILD_A,
        lambda w, u: {"cause": "weary", "guardian_opinion": "希望孩子读书"},
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
    ),
    Write(
        "schooling:dropout-case-act",
        {"public_id": lambda w, u: case_of(w.child_a).public_id},
        lambda w, u: {
            "action": "attempt",
            "attempt-done_on": TODAY.isoformat(),
            "attempt-who": "张老师",
            "attempt-way": "phone",
            "attempt-family_said": "同意考虑",
        },
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
    ),
    # --- schooling: attendance (issue 14) ---
    Write(
        "schooling:roll-call",
        {"class_id": lambda w, u: w.class_a.pk},
        lambda w, u: {f"reason_{w.child_a.pk}": "sick"},
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
        # Today is made a school day (the world's day is a Sunday in 2026).
        given=lambda client, user: make_up_today(user.scope_school or _school_a()),
    ),
    Write(
        "schooling:absence-follow-up",
        {"absence_id": lambda w, u: absence_of(w.child_a, taken_by=u["head_teacher"]).pk},
        lambda w, u: {"reason": "sick"},
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:aid-detail",
        {"public_id": lambda w, u: aid_record_in_class_a(w).public_id},
        lambda w, u: {"decision": "approve", "note": "同意", "on": TODAY.isoformat()},
        ("school_leader", 302),
        refused(but=("school_leader",), **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:aid-notice",
        {},
        lambda w, u: {"starts_on": TODAY.isoformat(), "ends_on": TODAY.isoformat()},
        ("school_leader", 302),
        refused(but=("school_leader",), head_teacher=404, **OUT_OF_SCOPE),
        query="scope=3151781001",
    ),
    Write(
        "schooling:calendar",
        {},
        lambda w, u: {"day": next_weekday(TODAY).isoformat(), "kind": "off", "note": "运动会"},
        ("school_leader", 302),
        refused(but=("school_leader",)),
    ),
    # --- the Home, reading and awards (issue 16, activities) ---
    Write(
        "activities:home-setup",
        {},
        lambda w, u: {"room": "活动室", "opening_hours": "放学后", "has_phone": "on"},
        ("school_leader", 302),
        refused(but=("school_leader",)),
    ),
    Write(
        "schooling:dropout-monthly",
        {},
        lambda w, u: {"note": ""},
        ("school_leader", 302),
        # Only the school leader submits; a region's page has no school to submit for.
        refused(
            but=("school_leader",),
            region_officer=404,
            township_officer=404,
            head_teacher=404,
            other_head_teacher=404,
            outsider=404,
        ),
    ),
    Write(
        "schooling:dropout-review-record",
        {"code": lambda w, u: w.school_a.code},
        lambda w, u: {"decision": "confirmed"},
        ("region_officer", 302),
        refused(but=("region_officer", "township_officer")),
    ),
    Write(
        "schooling:roll-check",
        {},
        lambda w, u: {
            "sheet": status_list(
                [w.child_a],
                absent_by=w.class_a.head_teacher,
                roll_call=roll_call,
            )
        },
        ("school_leader", 200),
        refused(but=("region_officer", "township_officer", "school_leader")),
    ),
    # --- grades and study-help plans (issue 14) ---
    Write(
        "schooling:grade-sheet",
        {"class_id": lambda w, u: w.class_a.pk},
        lambda w, u: {f"s-{w.child_a.public_id}-chinese": "88"},
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), teacher=404, **OUT_OF_SCOPE),
    ),
    Write(
        "schooling:class-subjects",
        {"class_id": lambda w, u: w.class_a.pk},
        lambda w, u: {"take-chinese": "1", "full-chinese": "120"},
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), teacher=404, **OUT_OF_SCOPE),
    ),
    # Another class's recorder gets the sheet's problems back (200) and nothing written: the
    # import's own tests check that.
    Write(
        "schooling:grade-import",
        {},
        lambda w, u: {"term": w.term.code, "exam": "mid", "file": _grade_sheet(w)},
        ("head_teacher", 200),
        refused(but=GRADE_RECORDERS),
    ),
    Write(
        "schooling:plan-create",
        CHILD_A,
        lambda w, u: {
            "teacher": u["teacher"].pk,
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
            "schedule": "每周二课后",
            "content": "数学",
            "goal_1": "及格",
            "review_1": TODAY.isoformat(),
        },
        ("head_teacher", 302),
        refused(but=PLAN_HELPERS, **OUT_OF_SCOPE),
    ),
    Write(
        "schooling:plan-goal-review",
        {**STUDY_PLAN, "number": lambda w, u: 1},
        lambda w, u: {"met": "1", "review_note": "达到"},
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
    ),
    Write(
        "schooling:plan-close",
        STUDY_PLAN,
        lambda w, u: {"outcome": "met", "outcome_note": "达到"},
        ("head_teacher", 302),
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
    ),
    Write(
        "activities:home-settings",
        {},
        lambda w, u: {"calls_count": "on", "five_small_names": "小主人、小帮手"},
        ("region_officer", 302),
        refused(but=("admin", "region_officer", "township_officer"), school_leader=404),
    ),
    Write(
        "activities:home-detail",
        HOME_A,
        lambda w, u: {},
        ("school_leader", 302),
        refused(but=("school_leader",), **OUT_OF_SCOPE),
    ),
    Write(
        "activities:home-day",
        HOME_A,
        lambda w, u: {"day": TODAY.isoformat(), "activities": "作业辅导"},
        ("school_leader", 302),
        # The day's record is the duty teacher's (none today) or the leader's.
        refused(but=("school_leader",), **OUT_OF_SCOPE),
    ),
    Write(
        "activities:home-call",
        HOME_A,
        lambda w, u: {
            "child": str(w.child_a.public_id),
            "parent": "mother",
            "day": TODAY.isoformat(),
            "minutes": "10",
        },
        ("teacher", 302),
        refused(but=("school_leader", "head_teacher", "teacher", "counsellor"), **OUT_OF_SCOPE),
    ),
    # Family video calls (亲情视频, issue 19): the slots are the leader's (HOME_MANAGE); a
    # booking is marked by the day's duty teacher or the leader, the others keeping the Home 403.
    Write(
        "activities:home-slots",
        {"home_id": lambda w, u: home_with_video(w).pk},
        lambda w, u: {
            "day": (TODAY + datetime.timedelta(days=1)).isoformat(),
            "start": "16:30",
            "end": "17:00",
            "capacity": "2",
        },
        ("school_leader", 302),
        refused(but=("school_leader",)),
    ),
    Write(
        "activities:home-booking-mark",
        {
            **HOME_A,
            "public_id": lambda w, u: booking_of_child_a_today(w).public_id,
        },
        lambda w, u: {"held": "0"},
        ("school_leader", 302),
        refused(but=("school_leader",), **OUT_OF_SCOPE),
    ),
    Write(
        "activities:home-swap",
        {**HOME_A, "duty_id": lambda w, u: home_tables.duty_of_head_teacher(w).pk},
        lambda w, u: {"to_teacher": str(u["teacher"].pk), "reason": "外出培训"},
        ("school_leader", 302),
        # The head teacher gives away their own day; the leader swaps any.
        refused(but=("school_leader", "head_teacher"), **OUT_OF_SCOPE),
    ),
    Write(
        "activities:reading-child",
        CHILD_A,
        lambda w, u: {
            "form": "award",
            "award-kind": "five_small",
            "award-title": "小帮手",
            "award-reason": "主动帮助同学",
        },
        ("head_teacher", 302),
        refused(
            but=(
                "township_officer",
                "school_leader",
                "head_teacher",
                "teacher",
                "counsellor",
                "volunteer",
            ),
            **OUT_OF_SCOPE,
        ),
    ),
    # --- welfare: health and safety (issue 15) ---
    Write(
        "welfare:health-sheet",
        {"class_id": lambda w, u: w.class_a.pk},
        lambda w, u: {
            "checked_on": TODAY.isoformat(),
            **{f"{k}-{w.child_a.public_id}": v for k, v in HEALTH_VALUES.items()},
        },
        ("head_teacher", 302),
        refused(but=HEALTH_RECORDERS, **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:health-import",
        {"class_id": lambda w, u: w.class_a.pk},
        _clinic_workbook,
        ("head_teacher", 302),
        refused(but=HEALTH_RECORDERS, **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:health-check-create",
        CHILD_A,
        lambda w, u: {"checked_on": TODAY.isoformat(), **HEALTH_VALUES},
        ("head_teacher", 302),
        refused(but=HEALTH_RECORDERS, **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:health-condition-create",
        CHILD_A,
        lambda w, u: {"kind": "illness", "starts_on": TODAY.isoformat(), "note": "哮喘"},
        ("head_teacher", 302),
        refused(but=HEALTH_RECORDERS, **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:health-follow-up-done",
        {"public_id": _health_check},
        lambda w, u: {"done_on": TODAY.isoformat()},
        ("head_teacher", 302),
        refused(but=HEALTH_RECORDERS, **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:incident-create",
        CHILD_A,
        lambda w, u: {
            "kind": "injury",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": "操场",
            "what": "摔倒擦伤",
        },
        ("head_teacher", 302),
        refused(but=INCIDENT_RECORDERS, **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:incident-notice",
        {"public_id": _incident},
        lambda w, u: {
            "party": "guardian",
            "notified_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
        ("head_teacher", 302),
        refused(but=INCIDENT_RECORDERS, **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:incident-follow-up",
        {"public_id": _incident},
        lambda w, u: {"due_on": TODAY.isoformat(), "note": "家访"},
        ("head_teacher", 302),
        refused(but=INCIDENT_RECORDERS, **OUT_OF_SCOPE),
    ),
    Write(
        "welfare:lecture-create",
        {},
        lambda w, u: {
            "kind": "safety",
            "held_on": TODAY.isoformat(),
            "topic": "防溺水",
            "speaker": "李警官",
            "classes": [str(w.class_a.pk)],
        },
        ("head_teacher", 302),
        # Another school's head teacher may record lectures, not for class A: the form refuses.
        refused(
            but=("school_leader", "head_teacher", "counsellor"),
            other_head_teacher=200,
            outsider=200,
        ),
    ),
    Write(
        "welfare:lecture-quota",
        {},
        lambda w, u: {"period": "month", "minimum": 2},
        ("school_leader", 302),
        refused(but=("admin", "region_officer", "township_officer", "school_leader")),
    ),
    Write(
        "activities:group-create",
        {},
        lambda w, u: {
            "name": "合唱团",
            "teacher": u["teacher"].pk,
            "weekday": 2,
            "starts_at": "16:00",
            "place": "音乐室",
        },
        ("school_leader", 302),
        refused(but=ACTIVITY_RECORDERS),
    ),
    Write(
        "activities:group-detail",
        {"public_id": lambda w, u: group_of_school_a(w).public_id},
        lambda w, u: {
            "membership": GroupMembership.objects.filter(child=w.child_a).latest("pk").pk,
            "left_on": TODAY.isoformat(),
        },
        ("head_teacher", 302),
        refused(but=ACTIVITY_RECORDERS, **OUT_OF_SCOPE),
    ),
    Write(
        "activities:group-session",
        {"public_id": lambda w, u: group_of_school_a(w).public_id},
        lambda w, u: {"held_on": TODAY.isoformat(), "children": [str(w.child_a.public_id)]},
        ("head_teacher", 302),
        refused(but=ACTIVITY_RECORDERS, **OUT_OF_SCOPE),
    ),
    Write(
        "activities:group-class-sheet",
        {"class_id": lambda w, u: w.class_a.pk},
        lambda w, u: {
            "child": str(w.child_a.public_id),
            "group": str(group_of_school_a(w, with_child_a=False).public_id),
        },
        ("head_teacher", 302),
        refused(but=ACTIVITY_RECORDERS, **OUT_OF_SCOPE),
    ),
    # --- offline capture (issue 19): a batch of one visit to child_a; out of scope, the record
    # is refused in the answer (200) and nothing is written ---
    Write(
        "care:offline-upload",
        {},
        lambda w, u: {"records": _offline_visit(w)},
        ("head_teacher", 200),
        refused(
            but=("school_leader", "head_teacher", "teacher", "counsellor", "volunteer"),
            other_head_teacher=200,
            outsider=200,
        ),
    ),
]


def _school_a():
    from shouhu.org.models import School

    return School.objects.get(code="3151781001")


def _url_names_taking_post(resolver=None, namespace: str = "") -> set[str]:
    """The URL names whose view says it takes a POST (`require_POST`, `require_http_methods`
    or a class-based view with `post`)."""
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names_taking_post(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if "POST" in (_methods(pattern.callback) or ()):
                names.add(f"{namespace}{pattern.name}")
    return names


def _methods(view) -> set[str] | None:
    """The HTTP methods a view allows, or None when it does not say."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    while view is not None:
        # `require_http_methods(list)` keeps the list in its wrapper's closure.
        for cell in view.__closure__ or ():
            value = cell.cell_contents
            if (
                isinstance(value, list | tuple)
                and value
                and all(isinstance(m, str) and m.isupper() for m in value)
            ):
                return set(value)
        view = getattr(view, "__wrapped__", None)
    return None


def test_every_url_taking_a_post_is_in_the_write_table():
    taking_post = _url_names_taking_post()
    assert {"registry:child-create", "audit:reveal", "accounts:user-deactivate"} <= taking_post
    missing = taking_post - {w.name for w in WRITES} - set(NOT_GUARDED)
    assert not missing, f"URLs taking a POST without a row in the write table: {sorted(missing)}"


def database_state() -> dict[str, list]:
    """Every row of every table, but the sessions and the access log's denials."""
    access_log = AccessLog._meta.db_table
    state = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table == "django_session":
                continue
            quoted = connection.ops.quote_name(table)
            if table == access_log:
                cursor.execute(
                    f"SELECT * FROM {quoted} WHERE action <> %s",  # noqa: S608 - a table name
                    [AccessAction.DENIED],
                )
            else:
                cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - a table name
            # PostgreSQL hands bytea out as memoryview, whose repr is its address.
            rows = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in cursor.fetchall()
            ]
            state[table] = sorted(rows, key=repr)
    return state


def changed_tables(before: dict[str, list], after: dict[str, list]) -> list[str]:
    return [table for table in after if before.get(table) != after[table]]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """(world, users by role), built once for the module."""
    with built_once(django_db_blocker, build_world_and_cast) as world_and_cast:
        yield world_and_cast


def _post(client, built, write: Write, role: str):
    world, users = built
    if role != "anonymous":
        client.force_login(users[role])
        if write.given is not None:
            write.given(client, users[role])
    url = reverse(write.name, kwargs={k: value(world, users) for k, value in write.kwargs.items()})
    query = write.query.format(class_a=world.class_a.pk)
    data = write.data(world, users)
    before = database_state()
    response = client.post(f"{url}?{query}" if query else url, data)
    return response, changed_tables(before, database_state())


REFUSED = [
    pytest.param(write, role, status, id=f"{write.name}{dict(write.kwargs) and '+'}-{role}")
    for write in WRITES
    for role, status in write.refused.items()
]


@pytest.mark.parametrize(("write", "role", "status"), REFUSED)
def test_a_refused_post_writes_nothing(client, db, built, write, role, status):
    response, changed = _post(client, built, write, role)
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not changed, f"{role} POST {write.name} changed {changed}"


MAY = [pytest.param(write, id=f"{write.name}-{write.may[0]}") for write in WRITES if write.may]


@pytest.mark.parametrize("write", MAY)
def test_the_same_post_by_a_role_that_may_writes(client, db, built, write):
    role, status = write.may
    assert role not in write.refused
    response, changed = _post(client, built, write, role)
    assert response.status_code == status, response.content.decode()[:2000]
    assert changed, f"{role} POST {write.name} wrote nothing: its form proves no refusal"
