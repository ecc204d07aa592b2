"""Guardianship (监护): the agreement drawn from the file, signed with a scan, renewed yearly and
listed when unsigned, expiring or expired; the 无人监护 children still missing one; guardian
training and its figures; 优秀家长; and the 无户籍 referral that registration closes."""

import datetime
import io
import subprocess
import zipfile

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shouhu.files.models import Attachment
from shouhu.registry.models import ChildFlag, Flag, Guardian
from shouhu.testing import dates
from shouhu.testing.factories import register_child
from shouhu.welfare.models.guardianship import (
    AgreementStatus,
    GuardianAgreement,
    HukouReferral,
    TrainingAttendance,
    agreement_end,
)
from shouhu.welfare.selectors.guardianship import (
    agreement_lists_for,
    class_agreements_for,
    commendations_for,
    hukou_cases_for,
    training_units_for,
    unregistered_open_count,
    unsupervised_missing_count,
)
from shouhu.welfare.services.guardianship import (
    agreement_draft,
    agreement_sign,
    commendation_add,
    hukou_referral_registered,
    hukou_referral_report,
    training_session_record,
)

TODAY = dates.day(2026, 11, 29)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _scan(name="确认书.pdf", data=PDF):
    return SimpleUploadedFile(name, data)


def _signed(head_teacher, child, on=TODAY):
    agreement = agreement_draft(actor=head_teacher, child=child)
    return agreement_sign(actor=head_teacher, agreement=agreement, signed_on=on, upload=_scan())


# --- the agreement ------------------------------------------------------------------------------


def test_agreement_is_drawn_from_the_file_for_one_year(world, head_teacher):
    agreement = agreement_draft(actor=head_teacher, child=world.child_a)
    assert agreement.guardian_name == "王秀英"
    assert agreement.guardian_relation == "祖母"
    assert agreement.father_name and agreement.mother_name
    assert agreement.starts_on == TODAY
    assert agreement.ends_on == dates.day(2027, 11, 28)
    assert agreement.status(TODAY) == AgreementStatus.UNSIGNED


def test_drawing_up_again_returns_the_unsigned_agreement(world, head_teacher):
    first = agreement_draft(actor=head_teacher, child=world.child_a)
    again = agreement_draft(actor=head_teacher, child=world.child_a)
    assert again.pk == first.pk
    assert GuardianAgreement.objects.filter(child=world.child_a).count() == 1


def test_an_agreement_ends_a_year_less_a_day_even_from_29_february():
    assert agreement_end(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)
    assert agreement_end(datetime.date(2027, 3, 1)) == datetime.date(2028, 2, 29)


def test_an_agreement_for_a_child_who_left_is_refused(world, head_teacher):
    type(world.child_a).objects.filter(pk=world.child_a.pk).update(left_on=TODAY)
    world.child_a.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        agreement_draft(actor=head_teacher, child=world.child_a)
    assert "已离开名册" in str(refused.value)
    assert not GuardianAgreement.objects.exists()


def test_a_child_without_a_guardian_on_file_needs_one_first(world, head_teacher):
    Guardian.objects.filter(child=world.child_a).delete()
    with pytest.raises(ValidationError) as refused:
        agreement_draft(actor=head_teacher, child=world.child_a)
    assert "guardian" in refused.value.message_dict


def test_another_schools_head_teacher_cannot_draw_up_an_agreement(world, other_head_teacher):
    with pytest.raises(PermissionDenied):
        agreement_draft(actor=other_head_teacher, child=world.child_a)


def test_a_teacher_without_guardian_manage_cannot_draw_up_an_agreement(world, teacher):
    with pytest.raises(PermissionDenied):
        agreement_draft(actor=teacher, child=world.child_a)


def test_signing_records_the_date_and_the_scan(world, head_teacher):
    agreement = _signed(head_teacher, world.child_a, on=dates.day(2026, 11, 28))
    agreement.refresh_from_db()
    assert agreement.signed_on == dates.day(2026, 11, 28)
    assert agreement.scan.read() == PDF
    assert agreement.status(TODAY) == AgreementStatus.VALID


@pytest.mark.parametrize(
    ("upload", "signed_on", "field", "reason"),
    [
        (SimpleUploadedFile("确认书.txt", b"not a scan"), TODAY, "scan", "不是图片或 PDF"),
        (
            SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)),
            TODAY,
            "scan",
            "10 MB",
        ),
        (None, TODAY, "scan", "请上传"),
        (
            SimpleUploadedFile("a.pdf", PDF),
            TODAY + datetime.timedelta(days=1),
            "signed_on",
            "晚于今天",
        ),
    ],
)
def test_a_bad_signature_is_refused_and_nothing_is_written(
    world, head_teacher, upload, signed_on, field, reason
):
    agreement = agreement_draft(actor=head_teacher, child=world.child_a)
    with pytest.raises(ValidationError) as refused:
        agreement_sign(actor=head_teacher, agreement=agreement, signed_on=signed_on, upload=upload)
    assert reason in " ".join(refused.value.message_dict[field])
    agreement.refresh_from_db()
    assert agreement.signed_on is None
    assert not Attachment.objects.exists()


def test_a_renewal_begins_the_day_after_the_signed_agreement_ends(world, head_teacher):
    signed = _signed(head_teacher, world.child_a)
    renewal = agreement_draft(actor=head_teacher, child=world.child_a)
    assert renewal.pk != signed.pk
    assert renewal.starts_on == signed.ends_on + datetime.timedelta(days=1)


def test_lists_show_unsigned_expiring_and_expired(world, head_teacher):
    _signed(head_teacher, world.child_a)
    unsigned = agreement_lists_for(head_teacher, node=world.class_a)
    assert [r.child for r in unsigned.unsigned] == []
    eleven_months = dates.day(2027, 11, 10)
    expiring = agreement_lists_for(head_teacher, node=world.class_a, day=eleven_months)
    assert [r.child.name for r in expiring.expiring] == ["李家成"]
    expired = agreement_lists_for(head_teacher, node=world.class_a, day=dates.day(2027, 12, 1))
    assert [r.child.name for r in expired.expired] == ["李家成"]


def test_a_child_without_an_agreement_is_listed_to_sign(world, head_teacher):
    lists = agreement_lists_for(head_teacher, node=world.class_a)
    assert [(r.child.name, r.status) for r in lists.unsigned] == [("李家成", None)]


def test_the_township_sees_unsupervised_children_still_missing_an_agreement(
    world, head_teacher, township_officer
):
    alone = register_child(
        head_teacher, world.class_a, name="王小虎", flags={Flag.UNSUPERVISED}, guardian={}
    )
    assert unsupervised_missing_count(township_officer, node=world.township_a, day=TODAY) == 1
    lists = agreement_lists_for(township_officer, node=world.township_a)
    assert [r.child.name for r in lists.unsupervised_missing] == ["王小虎"]
    Guardian.objects.create(child=alone, name="王大山", relation="伯父")
    _signed(head_teacher, alone)
    assert unsupervised_missing_count(township_officer, node=world.township_a, day=TODAY) == 0


def test_a_class_batch_prints_one_agreement_per_child_with_a_guardian(world, head_teacher):
    for n in range(3):
        register_child(head_teacher, world.class_a, name=f"张{'一二三'[n]}")
    batch = class_agreements_for(head_teacher, school_class=world.class_a)
    assert len(batch) == 4
    assert not GuardianAgreement.objects.exists()  # printing writes nothing


# --- training -----------------------------------------------------------------------------------


def test_training_attendance_counts_towards_the_terms_quota(world, head_teacher, school_leader):
    training_session_record(
        actor=school_leader,
        school=world.school_a,
        school_class=None,
        held_on=dates.day(2026, 11, 20),
        topic="隔代教育方法",
        children=[world.child_a],
    )
    assert TrainingAttendance.objects.get().guardian_name == "王秀英"
    [unit] = training_units_for(head_teacher, node=world.class_a, term=world.term)
    assert (unit.guardians, unit.trained, unit.missing) == (1, 1, 0)
    rows = training_units_for(school_leader, node=world.school_a, term=world.term)
    assert {r.node.pk: (r.guardians, r.trained) for r in rows}[world.class_a.pk] == (1, 1)


def test_a_guardian_of_another_school_cannot_be_ticked(world, school_leader):
    with pytest.raises(ValidationError):
        training_session_record(
            actor=school_leader,
            school=world.school_a,
            school_class=None,
            held_on=TODAY,
            topic="家庭教育",
            children=[world.child_b],
        )
    assert not TrainingAttendance.objects.exists()


# --- commendations ------------------------------------------------------------------------------


def test_a_commendation_is_listed_for_its_term(world, head_teacher, township_officer):
    commendation_add(
        actor=head_teacher,
        child=world.child_a,
        term=world.term,
        person_name="王秀英",
        relation="祖母",
        reason="坚持每天辅导作业，积极参加家长学校。",
    )
    rows = commendations_for(township_officer, node=world.township_a, term=world.term)
    assert [(c.person_name, c.child.name) for c in rows] == [("王秀英", "李家成")]
    assert (
        commendations_for(township_officer, node=world.township_a, term=world.previous_term) == []
    )


# --- 无户籍 --------------------------------------------------------------------------------------


@pytest.fixture
def unregistered(world, head_teacher):
    child = register_child(head_teacher, world.class_a, name="赵小安", flags={Flag.UNREGISTERED})
    ChildFlag.objects.filter(child=child).update(since=dates.day(2026, 10, 8))
    return child


def test_an_unregistered_child_is_an_open_case_until_registered(
    world, head_teacher, region_officer, unregistered
):
    cases = hukou_cases_for(region_officer, node=world.county)
    assert [c.name for c in cases.to_report] == ["赵小安"]
    referral = hukou_referral_report(
        actor=head_teacher,
        child=unregistered,
        police_station="太平派出所",
        reported_on=dates.day(2026, 11, 2),
    )
    cases = hukou_cases_for(region_officer, node=world.county)
    assert (cases.to_report, [r.child.name for r in cases.open]) == ([], ["赵小安"])
    assert unregistered_open_count(region_officer, node=world.county, day=TODAY) == 1
    hukou_referral_registered(
        actor=region_officer, referral=referral, registered_on=dates.day(2026, 11, 25)
    )
    flag = ChildFlag.objects.get(child=unregistered, flag=Flag.UNREGISTERED)
    assert flag.until == dates.day(2026, 11, 25)
    assert hukou_cases_for(region_officer, node=world.county).count == 0
    assert unregistered_open_count(region_officer, node=world.county, day=TODAY) == 0


def test_registration_before_the_report_is_refused(head_teacher, unregistered):
    referral = hukou_referral_report(
        actor=head_teacher, child=unregistered, police_station="太平派出所", reported_on=TODAY
    )
    with pytest.raises(ValidationError) as refused:
        hukou_referral_registered(
            actor=head_teacher, referral=referral, registered_on=dates.day(2026, 11, 1)
        )
    assert "registered_on" in refused.value.message_dict
    referral.refresh_from_db()
    assert referral.registered_on is None
    assert ChildFlag.objects.open().filter(child=unregistered, flag=Flag.UNREGISTERED).exists()


def test_a_child_not_flagged_is_not_reported(world, head_teacher):
    with pytest.raises(ValidationError):
        hukou_referral_report(
            actor=head_teacher, child=world.child_a, police_station="太平派出所", reported_on=TODAY
        )
    assert not HukouReferral.objects.exists()


def test_another_county_does_not_see_the_case(outsider, world, unregistered):
    assert hukou_cases_for(outsider, node=world.other_class).count == 0


# --- the pages ----------------------------------------------------------------------------------


def test_head_teacher_downloads_the_agreement_as_pdf_and_docx(client, world, head_teacher):
    agreement = agreement_draft(actor=head_teacher, child=world.child_a)
    client.force_login(head_teacher)
    pdf = client.get(reverse("welfare:agreement-pdf", kwargs={"public_id": agreement.public_id}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    docx = client.get(reverse("welfare:agreement-docx", kwargs={"public_id": agreement.public_id}))
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        body = archive.read("word/document.xml").decode()
    assert "委托监护责任确认书" in body and "王秀英" in body and "李家成" in body


def test_the_class_batch_is_one_pdf_with_a_page_per_child(client, world, head_teacher):
    register_child(head_teacher, world.class_a, name="张一")
    client.force_login(head_teacher)
    response = client.get(
        reverse("welfare:class-agreements-pdf", kwargs={"class_id": world.class_a.pk})
    )
    assert response.status_code == 200
    assert sorted(_pdf_pages(response.content)) == sorted(["李家成", "张一"])


def _pdf_pages(data: bytes) -> list[str]:
    """The child named on each page of a PDF (pdftotext, from poppler-utils)."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    names = []
    for page in text.split("\f"):
        if "被监护儿童" in page:
            names.append(page.split("被监护儿童：")[1].split("，")[0].strip())
    return names


def test_the_signed_scan_is_hidden_from_a_teacher(client, world, head_teacher, teacher):
    agreement = _signed(head_teacher, world.child_a)
    url = reverse("welfare:agreement-scan", kwargs={"public_id": agreement.public_id})
    client.force_login(head_teacher)
    assert client.get(url).content == PDF
    client.force_login(teacher)
    assert client.get(url).status_code == 404


def test_signing_through_the_page_with_a_bad_file_shows_the_reason(client, world, head_teacher):
    agreement = agreement_draft(actor=head_teacher, child=world.child_a)
    client.force_login(head_teacher)
    response = client.post(
        reverse("welfare:agreement-sign", kwargs={"public_id": agreement.public_id}),
        {"signed_on": TODAY.isoformat(), "scan": SimpleUploadedFile("x.txt", b"hello")},
    )
    assert response.status_code == 200
    assert "不是图片或 PDF" in response.content.decode()


def test_the_file_fragment_shows_the_agreement_state(client, world, head_teacher):
    client.force_login(head_teacher)
    url = reverse("welfare:guardianship-section", kwargs={"public_id": world.child_a.public_id})
    assert "尚未签订" not in client.get(url).content.decode()
    assert "未生成" in client.get(url).content.decode()


def test_the_home_fragment_lists_agreements_to_sign_and_is_empty_without_work(
    client, world, head_teacher, teacher
):
    url = reverse("welfare:home-guardianship")
    client.force_login(head_teacher)
    assert "1 份委托监护责任确认书待签署" in client.get(url).content.decode()
    client.force_login(teacher)
    assert client.get(url).content.decode().strip() == ""


def test_the_expired_list_page_after_a_year(client, world, head_teacher):
    _signed(head_teacher, world.child_a)
    with time_machine.travel(dates.at(2027, 12, 2, 10), tick=False):
        client.force_login(head_teacher)
        page = client.get(reverse("welfare:guardianship-agreements")).content.decode()
    assert "李家成" in page and "已过期" in page


def test_a_school_leader_records_a_session_and_ticks_the_guardians_who_came(
    client, world, school_leader
):
    client.force_login(school_leader)
    response = client.post(
        reverse("welfare:training"),
        {"held_on": TODAY.isoformat(), "topic": "隔代教育的方法", "speaker": "张校长"},
    )
    session_url = response["Location"]
    page = client.get(session_url).content.decode()
    assert "王秀英（李家成的祖母" in page
    client.post(session_url, {"children": [str(world.child_a.public_id)]})
    assert TrainingAttendance.objects.get().child == world.child_a
    training = client.get(reverse("welfare:training")).content.decode()
    assert "隔代教育的方法" in training and "1 名监护人参加" in training


def test_a_head_teacher_commends_the_guardian_from_the_childs_page(client, world, head_teacher):
    client.force_login(head_teacher)
    url = reverse("welfare:commendation-create", kwargs={"public_id": world.child_a.public_id})
    assert 'value="王秀英"' in client.get(url).content.decode()  # the guardian, filled in
    response = client.post(
        url, {"person_name": "王秀英", "relation": "祖母", "reason": "坚持辅导作业"}
    )
    assert response.status_code == 302
    page = client.get(
        reverse("welfare:guardianship-child", kwargs={"public_id": world.child_a.public_id})
    ).content.decode()
    assert "优秀家长：王秀英（祖母）" in page


def test_the_county_officer_sees_every_open_case_and_records_the_registration(
    client, world, head_teacher, region_officer, unregistered
):
    referral = hukou_referral_report(
        actor=head_teacher, child=unregistered, police_station="太平派出所", reported_on=TODAY
    )
    client.force_login(region_officer)
    page = client.get(reverse("welfare:hukou") + "?scope=511781").content.decode()
    assert "赵小安" in page and "太平派出所" in page
    url = reverse("welfare:hukou-registered", kwargs={"public_id": referral.public_id})
    refused = client.post(url, {"registered_on": dates.day(2026, 11, 1).isoformat()})
    assert "落户日期不能早于报告派出所的日期" in refused.content.decode()
    assert client.post(url, {"registered_on": TODAY.isoformat()}).status_code == 302
    referral.refresh_from_db()
    assert referral.registered_on == TODAY


def test_after_an_agreement_expired_the_renewal_begins_on_the_day_it_is_drawn_up(
    world, head_teacher
):
    signed = _signed(head_teacher, world.child_a)
    later = dates.day(2027, 12, 5)
    with time_machine.travel(dates.at(2027, 12, 5, 10), tick=False):
        renewal = agreement_draft(actor=head_teacher, child=world.child_a)
    assert renewal.pk != signed.pk
    assert (renewal.starts_on, renewal.signed_on) == (later, None)
    assert GuardianAgreement.objects.latest_per_child().get().pk == renewal.pk
