"""The demo county as `shouhu seed-demo --children 200` writes it (registry side), and
`shouhu demo-logins`. The care work of the same county is tested in test_demo_care.py."""

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction, AccessLog
from shouhu.care.models import Pairing
from shouhu.core.crypto import blind_index
from shouhu.core.idnumber import validate_id_number
from shouhu.core.pinyin import name_keys
from shouhu.core.roles import Role
from shouhu.demo import data
from shouhu.demo.tests.conftest import CALENDAR, CURRENT, PREVIOUS, SMALL, seed
from shouhu.org.models import ClassEnrolment, Region, School, SchoolClass, Term
from shouhu.registry.models import (
    CensusSnapshot,
    Child,
    ChildFlag,
    Flag,
    Guardian,
    HukouType,
    Parent,
)
from shouhu.registry.services import census_snapshot_take
from shouhu.testing.dates import YEARS

DEMO_ROLES = {
    "admin": Role.ADMIN,
    "county": Role.REGION_OFFICER,
    "township": Role.TOWNSHIP_OFFICER,
    "village": Role.VILLAGE_SUPERVISOR,
    "leader": Role.SCHOOL_LEADER,
    "head": Role.HEAD_TEACHER,
    "teacher": Role.TEACHER,
    "counsellor": Role.COUNSELLOR,
    "volunteer": Role.VOLUNTEER,
    "privacy": Role.PRIVACY_OFFICER,
}
SNAPSHOT_FIELDS = [
    "school_class_id",
    "category",
    "education",
    "civil",
    *[f.value for f in Flag],
    "guardian_able",
]


def row_counts() -> dict[str, int]:
    models = [Region, School, SchoolClass, ClassEnrolment, Term, User, Child, Parent, Guardian]
    models += [ChildFlag, CensusSnapshot, Pairing, AccessLog]
    return {m.__name__: m.objects.count() for m in models}


def snapshot_values(snapshot: CensusSnapshot) -> tuple:
    return tuple(getattr(snapshot, name) for name in SNAPSHOT_FIELDS)


def test_seed_puts_the_asked_number_of_children_on_the_register(small_county):
    assert Child.objects.on_register().count() == SMALL
    assert Child.objects.filter(left_on__isnull=False).exists()


def test_seed_creates_one_demo_account_per_role_with_the_demo_password(small_county):
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_ROLES)}

    assert {name: u.role for name, u in users.items()} == DEMO_ROLES
    assert all(u.check_password(data.DEMO_PASSWORD) and u.display_name for u in users.values())
    assert users["county"].scope_region.code == "511781000000"
    assert users["privacy"].scope_region.code == "511781000000"
    assert users["township"].scope_region.name == "太平镇"
    assert users["village"].scope_region.parent.name == "太平镇"
    assert School.objects.filter(region=users["village"].scope_region).exists()
    assert users["leader"].scope_school.region.code.startswith("511781100")
    assert users["teacher"].scope_school == users["leader"].scope_school
    assert users["counsellor"].scope_school == users["leader"].scope_school
    assert users["head"].scope_class.school == users["leader"].scope_school
    assert users["head"].scope_class.head_teacher == users["head"]
    assert users["volunteer"].scope_region is None and users["volunteer"].scope_school is None


def test_every_class_has_a_head_teacher_account_of_its_own(small_county):
    for school_class in SchoolClass.objects.select_related("head_teacher", "school"):
        teacher = school_class.head_teacher
        assert teacher.role == Role.HEAD_TEACHER
        assert teacher.scope_class == school_class
        section = re.search(r"\((\d+)\)班$", school_class.name).group(1)
        if teacher.username != "head":
            assert teacher.username == f"t{school_class.school.code}-{school_class.grade}-{section}"


def test_teacher_and_volunteer_are_proxy_parents_from_the_start_of_term(small_county):
    head = User.objects.get(username="head")
    teacher_pairs = Pairing.objects.filter(carer__username="teacher")
    volunteer_pairs = Pairing.objects.filter(carer__username="volunteer")

    assert teacher_pairs.count() == 3
    assert all(p.child.school_class == head.scope_class for p in teacher_pairs)
    assert volunteer_pairs.count() == 2
    demo_pairs = Pairing.objects.filter(
        carer__username__in=["teacher", "head", "volunteer"], ends_on__isnull=True
    )
    assert {p.starts_on for p in demo_pairs} == {CALENDAR.year_start}
    assert not Pairing.objects.filter(
        carer__username__in=["teacher", "volunteer"], ends_on__isnull=False
    )
    assert Child.objects.restrict(User.objects.get(username="volunteer")).count() == 2


def test_every_unsupervised_child_has_a_proxy_parent(small_county):
    unsupervised = ChildFlag.objects.filter(
        flag=Flag.UNSUPERVISED, child__left_on__isnull=True
    ).values_list("child_id", flat=True)

    assert unsupervised
    assert set(unsupervised) <= set(Pairing.objects.values_list("child_id", flat=True))


def test_every_id_number_is_valid_belongs_to_the_county_and_matches_the_birth_date(small_county):
    for child in Child.objects.all():
        if child.hukou_type == HukouType.NONE:
            assert child.id_number == ""
            assert child.flags.filter(flag=Flag.UNREGISTERED).exists()
            continue
        assert validate_id_number(child.id_number, birth_date=child.birth_date)
        assert child.id_number.startswith("511781")
        assert child.id_number_index == blind_index(child.id_number)
        assert (child.name_pinyin, child.name_initials) == name_keys(child.name)


def test_children_are_of_the_age_of_their_grade(small_county):
    for child in Child.objects.on_register().select_related("school_class"):
        age = 2026 + YEARS - child.birth_date.year - (child.birth_date.month >= 9)
        assert age - 5 - child.school_class.grade in (0, 1), (child.birth_date, child.school_class)


def test_both_terms_have_enrolments_for_every_class_and_snapshots(small_county):
    classes = SchoolClass.objects.count()
    for term in (CURRENT, PREVIOUS):
        assert ClassEnrolment.objects.filter(term__code=term).count() == classes
        assert CensusSnapshot.objects.filter(term__code=term).exists()
    current = CensusSnapshot.objects.filter(term__code=CURRENT)
    assert set(current.values_list("child_id", flat=True)) == set(
        Child.objects.on_register().values_list("pk", flat=True)
    )
    assert not current.filter(child__left_on__isnull=False).exists()


def test_last_spring_snapshot_is_in_the_class_a_grade_below(small_county):
    pairs = 0
    for child in Child.objects.on_register().select_related("school_class"):
        before = child.snapshots.filter(term__code=PREVIOUS).select_related("school_class").first()
        if before is not None:
            assert before.school_class.grade == child.school_class.grade - 1
            pairs += 1
        else:
            assert child.registered_on >= Term.objects.get(code=CURRENT).starts_on
    assert pairs > SMALL * 0.7


def test_left_behind_share_of_all_pupils_is_as_in_the_reports(small_county):
    for term in (CURRENT, PREVIOUS):
        pupils = sum(
            ClassEnrolment.objects.filter(term__code=term).values_list("pupils", flat=True)
        )
        left_behind = CensusSnapshot.objects.filter(term__code=term, education=True).count()
        assert 0.40 <= left_behind / pupils <= 0.70


def test_snapshots_written_in_bulk_are_those_census_snapshot_take_freezes(small_county):
    """The demo writes snapshots in bulk; re-taking each with the service changes nothing."""
    changed = {
        child_id
        for child_id, n in Counter(
            Parent.history.filter(history_type="~").values_list("child_id", flat=True)
        ).items()
        if n
    }
    assert changed, "some families' situation changed over the summer"
    snapshots = CensusSnapshot.objects.select_related("child__school_class", "term", "school_class")
    for snapshot in snapshots:
        if snapshot.term.code == PREVIOUS and snapshot.child_id in changed:
            continue  # frozen with last spring's parents, which the file no longer holds
        child = snapshot.child
        child.school_class = snapshot.school_class
        retaken = census_snapshot_take(
            child=child, term=snapshot.term, source=snapshot.source, day=snapshot.surveyed_on
        )
        assert snapshot_values(retaken) == snapshot_values(snapshot)


def test_every_unsupervised_child_is_frozen_without_a_guardian_able_to_care(small_county):
    for term in (CURRENT, PREVIOUS):
        left_behind = CensusSnapshot.objects.filter(term__code=term, education=True)
        assert left_behind.filter(unsupervised=True).exists()
        assert not left_behind.filter(unsupervised=True, guardian_able=True).exists()
        # Most left-behind children live with a grandparent able to care; a few do not.
        without = left_behind.filter(guardian_able=False).count()
        assert 0 < without < left_behind.count() / 4


def test_a_change_over_the_summer_is_in_the_files_history_as_child_update_leaves_it(
    small_county,
):
    changed = set(Parent.history.filter(history_type="~").values_list("child_id", flat=True))
    for child in Child.objects.filter(pk__in=changed).select_related("school_class"):
        for parent in child.parents.all():
            rows = list(parent.history.order_by("history_date", "history_id"))
            assert rows[0].history_type == "+"
            assert rows[0].history_date.date() == child.registered_on
            assert (rows[-1].status, rows[-1].employer) == (parent.status, parent.employer)
        change = child.parents.first().history.filter(history_type="~").first()
        if change is None:
            change = child.parents.last().history.get(history_type="~")
        autumn = child.snapshots.get(term__code=CURRENT)
        assert change.history_date.date() == autumn.surveyed_on
        assert change.history_user == child.school_class.head_teacher
        assert child.history.filter(history_type="~").exists()
        assert AccessLog.objects.filter(child=child, action=AccessAction.UPDATE).count() == 1


def test_a_change_over_the_summer_shows_in_the_two_censuses(small_county):
    changed = Parent.history.filter(history_type="~").values_list("child_id", flat=True)
    differ = 0
    for child_id in set(changed):
        spring, autumn = CensusSnapshot.objects.filter(child_id=child_id).order_by(
            "term__starts_on"
        )
        differ += spring.category != autumn.category
    assert differ > 0


def test_seeding_again_is_refused(small_county):
    before = row_counts()

    with pytest.raises(CommandError, match="拒绝重复载入"):
        seed()

    assert row_counts() == before


def test_seeding_if_empty_on_a_seeded_database_changes_nothing(small_county):
    before = row_counts()

    output = seed("--if-empty")

    assert "未载入演示数据" in output
    assert row_counts() == before


def test_demo_logins_lists_every_demo_account_with_role_scope_and_password(small_county):
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    for username, role in DEMO_ROLES.items():
        line = next(line for line in text.splitlines() if line.startswith(username + " "))
        assert data.DEMO_PASSWORD in line
        assert str(role.label) in line
    assert "万源市太平镇中心小学" in text
