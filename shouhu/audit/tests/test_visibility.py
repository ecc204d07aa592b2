"""The role × field matrix: docs/privacy.md and shouhu/core/visibility.py agree cell by cell, and
every cell is what each role actually sees on the child's pages."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from shouhu.accounts.roles import ROLE_PERMS, Perm, Role
from shouhu.care.models import ActionKind
from shouhu.core.masking import mask_id_number, mask_phone
from shouhu.core.visibility import MATRIX, ROLES, ChildField, Visibility, shown, visibility
from shouhu.factories import CareActionFactory, UserFactory

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


def doc_matrix() -> dict[str, dict[str, str]]:
    text = DOC.read_text()
    block = text.split("<!-- matrix:start -->")[1].split("<!-- matrix:end -->")[0]
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


def test_card_phones_follow_the_contact_card_permission():
    for role in Role:
        full = MATRIX[ChildField.CARD_PHONES][role] == Visibility.FULL
        assert full == (Perm.CONTACT_CARD in ROLE_PERMS[role]), role


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


@pytest.fixture
def file_world(world, volunteer):
    """child_a with health notes, a home in village A and a counselling session on record."""
    child = world.child_a
    child.health_notes = HEALTH
    child.home_region = world.village_a
    child.save()
    from shouhu.factories import CounsellorFactory

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


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_cell_of_the_role_is_what_it_sees(client, request, file_world, role):
    """One role per test (the world is built once), every field of the matrix checked."""
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
        state=cell[ChildField.FAMILY_PHONE],
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
    if cell[ChildField.CARD_PHONES] == Visibility.HIDDEN:
        assert card.status_code == 403
    else:
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=card.content, capture_output=True, check=True
        ).stdout.decode()
        assert father.phone in text
