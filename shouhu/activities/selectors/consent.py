"""The photo consent of children (a field of the child's file): the latest row decides."""

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from shouhu.activities.models import PhotoConsent


def latest_consent_q():
    """A subquery of the child's latest consent decision (for `.annotate`)."""
    return Subquery(
        PhotoConsent.objects.filter(child=OuterRef("pk"))
        .order_by("-decided_on", "-id")
        .values("consented")[:1]
    )


def consenting_ids(child_ids: Iterable[int]) -> set[int]:
    """Of these children, those whose latest consent decision is a yes."""
    ids = list(child_ids)
    latest: dict[int, bool] = {}
    rows = (
        PhotoConsent.objects.filter(child_id__in=ids)
        .order_by("child_id", "-decided_on", "-id")
        .values_list("child_id", "consented")
    )
    for child_id, consented in rows:
        latest.setdefault(child_id, consented)
    return {pk for pk, yes in latest.items() if yes}


def consent_current(child) -> PhotoConsent | None:
    return PhotoConsent.objects.filter(child=child).select_related("recorded_by").first()
