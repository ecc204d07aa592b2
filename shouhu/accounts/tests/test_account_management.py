"""Accounts in the application (issue 12, point 13): an administrator (their region) or a school
leader (their school's head teachers, teachers and counsellors) creates accounts, sets roles and
scopes, deactivates and reactivates them, and resets a password with a one-time code that must
be changed at the first login; every user changes their own password. Every step is in the
access log."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from shouhu.accounts.models import User
from shouhu.accounts.services import user_create, user_password_reset
from shouhu.accounts.tests.test_two_factor import code_for
from shouhu.audit.models import AccessAction, AccessLog
from shouhu.core.roles import Role
from shouhu.testing.factories import PASSWORD, AdminFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "石塘村-黄桷树-2026-冬"


def log_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def code_on(page) -> str:
    return re.search(r'<code class="secret">([a-z0-9-]+)</code>', page.content.decode()).group(1)


def create(client, **data):
    return client.post(reverse("accounts:user-create"), data)


def log_actions(actor) -> list[str]:
    return list(
        AccessLog.objects.filter(user=actor).order_by("at", "id").values_list("action", flat=True)
    )


# --- creating accounts ------------------------------------------------------------------------


def test_the_administrator_creates_a_teacher_who_must_set_a_password_at_first_login(
    client, admin, tree
):
    client.force_login(admin)
    page = create(
        client,
        username="wang.laoshi",
        display_name="王老师",
        role=Role.TEACHER,
        scope=tree.school_a.code,
    )
    assert page.status_code == 200
    code = code_on(page)
    new = User.objects.get(username="wang.laoshi")
    assert (new.role, new.scope_school, new.must_change_password) == (
        Role.TEACHER,
        tree.school_a,
        True,
    )
    row = AccessLog.objects.get(action=AccessAction.ACCOUNT_CREATE)
    assert row.user == admin and "wang.laoshi" in row.query

    teacher = Client()
    assert log_in(teacher, "wang.laoshi", code).status_code == 302
    for name in ("home", "registry:child-list", "accounts:security"):
        assert teacher.get(reverse(name)).url == reverse("accounts:password-change")
    form = teacher.get(reverse("accounts:password-change")).content.decode()
    assert "请设置新密码" in form and "当前密码" not in form
    done = teacher.post(
        reverse("accounts:password-change"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.url == reverse("home")
    assert teacher.get(reverse("home")).status_code == 200
    new.refresh_from_db()
    assert not new.must_change_password and new.check_password(NEW_PASSWORD)
    assert log_actions(new) == [AccessAction.PASSWORD_CHANGE]


def test_a_one_time_code_works_for_one_login_only(client, admin, teacher):
    code = user_password_reset(actor=admin, user=teacher)
    assert log_in(Client(), "teacher", code).status_code == 302
    response = log_in(Client(), "teacher", code)
    assert response.status_code == 200
    assert "一次性密码已使用或已过期" in response.content.decode()


def test_a_one_time_code_expires(admin, teacher, settings):
    code = user_password_reset(actor=admin, user=teacher)
    later = timezone.now() + datetime.timedelta(hours=settings.SHOUHU_ONE_TIME_PASSWORD_HOURS + 1)
    with time_machine.travel(later, tick=False):
        response = log_in(Client(), "teacher", code)
    assert "一次性密码已使用或已过期" in response.content.decode()


def test_a_school_leader_creates_a_head_teacher_for_a_class_of_their_school(
    client, school_leader, tree
):
    client.force_login(school_leader)
    page = create(
        client,
        username="li.banzhuren",
        display_name="李老师",
        role=Role.HEAD_TEACHER,
        scope=f"class:{tree.class_a2.pk}",
    )
    assert page.status_code == 200 and code_on(page)
    new = User.objects.get(username="li.banzhuren")
    tree.class_a2.refresh_from_db()
    assert new.scope_class == tree.class_a2 and tree.class_a2.head_teacher == new
    assert log_actions(school_leader) == [AccessAction.ACCOUNT_CREATE]


@pytest.mark.parametrize(
    "role",
    [Role.ADMIN, Role.REGION_OFFICER, Role.PRIVACY_OFFICER, Role.SCHOOL_LEADER, Role.VOLUNTEER],
)
def test_a_school_leader_cannot_create_other_roles(client, school_leader, tree, role):
    client.force_login(school_leader)
    page = create(client, username="x1", display_name="某人", role=role, scope=tree.school_a.code)
    assert page.status_code == 200
    assert "选择一个有效的选项" in page.content.decode()
    assert not User.objects.filter(username="x1").exists()


def test_a_school_leader_cannot_give_a_scope_outside_their_school(client, school_leader, tree):
    client.force_login(school_leader)
    for scope in (tree.school_b.code, f"class:{tree.class_b.pk}", tree.county.prefix):
        create(client, username="x2", display_name="某人", role=Role.TEACHER, scope=scope)
    assert not User.objects.filter(username="x2").exists()


def test_the_administrator_cannot_create_an_account_in_another_county(client, admin, tree):
    client.force_login(admin)
    page = create(
        client, username="x3", display_name="某人", role=Role.TEACHER, scope=tree.other_school.code
    )
    assert "选择一个有效的选项" in page.content.decode()
    assert not User.objects.filter(username="x3").exists()


def test_a_role_needs_a_scope_of_its_kind(admin, tree):
    with pytest.raises(ValidationError, match="管辖范围"):
        user_create(
            actor=admin,
            username="x4",
            display_name="某人",
            role=Role.HEAD_TEACHER,
            node=tree.school_a,
        )
    with pytest.raises(ValidationError, match="管辖范围"):
        user_create(actor=admin, username="x5", display_name="某人", role=Role.TEACHER, node=None)


def test_a_volunteer_created_by_an_administrator_is_on_their_list_only(client, admin, tree):
    user_create(
        actor=admin, username="zy900", display_name="何阿姨", role=Role.VOLUNTEER, node=None
    )
    elsewhere = AdminFactory(username="admin2", scope_region=tree.other_county)
    client.force_login(admin)
    assert "zy900" in client.get(reverse("accounts:user-list")).content.decode()
    client.force_login(elsewhere)
    assert "zy900" not in client.get(reverse("accounts:user-list")).content.decode()


# --- what a school leader manages -------------------------------------------------------------


def test_a_school_leader_lists_only_their_schools_staff(
    client, school_leader, teacher, counsellor, other_head_teacher, privacy_officer, world
):
    VolunteerFactory(username="volunteer_x")
    client.force_login(school_leader)
    page = client.get(reverse("accounts:user-list")).content.decode()
    for name in ("teacher", "counsellor", "head_teacher"):
        assert f">{name}<" in page
    for name in ("other_head_teacher", "privacy_officer", "volunteer_x", "school_leader"):
        assert f">{name}<" not in page


def test_a_school_leader_cannot_touch_another_schools_teacher(
    client, school_leader, other_head_teacher
):
    client.force_login(school_leader)
    for name in ("user-edit", "user-password-reset", "user-deactivate"):
        url = reverse(f"accounts:{name}", kwargs={"pk": other_head_teacher.pk})
        assert client.post(url).status_code == 404
    other_head_teacher.refresh_from_db()
    assert other_head_teacher.is_active and not other_head_teacher.must_change_password


def test_a_school_leader_cannot_promote_a_teacher(client, school_leader, teacher, tree):
    client.force_login(school_leader)
    url = reverse("accounts:user-edit", kwargs={"pk": teacher.pk})
    client.post(
        url, {"display_name": "刘老师", "role": Role.SCHOOL_LEADER, "scope": tree.school_a.code}
    )
    teacher.refresh_from_db()
    assert teacher.role == Role.TEACHER


def test_changing_a_role_or_scope_ends_the_accounts_sessions_and_is_logged(
    client, school_leader, teacher, tree
):
    session = Client()
    log_in(session, "teacher", PASSWORD)
    client.force_login(school_leader)
    url = reverse("accounts:user-edit", kwargs={"pk": teacher.pk})
    response = client.post(
        url,
        {"display_name": "刘老师", "role": Role.HEAD_TEACHER, "scope": f"class:{tree.class_a2.pk}"},
    )
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert (teacher.role, teacher.scope_class, teacher.scope_school) == (
        Role.HEAD_TEACHER,
        tree.class_a2,
        None,
    )
    assert session.get(reverse("home")).status_code == 302
    row = AccessLog.objects.get(action=AccessAction.ACCOUNT_UPDATE)
    assert "teacher" in row.query and "原为" in row.query


def test_deactivate_and_reactivate_are_logged(client, school_leader, teacher):
    client.force_login(school_leader)
    client.post(reverse("accounts:user-deactivate", kwargs={"pk": teacher.pk}))
    assert log_in(Client(), "teacher", PASSWORD).status_code == 200
    client.post(reverse("accounts:user-reactivate", kwargs={"pk": teacher.pk}))
    assert log_in(Client(), "teacher", PASSWORD).status_code == 302
    assert log_actions(school_leader) == [
        AccessAction.ACCOUNT_DEACTIVATE,
        AccessAction.ACCOUNT_REACTIVATE,
    ]


def test_an_account_manager_cannot_act_on_their_own_account(client, admin):
    client.force_login(admin)
    client.post(reverse("accounts:user-deactivate", kwargs={"pk": admin.pk}))
    admin.refresh_from_db()
    assert admin.is_active


# --- password resets --------------------------------------------------------------------------


def test_a_reset_ends_the_sessions_and_replaces_the_password(client, admin, teacher):
    session = Client()
    log_in(session, "teacher", PASSWORD)
    client.force_login(admin)
    page = client.post(reverse("accounts:user-password-reset", kwargs={"pk": teacher.pk}))
    code = code_on(page)
    assert "只能登录一次" in page.content.decode()
    assert session.get(reverse("home")).status_code == 302
    assert log_in(Client(), "teacher", PASSWORD).status_code == 200
    fresh = Client()
    assert log_in(fresh, "teacher", code).status_code == 302
    assert fresh.get(reverse("home")).url == reverse("accounts:password-change")
    assert log_actions(admin) == [AccessAction.PASSWORD_RESET]


def test_after_a_reset_a_user_with_two_factors_gives_the_code_before_the_new_password(
    client, admin, teacher
):
    device = TOTPDevice.objects.create(user=teacher, name="authenticator", confirmed=True)
    code = user_password_reset(actor=admin, user=teacher)
    log_in(client, "teacher", code)
    assert client.get(reverse("home")).url.startswith(reverse("accounts:two-factor-verify"))
    client.post(reverse("accounts:two-factor-verify"), {"token": code_for(device)})
    assert client.get(reverse("home")).url == reverse("accounts:password-change")


# --- the user's own password ------------------------------------------------------------------


def test_a_user_changes_their_password_with_the_current_one(client, teacher):
    other = Client()
    log_in(other, "teacher", PASSWORD)
    log_in(client, "teacher", PASSWORD)
    url = reverse("accounts:password-change")
    wrong = client.post(
        url,
        {"current_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "当前密码不正确" in wrong.content.decode()
    short = client.post(
        url, {"current_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"}
    )
    assert short.status_code == 200 and not User.objects.get(pk=teacher.pk).check_password("abc")
    done = client.post(
        url,
        {
            "current_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert done.url == reverse("accounts:security")
    assert client.get(reverse("home")).status_code == 200  # this session goes on
    assert other.get(reverse("home")).status_code == 302  # the others end
    assert log_in(Client(), "teacher", NEW_PASSWORD).status_code == 302
    assert log_actions(teacher) == [AccessAction.PASSWORD_CHANGE]


def test_an_enrolled_user_also_gives_the_second_factor_to_change_the_password(client, teacher):
    device = TOTPDevice.objects.create(user=teacher, name="authenticator", confirmed=True)
    log_in(client, "teacher", PASSWORD)
    client.post(reverse("accounts:two-factor-verify"), {"token": code_for(device)})
    url = reverse("accounts:password-change")
    data = {
        "current_password": PASSWORD,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    refused = client.post(url, {**data, "token": "000000"})
    assert "验证码不正确" in refused.content.decode()
    assert User.objects.get(pk=teacher.pk).check_password(PASSWORD)
    assert client.post(url, {**data, "token": code_for(device, offset=1)}).status_code == 302
    assert User.objects.get(pk=teacher.pk).check_password(NEW_PASSWORD)


def test_hostile_account_fields_are_refused(client, admin, tree):
    client.force_login(admin)
    page = create(
        client,
        username="<script>",
        display_name="x" * 300,
        role=Role.TEACHER,
        scope=tree.school_a.code,
    )
    assert page.status_code == 200 and "<script>" not in page.content.decode()
    assert not User.objects.filter(role=Role.TEACHER).exists()
