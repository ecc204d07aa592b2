"""The aid pages as each role uses them: a head teacher proposes from the child's file, the
school leader approves, the 公示 shows masked names and never an ID number, the hints list
children in hardship without aid, and the child's file shows aid only to the roles allowed."""

import subprocess
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shouhu.core.roles import Role
from shouhu.registry.classification import ParentStatus
from shouhu.registry.models import Flag
from shouhu.testing.factories import (
    ChildFactory,
    ChildFlagFactory,
    ParentFactory,
    UserFactory,
)
from shouhu.welfare.models.aid import AidKind, AidRecord, AidStatus
from shouhu.welfare.services.aid import aid_propose, aid_review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_off(settings):
    settings.SHOUHU_TWO_FACTOR_ROLES = ()


def approved(world, head_teacher, school_leader, *, child=None, kind=AidKind.HARDSHIP_GRANT):
    record = aid_propose(
        actor=head_teacher,
        child=child or world.child_a,
        kind=kind,
        amount="1250",
        source="县学生资助管理中心",
        reason="父亲病故，家庭困难",
    )
    return aid_review(actor=school_leader, record=record, approve=True, note="同意")


def test_head_teacher_proposes_and_leader_approves_on_the_pages(
    client, world, head_teacher, school_leader
):
    client.force_login(head_teacher)
    url = reverse("welfare:aid-propose", kwargs={"public_id": world.child_a.public_id})
    response = client.post(
        url,
        {
            "kind": AidKind.HARDSHIP_GRANT,
            "amount": "1250.00",
            "source": "县学生资助管理中心",
            "reason": "母亲患病，家庭收入低",
            "proposed_on": timezone.localdate().isoformat(),
        },
    )
    record = AidRecord.objects.get()
    assert response.status_code == 302
    client.force_login(school_leader)
    detail = reverse("welfare:aid-detail", kwargs={"public_id": record.public_id})
    assert "学校审批" in client.get(detail).content.decode()
    client.post(
        detail, {"decision": "approve", "note": "同意", "on": timezone.localdate().isoformat()}
    )
    record.refresh_from_db()
    assert record.status == AidStatus.APPROVED


def test_a_negative_amount_on_the_page_names_the_field(client, world, head_teacher):
    client.force_login(head_teacher)
    url = reverse("welfare:aid-propose", kwargs={"public_id": world.child_a.public_id})
    response = client.post(
        url,
        {
            "kind": AidKind.HARDSHIP_GRANT,
            "amount": "-50",
            "source": "县资助中心",
            "reason": "家庭困难",
            "proposed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "金额（元）：金额必须大于0元" in response.content.decode()
    assert not AidRecord.objects.exists()


def test_an_oversized_scan_is_refused_on_the_page(client, world, head_teacher):
    client.force_login(head_teacher)
    url = reverse("welfare:aid-propose", kwargs={"public_id": world.child_a.public_id})
    big = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1))
    response = client.post(
        url,
        {
            "kind": AidKind.HARDSHIP_GRANT,
            "amount": "300",
            "source": "县资助中心",
            "reason": "家庭困难",
            "proposed_on": timezone.localdate().isoformat(),
            "evidence": big,
        },
    )
    assert "大于 10 MB" in response.content.decode()
    assert not AidRecord.objects.exists()


def test_the_proposer_sees_no_approval_form_on_their_own(client, world, school_leader):
    record = aid_propose(
        actor=school_leader,
        child=world.child_a,
        kind=AidKind.DONATION,
        amount="500",
        source="爱心企业",
        reason="家庭困难",
    )
    client.force_login(school_leader)
    url = reverse("welfare:aid-detail", kwargs={"public_id": record.public_id})
    page = client.get(url).content.decode()
    assert "申请人不能审批自己" in page
    response = client.post(url, {"decision": "approve", "on": timezone.localdate().isoformat()})
    assert response.status_code == 403


def test_the_notice_shows_masked_names_and_never_id_numbers(
    client, world, head_teacher, school_leader
):
    approved(world, head_teacher, school_leader)
    client.force_login(school_leader)
    page = client.get(
        reverse("welfare:aid-notice"), {"scope": world.school_a.code, "term": world.term.code}
    ).content.decode()
    assert "李*成" in page
    assert "李家成" not in page
    assert world.child_a.id_number not in page
    assert "1250.00" in page


def test_the_county_notice_pdf_prints_masked_names(
    client, world, head_teacher, school_leader, region_officer
):
    approved(world, head_teacher, school_leader)
    client.force_login(region_officer)
    response = client.get(
        reverse("welfare:aid-notice-pdf"), {"scope": "511781", "term": world.term.code}
    )
    assert response["Content-Type"] == "application/pdf"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(response.content)
        pdf.flush()
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", pdf.name, "-"], capture_output=True, text=True
        ).stdout
    assert "李*成" in text and "李家成" not in text
    assert world.school_a.name in text


def test_the_leader_sets_the_notice_period_and_a_reversed_one_is_refused(
    client, world, school_leader
):
    client.force_login(school_leader)
    url = reverse("welfare:aid-notice") + f"?scope={world.school_a.code}&term={world.term.code}"
    today = timezone.localdate()
    bad = client.post(url, {"starts_on": today.isoformat(), "ends_on": "2000-01-01"})
    assert "公示结束日期不能早于开始日期" in bad.content.decode()
    end = today + timezone.timedelta(days=5)
    client.post(url, {"starts_on": today.isoformat(), "ends_on": end.isoformat()})
    assert "公示期" in client.get(url).content.decode()


def test_hints_list_children_in_hardship_without_aid(
    client, world, head_teacher, school_leader, township_officer
):
    poor = ChildFactory(school_class=world.class_a, name="王小红")
    ChildFlagFactory(child=poor, flag=Flag.POVERTY)
    orphan = ChildFactory(school_class=world.class_a, name="赵小军")
    ParentFactory(child=orphan, status=ParentStatus.DECEASED)
    ChildFactory(school_class=world.class_a, name="钱多多")  # no hardship
    aided = ChildFactory(school_class=world.class_a, name="孙小花")
    ChildFlagFactory(child=aided, flag=Flag.LOW_INCOME)
    approved(world, head_teacher, school_leader, child=aided)
    for user in (head_teacher, township_officer):
        client.force_login(user)
        page = client.get(reverse("welfare:aid-hints")).content.decode()
        assert "王小红" in page and "赵小军" in page
        assert "钱多多" not in page and "孙小花" not in page
    home = client.get(reverse("welfare:home-aid")).content.decode()
    assert "2 名困难儿童本学期尚未获得资助" in home


def test_home_fragment_is_empty_with_nothing_to_do(client, world, teacher):
    client.force_login(teacher)
    assert client.get(reverse("welfare:home-aid")).content == b""


def test_the_leader_sees_proposals_waiting_on_the_home_page(
    client, world, head_teacher, school_leader
):
    aid_propose(
        actor=head_teacher,
        child=world.child_a,
        kind=AidKind.NUTRITION,
        amount="800",
        source="营养改善计划",
        reason="寄宿生",
    )
    client.force_login(school_leader)
    assert "1 份资助申请待审批" in client.get(reverse("welfare:home-aid")).content.decode()


def test_childs_file_shows_aid_to_the_roles_allowed(
    client, world, head_teacher, school_leader, teacher, privacy_officer
):
    approved(world, head_teacher, school_leader)
    url = reverse("welfare:child-aid-section", kwargs={"public_id": world.child_a.public_id})
    client.force_login(head_teacher)
    assert "1250.00" in client.get(url).content.decode()
    client.force_login(teacher)  # hidden
    assert client.get(url).content == b""
    supervisor = UserFactory(role=Role.VILLAGE_SUPERVISOR, scope_region=world.village_a)
    world.child_a.home_region = world.village_a
    world.child_a.save(update_fields=["home_region"])
    for masked in (privacy_officer, supervisor):  # the kind, never the amount
        client.force_login(masked)
        page = client.get(url).content.decode()
        assert "家庭经济困难学生生活补助" in page and "1250" not in page


def test_evidence_is_served_in_scope_only(client, world, head_teacher, other_head_teacher):
    record = aid_propose(
        actor=head_teacher,
        child=world.child_a,
        kind=AidKind.DONATION,
        amount="500",
        source="爱心企业",
        reason="家庭困难",
        evidence=SimpleUploadedFile("收据.pdf", b"%PDF-1.4\nreceipt"),
    )
    url = reverse("welfare:aid-evidence", kwargs={"public_id": record.public_id})
    client.force_login(head_teacher)
    assert client.get(url).content.startswith(b"%PDF-")
    client.force_login(other_head_teacher)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "role",
    [
        "region_officer",
        "township_officer",
        "school_leader",
        "head_teacher",
        "teacher",
        "counsellor",
        "volunteer",
        "privacy_officer",
    ],
)
def test_the_aid_section_follows_the_privacy_matrix_for_every_role(
    request, client, world, head_teacher, school_leader, role
):
    from shouhu.core.visibility import MATRIX, ChildField, Visibility

    approved(world, head_teacher, school_leader)
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("welfare:child-aid-section", kwargs={"public_id": world.child_a.public_id})
    page = client.get(url).content.decode()
    cell = MATRIX[ChildField.AID][user.role]
    assert ("家庭经济困难学生生活补助" in page) == (cell != Visibility.HIDDEN)
    assert ("1250.00" in page) == (cell == Visibility.FULL)


def test_a_decision_dated_before_the_proposal_is_refused_beside_the_date(
    client, world, head_teacher, school_leader
):
    record = aid_propose(
        actor=head_teacher,
        child=world.child_a,
        kind=AidKind.DONATION,
        amount="500",
        source="爱心企业",
        reason="家庭困难",
    )
    client.force_login(school_leader)
    url = reverse("welfare:aid-detail", kwargs={"public_id": record.public_id})
    before = (record.proposed_on - timezone.timedelta(days=3)).isoformat()
    page = client.post(url, {"decision": "approve", "on": before}).content.decode()
    assert "决定日期：决定日期" in page and "不能早于申请日期" in page
    record.refresh_from_db()
    assert record.status == AidStatus.PROPOSED
