"""The reports read the months of a term together (care.compliance_months_for: one query, the
termly quotas one column across months); read one month at a time (care.compliance_for) they
must agree, total and unit by unit."""

import pytest

from shouhu.care.compliance import compliance_for
from shouhu.reports.selectors.compliance import _months_compliance, term_months
from shouhu.testing.factories import ExemptionFactory, QuotaFactory


def _cells(quotas) -> list[tuple]:
    return [(q.kind, q.owed, q.done, q.exempt) for q in quotas]


def _care_cells(compliance, cells) -> list[tuple]:
    return [
        (column.kind, cell.owed, cell.done, cell.exempt)
        for column, cell in zip(compliance.columns, cells, strict=True)
    ]


@pytest.mark.parametrize(
    "user, node, by_school",
    [
        ("head_teacher", "class_a", False),
        ("school_leader", "school_a", False),
        ("region_officer", "county", False),
        ("region_officer", "county", True),
    ],
)
def test_months_read_together_equal_care_compliance_month_by_month(
    reported, request, user, node, by_school
):
    user, node = request.getfixturevalue(user), getattr(reported, node)
    # A stricter school quota and an exemption, so that more than the defaults is compared.
    QuotaFactory(school=reported.school_a, kind="talk", period="month", minimum=2)
    ExemptionFactory(child=reported.anran, kind="parent_call", starts_on=reported.term.starts_on)
    months = term_months(reported.term)
    ours = _months_compliance(user, node, months, by_school=by_school)
    for month in months:
        care = compliance_for(user, node=node, month=month, by="school" if by_school else "")
        total, units = ours[month.key]
        assert _cells(total.quotas) == _care_cells(care, care.total), month.key
        care_units = {row.code: _care_cells(care, row.cells) for row in care.units}
        assert {code: _cells(u.quotas) for code, u in units.items()} == care_units, month.key
