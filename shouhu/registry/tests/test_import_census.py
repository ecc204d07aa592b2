"""The census import as a whole: hand-made headers, all or nothing, the error report, the
idempotent re-import with its difference, the command and the template."""

import io
import random
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from shouhu.audit.models import AccessLog
from shouhu.registry.census_sheets.errors import error_report_xlsx
from shouhu.registry.census_sheets.importing import Outcome, census_import, census_sheet_check
from shouhu.registry.census_sheets.reading import SheetError, read_sheet
from shouhu.registry.census_sheets.template import census_template_xlsx
from shouhu.registry.models import CensusSnapshot, Child, Guardian, Parent
from shouhu.registry.services import child_update
from shouhu.registry.tests.census_sheets import HEADERS, read_rows, row, sheet_bytes

pytestmark = pytest.mark.usefixtures("frozen_today")

ISSUE_HEADERS = (
    "姓名, 性别, 身份证号, 出生日期, 民族, 户籍类型, 家庭住址, 学校标识码, 年级, 班级, 是否寄宿, "
    "父亲姓名, 父亲状况, 父亲务工地, 父亲电话, 母亲姓名, 母亲状况, 母亲务工地, 母亲电话, "
    "监护人姓名, 与儿童关系, 监护人电话, 监护人年龄, 监护人健康状况, 重点对象, 信息来源"
).split(", ")

NO_GUARDIAN = dict.fromkeys(
    ["监护人姓名", "与儿童关系", "监护人电话", "监护人年龄", "监护人健康状况"], ""
)


def history_rows() -> int:
    return (
        Child.history.count()
        + Parent.history.count()
        + sum(1 for _c in Child.objects.filter(guardian__isnull=False))
    )


def test_columns_in_any_order_with_extra_columns_import(head_teacher, tree):
    headers = ["序号", *HEADERS, "备注"]
    random.Random(3).shuffle(headers)
    rows = [dict(row(0), 序号=1, 备注="=SUM(A1)"), dict(row(1), 序号=2)]
    result = census_import(
        actor=head_teacher, term=tree.term, source=sheet_bytes(rows, headers=headers)
    )
    assert [r.outcome for r in result.rows] == [Outcome.NEW, Outcome.NEW]
    assert Child.objects.count() == 2


def test_merged_two_row_header_padded_with_spaces_after_a_title_imports(head_teacher, tree):
    """The national form's shape: a title, then 父亲 / 母亲 / 委托监护人 merged over their
    sub-columns, other headers merged down two rows, and spaces inside the header cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["农村留守儿童基本情况登记表"])
    sheet.merge_cells("A1:Q1")
    upper = [" 姓 名 ", "身份证号 ", "学校标识码", "班级", "父亲情况", None, None, "母 亲", None]
    upper += ["委托监护人", None, None, " 重点对象", "信息来源"]
    lower = [None, None, None, None, "姓名", "状况", "电话", " 姓名", "状况 "]
    lower += ["姓名", "关系", "电话", None, None]
    sheet.append(upper)
    sheet.append(lower)
    for column in ("A", "B", "C", "D", "M", "N"):
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("E2:G2")
    sheet.merge_cells("H2:I2")
    sheet.merge_cells("J2:L2")
    data = row(0)
    sheet.append(
        [
            data["姓名"],
            data["身份证号"],
            data["学校标识码"],
            data["班级"],
            "王建国",
            "外出务工",
            "13812345678",
            "李秀兰",
            "打工",
            "王秀英",
            "祖母",
            "13700001111",
            "贫困",
            "家访",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = census_import(actor=head_teacher, term=tree.term, source=buffer.getvalue())
    assert result.messages() == []
    assert [(r.row, r.outcome) for r in result.rows] == [(4, Outcome.NEW)]
    child = Child.objects.get()
    assert child.guardian.relation == "祖母"
    parents = {p.role: (p.name, p.status, p.phone) for p in child.parents.all()}
    assert parents == {
        "father": ("王建国", "migrant", "13812345678"),
        "mother": ("李秀兰", "migrant", ""),
    }
    snapshot = CensusSnapshot.objects.get(child=child, term=tree.term)
    assert (snapshot.poverty, snapshot.source) == (True, "home_visit")


def test_one_bad_row_means_nothing_is_written(head_teacher, tree):
    before = (Child.objects.count(), Parent.objects.count(), AccessLog.objects.count())
    rows = [row(0), row(1), row(2, 父亲电话="12345")]
    result = census_import(actor=head_teacher, term=tree.term, source=sheet_bytes(rows))
    assert not result.applied
    assert [r.outcome for r in result.rows] == [Outcome.NEW, Outcome.NEW, Outcome.ERROR]
    after = (Child.objects.count(), Parent.objects.count(), AccessLog.objects.count())
    assert after == before


def test_the_error_report_holds_the_original_rows_with_row_field_value_and_reason(
    head_teacher, tree
):
    rows = [row(0), row(1, 父亲电话="1381234567", 监护人年龄="很老"), row(2, 家庭住址="@SUM(A1)")]
    rows[2]["身份证号"] = rows[0]["身份证号"]
    result = census_sheet_check(actor=head_teacher, term=tree.term, source=sheet_bytes(rows))
    lines = read_rows(error_report_xlsx(result))
    assert lines[0] == (*HEADERS, "行号", "字段", "值", "原因")
    problems = [(line[-4], line[-3], line[-2]) for line in lines[1:]]
    assert problems == [
        (2, "身份证号", rows[0]["身份证号"]),
        (3, "父亲电话", "1381234567"),
        (3, "监护人年龄", "很老"),
        (4, "身份证号", rows[0]["身份证号"]),
    ]
    assert lines[2][0] == rows[1]["姓名"]  # the original row comes first
    assert "11位" in lines[2][-1]
    address = HEADERS.index("家庭住址")
    assert lines[4][address] == "'@SUM(A1)"  # what a spreadsheet would run stays text
    assert all(not str(v).startswith(("=", "@")) for line in lines for v in line if v is not None)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(head_teacher, tree):
    content = sheet_bytes([row(0), row(1, 重点对象="无人监护、贫困")])
    first = census_import(actor=head_teacher, term=tree.term, source=content)
    assert first.counts["new"] == 2
    before = (history_rows(), CensusSnapshot.objects.count(), Child.objects.count())
    second = census_import(actor=head_teacher, term=tree.term, source=content)
    assert [r.outcome for r in second.rows] == [Outcome.UNCHANGED, Outcome.UNCHANGED]
    assert (history_rows(), CensusSnapshot.objects.count(), Child.objects.count()) == before


def test_the_snapshot_freezes_whether_an_entrusted_guardian_able_to_care_is_on_file(
    head_teacher, tree
):
    without = row(1, **NO_GUARDIAN)
    census_import(actor=head_teacher, term=tree.term, source=sheet_bytes([row(0), without]))
    frozen = dict(
        CensusSnapshot.objects.filter(term=tree.term).values_list("child__name", "guardian_able")
    )
    assert frozen == {row(0)["姓名"]: True, without["姓名"]: False}


@pytest.mark.parametrize("guardian_in_sheet", [True, False])
def test_re_importing_leaves_a_guardian_unable_to_care_and_its_snapshot_unchanged(
    head_teacher, tree, guardian_in_sheet
):
    # The sheet has no column for the ability to care: the file's stays, and so does the figure.
    original = row(0)
    census_import(actor=head_teacher, term=tree.term, source=sheet_bytes([original]))
    child = Child.objects.get()
    child_update(
        actor=head_teacher, child=child, data={}, guardian={"name": "王秀英", "able_to_care": False}
    )
    again = original if guardian_in_sheet else dict(original, **NO_GUARDIAN)
    second = census_import(actor=head_teacher, term=tree.term, source=sheet_bytes([again]))
    assert [r.outcome for r in second.rows] == [Outcome.UNCHANGED]
    assert Guardian.objects.get(child=child).able_to_care is False
    assert CensusSnapshot.objects.get(child=child, term=tree.term).guardian_able is False


def test_a_registered_id_number_updates_that_child_and_the_preview_shows_the_difference(
    head_teacher, tree
):
    original = row(0)
    census_import(actor=head_teacher, term=tree.term, source=sheet_bytes([original]))
    changed = dict(original, 母亲状况="在家", 母亲电话="13900002222", 家庭住址="太平镇石塘村5组")
    preview = census_sheet_check(actor=head_teacher, term=tree.term, source=sheet_bytes([changed]))
    (result,) = preview.rows
    assert result.outcome == Outcome.UPDATE
    shown = {c.field: (c.old, c.new) for c in result.changes}
    assert shown["母亲状况"] == ("外出务工·经商", "在家")
    # The head teacher sees family phones on the file (docs/privacy.md), so in the preview too.
    assert shown["母亲电话"] == ("13987654321", "13900002222")
    assert shown["家庭住址"] == ("太平镇石塘村2组", "太平镇石塘村5组")
    assert any(field.endswith("摸底") for field in shown)  # the category changes with it
    census_import(actor=head_teacher, term=tree.term, source=sheet_bytes([changed]))
    child = Child.objects.get()
    assert child.parents.get(role="mother").status == "at_home"
    assert CensusSnapshot.objects.get(child=child, term=tree.term).category == "one_away"
    assert child.history.count() == 2  # created, then the address changed


def test_a_registered_child_outside_the_scope_is_not_revealed(
    head_teacher, other_head_teacher, tree
):
    data = row(0, 学校标识码=tree.school_b.code, 班级="四年级(1)班", 年级="四年级")
    census_import(actor=other_head_teacher, term=tree.term, source=sheet_bytes([data]))
    moved = dict(data, 学校标识码="3151781001", 班级="三年级(2)班", 年级="三年级")
    result = census_sheet_check(actor=head_teacher, term=tree.term, source=sheet_bytes([moved]))
    (only,) = result.rows
    assert only.outcome == Outcome.ERROR
    assert "请联系上级部门" in only.errors[0].reason
    assert data["姓名"] not in only.errors[0].reason


def test_command_exits_non_zero_on_errors_and_writes_the_error_report(tree, tmp_path):
    sheet = tmp_path / "census.xlsx"
    sheet.write_bytes(sheet_bytes([row(0), row(1, 身份证号="123")]))
    errors = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError, match="未导入"):
        call_command(
            "import_census",
            str(sheet),
            term=tree.term.code,
            errors=str(errors),
            stderr=io.StringIO(),
        )
    assert Child.objects.count() == 0
    assert [line[-3] for line in read_rows(errors.read_bytes())[1:]] == ["身份证号"]


def test_command_dry_run_writes_nothing_and_the_real_run_imports(tree, tmp_path):
    sheet = tmp_path / "census.xlsx"
    sheet.write_bytes(sheet_bytes([row(0), row(1)]))
    out = io.StringIO()
    call_command("import_census", str(sheet), term=tree.term.code, dry_run=True, stdout=out)
    assert "检查通过" in out.getvalue() and Child.objects.count() == 0
    call_command("import_census", str(sheet), term=tree.term.code, stdout=out)
    assert "新增 2" in out.getvalue() and Child.objects.count() == 2
    assert all(h.history_user.username == "shouhu-cli" for h in Child.history.all())


def test_command_with_a_user_keeps_to_that_users_scope(tree, head_teacher, tmp_path):
    sheet = tmp_path / "census.xlsx"
    sheet.write_bytes(sheet_bytes([row(0, 学校标识码=tree.school_b.code, 班级="四年级(1)班")]))
    with pytest.raises(CommandError):
        call_command(
            "import_census",
            str(sheet),
            term=tree.term.code,
            user=head_teacher.username,
            stderr=io.StringIO(),
        )


def test_template_has_the_issue_headers_drop_downs_and_instructions(tree):
    workbook = load_workbook(io.BytesIO(census_template_xlsx()))
    data, instructions = workbook.worksheets
    headers = [c.value for c in data[1]]
    assert headers == ISSUE_HEADERS
    validated = {
        data.cell(row=1, column=int(ref.min_col)).value
        for validation in data.data_validations.dataValidation
        for ref in validation.sqref.ranges
    }
    assert {
        "性别",
        "户籍类型",
        "是否寄宿",
        "父亲状况",
        "母亲状况",
        "信息来源",
        "重点对象",
        "年级",
    } <= (validated)
    assert "外出务工·经商" in "".join(
        v.formula1 for v in data.data_validations.dataValidation if v.formula1
    )
    assert "填写说明" in instructions.title
    assert any("身份证号" in str(c.value) for line in instructions.iter_rows() for c in line)


def test_a_filled_in_template_imports(head_teacher, tree):
    workbook = load_workbook(io.BytesIO(census_template_xlsx()))
    sheet = workbook.worksheets[0]
    data = row(0)
    for index, header in enumerate(ISSUE_HEADERS, start=1):
        sheet.cell(row=2, column=index, value=data[header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = census_import(actor=head_teacher, term=tree.term, source=buffer.getvalue())
    assert result.messages() == [] and result.counts["new"] == 1


def test_template_command_writes_the_template(tmp_path):
    out = tmp_path / "模板.xlsx"
    call_command("census_template", str(out), stdout=io.StringIO())
    assert read_rows(out.read_bytes())[0] == tuple(ISSUE_HEADERS)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    """A few hundred kilobytes that would unpack to 64 MB of zeros, against a 16 MB limit."""
    settings.SHOUHU_UPLOAD_MAX_UNPACKED_MB = 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", b"\0" * (64 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(SheetError, match="文件解压后超过16 MB"):
        read_sheet(buffer.getvalue())


# --- a re-import: blank keeps, 无 clears, every change shown ------------------------------------


def test_a_blank_cell_keeps_the_stored_value_and_无_clears_it(head_teacher, tree):
    original = row(0)
    census_import(actor=head_teacher, term=tree.term, source=sheet_bytes([original]))
    blank = census_import(
        actor=head_teacher, term=tree.term, source=sheet_bytes([dict(original, 母亲电话="")])
    )
    assert [r.outcome for r in blank.rows] == [Outcome.UNCHANGED]
    mother = Parent.objects.get(role="mother")
    assert mother.phone == "13987654321"
    cleared = dict(original, 母亲电话="无")
    preview = census_sheet_check(actor=head_teacher, term=tree.term, source=sheet_bytes([cleared]))
    (result,) = preview.rows
    assert result.outcome == Outcome.UPDATE
    assert [(c.field, c.old, c.new) for c in result.changes] == [("母亲电话", "13987654321", "—")]
    census_import(actor=head_teacher, term=tree.term, source=sheet_bytes([cleared]))
    mother.refresh_from_db()
    assert mother.phone == ""


def test_blank_cells_keep_every_optional_value_on_file(head_teacher, tree):
    original = row(0, 重点对象="贫困", 是否寄宿="是", 户籍类型="非农业户口", 民族="土家族")
    census_import(actor=head_teacher, term=tree.term, source=sheet_bytes([original]))
    optional = ["家庭住址", "民族", "户籍类型", "是否寄宿", "重点对象", "父亲务工地", "父亲电话"]
    optional += ["母亲姓名", "监护人电话", "监护人年龄", "监护人健康状况", "信息来源"]
    blank = dict(original, **dict.fromkeys(optional, ""))
    again = census_import(actor=head_teacher, term=tree.term, source=sheet_bytes([blank]))
    assert [(r.outcome, r.changes) for r in again.rows] == [(Outcome.UNCHANGED, [])]
    child = Child.objects.get()
    assert (child.address, child.ethnicity, child.hukou_type, child.boarding) == (
        "太平镇石塘村2组",
        "土家族",
        "urban",
        True,
    )
    assert child.flags.filter(until__isnull=True).get().flag == "poverty"
    father, mother = child.parents.get(role="father"), child.parents.get(role="mother")
    assert (father.destination, father.phone, mother.name) == (
        "广东省东莞市",
        "13812345678",
        "李秀兰",
    )
    assert (child.guardian.phone, child.guardian.age, child.guardian.health) == (
        "13700001111",
        63,
        "良好",
    )


def test_无_clears_the_guardians_details_and_the_flags_but_not_the_guardians_name(
    head_teacher, tree
):
    original = row(0, 重点对象="贫困")
    census_import(actor=head_teacher, term=tree.term, source=sheet_bytes([original]))
    cleared = dict(original, 监护人电话="无", 监护人年龄="无", 重点对象="无")
    result = census_import(actor=head_teacher, term=tree.term, source=sheet_bytes([cleared]))
    shown = {c.field: (c.old, c.new) for c in result.rows[0].changes}
    assert shown["监护人电话"] == ("13700001111", "—")
    assert shown["监护人年龄"] == ("63", "—")
    assert shown["重点对象"] == ("贫困", "—")
    child = Child.objects.get()
    assert (child.guardian.phone, child.guardian.age) == ("", None)
    assert not child.flags.filter(until__isnull=True).exists()
    no_name = census_sheet_check(
        actor=head_teacher, term=tree.term, source=sheet_bytes([dict(original, 监护人姓名="无")])
    )
    assert "监护人姓名不能填「无」清除" in no_name.messages()[0]


def test_the_preview_masks_phones_for_the_command_line_operator(head_teacher, tree):
    from shouhu.accounts.operator import operator_actor

    original = row(0)
    census_import(actor=head_teacher, term=tree.term, source=sheet_bytes([original]))
    changed = sheet_bytes([dict(original, 母亲电话="13900002222")])
    as_head = census_sheet_check(actor=head_teacher, term=tree.term, source=changed)
    as_operator = census_sheet_check(actor=operator_actor(), term=tree.term, source=changed)
    assert [(c.old, c.new) for c in as_head.rows[0].changes] == [("13987654321", "13900002222")]
    assert [(c.old, c.new) for c in as_operator.rows[0].changes] == [("139****4321", "139****2222")]


def test_a_new_terms_census_of_files_left_as_they_are_takes_the_snapshots_in_the_prepared_write(
    head_teacher, tree, monkeypatch
):
    from shouhu.registry.census_sheets import importing

    content = sheet_bytes([row(0), row(1, 母亲状况="在家")])
    census_import(actor=head_teacher, term=tree.previous_term, source=content)
    carried = CensusSnapshot.objects.get(child__name=row(0)["姓名"], term=tree.previous_term)
    CensusSnapshot.objects.create(
        **{
            f.name: getattr(carried, f.name)
            for f in CensusSnapshot._meta.concrete_fields
            if f.name not in ("id", "term")
        }
        | {"term": tree.term, "prefilled": True, "category": "one_away"}
    )

    def no_service(**kwargs):
        raise AssertionError("a file left as it is needs no child_update")

    monkeypatch.setattr(importing, "child_update", no_service)
    monkeypatch.setattr(importing, "census_snapshot_take", no_service)
    result = census_import(actor=head_teacher, term=tree.term, source=content)
    assert result.applied and result.counts["update"] == 2
    now = dict(CensusSnapshot.objects.filter(term=tree.term).values_list("child__name", "category"))
    assert now == {row(0)["姓名"]: "both_away", row(1)["姓名"]: "one_away"}
    assert not CensusSnapshot.objects.filter(term=tree.term, prefilled=True).exists()
    again = census_import(actor=head_teacher, term=tree.term, source=content)
    assert again.counts["unchanged"] == 2
