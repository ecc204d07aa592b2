"""Offline capture on a 360-pixel phone with the network cut (issue 19).

1. `teacher` (刘老师, proxy parent of 李家成) opens 离线记录 online (the phone's copy is synced and
   the service worker keeps the page), loses the signal, records two visits, reloads the page
   without a network, gets the signal back: both visits arrive, once.
2. A visit recorded offline for a child who leaves the register meanwhile is refused: it stays
   on the phone marked 未上传 with the reason, and the teacher discards it.
3. Logout wipes the phone's IndexedDB.

The server's clock is pinned (the world's day) while the browser keeps real time, so the date of
each record is typed: the server's today.
"""

from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from shouhu.testing.browser import assert_fits_phone
from shouhu.testing.dates import TODAY, day

pytestmark = pytest.mark.browser

OFFLINE = "/care/offline/"


def login(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


@pytest.fixture
def offline_world(frozen_today, class_a_world, teacher):
    from shouhu.testing.factories import PairingFactory

    PairingFactory(child=class_a_world.child_a, carer=teacher, starts_on=day(2026, 9, 1))
    return SimpleNamespace(**vars(class_a_world), teacher=teacher)


def open_offline_page(page: Page, base_url: str) -> None:
    """Online: the copy is synced and the service worker controls the page with its shell."""
    page.goto(base_url + OFFLINE)
    expect(page.locator("#offline-children")).to_contain_text("李家成")
    expect(page.locator("#offline-synced")).to_contain_text("数据同步于")
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(() => caches.match('/care/offline/'))"
        ".then((hit) => Boolean(hit))"
    )


def record_visit(page: Page, child, summary: str) -> None:
    page.get_by_label("类型").select_option("visit")
    page.get_by_label("儿童").select_option(str(child.public_id))
    page.get_by_label("日期").fill(TODAY.isoformat())
    page.get_by_label("情况摘要").fill(summary)
    page.get_by_role("button", name="保存到本机").click()


def test_two_visits_recorded_offline_survive_a_reload_and_arrive_once(
    page: Page, live_server, offline_world, shoot
):
    from shouhu.care.models import CareAction

    world = offline_world
    login(page, live_server.url, world.teacher.username, world.password)
    open_offline_page(page, live_server.url)

    page.context.set_offline(True)
    record_visit(page, world.child_a, "奶奶身体好，作业按时完成。")
    expect(page.locator("#offline-pending")).to_have_text("1 条待上传")
    record_visit(page, world.child_a, "和孩子谈了心。")
    expect(page.locator("#offline-pending")).to_have_text("2 条待上传")
    expect(page.locator("#offline-message")).to_contain_text("当前没有网络")

    reload = page.reload()  # no network: the service worker answers with the kept page
    assert reload is not None and reload.from_service_worker
    expect(page.locator("#offline-pending")).to_have_text("2 条待上传")
    expect(page.locator("#outbox-list .outbox-record")).to_have_count(2)
    assert CareAction.objects.count() == 0
    assert_fits_phone(page)
    shoot("offline-outbox")
    # The network is really cut, the service worker's too: 我的待办, never kept, is answered
    # with the offline page.
    assert page.evaluate("fetch('/healthz').then(() => 'online', () => 'offline')") == "offline"
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("离线记录")
    expect(page.locator("#offline-pending")).to_have_text("2 条待上传")

    page.context.set_offline(False)  # the `online` event uploads the outbox
    expect(page.locator("#offline-pending")).to_have_text("0 条待上传")
    page.get_by_role("button", name="立即上传").click()
    expect(page.locator("#outbox-list .outbox-record")).to_have_count(0)
    visits = CareAction.objects.filter(author=world.teacher)
    assert sorted(visits.values_list("summary", flat=True)) == [
        "和孩子谈了心。",
        "奶奶身体好，作业按时完成。",
    ]
    assert all(v.client_id is not None for v in visits)


def test_a_refused_record_stays_on_the_phone_with_its_reason_until_discarded(
    page: Page, live_server, offline_world
):
    from shouhu.care.models import CareAction

    world = offline_world
    login(page, live_server.url, world.teacher.username, world.password)
    open_offline_page(page, live_server.url)

    page.context.set_offline(True)
    record_visit(page, world.child_a, "家访。")
    world.child_a.left_on = TODAY  # meanwhile, 李家成 leaves the register
    world.child_a.save(update_fields=["left_on"])
    page.context.set_offline(False)

    refused = page.locator("#outbox-list .outbox-record")
    expect(refused).to_contain_text("未上传：李家成 已于")
    expect(refused).to_contain_text("离开名册，记录不能上传。")
    page.reload()
    expect(refused).to_contain_text("未上传")
    assert not CareAction.objects.exists()
    refused.get_by_role("button", name="丢弃").click()
    expect(page.locator("#outbox-list .outbox-record")).to_have_count(0)


def test_logout_wipes_the_phones_indexeddb(page: Page, live_server, offline_world):
    world = offline_world
    login(page, live_server.url, world.teacher.username, world.password)
    open_offline_page(page, live_server.url)
    names = "indexedDB.databases().then((dbs) => dbs.map((d) => d.name))"
    assert "shouhu-offline" in page.evaluate(names)

    page.goto(live_server.url + "/")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    assert "shouhu-offline" not in page.evaluate(names)
    # What the service worker may keep again is the shell alone (static files, the empty
    # offline page): never a page holding data.
    cached = page.evaluate(
        "caches.keys().then((keys) => Promise.all(keys.map((k) => caches.open(k)"
        ".then((c) => c.keys())))).then((lists) => lists.flat()"
        ".map((r) => new URL(r.url).pathname))"
    )
    assert all(path.startswith("/static/") or path == OFFLINE for path in cached), cached


def test_session_expiry_wipes_the_copy_but_keeps_the_owners_outbox_until_they_log_in(
    page: Page, live_server, offline_world
):
    from shouhu.care.models import CareAction

    world = offline_world
    login(page, live_server.url, world.teacher.username, world.password)
    open_offline_page(page, live_server.url)
    page.context.set_offline(True)
    record_visit(page, world.child_a, "山里没信号时的家访。")
    page.context.clear_cookies()  # the session ends while the phone is away
    page.context.set_offline(False)

    expect(page.locator("#offline-message")).to_contain_text("登录已过期")
    expect(page.locator("#offline-synced")).to_contain_text("本机还没有同步的数据")
    expect(page.locator("#offline-children")).not_to_contain_text("李家成")
    expect(page.locator("#offline-pending")).to_have_text("1 条待上传")

    login(page, live_server.url, world.teacher.username, world.password)  # 我的待办 uploads
    for _ in range(50):  # the upload runs in the background of the page
        if CareAction.objects.exists():
            break
        page.wait_for_timeout(200)
    assert list(CareAction.objects.values_list("summary", flat=True)) == ["山里没信号时的家访。"]
    page.goto(live_server.url + OFFLINE)
    expect(page.locator("#offline-pending")).to_have_text("0 条待上传")
    expect(page.locator("#offline-children")).to_contain_text("李家成")
