"""The register export (农村留守儿童基本情况登记表) and the census table (汇总表): masking unless a
one-time grant, formula escaping, the watermark, and the self-checks shown never hidden."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from shouhu.audit.models import AccessAction, AccessLog, ExportGrant
from shouhu.core.xlsx import escape_cell
from shouhu.registry.census_sheets.importing import census_import
from shouhu.registry.models import CensusSnapshot, Sex
from shouhu.registry.tests.census_sheets import read_rows, row, sheet_bytes
from shouhu.reports.census_table import census_table_for, self_checks
from shouhu.reports.selectors import Figures
from shouhu.reports.services import census_export
from shouhu.testing.dates import day, iso
from shouhu.testing.factories import register_child
from shouhu.testing.jobs import export_followed

pytestmark = pytest.mark.usefixtures("frozen_today")


def export(actor, node, term, **kwargs) -> tuple[list[tuple], list[tuple]]:
    buffer = io.BytesIO()
    census_export(actor=actor, node=node, term=term, out=buffer, **kwargs)
    content = buffer.getvalue()
    return read_rows(content, 0), read_rows(content, 1)


def data_rows(register: list[tuple]) -> list[tuple]:
    return register[4:]


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x"])
def test_text_a_spreadsheet_would_run_is_escaped(text):
    assert escape_cell(text) == "'" + text
    assert escape_cell("王小明") == "王小明" and escape_cell(7) == 7


def test_register_has_watermark_title_two_row_header_and_one_line_per_child(world, region_officer):
    register, _summary = export(region_officer, world.county, world.term)
    watermark = register[0][0]
    assert "周科长（region_officer）" in watermark
    assert iso("2026-11-29") in watermark and "已脱敏" in watermark
    assert register[1][0] == "农村留守儿童基本情况登记表"
    assert register[2][:3] == ("序号", "儿童基本情况", None)
    assert register[3][1:4] == ("姓名", "性别", "身份证号")
    names = [line[1] for line in data_rows(register)]
    assert sorted(names) == sorted([world.child_a.name, world.child_b.name])


def test_id_numbers_and_phones_are_masked_without_a_grant(world, head_teacher):
    register, _summary = export(head_teacher, world.class_a, world.term)
    # The head teacher exports class A, the node they look after.
    (line,) = data_rows(register)
    assert line[1] == world.child_a.name
    assert line[3] == world.child_a.id_number[:4] + "*" * 10 + world.child_a.id_number[-4:]
    phones = [v for v in line if isinstance(v, str) and v.startswith("138")]
    assert phones and all("****" in p for p in phones)


def test_a_grant_from_the_privacy_officer_allows_one_full_export_and_is_logged(
    world, region_officer, privacy_officer
):
    grant = ExportGrant.objects.create(
        grantee=region_officer, granted_by=privacy_officer, scope_code="511781", reason="上报民政局"
    )
    register, _summary = export(region_officer, world.county, world.term, grant_id=grant.public_id)
    assert "完整导出" in register[0][0] and "郑专员" in register[0][0]
    ids = {line[3] for line in data_rows(register)}
    assert world.child_a.id_number in ids
    grant.refresh_from_db()
    assert grant.used_at is not None
    assert AccessLog.objects.filter(
        user=region_officer, action=AccessAction.EXPORT, query__contains=str(grant.public_id)
    ).exists()
    with pytest.raises(PermissionDenied):
        export(region_officer, world.county, world.term, grant_id=grant.public_id)


def test_a_grant_for_another_node_or_another_user_does_not_unmask(
    world, region_officer, township_officer, privacy_officer
):
    grant = ExportGrant.objects.create(
        grantee=region_officer, granted_by=privacy_officer, scope_code="511781101", reason="x"
    )
    with pytest.raises(PermissionDenied):
        export(region_officer, world.county, world.term, grant_id=grant.public_id)
    with pytest.raises(PermissionDenied):
        export(township_officer, world.township_a, world.term, grant_id=grant.public_id)
    grant.refresh_from_db()
    assert grant.used_at is None


def test_every_exported_child_is_in_the_access_log(world, region_officer):
    export(region_officer, world.county, world.term)
    logged = set(
        AccessLog.objects.filter(user=region_officer, action=AccessAction.EXPORT).values_list(
            "child_id", flat=True
        )
    )
    assert {world.child_a.pk, world.child_b.pk} <= logged


def test_cells_from_the_file_are_escaped_in_the_export(world, head_teacher):
    census_import(
        actor=head_teacher,
        term=world.term,
        source=sheet_bytes([row(0, 家庭住址='=HYPERLINK("http://x")', 父亲务工地="+86东莞")]),
    )
    register, _summary = export(head_teacher, world.class_a, world.term)
    cells = [v for line in data_rows(register) for v in line if isinstance(v, str)]
    assert "'+86东莞" in cells
    assert not any(v.startswith(("=", "+", "@")) for v in cells)


def test_an_exported_full_register_imports_back_unchanged(world, school_leader, privacy_officer):
    grant = ExportGrant.objects.create(
        grantee=school_leader,
        granted_by=privacy_officer,
        scope_code=world.class_a.school.code,
        reason="核对",
    )
    buffer = io.BytesIO()
    census_export(
        actor=school_leader,
        node=world.class_a.school,
        term=world.term,
        out=buffer,
        grant_id=grant.public_id,
    )
    result = census_import(actor=school_leader, term=world.term, source=buffer.getvalue())
    assert result.messages() == []
    assert [r.outcome for r in result.rows] == ["unchanged"]


def test_summary_rolls_up_county_township_school_and_its_checks_pass(world, region_officer):
    summary = census_table_for(region_officer, node=world.county, term=world.term)
    names = [(r.depth, r.name) for r in summary.rows]
    assert names[0] == (0, "万源市")
    assert (1, "太平镇") in names and (2, "万源市太平镇中心小学") in names
    assert (1, "青花镇") in names and (2, "万源市青花镇小学") in names
    assert summary.failures == []
    county = summary.rows[0].figures
    assert county.left_behind_education == 2
    assert county.by_sex == {Sex.MALE: 1, Sex.FEMALE: 1}
    assert county.by_age_band == {"0-5": 0, "6-13": 2, "14-16": 0}


def test_a_failed_self_check_is_shown_not_hidden(world, region_officer):
    """A child of 17 is outside every age band: the bands no longer sum to the total."""
    older = register_child(
        world.class_a.head_teacher,
        world.class_a,
        name="王大伟",
        sex=Sex.MALE,
        birth_date=day(2009, 1, 5),
    )
    assert CensusSnapshot.objects.get(child=older, term=world.term).education
    summary = census_table_for(region_officer, node=world.county, term=world.term)
    assert any("各年龄段之和" in f for f in summary.failures)
    _register, sheet = export(region_officer, world.county, world.term)
    assert any("未通过" in str(line[0]) for line in sheet if line and line[0])
    assert any(line[-1] and "各年龄段之和" in str(line[-1]) for line in sheet[3:] if line)


def test_self_checks_catch_categories_sex_and_rollups_that_disagree():
    figures = Figures(
        pupils=10,
        left_behind_education=3,
        left_behind_civil=4,
        by_category={"both_away": 1, "one_away": 1},
        by_flag={"poverty": 5},
        by_sex={"male": 3, "female": 0},
        by_age_band={"0-5": 0, "6-13": 3, "14-16": 0},
    )
    failures = "；".join(self_checks(figures))
    assert "各类别之和（2）" in failures
    assert "民政口径" in failures
    assert "贫困" in failures
    assert "男女之和" not in failures


def test_command_exports_masked_by_default(world, tmp_path):
    out = tmp_path / "register.xlsx"
    stdout = io.StringIO()
    call_command("export_census", str(out), term=world.term.code, scope="511781", stdout=stdout)
    assert "已导出 2 名儿童（脱敏）" in stdout.getvalue()
    register = read_rows(out.read_bytes())
    assert "命令行操作员" in register[0][0]
    assert all("*" in line[3] for line in data_rows(register))


def test_export_page_downloads_a_workbook_for_the_users_scope(client, world, township_officer):
    client.force_login(township_officer)
    queued = client.post(
        reverse("reports:census-export"), {"scope": "511781101", "term": world.term.code}
    )
    response = export_followed(client, queued)  # a township's register is made by the worker
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    register = read_rows(response.content)
    assert [line[1] for line in data_rows(register)] == [world.child_a.name]
    outside = client.post(
        reverse("reports:census-export"), {"scope": "511781", "term": world.term.code}
    )
    assert outside.status_code == 404


def test_summary_page_shows_the_checks(client, world, region_officer):
    client.force_login(region_officer)
    response = client.get(reverse("reports:census-table"), {"scope": "511781"})
    assert response.status_code == 200
    assert "自检：全部通过" in response.content.decode()


@pytest.mark.parametrize(("role", "offered"), [("head_teacher", True), ("teacher", False)])
def test_the_census_table_offers_the_export_only_to_a_role_that_may_export(
    client, request, world, role, offered
):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("reports:census-table"))
    assert response.status_code == 200
    assert (reverse("reports:census-export") in response.content.decode()) is offered
