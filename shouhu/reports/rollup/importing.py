"""A national instance loads a province's roll-up (issue 18, `shouhu rollup-import`).

1. The file is read and its signature checked under the public key held for the province it
   names (`signing.verified`); a file changed after signing, or signed by another key, is
   refused with nothing written.
2. Its shape is checked: the schema version, the term, codes, and every cell a whole number
   (or null, suppressed), the amounts numbers; anything else is refused, nothing written.
3. In one transaction: the nation, the province, its cities and counties are added to the tree
   where missing (codes and names only), the term where missing; the province's roll-up of the
   term replaces any earlier one (never a second copy); one entry in the access log.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.org.models import Region, RegionLevel, Term, full_code
from shouhu.reports.models import CountyRollup, RollupBatch
from shouhu.reports.rollup.signing import RollupRefused, verified

SCHEMA_VERSIONS = {1}
NATION_CODE = full_code("")
AMOUNT_CELLS = {"aid.amount"}


@dataclass
class RollupImported:
    batch: RollupBatch
    counties: int
    replaced: bool


def _cells(raw, where: str) -> dict:
    if not isinstance(raw, dict):
        raise RollupRefused(_("%(w)s：缺少数据。") % {"w": where})
    for key, value in raw.items():
        if value is None:
            continue
        if key in AMOUNT_CELLS:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
        else:
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        if not isinstance(key, str) or not ok:
            raise RollupRefused(
                _("%(w)s：数据项「%(k)s」的值 %(v)r 不是非负数。")
                % {"w": where, "k": key, "v": value}
            )
    return raw


def _code(raw, length: int, where: str) -> str:
    if not (isinstance(raw, str) and raw.isdigit() and len(raw) == length):
        raise RollupRefused(
            _("%(w)s：代码 %(c)r 应为%(n)d位数字。") % {"w": where, "c": raw, "n": length}
        )
    return raw


def _body(document: dict) -> dict:
    """The verified body of a document, or refused."""
    manifest = document.get("manifest")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("province"), dict):
        raise RollupRefused(_("文件不是全国汇总数据（缺少清单）：未导入任何数据。"))
    province = _code(manifest["province"].get("code"), 2, _("清单"))
    body = verified(document, province)
    if body["manifest"].get("schema_version") not in SCHEMA_VERSIONS:
        raise RollupRefused(
            _("不支持的格式版本 %(v)r：未导入任何数据。")
            % {"v": body["manifest"].get("schema_version")}
        )
    return body


def _region(code: str, name: str, level: RegionLevel, parent: Region | None) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        region = Region(code=code, name=name, level=level, parent=parent)
        try:
            region.full_clean()
        except ValidationError as exc:
            raise RollupRefused(
                _("区划 %(c)s：%(e)s") % {"c": code, "e": "；".join(exc.messages)}
            ) from None
        region.save()
    return region


def _term(raw: dict) -> Term:
    term = Term.objects.filter(code=raw.get("code")).first()
    if term is not None:
        return term
    try:
        term = Term(
            code=raw["code"],
            start_year=raw["start_year"],
            semester=raw["semester"],
            starts_on=datetime.date.fromisoformat(raw["starts_on"]),
            ends_on=datetime.date.fromisoformat(raw["ends_on"]),
        )
        term.full_clean()
    except (KeyError, TypeError, ValueError) as exc:
        raise RollupRefused(_("学期信息不完整：%(e)s") % {"e": exc}) from None
    except ValidationError as exc:
        raise RollupRefused(_("学期：%(e)s") % {"e": "；".join(exc.messages)}) from None
    term.save()
    return term


@transaction.atomic
def rollup_import(*, actor: User, data: bytes) -> RollupImported:
    """Load a province's signed roll-up; refused (RollupRefused, nothing written) unless it
    verifies and is well formed. Importing a province's term again replaces it."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RollupRefused(_("文件不是有效的 JSON：未导入任何数据。")) from None
    if not isinstance(document, dict):
        raise RollupRefused(_("文件不是全国汇总数据：未导入任何数据。"))
    body = _body(document)
    manifest = body["manifest"]
    generated_at = parse_datetime(str(manifest.get("generated_at", "")))
    if generated_at is None:
        raise RollupRefused(_("清单：生成时间无效。"))
    counties = body.get("counties")
    if not isinstance(counties, list):
        raise RollupRefused(_("文件缺少各县数据：未导入任何数据。"))
    province_cells = _cells((body.get("province") or {}).get("cells"), _("全省合计"))
    prefix = manifest["province"]["code"]
    nation = _region(NATION_CODE, _("全国"), RegionLevel.NATION, None)
    province = _region(
        full_code(prefix),
        str(manifest["province"].get("name", prefix)),
        RegionLevel.PROVINCE,
        nation,
    )
    term = _term(manifest.get("term") or {})
    batch = RollupBatch.objects.select_for_update().filter(province=province, term=term).first()
    replaced = batch is not None
    if batch is None:
        batch = RollupBatch(province=province, term=term)
    batch.schema_version = manifest["schema_version"]
    batch.generated_at = generated_at
    batch.key_id = str(document["signature"].get("key_id", ""))[:64]
    batch.digest = hashlib.sha256(data).hexdigest()
    batch.totals = province_cells
    batch.full_clean()
    batch.save()
    batch.counties.all().delete()  # the province's earlier figures of the term are replaced
    rows = []
    for entry in counties:
        if not isinstance(entry, dict):
            raise RollupRefused(_("各县数据格式不对：未导入任何数据。"))
        code = _code(entry.get("code"), 12, _("县"))
        if not code.startswith(prefix):
            raise RollupRefused(
                _("县 %(c)s 不在省份 %(p)s 内：未导入任何数据。") % {"c": code, "p": prefix}
            )
        city = entry.get("city")
        parent = province
        if isinstance(city, dict):
            city_code = _code(city.get("code"), 12, _("市"))
            parent = _region(
                city_code, str(city.get("name", city_code)), RegionLevel.CITY, province
            )
        county = _region(code, str(entry.get("name", code)), RegionLevel.COUNTY, parent)
        cells = _cells(entry.get("cells"), _("县 %(c)s") % {"c": code})
        rows.append(CountyRollup(batch=batch, county=county, term=term, figures=cells))
    CountyRollup.objects.bulk_create(rows)
    access_record(
        user=actor if actor.pk else None,
        action=AccessAction.CREATE,
        query=_("导入全国汇总 %(p)s %(t)s：%(n)d个县%(r)s")
        % {
            "p": prefix,
            "t": term.code,
            "n": len(rows),
            "r": _("（替换此前导入）") if replaced else "",
        },
    )
    return RollupImported(batch=batch, counties=len(rows), replaced=replaced)
