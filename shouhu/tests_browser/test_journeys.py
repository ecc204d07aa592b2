"""The head teacher's main journey on a 360-pixel phone: log in, register a child (first with a
mistyped ID number), find the child in the list and in the census, print the contact card."""

import datetime
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import Locator, Page, expect

from shouhu.core.idnumber import make_id_number
from shouhu.testing.browser import assert_fits_phone

pytestmark = pytest.mark.browser

NEW_CHILD = "刘思远"
NEW_BIRTH = datetime.date(2017, 9, 14)
# Serials 0–499 belong to the factories' register_child; an odd serial is a boy's.
NEW_ID = make_id_number(county="511781", birth_date=NEW_BIRTH, serial=517)


def login(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def section(page: Page, legend: str) -> Locator:
    """A fieldset of the child's form by its legend (父亲 and 母亲 both have 姓名 and 状况)."""
    return page.locator("fieldset").filter(has=page.locator("legend", has_text=legend))


def education_left_behind(page: Page) -> int:
    """The value of the census tile 留守儿童（教育口径） on the current page."""
    tile = page.locator(".tile").filter(has=page.locator(".label", has_text="留守儿童（教育口径）"))
    return int(tile.locator(".value").inner_text())


def with_wrong_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last == "X" else str((int(last) + 1) % 10))


def pdf_text(path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: run `make system-deps` (poppler-utils)"
    done = subprocess.run(  # noqa: S603 - a fixed program on a file this test wrote
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    )
    return done.stdout


def test_head_teacher_registers_child_and_prints_contact_card(
    page: Page, live_server, class_a_world, shoot, tmp_path
):
    base = live_server.url
    world = class_a_world

    # 1. The head teacher logs in and sees the children of the class, and only those.
    login(page, base, world.head.username, world.password)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="儿童名册").click()
    rows = page.locator("#rows")
    expect(rows).to_contain_text("共 3 名儿童")
    for child in world.class_a_children:
        expect(rows.get_by_role("link", name=child.name)).to_be_visible()
    expect(rows.get_by_role("link", name=world.child_b.name)).to_have_count(0)
    assert_fits_phone(page)
    shoot("child-list")

    page.goto(f"{base}/census/")
    before = education_left_behind(page)
    assert before == 2
    assert_fits_phone(page)
    shoot("census-before")

    # 2. A child registered with a mistyped ID number: the form says what is wrong, in Chinese.
    page.goto(f"{base}/children/")
    page.get_by_role("link", name="登记儿童").click()
    expect(page.get_by_role("heading", name="登记儿童")).to_be_visible()
    assert_fits_phone(page)
    basic = section(page, "基本信息")
    basic.get_by_label("姓名").fill(NEW_CHILD)
    basic.get_by_label("性别").select_option(label="男")
    birth = basic.get_by_label("出生日期")
    expect(birth).to_have_attribute("type", "date")
    birth.fill(NEW_BIRTH.isoformat())
    basic.get_by_label("身份证号").fill(with_wrong_check_digit(NEW_ID))
    basic.get_by_label("户籍类型").select_option(label="农业户口")
    expect(basic.get_by_label("班级")).to_have_value(str(world.class_a.pk))
    father = section(page, "父亲")
    father.get_by_label("姓名").fill("刘建国")
    father.get_by_label("状况").select_option(label="外出务工·经商")
    father.get_by_label("务工地").fill("广东省东莞市")
    section(page, "母亲").get_by_label("状况").select_option(label="外出务工·经商")
    guardian = section(page, "委托监护人")
    guardian.get_by_label("监护人姓名").fill("刘大爷")
    guardian.get_by_label("与儿童关系").fill("祖父")
    guardian.get_by_label("监护人电话").fill("139 1234 5678")
    page.get_by_role("button", name="保存").click()

    basic = section(page, "基本信息")
    expect(basic.locator(".has-error .errorlist")).to_contain_text("身份证号校验位不正确")
    assert_fits_phone(page)
    shoot("child-form-errors")
    # What was typed is kept: only the ID number needs correcting.
    expect(basic.get_by_label("姓名")).to_have_value(NEW_CHILD)
    expect(basic.get_by_label("出生日期")).to_have_value(NEW_BIRTH.isoformat())
    expect(section(page, "父亲").get_by_label("状况")).to_have_value("migrant")
    expect(section(page, "委托监护人").get_by_label("监护人姓名")).to_have_value("刘大爷")

    # 3. Corrected, the child is registered, listed, and counted in the class census.
    basic.get_by_label("身份证号").fill(NEW_ID)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text(f"已登记：{NEW_CHILD}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(NEW_CHILD)
    assert_fits_phone(page)
    shoot("child-file")
    file_url = page.url

    page.goto(f"{base}/children/")
    expect(page.locator("#rows")).to_contain_text("共 4 名儿童")
    expect(page.locator("#rows").get_by_role("link", name=NEW_CHILD)).to_be_visible()

    page.goto(f"{base}/census/")
    assert education_left_behind(page) == before + 1
    shoot("census-after")

    # 4. The contact card is a PDF that names the child and the guardian.
    page.goto(file_url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="联系卡（PDF）").click()
    download = download_info.value
    assert download.suggested_filename == f"联系卡-{NEW_CHILD}.pdf"
    card = tmp_path / "card.pdf"
    download.save_as(card)
    assert card.read_bytes().startswith(b"%PDF")
    text = pdf_text(card)
    assert NEW_CHILD in text
    assert "刘大爷" in text


def test_head_teacher_gets_404_for_other_school_child(
    page: Page, live_server, class_a_world, shoot
):
    base = live_server.url
    outsider = class_a_world.child_b  # class B of school B
    assert outsider.school_class.school != class_a_world.head.scope_class.school
    login(page, base, class_a_world.head.username, class_a_world.password)

    for path in ("", "edit/", "contact-card.pdf"):
        response = page.goto(f"{base}/children/{outsider.public_id}/{path}")
        assert response is not None
        assert response.status == 404, path
        assert response.headers["content-type"].startswith("text/html"), path
        content = page.content()
        assert outsider.name not in content, path
        assert not re.search(r"\d{17}[\dX]", content), path
        shoot("not-found")
