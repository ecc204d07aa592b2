"""The guardian's health (监护人健康状况): encrypted at rest like the child's health notes, and
shown on the family tab by the matrix's `health` row, to every role (issue 12.2)."""

import pytest
from django.db import connection
from django.urls import reverse

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.audit.tests.test_visibility import ROLE_FIXTURES, village_supervisor  # noqa: F401
from shouhu.core.crypto import decrypt
from shouhu.core.tests.test_crypto import raw_rows
from shouhu.core.visibility import MATRIX, ROLES, ChildField, Visibility
from shouhu.registry.models import Guardian

HEALTH = "患有高血压"


@pytest.fixture
def frail_guardian(world, volunteer):
    """child_a's guardian has high blood pressure; the child lives in village A."""
    world.child_a.home_region = world.village_a
    world.child_a.save(update_fields=["home_region"])
    Guardian.objects.filter(child=world.child_a).update(health=HEALTH)
    return world


def test_guardian_health_is_stored_as_a_token_in_the_guardian_and_its_history(frail_guardian):
    guardian = Guardian.objects.get(child=frail_guardian.child_a)
    guardian.health = "患有慢性支气管炎"
    guardian.save()  # a change: the history holds the new value too
    rows = raw_rows("registry_guardian", "id", guardian.pk)
    rows += raw_rows("registry_historicalguardian", "id", guardian.pk)
    assert len(rows) >= 2
    assert all("高血压" not in row and "支气管炎" not in row for row in rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT health FROM registry_guardian WHERE id = %s", [guardian.pk])
        (stored,) = cursor.fetchone()
    assert decrypt(stored) == Guardian.objects.get(pk=guardian.pk).health == "患有慢性支气管炎"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_guardian_health_as_the_health_row_says(
    client, request, frail_guardian, role
):
    client.force_login(request.getfixturevalue(ROLE_FIXTURES[role]))
    child = frail_guardian.child_a
    detail = reverse("registry:child-detail", kwargs={"public_id": child.public_id})
    response = client.get(detail, {"tab": "family"})
    state = MATRIX[ChildField.HEALTH][role]
    if role == "admin":
        assert state == Visibility.HIDDEN and response.status_code == 403
        return
    page = response.content.decode()
    reveal = reverse(
        "audit:reveal", kwargs={"public_id": child.public_id, "target": "guardian_health"}
    )
    assert (HEALTH in page) is (state == Visibility.FULL), role
    assert (reveal in page) is (state == Visibility.MASKED), role
    if state == Visibility.MASKED:  # revealed with a reason, and the reveal is logged
        answer = client.post(reveal, {"reason": "核实监护人身体状况"}, HTTP_HX_REQUEST="true")
        assert HEALTH in answer.content.decode()
        assert AccessLog.objects.filter(
            user__username=ROLE_FIXTURES[role], action=AccessAction.REVEAL, field="guardian_health"
        ).exists()
