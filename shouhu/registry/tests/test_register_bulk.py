"""One write path per fact: children are registered through `children_register_bulk` (the form's
`child_register` is its one-row case, the census import and the demo its many-row ones), and
access-log rows are built in `shouhu.audit` only."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

import shouhu
from shouhu.audit.models import AccessAction, AccessLog
from shouhu.registry.classification import ParentStatus
from shouhu.registry.models import CensusSnapshot, Child, ChildFlag, Flag, Guardian, Parent
from shouhu.registry.services import (
    child_register,
    child_registration,
    children_register_bulk,
)
from shouhu.testing.factories import child_data, parent_data

pytestmark = pytest.mark.usefixtures("frozen_today")

GUARDIAN = {"name": "王秀英", "relation": "祖母", "age": 63, "phone": "13700001111"}


def form_data(school_class, n: int, **overrides) -> dict:
    return {
        "school_class": school_class,
        "child": child_data(school_class=school_class, name=f"王小{'明红刚'[n]}", **overrides),
        "parents": {
            role: parent_data(role=role, status=ParentStatus.MIGRANT)
            for role in ("father", "mother")
        },
        "guardian": GUARDIAN,
        "flags": {Flag.POVERTY} if n % 2 == 0 else set(),
    }


def written(children: list[Child]) -> dict:
    """What registering wrote for these children, without keys and times."""
    ids = [c.pk for c in children]

    def history(model, **filters) -> list[tuple]:
        rows = model.history.filter(**filters).order_by("history_id")
        return [(r.history_type, r.history_user_id, r.name) for r in rows]

    return {
        "children": history(Child, id__in=ids),
        "parents": history(Parent, child_id__in=ids),
        "guardians": history(Guardian, child_id__in=ids),
        "flags": list(
            ChildFlag.objects.filter(child_id__in=ids)
            .order_by("child__name")
            .values_list("child__name", "flag", "since", "until")
        ),
        "snapshots": list(
            CensusSnapshot.objects.filter(child_id__in=ids)
            .order_by("child__name")
            .values_list("child__name", "term", "category", "poverty", "guardian_able")
        ),
        "log": list(
            AccessLog.objects.filter(child_id__in=ids)
            .order_by("id")
            .values_list("user_id", "action", "child__name", "query", "ip")
        ),
    }


def test_registering_in_bulk_writes_what_registering_one_by_one_writes(tree, head_teacher):
    one_by_one = [
        child_register(actor=head_teacher, **form_data(tree.class_a, n)) for n in range(3)
    ]
    expected = written(one_by_one)
    for child in one_by_one:  # the same children again, in bulk: history and log are kept
        Parent.objects.filter(child=child).delete()
        Guardian.objects.filter(child=child).delete()
        Child.objects.filter(pk=child.pk).update(id_number_index="", name="已删除")
    rows = [
        child_registration(
            actor=head_teacher,
            **{**form_data(tree.class_a, n), "child": _child_fields(one_by_one[n])},
        )
        for n in range(3)
    ]
    in_bulk = children_register_bulk(actor=head_teacher, rows=rows)
    assert [c.name for c in in_bulk] == ["王小明", "王小红", "王小刚"]
    assert written(in_bulk) == expected
    assert all(not c._state.adding for c in in_bulk)


def _child_fields(child: Child) -> dict:
    return {
        "name": child.name,
        "sex": child.sex,
        "birth_date": child.birth_date,
        "id_number": child.id_number,
        "hukou_type": child.hukou_type,
        "address": child.address,
    }


def test_a_bulk_registration_with_an_id_number_already_registered_writes_nothing(
    tree, head_teacher
):
    taken = child_register(actor=head_teacher, **form_data(tree.class_a, 0))
    before = (Child.objects.count(), Parent.history.count(), AccessLog.objects.count())
    rows = [
        child_registration(actor=head_teacher, **form_data(tree.class_a, 1)),
        child_registration(actor=head_teacher, **form_data(tree.class_a, 2)),
    ]
    rows[1].child.id_number_index = taken.id_number_index  # registered meanwhile
    with pytest.raises(ValidationError) as refused:
        children_register_bulk(actor=head_teacher, rows=rows)
    assert "该身份证号已登记" in str(refused.value.message_dict["id_number"])
    assert (Child.objects.count(), Parent.history.count(), AccessLog.objects.count()) == before


def test_a_bulk_registration_with_a_class_outside_the_scope_writes_nothing(tree, head_teacher):
    rows = [
        child_registration(actor=head_teacher, **form_data(tree.class_a, 0)),
        child_registration(actor=head_teacher, **form_data(tree.class_b, 1)),
    ]
    with pytest.raises(PermissionDenied):
        children_register_bulk(actor=head_teacher, rows=rows)
    assert not Child.objects.exists()
    assert not AccessLog.objects.filter(action=AccessAction.CREATE).exists()


def test_no_module_outside_audit_builds_an_access_log_row():
    package = Path(shouhu.__file__).parent
    builders = [
        f"{path.relative_to(package)}:{n}"
        for path in package.rglob("*.py")
        if "tests" not in path.parts and path.parts[len(package.parts)] != "audit"
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\bAccessLog\(", line)
    ]
    assert builders == []
