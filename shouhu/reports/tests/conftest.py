"""A small world with known counts for the reports' figures, on 2026-11-29 (term 2026-2027-1).

Class A (40 pupils; 38 last term), in school A (75 pupils) of 太平镇 in the county (105):

| child  | father  | mother   | category          | civil | flags        | guardian | proxy  |
| 李家成 | migrant | migrant  | both_away         | yes   |              | yes      | 刘 9-1 |
| 安然   | migrant | deceased | one_away_other_…  | yes   | poverty      | yes      | 张10-15|
| 张伟   | at home | migrant  | one_away          | no    | unsupervised | none     | none   |
| 王小明 | at home | at home  | not left-behind   | no    | poverty      | yes      | none   |

(刘 = 刘老师, teacher of school A; 张 = 张老师, head teacher of class A; from the date given.)

Class B (school B, 青花镇): 曾小雨 (one_away), nobody paired. Last term only 李家成 was surveyed.

Care work (default quotas 三个一: a home visit and a call each month, a letter each term):

- home visits: 李家成 10-10 and 11-05 (刘老师), 安然 11-20 (张老师); a call: 李家成 11-03;
  a symposium 10-20 with the three left-behind of class A; a counselling session 11-10 (安然).
- tasks: 李家成 noted 10-01, due 10-04, done 10-03 (in time); 李家成 noted 11-01, due 11-04,
  done 11-05 (a day late); 安然 noted 11-10, due 11-13, open (16 days late: escalated to
  the head teacher and the leader); 张伟 noted 11-27, due 11-30, open (not yet due).
"""

import datetime
from types import SimpleNamespace

import pytest

from shouhu.care.models import ActionKind, SignalKind
from shouhu.registry.classification import ParentStatus
from shouhu.registry.services import census_snapshot_take
from shouhu.testing.dates import day
from shouhu.testing.factories import (
    CareActionFactory,
    ObservationFactory,
    PairingFactory,
    VisitTaskFactory,
    register_child,
)

M, H, D = ParentStatus.MIGRANT, ParentStatus.AT_HOME, ParentStatus.DECEASED


def _task(child, teacher, *, noted: datetime.date, done: datetime.date | None = None):
    observation = ObservationFactory(
        child=child, kind=SignalKind.BAD_MOOD, noted_on=noted, author=teacher
    )
    return VisitTaskFactory(
        observation=observation,
        assignee=teacher,
        due_on=noted + datetime.timedelta(days=3),
        done_on=done,
    )


@pytest.fixture
def reported(frozen_today, world, head_teacher, teacher, counsellor):
    """The world above; `reported.children` names the children of class A."""
    anran = register_child(
        head_teacher, world.class_a, name="安然", father=M, mother=D, flags={"poverty"}
    )
    zhangwei = register_child(
        head_teacher,
        world.class_a,
        name="张伟",
        father=H,
        mother=M,
        flags={"unsupervised"},
        guardian={},
    )
    wang = register_child(
        head_teacher, world.class_a, name="王小明", father=H, mother=H, flags={"poverty"}
    )
    census_snapshot_take(child=world.child_a, term=world.previous_term, day=day(2026, 3, 5))
    li = world.child_a
    PairingFactory(child=li, carer=teacher, starts_on=day(2026, 9, 1))
    PairingFactory(child=anran, carer=head_teacher, starts_on=day(2026, 10, 15))
    for child, author, when in (
        (li, teacher, day(2026, 10, 10)),
        (li, teacher, day(2026, 11, 5)),
        (anran, head_teacher, day(2026, 11, 20)),
    ):
        CareActionFactory(kind=ActionKind.HOME_VISIT, children=[child], author=author, done_on=when)
    CareActionFactory(
        kind=ActionKind.PARENT_CALL, children=[li], author=teacher, done_on=day(2026, 11, 3)
    )
    CareActionFactory(
        kind=ActionKind.SYMPOSIUM,
        children=[li, anran, zhangwei],
        author=head_teacher,
        done_on=day(2026, 10, 20),
    )
    CareActionFactory(
        kind=ActionKind.COUNSELLING, children=[anran], author=counsellor, done_on=day(2026, 11, 10)
    )
    _task(li, teacher, noted=day(2026, 10, 1), done=day(2026, 10, 3))
    _task(li, teacher, noted=day(2026, 11, 1), done=day(2026, 11, 5))
    _task(anran, head_teacher, noted=day(2026, 11, 10))
    _task(zhangwei, head_teacher, noted=day(2026, 11, 27))
    return SimpleNamespace(
        **vars(world), anran=anran, zhangwei=zhangwei, wang=wang, teacher=teacher
    )
