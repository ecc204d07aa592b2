"""A head teacher imports the class's census sheet on a 360-pixel phone: the first upload has
two bad rows, the preview shows both reasons and nothing is written; the fixed sheet imports
and the children are in the list."""

import pytest
from playwright.sync_api import Page, expect

from shouhu.registry.tests.census_sheets import row, sheet_bytes
from shouhu.tests_browser.test_journeys import assert_fits_phone, login

pytestmark = pytest.mark.browser

NAMES = ["王小明", "李思雨", "张子涵"]


def good_rows() -> list[dict]:
    return [row(n, 姓名=name) for n, name in enumerate(NAMES)]


def test_head_teacher_fixes_two_bad_rows_then_imports_the_class(
    page: Page, live_server, class_a_world, shoot, tmp_path
):
    from shouhu.registry.models import Child

    base = live_server.url
    world = class_a_world
    rows = good_rows()
    bad = [dict(rows[0], 父亲电话="1381234567"), rows[1], dict(rows[2], 身份证号="5117812017")]
    first = tmp_path / "三年级2班-有错.xlsx"
    first.write_bytes(sheet_bytes(bad))
    fixed = tmp_path / "三年级2班.xlsx"
    fixed.write_bytes(sheet_bytes(rows))
    before = Child.objects.count()

    # 1. Upload the sheet with two bad rows: both reasons show, with row and column.
    login(page, base, world.head.username, world.password)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="名册导入导出").click()
    expect(page.get_by_role("heading", name="导入摸底名册")).to_be_visible()
    page.locator("input[name=file]").set_input_files(str(first))
    page.get_by_role("button", name="上传并预览").click()
    errors = page.locator(".import-errors")
    expect(errors).to_contain_text("第2行「父亲电话」")
    expect(errors).to_contain_text("手机号应为11位")
    expect(errors).to_contain_text("第4行「身份证号」")
    expect(errors).to_contain_text("身份证号应为18位")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    assert_fits_phone(page)
    shoot("import-preview-errors")
    assert Child.objects.count() == before  # nothing was written

    # 2. Upload the fixed sheet, read the preview, confirm.
    page.get_by_role("link", name="重新上传").first.click()
    page.locator("input[name=file]").set_input_files(str(fixed))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".import-rows")).to_contain_text(NAMES[2])
    expect(page.locator("tr.outcome-new")).to_have_count(3)
    assert_fits_phone(page)
    shoot("import-preview-ok")
    page.get_by_role("button", name="确认导入").click()

    # 3. The list shows the new children.
    expect(page.get_by_role("status")).to_contain_text("新增 3 人")
    rows_list = page.locator("#rows")
    for name in NAMES:
        expect(rows_list.get_by_role("link", name=name)).to_be_visible()
    assert_fits_phone(page)
    shoot("import-done-list")
    assert Child.objects.count() == before + 3
