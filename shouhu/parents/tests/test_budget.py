"""A parent's pages read in a bounded number of queries, however many children share the
number and however much news, groups and messages each has: an N+1 fails here. The budgets are
the counts measured when they were set plus three."""

from django.urls import reverse
from django.utils import timezone

from shouhu.care.models import ActionKind
from shouhu.care.services import care_action_record
from shouhu.parents.models import ParentMessage
from shouhu.parents.tests.helpers import FATHER_A, parent_login
from shouhu.registry.models import Parent
from shouhu.testing.factories import register_child

SIBLINGS = 5


def _crowd(world, cast):
    head = cast["head_teacher"]
    children = [world.child_a] + [
        register_child(head, world.class_a, name=f"李小{n}") for n in range(SIBLINGS)
    ]
    for child in children:
        for n in range(4):
            care_action_record(
                actor=head,
                kind=ActionKind.HOME_VISIT,
                done_on=timezone.localdate(),
                children=[child],
                share_with_parents=True,
                parent_note=f"第{n}条消息",
            )
        ParentMessage.objects.create(
            child=child,
            parent=Parent.objects.get(child=child, role="father"),
            body="你好",
            sent_at=timezone.now(),
        )
    return children


def test_the_parents_home_reads_within_its_budget(
    client, parents_world, cast, django_assert_max_num_queries
):
    children = _crowd(parents_world, cast)
    parent_login(client, FATHER_A)
    client.get(reverse("parents:home"))
    with django_assert_max_num_queries(14):
        page = client.get(reverse("parents:home")).content.decode()
    assert all(c.name in page for c in children)
    # Each child its own three newest: a sibling with much news crowds out no other.
    assert page.count("第3条消息") == len(children) and "第0条消息" not in page


def test_the_easy_page_shows_the_news_in_large_text(client, parents_world, cast):
    _crowd(parents_world, cast)
    parent_login(client, FATHER_A)
    page = client.get(reverse("parents:easy")).content.decode()
    assert 'class="big-news"' in page and "第3条消息" in page
