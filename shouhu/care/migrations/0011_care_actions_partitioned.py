# Written by hand (issue 18, Partitions and retention): keep it when the migrations are
# regenerated. On PostgreSQL care actions and their child links become tables partitioned by
# month of `done_on` (shouhu.core.partitions); on SQLite they stay plain tables and this does
# nothing.
#
# A partitioned table's keys hold its partition column, so on PostgreSQL:
# - care_careaction's primary key is (id, done_on), and its unique public_id and client_id are
#   unique with done_on (the model's `unique=True` is still checked by full_clean);
# - a link points at its action with the composite foreign key (action_id, done_on) → (id,
#   done_on) (the link copies the action's date);
# - the other foreign keys into care actions have no constraint (db_constraint=False in their
#   models: care 0010, schooling 0004, activities 0003, parents 0002; Django's on_delete still
#   sets them null). docs/scale.md, Partitions.

from django.db import migrations

from shouhu.core.partitions import pair_partition, pair_unpartition

PAIR = {"parent": "care_careaction", "child": "care_careactionchild", "column": "action_id"}
LINK_FK = "care_careactionchild_action_fk"


def forwards(apps, schema_editor):
    pair_partition(schema_editor, **PAIR, key="done_on", fk=LINK_FK)


def backwards(apps, schema_editor):
    pair_unpartition(
        schema_editor,
        **PAIR,
        fk=LINK_FK,
        narrow=("care_careaction_public_id_key", "care_careaction_client_id_key"),
    )


class Migration(migrations.Migration):
    # DDL and the copies in one transaction: all or nothing.
    atomic = True

    dependencies = [
        ("care", "0010_care_action_links_key_and_fks"),
        # The foreign keys into care actions that lose their constraint first.
        ("activities", "0003_familycall_care_action_no_constraint"),
        ("parents", "0003_parentmessage_care_action_no_constraint"),
        ("schooling", "0004_absence_call_no_constraint"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
