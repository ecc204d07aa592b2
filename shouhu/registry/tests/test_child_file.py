"""The child's file (档案), the page people open most: read in a bounded number of queries, with
its care, flags, snapshots and the actions the user may take."""

import pytest
from django.urls import reverse

from shouhu.registry.models import Flag
from shouhu.testing.dates import TODAY
from shouhu.testing.factories import (
    CareActionFactory,
    CensusSnapshotFactory,
    ChildFlagFactory,
    ObservationFactory,
    PairingFactory,
    VisitTaskFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_child(world, teacher, head_teacher):
    """child_a with a proxy parent, two open flags, two terms' snapshots, care actions and an
    open home-visit task."""
    child = world.child_a
    PairingFactory(child=child, carer=teacher, starts_on=world.term.starts_on)
    ChildFlagFactory(child=child, flag=Flag.POVERTY)
    ChildFlagFactory(child=child, flag=Flag.DISABLED)
    CensusSnapshotFactory(child=child, term=world.previous_term)
    for _ in range(3):
        CareActionFactory(children=[child], author=teacher, done_on=TODAY)
    VisitTaskFactory(observation=ObservationFactory(child=child), assignee=teacher)
    return child


@pytest.mark.parametrize("role", ["head_teacher", "township_officer"])
def test_the_child_file_is_read_in_at_most_ten_queries(
    client, request, role, busy_child, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(role))
    url = reverse("registry:child-detail", kwargs={"public_id": busy_child.public_id})
    client.get(url)  # the session and the user are read once the same way on every page
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert busy_child.name in response.content.decode()
