# Written by hand (issue 18, Partitions and retention): keep it when the migrations are
# regenerated. On PostgreSQL roll calls and their absences become tables partitioned by month of
# `day` (shouhu.core.partitions); on SQLite they stay plain tables and this does nothing.
#
# A partitioned table's keys hold its partition column, so on PostgreSQL:
# - schooling_rollcall's primary key is (id, day), and its unique public_id and client_id are
#   unique with day (the model's `unique=True` is still checked by full_clean); its unique
#   (school_class, day) already holds it;
# - an absence points at its roll call with the composite foreign key (roll_call_id, day) →
#   (id, day) (the absence copies its roll call's day); its unique (roll_call, child, day) is
#   schooling 0005's;
# - nothing else points into them with a constraint: the history's roll_call has none
#   (simple_history's db_constraint=False), and the history tables stay plain. docs/scale.md,
#   Partitions.

from django.db import migrations

from shouhu.core.partitions import partition_rebuild

ROLL, ABSENCE = "schooling_rollcall", "schooling_absence"
ABSENCE_FK = "schooling_absence_roll_call_fk"


def _fks_into_drop(cursor) -> None:
    """Every foreign key into the roll calls (by now only the absences')."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint "
        "WHERE confrelid = %s::regclass AND contype = 'f'",
        [ROLL],
    )
    for table, name in cursor.fetchall():
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _fks_into_drop(cursor)
    partition_rebuild(schema_editor, table=ROLL, partitioned=True)
    partition_rebuild(schema_editor, table=ABSENCE, partitioned=True)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {ABSENCE} ADD CONSTRAINT {ABSENCE_FK} FOREIGN KEY (roll_call_id, day) "
            f"REFERENCES {ROLL} (id, day) DEFERRABLE INITIALLY DEFERRED"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {ABSENCE} DROP CONSTRAINT {ABSENCE_FK}")
    partition_rebuild(schema_editor, table=ABSENCE, partitioned=False)
    partition_rebuild(
        schema_editor,
        table=ROLL,
        partitioned=False,
        narrow=("schooling_rollcall_public_id_key", "schooling_rollcall_client_id_key"),
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {ABSENCE} ADD CONSTRAINT {ABSENCE_FK} FOREIGN KEY (roll_call_id) "
            f"REFERENCES {ROLL} (id) DEFERRABLE INITIALLY DEFERRED"
        )


class Migration(migrations.Migration):
    # DDL and the copies in one transaction: all or nothing.
    atomic = True

    dependencies = [("schooling", "0005_absence_once_per_roll_with_day")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
