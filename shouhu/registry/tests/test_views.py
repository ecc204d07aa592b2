"""The child pages as a user meets them: the form's Chinese errors, escaping, masking, the log."""

import datetime
import subprocess

import pytest
from django.urls import reverse

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.core.idnumber import make_id_number
from shouhu.registry.handover import child_leave
from shouhu.registry.models import Child, Guardian
from shouhu.testing.dates import TODAY

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(2016, 5, 20)


def _form_data(world, **overrides) -> dict:
    data = {
        "name": "王小明",
        "sex": "male",
        "birth_date": BIRTH.isoformat(),
        "ethnicity": "汉族",
        "id_number": make_id_number(county="511781", birth_date=BIRTH, serial=451),
        "hukou_type": "rural",
        "school_class": world.class_a.pk,
        "father-status": "migrant",
        "father-name": "王大山",
        "father-phone": "138 1234 5678",
        "mother-status": "migrant",
        "mother-name": "李秀英",
        "guardian-name": "王爷爷",
        "guardian-relation": "祖父",
        "guardian-age": "67",
        "source": "register",
    }
    data.update(overrides)
    return data


def test_head_teacher_registers_a_child_and_lands_on_the_file(client, head_teacher, world):
    client.force_login(head_teacher)
    response = client.post(reverse("registry:child-create"), _form_data(world))
    child = Child.objects.get(name="王小明")
    assert response.status_code == 302
    assert response.url == reverse("registry:child-detail", kwargs={"public_id": child.public_id})
    assert child.parents.get(role="father").phone == "13812345678"
    assert AccessLog.objects.filter(child=child, action=AccessAction.CREATE).exists()


def test_wrong_check_digit_shows_the_chinese_error_and_writes_nothing(client, head_teacher, world):
    client.force_login(head_teacher)
    good = make_id_number(county="511781", birth_date=BIRTH, serial=452)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(reverse("registry:child-create"), _form_data(world, id_number=bad))
    assert response.status_code == 200
    assert "身份证号：身份证号校验位不正确" in response.content.decode()
    assert not Child.objects.filter(name="王小明").exists()


def test_bad_parent_phone_is_an_error_on_that_field(client, head_teacher, world):
    client.force_login(head_teacher)
    response = client.post(
        reverse("registry:child-create"), _form_data(world, **{"father-phone": "1381234"})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_father-phone-error"' in page
    assert "手机号应为11位" in page


def test_future_birth_date_is_refused(client, head_teacher, world):
    client.force_login(head_teacher)
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = client.post(
        reverse("registry:child-create"),
        _form_data(world, birth_date=tomorrow.isoformat()),
    )
    assert "出生日期不能晚于今天" in response.content.decode()


def test_html_in_a_name_is_shown_as_text(client, head_teacher, world):
    client.force_login(head_teacher)
    client.post(
        reverse("registry:child-create"),
        _form_data(world, name="<script>alert(1)</script>"),
    )
    child = Child.objects.get(name="<script>alert(1)</script>")
    page = client.get(
        reverse("registry:child-detail", kwargs={"public_id": child.public_id})
    ).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_opening_a_file_writes_an_access_log_row(client, teacher, world):
    client.force_login(teacher)
    url = reverse("registry:child-detail", kwargs={"public_id": world.child_a.public_id})
    client.get(url, REMOTE_ADDR="10.1.2.3")
    row = AccessLog.objects.get(child=world.child_a, action=AccessAction.VIEW)
    assert row.user == teacher
    assert row.ip == "10.1.2.3"


def test_teacher_sees_a_masked_id_number_and_head_teacher_the_full_one(
    client, teacher, head_teacher, world
):
    url = reverse("registry:child-detail", kwargs={"public_id": world.child_a.public_id})
    number = world.child_a.id_number
    client.force_login(teacher)
    page = client.get(url).content.decode()
    assert number not in page
    assert number[:4] + "*" * 10 + number[-4:] in page
    client.force_login(head_teacher)
    assert number in client.get(url).content.decode()


def _edit_data(client, edit: str) -> dict:
    """What the edit form would post back unchanged, as a browser sends it."""
    data = {}
    for prefix_form in client.get(edit).context["forms"].values():
        for bound in prefix_form:
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = value
    return data


def test_edit_keeps_history_visible_on_the_file(client, head_teacher, world):
    client.force_login(head_teacher)
    child = world.child_a
    edit = reverse("registry:child-edit", kwargs={"public_id": child.public_id})
    data = _edit_data(client, edit)
    data["ethnicity"] = "土家族"
    data["birth_date"] = child.birth_date.isoformat()
    response = client.post(edit, data)
    assert response.status_code == 302
    history = client.get(
        reverse("registry:child-detail", kwargs={"public_id": child.public_id}) + "?tab=history"
    ).content.decode()
    assert "民族：汉族 → 土家族" in history


def test_search_by_pinyin_initials_finds_the_child(client, head_teacher, world):
    client.force_login(head_teacher)
    initials = world.child_a.name_initials
    page = client.get(reverse("registry:child-list"), {"q": initials}).content.decode()
    assert world.child_a.name in page


def test_child_list_query_count_is_bounded(
    client, head_teacher, world, django_assert_max_num_queries
):
    from shouhu.testing.factories import register_child

    for _ in range(25):
        register_child(head_teacher, world.class_a)
    client.force_login(head_teacher)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:child-list"))
    assert response.status_code == 200


def test_contact_card_is_a_pdf_naming_the_child(client, head_teacher, world):
    client.force_login(head_teacher)
    response = client.get(
        reverse("registry:contact-card", kwargs={"public_id": world.child_a.public_id})
    )
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert world.child_a.name in text
    assert "留守儿童联系卡" in text
    assert AccessLog.objects.filter(child=world.child_a, action=AccessAction.PRINT).exists()


def test_an_unsupervised_child_can_be_registered_without_a_guardian(client, head_teacher, world):
    client.force_login(head_teacher)
    data = _form_data(world, flags=["unsupervised"])
    for key in ("guardian-name", "guardian-relation", "guardian-age"):
        data.pop(key)
    response = client.post(reverse("registry:child-create"), data)
    child = Child.objects.get(name="王小明")
    assert response.status_code == 302
    assert not Guardian.objects.filter(child=child).exists()
    assert child.flags.filter(flag="unsupervised", until__isnull=True).exists()


def test_guardian_details_without_a_name_are_refused(client, head_teacher, world):
    client.force_login(head_teacher)
    data = _form_data(world)
    data.pop("guardian-name")
    response = client.post(reverse("registry:child-create"), data)
    assert "请填写监护人姓名" in response.content.decode()
    assert not Child.objects.filter(name="王小明").exists()


def test_an_out_of_scope_file_is_a_chinese_404_page(client, head_teacher, world):
    client.force_login(head_teacher)
    url = reverse("registry:child-detail", kwargs={"public_id": world.child_b.public_id})
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 404
    assert "找不到页面" in page
    assert world.child_b.name not in page


# --- the file page's leave (离开名册) and transfer (办理转学) links -------------------------------


@pytest.mark.parametrize(
    ("role", "leave", "transfer"),
    [
        ("head_teacher", True, False),  # 班主任: changes files; transfers are the school's
        ("school_leader", True, True),
        ("teacher", False, False),
        ("counsellor", False, False),
        ("township_officer", False, False),
        ("region_officer", False, False),
    ],
)
def test_the_file_offers_leaving_and_transfer_only_to_who_may_open_them(
    client, world, request, role, leave, transfer
):
    client.force_login(request.getfixturevalue(role))
    ids = {"public_id": world.child_a.public_id}
    page = client.get(reverse("registry:child-detail", kwargs=ids)).content.decode()
    links = {
        "registry:child-leave": ("离开名册", leave),
        "registry:child-transfer": ("办理转学", transfer),
    }
    for name, (label, shown) in links.items():
        url = reverse(name, kwargs=ids)
        assert (f'href="{url}">{label}</a>' in page) is shown, name
        # A link shown opens its page; one hidden would be refused.
        assert client.get(url).status_code == (200 if shown else 403), name


@pytest.mark.usefixtures("frozen_today")
def test_a_child_who_left_is_offered_neither_leaving_nor_transfer(client, world, school_leader):
    child_leave(
        actor=school_leader, child=world.child_a, on=world.child_a.registered_on, reason="other"
    )
    client.force_login(school_leader)
    ids = {"public_id": world.child_a.public_id}
    page = client.get(reverse("registry:child-detail", kwargs=ids)).content.decode()
    assert reverse("registry:child-leave", kwargs=ids) not in page
    assert reverse("registry:child-transfer", kwargs=ids) not in page
    assert reverse("registry:child-edit", kwargs=ids) not in page  # read-only: no edit button
    assert "离开名册（" in page and world.child_a.name in page  # notice and page


@pytest.mark.usefixtures("frozen_today")
def test_saving_the_file_of_a_child_who_left_says_why_in_chinese_and_writes_nothing(
    client, world, head_teacher
):
    client.force_login(head_teacher)
    ids = {"public_id": world.child_a.public_id}
    edit = reverse("registry:child-edit", kwargs=ids)
    data = {**_edit_data(client, edit), "ethnicity": "土家族"}  # the form opened before leaving
    child_leave(
        actor=head_teacher, child=world.child_a, on=world.child_a.registered_on, reason="other"
    )
    response = client.post(edit, data, follow=True)
    assert response.redirect_chain == [(reverse("registry:child-detail", kwargs=ids), 302)]
    assert "该儿童已离开名册，档案只读，不能修改。" in response.content.decode()
    assert Child.objects.get(pk=world.child_a.pk).ethnicity == "汉族"
    # Opening the edit page of a left child leads back to the file with the same reason.
    opened = client.get(edit, follow=True)
    assert opened.redirect_chain == [(reverse("registry:child-detail", kwargs=ids), 302)]
    assert "档案只读" in opened.content.decode()


@pytest.mark.parametrize(("role", "asked"), [("teacher", True), ("head_teacher", False)])
def test_the_print_page_asks_a_reason_only_of_whom_the_familys_phones_are_masked(
    client, request, world, role, asked
):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("registry:contact-cards"), {"child": world.child_a.public_id})
    page = response.content.decode()
    assert ("按您的权限，家庭成员电话将脱敏打印" in page) is asked
    assert ('name="reason"' in page) is asked
