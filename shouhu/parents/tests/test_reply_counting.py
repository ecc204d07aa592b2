"""Whether a reply to a parent counts toward 与家长通话 is a switch per region: set by the
county's officer on the quota settings page (kept in a history, logged), holding below the
region unless a lower region sets its own, and SHOUHU_PARENT_REPLY_COUNTS where none is set.
The compliance figure follows it, and is the same whoever asks."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.care.compliance import compliance_for
from shouhu.care.models import ActionKind
from shouhu.parents.models import ParentMessage, ReplyCountSetting
from shouhu.parents.reply_counting import (
    parent_reply_counts,
    reply_count_history,
    reply_count_set,
)
from shouhu.parents.services import parent_message_reply
from shouhu.parents.tests.helpers import FATHER_A, parent_login


def _reply(client, world, cast) -> ParentMessage:
    parent_login(client, FATHER_A)
    url = reverse("parents:message", kwargs={"public_id": world.child_a.public_id})
    client.post(url, {"body": "孩子最近怎么样？"})
    return parent_message_reply(
        actor=cast["head_teacher"], message=ParentMessage.objects.get(), reply="很好"
    )


def _parent_call_done(cast, world) -> dict[str, object]:
    """child_a's 与家长通话 count this month on the class page, and the school's cells as
    each of its overseers reads them."""
    by_class = compliance_for(cast["school_leader"], node=world.class_a)
    [row] = [r for r in by_class.children if r.child.pk == world.child_a.pk]
    [status] = [s for s in row.statuses if s.column.kind == ActionKind.PARENT_CALL]
    position = [c.kind for c in by_class.columns].index(ActionKind.PARENT_CALL)
    cells = {
        role: (lambda c: (c.owed, c.done, c.exempt))(
            compliance_for(cast[role], node=world.school_a).total[position]
        )
        for role in ("school_leader", "township_officer", "region_officer")
    }
    return {"child_done": status.done, "school": cells}


def test_with_no_switch_set_the_system_default_decides(parents_world, settings):
    settings.SHOUHU_PARENT_REPLY_COUNTS = False
    assert parent_reply_counts(parents_world.school_a.region_id) is False
    settings.SHOUHU_PARENT_REPLY_COUNTS = True
    assert parent_reply_counts(parents_world.school_a.region_id) is True


def test_the_countys_switch_holds_below_it_over_the_default(parents_world, cast, settings):
    settings.SHOUHU_PARENT_REPLY_COUNTS = True
    reply_count_set(actor=cast["region_officer"], region=parents_world.county, counts=False)
    assert parent_reply_counts(parents_world.school_a.region_id) is False
    reply_count_set(actor=cast["township_officer"], region=parents_world.township_a, counts=True)
    assert parent_reply_counts(parents_world.school_a.region_id) is True
    assert parent_reply_counts(parents_world.township_b.code) is False


@pytest.mark.parametrize("counts", [True, False])
def test_the_compliance_figure_follows_the_switch_and_is_the_same_whoever_asks(
    client, parents_world, cast, settings, counts
):
    settings.SHOUHU_PARENT_REPLY_COUNTS = not counts  # the region's switch wins over it
    before = _parent_call_done(cast, parents_world)
    reply_count_set(actor=cast["region_officer"], region=parents_world.county, counts=counts)
    message = _reply(client, parents_world, cast)
    after = _parent_call_done(cast, parents_world)
    assert (message.care_action is not None) is counts
    assert after["child_done"] == before["child_done"] + (1 if counts else 0)
    assert len(set(after["school"].values())) == 1  # one figure, whoever reads it


def test_setting_the_switch_is_logged_and_kept_in_the_history(parents_world, cast):
    officer, county = cast["region_officer"], parents_world.county
    reply_count_set(actor=officer, region=county, counts=False)
    reply_count_set(actor=officer, region=county, counts=True)
    assert ReplyCountSetting.objects.get(region=county).counts is True
    assert [(c.counts, c.by) for c in reply_count_history(county)] == [
        (True, str(officer)),
        (False, str(officer)),
    ]
    logged = AccessLog.objects.filter(user=officer, action=AccessAction.UPDATE)
    assert logged.count() == 2 and "不计入" in logged.last().query


def test_only_a_quota_manager_over_the_region_sets_it(parents_world, cast):
    with pytest.raises(PermissionDenied):
        reply_count_set(actor=cast["head_teacher"], region=parents_world.county, counts=False)
    with pytest.raises(PermissionDenied):
        reply_count_set(actor=cast["township_officer"], region=parents_world.county, counts=False)
    assert not ReplyCountSetting.objects.exists()


def test_the_county_officer_sets_it_on_the_quota_page(client, parents_world, cast):
    client.force_login(cast["region_officer"])
    code = parents_world.county.prefix
    quotas = client.get(f"{reverse('care:quotas')}?scope={code}").content.decode()
    assert reverse("parents:reply-setting") in quotas
    url = f"{reverse('parents:reply-setting')}?scope={code}"
    assert "计入与家长通话要求" in client.get(url).content.decode()
    response = client.post(url, {"counts": "no"})
    assert response.status_code == 302 and response.url.startswith(reverse("care:quotas"))
    assert ReplyCountSetting.objects.get(region=parents_world.county).counts is False
    page = client.get(url).content.decode()
    assert "不计入“与家长通话”要求" in page and "变更记录" in page


def test_a_school_sees_the_switch_in_force_without_a_form(client, parents_world, cast):
    reply_count_set(actor=cast["region_officer"], region=parents_world.county, counts=False)
    client.force_login(cast["school_leader"])
    url = f"{reverse('parents:reply-setting')}?scope={parents_world.school_a.code}"
    page = client.get(url).content.decode()
    assert "不计入" in page and parents_world.county.name in page and "<form" not in page
    assert client.post(url, {"counts": "yes"}).status_code == 404
    assert ReplyCountSetting.objects.get().counts is False
