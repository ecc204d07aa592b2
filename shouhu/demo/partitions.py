"""The months a seed writes into, made before it writes (PostgreSQL's monthly partitions:
shouhu.core.partitions; nothing on SQLite). A row whose month has no partition is refused, and
the demo and `shouhu synth` write care actions and access-log entries dated back to the terms
they seed."""

from shouhu.core.partitions import AHEAD_MONTHS, months_after, partitions_ensure
from shouhu.demo.care.calendar import Window
from shouhu.demo.terms import DemoCalendar


def seed_partitions(*, calendar: DemoCalendar, window: Window) -> list[str]:
    """From a school year before the first term or care month seeded (registrations are dated
    before their term) to the duty's months ahead of today; the partitions made."""
    first = min(window.start, calendar.previous[3])
    return partitions_ensure(
        first=months_after(first.replace(day=1), -12),
        last=months_after(calendar.today.replace(day=1), AHEAD_MONTHS),
    )
