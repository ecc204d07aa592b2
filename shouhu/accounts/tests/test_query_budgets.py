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

from shouhu.care.models import ActionKind
from shouhu.registry.classification import ParentStatus
from shouhu.registry.models import Flag
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

CROWD = 12


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
    return SimpleNamespace(world=world, users=users)


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
    ("reports:dashboard", {}, "", "school_leader", 40),
    ("reports:dashboard", {}, "", "region_officer", 38),
    ("reports:census-table", {}, "", "region_officer", 33),
    ("care:pairing-classes", {}, "", "school_leader", 9),
    ("care:class-pairings", {"class_id": lambda w: w.class_a.pk}, "", "head_teacher", 15),
    ("care:coverage", {}, "", "school_leader", 20),
    ("care:compliance", {}, "", "school_leader", 20),
    ("care:compliance", {}, "scope=class:{class_a}", "school_leader", 23),
    ("care:quotas", {}, "", "school_leader", 11),
    ("accounts:user-list", {}, "", "school_leader", 10),
    ("accounts:user-list", {}, "", "admin", 12),
    ("org:list", {"kind": lambda w: "class"}, "", "admin", 11),
    ("audit:access-log", {}, "", "privacy_officer", 12),
    ("audit:requests", {}, "", "privacy_officer", 12),
    ("audit:grants", {}, "", "privacy_officer", 12),
    ("audit:unusual", {}, "", "privacy_officer", 14),
    # activities (issue 16): the crowded world's children, with the events and groups that
    # shouhu/activities/tests/test_query_budgets.py crowds further
    ("activities:event-list", {}, "", "head_teacher", 12),
    ("activities:group-list", {}, "", "school_leader", 13),
    ("activities:group-class-sheet", {"class_id": lambda w: w.class_a.pk}, "", "head_teacher", 13),
]


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
