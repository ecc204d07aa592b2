"""Figures of grades (成绩): the share of left-behind children who improved, read from the
schooling app's own selector (`schooling.selectors.grades.improvement_for`), never counted
again here. The rule is written beside the figure (`grading.IMPROVED_DEFINITION`)."""

from django.utils.translation import gettext_lazy as _

from shouhu.core.roles import Perm
from shouhu.org.models import Term
from shouhu.reports.selectors.base import Node, Share, cached, check_node, figure, node_key
from shouhu.schooling.grading import IMPROVED_DEFINITION
from shouhu.schooling.selectors.grades import improvement_for


@figure("improved_share", _("留守儿童成绩进步比例"), IMPROVED_DEFINITION)
def improved_share_for(user, *, node: Node, term: Term) -> Share:
    check_node(user, node, Perm.CENSUS_VIEW)

    def compute() -> Share:
        found = improvement_for(user, node=node, term=term)
        return Share(found.improved, found.compared)

    return cached(("improved_share", id(user), node_key(node), term.pk), compute)
