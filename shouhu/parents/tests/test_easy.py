"""The page for parents who read little (大字版): each child's key news as large text with an
icon, the replies to their messages, and one big button to call the school; never counselling,
nor another family's child."""

from django.urls import reverse
from django.utils import timezone

from shouhu.care.models import ActionKind
from shouhu.care.services import care_action_record
from shouhu.parents.tests.helpers import FATHER_A, parent_login


def test_the_key_news_is_large_text_with_icons_and_a_button_to_call_the_school(
    client, parents_world, cast
):
    school = parents_world.school_a
    school.contact_phone = "08188888888"
    school.save(update_fields=["contact_phone"])
    care_action_record(
        actor=cast["head_teacher"],
        kind=ActionKind.HOME_VISIT,
        done_on=timezone.localdate(),
        children=[parents_world.child_a],
        share_with_parents=True,
        parent_note="孩子这周进步很大",
    )
    care_action_record(
        actor=cast["counsellor"],
        kind=ActionKind.COUNSELLING,
        done_on=timezone.localdate(),
        children=[parents_world.child_a],
        summary="谈到想念妈妈",
    )
    parent_login(client, FATHER_A)
    page = client.get(reverse("parents:easy")).content.decode()
    assert '<p class="big-news"><span aria-hidden="true">📣</span> 孩子这周进步很大</p>' in page
    assert 'href="tel:08188888888"' in page and "给学校打电话" in page
    assert "想念妈妈" not in page and parents_world.child_b.name not in page


def test_with_no_news_the_page_says_all_is_well(client, parents_world):
    parent_login(client, FATHER_A)
    page = client.get(reverse("parents:easy")).content.decode()
    assert "孩子一切都好" in page and "✅" in page
