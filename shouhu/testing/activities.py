"""Rows of the activities app for the shared tables (permissions, writes): an event of class A
with child_a, a photo of it with consent, and interest groups of school A."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shouhu.testing.dates import TODAY


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 120, 40)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def event_of_class_a(w):
    """A festival of class A with child_a, recorded by its head teacher today."""
    from shouhu.activities.models import EventKind, Organiser
    from shouhu.activities.services.events import event_record

    return event_record(
        actor=w.class_a.head_teacher,
        kind=EventKind.FESTIVAL,
        title="冬至包饺子",
        held_on=TODAY,
        organiser=Organiser.SCHOOL,
        children=[w.child_a],
    )


def photo_of_child_a(w):
    """A photo of child_a (whose guardian consented) at an event of class A."""
    from shouhu.activities.services.events import event_photo_add, photo_consent_set

    head = w.class_a.head_teacher
    photo_consent_set(actor=head, child=w.child_a, consented=True, decided_on=TODAY)
    return event_photo_add(
        actor=head, event=event_of_class_a(w), upload=jpeg(), children=[w.child_a]
    )


def group_of_school_a(w, *, with_child_a: bool = True):
    """An interest group of school A led by class A's head teacher; child_a a member."""
    from shouhu.activities.services.groups import group_create, group_join

    head = w.class_a.head_teacher
    group = group_create(
        actor=head,
        name=f"书法小组{'' if with_child_a else '（新）'}",
        teacher=head,
        weekday=3,
        starts_at=datetime.time(16, 0),
        place="美术室",
    )
    if with_child_a:
        group_join(
            actor=head,
            group=group,
            children=[w.child_a],
            joined_on=TODAY - datetime.timedelta(days=7),
        )
    return group
