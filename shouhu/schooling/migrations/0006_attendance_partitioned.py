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

from shouhu.core.partitions import pair_partition, pair_unpartition

PAIR = {"parent": "schooling_rollcall", "child": "schooling_absence", "column": "roll_call_id"}
ABSENCE_FK = "schooling_absence_roll_call_fk"


def forwards(apps, schema_editor):
    pair_partition(schema_editor, **PAIR, key="day", fk=ABSENCE_FK)


def backwards(apps, schema_editor):
    pair_unpartition(
        schema_editor,
        **PAIR,
        fk=ABSENCE_FK,
        narrow=("schooling_rollcall_public_id_key", "schooling_rollcall_client_id_key"),
    )


class Migration(migrations.Migration):
    # DDL and the copies in one transaction: all or nothing.
    atomic = True

    dependencies = [("schooling", "0005_absence_once_per_roll_with_day")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
