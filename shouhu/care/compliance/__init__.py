"""The compliance engine of the care work (三个一, 篇十): which quotas are in force where
(`quotas`), the period columns a page looks at (`columns`), the statuses of many children
counted in one SQL query (`counting`), the same statuses for a few children in Python (`few`),
and the compliance pages' readers (`selectors`), with how they group a node (`units`)."""

from shouhu.care.compliance.columns import ChildStatus, Column
from shouhu.care.compliance.counting import Cell
from shouhu.care.compliance.selectors import (
    ChildRow,
    Compliance,
    ComplianceRow,
    compliance_for,
    compliance_months_for,
    compliance_url,
)

__all__ = [
    "Cell",
    "ChildRow",
    "ChildStatus",
    "Column",
    "Compliance",
    "ComplianceRow",
    "compliance_for",
    "compliance_months_for",
    "compliance_url",
]
