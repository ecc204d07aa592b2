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
from shouhu.audit.models import AccessAction, AccessLog
from shouhu.core.idnumber import make_id_number
from shouhu.jobs.models import JobRun, RunStatus
from shouhu.registry.models import SchoolHandover
from shouhu.registry.tests.census_sheets import row, sheet_bytes
from shouhu.testing.activities import event_of_class_a, group_of_school_a, jpeg
from shouhu.testing.dates import TODAY, day, iso
from shouhu.testing.factories import PASSWORD, GuardianRequestFactory, census_upload
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

# URLs that take a POST but write nothing a role could be refused: anyone may log in or out.
NOT_GUARDED = {
    "accounts:login": "anyone may try to log in",
    "accounts:logout": "anyone may log out; it ends the session only",
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
ACTIVITY_RECORDERS = (*CARE_RECORDERS, "township_officer")

WRITES = [
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
]


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
