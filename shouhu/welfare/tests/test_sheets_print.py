"""The clinic's health-check template prints as it comes (issue 20, `core.xlsx`)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouhu.testing.sheets import assert_prints


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.SHOUHU_TWO_FACTOR_ROLES = ()


@pytest.mark.django_db
def test_the_health_template_of_a_class_prints_with_its_header_on_every_page(
    client, world, head_teacher
):
    client.force_login(head_teacher)
    response = client.get(reverse("welfare:health-template"), {"class": world.class_a.pk})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "李家成"
    assert assert_prints(sheet, title_rows="1:1", first_row=1) >= 9
    assert world.class_a.name in sheet.oddHeader.center.text
