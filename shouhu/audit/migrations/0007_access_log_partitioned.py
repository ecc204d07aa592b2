# Written by hand (issue 18, Partitions and retention): keep it when the migrations are
# regenerated. On PostgreSQL the access log becomes a table partitioned by month of `at`
# (shouhu.core.partitions: the rebuild is the one every partitioned table's migration uses);
# on SQLite it stays a plain table and this does nothing. Nothing has a foreign key to the log.

from django.db import migrations

from shouhu.core.partitions import partition_rebuild

TABLE = "audit_accesslog"


def forwards(apps, schema_editor):
    partition_rebuild(schema_editor, table=TABLE, partitioned=True)


def backwards(apps, schema_editor):
    partition_rebuild(schema_editor, table=TABLE, partitioned=False)


class Migration(migrations.Migration):
    # DDL and the copy in one transaction: all or nothing.
    atomic = True

    dependencies = [
        ("audit", "0006_accesslog_parent_key_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
