"""The child's file (档案), the page people open most: read in a bounded number of queries, with
its care, flags, snapshots and the actions the user may take."""

import pytest
from django.urls import reverse

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.registry.models import Flag
from shouhu.registry.selectors import child_file_for
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

ROLES = ["head_teacher", "township_officer"]


@pytest.fixture
def busy_child(world, teacher):
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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("tab", ["basic", "family", "school"])
def test_the_child_file_is_read_in_at_most_six_queries(
    request, role, tab, busy_child, django_assert_max_num_queries
):
    """The file itself: the child with class, school and guardian, parents, open flags,
    snapshots, the access-log row, and the pairings where the matrix asks (the township
    officer's masked family phones: is the reader the child's proxy parent?)."""
    user = request.getfixturevalue(role)
    with django_assert_max_num_queries(6):
        page = child_file_for(user, public_id=busy_child.public_id, tab=tab)
    assert [s.term.code for s in page.snapshots] == [
        request.getfixturevalue("world").term.code,
        request.getfixturevalue("world").previous_term.code,
    ]
    assert sorted(page.open_flags) == sorted([Flag.POVERTY.label, Flag.DISABLED.label])
    assert AccessLog.objects.filter(user=user, action=AccessAction.VIEW).count() == 1


@pytest.mark.parametrize(("role", "budget"), [("head_teacher", 10), ("township_officer", 12)])
@pytest.mark.parametrize("tab", ["basic", "family", "school"])
def test_every_tab_of_the_child_file_has_a_query_budget(
    client, request, role, tab, budget, busy_child, django_assert_max_num_queries
):
    """The whole request: the session and its renewal (SAVEPOINT, UPDATE, RELEASE), the user
    (and the township officer's scope node), and the file (five queries, six for the township
    officer). The 关爱 section is care's fragment, fetched on its own. No template reads the
    database: a loop over snapshots or flags adds no query."""
    client.force_login(request.getfixturevalue(role))
    url = reverse("registry:child-detail", kwargs={"public_id": busy_child.public_id})
    client.get(url)
    with django_assert_max_num_queries(budget):
        response = client.get(url, {"tab": tab})
    assert response.status_code == 200
    assert busy_child.name in response.content.decode()


def test_the_basic_tab_fetches_the_care_section_from_care(client, head_teacher, busy_child):
    """The file reads no care row: its 关爱 section is care's fragment, fetched by htmx once the
    page is shown, with a plain link to the care page for a phone without JavaScript."""
    client.force_login(head_teacher)
    page = client.get(
        reverse("registry:child-detail", kwargs={"public_id": busy_child.public_id})
    ).content.decode()
    section = reverse("care:child-care-section", kwargs={"public_id": busy_child.public_id})
    assert f'hx-get="{section}"' in page
    assert reverse("care:child-care", kwargs={"public_id": busy_child.public_id}) in page


def test_a_child_who_left_has_a_read_only_file(school_leader, busy_child):
    busy_child.left_on = TODAY
    busy_child.save(update_fields=["left_on"])
    may = child_file_for(school_leader, public_id=busy_child.public_id, tab="basic").may
    assert (may.edit, may.leave, may.transfer, may.flags) == (False, False, False, [])
