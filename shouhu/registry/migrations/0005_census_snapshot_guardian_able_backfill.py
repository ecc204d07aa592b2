"""Backfill CensusSnapshot.guardian_able for the snapshots taken before it was frozen.

Until now the figure 无委托监护人 read the guardian on file today for every term, so the
guardian on file today is what those snapshots were counted with: filling them from it keeps
every published figure as it was, and from here on each new or retaken snapshot freezes its own.

One UPDATE with a correlated EXISTS (SQLite and PostgreSQL alike), not a loop over the rows.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef


def backfill(apps, schema_editor):
    CensusSnapshot = apps.get_model("registry", "CensusSnapshot")
    Guardian = apps.get_model("registry", "Guardian")
    able = Guardian.objects.filter(child_id=OuterRef("child_id"), able_to_care=True)
    CensusSnapshot.objects.filter(Exists(able)).update(guardian_able=True)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0004_census_snapshot_guardian_able"),
    ]

    operations = [
        # Going back, 0004 drops the column: nothing to undo here.
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
