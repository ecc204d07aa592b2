"""Data migrations of the register, run back and forth through Django's migration executor."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shouhu.audit.guards import erasure_allowed
from shouhu.core.tests.test_crypto import raw_rows
from shouhu.registry.models import CensusSnapshot, Guardian
from shouhu.testing.factories import register_child

GUARDIAN_ABLE_ADDED = ("registry", "0004_census_snapshot_guardian_able")
GUARDIAN_ABLE_BACKFILLED = ("registry", "0005_census_snapshot_guardian_able_backfill")
GUARDIAN_HEALTH_ENCRYPTED = ("registry", "0006_guardian_health_encrypted")


def _migrate(target: tuple[str, str] | None = None) -> None:
    """To `target`, or (None) to the latest state, where every test leaves the database."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = [target] if target else executor.loader.graph.leaf_nodes()
    executor.migrate(targets)


@pytest.mark.usefixtures("frozen_today")
def test_old_snapshots_are_filled_from_the_guardian_on_file(transactional_db, world, head_teacher):
    able = world.child_a
    unable = register_child(head_teacher, world.class_a, name="安然")
    Guardian.objects.filter(child=unable).update(able_to_care=False)
    without = register_child(head_teacher, world.class_a, name="张伟", guardian={})
    CensusSnapshot.objects.update(guardian_able=False)  # as the column was added: all false

    _migrate(GUARDIAN_ABLE_ADDED)
    _migrate(GUARDIAN_ABLE_BACKFILLED)

    frozen = dict(CensusSnapshot.objects.values_list("child_id", "guardian_able"))
    assert frozen == {able.pk: True, unable.pk: False, without.pk: False, world.child_b.pk: True}
    _migrate()


def test_guardian_health_already_stored_is_encrypted_and_decrypted_going_back(
    transactional_db, world
):
    health = "患有高血压"
    guardian = Guardian.objects.get(child=world.child_a)
    _migrate(GUARDIAN_ABLE_BACKFILLED)
    # As the rows were: plaintext in a short column (the history, append-only, let through).
    with erasure_allowed(), connection.cursor() as cursor:
        cursor.execute("UPDATE registry_guardian SET health = %s", [health])
        cursor.execute("UPDATE registry_historicalguardian SET health = %s", [health])
    _migrate(GUARDIAN_HEALTH_ENCRYPTED)
    rows = raw_rows("registry_guardian", "id", guardian.pk)
    rows += raw_rows("registry_historicalguardian", "id", guardian.pk)
    assert len(rows) >= 2 and all(health not in row for row in rows)
    _migrate()
    assert Guardian.objects.get(pk=guardian.pk).health == health
    assert {h.health for h in Guardian.history.filter(id=guardian.pk)} == {health}
    _migrate(GUARDIAN_ABLE_BACKFILLED)  # back: decrypted before the column narrows again
    assert all(health in row for row in raw_rows("registry_guardian", "id", guardian.pk))
    _migrate()
