"""Administrators keep the tree in the web UI; nobody else can."""

import pytest
from django.urls import reverse

from shouhu.org.models import School, Term
from shouhu.testing.dates import YEARS, iso, term_code

pytestmark = pytest.mark.django_db


def test_admin_adds_a_school_under_a_township(client, admin, world):
    client.force_login(admin)
    response = client.post(
        reverse("org:create", kwargs={"kind": "school"}),
        {
            "code": "3151781009",
            "name": "万源市太平镇第二小学",
            "kind": "primary",
            "region": world.township_a.pk,
        },
    )
    assert response.status_code == 302
    assert School.objects.get(code="3151781009").region == world.township_a


def test_a_school_code_of_the_wrong_length_is_refused_in_chinese(client, admin, world):
    client.force_login(admin)
    response = client.post(
        reverse("org:create", kwargs={"kind": "school"}),
        {"code": "31517", "name": "错误学校", "kind": "primary", "region": world.township_a.pk},
    )
    assert "学校标识码应为10位数字" in response.content.decode()
    assert not School.objects.filter(name="错误学校").exists()


def test_a_term_whose_code_disagrees_with_its_year_is_refused(client, admin, world):
    client.force_login(admin)
    response = client.post(
        reverse("org:create", kwargs={"kind": "term"}),
        {
            "code": term_code("2027-2028-1"),
            "start_year": 2026 + YEARS,
            "semester": 2,
            "starts_on": iso("2027-03-01"),
            "ends_on": iso("2027-07-10"),
        },
    )
    assert "学期代码与学年、学期不一致" in response.content.decode()
    assert not Term.objects.filter(code=term_code("2027-2028-1")).exists()


def test_admin_edits_a_school_name(client, admin, world):
    client.force_login(admin)
    school = world.school_a
    url = reverse("org:edit", kwargs={"kind": "school", "pk": school.pk})
    client.post(
        url,
        {
            "code": school.code,
            "name": "新名字小学",
            "kind": school.kind,
            "region": school.region_id,
        },
    )
    school.refresh_from_db()
    assert school.name == "新名字小学"


def test_head_teacher_cannot_post_to_the_tree(client, head_teacher, world):
    client.force_login(head_teacher)
    response = client.post(
        reverse("org:create", kwargs={"kind": "school"}),
        {
            "code": "3151781010",
            "name": "偷偷加的学校",
            "kind": "primary",
            "region": world.township_a.pk,
        },
    )
    assert response.status_code == 403
    assert not School.objects.filter(code="3151781010").exists()


def test_admin_sets_the_phones_the_contact_card_prints(client, admin, world):
    """The school's and the township's office phones, normalised; a bad one refused in Chinese."""
    client.force_login(admin)
    school = world.school_a
    data = {
        "code": school.code,
        "name": school.name,
        "kind": school.kind,
        "region": school.region_id,
    }
    url = reverse("org:edit", kwargs={"kind": "school", "pk": school.pk})
    assert client.post(url, {**data, "contact_phone": "0818-862 1234"}).status_code == 302
    school.refresh_from_db()
    assert school.contact_phone == "08188621234"
    response = client.post(url, {**data, "contact_phone": "12345"})
    assert "手机号应为11位" in response.content.decode()
    township = world.township_a
    url = reverse("org:edit", kwargs={"kind": "region", "pk": township.pk})
    region = {"code": township.code, "name": township.name, "level": township.level}
    response = client.post(
        url, {**region, "parent": township.parent_id, "contact_phone": "13800001111"}
    )
    assert response.status_code == 302
    township.refresh_from_db()
    assert township.contact_phone == "13800001111"
