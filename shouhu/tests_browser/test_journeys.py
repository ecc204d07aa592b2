"""The head teacher's main journey on a 360-pixel phone: log in, register a child (first with a
mistyped ID number), find the child in the list and in the census, print the contact card."""

import datetime
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import Page, expect

from shouhu.core.idnumber import make_id_number
from shouhu.tests_browser.conftest import HEAD_PASSWORD, PHONE

pytestmark = pytest.mark.browser

NEW_CHILD = "刘思远"
NEW_BIRTH = datetime.date(2017, 9, 14)


def login(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def assert_fits_phone(page: Page) -> None:
    """Nothing on the page is wider than the phone: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def section(page: Page, legend: str):
    return page.locator("fieldset").filter(has=page.locator("legend", has_text=legend))


def education_left_behind(page: Page, base_url: str) -> int:
    page.goto(f"{base_url}/census/")
    tile = page.locator(".tile").filter(has=page.locator(".label", has_text="留守儿童（教育口径）"))
    return int(tile.locator(".value").inner_text())


def wrong_check_digit(number: str) -> str:
    last = number[-1]
    flipped = "0" if last == "X" else str((int(last) + 1) % 10)
    return number[:-1] + flipped


def test_head_teacher_registers_child_and_prints_contact_card(
    page: Page, live_server, browser_world, shoot, tmp_path
):
    base = live_server.url

    # 1. Log in and see the class's children.
    login(page, base, "head", HEAD_PASSWORD)
    page.goto(f"{base}/children/")
    rows = page.locator("#rows")
    for name in ("李佳成", "陈晓雨", "杨子涵"):
        expect(rows.get_by_role("link", name=name)).to_be_visible()
    expect(rows.get_by_role("link", name="周梓萱")).to_have_count(0)
    expect(rows).to_contain_text("共 3 名儿童")
    assert_fits_phone(page)
    shoot("child-list")

    before = education_left_behind(page, base)
    assert before == 2
    assert_fits_phone(page)
    shoot("census-before")

    # 2. Register a child with a mistyped ID number: the form says what is wrong, in Chinese.
    valid_id = make_id_number(county="511781", birth_date=NEW_BIRTH, serial=517)
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
    basic.get_by_label("身份证号").fill(wrong_check_digit(valid_id))
    basic.get_by_label("户籍类型").select_option(label="农业户口")
    expect(basic.get_by_label("班级")).to_have_value(str(browser_world.school_class.pk))
    father = section(page, "父亲")
    father.get_by_label("姓名").fill("刘建国")
    father.get_by_label("状况").select_option(label="外出务工·经商")
    father.get_by_label("务工地").fill("广东东莞")
    mother = section(page, "母亲")
    mother.get_by_label("状况").select_option(label="外出务工·经商")
    guardian = section(page, "委托监护人")
    guardian.get_by_label("监护人姓名").fill("刘大爷")
    guardian.get_by_label("与儿童关系").fill("祖父")
    guardian.get_by_label("监护人电话").fill("139 1234 5678")
    page.get_by_role("button", name="保存").click()

    error = section(page, "基本信息").locator(".has-error .errorlist")
    expect(error).to_contain_text("身份证号校验位不正确")
    assert_fits_phone(page)
    shoot("child-form-errors")
    # What was typed is still there; only the ID number needs correcting.
    expect(section(page, "基本信息").get_by_label("姓名")).to_have_value(NEW_CHILD)
    expect(section(page, "父亲").get_by_label("状况")).to_have_value("migrant")

    # 3. Correct it: the child is registered, listed, and counted in the census.
    section(page, "基本信息").get_by_label("身份证号").fill(valid_id)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text(f"已登记：{NEW_CHILD}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(NEW_CHILD)
    file_url = page.url
    assert_fits_phone(page)
    shoot("child-file")

    page.goto(f"{base}/children/")
    expect(page.locator("#rows").get_by_role("link", name=NEW_CHILD)).to_be_visible()
    expect(page.locator("#rows")).to_contain_text("共 4 名儿童")

    assert education_left_behind(page, base) == before + 1
    shoot("census-after")

    # 4. The contact card is a PDF that names the child.
    page.goto(file_url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="联系卡（PDF）").click()
    download = download_info.value
    assert download.suggested_filename == f"联系卡-{NEW_CHILD}.pdf"
    pdf = tmp_path / "card.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing (make system-deps installs poppler-utils)"
    text = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert NEW_CHILD in text
    assert "刘大爷" in text


def test_head_teacher_gets_404_for_other_school_child(
    page: Page, live_server, browser_world, shoot
):
    base = live_server.url
    outsider = browser_world.other_child
    login(page, base, "head", HEAD_PASSWORD)

    for path in ("", "edit/", "contact-card.pdf"):
        response = page.goto(f"{base}/children/{outsider.public_id}/{path}")
        assert response is not None
        assert response.status == 404, path
        shoot("not-found")
        assert outsider.name not in page.content()
        expect(page.get_by_role("link", name="联系卡（PDF）")).to_have_count(0)
        assert not re.search(r"\d{17}[\dX]", page.content())
