"""A school leader creates a teacher's account on a phone and hands over the one-time password;
the teacher logs in with it, is asked for a new password before anything else (with nothing
but 退出 around it), sets one and reaches the home page. No console error on the way."""

import pytest
from playwright.sync_api import Page, expect

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction, AccessLog

pytestmark = pytest.mark.browser

NEW_PASSWORD = "石塘村-黄桷树-2026-冬"


def login(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_leader_creates_a_teacher_who_sets_a_password_at_first_login(
    page: Page, live_server, class_a_world, school_leader, shoot
):
    world = class_a_world
    base = live_server.url
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    login(page, base, school_leader.username, world.password)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="账号管理").click()
    page.get_by_role("link", name="新建账号").click()
    page.get_by_label("用户名").fill("wang.laoshi")
    page.get_by_label("姓名").fill("王老师")
    page.get_by_label("角色").select_option(label="任课教师·代理家长")
    page.get_by_label("管辖范围").select_option(label=world.school_a.name)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("账号已创建")
    code = page.locator("code.secret").inner_text()
    shoot("account-created")
    # The logout posts once the page's script has wiped the phone's copy (pwa.js): wait for the
    # login page it ends on before going anywhere, or that late post cancels the next page.
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()

    login(page, base, "wang.laoshi", code)
    expect(page.get_by_role("heading", level=1)).to_have_text("请设置新密码")
    expect(page.get_by_role("navigation", name="主菜单")).to_have_count(0)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_role("navigation", name="主菜单")).to_be_visible()
    expect(page.get_by_text("密码已修改。")).to_be_visible()

    teacher = User.objects.get(username="wang.laoshi")
    assert teacher.scope_school == world.school_a and not teacher.must_change_password
    assert set(AccessLog.objects.values_list("action", flat=True)) >= {
        AccessAction.ACCOUNT_CREATE,
        AccessAction.PASSWORD_CHANGE,
    }
    assert errors == []
