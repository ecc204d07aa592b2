"""The activities' figures of `make bench` (issue 16), measured inside `run.py`'s county process:

- `event_record_ms`: recording an event with 300 children (`event_record`, as the township
  officer, each run rolled back), target < 300 ms;
- `person_times_county_ms`: the county's 人次 by kind for the term (`activity_person_times`,
  as the county officer, no cache), target < 500 ms.

Beside each wall-time median, `cpu_ms` is the median CPU time of this process (SQLite runs in
it): on the shared machine the wall time moves with the load. The keys without a suffix are
the synthetic county of 20,000 children on SQLite, the ones the issue names; the demo county's
end in `_demo`, PostgreSQL's in `_pg`.
"""

import statistics
import time
from collections.abc import Callable

EVENT_CHILDREN = 300
KEY_SUFFIXES = {"": "_demo", "_20k": "", "_20k_pg": "_pg"}


def activities_figures(
    *, suffix: str, measure: type, median_ms: Callable, today, county: str, term: str
) -> list:
    """The two figures on the county process's database (`suffix` names the county as in
    `run.py`'s SUFFIXES). `measure` is run.py's Measure, `median_ms` its timer."""
    from django.db import transaction

    from shouhu.accounts.models import User
    from shouhu.activities.models import EventKind, Organiser
    from shouhu.activities.services.events import event_record
    from shouhu.org.models import Region, Term
    from shouhu.registry.models import Child
    from shouhu.reports.selectors import FIGURES

    key = KEY_SUFFIXES.get(suffix, suffix)
    recording = measure(f"event_record{key}_ms", f"event_record, {EVENT_CHILDREN} children")
    township = User.objects.get(username="township")
    children = list(
        Child.objects.restrict(township)
        .on_register()
        .select_related("school_class__school")[:EVENT_CHILDREN]
    )
    recording.extra = {"children": len(children)}

    def record() -> None:
        with transaction.atomic():
            event_record(
                actor=township,
                kind=EventKind.SPORTS_ARTS,
                title="运动会",
                held_on=today,
                organiser=Organiser.TOWNSHIP,
                children=children,
            )
            transaction.set_rollback(True)

    recording.value, recording.runs = median_ms(run=record)
    recording.extra["cpu_ms"] = cpu_median_ms(record)

    by_kind = measure(f"person_times_county{key}_ms", f"人次 by kind, county {county} {term}")
    officer = User.objects.get(username="county")
    node = Region.objects.get(code=county.ljust(12, "0"))
    the_term = Term.objects.get(code=term)
    person_times = FIGURES["activity_person_times"].function
    counts = person_times(officer, node=node, term=the_term)
    by_kind.extra = {"person_times": sum(c.person_times for c in counts)}
    by_kind.value, by_kind.runs = median_ms(
        run=lambda: person_times(officer, node=node, term=the_term)
    )
    by_kind.extra["cpu_ms"] = cpu_median_ms(lambda: person_times(officer, node=node, term=the_term))
    return [recording, by_kind]


def cpu_median_ms(run: Callable[[], object], runs: int = 7) -> float:
    """This process's CPU time for `run` (SQLite runs in the process): on the shared machine
    it moves less with the load than the wall time does."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        run()
        times.append((time.process_time() - started) * 1000)
    return round(statistics.median(times), 1)
