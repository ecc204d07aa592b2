"""The role × field matrix: docs/privacy.md and shouhu/core/visibility.py agree cell by cell, and
every cell is what each role actually sees on the child's pages, in every kind of care record
and in every document (the contact card, the census export, the work summary and workbook)."""

import io
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.care.models import ActionKind, PairingKind
from shouhu.core.masking import mask_id_number, mask_phone
from shouhu.core.roles import ROLE_PERMS, Perm, Role
from shouhu.core.visibility import (
    CARE_SUMMARY_FIELD,
    MATRIX,
    PROXY_PARENT,
    ROLES,
    ChildField,
    Visibility,
    care_summary_field,
    care_summary_readable,
    care_summary_state,
    shown,
    visibility,
)
from shouhu.testing.factories import (
    CareActionFactory,
    CounsellorFactory,
    PairingFactory,
    TeacherFactory,
    UserFactory,
    register_child,
)

DOC = Path(settings.BASE_DIR) / "docs" / "privacy.md"
HEALTH = "轻度哮喘，随身带药"
COUNSELLING = "谈到想念在外打工的妈妈"
ROLE_FIXTURES = {
    Role.ADMIN: "admin",
    Role.REGION_OFFICER: "region_officer",
    Role.TOWNSHIP_OFFICER: "township_officer",
    Role.VILLAGE_SUPERVISOR: "village_supervisor",
    Role.SCHOOL_LEADER: "school_leader",
    Role.HEAD_TEACHER: "head_teacher",
    Role.TEACHER: "teacher",
    Role.COUNSELLOR: "counsellor",
    Role.VOLUNTEER: "volunteer",
    Role.PRIVACY_OFFICER: "privacy_officer",
}


def doc_matrix(table: str = "matrix") -> dict[str, dict[str, str]]:
    text = DOC.read_text()
    block = text.split(f"<!-- {table}:start -->")[1].split(f"<!-- {table}:end -->")[0]
    lines = [line for line in block.strip().splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        field = re.match(r"`(\w+)`", cells[0]).group(1)
        rows[field] = dict(zip(header[1:], cells[1:], strict=True))
    return rows


def test_the_documented_matrix_is_the_enforced_matrix_cell_by_cell():
    documented = doc_matrix()
    assert set(documented) == {f.value for f in ChildField}
    for field, row in documented.items():
        assert list(row) == ROLES, f"columns of {field}"
        for role, cell in row.items():
            assert cell == MATRIX[field][role], f"{field} × {role}: doc {cell}"


def test_every_role_and_field_has_a_cell():
    assert set(ROLES) == {r.value for r in Role}
    for field in ChildField:
        assert set(MATRIX[field]) == set(ROLES)


def test_full_id_numbers_follow_the_child_full_id_permission():
    for role in Role:
        full = MATRIX[ChildField.ID_NUMBER][role] == Visibility.FULL
        assert full == (Perm.CHILD_FULL_ID in ROLE_PERMS[role]), role


def test_counselling_notes_are_for_counsellors_only():
    assert [r for r in Role if MATRIX[ChildField.COUNSELLING][r] != "hidden"] == [Role.COUNSELLOR]


def test_staff_phones_are_printed_for_every_role_that_prints_contact_cards():
    for role in Role:
        full = MATRIX[ChildField.STAFF_PHONE][role] == Visibility.FULL
        assert full == (Perm.CONTACT_CARD in ROLE_PERMS[role]), role


def test_no_document_prints_a_family_phone_a_role_cannot_see_on_screen():
    """The contact card prints the family's phones through `family_phone`, the screen's row;
    no role may print cards and have that row hidden (they would print nothing useful)."""
    for role in Role:
        if Perm.CONTACT_CARD in ROLE_PERMS[role]:
            assert MATRIX[ChildField.FAMILY_PHONE][role] != Visibility.HIDDEN, role


# --- care-record summaries: every kind × every role -------------------------------------------

CARE_NETWORK = {Role.SCHOOL_LEADER, Role.HEAD_TEACHER, Role.TEACHER, Role.COUNSELLOR}
BEYOND_THE_SCHOOL = {
    Role.REGION_OFFICER,
    Role.TOWNSHIP_OFFICER,
    Role.VILLAGE_SUPERVISOR,
    Role.VOLUNTEER,
    Role.PRIVACY_OFFICER,
}


def expected_summary_reader(role: str, kind: str, *, by_counsellor: bool, shareable: bool) -> bool:
    """Who reads a summary they did not write, written out independently of the code: the
    school's care network every summary but counselling; beyond it only shared ones; counselling
    and anything a counsellor writes only counsellors; the administrator nothing."""
    if by_counsellor or kind == ActionKind.COUNSELLING:
        return role == Role.COUNSELLOR
    if role in CARE_NETWORK:
        return True
    return role in BEYOND_THE_SCHOOL and shareable


def _user(role: str, pk: int):
    return SimpleNamespace(pk=pk, role=role, is_authenticated=True, is_active=True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(ActionKind))
def test_who_reads_a_care_summary_for_every_kind_and_role(kind, role):
    reader = _user(role, pk=1)
    for by_counsellor in (False, True):
        author = _user(Role.COUNSELLOR if by_counsellor else Role.TEACHER, pk=2)
        for shareable in (False, True):
            expected = expected_summary_reader(
                role, kind, by_counsellor=by_counsellor, shareable=shareable
            )
            readable = care_summary_readable(reader, kind=kind, author=author, shareable=shareable)
            assert readable == expected, (by_counsellor, shareable)
    # Whoever wrote it reads it back; nobody inactive reads anything.
    assert care_summary_readable(reader, kind=kind, author=reader, shareable=False)
    gone = SimpleNamespace(pk=1, role=role, is_authenticated=True, is_active=False)
    assert not care_summary_readable(gone, kind=kind, author=_user(Role.TEACHER, 2), shareable=True)


def test_every_care_kind_names_the_row_its_summary_follows():
    assert list(CARE_SUMMARY_FIELD) == list(ActionKind.values)
    assert set(CARE_SUMMARY_FIELD.values()) <= {f.value for f in ChildField}


def test_the_proxy_parent_the_matrix_names_is_cares():
    assert PROXY_PARENT == PairingKind.PROXY_PARENT


def test_the_documented_care_summary_table_is_the_enforced_one_cell_by_cell():
    documented = doc_matrix("care")
    assert set(documented) == {k.value for k in ActionKind} | {"by_counsellor"}
    for key, row in documented.items():
        assert list(row) == ROLES, f"columns of {key}"
        for role, cell in row.items():
            user = _user(role, pk=1)
            if key == "by_counsellor":
                states = {care_summary_state(user, kind=k, by_counsellor=True) for k in ActionKind}
                assert states == {cell}, f"{key} × {role}"
            else:
                state = care_summary_state(user, kind=key, by_counsellor=False)
                assert state == cell, f"{key} × {role}: doc {cell}"
    assert care_summary_field(ActionKind.TALK, by_counsellor=True) == ChildField.COUNSELLING


def test_an_inactive_user_sees_nothing(world, head_teacher):
    head_teacher.is_active = False
    assert visibility(head_teacher, ChildField.IDENTITY) == Visibility.HIDDEN
    assert shown(head_teacher, world.child_a, "id_number").hidden


# --- every cell on the page -------------------------------------------------------------------


@pytest.fixture
def village_supervisor(world):
    return UserFactory(
        username="village_supervisor",
        role=Role.VILLAGE_SUPERVISOR,
        scope_region=world.village_a,
    )


HEAD_TEACHER_PHONE = "13600001234"
SCHOOL_PHONE = "08188621234"
TOWNSHIP_PHONE = "08188629999"


@pytest.fixture
def file_world(world, volunteer, head_teacher):
    """child_a with health notes, a home in village A and a counselling session on record; the
    volunteer is child_a's proxy parent (conftest); the head teacher, school A and 太平镇 have
    phones for the contact card."""
    child = world.child_a
    child.health_notes = HEALTH
    child.home_region = world.village_a
    child.save()
    head_teacher.phone = HEAD_TEACHER_PHONE
    head_teacher.save()
    world.school_a.contact_phone = SCHOOL_PHONE
    world.school_a.save()
    world.township_a.contact_phone = TOWNSHIP_PHONE
    world.township_a.save()
    CareActionFactory(
        kind=ActionKind.COUNSELLING,
        children=[child],
        author=CounsellorFactory(scope_school=world.school_a),
        summary=COUNSELLING,
    )
    return world


def _expect(page: str, *, state: str, full: str, masked: str | None, label: str) -> None:
    if state == Visibility.FULL:
        assert full in page
    elif state == Visibility.MASKED:
        assert full not in page
        if masked:
            assert masked in page
        assert "查看完整信息" in page
    else:
        assert full not in page
        if masked:
            assert masked not in page
        assert f"<dt>{label}</dt>" not in page


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_cell_of_the_role_is_what_it_sees(client, request, file_world, role):
    """One role per test (the world is built once), every field of the matrix checked on the
    file, the care page and the contact card."""
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    client.force_login(user)
    child = file_world.child_a
    father = child.parents.get(role="father")
    detail = reverse("registry:child-detail", kwargs={"public_id": child.public_id})
    response = client.get(detail)
    if role == Role.ADMIN:
        assert all(MATRIX[f][role] == Visibility.HIDDEN for f in ChildField)
        assert response.status_code == 403
        return
    assert response.status_code == 200
    basic = response.content.decode()
    family = client.get(detail, {"tab": "family"}).content.decode()
    cell = {f: MATRIX[f][role] for f in ChildField}
    # The volunteer is child_a's proxy parent: the family's phones are theirs in full.
    family_phones = Visibility.FULL if role == Role.VOLUNTEER else cell[ChildField.FAMILY_PHONE]

    assert child.name in basic and "出生日期" in basic
    assert cell[ChildField.IDENTITY] == Visibility.FULL
    _expect(
        basic,
        state=cell[ChildField.ID_NUMBER],
        full=child.id_number,
        masked=mask_id_number(child.id_number),
        label="身份证号",
    )
    _expect(
        family,
        state=family_phones,
        full=father.phone,
        masked=mask_phone(father.phone),
        label="电话",
    )
    _expect(
        basic, state=cell[ChildField.ADDRESS], full=child.address, masked=None, label="家庭住址"
    )
    _expect(
        family, state=cell[ChildField.EMPLOYER], full=father.employer, masked=None, label="工作单位"
    )
    _expect(basic, state=cell[ChildField.HEALTH], full=HEALTH, masked=None, label="健康状况")

    history = client.get(detail, {"tab": "history"}).content.decode()
    assert ("档案变更记录" in history) == (cell[ChildField.HISTORY] == Visibility.FULL)

    care = client.get(reverse("care:child-care", kwargs={"public_id": child.public_id}))
    assert (COUNSELLING in care.content.decode()) == (cell[ChildField.COUNSELLING] == "full")

    card = client.get(reverse("registry:contact-card", kwargs={"public_id": child.public_id}))
    if Perm.CONTACT_CARD not in ROLE_PERMS[role]:
        assert card.status_code == 403
        return
    text = pdf_text(card.content)
    # The card prints the family's phones exactly as the screen shows them.
    assert (father.phone in text) == (family_phones == Visibility.FULL)
    assert (mask_phone(father.phone) in text) == (family_phones == Visibility.MASKED)
    assert (HEAD_TEACHER_PHONE in text) == (cell[ChildField.STAFF_PHONE] == Visibility.FULL)
    assert "张老师" in text and "志愿者何阿姨" in text
    assert SCHOOL_PHONE in text and TOWNSHIP_PHONE in text and "太平镇" in text
    assert AccessLog.objects.filter(user=user, action=AccessAction.PRINT, child=child).exists()
    assert not AccessLog.objects.filter(user=user, action=AccessAction.REVEAL).exists()


# --- every kind of care record on the care page, for every role -------------------------------


@pytest.fixture
def care_world(world, volunteer):
    """child_a with one record of every kind by a teacher of school A (not shared), a shared
    home visit, a counsellor's 谈心 and counselling, and a visit the volunteer wrote. The child
    lives in village A, so the village supervisor sees them."""
    world.child_a.home_region = world.village_a
    world.child_a.save()
    colleague = TeacherFactory(scope_school=world.school_a, display_name="钱老师")
    counsellor = CounsellorFactory(scope_school=world.school_a, display_name="孔老师")
    notes = []
    for kind in ActionKind:
        by_counsellor = kind == ActionKind.COUNSELLING
        author = counsellor if by_counsellor else colleague
        text = f"摘要-{kind.value}-未共享"
        CareActionFactory(kind=kind, children=[world.child_a], author=author, summary=text)
        notes.append((text, kind, by_counsellor, False, author))
    for kind, author, shareable in (
        (ActionKind.HOME_VISIT, colleague, True),
        (ActionKind.TALK, counsellor, False),
        (ActionKind.TALK, counsellor, True),  # a counsellor's notes are never shared
        (ActionKind.HOME_VISIT, volunteer, False),
    ):
        text = f"摘要-{kind.value}-{author.role}-{shareable}"
        CareActionFactory(
            kind=kind, children=[world.child_a], author=author, summary=text, shareable=shareable
        )
        notes.append((text, kind, author.role == Role.COUNSELLOR, shareable, author))
    return SimpleNamespace(world=world, notes=notes)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_kind_of_care_summary_is_what_the_role_reads(client, request, care_world, role):
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    client.force_login(user)
    child = care_world.world.child_a
    response = client.get(reverse("care:child-care", kwargs={"public_id": child.public_id}))
    if Perm.CHILD_VIEW not in ROLE_PERMS[role]:
        assert response.status_code == 403
        return
    page = response.content.decode()
    for text, kind, by_counsellor, shareable, author in care_world.notes:
        expected = author.pk == user.pk or expected_summary_reader(
            role, kind, by_counsellor=by_counsellor, shareable=shareable
        )
        assert (text in page) == expected, (text, role)
    file = client.get(reverse("registry:child-detail", kwargs={"public_id": child.public_id}))
    for text, *_rest in care_world.notes:
        if text in file.content.decode():
            assert text in page  # the file's care section never shows more than the care page


def test_a_volunteer_reads_their_own_notes_and_the_shared_ones_only(care_world, volunteer):
    from shouhu.care.selectors import care_actions_for

    entries = care_actions_for(volunteer, child=care_world.world.child_a)
    read = {e.summary for e in entries if e.summary is not None}
    assert read == {
        "摘要-home_visit-teacher-True",
        "摘要-home_visit-volunteer-False",
    }
    withheld = [e for e in entries if e.confidential]
    assert {e.counselling for e in withheld if e.kind == ActionKind.COUNSELLING} == {True}
    assert any(not e.counselling for e in withheld)


# --- the proxy parent reads the family's phones -----------------------------------------------


def test_a_teacher_who_is_the_proxy_parent_sees_the_family_phones_in_full(client, world, teacher):
    father = world.child_a.parents.get(role="father")
    detail = reverse("registry:child-detail", kwargs={"public_id": world.child_a.public_id})
    client.force_login(teacher)
    page = client.get(detail, {"tab": "family"}).content.decode()
    assert father.phone not in page and mask_phone(father.phone) in page
    PairingFactory(child=world.child_a, carer=teacher)
    page = client.get(detail, {"tab": "family"}).content.decode()
    assert father.phone in page
    # Not another child's: the rule is the pairing, not the role.
    other = register_child(world.class_a.head_teacher, world.class_a, name="安然")
    other_page = client.get(
        reverse("registry:child-detail", kwargs={"public_id": other.public_id}), {"tab": "family"}
    ).content.decode()
    other_father = other.parents.get(role="father")
    assert other_father.phone not in other_page


# --- contact cards: a reason for the batch, logged per child ----------------------------------


def cards_url() -> str:
    return reverse("registry:contact-cards")


def test_a_masked_reader_prints_full_phones_with_one_reason_logged_for_each_child(
    client, file_world, township_officer, school_leader
):
    world = file_world
    second = register_child(school_leader, world.class_a2, name="安然")
    fathers = [c.parents.get(role="father").phone for c in (world.child_a, second)]
    client.force_login(township_officer)
    page = client.get(cards_url()).content.decode()
    assert "太平镇（全部学校）" in page and "显示完整电话的理由" in page
    masked = client.post(cards_url(), {"scope": world.township_a.prefix})
    text = pdf_text(masked.content)
    assert all(p not in text and mask_phone(p) in text for p in fathers)
    assert "脱敏" in text
    assert not AccessLog.objects.filter(action=AccessAction.REVEAL).exists()

    reason = "防汛期间逐户电话联系家长"
    full = client.post(cards_url(), {"scope": world.township_a.prefix, "reason": reason})
    assert full["Content-Type"] == "application/pdf"
    text = pdf_text(full.content)
    assert all(p in text for p in fathers)
    reveals = AccessLog.objects.filter(user=township_officer, action=AccessAction.REVEAL)
    assert {r.child_id for r in reveals} == {world.child_a.pk, second.pk}
    assert {(r.field, r.reason) for r in reveals} == {("family_phone", reason)}
    prints = AccessLog.objects.filter(user=township_officer, action=AccessAction.PRINT)
    assert prints.filter(child=second).count() == 2


def test_a_reason_that_says_nothing_prints_nothing(client, file_world, teacher):
    client.force_login(teacher)
    url = f"{cards_url()}?child={file_world.child_a.public_id}"
    detail = reverse("registry:child-detail", kwargs={"public_id": file_world.child_a.public_id})
    assert url in client.get(detail).content.decode()  # offered on the file
    response = client.post(url, {"child": file_world.child_a.public_id, "reason": "看"})
    assert response["Content-Type"].startswith("text/html")
    assert "请写明查看理由" in response.content.decode()
    assert not AccessLog.objects.filter(
        action__in=[AccessAction.REVEAL, AccessAction.PRINT]
    ).exists()


def test_a_reader_who_sees_phones_in_full_is_not_asked_for_a_reason(
    client, file_world, head_teacher
):
    client.force_login(head_teacher)
    detail = reverse("registry:child-detail", kwargs={"public_id": file_world.child_a.public_id})
    assert cards_url() not in client.get(detail).content.decode()
    page = client.get(f"{cards_url()}?child={file_world.child_a.public_id}").content.decode()
    assert "显示完整电话的理由" not in page
    response = client.post(cards_url(), {"scope": f"class:{file_world.class_a.pk}"})
    father = file_world.child_a.parents.get(role="father")
    assert father.phone in pdf_text(response.content)


def test_a_batch_too_large_for_one_print_asks_for_a_smaller_one(
    client, monkeypatch, file_world, township_officer, school_leader
):
    register_child(school_leader, file_world.class_a2, name="安然")
    monkeypatch.setattr("shouhu.registry.views.CONTACT_CARD_BATCH_MAX", 1)
    client.force_login(township_officer)
    response = client.post(cards_url(), {"scope": file_world.township_a.prefix})
    assert "一次最多打印1张（此范围有2名儿童）" in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessAction.PRINT).exists()


def test_a_batch_outside_the_scope_cannot_be_chosen(client, file_world, township_officer):
    client.force_login(township_officer)
    response = client.post(cards_url(), {"scope": file_world.township_b.prefix})
    assert response["Content-Type"].startswith("text/html")
    assert not AccessLog.objects.filter(action=AccessAction.PRINT).exists()


# --- the census export and the reports follow the same matrix ---------------------------------

EXPORTERS = [r for r in ROLES if Perm.CENSUS_EXPORT in ROLE_PERMS[r]]


@pytest.mark.django_db
@pytest.mark.parametrize("role", EXPORTERS)
def test_the_census_export_prints_no_cell_the_screen_masks(request, file_world, role):
    from shouhu.registry.tests.census_sheets import read_rows
    from shouhu.reports.services import census_export

    user = request.getfixturevalue(ROLE_FIXTURES[role])
    child = file_world.child_a
    guardian = child.guardian
    guardian.health = "患有高血压"
    guardian.save()
    father = child.parents.get(role="father")
    buffer = io.BytesIO()
    census_export(
        actor=user, node=file_world.school_a.region, term=file_world.term, out=buffer
    ) if (role in (Role.REGION_OFFICER, Role.TOWNSHIP_OFFICER)) else census_export(
        actor=user, node=file_world.class_a, term=file_world.term, out=buffer
    )
    cells = {v for line in read_rows(buffer.getvalue(), 0)[4:] for v in line if v}
    assert child.name in cells
    # ID numbers and phones leave the system masked unless the privacy officer granted it.
    assert child.id_number not in cells and mask_id_number(child.id_number) in cells
    assert father.phone not in cells and mask_phone(father.phone) in cells
    assert guardian.phone not in cells
    address = MATRIX[ChildField.ADDRESS][role]
    assert (child.address in cells) == (address == Visibility.FULL)
    health = MATRIX[ChildField.HEALTH][role]
    assert ("患有高血压" in cells) == (health == Visibility.FULL)


def test_the_work_summary_and_the_workbook_name_no_child(file_world, school_leader):
    """They hold figures: no name, ID number, phone or address of a child leaves in them."""
    from openpyxl import load_workbook

    from shouhu.reports.work_summary.build import work_summary_build
    from shouhu.reports.work_summary.render import to_docx
    from shouhu.reports.workbook import workbook_build

    child = file_world.child_a
    father = child.parents.get(role="father")
    secrets = [child.name, child.id_number, father.phone, child.guardian.phone, child.address]
    document = work_summary_build(
        school_leader, node=file_world.school_a, term=file_world.term, draft=None
    )
    docx = to_docx(document)
    from docx import Document as Docx

    docx_text = "\n".join(p.text for p in Docx(io.BytesIO(docx)).paragraphs)
    workbook = load_workbook(
        io.BytesIO(workbook_build(school_leader, node=file_world.school_a, term=file_world.term))
    )
    cells = " ".join(
        str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row if v
    )
    assert "太平镇中心小学" in document.text() + cells
    for secret in secrets:
        assert secret not in document.text() and secret not in docx_text and secret not in cells
