"""The parent's phone gets its keyed hash (the parents' channel, issue 19, finds a parent by the
number they log in with). Existing rows are filled in from their (decrypted) phones."""

from django.db import migrations, models

from shouhu.core.crypto import blind_index


def backfill(apps, schema_editor):
    Parent = apps.get_model("registry", "Parent")
    batch = []
    for parent in Parent.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=2000):
        parent.phone_index = blind_index(parent.phone)
        batch.append(parent)
        if len(batch) >= 2000:
            Parent.objects.bulk_update(batch, ["phone_index"])
            batch = []
    Parent.objects.bulk_update(batch, ["phone_index"])


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_phone_employer_length_caps"),
    ]

    operations = [
        migrations.AddField(
            model_name="parent",
            name="phone_index",
            field=models.CharField(
                blank=True, db_index=True, default="", editable=False, max_length=64
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
