"""Every list page reads in a bounded number of queries, so an N+1 fails here.

The world is the test world crowded with rows of every kind a list shows (`CROWD` more of
each): children, parents, flags, pairings, care actions, tasks, teachers, transfers, guardian
requests and access-log rows. A page that read each row's relations one by one would need at
least `CROWD` more queries than its budget allows. The budgets are the counts measured when
they were set (December 2026) plus three, room for a query of the page's own but not for one
per row.
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from shouhu.activities.tests import tables as home_tables
from shouhu.care.models import ActionKind
from shouhu.registry.classification import ParentStatus
from shouhu.registry.models import Child, Flag
from shouhu.testing.dates import TODAY, day
from shouhu.testing.factories import (
    CareActionFactory,
    ChildTransferFactory,
    GuardianRequestFactory,
    ObservationFactory,
    PairingFactory,
    SchoolClassFactory,
    TeacherFactory,
    VisitTaskFactory,
    register_child,
)
from shouhu.testing.world import build_world_and_cast, built_once
from shouhu.welfare.tests.aid_world import aid_crowd

CROWD = 12
HOME_A = {"home_id": lambda w: home_tables.home_with_roster(w).pk}


def build_crowded_world():
    """The test world and its cast, with `CROWD` more rows of each kind a list shows."""
    world, users = build_world_and_cast()
    head_teacher, other = users["head_teacher"], users["other_head_teacher"]
    carers = [TeacherFactory(scope_school=world.school_a) for _ in range(4)]
    for n in range(CROWD):
        child = register_child(
            head_teacher,
            world.class_a,
            name=f"王{'子涵欣怡浩然梓萱宇轩雨桐'[n % 6 * 2 : n % 6 * 2 + 2]}{n}",
            father=ParentStatus.MIGRANT,
            mother=ParentStatus.AT_HOME if n % 2 else ParentStatus.MIGRANT,
            flags={Flag.POVERTY} if n % 3 == 0 else frozenset(),
        )
        register_child(other, world.class_b, name=f"曾{n}", father=ParentStatus.MIGRANT)
        carer = carers[n % len(carers)]
        PairingFactory(child=child, carer=carer, starts_on=day(2026, 9, 1))
        CareActionFactory(
            kind=ActionKind.HOME_VISIT, children=[child], author=carer, done_on=day(2026, 11, 5)
        )
        observation = ObservationFactory(child=child, author=carer, noted_on=day(2026, 11, 20))
        VisitTaskFactory(observation=observation, assignee=carer)
        GuardianRequestFactory(child=child, recorded_by=users["privacy_officer"])
        ChildTransferFactory(
            child=child, to_class=world.class_b, by=users["school_leader"], on=TODAY
        )
    for n in range(CROWD):
        SchoolClassFactory(school=world.school_a, name=f"六年级({n + 2})班")
    _guardianship_crowd(world, users)
    # Aid (welfare): a decided and a waiting record for each child of class A.
    for child in Child.objects.filter(school_class=world.class_a):
        aid_crowd(child, head_teacher=head_teacher, school_leader=users["school_leader"])
    _crowd_welfare(world, users)
    return SimpleNamespace(world=world, users=users)


def _guardianship_crowd(world, users) -> None:
    """Agreements (signed, unsigned), a training session with every guardian, a commendation
    and a 无户籍 referral per child of class A (welfare-guardians)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shouhu.registry.models import Child, ChildFlag
    from shouhu.welfare.models.guardianship import HukouReferral
    from shouhu.welfare.services.guardianship import (
        agreement_draft,
        agreement_sign,
        commendation_add,
        training_session_record,
    )

    head_teacher = users["head_teacher"]
    children = list(Child.objects.filter(school_class=world.class_a))
    for n, child in enumerate(children):
        agreement = agreement_draft(actor=head_teacher, child=child)
        if n % 2:
            scan = SimpleUploadedFile("确认书.pdf", b"%PDF-1.4 signed")
            agreement_sign(actor=head_teacher, agreement=agreement, signed_on=TODAY, upload=scan)
        commendation_add(
            actor=head_teacher,
            child=child,
            term=world.term,
            person_name="王秀英",
            relation="祖母",
            reason="坚持辅导作业",
        )
        ChildFlag.objects.create(child=child, flag=Flag.UNREGISTERED, since=day(2026, 10, 8))
        HukouReferral.objects.create(
            child=child, police_station="太平派出所", reported_on=TODAY, created_by=head_teacher
        )
    training_session_record(
        actor=head_teacher,
        school=world.school_a,
        school_class=world.class_a,
        held_on=TODAY,
        topic="隔代教育",
        children=children,
    )


def _crowd_welfare(world, users) -> None:
    """Issue 15: an incident and a health check per child of class A, and lectures."""
    from django.utils import timezone

    from shouhu.registry.models import Child
    from shouhu.welfare.models import HealthCheck, Incident, Lecture

    head = users["head_teacher"]
    children = list(Child.objects.filter(school_class=world.class_a))
    HealthCheck.objects.bulk_create(
        HealthCheck(
            child=c,
            checked_on=day(2026, 11, 2),
            height_cm=130,
            weight_kg=28,
            vision_left=5,
            vision_right=5,
            dental="normal",
            follow_up=True,
            recorded_by=head,
        )
        for c in children
    )
    Incident.objects.bulk_create(
        Incident(
            child=c,
            kind="injury",
            happened_at=timezone.now(),
            place="操场",
            what="擦伤",
            recorded_by=head,
        )  # fmt: skip
        for c in children
    )
    for n in range(CROWD):
        lecture = Lecture.objects.create(
            school=world.school_a,
            kind="safety",
            held_on=day(2026, 10, 1 + n),
            topic=f"安全教育{n}",
            speaker="民警",
            attendance=40,
            recorded_by=users["school_leader"],
        )
        lecture.classes.set([world.class_a, world.class_a2])


@pytest.fixture(scope="module")
def crowded(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, build_crowded_world) as built:
        yield built


# (url name, reverse kwargs from the world, query string, who reads it, at most this many queries)
BUDGETS = [
    ("home", {}, "", "teacher", 13),
    ("home", {}, "", "head_teacher", 21),
    ("home", {}, "", "school_leader", 19),
    ("registry:child-list", {}, "", "school_leader", 15),
    ("registry:child-list", {}, "", "region_officer", 17),
    ("registry:transfers-out", {}, "", "school_leader", 9),
    ("reports:census", {}, "", "region_officer", 19),
    # The tiles of the new apps read a query or two each (issue 14: attendance and the dropout
    # ledgers; 15: aid, agreements, health and incidents; 16: 人次 and its chart by kind).
    ("reports:dashboard", {}, "", "school_leader", 49),
    ("reports:dashboard", {}, "", "region_officer", 49),
    ("reports:census-table", {}, "", "region_officer", 33),
    ("care:pairing-classes", {}, "", "school_leader", 9),
    ("care:class-pairings", {"class_id": lambda w: w.class_a.pk}, "", "head_teacher", 15),
    ("care:coverage", {}, "", "school_leader", 20),
    ("care:compliance", {}, "", "school_leader", 20),
    ("care:compliance", {}, "scope=class:{class_a}", "school_leader", 23),
    ("care:quotas", {}, "", "school_leader", 11),
    ("accounts:user-list", {}, "", "school_leader", 10),
    ("accounts:user-list", {}, "", "admin", 12),
    ("notify:outbox", {}, "", "admin", 12),
    ("org:list", {"kind": lambda w: "class"}, "", "admin", 11),
    ("audit:access-log", {}, "", "privacy_officer", 12),
    ("audit:requests", {}, "", "privacy_officer", 12),
    ("audit:grants", {}, "", "privacy_officer", 12),
    ("audit:unusual", {}, "", "privacy_officer", 14),
    # --- guardianship (welfare-guardians) ---
    ("welfare:guardianship-agreements", {}, "", "school_leader", 11),
    ("welfare:guardianship-agreements", {}, "", "township_officer", 11),
    ("welfare:training", {}, "", "school_leader", 13),
    ("welfare:training", {}, "", "township_officer", 13),
    ("welfare:commendations", {}, "", "township_officer", 11),
    ("welfare:hukou", {}, "", "region_officer", 12),
    ("welfare:home-guardianship", {}, "", "head_teacher", 13),
    (
        "welfare:training-session",
        {"public_id": lambda w: _first_session(w)},
        "",
        "head_teacher",
        11,
    ),
    ("welfare:aid-list", {}, "", "school_leader", 11),
    ("welfare:aid-list", {}, "", "region_officer", 12),
    ("welfare:aid-hints", {}, "", "head_teacher", 12),
    ("welfare:aid-hints", {}, "", "township_officer", 11),
    ("welfare:aid-notice", {}, "", "school_leader", 12),
    ("welfare:aid-notice", {}, "", "region_officer", 14),
    ("schooling:roll-call", {"class_id": lambda w: w.class_a.pk}, "", "head_teacher", 13),
    ("schooling:roll-call-classes", {}, "", "school_leader", 10),
    ("schooling:attendance-figures", {}, "", "region_officer", 23),
    ("schooling:calendar", {}, "", "school_leader", 13),
    ("schooling:dropout-ledgers", {}, "", "region_officer", 25),
    ("schooling:dropout-ledgers", {}, "tab=cases", "region_officer", 25),
    ("schooling:dropout-ledgers", {}, "tab=children", "school_leader", 26),
    ("schooling:dropout-monthly", {}, "", "region_officer", 20),
    ("schooling:dropout-review", {}, "", "region_officer", 25),
    ("schooling:grades-home", {}, "", "school_leader", 12),
    ("schooling:grade-sheet", {"class_id": lambda w: w.class_a.pk}, "", "head_teacher", 14),
    ("schooling:plan-list", {}, "", "school_leader", 12),
    # --- the Home, reading and awards (issue 16, activities) ---
    ("activities:home-detail", HOME_A, "", "school_leader", 17),
    ("activities:home-call", HOME_A, "", "teacher", 13),
    ("activities:home-bookings", HOME_A, "", "teacher", 12),
    ("activities:home-slots", HOME_A, "", "school_leader", 12),
    ("activities:reading-sheet", {}, "", "head_teacher", 16),
    ("activities:reading-figures", {}, "", "school_leader", 17),
    # welfare: health and safety (issue 15)
    ("welfare:incident-list", {}, "", "school_leader", 11),
    ("welfare:lecture-list", {}, "", "region_officer", 18),
    ("welfare:health-sheet", {"class_id": lambda w: w.class_a.pk}, "", "head_teacher", 11),
    ("welfare:class-chain", {"class_id": lambda w: w.class_a.pk}, "", "head_teacher", 14),
    # activities (issue 16): the crowded world's children, with the events and groups that
    # shouhu/activities/tests/test_query_budgets.py crowds further
    ("activities:event-list", {}, "", "head_teacher", 12),
    ("activities:group-list", {}, "", "school_leader", 13),
    ("activities:group-class-sheet", {"class_id": lambda w: w.class_a.pk}, "", "head_teacher", 13),
    # the parents' channel (issue 19): parents' messages waiting on 我的待办
    ("parents:home-messages", {}, "", "head_teacher", 12),
]


def _first_session(world):
    from shouhu.welfare.models.guardianship import TrainingSession

    return TrainingSession.objects.filter(school_class=world.class_a).get().public_id


@pytest.mark.parametrize(
    ("name", "kwargs", "query", "role", "budget"),
    [pytest.param(*row, id=f"{row[0]}?{row[2]}-{row[3]}") for row in BUDGETS],
)
def test_a_list_page_reads_within_its_query_budget(
    client, db, crowded, django_assert_max_num_queries, name, kwargs, query, role, budget
):
    world = crowded.world
    client.force_login(crowded.users[role])
    client.get(reverse("home"))  # the session's first request settles what it settles once
    url = reverse(name, kwargs={k: value(world) for k, value in kwargs.items()})
    query = query.format(class_a=world.class_a.pk)
    with django_assert_max_num_queries(budget):
        response = client.get(f"{url}?{query}" if query else url)
    assert response.status_code == 200
