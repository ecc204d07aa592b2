"""The staff side of the parents' messages in the child's file: a fragment showing what the
reader's `parent_messages` cell allows (texts to the school leader, the head teacher and the
proxy parent; when and who only to the school's other staff; nothing above the school), with the
reply form for those who answer, and a reply that goes back to the file."""

import pytest
from django.urls import reverse

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.core.visibility import MATRIX, ChildField, Visibility, child_visibility
from shouhu.parents.models import ParentMessage
from shouhu.parents.tests.helpers import FATHER_A, parent_login
from shouhu.testing.html import duplicate_ids

BODY = "孩子的奶奶最近身体不好"


@pytest.fixture
def written(client, parents_world):
    parent_login(client, FATHER_A)
    url = reverse("parents:message", kwargs={"public_id": parents_world.child_a.public_id})
    client.post(url, {"body": BODY})
    client.post(url, {"body": "作业多吗"})
    client.post(reverse("parents:logout"))
    return ParentMessage.objects.filter(child=parents_world.child_a)


def _section(client, user, child):
    client.force_login(user)
    url = reverse("parents:child-messages-section", kwargs={"public_id": child.public_id})
    return client.get(url)


@pytest.mark.parametrize(
    ("role", "text", "form"),
    [
        ("head_teacher", True, True),
        ("volunteer", True, True),  # child_a's proxy parent: masked widened to full
        ("school_leader", True, False),
        ("teacher", False, False),
        ("counsellor", False, False),
        ("region_officer", None, False),
        ("township_officer", None, False),
        ("privacy_officer", None, False),
    ],
)
def test_each_role_sees_what_its_cell_allows(
    client, parents_world, cast, written, role, text, form
):
    response = _section(client, cast[role], parents_world.child_a)
    assert response.status_code == 200
    page = response.content.decode()
    state = child_visibility(cast[role], parents_world.child_a, ChildField.PARENT_MESSAGES)
    if text is None:
        assert page == "" and state == Visibility.HIDDEN
        return
    assert "家长留言" in page and "父亲" in page
    assert (BODY in page) is text
    assert (state == Visibility.FULL) is text
    assert ("<textarea" in page) is form


def test_the_matrix_row_hides_the_messages_above_the_school():
    row = MATRIX[ChildField.PARENT_MESSAGES]
    assert [r for r, v in row.items() if v == Visibility.FULL] == ["school_leader", "head_teacher"]


def test_a_child_outside_the_scope_is_a_404(client, parents_world, cast, written):
    response = _section(client, cast["other_head_teacher"], parents_world.child_a)
    assert response.status_code == 404


def test_no_messages_no_section(client, parents_world, cast):
    assert _section(client, cast["head_teacher"], parents_world.child_a).content == b""


def test_reading_the_texts_is_logged(client, parents_world, cast, written):
    _section(client, cast["head_teacher"], parents_world.child_a)
    assert AccessLog.objects.filter(
        user=cast["head_teacher"], child=parents_world.child_a, action=AccessAction.VIEW
    ).exists()


def test_the_reply_from_the_file_returns_to_the_file(client, parents_world, cast, written):
    page = _section(client, cast["head_teacher"], parents_world.child_a).content.decode()
    assert duplicate_ids(page) == []
    message = written.order_by("sent_at", "id").first()
    detail = reverse("registry:child-detail", kwargs={"public_id": parents_world.child_a.public_id})
    response = client.post(
        reverse("parents:message-reply", kwargs={"public_id": message.public_id}),
        {"reply": "我们会多关心孩子", "next": detail},
    )
    assert response.status_code == 302 and response.url == detail
    message.refresh_from_db()
    assert message.reply == "我们会多关心孩子"
    page = _section(client, cast["head_teacher"], parents_world.child_a).content.decode()
    assert "我们会多关心孩子" in page and page.count("<textarea") == 1


def test_a_next_elsewhere_is_ignored(client, parents_world, cast, written):
    client.force_login(cast["head_teacher"])
    message = written.order_by("sent_at", "id").first()
    response = client.post(
        reverse("parents:message-reply", kwargs={"public_id": message.public_id}),
        {"reply": "好的", "next": "https://evil.example/"},
    )
    assert response.url == reverse("home")


def test_the_childs_file_fetches_the_section(client, parents_world, cast):
    client.force_login(cast["head_teacher"])
    detail = reverse("registry:child-detail", kwargs={"public_id": parents_world.child_a.public_id})
    section = reverse(
        "parents:child-messages-section", kwargs={"public_id": parents_world.child_a.public_id}
    )
    assert section in client.get(detail).content.decode()


def test_an_over_long_reply_is_refused_and_nothing_is_written(client, parents_world, cast, written):
    from shouhu.care.models import CareAction
    from shouhu.notify.models import Message
    from shouhu.parents.models import REPLY_MAX_LENGTH

    client.force_login(cast["head_teacher"])
    message = written.order_by("sent_at", "id").first()
    response = client.post(
        reverse("parents:message-reply", kwargs={"public_id": message.public_id}),
        {"reply": "长" * (REPLY_MAX_LENGTH + 1)},
        follow=True,
    )
    assert "不能超过" in response.content.decode()
    message.refresh_from_db()
    assert message.reply == "" and message.replied_at is None
    assert not CareAction.objects.exists()
    assert not Message.objects.filter(kind="parent_reply").exists()


def test_script_in_a_reply_reaches_the_parent_as_text(client, parents_world, cast, written):
    client.force_login(cast["head_teacher"])
    message = written.order_by("sent_at", "id").first()
    client.post(
        reverse("parents:message-reply", kwargs={"public_id": message.public_id}),
        {"reply": "<script>alert(1)</script>"},
    )
    section = _section(client, cast["head_teacher"], parents_world.child_a).content.decode()
    assert "<script>alert(1)</script>" not in section and "&lt;script&gt;" in section
    client.logout()
    parent_login(client, FATHER_A)
    url = reverse("parents:child", kwargs={"public_id": parents_world.child_a.public_id})
    page = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_the_sections_queries_do_not_grow_with_the_messages(client, parents_world, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from shouhu.parents.services import parent_message_reply
    from shouhu.registry.models import Parent

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _section(client, cast["head_teacher"], parents_world.child_a)
        return len(queries)

    parents = list(Parent.objects.filter(child=parents_world.child_a))

    def add(n: int) -> None:
        for i in range(n):
            message = ParentMessage.objects.create(
                child=parents_world.child_a,
                parent=parents[i % len(parents)],
                body=f"第{i}条",
                sent_at=timezone.now(),
            )
            if i % 2:
                replier = cast["head_teacher"] if i % 4 == 1 else cast["volunteer"]
                parent_message_reply(actor=replier, message=message, reply="好的")

    add(2)
    _section(client, cast["head_teacher"], parents_world.child_a)  # warm the session
    few = count()
    add(10)
    assert count() == few
