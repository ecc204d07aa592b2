"""The duties that run on a schedule, each declared by the app that owns it in its own `jobs`
module (`shouhu/care/jobs.py`, `shouhu/audit/jobs.py`, …):

    @duty(name="care.escalations", label=_("家访任务升级督办"), schedule=Daily(7))
    def escalations(day: datetime.date) -> str: ...

A duty gets the day its occurrence fell due (in China) and returns a short summary for the run
record, with counts, never names: it is shown to the administrator, who sees no child data. It
must be idempotent: running it again for the same day changes nothing more. The jobs app finds
these modules when Django starts (`JobsConfig.ready`) and imports none of the apps by name.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.utils.functional import Promise

from shouhu.jobs.schedule import Schedule

DutyRun = Callable[[datetime.date], str]


@dataclass(frozen=True)
class Duty:
    name: str
    label: str | Promise
    schedule: Schedule
    run: DutyRun


_DUTIES: dict[str, Duty] = {}


def duty(*, name: str, label: str | Promise, schedule: Schedule) -> Callable[[DutyRun], DutyRun]:
    """Declare a function as a duty run on `schedule`; `name` is unique ("app.what")."""

    def register(run: DutyRun) -> DutyRun:
        existing = _DUTIES.get(name)
        if existing is not None and existing.run is not run:
            raise ValueError(f"two duties are named {name}")
        _DUTIES[name] = Duty(name=name, label=label, schedule=schedule, run=run)
        return run

    return register


def duties() -> list[Duty]:
    return sorted(_DUTIES.values(), key=lambda d: d.name)


def duty_get(name: str) -> Duty | None:
    return _DUTIES.get(name)


def autodiscover() -> None:
    """Import the `jobs` module of every Shouhu app that has one."""
    for config in apps.get_app_configs():
        if not config.name.startswith("shouhu.") or config.name == "shouhu.jobs":
            continue
        module = f"{config.name}.jobs"
        try:
            import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise
