"""The cells of a roll-up and the rule that protects them (small-cell suppression).

A county's figures are flat cells, `key: value`. Every cell but the aid amounts counts
children (or child-periods, for compliance; 人次, for aid); an amount follows its count.

The rule (`protect`), as statistical offices apply it:

1. Primary: a count of 1 to 4 is suppressed (null). A zero is published: it discloses nobody.
2. Within a county (row totals): each group of `groups_of` is a total and parts of it. If the
   total is published and exactly one thing is left unknown by it, that thing could be computed
   by subtraction: a suppressed part, or the remainder (the total less its parts, which is not
   published) when that is 1–4. Then the smallest other published non-zero part is suppressed
   as well (the total, when there is none).
3. Across counties (column totals): the province's own total of each cell is in the file. If
   exactly one county's cell of a column is suppressed, the smallest other published non-zero
   cell of that column is suppressed as well.
4. Steps 2 and 3 repeat until nothing changes; each step only adds suppressions, so it ends.
   An amount is suppressed with its count.
"""

from collections.abc import Iterable

SMALL = range(1, 5)  # counts of 1 to 4 children are never published

Cells = dict[str, int | float | None]


def is_small(value) -> bool:
    return isinstance(value, int) and value in SMALL


def groups_of(keys: Iterable[str]) -> list[tuple[str, list[str], bool]]:
    """The totals and their parts among these keys (rule 2), each with whether its parts
    make up the whole total (every child has one sex) or leave a remainder (the left-behind
    who are not of the civil definition)."""
    keys = set(keys)
    total = "left_behind_education"
    groups = [
        ("pupils", [total], False),
        (total, ["left_behind_civil"], False),
        (total, ["without_guardian"], False),
        *[(total, [k], False) for k in sorted(keys) if k.startswith("flag.")],
    ]
    for family in ("category.", "sex.", "age."):
        groups.append((total, sorted(k for k in keys if k.startswith(family)), True))
    groups.append(("coverage.needing", ["coverage.paired"], False))
    groups.append(("retention.cohort", ["retention.enrolled"], False))
    for key in sorted(keys):
        if key.startswith(("compliance.", "month.")) and key.endswith(".owed"):
            groups.append((key, [key.removesuffix(".owed") + ".done"], False))
    return [(t, [p for p in parts if p in keys], whole) for t, parts, whole in groups if t in keys]


# An amount and the count it follows.
AMOUNTS = {"aid.amount": "aid.children"}


def _smallest_published(cells: Cells, candidates: Iterable[str], hidden: set[str]) -> str | None:
    found = [
        (cells[k], k)
        for k in candidates
        if k not in hidden and isinstance(cells.get(k), int) and cells[k]
    ]
    return min(found)[1] if found else None


def _recoverable(cells: Cells, total: str, parts: list[str], whole: bool, hidden: set) -> bool:
    """Whether one small cell of the group can be computed from what is published: the total
    less the published parts leaves a single unknown, a suppressed part or the remainder."""
    remainder = cells[total] - sum(cells[p] or 0 for p in parts)  # type: ignore[operator]
    unknown = [p for p in parts if p in hidden]
    if not whole or remainder:
        unknown.append("")  # the remainder, which is not published
    if len(unknown) != 1:
        return False
    return bool(unknown[0]) or is_small(remainder)


def _protect_row(cells: Cells, hidden: set[str]) -> bool:
    changed = False
    for total, parts, whole in groups_of(cells):
        if total in hidden or not parts or not isinstance(cells.get(total), int):
            continue
        if _recoverable(cells, total, parts, whole, hidden):
            # Hide the smallest other part; with nothing left beside it, the total.
            hidden.add(_smallest_published(cells, parts, hidden) or total)
            changed = True
    return changed


def protect(counties: dict[str, Cells], province: Cells) -> tuple[dict[str, Cells], Cells]:
    """The counties' and the province's cells with every small cell and its complements
    suppressed (None), by the rule above."""
    hidden = {
        code: {k for k, v in cells.items() if is_small(v)} for code, cells in counties.items()
    }
    province_hidden = {k for k, v in province.items() if is_small(v)}
    changed = True
    while changed:
        changed = False
        for code, cells in counties.items():
            changed |= _protect_row(cells, hidden[code])
        changed |= _protect_row(province, province_hidden)
        for key in province:
            if key in AMOUNTS or key in province_hidden:
                continue
            column = [code for code in counties if key in hidden[code]]
            if len(column) != 1:
                continue
            others = [c for c in counties if c not in column and key not in hidden[c]]
            values = [(counties[c].get(key), c) for c in others]
            values = [(v, c) for v, c in values if isinstance(v, int) and v]
            if values:
                hidden[min(values)[1]].add(key)
            else:
                province_hidden.add(key)
            changed = True
    return (
        {code: _apply(cells, hidden[code]) for code, cells in counties.items()},
        _apply(province, province_hidden),
    )


def _apply(cells: Cells, hidden: set[str]) -> Cells:
    for amount, count in AMOUNTS.items():
        if count in hidden:
            hidden = hidden | {amount}
    return {k: (None if k in hidden else v) for k, v in cells.items()}
