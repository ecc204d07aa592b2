"""The reports on a 360-pixel phone: `leader` (the school leader) opens the dashboard, reads a
chart's numbers, drills down to a class, opens the summary draft, writes two sentences in
存在问题, and downloads the DOCX and the PDF. The PDF names the school and the term, and
quotes the census figure the dashboard showed."""

import io
import re
import shutil
import subprocess

import pytest
from docx import Document as Docx
from playwright.sync_api import Page, expect

from shouhu.testing.browser import assert_fits_phone

pytestmark = pytest.mark.browser

PROBLEMS = "部分代理家长每月家访不够及时。隔代监护人参加培训的人数偏少。"


def login(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def pdf_text(path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: run `make system-deps` (poppler-utils)"
    done = subprocess.run(  # noqa: S603 - a fixed program on a file this test wrote
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    )
    return re.sub(r"\s+", "", done.stdout)


def test_leader_reads_the_dashboard_drills_down_and_writes_the_summary(
    page: Page, live_server, class_a_world, school_leader, shoot, tmp_path
):
    world = class_a_world
    base = live_server.url
    login(page, base, school_leader.username, world.password)

    # 1. The dashboard of the school, readable on a phone.
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="统计看板").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("统计看板 · 万源市太平镇中心小学")
    tile = page.locator('li.tile[data-key="left_behind_education"]')
    shown = int(tile.locator(".value").inner_text())
    assert shown == 2  # 李家成 and 陈晓雨 of class A
    expect(tile).to_contain_text("较上学期")
    expect(page.locator('li.tile[data-key="pupils"] .value')).to_have_text("75")
    assert_fits_phone(page)
    shoot("dashboard-school")

    # 2. A chart's numbers, as a table.
    trend = page.locator("#chart-trend")
    expect(trend.locator("svg")).to_be_visible()
    table = trend.locator("details table")
    expect(table).to_be_hidden()
    trend.get_by_text("查看数据表").click()
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").last).to_contain_text("2026–2027学年第一学期")
    assert_fits_phone(page)
    shoot("dashboard-chart-table")

    # 3. Down to the class, and back up to the school.
    page.locator("table.units").get_by_role("link", name="三年级(2)班").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("统计看板 · 三年级(2)班")
    expect(page.locator('li.tile[data-key="left_behind_education"] .value')).to_have_text("2")
    assert_fits_phone(page)
    shoot("dashboard-class")
    page.get_by_role("navigation", name="上级单位").get_by_role(
        "link", name="万源市太平镇中心小学"
    ).click()

    # 4. The summary draft: two sentences in 存在问题, saved.
    page.get_by_role("link", name="工作总结").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("工作总结 · 万源市太平镇中心小学")
    expect(page.locator("article.document")).to_contain_text("一、基本情况")
    page.get_by_label("存在问题").fill(PROBLEMS)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("status")).to_contain_text("草稿已保存")
    expect(page.locator("article.document")).to_contain_text(PROBLEMS)
    assert_fits_phone(page)
    shoot("summary-draft")

    # 5. The DOCX and the PDF.
    with page.expect_download() as docx_download:
        page.get_by_role("link", name="下载 Word（DOCX）").click()
    docx_path = tmp_path / "summary.docx"
    docx_download.value.save_as(docx_path)
    paragraphs = [p.text for p in Docx(io.BytesIO(docx_path.read_bytes())).paragraphs]
    assert PROBLEMS in paragraphs
    assert docx_download.value.suggested_filename.endswith(".docx")

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="下载 PDF").click()
    pdf_path = tmp_path / "summary.pdf"
    pdf_download.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf_path)
    assert "万源市太平镇中心小学" in text
    assert str(world.term) in text
    assert f"其中留守儿童（教育部门口径）{shown}人" in text
    assert PROBLEMS in text
