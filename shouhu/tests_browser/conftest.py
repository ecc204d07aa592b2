"""Browser fixtures: Debian's Chromium driven by Playwright's sync API, a phone-sized page, and a
small world of one county, two schools and a head teacher who can log in.

pytest-playwright is not used; the fixtures below are all the browser tests need.
"""

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread, which makes Django refuse ORM
# calls there ("You cannot call this from an async context"). The tests never share a
# connection with that loop, so the check is switched off for this package.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
HEAD_PASSWORD = "shouhu-browser-1"
# Set SHOUHU_BROWSER_SHOTS=/tmp/shots to keep full-page screenshots of the pages a test visits.
SHOTS_DIR = os.environ.get("SHOUHU_BROWSER_SHOTS", "")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (make system-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shoot(page):
    """shoot("name") keeps a full-page screenshot when SHOUHU_BROWSER_SHOTS names a folder."""

    def take(name: str) -> None:
        if SHOTS_DIR:
            Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS_DIR) / f"{name}.png"), full_page=True)

    return take


@dataclass
class BrowserWorld:
    head: object  # accounts.User, head teacher of school_class, password HEAD_PASSWORD
    school_class: object
    other_child: object  # a child of another school, outside head's scope


@pytest.fixture
def browser_world(transactional_db) -> BrowserWorld:
    """万源市 › 太平镇 › two schools; `head` teaches 三年级(2)班 of the first, which already has
    three children (two of them left-behind) and 40 pupils enrolled in each term."""
    from shouhu.accounts.models import User
    from shouhu.accounts.roles import Role
    from shouhu.core.idnumber import make_id_number
    from shouhu.org.models import (
        ClassEnrolment,
        Region,
        RegionLevel,
        School,
        SchoolClass,
        SchoolType,
        Term,
    )
    from shouhu.registry.services import census_snapshot_take, child_register

    county = Region.objects.create(code="511781000000", name="万源市", level=RegionLevel.COUNTY)
    township = Region.objects.create(
        code="511781100000", name="太平镇", level=RegionLevel.TOWNSHIP, parent=county
    )
    school = School.objects.create(
        code="2151178101", name="太平镇中心小学", kind=SchoolType.PRIMARY, region=township
    )
    other_school = School.objects.create(
        code="2151178102", name="太平镇第二小学", kind=SchoolType.PRIMARY, region=township
    )
    autumn = Term.objects.create(
        code="2026-2027-1",
        start_year=2026,
        semester=1,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 1, 20),
    )
    spring = Term.objects.create(
        code="2025-2026-2",
        start_year=2025,
        semester=2,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 7, 10),
    )

    head = User(username="head", display_name="王老师", role=Role.HEAD_TEACHER)
    head.set_password(HEAD_PASSWORD)
    head.save()
    school_class = SchoolClass.objects.create(
        school=school, grade=3, name="三年级(2)班", head_teacher=head
    )
    head.scope_class = school_class
    head.save(update_fields=["scope_class"])

    other_head = User(username="other_head", display_name="赵老师", role=Role.HEAD_TEACHER)
    other_head.set_unusable_password()
    other_head.save()
    other_class = SchoolClass.objects.create(
        school=other_school, grade=3, name="三年级(1)班", head_teacher=other_head
    )
    other_head.scope_class = other_class
    other_head.save(update_fields=["scope_class"])

    for term in (autumn, spring):
        ClassEnrolment.objects.create(school_class=school_class, term=term, pupils=40)
        ClassEnrolment.objects.create(school_class=other_class, term=term, pupils=38)

    def register(actor, klass, name, sex, birth, serial, father, mother):
        return child_register(
            actor=actor,
            school_class=klass,
            child={
                "name": name,
                "sex": sex,
                "birth_date": birth,
                "id_number": make_id_number(county="511781", birth_date=birth, serial=serial),
            },
            parents={"father": {"status": father}, "mother": {"status": mother}},
            guardian={"name": f"{name[0]}奶奶", "relation": "祖母", "phone": "13800000001"},
        )

    children = [
        register(
            head,
            school_class,
            "李佳成",
            "male",
            datetime.date(2017, 3, 8),
            11,
            "migrant",
            "migrant",
        ),
        register(
            head,
            school_class,
            "陈晓雨",
            "female",
            datetime.date(2017, 7, 21),
            22,
            "migrant",
            "at_home",
        ),
        register(
            head,
            school_class,
            "杨子涵",
            "female",
            datetime.date(2016, 12, 2),
            32,
            "at_home",
            "at_home",
        ),
    ]
    # Last term's census, so the census page shows its comparison line.
    for child in children:
        census_snapshot_take(child=child, term=spring, day=datetime.date(2026, 3, 10))
    other_child = register(
        other_head,
        other_class,
        "周梓萱",
        "female",
        datetime.date(2017, 5, 9),
        42,
        "migrant",
        "migrant",
    )
    return BrowserWorld(head=head, school_class=school_class, other_child=other_child)
