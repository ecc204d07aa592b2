"""Data migrations of the register, run back and forth through Django's migration executor."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shouhu.factories import register_child
from shouhu.registry.models import CensusSnapshot, Guardian

GUARDIAN_ABLE_ADDED = ("registry", "0004_census_snapshot_guardian_able")
GUARDIAN_ABLE_BACKFILLED = ("registry", "0005_census_snapshot_guardian_able_backfill")


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


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
