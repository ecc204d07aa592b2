"""`children_without_aid`: the one question the dropout alert (no child leaves school for
poverty) asks of aid: which of these children receive no aid that counts this term."""

import pytest

from shouhu.registry.models import Child
from shouhu.testing.factories import ChildFactory
from shouhu.welfare.models.aid import AidKind
from shouhu.welfare.selectors.aid import children_without_aid
from shouhu.welfare.services.aid import aid_propose, aid_review

pytestmark = pytest.mark.django_db


def _propose(head_teacher, child, kind=AidKind.HARDSHIP_GRANT):
    return aid_propose(
        actor=head_teacher, child=child, kind=kind, amount="500", source="县资助中心", reason="困难"
    )


def test_only_approved_aid_of_the_term_counts(world, head_teacher, school_leader):
    aided, waiting, refused, none = (ChildFactory(school_class=world.class_a) for _ in range(4))
    aid_review(actor=school_leader, record=_propose(head_teacher, aided), approve=True)
    _propose(head_teacher, waiting)
    aid_review(
        actor=school_leader, record=_propose(head_teacher, refused), approve=False, note="不符合"
    )
    children = Child.objects.restrict(head_teacher).filter(
        pk__in=[c.pk for c in (aided, waiting, refused, none)]
    )
    left = set(children_without_aid(head_teacher, children_qs=children, term=world.term))
    assert left == {waiting, refused, none}
    assert set(
        children_without_aid(head_teacher, children_qs=children, term=world.previous_term)
    ) == {
        aided,
        waiting,
        refused,
        none,
    }
