"""Reading the register: who sees which child, search, order, filters, query counts, and the
reads that are logged (the list, the contact cards) logged by the selector itself."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.registry.classification import Category, ParentStatus
from shouhu.registry.models import Child, Flag
from shouhu.registry.selectors import (
    ChildFilters,
    child_get_for,
    child_list_for,
    child_list_page_for,
    contact_card_children_for,
    contact_cards_page_for,
    contact_cards_print_for,
)
from shouhu.registry.services import child_update
from shouhu.testing.dates import TODAY
from shouhu.testing.factories import (
    CensusSnapshotFactory,
    ChildFactory,
    PairingFactory,
    register_child,
)

pytestmark = pytest.mark.usefixtures("frozen_today")


# user → (sees child_a in class A of school A, sees child_b in class B of school B)
VISIBILITY = [
    ("head_teacher", True, False),
    ("teacher", True, False),
    ("other_head_teacher", False, True),
    ("school_leader", True, False),
    ("township_officer", True, False),
    ("region_officer", True, True),
    ("counsellor", True, False),
    ("volunteer", True, False),
    ("privacy_officer", True, True),
    ("admin", False, False),
    ("outsider", False, False),
]


def names(children) -> list[str]:
    return [c.name for c in children]


@pytest.mark.parametrize("user, sees_a, sees_b", VISIBILITY)
def test_each_user_sees_exactly_the_children_in_scope_and_others_are_404(
    world, request, user, sees_a, sees_b
):
    viewer = request.getfixturevalue(user)
    visible = set(Child.objects.restrict(viewer))
    assert (world.child_a in visible, world.child_b in visible) == (sees_a, sees_b)
    for child, sees in ((world.child_a, sees_a), (world.child_b, sees_b)):
        if sees:
            assert child_get_for(viewer, child.public_id) == child
        else:
            with pytest.raises(Http404):
                child_get_for(viewer, child.public_id)


def test_head_teacher_cannot_see_other_school_child(world, head_teacher):
    with pytest.raises(Http404):
        child_get_for(head_teacher, world.child_b.public_id)


def test_head_teacher_cannot_see_a_child_of_another_class_of_the_same_school(world, head_teacher):
    neighbour = register_child(head_teacher, world.class_a)
    neighbour_a2 = ChildFactory(school_class=world.class_a2)
    visible = set(Child.objects.restrict(head_teacher))
    assert neighbour in visible
    assert neighbour_a2 not in visible


def test_anonymous_user_sees_nothing(world):
    assert not Child.objects.restrict(AnonymousUser()).exists()


def test_deactivated_account_sees_nothing(world, head_teacher):
    head_teacher.is_active = False
    head_teacher.save()
    assert not Child.objects.restrict(head_teacher).exists()


def test_volunteer_no_longer_sees_a_child_once_the_pairing_ended(world, volunteer):
    volunteer.pairings.update(ends_on=TODAY - datetime.timedelta(days=1))
    assert not Child.objects.restrict(volunteer).exists()


def test_volunteer_does_not_see_a_child_before_the_pairing_starts(world, volunteer):
    PairingFactory(
        child=world.child_b, carer=volunteer, starts_on=TODAY + datetime.timedelta(days=7)
    )
    assert list(Child.objects.restrict(volunteer)) == [world.child_a]


def test_region_officer_sees_a_child_at_school_elsewhere_whose_home_is_in_the_county(
    world, region_officer, township_officer, outsider
):
    child = ChildFactory(school_class=world.other_class, home_region=world.village_a)
    assert child in Child.objects.restrict(region_officer)
    assert child in Child.objects.restrict(township_officer)
    assert child in Child.objects.restrict(outsider)


def test_child_get_for_unknown_id_is_404(world, region_officer):
    with pytest.raises(Http404):
        child_get_for(region_officer, uuid.uuid4())


@pytest.fixture
def namesakes(world, head_teacher):
    """李家成 (child_a) among children whose names share sounds or initials with it."""
    for name in ("刘家成", "李佳怡", "王小明"):
        register_child(head_teacher, world.class_a, name=name)
    return world


@pytest.mark.parametrize(
    "query, expected",
    [
        ("ljc", ["李家成", "刘家成"]),
        ("LJC", ["李家成", "刘家成"]),
        ("lijiacheng", ["李家成"]),
        ("li jia", ["李家成", "李佳怡"]),
        ("李家", ["李家成", "李佳怡"]),  # same sounds: 李佳 is also lijia
        ("李家成", ["李家成"]),
        ("家成", ["李家成", "刘家成"]),
        ("xyz", []),
    ],
)
def test_search_by_initials_pinyin_or_characters(namesakes, head_teacher, query, expected):
    found = child_list_for(head_teacher, filters=ChildFilters(q=query))
    assert names(found) == expected


def test_search_stays_inside_the_scope(namesakes, other_head_teacher):
    assert names(child_list_for(other_head_teacher, filters=ChildFilters(q="ljc"))) == []


def test_list_is_ordered_by_pinyin(world, head_teacher):
    for name in ("张伟", "安然", "曾明"):
        register_child(head_teacher, world.class_a, name=name)
    listed = child_list_for(head_teacher, filters=ChildFilters())
    # 曾 is read zeng (after li), not ceng (before li); zeng comes before zhang.
    assert names(listed) == ["安然", "李家成", "曾明", "张伟"]


def test_children_who_left_the_register_are_listed_only_on_request(world, head_teacher):
    child_update(actor=head_teacher, child=world.child_a, data={"left_on": TODAY})
    assert names(child_list_for(head_teacher, filters=ChildFilters())) == []
    listed = child_list_for(head_teacher, filters=ChildFilters(include_left=True))
    assert names(listed) == ["李家成"]


def test_filter_by_class(world, school_leader):
    other = register_child(school_leader, world.class_a2, name="安然")
    listed = child_list_for(school_leader, filters=ChildFilters(school_class_id=world.class_a2.pk))
    assert list(listed) == [other]


def test_filter_by_category_uses_the_terms_snapshot(world, head_teacher):
    register_child(
        head_teacher,
        world.class_a,
        name="安然",
        father=ParentStatus.MIGRANT,
        mother=ParentStatus.AT_HOME,
    )
    register_child(
        head_teacher, world.class_a, name="张伟", father=ParentStatus.AT_HOME, mother=None
    )
    by_category = {
        category: names(
            child_list_for(head_teacher, filters=ChildFilters(term=world.term, category=category))
        )
        for category in Category
    }
    assert by_category == {
        Category.BOTH_AWAY: ["李家成"],
        Category.ONE_AWAY_OTHER_INCAPABLE: [],
        Category.ONE_AWAY: ["安然"],
        Category.NOT_LEFT_BEHIND: ["张伟"],
    }


def test_filter_by_category_in_a_term_without_snapshots_finds_nobody(world, head_teacher):
    filters = ChildFilters(term=world.previous_term, category=Category.BOTH_AWAY)
    assert names(child_list_for(head_teacher, filters=filters)) == []


def test_filter_by_flag_in_a_term(world, head_teacher):
    register_child(head_teacher, world.class_a, name="安然", flags={Flag.UNSUPERVISED})
    filters = ChildFilters(term=world.term, flag=Flag.UNSUPERVISED)
    assert names(child_list_for(head_teacher, filters=filters)) == ["安然"]


def test_filter_by_open_flag_without_a_term(world, head_teacher):
    poor = register_child(head_teacher, world.class_a, name="安然", flags={Flag.POVERTY})
    register_child(head_teacher, world.class_a, name="张伟", flags={Flag.DISABLED})
    filters = ChildFilters(flag=Flag.POVERTY)
    assert names(child_list_for(head_teacher, filters=filters)) == ["安然"]

    child_update(actor=head_teacher, child=poor, data={}, flags=set())
    assert names(child_list_for(head_teacher, filters=filters)) == []


def test_listed_children_carry_the_terms_snapshot(world, head_teacher):
    (child,) = child_list_for(head_teacher, filters=ChildFilters(term=world.term))
    assert [s.category for s in child.term_snapshots] == [Category.BOTH_AWAY]


@pytest.mark.parametrize(
    "user, listed", [("head_teacher", 31), ("school_leader", 31), ("region_officer", 32)]
)
def test_child_list_query_count_does_not_grow_with_the_children(
    world, request, user, listed, django_assert_max_num_queries
):
    viewer = request.getfixturevalue(user)
    for _ in range(30):
        child = ChildFactory(school_class=world.class_a, parents=("migrant", "migrant"))
        CensusSnapshotFactory(child=child, term=world.term)
    with django_assert_max_num_queries(3):
        rows = [
            (c.name, c.school_class.name, c.school.name, [s.category for s in c.term_snapshots])
            for c in child_list_for(viewer, filters=ChildFilters(term=world.term))
        ]
    assert len(rows) == listed
    assert all(row[3] for row in rows)  # every row carries its snapshot


# --- reads that leave an access-log row ---------------------------------------------------------

ADDRESS = "203.0.113.7"


def test_a_page_of_the_child_list_logs_the_search_its_filters_and_how_many_it_found(
    rf, head_teacher, world
):
    page = child_list_page_for(
        head_teacher,
        filters=ChildFilters(q="ljc"),
        shown={"q": "ljc", "category": ""},
        request=rf.get("/", REMOTE_ADDR=ADDRESS),
    )
    assert [child.name for child in page] == [world.child_a.name]
    row = AccessLog.objects.get(action=AccessAction.SEARCH)
    assert (row.user, row.child, row.query, row.ip) == (head_teacher, None, "q=ljc → 1", ADDRESS)


def test_a_list_by_a_flag_the_user_may_not_see_is_refused_and_the_refusal_logged(
    rf, teacher, world
):
    with pytest.raises(PermissionDenied):
        child_list_page_for(
            teacher,
            filters=ChildFilters(flag=Flag.PSYCH_CONCERN),
            shown={"flag": Flag.PSYCH_CONCERN.value, "q": "l"},
            request=rf.get("/", REMOTE_ADDR=ADDRESS),
        )
    row = AccessLog.objects.get(user=teacher)
    assert (row.action, row.query, row.ip) == (
        AccessAction.DENIED,
        "flag=psych_concern q=l → 0",
        ADDRESS,
    )


def test_printing_contact_cards_logs_a_print_row_for_every_card(rf, head_teacher, world):
    register_child(head_teacher, world.class_a, name="安然")
    children = contact_card_children_for(head_teacher, node=world.class_a)
    pdf = contact_cards_print_for(
        head_teacher, children=children, request=rf.get("/", REMOTE_ADDR=ADDRESS)
    )
    assert pdf.startswith(b"%PDF")
    printed = AccessLog.objects.filter(action=AccessAction.PRINT).order_by("id")
    assert [(row.user, row.child_id, row.ip) for row in printed] == [
        (head_teacher, child.pk, ADDRESS) for child in children
    ]
    assert len(children) == 2


def test_the_print_page_offers_full_phones_only_to_whom_they_are_masked(
    head_teacher, teacher, world
):
    assert contact_cards_page_for(teacher).cards_in_full
    assert not contact_cards_page_for(head_teacher).cards_in_full
    assert list(contact_cards_page_for(head_teacher).scopes.values()) == [world.class_a]
