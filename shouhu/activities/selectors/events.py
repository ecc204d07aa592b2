"""Reads of events for a user: the term's events, one event with the children the reader may
see, its photos (only of consenting children), a child's activities, the children who took
part in none, this week's birthdays and a volunteer's events and hours."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Sum
from django.http import Http404
from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.activities.models import (
    Event,
    EventChild,
    EventPhoto,
    EventStaff,
    GroupMembership,
    PhotoConsent,
)
from shouhu.activities.selectors.consent import consent_current, consenting_ids
from shouhu.core.visibility import ChildField, Visibility, visibility
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.org.selectors import class_filter, term_current
from shouhu.registry.models import CensusSnapshot, Child

Node = Region | School | SchoolClass
EVENTS_LISTED = 200


def _today() -> datetime.date:
    return timezone.localdate()


def term_days(
    term: Term, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """A term's days so far: from its start to today, or to its end once it has ended."""
    today = today or _today()
    return term.starts_on, max(term.starts_on, min(today, term.ends_on))


@dataclass(frozen=True)
class EventRow:
    event: Event
    person_times: int


def events_for(user, *, term: Term) -> list[EventRow]:
    """The term's events the user sees, newest first, with their 人次 (all children)."""
    start, end = term_days(term)
    events = (
        Event.objects.restrict(user)
        .filter(held_on__gte=start, held_on__lte=end)
        .annotate(person_times=Count("links", distinct=True))
        .select_related("school")
        .order_by("-held_on", "-id")[:EVENTS_LISTED]
    )
    return [EventRow(event=e, person_times=e.person_times) for e in events]


def event_for(user, public_id) -> Event:
    """An event the user sees, or 404."""
    event = (
        Event.objects.restrict(user)
        .filter(public_id=public_id)
        .select_related("school", "region", "group", "recorded_by")
        .first()
    )
    if event is None:
        raise Http404
    return event


@dataclass
class PhotoView:
    photo: EventPhoto
    names: list[str]


@dataclass
class EventDetail:
    event: Event
    children: list[Child]  # those the reader may see
    others: int  # children of the event outside the reader's scope: a count only
    staff: list[EventStaff]
    photos: list[PhotoView] = field(default_factory=list)


def event_detail_for(user, event: Event) -> EventDetail:
    """The event as the reader may see it: the names of the children in their scope (the
    others only counted), who ran it, and the photos whose children all still consent and
    are all in the reader's scope."""
    links = EventChild.objects.filter(event=event)
    visible = list(
        Child.objects.restrict(user)
        .filter(pk__in=links.values("child_id"))
        .select_related("school_class")
        .order_by("school_class__grade", "school_class__name", "name_pinyin")
    )
    total = links.count()
    staff = list(EventStaff.objects.filter(event=event).select_related("user").order_by("id"))
    return EventDetail(
        event=event,
        children=visible,
        others=total - len(visible),
        staff=staff,
        photos=photos_for(user, event=event, visible={c.pk for c in visible}),
    )


def may_see_photos(user) -> bool:
    """The privacy matrix's `photos` row (docs/privacy.md)."""
    return visibility(user, ChildField.PHOTOS) == Visibility.FULL


def photos_for(user, *, event: Event, visible: set[int]) -> list[PhotoView]:
    if not may_see_photos(user):
        return []
    photos = list(EventPhoto.objects.filter(event=event).prefetch_related("children"))
    tagged = {c.pk for p in photos for c in p.children.all()}
    consenting = consenting_ids(tagged)
    shown = []
    for photo in photos:
        ids = {c.pk for c in photo.children.all()}
        if ids <= consenting and ids <= visible:
            shown.append(PhotoView(photo=photo, names=[c.name for c in photo.children.all()]))
    return shown


def photo_for(user, public_id) -> EventPhoto:
    """A photo to serve, to a role whose `photos` cell is full (else 403): its event in the
    user's scope, every child in it in the user's scope and still consenting; else 404."""
    if not may_see_photos(user):
        raise PermissionDenied
    photo = (
        EventPhoto.objects.restrict(user)
        .filter(public_id=public_id)
        .select_related("attachment", "event")
        .first()
    )
    if photo is None:
        raise Http404
    ids = set(photo.children.values_list("pk", flat=True))
    if ids:
        seen = Child.objects.restrict(user).filter(pk__in=ids).count()
        if seen != len(ids) or not ids <= consenting_ids(ids):
            raise Http404
    return photo


def participants_for(user, *, school_class: SchoolClass | None):
    """The children to tick: a class's children on the register (a volunteer, with no class,
    those paired with them)."""
    children = Child.objects.restrict(user).on_register().select_related("school_class")
    if school_class is not None:
        children = children.filter(school_class=school_class)
    return children.order_by("school_class__grade", "school_class__name", "name_pinyin")


def children_by_public_ids(user, public_ids) -> list[Child]:
    """The children chosen on a page, as the user sees them; an id not seen is left out (the
    service then counts it missing)."""
    wanted = [str(p) for p in public_ids]
    found = {
        str(c.public_id): c
        for c in Child.objects.filter(public_id__in=wanted).select_related("school_class__school")
    }
    return [found[p] for p in wanted if p in found]


# --- one child --------------------------------------------------------------------------------


@dataclass
class ChildActivities:
    child: Child
    events: list[Event]
    events_total: int
    consent: PhotoConsent | None
    consent_history: list[PhotoConsent]
    groups: list[str]  # the interest groups the child is in today


CHILD_EVENTS_LISTED = 10


def child_activities_for(user, *, child: Child, term: Term | None) -> ChildActivities:
    """The 活动 section of the child's file: this term's events, the photo consent."""
    events = Event.objects.filter(links__child=child)
    if term is not None:
        start, end = term_days(term)
        events = events.filter(held_on__gte=start, held_on__lte=end)
    history = list(PhotoConsent.objects.filter(child=child).select_related("recorded_by")[:10])
    return ChildActivities(
        child=child,
        events=list(events.order_by("-held_on", "-id")[:CHILD_EVENTS_LISTED]),
        events_total=events.count(),
        consent=history[0] if history else consent_current(child),
        consent_history=history,
        groups=list(
            GroupMembership.objects.filter(child=child)
            .running(_today())
            .values_list("group__name", flat=True)
        ),
    )


# --- who took part in none --------------------------------------------------------------------


def left_behind_in(user, *, node: Node, term: Term):
    """The left-behind children (this term's census, education definition) under the node that
    the user sees, on the register."""
    return (
        Child.objects.restrict(user)
        .on_register()
        .filter(class_filter(node, "school_class__"))
        .filter(
            Exists(CensusSnapshot.objects.filter(child=OuterRef("pk"), term=term, education=True))
        )
    )


def took_part_q(term: Term) -> Exists:
    start, end = term_days(term)
    return Exists(
        EventChild.objects.filter(child=OuterRef("pk"), held_on__gte=start, held_on__lte=end)
    )


def children_without_event_for(user, *, node: Node, term: Term) -> list[Child]:
    """The left-behind children who took part in no event this term (so far): the head
    teacher's list of who to bring along next time."""
    return list(
        left_behind_in(user, node=node, term=term)
        .filter(~took_part_q(term))
        .select_related("school_class")
        .order_by("school_class__grade", "school_class__name", "name_pinyin")
    )


# --- the home page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Birthday:
    child: Child
    day: datetime.date
    age: int


def _birthday_in(birth: datetime.date, year: int) -> datetime.date:
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year: celebrated on the 28th
        return birth.replace(year=year, day=28)


def birthdays_for(user: User, *, day: datetime.date | None = None) -> list[Birthday]:
    """This week's (Monday to Sunday) birthdays of the left-behind children of a head
    teacher's class, so the class can celebrate them (篇十一). Others get none."""
    school_class = user.scope_class if user.scope_class_id else None
    if school_class is None:
        return []
    day = day or _today()
    term = term_current(day)
    if term is None:
        return []
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    found = []
    for child in left_behind_in(user, node=school_class, term=term).only(
        "name", "birth_date", "public_id", "school_class_id"
    ):
        for year in {monday.year, sunday.year}:
            birthday = _birthday_in(child.birth_date, year)
            if monday <= birthday <= sunday:
                found.append(Birthday(child=child, day=birthday, age=year - child.birth_date.year))
    return sorted(found, key=lambda b: (b.day, b.child.name))


@dataclass
class RunEvents:
    events: list[tuple[Event, Decimal]]
    hours: Decimal
    count: int


def events_run_by(user: User, *, term: Term | None) -> RunEvents:
    """The events the user ran (as staff) this term, with their hours: a volunteer's record of
    service (志愿服务时长)."""
    rows = EventStaff.objects.filter(user=user).select_related("event")
    if term is not None:
        start, end = term_days(term)
        rows = rows.filter(event__held_on__gte=start, event__held_on__lte=end)
    total = rows.aggregate(hours=Sum("hours"), n=Count("id"))
    listed = rows.order_by("-event__held_on", "-id")[:10]
    return RunEvents(
        events=[(r.event, r.hours) for r in listed],
        hours=total["hours"] or Decimal(0),
        count=total["n"],
    )


def child_for_activities(user, public_id) -> Child:
    """A child the user sees, or 404."""
    child = (
        Child.objects.restrict(user)
        .filter(public_id=public_id)
        .select_related("school_class__school")
        .first()
    )
    if child is None:
        raise Http404
    return child
