"""A parent writes to the head teacher and the proxy parent; they reply from 我的待办. The
message is no care action; the reply is one (与家长通话, by the teacher) and goes out by SMS."""

from django.urls import reverse

from shouhu.care.models import ActionKind, CareAction
from shouhu.notify.models import Message
from shouhu.parents.models import MESSAGE_MAX_LENGTH, ParentMessage
from shouhu.parents.tests.helpers import FATHER_A, parent_login


def _write(client, world, body):
    url = reverse("parents:message", kwargs={"public_id": world.child_a.public_id})
    return client.post(url, {"body": body})


def test_a_parents_message_reaches_the_head_teachers_worklist(client, parents_world, cast):
    parent_login(client, FATHER_A)
    _write(client, parents_world, "孩子最近身体怎么样？")
    assert not CareAction.objects.filter(kind=ActionKind.PARENT_CALL).exists()
    client.force_login(cast["head_teacher"])
    page = client.get(reverse("parents:home-messages")).content.decode()
    assert "孩子最近身体怎么样？" in page and "李家成" in page


def test_another_classes_head_teacher_sees_nothing(client, parents_world, cast):
    parent_login(client, FATHER_A)
    _write(client, parents_world, "你好")
    client.force_login(cast["other_head_teacher"])
    assert client.get(reverse("parents:home-messages")).content == b""


def test_script_in_a_message_is_shown_as_text(client, parents_world, cast):
    parent_login(client, FATHER_A)
    _write(client, parents_world, "<script>alert(1)</script>")
    page = client.get(
        reverse("parents:child", kwargs={"public_id": parents_world.child_a.public_id})
    ).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    client.force_login(cast["head_teacher"])
    staff = client.get(reverse("parents:home-messages")).content.decode()
    assert "<script>alert(1)</script>" not in staff and "&lt;script&gt;" in staff


def test_an_over_long_message_is_refused_and_nothing_is_written(client, parents_world):
    parent_login(client, FATHER_A)
    response = _write(client, parents_world, "长" * (MESSAGE_MAX_LENGTH + 1))
    assert response.status_code == 400 and "不能超过" in response.content.decode()
    assert not ParentMessage.objects.exists()


def test_the_reply_is_a_parent_call_by_the_teacher_and_an_sms(client, parents_world, cast):
    parent_login(client, FATHER_A)
    _write(client, parents_world, "孩子最近怎么样？")
    message = ParentMessage.objects.get()
    head = cast["head_teacher"]
    client.force_login(head)
    client.post(
        reverse("parents:message-reply", kwargs={"public_id": message.public_id}),
        {"reply": "很好，请放心"},
    )
    message.refresh_from_db()
    assert message.reply == "很好，请放心" and message.replied_by == head
    action = message.care_action
    assert action.kind == ActionKind.PARENT_CALL and action.author == head
    assert list(action.children.all()) == [parents_world.child_a]
    sms = Message.objects.get(kind="parent_reply")
    assert sms.to_address == FATHER_A and "很好，请放心" in sms.body
    assert client.get(reverse("parents:home-messages")).content == b""


def test_the_reply_counts_nothing_when_the_setting_is_off(client, parents_world, cast, settings):
    settings.SHOUHU_PARENT_REPLY_COUNTS = False
    parent_login(client, FATHER_A)
    _write(client, parents_world, "你好")
    message = ParentMessage.objects.get()
    client.force_login(cast["head_teacher"])
    client.post(
        reverse("parents:message-reply", kwargs={"public_id": message.public_id}),
        {"reply": "您好"},
    )
    message.refresh_from_db()
    assert message.reply == "您好" and message.care_action is None


def test_a_teacher_who_is_neither_head_teacher_nor_proxy_cannot_reply(client, parents_world, cast):
    parent_login(client, FATHER_A)
    _write(client, parents_world, "你好")
    message = ParentMessage.objects.get()
    client.force_login(cast["teacher"])
    client.post(
        reverse("parents:message-reply", kwargs={"public_id": message.public_id}),
        {"reply": "您好"},
    )
    message.refresh_from_db()
    assert message.reply == "" and not Message.objects.filter(kind="parent_reply").exists()


def test_the_parent_sees_the_reply(client, parents_world, cast):
    from shouhu.parents.services import parent_message_reply

    parent_login(client, FATHER_A)
    _write(client, parents_world, "你好")
    parent_message_reply(
        actor=cast["head_teacher"], message=ParentMessage.objects.get(), reply="作业都完成了"
    )
    assert "作业都完成了" in client.get(reverse("parents:home")).content.decode()


def test_anonymising_the_child_erases_the_parents_messages_and_number(client, parents_world):
    from shouhu.audit.models import ErasureReason
    from shouhu.audit.shredder import child_anonymise
    from shouhu.registry.models import Parent

    parent_login(client, FATHER_A)
    _write(client, parents_world, "孩子的奶奶住院了")
    child_anonymise(child=parents_world.child_a, reason=ErasureReason.REQUEST)
    assert ParentMessage.objects.get().body == ""
    father = Parent.objects.get(child=parents_world.child_a, role="father")
    assert father.phone == "" and father.phone_index == ""
