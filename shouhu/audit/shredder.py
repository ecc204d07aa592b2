"""Erasing a child's personal data while keeping the figures (after pretix's shredder).

A child's file is anonymised, not deleted: the row stays so that every count of past terms
(census snapshots, care-work counts, the access log) stays the same, but everything that names
or locates the child or the family is gone, including the old values in the change history.

Used by `shouhu retention` (files past their keeping time, children who came of age) and by a
guardian's deletion request once the privacy officer grants it.
"""

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.audit.guards import erasure_allowed
from shouhu.audit.models import Erasure, ErasureReason
from shouhu.core.pinyin import name_keys
from shouhu.registry.models import Child, Guardian, LeaveReason, Parent

ANONYMOUS_NAME = "（已匿名）"


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def retention_due(*, today: datetime.date | None = None) -> list[tuple[Child, str]]:
    """The children whose files are due for anonymisation, with the reason, oldest first.

    1. Off the register for more than SHOUHU_RETENTION_YEARS years.
    2. Aged 18 or more (SHOUHU_ADULT_AGE), on the register or not.
    Children already anonymised are left out."""
    today = today or timezone.localdate()
    left_before = _years_before(today, settings.SHOUHU_RETENTION_YEARS)
    born_before = _years_before(today, settings.SHOUHU_ADULT_AGE)
    done = Erasure.objects.values("child_id")
    due: QuerySet[Child] = Child.objects.exclude(pk__in=done)
    result: list[tuple[Child, str]] = []
    for child in due.filter(left_on__lt=left_before).order_by("left_on", "id"):
        result.append((child, ErasureReason.LEFT_REGISTER))
    seen = {c.pk for c, _r in result}
    for child in due.filter(birth_date__lte=born_before).order_by("birth_date", "id"):
        if child.pk not in seen:
            result.append((child, ErasureReason.ADULT))
    return result


def _scrub(record, fields: dict, *, actor) -> None:
    """Replace the record's personal fields and keep a single history entry: the scrubbed one."""
    record.history.filter(id=record.pk).delete()
    for name, value in fields.items():
        setattr(record, name, value)
    record._history_user = actor
    record._change_reason = "匿名化"
    record.save()


def child_anonymise(*, child: Child, reason: str, actor=None, request=None) -> Erasure:
    """Anonymise one child's file in one transaction; returns the erasure record.

    1. The child: name, ID number and its hash, address, notes, the day of birth (the year stays,
       as the age groups of past reports need it); taken off the register if still on it.
    2. The parents: name, destination, employer, phone (the status stays: it is the category).
    3. The guardian: name, phone, address, health, age (the relation stays).
    4. Care notes about this child alone: the summaries and observation notes.
    5. The change history of all of these keeps only the anonymised state.
    """
    today = timezone.localdate()
    with erasure_allowed():
        if Erasure.objects.filter(child=child).exists():
            raise ValueError(_("该儿童档案已匿名化。"))
        pinyin, initials = name_keys(ANONYMOUS_NAME)
        _scrub(
            child,
            {
                "name": ANONYMOUS_NAME,
                "name_pinyin": pinyin,
                "name_initials": initials,
                "id_number": "",
                "id_number_index": "",
                "address": "",
                "health_notes": "",
                "personality": "",
                "study_notes": "",
                "left_note": "",
                "birth_date": child.birth_date.replace(month=1, day=1),
                "left_on": child.left_on or today,
                "left_reason": child.left_reason or LeaveReason.OTHER,
            },
            actor=actor,
        )
        for parent in Parent.objects.filter(child=child):
            _scrub(
                parent,
                {"name": "", "destination": "", "employer": "", "phone": ""},
                actor=actor,
            )
        guardian = Guardian.objects.filter(child=child).first()
        if guardian is not None:
            _scrub(
                guardian,
                {"name": ANONYMOUS_NAME, "phone": "", "address": "", "health": "", "age": None},
                actor=actor,
            )
        _scrub_care_notes(child)
        return Erasure.objects.create(child=child, reason=reason, by=actor, request=request)


def _scrub_care_notes(child: Child) -> None:
    """Summaries of care actions about this child alone, and notes of observations about it.
    A group action (a symposium) keeps its summary: it is about the group."""
    from django.db.models import Count

    from shouhu.care.models import CareAction, CareActionChild, Observation

    linked = CareActionChild.objects.filter(child=child).values("action_id")
    own = (
        CareActionChild.objects.filter(action_id__in=linked)
        .values("action_id")
        .annotate(n=Count("id"))
        .filter(n=1)
        .values_list("action_id", flat=True)
    )
    CareAction.objects.filter(pk__in=list(own)).update(summary="", parent_note="")
    Observation.objects.filter(child=child).update(note="")
    # The parents' channel (家长端): what the parents wrote about the child, and the replies.
    from shouhu.parents.models import ParentMessage

    ParentMessage.objects.filter(child=child).update(body="", reply="")
