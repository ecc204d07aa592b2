"""What each role reads of the care work: worklists and escalation, counselling kept
confidential, compliance and coverage rolled up with drill-down, and bounded query counts."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.care.compliance import compliance_for
from shouhu.care.models import ActionKind, SignalKind
from shouhu.care.rules import Escalation, QuotaStatus
from shouhu.care.selectors import (
    care_actions_for,
    child_care_for,
    child_for_care,
    class_pairings_for,
    coverage_for,
    tasks_for,
    worklist_for,
)
from shouhu.care.services import care_action_record, observation_record
from shouhu.care.tests.conftest import TERM_START, at, year
from shouhu.registry.classification import ParentStatus
from shouhu.registry.models import Child, Flag
from shouhu.testing.dates import TODAY, day, month_key
from shouhu.testing.factories import (
    CareActionFactory,
    CounsellorFactory,
    PairingFactory,
    TeacherFactory,
    VolunteerFactory,
    register_child,
)

OCTOBER, NOVEMBER = f"{year(2026)}年10月", f"{year(2026)}年11月"
AUTUMN = f"{year(2026)}–{year(2027)}学年第一学期"


def titles(items) -> list[tuple[str, str]]:
    return [(item.child.name, item.title) for item in items]


# --- worklists --------------------------------------------------------------------------------


def test_teacher_worklist_lists_own_childrens_overdue_and_due_items(world, teacher, paired):
    with at("2026-11-05"):
        worklist = worklist_for(teacher)
    assert worklist.view == "own"
    assert titles(worklist.overdue) == [
        ("李家成", f"家访（{OCTOBER}）"),
        ("李家成", f"与家长通话（{OCTOBER}）"),
    ]
    assert titles(worklist.later) == [
        ("李家成", f"家访（{NOVEMBER}）"),
        ("李家成", f"与家长通话（{NOVEMBER}）"),
        ("李家成", f"致家长的一封信（{AUTUMN}）"),
    ]
    assert worklist.counts == {"overdue": 2, "this_week": 0, "escalations": 0}
    worklist = worklist_for(teacher)  # 29 November: the month ends within the week
    assert titles(worklist.this_week) == [
        ("李家成", f"家访（{NOVEMBER}）"),
        ("李家成", f"与家长通话（{NOVEMBER}）"),
    ]
    assert titles(worklist.later) == [("李家成", f"致家长的一封信（{AUTUMN}）")]


@pytest.mark.parametrize(
    "on, listed",
    [
        ("2026-12-01", True),
        ("2026-12-07", True),  # the 7th day after November: the last of the late entry
        ("2026-12-08", False),  # a miss in the figures now, not a to-do
    ],
)
def test_a_past_months_items_stay_only_while_a_late_entry_is_allowed(
    world, teacher, paired, on, listed
):
    with at(on):
        overdue = worklist_for(teacher).overdue
    november = [i for i in overdue if i.late_period and i.late_period.key == month_key("2026-11")]
    assert titles(november) == (
        [("李家成", f"家访（{NOVEMBER}）"), ("李家成", f"与家长通话（{NOVEMBER}）")]
        if listed
        else []
    )
    assert all(i.late_until == day(2026, 12, 7) for i in november)


def test_a_past_periods_items_are_gone_the_day_after_it_without_late_entry_days(
    world, teacher, paired, settings
):
    settings.SHOUHU_LATE_ENTRY_DAYS = 0
    with at("2026-11-30"):
        assert titles(worklist_for(teacher).this_week)[0] == ("李家成", f"家访（{NOVEMBER}）")
    with at("2026-12-01"):
        assert worklist_for(teacher).overdue == []


def test_a_past_period_on_the_head_teachers_worklist_goes_too(world, head_teacher, paired):
    with at("2026-12-03"):
        assert {i.title for i in worklist_for(head_teacher).overdue} == {
            f"家访（{NOVEMBER}）",
            f"与家长通话（{NOVEMBER}）",
        }
    with at("2026-12-08"):
        assert worklist_for(head_teacher).overdue == []


def test_each_item_leads_to_the_form_with_child_and_kind_filled(world, teacher, paired):
    item = worklist_for(teacher).this_week[0]
    assert item.record_url == f"/care/children/{world.child_a.public_id}/record/?kind=home_visit"


def test_a_past_periods_item_leads_to_a_late_entry_for_that_period(world, teacher, paired):
    with at("2026-12-03"):
        item = worklist_for(teacher).overdue[0]
    assert item.record_url == (
        f"/care/children/{world.child_a.public_id}/record/?kind=home_visit"
        f"&period={month_key('2026-11')}"
    )


def test_done_items_leave_the_worklist(world, teacher, paired):
    for kind in (ActionKind.HOME_VISIT, ActionKind.PARENT_CALL, ActionKind.PARENT_LETTER):
        care_action_record(actor=teacher, kind=kind, done_on=TODAY, children=[world.child_a])
    worklist = worklist_for(teacher)
    assert worklist.this_week == worklist.later == worklist.overdue == []


def test_a_late_entry_dated_within_its_period_closes_the_item(world, teacher, paired):
    with at("2026-12-03"):
        item = worklist_for(teacher).overdue[0]
        care_action_record(
            actor=teacher,
            kind=item.kind,
            done_on=day(2026, 11, 28),
            children=[world.child_a],
            period=item.late_period,
        )
        assert titles(worklist_for(teacher).overdue) == [("李家成", f"与家长通话（{NOVEMBER}）")]


def test_a_visit_recorded_today_does_not_close_last_months_item(world, teacher, paired):
    with at("2026-12-03"):
        care_action_record(
            actor=teacher,
            kind=ActionKind.HOME_VISIT,
            done_on=day(2026, 12, 3),
            children=[world.child_a],
        )
        assert f"家访（{NOVEMBER}）" in {i.title for i in worklist_for(teacher).overdue}


def test_teacher_sees_only_their_own_childrens_items_and_tasks(world, teacher, head_teacher):
    colleague = TeacherFactory(scope_school=world.school_a)
    other = register_child(head_teacher, world.class_a, name="陈晓雨")
    PairingFactory(child=other, carer=colleague, starts_on=TERM_START)
    observation_record(actor=head_teacher, child=other, kind=SignalKind.BAD_MOOD, noted_on=TODAY)
    worklist = worklist_for(teacher)
    assert worklist.overdue == worklist.this_week == worklist.later == []
    assert not tasks_for(teacher).exists()
    assert {i.child.name for i in worklist_for(colleague).this_week} == {"陈晓雨"}
    assert tasks_for(colleague).count() == 1


def test_a_signal_puts_a_task_on_the_proxy_parents_worklist(world, teacher, head_teacher, paired):
    task = observation_record(
        actor=head_teacher, child=world.child_a, kind=SignalKind.GRADES_DROPPED, noted_on=TODAY
    )
    item = next(i for i in worklist_for(teacher).this_week if i.task is not None)
    assert (item.title, item.due_on, item.task) == ("家访任务：成绩下降", day(2026, 12, 2), task)
    assert item.record_url.endswith(f"?kind=home_visit&task={task.public_id}")


def test_head_teacher_worklist_covers_the_class_with_each_proxy_parent(
    world, head_teacher, teacher, paired
):
    unpaired = register_child(head_teacher, world.class_a, name="陈晓雨")
    worklist = worklist_for(head_teacher)
    assert worklist.view == "class"
    assert {i.child for i in worklist.this_week} == {world.child_a}  # the unpaired owes nothing
    assert all(i.carer == teacher for i in worklist.this_week)
    assert unpaired.name not in {i.child.name for i in worklist.this_week}


@pytest.mark.parametrize(
    "on, head_sees, leader_sees, escalation",
    [
        ("2026-12-02", False, False, Escalation.NONE),  # due today
        ("2026-12-03", False, False, Escalation.NONE),  # one day late
        ("2026-12-04", True, False, Escalation.HEAD_TEACHER),  # two days late
        ("2026-12-07", True, True, Escalation.SCHOOL_LEADER),  # five days late
    ],
)
def test_an_overdue_task_escalates_to_the_head_teacher_then_the_leader(
    world, head_teacher, teacher, school_leader, paired, on, head_sees, leader_sees, escalation
):
    observation_record(
        actor=head_teacher, child=world.child_a, kind=SignalKind.GRADES_DROPPED, noted_on=TODAY
    )
    with at(on):
        head, leader, own = (worklist_for(u) for u in (head_teacher, school_leader, teacher))
    assert bool(head.escalations) is head_sees
    assert head.counts["escalations"] == int(head_sees)
    assert bool(leader.escalations) is leader_sees
    task_items = [i for i in own.overdue + own.this_week if i.task]
    assert [i.escalation for i in task_items] == [escalation]


def test_a_closed_task_no_longer_escalates(world, head_teacher, teacher, paired):
    task = observation_record(
        actor=head_teacher, child=world.child_a, kind=SignalKind.UNWELL, noted_on=TODAY
    )
    with at("2026-12-08"):
        care_action_record(
            actor=teacher,
            kind=ActionKind.HOME_VISIT,
            done_on=day(2026, 12, 8),
            children=[world.child_a],
            tasks=[task],
        )
        assert worklist_for(head_teacher).escalations == []


def test_the_escalation_delays_are_settings(world, head_teacher, teacher, paired, settings):
    settings.SHOUHU_ESCALATE_HEAD_DAYS = 1
    observation_record(
        actor=head_teacher, child=world.child_a, kind=SignalKind.QUARREL, noted_on=TODAY
    )
    with at("2026-12-03"):
        assert len(worklist_for(head_teacher).escalations) == 1


def test_leader_worklist_shows_last_months_open_items_per_class(
    world, school_leader, teacher, paired
):
    worklist = worklist_for(school_leader)
    assert worklist.view == "school"
    rows = {r.school_class.name: (r.open, r.owed) for r in worklist.classes_overdue}
    assert rows == {"三年级(2)班": (2, 2)}  # October: a home visit and a call, neither done


def test_region_officer_worklist_is_last_months_compliance_by_school(
    world, region_officer, teacher, paired
):
    with at("2026-10-09"):  # recorded on the day: October is closed now (月度关账)
        care_action_record(
            actor=teacher,
            kind=ActionKind.HOME_VISIT,
            done_on=day(2026, 10, 9),
            children=[world.child_a],
        )
    worklist = worklist_for(region_officer)
    assert worklist.view == "region"
    result = worklist.compliance
    assert result.month.key == month_key("2026-10")
    assert [u.name for u in result.units] == ["万源市太平镇中心小学", "万源市青花镇小学"]
    school_a = result.units[0]
    assert [(c.owed, c.done) for c in school_a.cells][:2] == [(1, 1), (1, 0)]


@pytest.mark.parametrize("role", ["admin", "privacy_officer"])
def test_roles_without_care_work_have_no_worklist(world, request, role):
    assert worklist_for(request.getfixturevalue(role)) is None


def test_a_volunteer_worklist_is_the_children_paired_with_them(world, volunteer):
    worklist = worklist_for(volunteer)
    assert {i.child for i in worklist.this_week + worklist.overdue} == {world.child_a}


# --- counselling is confidential --------------------------------------------------------------


@pytest.fixture
def counselling(world, counsellor):
    return care_action_record(
        actor=counsellor,
        kind=ActionKind.COUNSELLING,
        done_on=day(2026, 11, 20),
        children=[world.child_a],
        summary="父母离异后情绪低落，约定每周谈话。",
    )


@pytest.mark.parametrize("role", ["head_teacher", "teacher", "school_leader", "township_officer"])
def test_others_see_that_counselling_took_place_but_not_what_was_said(
    world, request, counselling, role
):
    [entry] = care_actions_for(request.getfixturevalue(role), child=world.child_a)
    assert (entry.kind_label, entry.done_on, entry.summary) == ("心理辅导", day(2026, 11, 20), None)
    assert entry.confidential


def test_counsellors_read_counselling(world, counselling, counsellor):
    colleague = CounsellorFactory(scope_school=world.school_a)
    for user in (counsellor, colleague):
        [entry] = care_actions_for(user, child=world.child_a)
        assert entry.summary == "父母离异后情绪低落，约定每周谈话。"


def test_other_kinds_keep_their_summary_for_the_schools_care_network(
    world, teacher, head_teacher, paired
):
    care_action_record(
        actor=teacher,
        kind=ActionKind.HOME_VISIT,
        done_on=TODAY,
        children=[world.child_a],
        summary="作业完成好。",
    )
    assert [e.summary for e in care_actions_for(head_teacher, child=world.child_a)] == [
        "作业完成好。"
    ]


def test_the_file_section_lists_the_latest_actions_however_old(
    world, head_teacher, teacher, paired
):
    """The section reads its latest actions and the quota periods' action dates in one query:
    an action older than every period still shows while it is among the latest, and the
    section lists the care page's first actions, in its order."""
    child = Child.objects.get(pk=world.child_a.pk)
    old = CareActionFactory(children=[child], author=teacher, done_on=TODAY - timedelta(700))
    new = [
        CareActionFactory(children=[child], author=teacher, done_on=TODAY - timedelta(n))
        for n in (3, 1)
    ]
    in_order = [new[1].public_id, new[0].public_id, old.public_id]
    care = child_care_for(head_teacher, child=child, actions_limit=5)
    assert [a.public_id for a in care.actions] == in_order
    assert [a.public_id for a in child_care_for(head_teacher, child=child).actions] == in_order
    care = child_care_for(head_teacher, child=child, actions_limit=2)
    assert [a.public_id for a in care.actions] == in_order[:2]
    home_visits = [s.done for s in care.statuses if s.column.kind == ActionKind.HOME_VISIT]
    assert home_visits and max(home_visits) >= 1


def test_a_group_action_counts_all_its_children(world, head_teacher):
    other = register_child(head_teacher, world.class_a)
    care_action_record(
        actor=head_teacher,
        kind=ActionKind.SYMPOSIUM,
        done_on=TODAY,
        children=[world.child_a, other],
    )
    [entry] = care_actions_for(head_teacher, child=world.child_a)
    assert entry.children_count == 2


# --- compliance -------------------------------------------------------------------------------


@pytest.fixture
def county_work(world, head_teacher, other_head_teacher, teacher, paired):
    """Two paired children in school A (one visited in October), one in school B (visited)."""
    second = register_child(head_teacher, world.class_a, name="陈晓雨")
    PairingFactory(child=second, carer=teacher, starts_on=TERM_START)
    carer_b = PairingFactory(child=world.child_b, starts_on=TERM_START).carer
    for child, author in ((world.child_a, teacher), (world.child_b, carer_b)):
        with at("2026-10-12"):  # recorded on the day: October is closed now (月度关账)
            care_action_record(
                actor=author,
                kind=ActionKind.HOME_VISIT,
                done_on=day(2026, 10, 12),
                children=[child],
            )
    return second


def home_visits(cells_by_column) -> tuple[int, int, float | None]:
    cell = cells_by_column[0]
    return cell.owed, cell.done, cell.percent


def test_county_compliance_rolls_up_by_township(world, region_officer, county_work):
    result = compliance_for(region_officer, node=world.county, month=month_key("2026-10"))
    assert [c.label for c in result.columns] == [
        f"家访（{OCTOBER}）",
        f"与家长通话（{OCTOBER}）",
        f"致家长的一封信（{AUTUMN}）",
    ]
    assert home_visits(result.total) == (3, 2, 66.7)
    assert result.unit_label == "乡镇（街道）"
    assert [(u.name, home_visits(u.cells)) for u in result.units] == [
        ("太平镇", (2, 1, 50.0)),
        ("青花镇", (1, 1, 100.0)),
    ]
    assert result.units[0].url == f"/care/compliance/?scope=511781101&month={month_key('2026-10')}"


def test_township_compliance_lists_its_schools(world, township_officer, county_work):
    result = compliance_for(township_officer, node=world.township_a, month=month_key("2026-10"))
    assert [(u.name, home_visits(u.cells)) for u in result.units] == [
        ("万源市太平镇中心小学", (2, 1, 50.0))
    ]


def test_school_compliance_by_class_and_by_proxy_parent(world, school_leader, teacher, county_work):
    result = compliance_for(school_leader, node=world.school_a, month=month_key("2026-10"))
    assert [(u.name, home_visits(u.cells)) for u in result.units] == [
        ("三年级(2)班", (2, 1, 50.0)),
        ("五年级(1)班", (0, 0, None)),
    ]
    assert [(t.name, home_visits(t.cells)) for t in result.teachers] == [("刘老师", (2, 1, 50.0))]


def test_class_compliance_drills_down_to_each_child(world, head_teacher, teacher, county_work):
    result = compliance_for(head_teacher, node=world.class_a, month=month_key("2026-10"))
    rows = {r.child.name: (r.carer, [s.status for s in r.statuses]) for r in result.children}
    assert rows["李家成"] == (teacher, [QuotaStatus.DONE, QuotaStatus.OVERDUE, QuotaStatus.DUE])
    assert rows["陈晓雨"][1][0] == QuotaStatus.OVERDUE


def test_a_holiday_month_asks_for_nothing(world, region_officer, county_work):
    result = compliance_for(region_officer, node=world.county, month=month_key("2026-08"))
    assert result.columns == []


def test_compliance_outside_the_scope_is_a_404_and_without_permission_a_403(
    world, township_officer, teacher
):
    with pytest.raises(Http404):
        compliance_for(township_officer, node=world.county, month=month_key("2026-10"))
    with pytest.raises(PermissionDenied):
        compliance_for(teacher, node=world.school_a, month=month_key("2026-10"))


def test_county_compliance_takes_a_fixed_number_of_queries(
    world, region_officer, county_work, django_assert_max_num_queries
):
    for _ in range(5):
        child = register_child(world.class_a.head_teacher, world.class_a)
        PairingFactory(child=child, starts_on=TERM_START)
    with django_assert_max_num_queries(6):
        compliance_for(region_officer, node=world.county, month=month_key("2026-10"))


# --- coverage ---------------------------------------------------------------------------------


@pytest.fixture
def unsupervised(world, head_teacher):
    return register_child(
        head_teacher, world.class_a, name="王小军", flags={Flag.UNSUPERVISED}, guardian={}
    )


def test_coverage_counts_the_unpaired_and_the_unsupervised_without_a_proxy(
    world, school_leader, head_teacher, teacher, paired, unsupervised
):
    register_child(
        head_teacher,
        world.class_a,
        name="杨子涵",
        father=ParentStatus.AT_HOME,
        mother=ParentStatus.AT_HOME,
    )
    result = coverage_for(school_leader, node=world.school_a)
    f = result.figures
    assert (f.needing, f.unpaired, f.unsupervised, f.unsupervised_unpaired) == (2, 1, 1, 1)
    assert [c.name for c in result.unpaired_children] == ["王小军"]
    assert [(u.name, u.figures.unpaired) for u in result.units] == [
        ("三年级(2)班", 1),
        ("五年级(1)班", 0),
    ]


def test_coverage_shows_idle_teachers_and_the_load_distribution(
    world, school_leader, head_teacher, teacher, paired
):
    TeacherFactory(scope_school=world.school_a, display_name="闲老师")
    result = coverage_for(school_leader, node=world.school_a)
    loads = {t.display_name: t.load for t in result.teachers}
    assert loads == {"刘老师": 1, "闲老师": 0, "张老师": 0}
    assert (result.figures.teachers, result.figures.idle_teachers) == (3, 2)
    assert result.figures.load == {"0": 2, "1": 1, "2": 0, "3": 0, "4+": 0}


def test_county_coverage_by_township(world, region_officer, paired, unsupervised):
    result = coverage_for(region_officer, node=world.county)
    assert [(u.name, u.figures.needing, u.figures.unsupervised_unpaired) for u in result.units] == [
        ("太平镇", 2, 1),
        ("青花镇", 1, 0),
    ]


def test_county_coverage_by_school_sums_to_the_townships_and_counts_teachers(
    world, region_officer, paired, unsupervised
):
    by_township = coverage_for(region_officer, node=world.county)
    by_school = coverage_for(region_officer, node=world.county, by="school")
    assert by_school.unit_label == "学校"
    assert [u.code for u in by_school.units] == sorted(u.code for u in by_school.units)
    assert sum(u.figures.needing for u in by_school.units) == sum(
        u.figures.needing for u in by_township.units
    )
    assert sum(u.figures.teachers for u in by_school.units) == by_school.figures.teachers
    assert by_school.figures.teachers == by_township.figures.teachers > 0


def test_coverage_without_teachers_reads_the_same_children_and_no_teacher(
    world, school_leader, teacher, paired, unsupervised
):
    full = coverage_for(school_leader, node=world.school_a)
    children_only = coverage_for(school_leader, node=world.school_a, teachers=False)
    f, c = full.figures, children_only.figures
    assert (c.needing, c.unpaired, c.unsupervised_unpaired) == (
        f.needing,
        f.unpaired,
        f.unsupervised_unpaired,
    )
    assert (c.teachers, c.idle_teachers, children_only.teachers) == (None, None, [])
    assert f.teachers and full.teachers


# --- the class pairing page -------------------------------------------------------------------


def test_class_page_puts_the_unpaired_unsupervised_first_then_unpaired_then_paired(
    world, head_teacher, teacher, paired, unsupervised
):
    waiting = register_child(head_teacher, world.class_a, name="陈晓雨")
    settled = register_child(
        head_teacher,
        world.class_a,
        name="杨子涵",
        father=ParentStatus.AT_HOME,
        mother=ParentStatus.AT_HOME,
    )
    page = class_pairings_for(head_teacher, school_class=world.class_a)
    assert [r.child for r in page.rows] == [unsupervised, waiting, world.child_a, settled]
    assert [r.needs_proxy for r in page.rows] == [True, True, False, False]
    loads = {u.display_name: u.load for u in page.candidates}
    assert loads["刘老师"] == 1 and loads["张老师"] == 0


def test_class_page_offers_the_schools_staff_and_volunteers_not_other_schools(
    world, head_teacher, teacher, other_head_teacher
):
    volunteer = VolunteerFactory()
    page = class_pairings_for(head_teacher, school_class=world.class_a)
    assert {teacher, head_teacher, volunteer} <= set(page.candidates)
    assert other_head_teacher not in page.candidates
    assert volunteer not in page.mentors


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["teacher", "head_teacher", "school_leader"])
def test_worklists_take_a_fixed_number_of_queries(
    world, request, teacher, head_teacher, role, django_assert_max_num_queries
):
    for n in range(6):
        child = register_child(head_teacher, world.class_a)
        PairingFactory(child=child, carer=teacher, starts_on=TERM_START)
        observation_record(
            actor=head_teacher,
            child=child,
            kind=SignalKind.BAD_MOOD,
            noted_on=day(2026, 11, 20 + n),
        )
    with django_assert_max_num_queries(10):
        worklist_for(request.getfixturevalue(role))


def test_reading_a_childs_care_is_logged_as_a_view_of_the_child(rf, head_teacher, world):
    child = child_for_care(head_teacher, world.child_a.public_id)
    assert not AccessLog.objects.filter(action=AccessAction.VIEW).exists()
    child_care_for(head_teacher, child=child, request=rf.get("/", REMOTE_ADDR="203.0.113.7"))
    row = AccessLog.objects.get(action=AccessAction.VIEW)
    assert (row.user, row.child, row.ip) == (head_teacher, world.child_a, "203.0.113.7")
