"""The care pages as people use them: the worklist home page, recording from one tap away,
the class pairing page with its load warning, coverage, compliance and quota settings."""

import pytest
from django.urls import reverse

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.care.models import ActionKind, CareAction, Exemption, Pairing, Quota, SignalKind
from shouhu.care.services import care_action_record, observation_record
from shouhu.care.tests.conftest import TERM_START, at, year
from shouhu.registry.models import Flag
from shouhu.testing.dates import TODAY, day, iso, month_key
from shouhu.testing.factories import PairingFactory, QuotaFactory, TeacherFactory, register_child

OCTOBER, NOVEMBER = f"{year(2026)}年10月", f"{year(2026)}年11月"


def text(response) -> str:
    return response.content.decode()


def care_url(child) -> str:
    return reverse("care:child-care", kwargs={"public_id": child.public_id})


def record_url(child) -> str:
    return reverse("care:child-action-create", kwargs={"public_id": child.public_id})


# --- 我的待办 ----------------------------------------------------------------------------------


def test_teachers_home_page_is_the_worklist_with_the_overdue_child(client, world, teacher, paired):
    client.force_login(teacher)
    page = text(client.get("/"))
    assert "<title>我的待办" in page
    assert f'href="{care_url(world.child_a)}">李家成</a>' in page
    assert f"家访（{NOVEMBER}）" in page
    assert f'href="{record_url(world.child_a)}?kind=home_visit"' in page


def test_tapping_last_months_item_records_a_visit_in_that_month_and_the_item_goes(
    client, world, teacher, paired
):
    with at("2026-12-03"):
        client.force_login(teacher)  # in the session's own day
        home = text(client.get("/"))
        assert "补录截止 12-07" in home
        url = f"{record_url(world.child_a)}?kind=home_visit&period={month_key('2026-11')}"
        assert f'href="{url.replace("&", "&amp;")}"' in home
        form = text(client.get(url))
        assert f"补录{NOVEMBER}：请填写实际发生的日期（11月1日至11月30日）。" in form
        assert f'min="{iso("2026-11-01")}"' in form and f'max="{iso("2026-11-30")}"' in form
        assert f'value="{iso("2026-12-03")}"' not in form  # not today: the day it happened
        assert f'<input type="hidden" name="period" value="{month_key("2026-11")}">' in form
        response = client.post(
            url,
            {"kind": "home_visit", "done_on": iso("2026-11-27"), "period": month_key("2026-11")},
        )
        assert response.status_code == 302
        assert CareAction.objects.get().done_on == day(2026, 11, 27)
        assert f"家访（{NOVEMBER}）" not in text(client.get("/"))


def test_a_late_entry_dated_outside_its_period_shows_a_chinese_error(
    client, world, teacher, paired
):
    with at("2026-12-03"):
        client.force_login(teacher)  # in the session's own day
        response = client.post(
            f"{record_url(world.child_a)}?kind=home_visit&period={month_key('2026-11')}",
            {"kind": "home_visit", "done_on": iso("2026-12-03"), "period": month_key("2026-11")},
        )
    assert response.status_code == 200
    assert (
        f"请填写实际发生的日期，须在{NOVEMBER}内（{iso('2026-11-01')}至{iso('2026-11-30')}）。"
        in text(response)
    )
    assert not CareAction.objects.exists()


def test_an_unknown_period_is_not_found(client, world, teacher, paired):
    client.force_login(teacher)
    assert client.get(f"{record_url(world.child_a)}?period=2026-13").status_code == 404


def test_head_teachers_home_page_counts_escalations(client, world, head_teacher, paired):
    observation_record(
        actor=head_teacher,
        child=world.child_a,
        kind=SignalKind.LATE_OR_EARLY,
        noted_on=day(2026, 11, 24),  # due on the 27th: two days late
    )
    client.force_login(head_teacher)
    page = text(client.get("/"))
    assert '<div class="tile escalations"><div class="value warn">1</div>' in page
    assert "已升级至班主任" in page
    assert "负责人：刘老师" in page


def test_region_officers_home_page_shows_compliance_by_school(client, world, region_officer):
    client.force_login(region_officer)
    page = text(client.get("/"))
    assert f"{OCTOBER}各校关爱要求完成率" in page
    assert "万源市太平镇中心小学" in page


@pytest.mark.parametrize("role", ["teacher", "head_teacher", "school_leader", "region_officer"])
def test_the_home_page_takes_a_bounded_number_of_queries(
    client, world, request, teacher, head_teacher, role, django_assert_max_num_queries
):
    for _ in range(5):
        child = register_child(head_teacher, world.class_a)
        PairingFactory(child=child, carer=teacher, starts_on=TERM_START)
        observation_record(
            actor=head_teacher, child=child, kind=SignalKind.UNWELL, noted_on=day(2026, 11, 20)
        )
    client.force_login(request.getfixturevalue(role))
    with django_assert_max_num_queries(22):
        assert client.get("/").status_code == 200


# --- one child --------------------------------------------------------------------------------


def test_recording_a_home_visit_from_the_childs_page_takes_one_tap_on_save(
    client, world, teacher, paired
):
    client.force_login(teacher)
    form = client.get(f"{record_url(world.child_a)}?kind=home_visit")
    page = text(form)
    assert f'value="{iso("2026-11-29")}"' in page  # today, without typing
    assert '<option value="home_visit" selected>家访</option>' in page
    # Only what the page already holds is sent back: the defaults are enough.
    response = client.post(
        f"{record_url(world.child_a)}?kind=home_visit",
        {"kind": "home_visit", "done_on": iso("2026-11-29")},
    )
    assert response.status_code == 302
    assert response["Location"] == care_url(world.child_a)
    page = text(client.get(care_url(world.child_a)))
    assert "已记录：家访（李家成）" in page
    november = f'data-kind="home_visit" data-period="{month_key("2026-11")}"'
    assert november in page
    row = page.split(november)[1].split("</li>")[0]
    assert '<span class="status done">已完成</span>' in row


def test_recording_writes_an_access_log_row_for_the_child(client, world, teacher, paired):
    client.force_login(teacher)
    client.post(record_url(world.child_a), {"kind": "parent_call", "done_on": iso("2026-11-28")})
    assert AccessLog.objects.filter(
        user=teacher, child=world.child_a, action=AccessAction.CREATE
    ).exists()


def test_a_task_link_prefills_the_task_and_the_visit_closes_it(
    client, world, teacher, head_teacher, paired
):
    task = observation_record(
        actor=head_teacher, child=world.child_a, kind=SignalKind.GRADES_DROPPED, noted_on=TODAY
    )
    client.force_login(teacher)
    url = f"{record_url(world.child_a)}?kind=home_visit&task={task.public_id}"
    page = text(client.get(url))
    assert f'value="{task.public_id}"' in page and "checked" in page
    client.post(
        url, {"kind": "home_visit", "done_on": iso("2026-11-29"), "tasks": [str(task.public_id)]}
    )
    task.refresh_from_db()
    assert task.done_on == TODAY


def test_a_bad_date_shows_a_chinese_error_and_saves_nothing(client, world, teacher):
    client.force_login(teacher)
    response = client.post(
        record_url(world.child_a), {"kind": "talk", "done_on": iso("2026-12-25")}
    )
    assert response.status_code == 200
    assert "日期不能晚于今天。" in text(response)
    assert not CareAction.objects.exists()


def test_counselling_is_not_offered_to_a_teacher(client, world, teacher, counsellor):
    client.force_login(teacher)
    assert 'value="counselling"' not in text(client.get(record_url(world.child_a)))
    client.force_login(counsellor)
    assert 'value="counselling"' in text(client.get(record_url(world.child_a)))


def test_a_symposium_ticks_the_children_of_a_class(client, world, head_teacher):
    other = register_child(head_teacher, world.class_a, name="陈晓雨")
    client.force_login(head_teacher)
    url = f"{reverse('care:action-create')}?kind=symposium"
    page = text(client.get(url))
    assert "李家成（三年级(2)班）" in page and "陈晓雨（三年级(2)班）" in page
    response = client.post(
        url,
        {
            "kind": "symposium",
            "done_on": iso("2026-11-27"),
            "class": world.class_a.pk,
            "children": [str(world.child_a.public_id), str(other.public_id)],
            "summary": "代理家长、儿童和监护人座谈。",
        },
    )
    assert response.status_code == 302
    assert set(CareAction.objects.get().children.all()) == {world.child_a, other}


def test_the_author_shares_a_summary_and_the_volunteer_then_reads_it(
    client, world, teacher, volunteer
):
    client.force_login(teacher)
    page = text(client.get(record_url(world.child_a)))
    assert "摘要可共享" in page
    for summary, shared in (
        ("奶奶最近住院，孩子由姑姑照看。", False),
        ("孩子作业按时完成。", True),
    ):
        response = client.post(
            record_url(world.child_a),
            {"kind": "home_visit", "done_on": iso("2026-11-28"), "summary": summary}
            | ({"shareable": "on"} if shared else {}),
        )
        assert response.status_code == 302
    assert sorted(CareAction.objects.values_list("shareable", flat=True)) == [False, True]
    client.force_login(volunteer)
    page = text(client.get(care_url(world.child_a)))
    assert "孩子作业按时完成。" in page
    assert "奶奶最近住院" not in page and "摘要仅记录人和本校关爱网络可见" in page


def test_a_counsellors_notes_cannot_be_shared(client, world, counsellor):
    client.force_login(counsellor)
    assert "摘要可共享" not in text(client.get(record_url(world.child_a)))
    action = care_action_record(
        actor=counsellor,
        kind=ActionKind.TALK,
        done_on=TODAY,
        children=[world.child_a],
        summary="谈到想念外出打工的妈妈。",
        shareable=True,
    )
    assert action.shareable is False


def test_a_child_out_of_scope_is_a_404_on_every_care_page(client, world, teacher):
    client.force_login(teacher)
    for name in (
        "care:child-care",
        "care:child-care-section",
        "care:child-action-create",
        "care:observation-create",
    ):
        url = reverse(name, kwargs={"public_id": world.child_b.public_id})
        assert client.get(url).status_code == 404


def test_the_care_page_writes_a_view_row_and_hides_counselling_from_teachers(
    client, world, teacher, counsellor
):
    care_action_record(
        actor=counsellor,
        kind=ActionKind.COUNSELLING,
        done_on=TODAY,
        children=[world.child_a],
        summary="谈到想念外出打工的妈妈。",
    )
    client.force_login(teacher)
    page = text(client.get(care_url(world.child_a)))
    assert "心理辅导内容保密" in page
    assert "想念外出打工的妈妈" not in page
    assert AccessLog.objects.filter(user=teacher, action=AccessAction.VIEW).exists()
    client.force_login(counsellor)
    assert "想念外出打工的妈妈" in text(client.get(care_url(world.child_a)))


def test_the_childs_file_shows_the_care_section_with_one_tap_to_record(
    client, world, teacher, counsellor, paired
):
    care_action_record(
        actor=counsellor,
        kind=ActionKind.COUNSELLING,
        done_on=TODAY,
        children=[world.child_a],
        summary="谈到想念外出打工的妈妈。",
    )
    client.force_login(teacher)
    file = text(client.get(reverse("registry:child-detail", args=[world.child_a.public_id])))
    section_url = reverse("care:child-care-section", args=[world.child_a.public_id])
    assert f'hx-get="{section_url}"' in file
    page = text(client.get(section_url))
    assert f'href="{record_url(world.child_a)}?kind=home_visit">记录家访</a>' in page
    assert "代理家长" in page and "刘老师" in page
    assert f"家访（{NOVEMBER}）" in page
    assert "想念外出打工的妈妈" not in page


def test_recording_a_signal_tells_who_got_the_task(client, world, head_teacher, paired):
    client.force_login(head_teacher)
    url = reverse("care:observation-create", kwargs={"public_id": world.child_a.public_id})
    assert "成绩下降" in text(client.get(url))
    response = client.post(
        url, {"kind": "grades_dropped", "noted_on": iso("2026-11-29")}, follow=True
    )
    assert f"已记录，并为 刘老师 生成家访任务，{iso('2026-12-02')} 前完成。" in text(response)


def test_granting_an_exemption(client, world, head_teacher):
    client.force_login(head_teacher)
    url = reverse("care:exemption-create", kwargs={"public_id": world.child_a.public_id})
    response = client.post(
        url,
        {
            "kind": "home_visit",
            "starts_on": iso("2026-11-02"),
            "ends_on": iso("2026-11-01"),
            "reason": "x",
        },
    )
    assert "结束日期不能早于开始日期。" in text(response)
    client.post(
        url,
        {
            "kind": "",
            "starts_on": iso("2026-11-02"),
            "ends_on": iso("2026-11-20"),
            "reason": "住院治疗",
        },
    )
    assert Exemption.objects.get().reason == "住院治疗"


# --- the class pairing page -------------------------------------------------------------------


@pytest.fixture
def pairing_url(world):
    return reverse("care:class-pairings", kwargs={"class_id": world.class_a.pk})


def test_the_class_page_flags_the_unsupervised_child_and_shows_each_load(
    client, world, head_teacher, teacher, paired, pairing_url
):
    register_child(
        head_teacher, world.class_a, name="王小军", flags={Flag.UNSUPERVISED}, guardian={}
    )
    client.force_login(head_teacher)
    page = text(client.get(pairing_url))
    first_row = page.split('class="stack pair-row card')[1]
    assert first_row.startswith(" alert")
    assert "王小军" in first_row and "无人监护" in first_row and "未安排代理家长" in first_row
    assert "刘老师 <b>1</b>/3" in page
    assert "刘老师（任课教师·代理家长，已带1名）" in page


def test_saving_a_row_pairs_the_child(client, world, head_teacher, teacher, pairing_url):
    client.force_login(head_teacher)
    response = client.post(
        pairing_url,
        {"child": str(world.child_a.public_id), "proxy": teacher.pk, "mentor": "", "buddy": ""},
    )
    assert response.status_code == 302
    assert Pairing.objects.get(child=world.child_a).carer == teacher


def test_htmx_saves_a_row_and_redraws_the_list(client, world, head_teacher, teacher, pairing_url):
    client.force_login(head_teacher)
    response = client.post(
        pairing_url,
        {"child": str(world.child_a.public_id), "proxy": teacher.pk, "buddy": "王小明"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert '<span class="tag ok" role="status">已保存</span>' in text(response)
    assert "刘老师 <b>1</b>/3" in text(response)


def test_over_the_load_limit_the_row_asks_to_confirm(
    client, world, head_teacher, teacher, pairing_url, settings
):
    settings.SHOUHU_PROXY_LOAD_LIMIT = 1
    other = register_child(head_teacher, world.class_a)
    PairingFactory(child=other, carer=teacher, starts_on=TERM_START)
    client.force_login(head_teacher)
    data = {"child": str(world.child_a.public_id), "proxy": teacher.pk}
    page = text(client.post(pairing_url, data))
    assert "刘老师 将负责 2 名儿童，超过建议的每人 1 名。" in page
    assert 'name="confirm" value="1"' in page
    assert not Pairing.objects.filter(child=world.child_a).exists()
    client.post(pairing_url, {**data, "confirm": "1"})
    assert Pairing.objects.get(child=world.child_a).carer == teacher


def test_a_teacher_of_another_school_posted_by_hand_is_refused(
    client, world, head_teacher, other_head_teacher, pairing_url
):
    client.force_login(head_teacher)
    page = text(
        client.post(
            pairing_url, {"child": str(world.child_a.public_id), "proxy": other_head_teacher.pk}
        )
    )
    assert "所选人员不能担任该儿童的帮扶人。" in page
    assert not Pairing.objects.exists()


def test_a_child_of_another_class_cannot_be_posted_to_this_page(
    client, world, head_teacher, pairing_url, teacher
):
    client.force_login(head_teacher)
    response = client.post(pairing_url, {"child": str(world.child_b.public_id), "proxy": ""})
    assert response.status_code == 404


def test_the_class_page_takes_a_bounded_number_of_queries(
    client, world, head_teacher, teacher, pairing_url, django_assert_max_num_queries
):
    for _ in range(8):
        child = register_child(head_teacher, world.class_a)
        PairingFactory(child=child, carer=teacher, starts_on=TERM_START)
    client.force_login(head_teacher)
    with django_assert_max_num_queries(12):
        assert client.get(pairing_url).status_code == 200


# --- coverage, compliance, quotas -------------------------------------------------------------


def test_coverage_shows_an_unsupervised_child_without_proxy_in_red(client, world, head_teacher):
    register_child(
        head_teacher, world.class_a, name="王小军", flags={Flag.UNSUPERVISED}, guardian={}
    )
    client.force_login(head_teacher)
    page = text(client.get(reverse("care:coverage")))
    assert '<div class="tile alert"><div class="value warn">1</div>' in page
    assert "无人监护且无代理家长（应为0）" in page


def test_compliance_drills_down_from_county_to_child(
    client, world, region_officer, teacher, paired, django_assert_max_num_queries
):
    with at("2026-10-03"):  # recorded on the day: October is closed now (月度关账)
        care_action_record(
            actor=teacher,
            kind=ActionKind.HOME_VISIT,
            done_on=day(2026, 10, 3),
            children=[world.child_a],
        )
    client.force_login(region_officer)
    october = month_key("2026-10")
    with django_assert_max_num_queries(14):
        county = text(client.get(reverse("care:compliance"), {"month": october}))
    assert f'href="/care/compliance/?scope=511781101&amp;month={october}">太平镇</a>' in county
    township = text(
        client.get(reverse("care:compliance"), {"scope": "511781101", "month": october})
    )
    assert "万源市太平镇中心小学" in township
    school = text(client.get(reverse("care:compliance"), {"scope": "3151781001", "month": october}))
    assert "按代理家长" in school and "刘老师" in school
    klass = text(
        client.get(
            reverse("care:compliance"),
            {"scope": f"class:{world.class_a.pk}", "month": october},
        )
    )
    assert "按儿童" in klass and '<span class="status done">已完成</span>' in klass


def test_a_malformed_month_falls_back_to_this_month(client, world, head_teacher):
    client.force_login(head_teacher)
    page = text(client.get(reverse("care:compliance"), {"month": "late"}))
    assert f'value="{month_key("2026-11")}"' in page


def test_a_school_cannot_loosen_the_county_quota_and_is_told_why_in_chinese(
    client, world, school_leader
):
    QuotaFactory(region=world.county, kind=ActionKind.HOME_VISIT, period="month", minimum=2)
    client.force_login(school_leader)
    url = reverse("care:quotas")
    page = text(client.post(url, {"kind": "home_visit", "period": "month", "minimum": 1}))
    assert "只能提高、不能降低上级的要求：万源市规定家访每月至少2次。" in page
    assert not Quota.objects.filter(school=world.school_a).exists()
    client.post(url, {"kind": "home_visit", "period": "month", "minimum": 3})
    page = text(client.get(url))
    assert "每月至少 3 次" in page and "万源市太平镇中心小学" in page
    client.post(url, {"clear": "home_visit"})
    assert not Quota.objects.filter(school=world.school_a).exists()


def test_a_new_teacher_with_no_child_shows_on_school_coverage(client, world, school_leader):
    TeacherFactory(scope_school=world.school_a, display_name="闲老师")
    client.force_login(school_leader)
    page = text(client.get(reverse("care:coverage")))
    assert "闲老师" in page


def test_the_care_section_is_scoped_logged_and_read_in_few_queries(
    client, world, head_teacher, teacher, paired, django_assert_max_num_queries
):
    """The child file's 关爱 fragment: a 404 outside the scope, a `view` row in the access log,
    and a bounded number of queries whatever the number of actions."""
    for _ in range(4):
        care_action_record(
            actor=teacher, kind=ActionKind.HOME_VISIT, done_on=TODAY, children=[world.child_a]
        )
    url = reverse("care:child-care-section", args=[world.child_a.public_id])
    client.force_login(head_teacher)
    client.get(url)
    # The session and its renewal (5), the child, the log row, then terms, quotas,
    # pairings, exemptions, the latest actions with the periods' action dates (one query),
    # buddy and open tasks.
    with django_assert_max_num_queries(14):
        page = text(client.get(url))
    assert "代理家长" in page and "刘老师" in page
    assert AccessLog.objects.filter(
        user=head_teacher, action=AccessAction.VIEW, child=world.child_a
    ).exists()
    client.force_login(teacher)
    outsider = reverse("care:child-care-section", args=[world.child_b.public_id])
    assert client.get(outsider).status_code == 404
