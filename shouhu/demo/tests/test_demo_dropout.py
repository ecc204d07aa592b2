"""The demo's 控辍保学: two suspected dropouts, a case in persuasion with two attempts, a child
back in school under follow-up, all in the demo head teacher's class and inside the term."""

from shouhu.accounts.models import User
from shouhu.schooling.models.attendance import Absence
from shouhu.schooling.models.dropout import (
    CaseState,
    DropoutCase,
    SuspectedDropout,
    SuspectStatus,
)
from shouhu.schooling.selectors.dropout import todos_for


def test_the_demo_has_the_dropout_ledgers_of_the_issue(small_county):
    suspects = list(SuspectedDropout.objects.all())
    assert len(suspects) == 2 and {s.status for s in suspects} == {SuspectStatus.OPEN}
    for entry in suspects:
        assert Absence.objects.filter(child=entry.child, day__lte=entry.found_on).count() >= 3
    persuading = DropoutCase.objects.get(state=CaseState.PERSUADING)
    assert persuading.attempts.count() == 2
    following = DropoutCase.objects.get(state=CaseState.FOLLOWING)
    assert following.returned_on is not None and following.checks.count() == 1
    head = {s.child.school_class_id for s in suspects} | {persuading.child.school_class_id}
    assert len(head) == 1


def test_the_demo_head_teacher_has_them_to_do(small_county):
    head_teacher = User.objects.get(username="head")
    todos = todos_for(head_teacher)
    assert [row.entry.child.school_class_id for row in todos.suspects] == [
        head_teacher.scope_class_id
    ] * 2
