"""What a parent sees: their own children only; the news the school chose to share, photos with
consent, interest groups, grades where the school shows them. Never counselling, health, the
assessment or another child."""

import uuid

from django.urls import reverse
from django.utils import timezone

from shouhu.care.models import ActionKind
from shouhu.care.services import care_action_record
from shouhu.parents.tests.helpers import FATHER_A, parent_login
from shouhu.schooling.models import ExamKind, GradeResult, Subject
from shouhu.testing.activities import group_of_school_a, photo_of_child_a
from shouhu.welfare.services.guardianship import agreement_draft


def _record(world, cast, **kwargs):
    author = kwargs.pop("author", cast["head_teacher"])
    return care_action_record(
        actor=author,
        done_on=timezone.localdate(),
        children=[world.child_a],
        **kwargs,
    )


def test_news_marked_for_parents_shows_its_short_text_never_the_summary(
    client, parents_world, cast
):
    _record(
        parents_world,
        cast,
        kind=ActionKind.HOME_VISIT,
        summary="家中老人腿脚不便，孩子情绪低落",
        share_with_parents=True,
        parent_note="孩子这周按时完成作业，表现很好",
    )
    _record(parents_world, cast, kind=ActionKind.TALK, summary="不告知家长的谈心")
    parent_login(client, FATHER_A)
    for url in (
        reverse("parents:home"),
        reverse("parents:child", kwargs={"public_id": parents_world.child_a.public_id}),
    ):
        page = client.get(url).content.decode()
        assert "孩子这周按时完成作业，表现很好" in page
        assert "情绪低落" not in page and "不告知家长的谈心" not in page


def test_counselling_and_health_never_reach_a_parent(client, parents_world, cast):
    _record(
        parents_world,
        cast,
        author=cast["counsellor"],
        kind=ActionKind.COUNSELLING,
        summary="心理辅导记录：焦虑",
    )
    child = parents_world.child_a
    child.health_notes = "哮喘，需随身带药"
    child.save(update_fields=["health_notes"])
    parent_login(client, FATHER_A)
    page = client.get(
        reverse("parents:child", kwargs={"public_id": child.public_id})
    ).content.decode()
    for secret in ("焦虑", "心理辅导", "哮喘", "身份证", "考核", "曾小雨"):
        assert secret not in page


def test_counselling_cannot_be_marked_for_parents(parents_world, cast):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        _record(
            parents_world,
            cast,
            author=cast["counsellor"],
            kind=ActionKind.COUNSELLING,
            share_with_parents=True,
            parent_note="x",
        )
    assert "share_with_parents" in error.value.message_dict


def test_sharing_with_parents_needs_the_short_text(parents_world, cast):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        _record(parents_world, cast, kind=ActionKind.HOME_VISIT, share_with_parents=True)
    assert "parent_note" in error.value.message_dict


def test_guessing_another_childs_id_is_a_404(client, parents_world):
    parent_login(client, FATHER_A)
    other = parents_world.child_b.public_id
    for name in ("parents:child", "parents:agreement", "parents:request"):
        assert client.get(reverse(name, kwargs={"public_id": other})).status_code == 404
    assert (
        client.get(reverse("parents:child", kwargs={"public_id": uuid.uuid4()})).status_code == 404
    )
    response = client.post(
        reverse("parents:message", kwargs={"public_id": other}), {"body": "你好"}
    )
    assert response.status_code == 404


def test_a_photo_of_the_child_with_consent_is_served_to_the_parent(client, parents_world):
    photo = photo_of_child_a(parents_world)
    parent_login(client, FATHER_A)
    page = client.get(
        reverse("parents:child", kwargs={"public_id": parents_world.child_a.public_id})
    ).content.decode()
    url = reverse("parents:photo", kwargs={"public_id": photo.public_id})
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_a_photo_after_consent_is_withdrawn_is_a_404(client, parents_world):
    from shouhu.activities.services.events import photo_consent_set

    photo = photo_of_child_a(parents_world)
    photo_consent_set(
        actor=parents_world.class_a.head_teacher,
        child=parents_world.child_a,
        consented=False,
        decided_on=timezone.localdate(),
    )
    parent_login(client, FATHER_A)
    url = reverse("parents:photo", kwargs={"public_id": photo.public_id})
    assert client.get(url).status_code == 404


def test_another_parent_cannot_open_the_photo(client, parents_world):
    from shouhu.parents.tests.helpers import FATHER_B

    photo = photo_of_child_a(parents_world)
    parent_login(client, FATHER_B)
    url = reverse("parents:photo", kwargs={"public_id": photo.public_id})
    assert client.get(url).status_code == 404


def test_the_interest_groups_are_shown(client, parents_world):
    group = group_of_school_a(parents_world)
    parent_login(client, FATHER_A)
    assert group.name in client.get(reverse("parents:home")).content.decode()


def _grade(world, cast):
    GradeResult.objects.create(
        child=world.child_a,
        term=world.term,
        exam=ExamKind.MIDTERM,
        subject=Subject.MATHS,
        school_class=world.class_a,
        score=87.5,
        full_mark=100,
        entered_by=cast["head_teacher"],
        entered_at=timezone.now(),
    )


def test_grades_are_hidden_unless_the_school_turns_them_on(client, parents_world, cast):
    _grade(parents_world, cast)
    parent_login(client, FATHER_A)
    url = reverse("parents:child", kwargs={"public_id": parents_world.child_a.public_id})
    assert "87.5" not in client.get(url).content.decode()
    school = parents_world.school_a
    school.grades_to_parents = True
    school.save(update_fields=["grades_to_parents"])
    page = client.get(url).content.decode()
    assert "87.5" in page and "数学" in page


def test_the_parent_confirms_the_guardian_agreement_with_the_time(client, parents_world, cast):
    from shouhu.parents.models import AgreementConfirmation

    agreement = agreement_draft(actor=cast["head_teacher"], child=parents_world.child_a)
    parent_login(client, FATHER_A)
    url = reverse("parents:agreement", kwargs={"public_id": parents_world.child_a.public_id})
    assert "王秀英" in client.get(url).content.decode()
    client.post(url)
    confirmation = AgreementConfirmation.objects.get(agreement=agreement)
    assert confirmation.parent.phone == FATHER_A and confirmation.confirmed_at is not None
    assert "您已于" in client.get(url).content.decode()


def test_the_parent_asks_for_correction_as_a_guardian_request(client, parents_world):
    from shouhu.audit.models import GuardianRequest

    parent_login(client, FATHER_A)
    url = reverse("parents:request", kwargs={"public_id": parents_world.child_a.public_id})
    client.post(url, {"kind": "correction", "details": "孩子的出生日期登记错了"})
    request = GuardianRequest.objects.get(child=parents_world.child_a)
    assert request.recorded_by is None and request.requester_relation == "父亲"
    assert request.requester_phone == FATHER_A and request.due_on > request.received_on


def test_the_parent_changes_their_number_after_a_code_to_the_new_one(client, parents_world):
    from shouhu.parents.tests.helpers import last_code
    from shouhu.registry.models import Parent

    parent_login(client, FATHER_A)
    new = "13511112222"
    client.post(reverse("parents:phone"), {"send": "1", "phone": new})
    code = last_code(new)
    wrong = "000000" if code != "000000" else "111111"
    client.post(reverse("parents:phone"), {"confirm": "1", "phone": new, "code": wrong})
    assert Parent.objects.get(child=parents_world.child_a, role="father").phone == FATHER_A
    response = client.post(reverse("parents:phone"), {"confirm": "1", "phone": new, "code": code})
    assert response.status_code == 302
    assert Parent.objects.get(child=parents_world.child_a, role="father").phone == new
    assert client.get(reverse("parents:home")).status_code == 200
