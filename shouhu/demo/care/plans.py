"""The care plan as plain rows: who carries which child, and every piece of work, by index
into the county plan's children (`CountyPlan.children`) and by username."""

import datetime
from dataclasses import dataclass, field

from shouhu.care.models import PairingKind
from shouhu.demo.care.calendar import Window


@dataclass(frozen=True, slots=True)
class StaffPlan:
    """An account the care work needs besides the demo accounts and head teachers."""

    username: str
    name: str
    role: str  # accounts Role value: teacher or volunteer
    school: str | None  # school code; None for a volunteer


@dataclass(slots=True)
class PairingPlan:
    child: int  # index into CountyPlan.children
    carer: str  # username
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    kind: str = PairingKind.PROXY_PARENT.value


@dataclass(frozen=True, slots=True)
class BuddyPlan:
    child: int
    name: str
    starts_on: datetime.date


@dataclass(frozen=True, slots=True)
class ExemptionPlan:
    child: int
    starts_on: datetime.date
    ends_on: datetime.date
    reason: str
    granted_by: str


@dataclass(slots=True)
class ActionPlan:
    kind: str
    done_on: datetime.date
    author: str
    children: tuple[int, ...]
    summary: str
    follow_up_on: datetime.date | None = None


@dataclass(slots=True)
class SignalPlan:
    """An observation (五必访) and its home-visit task; `visit` closed it (index into actions)."""

    child: int
    kind: str
    noted_on: datetime.date
    note: str
    author: str
    assignee: str
    due_on: datetime.date
    visit: int | None = None


@dataclass
class CarePlan:
    window: Window
    staff: list[StaffPlan]
    pairings: list[PairingPlan]
    buddies: list[BuddyPlan]
    exemptions: list[ExemptionPlan]
    actions: list[ActionPlan]
    signals: list[SignalPlan]
    # The demo accounts' scripted children (indexes): teacher's three, the leader's escalation.
    script: dict[str, list[int]] = field(default_factory=dict)
