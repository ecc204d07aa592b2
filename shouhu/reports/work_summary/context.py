"""What a section function of the work summary is given: who reads, which node and term."""

from dataclasses import dataclass

from shouhu.accounts.models import User
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.reports.models import SummaryDraft

SummaryNode = Region | School | SchoolClass


@dataclass
class SummaryContext:
    user: User
    node: SummaryNode
    term: Term
    previous: Term | None
    draft: SummaryDraft | None

    @property
    def is_rollup(self) -> bool:
        """A township's, county's or city's summary rolls up its schools."""
        return isinstance(self.node, Region)

    @property
    def is_class(self) -> bool:
        """A head teacher's class summary (篇一–五): the class's own children and work."""
        return isinstance(self.node, SchoolClass)


def unit_name(node: SummaryNode) -> str:
    """The unit that signs the summary: a region's or school's name, a class with its school."""
    if isinstance(node, SchoolClass):
        return f"{node.school.name}{node.name}"
    return node.name
