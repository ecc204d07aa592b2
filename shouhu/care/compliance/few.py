"""The few-children twin of the counting SQL: the statuses `counting.statuses_by_child` gives,
worked out with the pure rules over three small queries, for a proxy parent's or a class's few
children (no SQL to build per column). The tests hold the two equal."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shouhu.care.compliance.columns import ChildStatus, Column
from shouhu.care.models import (
    CareActionChild,
    Exemption,
    Pairing,
    PairingKind,
)
from shouhu.care.rules import (
    overlaps,
    period_owed,
    quota_status,
)
from shouhu.registry.models import Child


@dataclass
class FewChildren:
    """What the statuses of a few children rest on, read in three small queries (or passed in
    by a caller that read them already): the proxy pairings, the actions of the quota kinds,
    and the exemptions in the periods' span."""

    pairings: dict[int, list[Pairing]]
    actions: dict[tuple[int, str], list[datetime.date]]
    exemptions: dict[int, list[Exemption]]

    def carer_on(self, child_id: int, day: datetime.date):
        """The proxy parent on the day (the latest pairing begun by then and not yet ended)."""
        held = [p for p in self.pairings.get(child_id, []) if p.held_on(day)]
        return max(held, key=lambda p: p.starts_on).carer if held else None


def read_few(
    children: Sequence[Child],
    columns: Sequence[Column],
    *,
    pairings: Iterable[Pairing] | None = None,
    exemptions: Iterable[Exemption] | None = None,
    links: Iterable[tuple[int, str, datetime.date]] | None = None,
) -> FewChildren:
    """The rows `few_statuses` needs. A caller that has already read the children's pairings
    (every kind), exemptions (at least those overlapping the columns) or action links (as
    `(child_id, kind, done_on)`, at least every link of the columns' kinds in their span)
    passes them in, and they are not read again."""
    ids = [c.pk for c in children]
    first = min((c.period.start for c in columns), default=None)
    last = max((c.period.end for c in columns), default=None)
    by_child: dict[int, list[Pairing]] = defaultdict(list)
    if pairings is None:
        pairings = list(
            Pairing.objects.filter(child_id__in=ids, kind=PairingKind.PROXY_PARENT)
            .select_related("carer")
            .defer("carer__phone")
        )
    for pairing in pairings:
        if pairing.kind == PairingKind.PROXY_PARENT and pairing.child_id in ids:
            by_child[pairing.child_id].append(pairing)
    actions: dict[tuple[int, str], list[datetime.date]] = defaultdict(list)
    exempt: dict[int, list[Exemption]] = defaultdict(list)
    if first is not None and last is not None:
        kinds = {c.kind for c in columns}
        wanted = set(ids)
        if links is None:
            links = CareActionChild.objects.filter(
                child_id__in=ids, kind__in=kinds, done_on__gte=first, done_on__lte=last
            ).values_list("child_id", "kind", "done_on")
        for child_id, kind, done_on in links:
            if child_id in wanted and kind in kinds and first <= done_on <= last:
                actions[(child_id, kind)].append(done_on)
        if exemptions is None:
            exemptions = list(
                Exemption.objects.filter(child_id__in=ids, starts_on__lte=last, ends_on__gte=first)
            )
        for exemption in exemptions:
            if exemption.starts_on <= last and exemption.ends_on >= first:
                exempt[exemption.child_id].append(exemption)
    return FewChildren(pairings=by_child, actions=actions, exemptions=exempt)


def few_statuses(
    child: Child, columns: Sequence[Column], few: FewChildren, *, today: datetime.date
) -> list[ChildStatus]:
    """The statuses `statuses_by_child` gives, worked out with the pure rules for one child of
    a few (a proxy parent's, a class): no per-child query, and no SQL to build per column."""
    result = []
    pairings = few.pairings.get(child.pk, [])
    for column in columns:
        period = column.period
        held = [p for p in pairings if p.held_on(period.start)]
        paired_on = min((p.starts_on for p in held), default=None)
        owed = period_owed(period, paired_on=paired_on, left_on=child.left_on)
        minimum = column.minimum_by_school.get(child.school_class.school_id, 0)
        done = sum(period.contains(d) for d in few.actions.get((child.pk, column.kind), []))
        status = None
        if owed and minimum:
            exempt = any(
                e.kind in ("", column.kind)
                and overlaps(e.starts_on, e.ends_on, period.start, period.end)
                for e in few.exemptions.get(child.pk, [])
            )
            status = quota_status(
                done=done, minimum=minimum, exempt=exempt, period=period, today=today
            )
        result.append(ChildStatus(column=column, done=done, minimum=minimum, status=status))
    return result
