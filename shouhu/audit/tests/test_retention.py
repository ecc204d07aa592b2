"""`shouhu retention`: files past their keeping time and files of adults are anonymised; the
figures of past terms stay the same; the history keeps no old names."""

from io import StringIO

import pytest
from django.core.management import call_command

from shouhu.audit.models import AccessAction, AccessLog, Erasure, ErasureReason
from shouhu.audit.shredder import ANONYMOUS_NAME, child_anonymise, retention_due
from shouhu.care.models import ActionKind
from shouhu.registry.models import Child, Guardian, Parent
from shouhu.registry.services import census_snapshot_take
from shouhu.reports.selectors import census_for
from shouhu.testing.dates import day
from shouhu.testing.factories import CareActionFactory, CensusSnapshotFactory, register_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_files(frozen_today, world, head_teacher):
    """child_a left the register four years ago; child_b turned 18; a third left last year."""
    Child.objects.filter(pk=world.child_a.pk).update(left_on=day(2022, 7, 1))
    Child.objects.filter(pk=world.child_b.pk).update(birth_date=day(2008, 11, 1))
    recent = register_child(head_teacher, world.class_a, name="王子涵")
    Child.objects.filter(pk=recent.pk).update(left_on=day(2025, 7, 1))
    return world


def run(*args) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_files_left_more_than_three_years_ago_and_of_adults_are_due(old_files):
    due = {(c.pk, reason) for c, reason in retention_due()}
    assert due == {
        (old_files.child_a.pk, ErasureReason.LEFT_REGISTER),
        (old_files.child_b.pk, ErasureReason.ADULT),
    }


def test_the_keeping_time_is_a_setting(settings, old_files):
    settings.SHOUHU_RETENTION_YEARS = 5
    assert [c.pk for c, _r in retention_due()] == [old_files.child_b.pk]


def test_dry_run_names_no_child_and_changes_nothing(old_files):
    out = run("--dry-run")
    assert "2 files would be anonymised" in out
    assert "李家成" not in out and str(old_files.child_a.public_id) in out
    assert Child.objects.get(pk=old_files.child_a.pk).name == "李家成"
    assert not Erasure.objects.exists()


def test_retention_anonymises_the_file_its_family_and_its_history(old_files, head_teacher):
    child = old_files.child_a
    CareActionFactory(kind=ActionKind.HOME_VISIT, children=[child], summary="家访：奶奶身体不好")
    AccessLog.objects.create(user=head_teacher, action=AccessAction.VIEW, child=child)
    logged = list(AccessLog.objects.filter(child=child).values_list("pk", "action"))
    run()
    child.refresh_from_db()
    assert (child.name, child.id_number, child.id_number_index, child.address) == (
        ANONYMOUS_NAME,
        "",
        "",
        "",
    )
    assert child.birth_date == day(2017, 1, 1)
    for parent in Parent.objects.filter(child=child):
        assert (parent.name, parent.phone, parent.employer, parent.destination) == ("", "", "", "")
        assert parent.status  # the category depends on it
    guardian = Guardian.objects.get(child=child)
    assert (guardian.name, guardian.phone) == (ANONYMOUS_NAME, "")
    assert child.care_actions.get().summary == ""
    history_names = set(Child.history.filter(id=child.pk).values_list("name", flat=True))
    assert history_names == {ANONYMOUS_NAME}
    parent_phones = set(Parent.history.filter(child_id=child.pk).values_list("phone", flat=True))
    assert parent_phones == {""}
    assert list(AccessLog.objects.filter(child=child).values_list("pk", "action")) == logged
    assert Erasure.objects.get(child=child).reason == ErasureReason.LEFT_REGISTER


def test_the_census_of_an_old_term_is_the_same_before_and_after(
    old_files, region_officer, head_teacher
):
    term = old_files.previous_term
    for child in Child.objects.all():
        census_snapshot_take(child=child, term=term, day=term.starts_on)
    before = census_for(region_officer, node=old_files.county, term=term)
    run()
    after = census_for(region_officer, node=old_files.county, term=term)
    assert after.figures == before.figures
    assert [u.figures for u in after.units] == [u.figures for u in before.units]
    assert before.figures.left_behind_education == 3


def test_a_second_run_finds_nothing_to_do(old_files):
    run()
    assert "0 files anonymised" in run()
    assert Erasure.objects.count() == 2


def test_a_group_actions_summary_is_kept(old_files, head_teacher):
    group = CareActionFactory(
        kind=ActionKind.SYMPOSIUM,
        children=[old_files.child_a, old_files.child_b],
        summary="座谈会：一起给爸爸妈妈写信",
    )
    child_anonymise(child=old_files.child_a, reason=ErasureReason.REQUEST)
    group.refresh_from_db()
    assert group.summary == "座谈会：一起给爸爸妈妈写信"


def test_a_file_is_anonymised_once(old_files):
    child_anonymise(child=old_files.child_a, reason=ErasureReason.REQUEST)
    with pytest.raises(ValueError):
        child_anonymise(child=old_files.child_a, reason=ErasureReason.REQUEST)


def test_snapshots_stay_with_their_category(old_files):
    CensusSnapshotFactory(child=old_files.child_a, term=old_files.previous_term)
    run()
    assert old_files.child_a.snapshots.filter(term=old_files.previous_term).exists()
