"""The national roll-up (issue 18): a province exports its counties' figures de-identified,
small cells suppressed and signed; a national instance verifies and loads them, once per
province and term, and reads them on the same census pages as a province."""

import base64
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from shouhu.accounts.operator import province_reader
from shouhu.org.models import Region, RegionLevel
from shouhu.registry.models import Child, Guardian
from shouhu.reports.models import CountyRollup, RollupBatch
from shouhu.reports.rollup.cells import is_small
from shouhu.reports.rollup.export import rollup_document
from shouhu.reports.rollup.signing import canonical, keypair_write, sign, signing_key
from shouhu.reports.selectors import FIGURES, census_for
from shouhu.reports.selectors.compliance import term_months
from shouhu.testing.factories import RegionOfficerFactory


@pytest.fixture
def keys(tmp_path, settings):
    """Sichuan's key pair: the private key on its server, the public key on the nation's."""
    trusted = tmp_path / "trusted"
    trusted.mkdir()
    private = tmp_path / "51-private.pem"
    keypair_write(private, trusted / "51.pem")
    settings.SHOUHU_ROLLUP_SIGNING_KEY_FILE = str(private)
    settings.SHOUHU_ROLLUP_TRUSTED_KEYS_DIR = str(trusted)
    return tmp_path


@pytest.fixture
def exported(reported, keys):
    out = keys / "51.json"
    call_command(
        "rollup_export", str(out), term=reported.term.code, scope="51", stdout=io.StringIO()
    )
    return out


@pytest.fixture
def national(settings):
    settings.SHOUHU_NATIONAL = True


def _import(path) -> str:
    out = io.StringIO()
    call_command("rollup_import", str(path), stdout=out)
    return out.getvalue()


def test_the_export_holds_no_name_id_number_or_phone(exported, reported):
    text = exported.read_text(encoding="utf-8")
    secrets = []
    for child in Child.objects.all():
        secrets += [child.name, child.id_number, str(child.public_id)]
    for guardian in Guardian.objects.all():
        secrets += [guardian.name, guardian.phone]
    secrets = [s for s in secrets if s]
    assert len(secrets) >= 10
    assert [s for s in secrets if s in text] == []
    document = json.loads(text)
    assert document["manifest"]["province"] == {"code": "51", "name": "四川省"}
    assert [c["name"] for c in document["counties"]] == ["通川区", "万源市"]


def test_the_export_publishes_no_cell_of_one_to_four_children(exported, reported):
    document = json.loads(exported.read_text(encoding="utf-8"))
    wanyuan = next(c for c in document["counties"] if c["code"] == "511781000000")
    cells = wanyuan["cells"]
    # 105 pupils are published; the county's 4 left-behind children are not, nor their parts.
    assert cells["pupils"] == 105
    assert cells["left_behind_education"] is None
    assert cells["category.both_away"] is None
    rows = [document["province"]["cells"], *[c["cells"] for c in document["counties"]]]
    assert not [(k, v) for row in rows for k, v in row.items() if k != "aid.amount" and is_small(v)]
    counts = document["manifest"]["counts"]
    assert counts["counties"] == 2
    assert counts["suppressed"] == sum(1 for row in rows for v in row.values() if v is None) > 0


def test_the_export_reads_the_figure_functions(exported, reported):
    document = json.loads(exported.read_text(encoding="utf-8"))
    province = Region.objects.get(code="510000000000")
    reader = province_reader(province)
    own = document["province"]["cells"]
    assert own["pupils"] == FIGURES["pupils"].function(reader, node=province, term=reported.term)
    coverage = FIGURES["pairing_coverage"].function(reader, node=province, term=reported.term)
    assert coverage.whole == 4 and own["coverage.needing"] is None  # a small cell
    assert document["manifest"]["term"]["code"] == reported.term.code


def test_the_export_carries_each_ended_months_quotas(exported, reported):
    """The nation's dashboard shows compliance month by month: each month of the term that has
    ended is in the file with its monthly quotas, read from compliance_by_month."""
    document = json.loads(exported.read_text(encoding="utf-8"))
    province = Region.objects.get(code="510000000000")
    reader = province_reader(province)
    months = FIGURES["compliance_by_month"].function(reader, node=province, term=reported.term)
    expected = {
        f"month.{m.month.key}.{q.kind}.{part}": getattr(q, part)
        for m in months
        for q in m.quotas
        if q.monthly and not q.in_progress
        for part in ("owed", "done", "exempt")
    }
    running = [m.month.key for m in months if m.in_progress]
    assert expected and running  # September and October have ended; November runs
    own = document["province"]["cells"]
    for key, value in expected.items():
        assert own[key] == value or (own[key] is None and key in own)
        if is_small(value):
            assert own[key] is None
    assert not [k for k in own if k.startswith(tuple(f"month.{m}." for m in running))]


def test_a_file_that_is_not_a_roll_up_is_refused(db, keys, national):
    path = keys / "junk.json"
    path.write_text('{"counties": []}', encoding="utf-8")
    with pytest.raises(CommandError, match="不是全国汇总数据"):
        _import(path)
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        _import(path)


def test_keygen_never_overwrites_a_key(tmp_path):
    private, public = tmp_path / "p.pem", tmp_path / "q.pem"
    call_command("rollup_keygen", str(private), str(public), stdout=io.StringIO())
    assert b"PRIVATE KEY" in private.read_bytes() and oct(private.stat().st_mode)[-3:] == "600"
    with pytest.raises(CommandError, match="不覆盖"):
        call_command("rollup_keygen", str(private), str(tmp_path / "r.pem"))


def test_the_export_is_signed_with_the_provinces_key(exported, keys):
    document = json.loads(exported.read_text(encoding="utf-8"))
    signature = document.pop("signature")
    public = signing_key(str(keys / "51-private.pem")).public_key()
    public.verify(base64.b64decode(signature["value"]), canonical(document))


def test_import_loads_one_row_per_county_and_again_replaces_them(exported, national):
    assert "2 个县" in _import(exported)
    batch = RollupBatch.objects.get()
    assert batch.province_id == "510000000000"
    assert CountyRollup.objects.filter(batch=batch).count() == 2
    assert "替换" in _import(exported)
    assert RollupBatch.objects.count() == 1
    assert CountyRollup.objects.count() == 2
    assert Region.objects.filter(level=RegionLevel.NATION).count() == 1


def test_a_tampered_file_is_refused_and_nothing_is_written(exported, national):
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["counties"][0]["cells"]["pupils"] += 1
    exported.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="签名验证失败"):
        _import(exported)
    assert not RollupBatch.objects.exists() and not CountyRollup.objects.exists()
    assert not Region.objects.filter(level=RegionLevel.NATION).exists()


def test_a_file_signed_with_another_provinces_key_is_refused(reported, keys, national):
    other = keys / "other.pem"
    keypair_write(other, keys / "other-public.pem")
    document = rollup_document(
        province=Region.objects.get(code="510000000000"),
        term=reported.term,
        key=signing_key(str(other)),
    )
    path = keys / "forged.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="签名验证失败"):
        _import(path)
    assert not RollupBatch.objects.exists()


def test_a_province_instance_does_not_import(exported):
    with pytest.raises(CommandError, match="不是全国实例"):
        _import(exported)


# --- the national pages -------------------------------------------------------------------------


def _province_file(keys, term, *, code: str, name: str, counties: list[tuple[str, str, dict]]):
    """A province's signed roll-up with the counties' cells given (the province's own totals
    their sums), its public key trusted by the nation."""
    private = keys / f"{code}-private.pem"
    if not private.exists():
        keypair_write(private, keys / "trusted" / f"{code}.pem")
    cells = [c for _, _, c in counties]
    totals = {k: sum(c[k] for c in cells if c[k] is not None) for k in cells[0]}
    body = {
        "manifest": {
            "schema_version": 1,
            "province": {"code": code, "name": name},
            "term": {
                "code": term.code,
                "start_year": term.start_year,
                "semester": term.semester,
                "starts_on": term.starts_on.isoformat(),
                "ends_on": term.ends_on.isoformat(),
            },
            "generated_at": "2026-01-01T00:00:00+08:00",
            "counts": {"counties": len(counties), "cells": 0, "suppressed": 0},
        },
        "province": {"cells": totals},
        "counties": [
            {
                "code": c,
                "name": n,
                "city": {"code": c[:4] + "00000000", "name": n + "所在市"},
                "cells": v,
            }
            for c, n, v in counties
        ],
    }
    path = keys / f"{code}-{term.code}.json"
    path.write_text(
        json.dumps(sign(body, signing_key(str(private))), ensure_ascii=False), encoding="utf-8"
    )
    return path


def _cells(pupils, education, both, one, male, female, *, month: str = "", visits=(0, 0)):
    """A county's cells; with `month`, that month's home visits (owed, done)."""
    in_month = {}
    if month:
        owed, done = visits
        in_month = {
            f"month.{month}.home_visit.owed": owed,
            f"month.{month}.home_visit.done": done,
            f"month.{month}.home_visit.exempt": 0,
        }
    return in_month | {
        "pupils": pupils,
        "left_behind_education": education,
        "left_behind_civil": both,
        "category.both_away": both,
        "category.one_away": one,
        "category.one_away_other_unable": 0,
        "sex.male": male,
        "sex.female": female,
        "coverage.needing": education,
        "coverage.paired": education - 10,
        "dropout.open": 6,
        "aid.children": 20,
        "aid.amount": 10000.0,
    }


@pytest.fixture
def nation_imported(reported, keys, national):
    term = reported.term
    first = term_months(term)[0].key  # a month that has ended
    _import(
        _province_file(
            keys,
            term,
            code="52",
            name="贵州省",
            counties=[
                (
                    "520121000000",
                    "开阳县",
                    _cells(900, 80, 50, 30, 40, 40, month=first, visits=(70, 63)),
                ),
                (
                    "520122000000",
                    "息烽县",
                    _cells(700, 60, 35, 25, None, None, month=first, visits=(50, None)),
                ),
            ],
        )
    )
    _import(
        _province_file(
            keys,
            term,
            code="53",
            name="云南省",
            counties=[
                (
                    "530121000000",
                    "富民县",
                    _cells(500, 40, 20, 20, 22, 18, month=first, visits=(30, 27)),
                )
            ],
        )
    )
    return reported


def test_the_nations_census_is_the_sum_of_the_provinces(nation_imported):
    nation = Region.objects.get(level=RegionLevel.NATION)
    officer = RegionOfficerFactory(username="national", scope_region=nation)
    census = census_for(officer, node=nation, term=nation_imported.term)
    assert census.figures.pupils == 900 + 700 + 500
    assert census.figures.left_behind_education == 180
    units = {u.node.name: u.figures.left_behind_education for u in census.units}
    assert units["贵州省"] == 140 and units["云南省"] == 40


def test_a_national_officer_reads_the_census_table_of_the_nation(client, nation_imported):
    nation = Region.objects.get(level=RegionLevel.NATION)
    officer = RegionOfficerFactory(username="national", scope_region=nation)
    client.force_login(officer)
    page = client.get(reverse("reports:census-table"), {"term": nation_imported.term.code})
    assert page.status_code == 200
    rows = {r.name: r for r in page.context["census_table"].rows}
    assert rows["全国"].values[0] == 2100
    assert rows["开阳县"].values[1] == 80
    # 息烽县's sexes were suppressed: Guizhou's and the nation's are shown as the range they
    # lie in, never as a count.
    assert rows["息烽县"].values[rows["息烽县"].values.index("1–4")] == "1–4"
    body = page.content.decode()
    assert "富民县" in body and "2100" in body


def test_the_national_dashboard_reads_the_roll_ups(client, nation_imported):
    nation = Region.objects.get(level=RegionLevel.NATION)
    officer = RegionOfficerFactory(username="national", scope_region=nation)
    client.force_login(officer)
    page = client.get(reverse("reports:dashboard"), {"term": nation_imported.term.code})
    assert page.status_code == 200
    tiles = {t.key: t for t in page.context["board"].tiles}
    assert tiles["pupils"].value == 2100
    assert tiles["left_behind_education"].value == 180
    assert tiles["without_proxy"].value == 30  # 10 unpaired in each of the three counties
    assert tiles["aid_children"].value == 60
    assert tiles["dropout_cases_open"].value == 18
    units = {u.name: u.census.left_behind_education for u in page.context["board"].units}
    assert units == {"贵州省": 140, "云南省": 40, "四川省": 0}


def test_the_national_dashboard_shows_the_months_compliance_from_the_roll_ups(
    client, nation_imported
):
    term = nation_imported.term
    first, *_rest = term_months(term)
    nation = Region.objects.get(level=RegionLevel.NATION)
    officer = RegionOfficerFactory(username="national", scope_region=nation)
    client.force_login(officer)
    page = client.get(reverse("reports:dashboard"), {"term": term.code})
    assert page.status_code == 200
    months = {m.month.key: m for m in page.context["board"].months}
    visits = {q.kind: q for q in months[first.key].quotas}["home_visit"]
    # 息烽县's done was suppressed: left out of the sum, never guessed.
    assert (visits.owed, visits.done) == (70 + 50 + 30, 63 + 27)
    assert not months[first.key].in_progress
    term_visits = {
        q.kind: q for q in FIGURES["compliance_term"].function(officer, node=nation, term=term)
    }["home_visit"]
    assert (term_visits.owed, term_visits.done) == (150, 90)
    guizhou = Region.objects.get(code="520000000000")
    by_province = FIGURES["compliance_by_month"].function(officer, node=guizhou, term=term)
    assert [(q.owed, q.done) for q in by_province[0].quotas] == [(120, 63)]


def test_the_operators_stats_of_the_nation_are_the_roll_ups(nation_imported):
    out = io.StringIO()
    call_command("stats", scope="00", term=nation_imported.term.code, json=True, stdout=out)
    figures = json.loads(out.getvalue())["figures"]
    assert figures["pupils"]["value"] == 2100
    assert figures["pairing_coverage"]["value"]["whole"] == 180
