"""The year-end handover can be undone (issue 11.9): it keeps the day it counts from and what it
moved, has a public id for the undo button, and is unique per school and new term only while it
stands. A handover made before this keeps empty `moved`: it cannot be undone, and says so.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    SchoolHandover = apps.get_model("registry", "SchoolHandover")
    for handover in SchoolHandover.objects.select_related("from_term"):
        handover.public_id = uuid.uuid4()
        handover.on = handover.from_term.ends_on
        handover.save(update_fields=["public_id", "on"])


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_guardian_health_encrypted"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="schoolhandover",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="schoolhandover",
            name="on",
            field=models.DateField(blank=True, null=True, verbose_name="交接日期"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="schoolhandover",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="schoolhandover",
            name="moved",
            field=models.JSONField(blank=True, default=dict, verbose_name="移动的记录"),
        ),
        migrations.AddField(
            model_name="schoolhandover",
            name="undone_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="撤销时间"),
        ),
        migrations.AddField(
            model_name="schoolhandover",
            name="undone_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="撤销人",
            ),
        ),
        migrations.AlterModelOptions(
            name="schoolhandover",
            options={
                "ordering": ["-at", "-id"],
                "verbose_name": "学年交接",
                "verbose_name_plural": "学年交接",
            },
        ),
        migrations.RemoveConstraint(
            model_name="schoolhandover",
            name="one_handover_per_term",
        ),
        migrations.AddConstraint(
            model_name="schoolhandover",
            constraint=models.UniqueConstraint(
                condition=models.Q(("undone_at__isnull", True)),
                fields=("school", "to_term"),
                name="one_handover_per_term",
            ),
        ),
    ]
