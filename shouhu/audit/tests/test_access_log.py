"""The record of access: every view, search, print and reveal leaves a row; refused access too;
and neither log can be changed or deleted through the application."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from shouhu.audit.guards import erasure_allowed
from shouhu.audit.models import AccessAction, AccessLog, AppendOnlyError
from shouhu.registry.models import Child

pytestmark = pytest.mark.django_db


def reveal_url(child, target="id_number"):
    return reverse("audit:reveal", kwargs={"public_id": child.public_id, "target": target})


# --- reveal -----------------------------------------------------------------------------------


def test_teacher_reveals_an_id_number_with_a_reason_and_the_reveal_is_logged(
    client, teacher, world
):
    client.force_login(teacher)
    child = world.child_a
    response = client.post(reveal_url(child), {"reason": "核对学籍信息"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert child.id_number in response.content.decode()
    log = AccessLog.objects.get(action=AccessAction.REVEAL)
    assert (log.user, log.child, log.field, log.reason) == (
        teacher,
        child,
        "id_number",
        "核对学籍信息",
    )
    assert log.ip == "127.0.0.1"


def test_a_reveal_without_a_reason_shows_nothing_and_logs_nothing(client, teacher, world):
    client.force_login(teacher)
    for reason in ("", "   ", "看看"):
        response = client.post(reveal_url(world.child_a), {"reason": reason})
        assert response.status_code == 200
        assert world.child_a.id_number not in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessAction.REVEAL).exists()


def test_a_hostile_reason_is_refused_or_kept_as_text(client, teacher, world):
    client.force_login(teacher)
    too_long = client.post(reveal_url(world.child_a), {"reason": "理" * 201})
    assert world.child_a.id_number not in too_long.content.decode()
    assert not AccessLog.objects.filter(action=AccessAction.REVEAL).exists()
    script = "<script>alert(1)</script>核对"
    response = client.post(reveal_url(world.child_a), {"reason": script})
    assert "<script>alert(1)" not in response.content.decode()
    assert AccessLog.objects.get(action=AccessAction.REVEAL).reason == script


def test_a_volunteer_cannot_reveal_an_id_number_they_never_see(client, volunteer, world):
    client.force_login(volunteer)
    response = client.post(reveal_url(world.child_a), {"reason": "核对学籍信息"})
    assert response.status_code == 403
    assert not AccessLog.objects.filter(action=AccessAction.REVEAL).exists()


def test_the_file_page_offers_the_reveal_only_for_masked_values(
    client, teacher, head_teacher, world
):
    detail = reverse("registry:child-detail", kwargs={"public_id": world.child_a.public_id})
    client.force_login(teacher)
    assert reveal_url(world.child_a) in client.get(detail).content.decode()
    client.force_login(head_teacher)
    assert reveal_url(world.child_a) not in client.get(detail).content.decode()


# --- the log of views, searches and refusals ----------------------------------------------------


def test_the_child_list_logs_its_query_and_how_many_children_it_listed(client, head_teacher, world):
    client.force_login(head_teacher)
    client.get(reverse("registry:child-list"), {"q": "ljc"})
    log = AccessLog.objects.get(action=AccessAction.SEARCH)
    assert log.user == head_teacher
    assert "q=ljc" in log.query
    assert log.query.endswith("→ 1")


def test_out_of_scope_child_is_a_404_and_writes_a_denied_row_naming_the_child(
    client, outsider, world
):
    client.force_login(outsider)
    url = reverse("registry:child-detail", kwargs={"public_id": world.child_a.public_id})
    response = client.get(url)
    assert response.status_code == 404
    assert world.child_a.name not in response.content.decode()
    row = AccessLog.objects.get(action=AccessAction.DENIED)
    assert (row.user, row.child) == (outsider, world.child_a)
    assert row.query.startswith("404 ")


def test_a_role_without_the_permission_writes_a_denied_row(client, admin, world):
    client.force_login(admin)
    assert client.get(reverse("registry:child-list")).status_code == 403
    assert AccessLog.objects.filter(action=AccessAction.DENIED, user=admin).exists()


def test_a_mistyped_address_is_not_an_access(client, teacher, world):
    client.force_login(teacher)
    assert client.get("/no-such-page/").status_code == 404
    assert not AccessLog.objects.filter(action=AccessAction.DENIED).exists()


# --- append-only ------------------------------------------------------------------------------


@pytest.fixture
def row(world, teacher):
    return AccessLog.objects.create(user=teacher, action=AccessAction.VIEW, child=world.child_a)


def test_an_access_log_row_cannot_be_changed(row):
    row.query = "edited"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).update(query="edited")
    assert AccessLog.objects.get(pk=row.pk).query == ""


def test_an_access_log_row_cannot_be_deleted(row):
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_a_child_whose_file_was_accessed_cannot_be_deleted(row, world):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Child.objects.filter(pk=world.child_a.pk).delete()


def test_change_history_cannot_be_changed_or_deleted(world):
    record = Child.history.filter(id=world.child_a.pk).first()
    record.name = "edited"
    with pytest.raises(AppendOnlyError):
        record.save()
    # A delete runs in the collector's transaction: a savepoint keeps the test's usable.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        record.delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        Child.history.filter(id=world.child_a.pk).delete()
    assert Child.history.filter(id=world.child_a.pk, name="李家成").exists()


def test_only_the_shredder_may_scrub_history(world):
    with erasure_allowed():
        Child.history.filter(id=world.child_a.pk).delete()
    assert not Child.history.filter(id=world.child_a.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers: PostgreSQL only")
def test_on_postgresql_the_database_refuses_raw_changes_to_the_logs(row, world):
    for sql in (
        "UPDATE audit_accesslog SET query = 'x'",
        "DELETE FROM audit_accesslog",
        "UPDATE registry_historicalchild SET name = 'x'",
        "DELETE FROM registry_historicalchild",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessLog.objects.filter(pk=row.pk, query="").exists()
    with erasure_allowed(), connection.cursor() as cursor:
        cursor.execute("UPDATE registry_historicalchild SET name = name")
