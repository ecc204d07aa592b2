"""The guardianship journey on a 360-pixel phone: the head teacher (张老师) finds the agreements
to sign on the home page, opens 李家成's 监护 page, draws up the 委托监护责任确认书, records the
signature with the scan, and the agreement shows as in force."""

import pytest
from playwright.sync_api import Page, expect

from shouhu.testing.browser import assert_fits_phone

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_head_teacher_draws_up_and_records_a_signed_agreement(
    page: Page, live_server, class_a_world, shoot
):
    world = class_a_world
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(world.head.username)
    page.get_by_label("密码").fill(world.password)
    page.get_by_role("button", name="登录").click()
    todo = page.get_by_role("link", name="3 份委托监护责任确认书待签署")
    expect(todo).to_be_visible()
    todo.click()
    expect(page.get_by_role("heading", name="待签署")).to_be_visible()
    assert_fits_phone(page)
    shoot("guardianship-agreements")
    page.get_by_role("link", name="李家成").first.click()
    page.get_by_role("button", name="生成确认书").click()
    expect(page.get_by_text("已生成委托监护责任确认书")).to_be_visible()
    assert_fits_phone(page)
    page.get_by_role("link", name="记录签署").click()
    page.get_by_label("签字扫描件").set_input_files(
        {"name": "确认书.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已记录签署。")).to_be_visible()
    expect(page.locator(".status.done", has_text="有效")).to_be_visible()
    assert_fits_phone(page)
    shoot("guardianship-child")
