"""心理问题 (psych_concern) is counselling data (issues 11.10 and 12.1): the roles that see
counselling in the matrix (the counsellor) see it, list by it, set it and clear it; for every
other role it is not on the file, not in the list's filter (a filter on it is refused with a 400),
and not in an export."""

import io

import pytest
from django.urls import reverse

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.audit.tests.test_visibility import ROLE_FIXTURES, village_supervisor  # noqa: F401
from shouhu.core.visibility import MATRIX, ROLES, ChildField, Visibility
from shouhu.registry.models import CensusSnapshot, ChildFlag, Flag, Guardian
from shouhu.registry.services import child_flag_set, child_update
from shouhu.registry.tests.census_sheets import read_rows
from shouhu.reports.services import census_export
from shouhu.testing.factories import CounsellorFactory

pytestmark = pytest.mark.usefixtures("frozen_today")

PSYCH = Flag.PSYCH_CONCERN


def sees_counselling(role: str) -> bool:
    return MATRIX[ChildField.COUNSELLING][role] != Visibility.HIDDEN


@pytest.fixture
def flagged(world, volunteer, counsellor):
    """child_a (village A, paired with the volunteer) marked 心理问题 by the counsellor, and 贫困
    by the head teacher: a flag every role that sees the file sees."""
    world.child_a.home_region = world.village_a
    world.child_a.save(update_fields=["home_region"])
    child_flag_set(actor=counsellor, child=world.child_a, flag=PSYCH, on=True)
    child_flag_set(actor=world.class_a.head_teacher, child=world.child_a, flag="poverty", on=True)
    return world


def flag_url(child, flag=PSYCH):
    return reverse("registry:child-flag", kwargs={"public_id": child.public_id, "flag": flag})


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_and_filters_by_the_flag_only_if_it_sees_counselling(
    client, request, flagged, role
):
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    client.force_login(user)
    child = flagged.child_a
    detail = client.get(reverse("registry:child-detail", kwargs={"public_id": child.public_id}))
    listed = client.get(reverse("registry:child-list"), {"flag": PSYCH})
    if role == "admin":
        assert detail.status_code == listed.status_code == 403
        return
    page = detail.content.decode()
    assert "贫困" in page  # the other flags are part of the file
    assert ("心理问题" in page) is sees_counselling(role), role
    menu = client.get(reverse("registry:child-list")).content.decode()
    assert (f'value="{PSYCH}"' in menu) is sees_counselling(role), role
    if sees_counselling(role):
        assert listed.status_code == 200 and child.name in listed.content.decode()
    else:  # refused in Chinese, not applied and not silently dropped
        assert listed.status_code == 400, role
        text = listed.content.decode()
        assert "您的角色看不到「心理问题」，不能按它筛选。" in text
        assert child.name not in text
        assert AccessLog.objects.filter(user=user, action=AccessAction.DENIED).exists()
    # With a term given the list reads the census snapshot: the same rule.
    by_term = client.get(reverse("registry:child-list"), {"flag": PSYCH, "term": flagged.term.code})
    assert by_term.status_code == (200 if sees_counselling(role) else 400), role


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_the_roles_that_see_counselling_may_set_or_clear_the_flag(
    client, request, flagged, role
):
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    client.force_login(user)
    child = flagged.child_a
    page = client.get(reverse("registry:child-detail", kwargs={"public_id": child.public_id}))
    offered = flag_url(child) in page.content.decode()
    response = client.post(flag_url(child), {"on": "0"})
    still_open = ChildFlag.objects.filter(child=child, flag=PSYCH, until__isnull=True).exists()
    if sees_counselling(role):
        assert offered and response.status_code == 302 and not still_open
    else:
        assert not offered and response.status_code == 403 and still_open, role


def test_the_counsellor_sets_and_clears_the_flag_and_the_census_follows(
    client, world, counsellor, frozen_today
):
    client.force_login(counsellor)
    child = world.child_a
    detail = reverse("registry:child-detail", kwargs={"public_id": child.public_id})
    assert "标记「心理问题」" in client.get(detail).content.decode()
    assert client.post(flag_url(child), {"on": "1"}).status_code == 302
    snapshot = CensusSnapshot.objects.get(child=child, term=world.term)
    assert snapshot.psych_concern
    page = client.get(detail).content.decode()
    assert "已标记：心理问题" in page and "解除「心理问题」标记" in page
    client.post(flag_url(child), {"on": "0"})
    snapshot.refresh_from_db()
    assert not snapshot.psych_concern
    (record,) = ChildFlag.objects.filter(child=child, flag=PSYCH)
    assert record.since == record.until == frozen_today
    # The log says a flag changed, not which: its reader need not see counselling.
    logged = AccessLog.objects.filter(user=counsellor, action=AccessAction.UPDATE, child=child)
    assert logged.count() == 2 and all("心理" not in e.query for e in logged)


def test_a_counsellor_of_another_school_gets_a_404_and_changes_nothing(client, world):
    client.force_login(CounsellorFactory(scope_school=world.school_b))
    assert client.post(flag_url(world.child_a), {"on": "1"}).status_code == 404
    assert not ChildFlag.objects.filter(flag=PSYCH).exists()


def test_junk_on_the_flag_url_is_a_400_and_an_unknown_flag_a_404(client, world, counsellor):
    client.force_login(counsellor)
    assert client.post(flag_url(world.child_a), {"on": "maybe"}).status_code == 400
    assert client.post(flag_url(world.child_a, "nonsense"), {"on": "1"}).status_code == 404


def test_the_head_teachers_edit_form_neither_offers_nor_clears_the_flag(
    client, flagged, head_teacher
):
    client.force_login(head_teacher)
    edit = reverse("registry:child-edit", kwargs={"public_id": flagged.child_a.public_id})
    assert f'value="{PSYCH}"' not in client.get(edit).content.decode()
    child_update(actor=head_teacher, child=flagged.child_a, data={}, flags={"poverty"})
    assert ChildFlag.objects.filter(child=flagged.child_a, flag=PSYCH, until__isnull=True).exists()


def test_the_export_lists_the_flag_only_for_who_sees_counselling_and_masks_guardian_health(
    flagged, region_officer, head_teacher
):
    Guardian.objects.filter(child=flagged.child_a).update(health="患有高血压")
    for user, health_shown in ((region_officer, False), (head_teacher, True)):
        buffer = io.BytesIO()
        census_export(actor=user, node=flagged.class_a, term=flagged.term, out=buffer)
        (line,) = [r for r in read_rows(buffer.getvalue(), 0)[4:] if r[1] == flagged.child_a.name]
        cells = [str(v) for v in line]
        assert "贫困" in cells and not any("心理问题" in c for c in cells), user.role
        assert ("患有高血压" in cells) is health_shown, user.role
