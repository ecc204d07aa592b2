"""The activities app's rows of the privacy matrix: docs/privacy.md says what code does, and
the note of a family call is read only where a care note is."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from shouhu.core.visibility import ACTIVITY_FIELD, family_call_note_readable
from shouhu.testing.factories import (
    CounsellorFactory,
    HeadTeacherFactory,
    TownshipOfficerFactory,
    VolunteerFactory,
)

DOC = Path(settings.BASE_DIR) / "docs" / "privacy.md"


def test_the_documented_table_equals_the_code():
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- activities:start -->")[1].split("<!-- activities:end -->")[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| `(\w+)` \|$", block, flags=re.M))
    assert rows == {k: str(v) for k, v in ACTIVITY_FIELD.items()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "scope", "reads"),
    [
        (HeadTeacherFactory, "class_a", True),
        (CounsellorFactory, "school_a", True),
        (TownshipOfficerFactory, "township_a", False),
        (VolunteerFactory, "", False),
    ],
)
def test_a_call_note_is_read_where_a_care_note_is_read_in_full(factory, scope, reads, tree):
    field = {"class_a": "scope_class", "school_a": "scope_school", "township_a": "scope_region"}
    user = factory(**({field[scope]: getattr(tree, scope)} if scope else {}))
    assert family_call_note_readable(user, author_id=None) is reads
    assert family_call_note_readable(user, author_id=user.pk), "its author always reads it"
