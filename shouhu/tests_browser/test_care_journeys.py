"""The care journeys on a 360-pixel phone.

1. `teacher` (刘老师, proxy parent of 李家成) taps last month's overdue visit in 我的待办 in the
   week a late entry is allowed, gives the day it happened (a day outside the month is refused)
   and saves; the month's quota turns to done and the item leaves the list.
2. A colleague records "grades dropped"; the proxy parent finds the home-visit task on the home
   page; days pass without a visit; `head_teacher` (张老师) finds it escalated.

The live server runs in a thread of this process, so `time_machine` moves its clock too. The
browser keeps real time; cookies carry a relative Max-Age, and every user logs in after the
clock has moved, so no session outlives the jump.
"""

from types import SimpleNamespace

import pytest
import time_machine
from playwright.sync_api import Page, expect

from shouhu.testing.browser import assert_fits_phone
from shouhu.testing.dates import at, day, iso, month_key

pytestmark = pytest.mark.browser


def login(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()


def quota_row(page: Page, kind: str, period: str):
    return page.locator(f'li[data-kind="{kind}"][data-period="{period}"]')


@pytest.fixture
def care_world(frozen_today, class_a_world, teacher):
    """On 2026-11-29 (the clock set before the world is built): class A of the browser world,
    with `teacher` as 李家成's proxy parent since the term began, and a colleague who teaches
    maths in the same school."""
    from shouhu.testing.factories import PairingFactory, TeacherFactory

    PairingFactory(child=class_a_world.child_a, carer=teacher, starts_on=day(2026, 9, 1))
    colleague = TeacherFactory(
        username="math_teacher", display_name="王老师", scope_school=class_a_world.school_a
    )
    return SimpleNamespace(**vars(class_a_world), teacher=teacher, colleague=colleague)


def test_teacher_records_a_home_visit_for_an_overdue_child_in_three_taps(
    page: Page, live_server, care_world, shoot
):
    world = care_world
    # 3 December: November has ended and takes a late entry for SHOUHU_LATE_ENTRY_DAYS (7).
    with time_machine.travel(at(2026, 12, 3, 10), tick=True):
        login(page, live_server.url, world.teacher.username, world.password)

        # 我的待办: 李家成's November visit is overdue (a late entry), December's is not yet due.
        overdue = page.get_by_role("list", name="已逾期")
        november = f"家访（{day(2026, 11, 1).year}年11月）"
        expect(overdue).to_contain_text(november)
        expect(overdue).to_contain_text("补录截止")
        assert_fits_phone(page)
        shoot("care-worklist-teacher")

        taps = 0
        overdue.get_by_role("link", name="记录家访").first.click()
        taps += 1
        expect(page.get_by_role("heading", level=1)).to_contain_text("李家成")
        expect(page.locator(".msg")).to_contain_text("请填写实际发生的日期")
        assert_fits_phone(page)
        shoot("care-record-home-visit")

        # A day outside November is refused in Chinese; the day it happened is kept.
        date_box = page.get_by_role("textbox", name="日期", exact=True)
        date_box.fill(iso("2026-12-02"))
        page.get_by_role("button", name="保存").click()
        taps += 1
        expect(page.locator(".errorlist")).to_contain_text("请填写实际发生的日期")
        page.get_by_role("textbox", name="日期", exact=True).fill(iso("2026-11-28"))
        page.get_by_role("button", name="保存").click()
        taps += 1

        assert taps <= 3
        expect(page.get_by_role("status")).to_contain_text("已记录：家访（李家成）")
        expect(quota_row(page, "home_visit", month_key("2026-11"))).to_contain_text("已完成")
        assert_fits_phone(page)
        shoot("care-child-after-visit")

        page.goto(live_server.url + "/")
        expect(page.get_by_role("list", name="已逾期")).not_to_contain_text(november)


def test_a_signal_reaches_the_proxy_parent_then_escalates_to_the_head_teacher(
    page: Page, live_server, care_world, shoot
):
    world = care_world
    base = live_server.url

    # 1. The maths teacher notices that 李家成's grades dropped and records it from his file.
    login(page, base, world.colleague.username, world.password)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="儿童名册").click()
    page.locator("#rows").get_by_role("link", name="李家成").click()
    page.get_by_role("link", name="记录必访信号").first.click()
    page.get_by_label("成绩下降").check()
    assert_fits_phone(page)
    shoot("care-signal-form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"已记录，并为 刘老师 生成家访任务，{iso('2026-12-02')} 前完成。"
    )
    logout(page)

    # 2. The proxy parent finds the home-visit task on the home page.
    login(page, base, world.teacher.username, world.password)
    due = page.get_by_role("list", name="7天内到期")
    expect(due).to_contain_text("家访任务：成绩下降")
    expect(due.get_by_role("link", name="记录家访").first).to_be_visible()
    shoot("care-task-proxy-parent")
    logout(page)

    # 3. Six days later nobody has visited: two days past the due date reaches the head teacher.
    with time_machine.travel(at(2026, 12, 5, 10), tick=True):
        login(page, base, world.head.username, world.password)
        tile = page.locator(".tile.escalations")
        expect(tile.locator(".value")).to_have_text("1")
        escalations = page.get_by_role("list", name="升级督办")
        expect(escalations).to_contain_text("李家成")
        expect(escalations).to_contain_text("家访任务：成绩下降")
        expect(escalations).to_contain_text("已升级至班主任")
        expect(escalations).to_contain_text("负责人：刘老师")
        assert_fits_phone(page)
        shoot("care-escalation-head")


def test_head_teacher_pairs_a_child_and_confirms_a_load_over_the_limit(
    page: Page, live_server, care_world, shoot, settings
):
    """The class on one page: 陈晓雨 has no proxy parent; 刘老师 already has one child and the
    limit is set to one, so the row warns and asks to confirm. htmx redraws only the list."""
    settings.SHOUHU_PROXY_LOAD_LIMIT = 1
    world = care_world
    login(page, live_server.url, world.head.username, world.password)
    page.get_by_role("link", name="结对安排").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("三年级(2)班")
    page.evaluate("window.sameDocument = true")

    row = page.get_by_role("form", name="陈晓雨")
    expect(row).to_contain_text("未安排代理家长")
    row.get_by_label("代理家长").select_option(label="刘老师（任课教师·代理家长，已带1名）")
    row.get_by_role("button", name="保存").click()
    row = page.get_by_role("form", name="陈晓雨")
    expect(row.get_by_role("alert")).to_have_text("刘老师 将负责 2 名儿童，超过建议的每人 1 名。")
    assert_fits_phone(page)
    shoot("care-pairing-warning")

    row.get_by_role("button", name="仍然安排").click()
    row = page.get_by_role("form", name="陈晓雨")
    expect(row.get_by_role("status")).to_have_text("已保存")
    expect(page.locator(".loads")).to_contain_text("刘老师 2/1")
    assert page.evaluate("window.sameDocument") is True  # the list was swapped, not the page
    shoot("care-pairing-saved")
