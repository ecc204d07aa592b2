"""Demo data is refused in production (issue 12, point 14): the demo accounts carry the password
published in the README, so whoever logged in first would own the admin, county and privacy
accounts."""

import io
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command

from shouhu.accounts.models import User


@pytest.mark.django_db
def test_seed_demo_refuses_production_settings_and_writes_nothing(settings):
    settings.SHOUHU_DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="生产环境.*拒绝载入演示数据"):
        call_command("seed_demo", "--children", "5", stdout=io.StringIO())
    assert not User.objects.exists()


def test_seed_demo_with_shouhu_debug_0_exits_non_zero_in_chinese(tmp_path):
    key_file = tmp_path / "field.key"
    key_file.write_text(Fernet.generate_key().decode())
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SHOUHU_")},
        "SHOUHU_DEBUG": "0",
        "SHOUHU_SECRET_KEY": "x7#Qp2!v" * 8,
        "SHOUHU_FIELD_KEY_FILE": str(key_file),
        "SHOUHU_ALLOWED_HOSTS": "shouhu.example.cn",
        "SHOUHU_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "shouhu.settings",
        # This checkout's code, whichever one the virtualenv was installed from.
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    done = subprocess.run(
        [sys.executable, "-m", "shouhu.cli", "seed-demo", "--if-empty"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode != 0
    assert "生产环境（SHOUHU_DEBUG=0）拒绝载入演示数据" in done.stderr
    assert "已载入演示数据" not in done.stdout
