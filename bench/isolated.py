"""A benchmark run in a process of its own, on a throwaway SQLite database: the import, grade,
Home-roster and outbox benchmarks all start this way.

`run_isolated(script, name=…, args=…, env=…)` runs `script` with this interpreter in a fresh
temporary directory (its database `bench.sqlite3` and `SHOUHU_VAR_DIR`), with the directory as
the script's last argument, and returns the JSON object the script printed on its last line;
a failing script raises with the end of its stderr.

`django_ready()` is the script's side: Django set up with DEBUG off and the empty database
migrated.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_isolated(
    script: str, *, name: str, args: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"shouhu-{name}-bench-") as tmp:
        environment = {
            **os.environ,
            "SHOUHU_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "SHOUHU_VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "shouhu.settings",
            **{k: v.format(tmp=tmp) for k, v in (env or {}).items()},
        }
        done = subprocess.run(  # noqa: S603 - this interpreter running a bench script
            [sys.executable, script, *args, tmp],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{name} benchmark failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def django_ready() -> None:
    """In the benchmark's own process: Django set up, DEBUG off, the database migrated."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
