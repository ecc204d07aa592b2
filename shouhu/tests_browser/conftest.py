"""Browser fixtures: Debian's Chromium driven by Playwright's sync API (pytest-playwright is not
used), a phone-sized page, and the shared `world` of the root conftest with a fuller class A.

The clock is not frozen here: the browser keeps real time, so a session cookie issued by a
server travelling in time could already be expired (or not yet valid) in the browser.
"""

import datetime
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # The machine has no internet: no update checks, no sync, no first-run pages.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
# SHOUHU_BROWSER_SHOTS=/tmp/shots keeps a full-page screenshot of each page a test names.
SHOTS_DIR = os.environ.get("SHOUHU_BROWSER_SHOTS", "")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (as root on Debian)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread, and Django then refuses ORM
    # calls from that thread ("You cannot call this from an async context"). The tests call the
    # ORM from plain test code, never from a coroutine, so the check guards nothing here; it is
    # switched off only while the browser runs, and tests run before it keep Django's guard.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_call_failed = report.failed
    return report


@pytest.fixture
def page(request, browser, live_server, tmp_path):
    """A fresh phone (360 × 740, Chinese) for each test: no cookies carried between tests.

    When the test fails, the page as it was is saved next to the test's tmp_path."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "browser_call_failed", False):
        shot = Path(SHOTS_DIR or tmp_path) / f"FAILED-{request.node.name}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        print(f"\nbrowser at {page.url}; screenshot {shot}")
    context.close()


@pytest.fixture
def shoot(page):
    """shoot("name") saves a full-page screenshot when SHOUHU_BROWSER_SHOTS names a folder."""

    def take(name: str) -> None:
        if SHOTS_DIR:
            Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS_DIR) / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def class_a_world(transactional_db, world, head_teacher):
    """The root `world`, with class A holding three children: 李家成 (both parents away),
    陈晓雨 (father away) and 杨子涵 (neither), so two count as left-behind (education
    definition). Each also has last term's census, so the census page shows the comparison."""
    from shouhu.registry.classification import ParentStatus
    from shouhu.registry.models import Sex
    from shouhu.registry.services import census_snapshot_take
    from shouhu.testing.factories import PASSWORD, register_child

    children = [
        world.child_a,
        register_child(
            head_teacher,
            world.class_a,
            name="陈晓雨",
            sex=Sex.FEMALE,
            birth_date=datetime.date(2017, 10, 21),
            mother=ParentStatus.AT_HOME,
        ),
        register_child(
            head_teacher,
            world.class_a,
            name="杨子涵",
            sex=Sex.MALE,
            birth_date=datetime.date(2018, 2, 2),
            father=ParentStatus.AT_HOME,
            mother=ParentStatus.AT_HOME,
        ),
    ]
    for child in children:
        census_snapshot_take(
            child=child, term=world.previous_term, day=world.previous_term.starts_on
        )
    return SimpleNamespace(
        **vars(world),
        head=head_teacher,
        password=PASSWORD,
        class_a_children=children,
    )
