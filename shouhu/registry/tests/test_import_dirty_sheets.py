"""The census import over a collection of dirty sheets, one per kind of dirt, each with the
expected result for every row (issue 3: "Dirty input it accepts" / "What it refuses")."""

import datetime

import pytest

from shouhu.registry.census_sheets.importing import Outcome, census_import, census_sheet_check
from shouhu.registry.classification import Category, ParentStatus
from shouhu.registry.models import CensusSnapshot, Child, HukouType, Parent
from shouhu.registry.tests.census_sheets import HEADERS, id_ending_in_x, id_for, row, sheet_bytes

pytestmark = pytest.mark.usefixtures("frozen_today")


def outcomes(result) -> list[tuple[int, str, str]]:
    """(row number, outcome, the fields in error) for every row."""
    return [(r.row, r.outcome, "、".join(e.field for e in r.errors)) for r in result.rows]


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


# --- accepted -----------------------------------------------------------------------------------


def test_id_numbers_with_spaces_full_width_digits_and_lowercase_x_are_accepted(head_teacher, tree):
    plain = id_for(datetime.date(2016, 2, 3))
    ending_x = id_ending_in_x()
    rows = [
        row(0, 身份证号=f"{plain[:6]} {plain[6:14]} {plain[14:]}", 出生日期=None, 性别=None),
        row(2, 身份证号=fullwidth(id_for(datetime.date(2016, 5, 6))), 出生日期=None, 性别=None),
        row(4, 身份证号=ending_x.lower(), 出生日期=None, 性别=None),
    ]
    result = census_import(actor=head_teacher, term=tree.term, source=sheet_bytes(rows))
    assert outcomes(result) == [(2, "new", ""), (3, "new", ""), (4, "new", "")]
    stored = sorted(c.id_number for c in Child.objects.all())
    assert ending_x in stored and plain in stored
    assert Child.objects.get(id_number_index__isnull=False, name=rows[0]["姓名"]).birth_date == (
        datetime.date(2016, 2, 3)
    )


@pytest.mark.parametrize(
    "cell",
    [
        datetime.datetime(2015, 3, 7),
        datetime.date(2015, 3, 7),
        "2015-3-7",
        "2015/03/07",
        "2015.3.7",
        "2015年3月7日",
        "20150307",
        20150307,
    ],
)
def test_birth_dates_in_every_common_shape_are_accepted(head_teacher, tree, cell):
    number = id_for(datetime.date(2015, 3, 7))
    sheet = sheet_bytes([row(0, 身份证号=number, 出生日期=cell)])
    result = census_import(actor=head_teacher, term=tree.term, source=sheet)
    assert outcomes(result) == [(2, "new", "")]
    assert Child.objects.get().birth_date == datetime.date(2015, 3, 7)


def test_enumerations_by_label_synonym_or_traditional_characters(head_teacher, tree):
    rows = [
        row(0, 父亲状况="外出务工", 母亲状况="打工"),
        row(1, 父亲状况="外出", 母亲状况="在家务农", 户籍类型="农村"),
        row(2, 父亲状况="外出務工", 母亲状况="外出", 户籍类型="農業戶口", 是否寄宿="是"),
        row(3, 父亲状况="外出", 母亲状况="去世", 性别=None),
    ]
    headers = [*HEADERS, "留守类别"]
    rows[2]["留守类别"] = "父母雙方外出"
    rows[3]["留守类别"] = "一方外出另一方無監護能力"
    result = census_import(
        actor=head_teacher, term=tree.term, source=sheet_bytes(rows, headers=headers)
    )
    assert outcomes(result) == [(r, "new", "") for r in (2, 3, 4, 5)]
    by_name = {c.name: c for c in Child.objects.all()}
    statuses = {(p.child.name, p.role): p.status for p in Parent.objects.select_related("child")}
    assert statuses[(rows[0]["姓名"], "mother")] == ParentStatus.MIGRANT
    assert statuses[(rows[1]["姓名"], "mother")] == ParentStatus.AT_HOME
    assert statuses[(rows[3]["姓名"], "mother")] == ParentStatus.DECEASED
    assert by_name[rows[2]["姓名"]].hukou_type == HukouType.RURAL
    assert by_name[rows[2]["姓名"]].boarding is True
    categories = {s.child.name: s.category for s in CensusSnapshot.objects.select_related("child")}
    assert categories[rows[1]["姓名"]] == Category.ONE_AWAY
    assert categories[rows[2]["姓名"]] == Category.BOTH_AWAY
    assert categories[rows[3]["姓名"]] == Category.ONE_AWAY_OTHER_INCAPABLE


def test_a_category_that_contradicts_the_parents_is_refused(head_teacher, tree):
    data = row(0, 母亲状况="在家")
    data["留守类别"] = "父母双方外出"
    result = census_sheet_check(
        actor=head_teacher,
        term=tree.term,
        source=sheet_bytes([data], headers=[*HEADERS, "留守类别"]),
    )
    assert outcomes(result) == [(2, "error", "留守类别")]
    assert "一方外出" in result.rows[0].errors[0].reason


def test_phones_with_country_code_spaces_or_dashes_are_accepted(head_teacher, tree):
    rows = [
        row(0, 父亲电话="+86 138 1234 5678", 母亲电话="139-8765-4321", 监护人电话=13700001111),
        row(1, 父亲电话="0086-13812345678", 母亲电话="0818-8621234"),
    ]
    result = census_import(actor=head_teacher, term=tree.term, source=sheet_bytes(rows))
    assert outcomes(result) == [(2, "new", ""), (3, "new", "")]
    phones = {(p.child.name, p.role): p.phone for p in Parent.objects.select_related("child")}
    assert phones[(rows[0]["姓名"], "father")] == "13812345678"
    assert phones[(rows[0]["姓名"], "mother")] == "13987654321"
    assert phones[(rows[1]["姓名"], "mother")] == "08188621234"
    assert Child.objects.get(name=rows[0]["姓名"]).guardian.phone == "13700001111"


def test_blank_rows_trailing_spaces_and_blank_trailing_columns_are_ignored(head_teacher, tree):
    rows = [
        row(0, 姓名="王小明  ", 班级="三年级(2)班 "),
        None,
        None,
        row(1, 父亲状况=" 外出务工 "),
    ]
    headers = [*HEADERS, "", "  ", None]
    result = census_import(
        actor=head_teacher, term=tree.term, source=sheet_bytes(rows, headers=headers)
    )
    assert outcomes(result) == [(2, "new", ""), (5, "new", "")]
    assert Child.objects.filter(name="王小明").exists()


# --- refused ------------------------------------------------------------------------------------


def test_id_number_stored_as_a_number_in_scientific_notation_is_refused(head_teacher, tree):
    # A number that Excel could hold as one: not ending in X (whatever serials ran before).
    numbers = (id_for(datetime.date(2016, 3, 3), serial=s) for s in range(1, 50))
    number = next(n for n in numbers if not n.endswith("X"))
    rows = [row(0, 身份证号=float(number)), row(1, 身份证号="5.11781E+17")]
    result = census_sheet_check(
        actor=head_teacher, term=tree.term, source=sheet_bytes(rows, text_ids=False)
    )
    assert outcomes(result) == [(2, "error", "身份证号"), (3, "error", "身份证号")]
    for r in result.rows:
        assert "科学计数法" in r.errors[0].reason and "丢失" in r.errors[0].reason
    assert "第2行「身份证号」" in str(result.rows[0].errors[0])


def test_wrong_check_digit_or_birth_date_that_disagrees_is_refused(head_teacher, tree):
    number = id_for(datetime.date(2016, 6, 1))
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    rows = [
        row(0, 身份证号=wrong),
        row(1, 身份证号=id_for(datetime.date(2016, 6, 2), male=False), 出生日期="2016-06-03"),
        row(2),
    ]
    result = census_sheet_check(actor=head_teacher, term=tree.term, source=sheet_bytes(rows))
    assert outcomes(result) == [(2, "error", "身份证号"), (3, "error", "身份证号"), (4, "new", "")]
    assert "校验位" in result.rows[0].errors[0].reason
    assert "不一致" in result.rows[1].errors[0].reason


def test_class_or_school_missing_or_outside_the_scope_is_refused(head_teacher, tree):
    rows = [
        row(0, 班级="九年级(9)班", 年级=None),
        row(1, 学校标识码="3151781999"),
        row(2, 学校标识码=tree.school_b.code, 班级="四年级(1)班", 年级="四年级"),
        row(3, 班级="五年级(1)班", 年级="五年级"),  # class A2: same school, not the teacher's
        row(4, 班级="2班", 年级="三年级"),  # class A, written short
    ]
    result = census_sheet_check(actor=head_teacher, term=tree.term, source=sheet_bytes(rows))
    assert outcomes(result) == [
        (2, "error", "班级"),
        (3, "error", "学校标识码"),
        (4, "error", "学校标识码"),
        (5, "error", "班级"),
        (6, "new", ""),
    ]
    assert "不在您的管辖范围内" in result.rows[2].errors[0].reason


def test_a_school_leader_imports_into_every_class_of_the_school(school_leader, tree):
    rows = [row(0), row(1, 班级="五年级(1)班", 年级="五年级")]
    result = census_import(actor=school_leader, term=tree.term, source=sheet_bytes(rows))
    assert outcomes(result) == [(2, "new", ""), (3, "new", "")]
    assert {c.school_class for c in Child.objects.all()} == {tree.class_a, tree.class_a2}


def test_the_same_id_number_twice_in_one_file_is_refused(head_teacher, tree):
    twice = row(0)
    rows = [twice, row(1), dict(twice, 姓名="王小鸣")]
    result = census_sheet_check(actor=head_teacher, term=tree.term, source=sheet_bytes(rows))
    assert outcomes(result) == [(2, "error", "身份证号"), (3, "new", ""), (4, "error", "身份证号")]
    assert "第4行" in result.rows[0].errors[0].reason
    assert "第2行" in result.rows[2].errors[0].reason


def test_a_mobile_number_of_the_wrong_length_is_refused(head_teacher, tree):
    rows = [row(0, 父亲电话="1381234567"), row(1, 监护人电话="137000011112")]
    result = census_sheet_check(actor=head_teacher, term=tree.term, source=sheet_bytes(rows))
    assert outcomes(result) == [(2, "error", "父亲电话"), (3, "error", "监护人电话")]
    assert "11位" in result.rows[0].errors[0].reason


def test_a_required_field_left_empty_is_refused(head_teacher, tree):
    rows = [row(0, 姓名=""), row(1, 母亲状况=None), row(2, 身份证号="  "), row(3, 班级="")]
    result = census_sheet_check(actor=head_teacher, term=tree.term, source=sheet_bytes(rows))
    assert outcomes(result) == [
        (2, "error", "姓名"),
        (3, "error", "母亲状况"),
        (4, "error", "身份证号"),
        (5, "error", "班级"),
    ]
    assert all("必填" in r.errors[0].reason for r in result.rows)


def test_a_sheet_without_a_required_column_is_refused_as_a_whole(head_teacher, tree):
    headers = [h for h in HEADERS if h != "母亲状况"]
    result = census_sheet_check(
        actor=head_teacher, term=tree.term, source=sheet_bytes([row(0)], headers=headers)
    )
    assert not result.ok
    assert "母亲状况" in result.sheet_errors[0]


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(head_teacher, tree):
    result = census_sheet_check(actor=head_teacher, term=tree.term, source=b"name,id\n")
    assert not result.ok
    assert ".xlsx" in result.sheet_errors[0]


def test_psych_concern_cannot_be_imported_by_a_head_teacher(head_teacher, tree):
    rows = [row(0, 重点对象="贫困、心理问题"), row(1, 重点对象="无人监护，低保")]
    result = census_sheet_check(actor=head_teacher, term=tree.term, source=sheet_bytes(rows))
    assert outcomes(result) == [(2, "error", "重点对象"), (3, "new", "")]


def test_every_outcome_is_an_outcome_value(head_teacher, tree):
    result = census_sheet_check(actor=head_teacher, term=tree.term, source=sheet_bytes([row(0)]))
    assert {r.outcome for r in result.rows} <= set(Outcome)
