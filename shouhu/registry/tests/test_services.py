"""Writing the register: child_register and child_update."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.core.crypto import blind_index
from shouhu.core.masking import mask_id_number
from shouhu.registry.classification import Category, ParentStatus
from shouhu.registry.models import (
    CensusSnapshot,
    Child,
    ChildFlag,
    Flag,
    Guardian,
    Parent,
    Sex,
)
from shouhu.registry.selectors import child_history_for
from shouhu.registry.services import _sync_flags, child_update
from shouhu.testing.dates import TODAY, at, day, iso
from shouhu.testing.factories import id_number_for, parent_data, register_child

pytestmark = pytest.mark.usefixtures("frozen_today")

BORN = day(2017, 3, 8)


def test_registering_creates_file_parents_guardian_flag_snapshot_access_log_and_history(
    tree, head_teacher
):
    child = register_child(
        head_teacher, tree.class_a, name="王小明", birth_date=BORN, flags={Flag.POVERTY}
    )

    stored = Child.objects.get(pk=child.pk)
    assert stored.name == "王小明"
    assert (stored.name_pinyin, stored.name_initials) == ("wangxiaoming", "wxm")
    assert stored.school_class == tree.class_a
    assert stored.registered_on == TODAY
    assert stored.id_number_index == blind_index(stored.id_number)

    parents = {p.role: p.status for p in Parent.objects.filter(child=child)}
    assert parents == {"father": ParentStatus.MIGRANT, "mother": ParentStatus.MIGRANT}
    assert Guardian.objects.get(child=child).name == "王秀英"

    (flag,) = ChildFlag.objects.filter(child=child)
    assert (flag.flag, flag.since, flag.until) == (Flag.POVERTY, TODAY, None)

    (snapshot,) = CensusSnapshot.objects.filter(child=child)
    assert snapshot.term == tree.term
    assert snapshot.school_class == tree.class_a
    assert snapshot.category == Category.BOTH_AWAY
    assert (snapshot.education, snapshot.civil) == (True, True)
    assert snapshot.poverty is True
    assert snapshot.unsupervised is False
    assert snapshot.guardian_able is True
    assert snapshot.surveyed_on == TODAY

    (log,) = AccessLog.objects.filter(child=child)
    assert (log.action, log.user) == (AccessAction.CREATE, head_teacher)

    (history,) = Child.history.filter(id=child.pk)
    assert history.history_type == "+"
    assert history.history_user == head_teacher


def test_snapshot_category_follows_the_parents(tree, head_teacher):
    child = register_child(
        head_teacher, tree.class_a, father=ParentStatus.MIGRANT, mother=ParentStatus.AT_HOME
    )
    snapshot = CensusSnapshot.objects.get(child=child, term=tree.term)
    assert snapshot.category == Category.ONE_AWAY
    assert (snapshot.education, snapshot.civil) == (True, False)


def test_child_without_a_migrant_parent_is_registered_as_not_left_behind(tree, head_teacher):
    child = register_child(
        head_teacher, tree.class_a, father=ParentStatus.AT_HOME, mother=ParentStatus.AT_HOME
    )
    snapshot = CensusSnapshot.objects.get(child=child, term=tree.term)
    assert snapshot.category == Category.NOT_LEFT_BEHIND
    assert (snapshot.education, snapshot.civil) == (False, False)


def test_phone_numbers_are_normalised_before_saving(tree, head_teacher):
    child = register_child(
        head_teacher,
        tree.class_a,
        parents={
            "father": parent_data(role="father", status="migrant", phone="+86 138-1234-5678"),
            "mother": parent_data(role="mother", status="migrant", phone="0818-8621234"),
        },
        guardian={"name": "王秀英", "relation": "祖母", "phone": "139 8765 4321"},
    )
    phones = {p.role: p.phone for p in Parent.objects.filter(child=child)}
    assert phones == {"father": "13812345678", "mother": "08188621234"}
    assert Guardian.objects.get(child=child).phone == "13987654321"


def test_bad_parent_phone_is_an_error_on_that_parent_and_nothing_is_saved(tree, head_teacher):
    with pytest.raises(ValidationError) as excinfo:
        register_child(
            head_teacher,
            tree.class_a,
            parents={"father": parent_data(role="father", status="migrant", phone="1381234")},
        )
    assert "father_phone" in excinfo.value.message_dict
    assert "手机号应为11位" in excinfo.value.message_dict["father_phone"][0]
    assert not Child.objects.exists()


def test_wrong_check_digit_is_an_error_on_id_number_in_chinese(tree, head_teacher):
    good = id_number_for(birth_date=BORN, sex=Sex.MALE, n=1)
    bad = good[:17] + ("1" if good[17] == "0" else "0")
    with pytest.raises(ValidationError) as excinfo:
        register_child(head_teacher, tree.class_a, birth_date=BORN, sex=Sex.MALE, id_number=bad)
    assert "校验位" in excinfo.value.message_dict["id_number"][0]
    assert not Child.objects.exists()


def test_id_number_with_another_birth_date_is_refused(tree, head_teacher):
    number = id_number_for(birth_date=BORN, sex=Sex.MALE, n=1)
    with pytest.raises(ValidationError) as excinfo:
        register_child(
            head_teacher,
            tree.class_a,
            birth_date=BORN + datetime.timedelta(days=1),
            sex=Sex.MALE,
            id_number=number,
        )
    assert "不一致" in excinfo.value.message_dict["id_number"][0]


def test_id_number_typed_with_lowercase_x_and_spaces_is_stored_normalised(tree, head_teacher):
    born = datetime.date(2017, 5, 14)
    child = register_child(
        head_teacher, tree.class_a, birth_date=born, sex=Sex.MALE, id_number="511781 20170514 007x"
    )
    assert Child.objects.get(pk=child.pk).id_number == "51178120170514007X"


def test_duplicate_id_number_in_scope_names_the_existing_child(world, head_teacher):
    with pytest.raises(ValidationError) as excinfo:
        register_child(
            head_teacher,
            world.class_a,
            id_number=world.child_a.id_number,
            birth_date=world.child_a.birth_date,
            sex=world.child_a.sex,
        )
    message = excinfo.value.message_dict["id_number"][0]
    assert "李家成" in message
    assert "三年级(2)班" in message
    assert Child.objects.filter(id_number_index=world.child_a.id_number_index).count() == 1


def test_duplicate_id_number_out_of_scope_does_not_reveal_the_child(world, other_head_teacher):
    with pytest.raises(ValidationError) as excinfo:
        register_child(
            other_head_teacher,
            world.class_b,
            id_number=world.child_a.id_number,
            birth_date=world.child_a.birth_date,
            sex=world.child_a.sex,
        )
    message = excinfo.value.message_dict["id_number"][0]
    assert "已在系统中登记" in message
    for secret in ("李家成", "三年级(2)班", "太平镇", world.school_a.name):
        assert secret not in message
    assert Child.objects.filter(school_class=world.class_b).count() == 1


def test_head_teacher_cannot_register_into_another_class_of_the_school(tree, head_teacher):
    with pytest.raises(PermissionDenied):
        register_child(head_teacher, tree.class_a2)
    assert not Child.objects.exists()


def test_head_teacher_cannot_register_into_a_class_of_another_school(tree, head_teacher):
    with pytest.raises(PermissionDenied):
        register_child(head_teacher, tree.class_b)
    assert not Child.objects.exists()


def test_teacher_without_edit_permission_cannot_register(tree, teacher):
    with pytest.raises(PermissionDenied):
        register_child(teacher, tree.class_a)
    assert not Child.objects.exists()


@pytest.mark.parametrize(
    "user", ["counsellor", "township_officer", "region_officer", "privacy_officer", "admin"]
)
def test_roles_without_edit_permission_cannot_register(tree, user, request):
    with pytest.raises(PermissionDenied):
        register_child(request.getfixturevalue(user), tree.class_a)
    assert not Child.objects.exists()


def test_school_leader_can_register_into_any_class_of_the_school(tree, school_leader):
    child = register_child(school_leader, tree.class_a2)
    assert Child.objects.get(pk=child.pk).school_class == tree.class_a2


def test_school_leader_cannot_register_into_another_school(tree, school_leader):
    with pytest.raises(PermissionDenied):
        register_child(school_leader, tree.class_b)


def test_birth_date_in_the_future_is_refused(tree, head_teacher):
    with pytest.raises(ValidationError) as excinfo:
        register_child(
            head_teacher, tree.class_a, birth_date=TODAY + datetime.timedelta(days=1), id_number=""
        )
    assert "不能晚于今天" in excinfo.value.message_dict["birth_date"][0]
    assert not Child.objects.exists()


def test_psych_concern_set_by_a_head_teacher_is_ignored(tree, head_teacher):
    child = register_child(
        head_teacher, tree.class_a, flags={Flag.PSYCH_CONCERN, Flag.UNSUPERVISED}
    )
    assert set(ChildFlag.objects.filter(child=child).values_list("flag", flat=True)) == {
        Flag.UNSUPERVISED
    }
    snapshot = CensusSnapshot.objects.get(child=child)
    assert (snapshot.psych_concern, snapshot.unsupervised) == (False, True)


def test_psych_concern_set_by_a_counsellor_is_kept_and_a_head_teacher_cannot_clear_it(
    world, head_teacher, counsellor
):
    # A counsellor has no CHILD_EDIT, so no service takes their flags yet: the rule lives here.
    child = world.child_a
    _sync_flags(actor=counsellor, child=child, flags={Flag.PSYCH_CONCERN}, day=TODAY)
    assert ChildFlag.objects.filter(child=child, flag=Flag.PSYCH_CONCERN, until=None).exists()

    child_update(actor=head_teacher, child=child, data={}, flags=set())
    assert ChildFlag.objects.filter(child=child, flag=Flag.PSYCH_CONCERN, until=None).exists()
    assert CensusSnapshot.objects.get(child=child, term=world.term).psych_concern is True


def test_counsellor_can_clear_psych_concern(world, counsellor):
    child = world.child_a
    _sync_flags(actor=counsellor, child=child, flags={Flag.PSYCH_CONCERN}, day=TODAY)
    later = TODAY + datetime.timedelta(days=10)
    _sync_flags(actor=counsellor, child=child, flags=set(), day=later)
    (flag,) = ChildFlag.objects.filter(child=child, flag=Flag.PSYCH_CONCERN)
    assert (flag.since, flag.until) == (TODAY, later)


def test_removing_a_flag_closes_it_with_its_dates_kept(tree, head_teacher):
    child = register_child(head_teacher, tree.class_a, flags={Flag.POVERTY})
    child_update(actor=head_teacher, child=child, data={}, flags=set())
    (flag,) = ChildFlag.objects.filter(child=child)
    assert (flag.flag, flag.since, flag.until) == (Flag.POVERTY, TODAY, TODAY)
    assert CensusSnapshot.objects.get(child=child).poverty is False


def test_update_keeps_the_old_value_in_the_history(world, head_teacher):
    child = world.child_a
    child_update(actor=head_teacher, child=child, data={"name": "李家乐"})

    assert Child.objects.get(pk=child.pk).name == "李家乐"
    assert Child.objects.get(pk=child.pk).name_pinyin == "lijiale"
    names = list(Child.history.filter(id=child.pk).order_by("history_id").values_list("name"))
    assert names == [("李家成",), ("李家乐",)]
    latest = Child.history.filter(id=child.pk).latest("history_id")
    assert latest.history_user == head_teacher

    entries = child_history_for(head_teacher, child)
    assert entries[0]["user"] == head_teacher
    assert entries[0]["changes"] == [{"field": "姓名", "old": "李家成", "new": "李家乐"}]
    assert entries[-1]["changes"] == []  # the registration itself


def test_history_shows_id_number_changes_masked_under_their_chinese_names(world, head_teacher):
    child = world.child_a
    old_number = child.id_number
    new_birth = day(2017, 6, 1)
    new_number = id_number_for(birth_date=new_birth, sex=Sex.MALE, n=99)
    child_update(
        actor=head_teacher, child=child, data={"birth_date": new_birth, "id_number": new_number}
    )

    changes = child_history_for(head_teacher, child)[0]["changes"]
    by_field = {str(c["field"]): c for c in changes}
    assert set(by_field) == {"出生日期", "身份证号"}
    assert by_field["身份证号"]["old"] == mask_id_number(old_number)
    assert by_field["身份证号"]["new"] == mask_id_number(new_number)
    assert by_field["出生日期"]["old"] == iso("2017-05-14")
    shown = repr(child_history_for(head_teacher, child))
    assert old_number not in shown
    assert new_number not in shown


def test_update_refreshes_this_terms_snapshot(world, head_teacher):
    child = world.child_a
    child_update(
        actor=head_teacher,
        child=child,
        data={},
        parents={"mother": {"status": ParentStatus.AT_HOME, "destination": ""}},
    )
    snapshot = CensusSnapshot.objects.get(child=child, term=world.term)
    assert snapshot.category == Category.ONE_AWAY
    assert snapshot.civil is False


def test_registering_without_a_guardian_freezes_none_in_the_snapshot(tree, head_teacher):
    child = register_child(head_teacher, tree.class_a, guardian={})
    assert CensusSnapshot.objects.get(child=child, term=tree.term).guardian_able is False


def test_a_guardian_no_longer_able_to_care_is_frozen_in_this_terms_snapshot(world, head_teacher):
    child = world.child_a
    child_update(
        actor=head_teacher, child=child, data={}, guardian={"name": "王秀英", "able_to_care": False}
    )
    assert CensusSnapshot.objects.get(child=child, term=world.term).guardian_able is False


def test_a_guardian_changed_in_the_summer_holiday_leaves_the_ended_terms_snapshot_alone(
    tree, head_teacher
):
    with time_machine.travel(at(2026, 5, 10, 18)):
        child = register_child(head_teacher, tree.class_a)
    with time_machine.travel(at(2026, 8, 1, 18)):
        child_update(
            actor=head_teacher,
            child=child,
            data={},
            guardian={"name": "王秀英", "able_to_care": False},
        )
    (snapshot,) = CensusSnapshot.objects.filter(child=child)
    assert snapshot.term == tree.previous_term
    assert snapshot.guardian_able is True
    assert Guardian.objects.get(child=child).able_to_care is False


def test_update_writes_an_access_log_entry(world, head_teacher):
    child_update(actor=head_teacher, child=world.child_a, data={"boarding": True})
    actions = list(
        AccessLog.objects.filter(child=world.child_a).order_by("id").values_list("action", "user")
    )
    assert actions == [
        (AccessAction.CREATE, head_teacher.pk),
        (AccessAction.UPDATE, head_teacher.pk),
    ]


def test_head_teacher_cannot_move_a_child_to_a_class_outside_their_scope(world, head_teacher):
    with pytest.raises(PermissionDenied):
        child_update(actor=head_teacher, child=world.child_a, data={"school_class": world.class_a2})
    assert Child.objects.get(pk=world.child_a.pk).school_class == world.class_a


def test_head_teacher_cannot_update_a_child_of_another_class(world, head_teacher):
    with pytest.raises(PermissionDenied):
        child_update(actor=head_teacher, child=world.child_b, data={"boarding": True})
    assert Child.objects.get(pk=world.child_b.pk).boarding is False


def test_update_to_an_id_number_already_registered_is_refused(world, head_teacher):
    other = register_child(head_teacher, world.class_a)
    own_number = other.id_number
    with pytest.raises(ValidationError) as excinfo:
        child_update(
            actor=head_teacher,
            child=other,
            data={
                "id_number": world.child_a.id_number,
                "birth_date": world.child_a.birth_date,
                "sex": world.child_a.sex,
            },
        )
    assert "李家成" in excinfo.value.message_dict["id_number"][0]
    assert Child.objects.get(pk=other.pk).id_number == own_number


def test_registering_in_the_winter_holiday_does_not_change_the_ended_terms_census(
    world, head_teacher
):
    frozen = CensusSnapshot.objects.filter(term=world.term).count()
    with time_machine.travel(at(2027, 2, 10, 18)):
        child = register_child(head_teacher, world.class_a)
    assert Child.objects.filter(pk=child.pk).exists()
    assert not CensusSnapshot.objects.filter(child=child).exists()
    assert CensusSnapshot.objects.filter(term=world.term).count() == frozen


def test_updating_in_the_summer_holiday_leaves_the_ended_terms_snapshot_alone(tree, head_teacher):
    with time_machine.travel(at(2026, 5, 10, 18)):
        child = register_child(head_teacher, tree.class_a)
    with time_machine.travel(at(2026, 8, 1, 18)):
        child_update(
            actor=head_teacher,
            child=child,
            data={},
            parents={"father": {"status": ParentStatus.AT_HOME, "destination": ""}},
        )
    (snapshot,) = CensusSnapshot.objects.filter(child=child)
    assert snapshot.term == tree.previous_term
    assert snapshot.category == Category.BOTH_AWAY
    assert snapshot.surveyed_on == day(2026, 5, 10)


def test_parent_changes_are_kept_in_the_history_with_who_made_them(world, head_teacher):
    child_update(
        actor=head_teacher,
        child=world.child_a,
        data={},
        parents={"father": {"status": ParentStatus.AT_HOME, "destination": ""}},
    )
    father = Parent.objects.get(child=world.child_a, role="father")
    history = list(father.history.order_by("history_id").values_list("status", "history_user"))
    assert history == [
        (ParentStatus.MIGRANT, head_teacher.pk),
        (ParentStatus.AT_HOME, head_teacher.pk),
    ]
