"""Error pages in Chinese with the CSP of every page (issue 12.10): 400, 403, 404, 413 (a
request over Django's size limits, which was Django's bare English 400) and 500."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def csp(client, head_teacher):
    """The policy every page carries: the home page's."""
    client.force_login(head_teacher)
    return client.get(reverse("home"))["Content-Security-Policy"]


def _page(response) -> str:
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_a_malformed_parameter_is_a_chinese_400_with_the_csp(client, csp):
    response = client.get(reverse("reports:census"), {"scope": "abc"})
    assert response.status_code == 400
    assert "请求有误" in _page(response)
    assert response["Content-Security-Policy"] == csp


def test_a_forbidden_page_is_a_chinese_403_with_the_csp(client, csp):
    response = client.get(reverse("audit:index"))
    assert response.status_code == 403
    assert "没有权限" in _page(response)
    assert response["Content-Security-Policy"] == csp


def test_a_missing_page_is_a_chinese_404_with_the_csp(client, csp):
    response = client.get(reverse("registry:child-detail", kwargs={"public_id": uuid.uuid4()}))
    assert response.status_code == 404
    assert "找不到页面" in _page(response)
    assert response["Content-Security-Policy"] == csp


def test_a_request_over_the_size_limit_is_a_chinese_413_with_the_csp(client, csp, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(reverse("care:action-create"), {"summary": "很" * 10_000})
    assert response.status_code == 413
    page = _page(response)
    assert "提交的内容太大" in page and "Bad Request" not in page
    assert response["Content-Security-Policy"] == csp


def test_too_many_fields_is_a_chinese_413(client, csp, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post(reverse("care:action-create"), {f"f{n}": "x" for n in range(50)})
    assert response.status_code == 413
    assert "提交的内容太大" in _page(response)


@pytest.mark.urls("shouhu.core.tests.urls_failing")
def test_a_server_error_is_a_chinese_500_with_the_csp(head_teacher, csp):
    client = Client(raise_request_exception=False)
    client.force_login(head_teacher)
    response = client.get("/fails/")
    assert response.status_code == 500
    page = _page(response)
    assert "系统出错" in page and "Server Error" not in page
    assert response["Content-Security-Policy"] == csp
