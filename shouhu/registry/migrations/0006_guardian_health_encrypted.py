"""Guardian health is encrypted at rest, like the child's health notes (issue 12.2).

1. The column becomes text (a Fernet token is longer than the 30 characters it held), on the
   guardian and on its change history.
2. Every stored value still in the clear is encrypted in place. The rows are read and written
   with plain SQL: the model of this state already decrypts, and would fail on plaintext. A
   value that is a token already (a migration run twice) is left as it is. On PostgreSQL the
   history's append-only trigger lets this one transaction through, as for a key rotation.

Going back, the values are decrypted first, then the column is narrowed again.
"""

from cryptography.fernet import InvalidToken
from django.core.validators import MaxLengthValidator
from django.db import migrations

import shouhu.core.crypto
from shouhu.core.crypto import decrypt, encrypt

TABLES = (("registry_guardian", "id"), ("registry_historicalguardian", "history_id"))


def _is_token(value: str) -> bool:
    try:
        decrypt(value)
    except (InvalidToken, ValueError):
        return False
    return True


def _rewrite(schema_editor, change) -> None:
    quote = schema_editor.quote_name
    postgresql = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        if postgresql:
            # The history is append-only (audit.guards); like a key rotation, this rewrites
            # the form a value is stored in, never the value, so its trigger lets it through
            # for this transaction only.
            cursor.execute("SELECT set_config('shouhu.erasure', 'on', true)")
        for table, key in TABLES:
            cursor.execute(
                f"SELECT {quote(key)}, health FROM {quote(table)} WHERE health <> ''"  # noqa: S608
            )
            for pk, value in cursor.fetchall():
                new = change(value)
                if new != value:
                    cursor.execute(
                        f"UPDATE {quote(table)} SET health = %s WHERE {quote(key)} = %s",  # noqa: S608
                        [new, pk],
                    )
        if postgresql:
            cursor.execute("SELECT set_config('shouhu.erasure', 'off', true)")


def encrypt_existing(apps, schema_editor):
    _rewrite(schema_editor, lambda value: value if _is_token(value) else encrypt(value))


def decrypt_existing(apps, schema_editor):
    _rewrite(schema_editor, lambda value: decrypt(value) if _is_token(value) else value)


FIELD = shouhu.core.crypto.EncryptedTextField(
    blank=True, default="", validators=[MaxLengthValidator(30)], verbose_name="监护人健康状况"
)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_census_snapshot_guardian_able_backfill"),
    ]

    operations = [
        migrations.AlterField(model_name="guardian", name="health", field=FIELD.clone()),
        migrations.AlterField(model_name="historicalguardian", name="health", field=FIELD.clone()),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
