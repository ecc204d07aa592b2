"""The demo county's aid (`shouhu seed-demo --children 200`, as of the pinned day): a year of
approved aid, a proposal waiting for the school leader and a rejected one in the head
teacher's class, hints for the children not yet helped, and the demo school's 公示 period."""

from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.demo.tests.conftest import CALENDAR, CURRENT
from shouhu.org.models import Term
from shouhu.welfare.models.aid import CIVIL_KINDS, AidNotice, AidRecord, AidStatus
from shouhu.welfare.selectors.aid import aid_hints_for, aid_todo_for


def test_a_year_of_approved_aid_in_every_term(small_county):
    for code, *_rest in CALENDAR.terms:
        assert AidRecord.objects.effective().filter(term__code=code).count() > 10


def test_civil_kinds_are_decided_by_civil_affairs_and_nothing_is_after_today(small_county):
    today = timezone.localdate()
    for record in AidRecord.objects.decided().select_related("decided_by"):
        assert record.proposed_on <= (record.decided_on or today) <= today
        if record.kind in CIVIL_KINDS and record.status == AidStatus.APPROVED:
            assert record.decided_by.role in ("township_officer", "region_officer")


def test_the_leader_has_one_proposal_waiting_and_the_head_one_rejected(small_county):
    leader, head = User.objects.get(username="leader"), User.objects.get(username="head")
    term = Term.objects.get(code=CURRENT)
    assert aid_todo_for(leader, term=term).to_review == 1
    rejected = AidRecord.objects.restrict(head).filter(status=AidStatus.REJECTED)
    assert rejected.count() == 1 and rejected.get().review_note


def test_the_township_sees_children_in_hardship_not_yet_helped(small_county):
    township = User.objects.get(username="township")
    hints = aid_hints_for(township, term=Term.objects.get(code=CURRENT))
    assert hints and all(h.reasons for h in hints)


def test_the_demo_school_has_a_notice_period_each_term(small_county):
    assert AidNotice.objects.count() == len(CALENDAR.terms)
