"""A teacher reveals a masked ID number on a phone: types a reason, the value appears in place
(htmx), the reveal is in the access log, and the browser reports no Content Security Policy
violation on the way (no inline script or style, htmx's indicator style switched off)."""

import pytest
from playwright.sync_api import Page, expect

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.core.masking import mask_id_number
from shouhu.testing.factories import TeacherFactory

pytestmark = pytest.mark.browser


def test_teacher_reveals_an_id_number_with_a_reason_and_nothing_breaks_the_policy(
    page: Page, live_server, class_a_world, shoot
):
    world = class_a_world
    teacher = TeacherFactory(username="liu", display_name="刘老师", scope_school=world.school_a)
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(teacher.username)
    page.get_by_label("密码").fill(world.password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()

    # The list filters through htmx as the teacher types.
    page.goto(f"{base}/children/")
    page.get_by_label("搜索").fill("ljc")
    expect(page.locator("#rows")).to_contain_text("共 1 名儿童")
    page.locator("#rows").get_by_role("link", name=world.child_a.name).click()

    number = world.child_a.id_number
    expect(page.get_by_text(mask_id_number(number))).to_be_visible()
    assert number not in page.content()
    page.get_by_text("查看完整信息").first.click()
    page.get_by_label("查看理由").first.fill("电话核实学籍信息")
    shoot("reveal-form")
    page.get_by_role("button", name="查看", exact=True).first.click()
    expect(page.locator(".revealed")).to_have_text(number)
    shoot("revealed")

    log = AccessLog.objects.get(action=AccessAction.REVEAL)
    assert (log.user_id, log.field, log.reason) == (teacher.pk, "id_number", "电话核实学籍信息")
    assert violations == []
