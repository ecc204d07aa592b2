"""Who gets told: a new 五必访 task and an escalation (the head teacher), a serious incident
and a new dropout case (the school's leaders and the township), the morning digest (teachers).
No message names a child in full or says what the signal, the incident or the cause was."""

import datetime

import pytest
from django.utils import timezone

from shouhu.care.models import SignalKind, VisitTask
from shouhu.care.selectors import worklist_for
from shouhu.care.services import observation_record
from shouhu.notify.jobs import escalations, morning_digest
from shouhu.notify.models import Channel, Message, NotifyPreference
from shouhu.notify.telling import Kind
from shouhu.schooling.models.dropout import DropoutCause
from shouhu.schooling.services.dropout import case_register
from shouhu.testing.dates import TODAY
from shouhu.testing.factories import PairingFactory
from shouhu.welfare.services.safety import incident_record


def _told(kind: str) -> dict[str, Message]:
    return {m.to_user.username: m for m in Message.objects.filter(kind=kind)}


def _observe(actor, child, commit):
    with commit(execute=True):
        return observation_record(actor=actor, child=child, kind=SignalKind.UNWELL, noted_on=TODAY)


def test_a_new_visit_task_tells_the_head_teacher_and_the_proxy_parent(
    world, teacher, head_teacher, school_leader, django_capture_on_commit_callbacks
):
    proxy = PairingFactory(child=world.child_a, starts_on=TODAY - datetime.timedelta(days=30))
    _observe(school_leader, world.child_a, django_capture_on_commit_callbacks)
    told = _told(Kind.TASK)
    assert set(told) == {"head_teacher", proxy.carer.username}
    body = told["head_teacher"].body
    assert "三年级(2)班 李同学" in body
    assert "李家成" not in body
    assert "身体" not in body  # the signal is a health matter: not in an SMS
    assert told["head_teacher"].channel == Channel.SMS
    assert not told["head_teacher"].urgent


def test_whoever_records_the_signal_is_not_told_of_it(
    world, head_teacher, django_capture_on_commit_callbacks
):
    _observe(head_teacher, world.child_a, django_capture_on_commit_callbacks)
    assert not Message.objects.exists()


def test_a_task_reaching_the_head_teacher_tells_them_once(
    world, teacher, head_teacher, settings, django_capture_on_commit_callbacks
):
    proxy = PairingFactory(child=world.child_a, starts_on=TODAY - datetime.timedelta(days=30))
    _observe(teacher, world.child_a, django_capture_on_commit_callbacks)
    Message.objects.all().delete()
    late = TODAY - datetime.timedelta(days=settings.SHOUHU_ESCALATE_HEAD_DAYS)
    VisitTask.objects.update(due_on=late)
    escalations(TODAY)
    escalations(TODAY)
    [message] = Message.objects.filter(kind=Kind.ESCALATION)
    assert message.to_user == head_teacher
    assert message.to_user != proxy.carer
    assert "逾期2天" in message.body


def test_a_task_reaching_the_leader_tells_the_school_leader(
    world, teacher, head_teacher, school_leader, settings, django_capture_on_commit_callbacks
):
    _observe(teacher, world.child_a, django_capture_on_commit_callbacks)
    late = TODAY - datetime.timedelta(days=settings.SHOUHU_ESCALATE_LEADER_DAYS)
    VisitTask.objects.update(due_on=late)
    escalations(TODAY)
    assert set(_told(Kind.ESCALATION)) == {"school_leader"}


def test_a_serious_incident_tells_the_leader_and_the_township_at_once(
    world,
    head_teacher,
    school_leader,
    township_officer,
    region_officer,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        incident_record(
            actor=head_teacher,
            child=world.child_a,
            kind="drowning",
            happened_at=timezone.now() - datetime.timedelta(hours=1),
            place="村口河边",
            what="放学后在河边落水，被村民救起",
            serious=True,
        )
    told = _told(Kind.INCIDENT)
    assert set(told) == {"school_leader", "township_officer"}
    message = told["township_officer"]
    assert message.urgent
    assert "李同学" in message.body
    for secret in ("李家成", "落水", "溺水", "河边"):
        assert secret not in message.body


def test_an_ordinary_incident_tells_nobody(
    world, head_teacher, school_leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident_record(
            actor=head_teacher,
            child=world.child_a,
            kind="injury",
            happened_at=timezone.now() - datetime.timedelta(hours=1),
            place="操场",
            what="摔倒擦伤",
        )
    assert not Message.objects.exists()


def test_a_new_dropout_case_tells_the_leader_and_the_township(
    world, head_teacher, school_leader, township_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_register(actor=head_teacher, child=world.child_a, cause=DropoutCause.ILLNESS)
    told = _told(Kind.DROPOUT)
    assert set(told) == {"school_leader", "township_officer"}
    assert "辍学" in told["school_leader"].body
    assert "疾病" not in told["school_leader"].body
    assert not told["school_leader"].urgent


# --- the morning digest -----------------------------------------------------------------------


@pytest.fixture
def due_world(world, teacher, head_teacher):
    """child_a's proxy parent is the teacher: the month's visit and call are due."""
    PairingFactory(child=world.child_a, carer=teacher, starts_on=TODAY - datetime.timedelta(30))
    return world


def test_the_digest_counts_the_teachers_worklist(due_world, teacher):
    morning_digest(TODAY)
    [message] = Message.objects.filter(kind=Kind.DIGEST, to_user=teacher)
    counts = worklist_for(teacher, today=TODAY).counts
    assert counts["overdue"] + counts["this_week"] > 0
    expected = [n for n in (counts["overdue"], counts["this_week"]) if n]
    for n in expected:
        assert f" {n} 项" in message.body
    assert "李" not in message.body


def test_nothing_due_means_no_digest(world, teacher):
    assert worklist_for(teacher, today=TODAY).counts == {
        "overdue": 0,
        "this_week": 0,
        "escalations": 0,
    }
    morning_digest(TODAY)
    assert not Message.objects.filter(to_user=teacher).exists()


def test_the_digest_is_sent_once_a_day(due_world, teacher):
    morning_digest(TODAY)
    morning_digest(TODAY)
    assert Message.objects.filter(kind=Kind.DIGEST, to_user=teacher).count() == 1


def test_a_teacher_who_turned_the_digest_off_gets_none(due_world, teacher):
    NotifyPreference.objects.create(user=teacher, digest=False)
    morning_digest(TODAY)
    assert not Message.objects.filter(kind=Kind.DIGEST, to_user=teacher).exists()


def test_a_teacher_who_chose_email_gets_it_by_email(due_world, teacher):
    teacher.email = "liu@example.cn"
    teacher.save()
    NotifyPreference.objects.create(user=teacher, channel=Channel.EMAIL)
    morning_digest(TODAY)
    [message] = Message.objects.filter(kind=Kind.DIGEST, to_user=teacher)
    assert message.channel == Channel.EMAIL


def test_emergencies_reach_a_person_who_turned_the_digest_off(
    world, head_teacher, school_leader, django_capture_on_commit_callbacks
):
    NotifyPreference.objects.create(user=school_leader, digest=False)
    with django_capture_on_commit_callbacks(execute=True):
        incident_record(
            actor=head_teacher,
            child=world.child_a,
            kind="missing",
            happened_at=timezone.now() - datetime.timedelta(hours=1),
            place="学校",
            what="放学未归",
            serious=True,
        )
    assert Message.objects.filter(to_user=school_leader, urgent=True).exists()
