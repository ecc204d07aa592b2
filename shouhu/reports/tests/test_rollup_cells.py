"""The small-cell rule of the national roll-up (`reports.rollup.cells.protect`): no count of 1–4
children is published, and none can be computed back from a county's or the province's total."""

from hypothesis import given, settings
from hypothesis import strategies as st

from shouhu.reports.rollup.cells import groups_of, protect


def _county(**cells):
    base = {
        "pupils": 400,
        "left_behind_education": 60,
        "category.both_away": 30,
        "category.one_away": 30,
        "sex.male": 30,
        "sex.female": 30,
        "aid.children": 20,
        "aid.amount": 9000.0,
    }
    return base | cells


def _province(counties):
    keys = next(iter(counties.values())).keys()
    return {k: sum(c[k] for c in counties.values()) for k in keys}


def test_counts_of_one_to_four_are_suppressed_and_zeros_published():
    counties = {"A": _county(**{"flag.no_hukou": 3, "flag.dropout": 0}), "B": _county()}
    counties["B"]["flag.no_hukou"] = 0
    counties["B"]["flag.dropout"] = 0
    published, _ = protect(counties, _province(counties))
    assert published["A"]["flag.no_hukou"] is None
    assert published["A"]["flag.dropout"] == 0


def test_a_lone_small_part_is_hidden_with_another_so_the_total_does_not_give_it_away():
    counties = {
        "A": _county(**{"category.both_away": 57, "category.one_away": 3}),
        "B": _county(),
        "C": _county(),
    }
    published, _ = protect(counties, _province(counties))
    row = published["A"]
    assert row["category.one_away"] is None
    # 60 − 57 would give the 3 back: the other part is hidden too, the total stays.
    assert row["category.both_away"] is None
    assert row["left_behind_education"] == 60


def test_a_small_remainder_hides_the_part_it_could_be_computed_from():
    counties = {
        "A": _county(**{"coverage.needing": 60, "coverage.paired": 58}),
        "B": _county(**{"coverage.needing": 60, "coverage.paired": 40}),
        "C": _county(**{"coverage.needing": 60, "coverage.paired": 30}),
    }
    published, _ = protect(counties, _province(counties))
    # 2 children unpaired in A: 60 − 58 would publish them.
    assert published["A"]["coverage.paired"] is None
    assert published["A"]["coverage.needing"] == 60


def test_a_lone_suppressed_county_in_a_column_hides_a_second_county():
    counties = {
        "A": _county(**{"dropout.open": 2}),
        "B": _county(**{"dropout.open": 9}),
        "C": _county(**{"dropout.open": 12}),
    }
    province = _province(counties)
    published, own = protect(counties, province)
    assert own["dropout.open"] == 23
    column = [published[c]["dropout.open"] for c in "ABC"]
    # The province's 23 less the published counties would give A's 2: B's 9 is hidden too.
    assert column == [None, None, 12]


def test_no_published_cell_and_no_difference_of_published_cells_is_small():
    counties = {
        "A": _county(**{"category.both_away": 56, "category.one_away": 4, "aid.children": 3}),
        "B": _county(**{"sex.male": 58, "sex.female": 2}),
        "C": _county(),
    }
    published, own = protect(counties, _province(counties))
    for row in [own, *published.values()]:
        counts = {k: v for k, v in row.items() if k != "aid.amount"}
        assert not any(v in range(1, 5) for v in counts.values() if v is not None)
    assert published["A"]["aid.amount"] is None  # an amount goes with its 人次
    for code in "AB":
        for family in ("category.", "sex."):
            hidden = [k for k, v in published[code].items() if k.startswith(family) and v is None]
            assert len(hidden) != 1


def _published_sound(cells, own):
    """No published count is 1–4; no group leaves a single small unknown; no column does."""
    for row in [own, *cells.values()]:
        assert not [k for k, v in row.items() if k != "aid.amount" and v in range(1, 5)]
    for row in cells.values():
        for total, parts, whole in groups_of(row):
            if row[total] is None:
                continue
            unknown = [p for p in parts if row[p] is None]
            if whole:
                assert len(unknown) != 1
            elif not unknown:  # the remainder anyone can compute is not a small cell
                assert row[total] - sum(row[p] for p in parts) not in range(1, 5)
    for key, total in own.items():
        if key == "aid.amount" or total is None:
            continue
        assert len([c for c in cells.values() if c[key] is None]) != 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.integers(0, 12), st.integers(0, 6), st.integers(0, 9)),
        min_size=1,
        max_size=5,
    )
)
def test_any_counties_are_protected(rows):
    counties = {}
    for i, (both, one, male_part, flag) in enumerate(rows):
        total = both + one
        male = min(male_part, total)
        counties[str(i)] = {
            "pupils": total + 40,
            "left_behind_education": total,
            "category.both_away": both,
            "category.one_away": one,
            "sex.male": male,
            "sex.female": total - male,
            "flag.poverty": min(flag, total),
        }
    published, own = protect(counties, _province(counties))
    _published_sound(published, own)
