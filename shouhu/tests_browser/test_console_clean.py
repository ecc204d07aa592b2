"""Zero console errors on every page (issue 11, point 12): a few roles log in on a phone and open
every page of their menu and a child's file and care page. The browser must report no console
error, no uncaught script error and no Content Security Policy violation. The dashboard's charts
once broke the policy with the `style` attribute pygal puts on its tooltip."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from shouhu.accounts.tests.test_two_factor import code_for
from shouhu.testing.factories import TeacherFactory

pytestmark = pytest.mark.browser

# Playwright's init scripts run outside the page's policy: this one records every violation.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def login(page: Page, base: str, username: str, password: str, *, device=None) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if device is not None:
        page.get_by_label("验证码").fill(code_for(device))
        page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def watch(page: Page) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Record every console error and script error against the page it happened on."""
    problems: dict[str, list[str]] = {}
    current = {"url": "/accounts/login/"}
    page.on(
        "console",
        lambda msg: (
            problems.setdefault(current["url"], []).append(f"console: {msg.text}")
            if msg.type == "error"
            else None
        ),
    )
    page.on(
        "pageerror",
        lambda error: problems.setdefault(current["url"], []).append(f"error: {error}"),
    )
    return problems, current


def walk(page: Page, base: str, extra: list[str], problems, current) -> None:
    """Open every menu link and the extra paths, adding the policy violations of each."""
    page.goto(f"{base}/")
    menu = page.get_by_role("navigation", name="主菜单").get_by_role("link")
    paths = [menu.nth(i).get_attribute("href") for i in range(menu.count())]
    for path in [*paths, *extra]:
        current["url"] = path
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__csp")
        if violations:
            problems.setdefault(path, []).extend(f"csp: {v}" for v in violations)


@pytest.mark.parametrize("role", ["school_leader", "head_teacher", "teacher", "region_officer"])
def test_no_page_of_the_menu_logs_a_console_error_or_breaks_the_policy(
    request, page: Page, live_server, class_a_world, role
):
    world = class_a_world
    users = {
        "school_leader": lambda: request.getfixturevalue("school_leader"),
        "head_teacher": lambda: world.head,
        "teacher": lambda: TeacherFactory(username="liu", scope_school=world.school_a),
        "region_officer": lambda: request.getfixturevalue("region_officer"),
    }
    user = users[role]()
    device = None
    if role == "region_officer":
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    page.add_init_script(RECORD_VIOLATIONS)
    problems, current = watch(page)
    login(page, live_server.url, user.username, world.password, device=device)
    child = world.child_a.public_id
    extra = [f"/children/{child}/", f"/care/children/{child}/", "/accounts/password/"]
    walk(page, live_server.url, extra, problems, current)
    assert problems == {}
