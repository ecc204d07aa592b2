"""A province's roll-up for a term (issue 18, `shouhu rollup-export`): per county, the census
(the 汇总表's figures), pairing coverage, quota compliance, dropouts and aid, read from the
figure functions (`FIGURES`) as `shouhu stats` reads them, never counted again; small cells
suppressed (`cells.protect`); signed with the province's key.

The file holds no name, ID number or free text: only region codes and names, the term, counts,
shares' counts and amounts. Its shape is `SCHEMA_VERSION`:

    {"manifest": {schema_version, province {code, name}, term {code, start_year, semester,
                  starts_on, ends_on}, generated_at, so_far (the term has not ended),
                  counts {counties, cells, suppressed},
                  suppression (the rule, in words)},
     "province": {cells},
     "counties": [{code, name, city {code, name} | null, cells}],
     "signature": {algorithm, key_id, value}}
"""

import json
from dataclasses import dataclass
from typing import IO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.accounts.operator import province_reader
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.core.scoping import subtree_range
from shouhu.org.models import Region, RegionLevel, Term
from shouhu.reports.rollup.cells import Cells, protect
from shouhu.reports.rollup.national import month_prefix
from shouhu.reports.rollup.signing import sign
from shouhu.reports.selectors import FIGURES, figures_cached

SCHEMA_VERSION = 1
SUPPRESSION_RULE = (
    "1至4名儿童的数据不公开（为空）；0照常公开。"
    "县内：合计与其组成部分中若只剩一个未公开的数可由合计相减得出，则再隐去最小的另一组成部分。"
    "县际：全省合计已公开，若某项只有一个县未公开，则再隐去该项中最小的另一个县的数据。"
    "反复执行直至不再变化；资助金额随其人次一并隐去。"
)


def _share(cells: Cells, prefix: str, share, count: str, whole: str) -> None:
    cells[f"{prefix}.{count}"] = share.count
    cells[f"{prefix}.{whole}"] = share.whole


def node_cells(reader: User, *, node: Region, term: Term) -> Cells:
    """The roll-up's cells of a region: every value read from its figure function."""

    def value(key: str):
        return FIGURES[key].function(reader, node=node, term=term)

    cells: Cells = {
        "pupils": value("pupils"),
        "left_behind_education": value("left_behind_education").count,
        "left_behind_civil": value("left_behind_civil").count,
        "without_guardian": value("without_guardian"),
    }
    for family, key in (
        ("category", "by_category"),
        ("sex", "by_sex"),
        ("age", "by_age_band"),
        ("flag", "by_flag"),
    ):
        for part, count in value(key).items():
            cells[f"{family}.{part}"] = count
    _share(cells, "coverage", value("pairing_coverage"), "paired", "needing")
    # A quota counts once its period has ended: a period still running is not yet a figure.
    for quota in value("compliance_term"):
        if not quota.in_progress:
            cells[f"compliance.{quota.kind}.owed"] = quota.owed
            cells[f"compliance.{quota.kind}.done"] = quota.done
    # Each month that has ended, its monthly quotas: the nation's dashboard shows them by month.
    for month in value("compliance_by_month"):
        for quota in month.quotas:
            if quota.monthly and not quota.in_progress:
                for part in ("owed", "done", "exempt"):
                    cells[f"{month_prefix(month.month)}{quota.kind}.{part}"] = getattr(quota, part)
    cells["dropout.suspected"] = value("suspected_dropouts")
    cells["dropout.open"] = value("dropout_cases_open")
    cells["dropout.returned"] = value("returned_to_school")
    _share(cells, "retention", value("retention_rate"), "enrolled", "cohort")
    cells["aid.children"] = value("aid_children")
    cells["aid.amount"] = float(value("aid_amount"))
    return cells


@dataclass
class RollupExport:
    counties: int
    cells: int
    suppressed: int


def _counties(province: Region):
    return Region.objects.filter(
        level=RegionLevel.COUNTY, code__range=subtree_range(province.prefix)
    ).order_by("code")


def _city(county: Region) -> dict | None:
    city = county.parent
    if city is None or city.level != RegionLevel.CITY:
        return None
    return {"code": city.code, "name": city.name}


def rollup_document(*, province: Region, term: Term, key: Ed25519PrivateKey) -> dict:
    """The signed roll-up of a province for a term (nothing written)."""
    reader = province_reader(province)
    counties = list(_counties(province).select_related("parent"))
    with figures_cached():
        own = node_cells(reader, node=province, term=term)
        raw = {c.code: node_cells(reader, node=c, term=term) for c in counties}
    keys = sorted(set(own).union(*raw.values()))
    for cells in [own, *raw.values()]:  # a quota no county owes is a zero, not a gap
        for k in keys:
            cells.setdefault(k, 0)
    protected, own = protect(raw, own)
    values = [v for cells in [own, *protected.values()] for v in cells.values()]
    body = {
        "manifest": {
            "schema_version": SCHEMA_VERSION,
            "province": {"code": province.prefix, "name": province.name},
            "term": {
                "code": term.code,
                "start_year": term.start_year,
                "semester": term.semester,
                "starts_on": term.starts_on.isoformat(),
                "ends_on": term.ends_on.isoformat(),
            },
            "generated_at": timezone.now().isoformat(),
            # A term not yet ended is "so far": its figures will change until it ends.
            "so_far": timezone.localdate() < term.ends_on,
            "counts": {
                "counties": len(counties),
                "cells": len(values),
                "suppressed": sum(1 for v in values if v is None),
            },
            "suppression": SUPPRESSION_RULE,
        },
        "province": {"cells": own},
        "counties": [
            {
                "code": c.code,
                "name": c.name,
                "city": _city(c),
                "cells": protected[c.code],
            }
            for c in counties
        ],
    }
    return sign(body, key)


@transaction.atomic
def rollup_export(
    *, actor: User, province: Region, term: Term, out: IO[str], key: Ed25519PrivateKey
) -> RollupExport:
    """Write a province's signed roll-up for a term to `out`, and log the export."""
    if province.level != RegionLevel.PROVINCE:
        raise ValueError(_("全国汇总只能按省导出：%(n)s 不是省。") % {"n": province.name})
    document = rollup_document(province=province, term=term, key=key)
    json.dump(document, out, ensure_ascii=False, indent=1, sort_keys=True)
    counts = document["manifest"]["counts"]
    access_record(
        user=actor if actor.pk else None,
        action=AccessAction.EXPORT,
        query=_("导出全国汇总 %(p)s %(t)s：%(n)d个县，%(s)d个小数据隐去")
        % {
            "p": province.prefix,
            "t": term.code,
            "n": counts["counties"],
            "s": counts["suppressed"],
        },
        request=None,
    )
    return RollupExport(counts["counties"], counts["cells"], counts["suppressed"])
