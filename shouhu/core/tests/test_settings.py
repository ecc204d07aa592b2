"""The typed environment settings: a bad value stops the start with the variable named."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from shouhu.reports.selectors.assessment import COMPONENTS
from shouhu.settings import parse_weights

KEYS = ("coverage", "compliance", "tasks_on_time", "not_escalated")


def test_the_default_assessment_weights_name_every_component():
    assert settings.SHOUHU_ASSESSMENT_WEIGHTS == {
        "coverage": 30,
        "compliance": 40,
        "tasks_on_time": 20,
        "not_escalated": 10,
    }
    assert set(settings.SHOUHU_ASSESSMENT_WEIGHTS) == set(COMPONENTS)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "coverage=30,compliance=40,tasks_on_time=20,not_escalated=10",
            {"coverage": 30, "compliance": 40, "tasks_on_time": 20, "not_escalated": 10},
        ),
        (
            " compliance = 100 , ",
            {"coverage": 0, "compliance": 100, "tasks_on_time": 0, "not_escalated": 0},
        ),
        (
            "not_escalated=0,coverage=1",
            {"coverage": 1, "compliance": 0, "tasks_on_time": 0, "not_escalated": 0},
        ),
    ],
)
def test_weights_are_read_as_key_equals_whole_number_and_a_key_left_out_weighs_nothing(
    value, expected
):
    assert parse_weights(value, keys=KEYS, name="SHOUHU_ASSESSMENT_WEIGHTS") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("coverage=30,attendance=10", "'attendance=10' is not KEY=WEIGHT"),
        ("coverage", "'coverage' is not KEY=WEIGHT"),
        ("coverage:30", "'coverage:30' is not KEY=WEIGHT"),
        ("coverage=30%", "whole number"),
        ("coverage=2.5", "whole number"),
        ("coverage=-5,compliance=10", "whole number"),
        ("coverage=", "whole number"),
        ("coverage=３０", "whole number"),
        ("coverage=10,coverage=20", "coverage is given twice"),
        ("coverage=0,compliance=0", "at least one weight must be above 0"),
        ("", "at least one weight must be above 0"),
    ],
)
def test_a_bad_weight_setting_is_refused_with_the_variable_named(value, message):
    with pytest.raises(ImproperlyConfigured, match="SHOUHU_ASSESSMENT_WEIGHTS") as error:
        parse_weights(value, keys=KEYS, name="SHOUHU_ASSESSMENT_WEIGHTS")
    assert message in str(error.value)


def test_the_project_refuses_to_start_with_bad_assessment_weights(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SHOUHU_")},
        "SHOUHU_ASSESSMENT_WEIGHTS": "coverage=30,compliance=forty",
        "SHOUHU_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "shouhu.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "SHOUHU_ASSESSMENT_WEIGHTS: the weight of compliance" in done.stderr


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """JIT compiled the county's compliance query for minutes on the 20,000-child county."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
