"""The dashboard (/dashboard/): tiles with the change from last term, charts with their
tables, drill-down to the class, scope, and a cap on the queries."""

import re

import pytest
from django.urls import reverse

from shouhu.reports.charts import STYLESHEET, chart_stylesheet
from shouhu.testing.dates import day, term_code

URL = reverse("reports:dashboard")
CURRENT = term_code("2026-2027-1")


def _tile(html: str, key: str) -> str:
    match = re.search(rf'<li class="tile[^"]*"[^>]*data-key="{key}">(.*?)</li>', html, re.S)
    assert match, key
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_head_teacher_sees_their_class_by_default(client, reported, head_teacher):
    client.force_login(head_teacher)
    html = client.get(URL).content.decode()
    assert "统计看板 · 三年级(2)班" in html
    assert "7.5%" in _tile(html, "left_behind_education")
    # The class's summary is offered to its head teacher; the leaders' pages are not.
    assert f'href="{reverse("reports:summary")}?scope=class%3A{reported.class_a.pk}' in html
    assert reverse("reports:workbook") not in html
    assert reverse("reports:assessment") not in html


def test_school_dashboard(client, reported, school_leader):
    client.force_login(school_leader)
    html = client.get(URL).content.decode()
    assert "统计看板 · 万源市太平镇中心小学" in html
    assert "75" in _tile(html, "pupils") and "较上学期 +1" in _tile(html, "pupils")
    education = _tile(html, "left_behind_education")
    assert " 3 " in education and "4.0%" in education and "较上学期 +2" in education
    assert "75.0%" in _tile(html, "compliance_month") and "3/4" in _tile(html, "compliance_month")
    assert " 2 " in _tile(html, "tasks_open")
    assert " 1 " in _tile(html, "tasks_overdue")


def test_tiles_of_children_at_risk_are_red_when_above_zero(client, reported, school_leader):
    client.force_login(school_leader)
    html = client.get(URL).content.decode()
    for key in ("unsupervised", "without_guardian", "without_proxy"):
        assert re.search(rf'<li class="tile alert"[^>]*data-key="{key}"', html), key
    assert not re.search(r'<li class="tile alert"[^>]*data-key="pupils"', html)


def test_each_tile_carries_its_definition(client, reported, school_leader):
    client.force_login(school_leader)
    html = client.get(URL).content.decode()
    assert 'title="留守儿童（教育部门口径）：父母双方外出' in html


def test_charts_are_inline_svg_without_inline_style_or_script_each_with_its_table(
    client, reported, school_leader
):
    client.force_login(school_leader)
    html = client.get(URL).content.decode()
    figures = re.findall(r'<figure class="chart card".*?</figure>', html, re.S)
    # trend, categories and flags, compliance by month, classes, activities' 人次 by kind
    assert len(figures) == 5
    for figure in figures:
        assert "<svg" in figure and 'role="img"' in figure
        assert "<style" not in figure and "<script" not in figure
        assert '<details class="table-view">' in figure and "<table" in figure
    assert f"{day(2026, 11, 1).year}年11月" in figures[2] and '<td class="num">2</td>' in figures[2]
    assert "reports/charts.css" in html


def test_the_chart_stylesheet_is_pygals_own_for_our_style():
    assert STYLESHEET.read_text(encoding="utf-8") == chart_stylesheet(), (
        "run: .venv/bin/python -c 'import django, os; os.environ.setdefault("
        '"DJANGO_SETTINGS_MODULE", "shouhu.settings"); django.setup(); '
        "from shouhu.reports.charts import write_stylesheet; write_stylesheet()'"
    )


def test_drill_down_from_the_county_to_a_class(client, reported, region_officer):
    client.force_login(region_officer)
    county = client.get(URL).content.decode()
    assert f'href="?scope=511781101&amp;term={CURRENT}">太平镇</a>' in county
    township = client.get(URL, {"scope": "511781101", "term": CURRENT}).content.decode()
    assert f'href="?scope={reported.school_a.code}&amp;term={CURRENT}"' in township
    school = client.get(URL, {"scope": reported.school_a.code}).content.decode()
    class_link = f'href="?scope=class:{reported.class_a.pk}&amp;term={CURRENT}"'
    assert class_link in school
    response = client.get(URL, {"scope": f"class:{reported.class_a.pk}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "三年级(2)班" in html and "按班级" not in html
    assert "万源市太平镇中心小学</a>" in html  # drill back up


def test_another_term_can_be_chosen(client, reported, school_leader):
    client.force_login(school_leader)
    html = client.get(URL, {"term": term_code("2025-2026-2")}).content.decode()
    assert " 1 " in _tile(html, "left_behind_education")
    assert client.get(URL, {"term": "1999-2000-1"}).status_code == 404


@pytest.mark.parametrize(
    "user, scope",
    [
        ("school_leader", "3151781002"),
        ("township_officer", "511781102"),
        ("region_officer", "511702"),
        ("head_teacher", "3151781001"),
    ],
)
def test_a_node_outside_the_scope_is_404(client, reported, request, user, scope):
    client.force_login(request.getfixturevalue(user))
    assert client.get(URL, {"scope": scope}).status_code == 404


@pytest.mark.parametrize("user", ["teacher", "counsellor", "privacy_officer", "admin"])
def test_roles_without_the_dashboard_get_403(client, reported, request, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    "user, scope", [("region_officer", "511781"), ("school_leader", ""), ("head_teacher", "")]
)
def test_the_dashboard_reads_a_capped_number_of_queries(
    client, reported, request, django_assert_max_num_queries, user, scope
):
    client.force_login(request.getfixturevalue(user))
    # 38 for the census and care tiles, and a query or two for each new app's (issues 14–16).
    with django_assert_max_num_queries(50):
        response = client.get(URL, {"scope": scope} if scope else {})
    assert response.status_code == 200


def test_the_query_count_does_not_grow_with_the_children(
    client, reported, region_officer, school_leader
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shouhu.testing.factories import register_child

    client.force_login(region_officer)
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    for _ in range(5):
        register_child(school_leader, reported.class_a2)
    with CaptureQueriesContext(connection) as after:
        client.get(URL)
    assert len(after) == len(before)


# --- the compliance read alongside the other figures -------------------------------------------


def _board(user, tree):
    from shouhu.reports.selectors.base import figures_cached
    from shouhu.reports.selectors.dashboard import dashboard_for

    with figures_cached():
        board = dashboard_for(user, node=tree.county, term=tree.term)
    return {
        "tiles": [(t.key, t.value, t.previous, t.percent, t.detail) for t in board.tiles],
        "months": [m.as_dict() for m in board.months],
        "units": [u.as_dict() for u in board.units],
    }


def _reading_threads(monkeypatch) -> list:
    """The threads the dashboard's compliance is read on, as it reads it."""
    import threading

    from shouhu.reports.selectors import dashboard

    threads = []
    prefetch = dashboard.prefetch_compliance

    def prefetch_noting_the_thread(*args, **kwargs):
        threads.append(threading.current_thread())
        return prefetch(*args, **kwargs)

    monkeypatch.setattr(dashboard, "prefetch_compliance", prefetch_noting_the_thread)
    return threads


def test_inside_a_transaction_the_compliance_is_read_on_the_request_connection(
    reported, region_officer, tree, monkeypatch
):
    """A test's data is not committed: another connection would not see it."""
    import threading

    threads = _reading_threads(monkeypatch)
    board = _board(region_officer, tree)
    assert threads == [threading.main_thread()]
    assert dict((t[0], t[1]) for t in board["tiles"])["compliance_month"] is not None


@pytest.mark.django_db(transaction=True)
def test_the_compliance_read_alongside_equals_the_figures_read_one_after_the_other(
    reported, region_officer, tree, monkeypatch, settings
):
    import threading

    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is read on one connection only")
    threads = _reading_threads(monkeypatch)
    alongside = _board(region_officer, tree)
    assert threads and threads[0] is not threading.main_thread()
    settings.SHOUHU_PARALLEL_FIGURES = False
    assert _board(region_officer, tree) == alongside
    assert threads[1] is threading.main_thread()


@pytest.mark.django_db(transaction=True)
def test_a_read_alongside_closes_its_connection_and_raises_its_error_here(tree):
    from django.db import connection, connections

    from shouhu.reports.selectors.base import read_alongside

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is read on one connection only")
    used = []

    def failing_read():
        used.append(connections["default"])
        with used[0].cursor() as cursor:
            cursor.execute("SELECT 1")
        raise LookupError("the read failed")

    with pytest.raises(LookupError, match="the read failed"):
        with read_alongside(failing_read):
            assert connection.cursor()  # the block runs on the request's connection
    assert used[0] is not connection
    assert used[0].connection is None  # closed on its thread


@pytest.mark.django_db(transaction=True)
def test_what_a_read_alongside_caches_the_block_finds(tree):
    import threading

    from django.db import connection

    from shouhu.reports.selectors.base import cached, figures_cached, read_alongside

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is read on one connection only")
    with figures_cached():
        with read_alongside(lambda: cached("reader", threading.current_thread)):
            pass
        reader = cached("reader", threading.current_thread)  # found, not computed again
    assert reader is not threading.main_thread()
