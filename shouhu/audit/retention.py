"""Retention, the one way `shouhu retention` and the nightly duty (audit.jobs) apply it: the
files kept longer than needed are anonymised (audit.shredder) and the census uploads never
confirmed are deleted (registry's uploads)."""

import datetime

from shouhu.audit.shredder import child_anonymise, retention_due
from shouhu.registry.census_sheets.uploads import census_uploads_expired
from shouhu.registry.models import Child


def retention_apply(*, today: datetime.date | None = None) -> tuple[list[tuple[Child, str]], int]:
    """Retention, as `shouhu retention` and the nightly duty run it: anonymise the files due
    (each in its own transaction, so an interrupted run is run again) and delete the census
    uploads never confirmed in time (each holds a whole sheet of ID numbers and phones). The
    files done, with their reasons, and the number of uploads deleted."""
    due = retention_due(today=today)
    for child, reason in due:
        child_anonymise(child=child, reason=reason)
    uploads, _by_model = census_uploads_expired().delete()
    return due, uploads
