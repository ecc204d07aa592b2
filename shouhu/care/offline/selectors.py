"""The phone's copy (issue 19, offline capture): only the minimum goes to the phone.

For each child the user is responsible for (their proxy-parent children, and a head teacher's
class): the name, the class, the guardian's name, the village (never the address), and the due
items of the worklist. Never an ID number, a phone, counselling, health or a care summary:
`OFFLINE_CHILD_KEYS` is the whole list, and the tests hold the JSON to it.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.care.models import ActionKind, Pairing, PairingKind, SignalKind
from shouhu.care.reading import SEALED_CHILD_FIELDS, today_or
from shouhu.care.rules import QuotaStatus
from shouhu.care.selectors.worklist import WorkItem, worklist_for
from shouhu.core.roles import Perm
from shouhu.core.visibility import PHONE_COPY
from shouhu.org.models import RegionLevel, SchoolClass
from shouhu.registry.models import Child
from shouhu.schooling.models import AbsenceReason
from shouhu.schooling.selectors.calendar import is_school_day
from shouhu.schooling.services.attendance import register_on

# A copy older than this is marked stale on the phone (its sync time is always shown).
STALE_AFTER = datetime.timedelta(hours=24)

# Every key a child of the phone's copy has, and every key of a due item: nothing else leaves.
# The child's fields are the privacy matrix's `PHONE_COPY` (core.visibility).
OFFLINE_CHILD_KEYS = ("id", *PHONE_COPY, "due")
OFFLINE_DUE_KEYS = ("kind", "title", "due_on", "overdue", "task")

# What the phone records offline: a home visit, a call, a letter (care actions), a 五必访
# observation, and a class roll call.
RECORD_KINDS = {
    "visit": ActionKind.HOME_VISIT,
    "call": ActionKind.PARENT_CALL,
    "letter": ActionKind.PARENT_LETTER,
}


@dataclass
class OfflineChild:
    child: Child
    due: list[WorkItem] = field(default_factory=list)

    def as_json(self) -> dict:
        child = self.child
        guardian = getattr(child, "guardian", None)
        region = child.home_region
        return {
            "id": str(child.public_id),
            "name": child.name,
            "class": child.school_class.name,
            "guardian": guardian.name if guardian is not None else "",
            "village": region.name if region and region.level == RegionLevel.VILLAGE else "",
            "due": [
                {
                    "kind": item.kind,
                    "title": item.title,
                    "due_on": item.due_on.isoformat(),
                    "overdue": item.status == QuotaStatus.OVERDUE,
                    "task": str(item.task.public_id) if item.task is not None else None,
                }
                for item in self.due
            ],
        }


@dataclass
class OfflineClass:
    """A class whose roll call the phone may take today: the register by name only."""

    school_class: SchoolClass
    pupils: list[Child]
    school_day: bool

    def as_json(self) -> dict:
        return {
            "id": self.school_class.pk,
            "name": str(self.school_class),
            "school_day": self.school_day,
            "pupils": [{"id": str(c.public_id), "name": c.name} for c in self.pupils],
        }


@dataclass
class OfflineCopy:
    user: User
    today: datetime.date
    synced_at: datetime.datetime
    children: list[OfflineChild]
    classes: list[OfflineClass]

    def as_json(self) -> dict:
        return {
            "owner": str(self.user.pk),
            "synced_at": self.synced_at.isoformat(),
            "today": self.today.isoformat(),
            "stale_after_seconds": int(STALE_AFTER.total_seconds()),
            "children": [c.as_json() for c in self.children],
            "classes": [c.as_json() for c in self.classes],
            "choices": _choices(self.user),
        }


def _choices(user: User) -> dict:
    """The labels of the offline forms, in the user's language, with what the user may record."""
    may_care = user.has_perm_to(Perm.CARE_RECORD)
    return {
        "records": {
            key: str(ActionKind(kind).label) for key, kind in RECORD_KINDS.items() if may_care
        },
        "signals": (
            {k: str(v) for k, v in SignalKind.choices if k != SignalKind.ABSENT}
            if user.has_perm_to(Perm.OBSERVATION_RECORD)
            else {}
        ),
        "reasons": {k: str(v) for k, v in AbsenceReason.choices},
        "roll_call": str(_("点名")),
    }


def _children_of(user: User, day: datetime.date):
    """On the register, in the user's scope, and the user's to look after: proxy parent of
    them today, or head teacher of their class."""
    mine = Pairing.objects.current(day).filter(kind=PairingKind.PROXY_PARENT, carer=user)
    return (
        Child.objects.restrict(user)
        .on_register()
        .filter(Q(pk__in=mine.values("child_id")) | Q(school_class__head_teacher=user))
        .select_related("school_class", "home_region", "guardian")
        .defer(*SEALED_CHILD_FIELDS, "guardian__phone", "guardian__address", "guardian__health")
    )


def _classes_of(user: User, day: datetime.date) -> list[OfflineClass]:
    """The classes the user is head teacher of, when they take roll calls: their register."""
    if not user.has_perm_to(Perm.ATTENDANCE_RECORD):
        return []
    classes = SchoolClass.objects.restrict(user).filter(head_teacher=user).order_by("grade", "name")
    return [
        OfflineClass(
            school_class=c,
            pupils=list(register_on(c, day).only("public_id", "name").order_by("name_pinyin")),
            school_day=is_school_day(c.school_id, day),
        )
        for c in classes.select_related("school")
    ]


def offline_copy_for(user: User, *, today: datetime.date | None = None) -> OfflineCopy:
    """What the user's phone keeps to work offline (issue 19): their children with their due
    items, and their classes for the roll call."""
    day = today_or(today)
    children = list(_children_of(user, day))
    by_pk = {c.pk: OfflineChild(child=c) for c in children}
    worklist = worklist_for(user, today=day)
    if worklist is not None:
        for item in worklist.escalations + worklist.overdue + worklist.this_week + worklist.later:
            entry = by_pk.get(item.child.pk)
            if entry is not None:
                entry.due.append(item)
    return OfflineCopy(
        user=user,
        today=day,
        synced_at=timezone.now(),
        children=list(by_pk.values()),
        classes=_classes_of(user, day),
    )
