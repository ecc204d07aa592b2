"""What care's readers share: the day they read for, and the fields of a child's file that
lists of children never read."""

import datetime

from django.utils import timezone

# Encrypted or free-text fields of the file that lists of children never show: not read, so
# not decrypted (a Fernet decryption per field per row is most of a list's time).
SEALED_CHILD_FIELDS = ("id_number", "address", "health_notes", "personality", "study_notes")


def today_or(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()
