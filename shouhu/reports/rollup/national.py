"""What a national instance reads (issue 18): a region's cells summed from the imported
roll-ups, for the census figures (`reports.selectors.census`) to turn into the same `Figures` a
province counts, so the national census table and dashboard are the province's pages.

- the nation: the sum of each province's own totals for the term;
- a province: its own totals, as its file carries them (exact: never a small cell);
- a city or a county: the sum of its counties' cells.

A suppressed cell (null) is left out of a sum and the sum is marked: `suppressed` counts the
cells left out by key, and the pages show the figure as the range it lies in (each cell left
out is 1 to 4), never as a count.
"""

from dataclasses import dataclass, field
from typing import TypeGuard

from django.conf import settings

from shouhu.care.rules import Period
from shouhu.core.scoping import subtree_range
from shouhu.org.models import Region, RegionLevel, Term
from shouhu.reports.models import CountyRollup, RollupBatch
from shouhu.reports.selectors.base import cached

ROLLUP_LEVELS = {RegionLevel.NATION, RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY}


@dataclass
class RollupCells:
    values: dict[str, int | float] = field(default_factory=dict)
    suppressed: dict[str, int] = field(default_factory=dict)  # key: how many cells left out

    def add(self, cells: dict) -> None:
        for key, value in cells.items():
            if value is None:
                self.suppressed[key] = self.suppressed.get(key, 0) + 1
                self.values.setdefault(key, 0)
            else:
                self.values[key] = self.values.get(key, 0) + value

    def count(self, key: str) -> int:
        return int(self.values.get(key, 0))


def reads_rollups(node) -> TypeGuard[Region]:
    """Whether this node's figures are the roll-ups' (a region of a national instance)."""
    return settings.SHOUHU_NATIONAL and isinstance(node, Region) and node.level in ROLLUP_LEVELS


def rollup_cells(region: Region, term: Term) -> RollupCells:
    """A region's cells for a term, summed from the roll-ups (empty where none was imported),
    read once in a piece of work."""
    return cached(("rollup_cells", region.pk, term.pk), lambda: _rollup_cells(region, term))


def rollup_count(node: Region, term: Term, key: str) -> int:
    """One cell of a region on a national instance: the sum of its published values (a tile
    shows no range: the cells under 5 are left out, as the census table marks them)."""
    return rollup_cells(node, term).count(key)


def _rollup_cells(region: Region, term: Term) -> RollupCells:
    found = RollupCells()
    if region.level == RegionLevel.NATION:
        for totals in RollupBatch.objects.filter(term=term).values_list("totals", flat=True):
            found.add(totals)
    elif region.level == RegionLevel.PROVINCE:
        for totals in RollupBatch.objects.filter(term=term, province=region).values_list(
            "totals", flat=True
        ):
            found.add(totals)
    else:
        rows = CountyRollup.objects.filter(
            term=term, county__code__range=subtree_range(region.prefix)
        ).values_list("figures", flat=True)
        for cells in rows:
            found.add(cells)
    return found


def month_prefix(month: Period) -> str:
    """The keys of a month's compliance in a roll-up: `month.<YYYY-MM>.<kind>.owed|done|exempt`
    (the monthly quotas of a month that has ended; `rollup.export.node_cells`)."""
    return f"month.{month.key}."


def rollup_month_cells(region: Region, month: Period) -> RollupCells:
    """A region's compliance cells for one month, from the roll-up of the term that carries it
    (the latest term overlapping the month that has any: a month is never counted twice)."""

    def read() -> RollupCells:
        prefix = month_prefix(month)
        terms = Term.objects.filter(starts_on__lte=month.end, ends_on__gte=month.start)
        for term in terms.order_by("-starts_on"):
            cells = rollup_cells(region, term)
            found = RollupCells(
                {k: v for k, v in cells.values.items() if k.startswith(prefix)},
                {k: n for k, n in cells.suppressed.items() if k.startswith(prefix)},
            )
            if found.values:
                return found
        return RollupCells()

    return cached(("rollup_month_cells", region.pk, month.key), read)
