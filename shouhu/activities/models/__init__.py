"""The activities app's tables, a module per concept (each imported here for Django)."""

from shouhu.activities.models.booking import (  # noqa: F401
    BookingState,
    CallSlot,
    SlotBooking,
)
from shouhu.activities.models.events import (  # noqa: F401
    Event,
    EventChild,
    EventKind,
    EventPhoto,
    EventStaff,
    Organiser,
    PhotoConsent,
)
from shouhu.activities.models.groups import (  # noqa: F401
    GroupMembership,
    InterestGroup,
    Weekday,
)
from shouhu.activities.models.home import (  # noqa: F401
    CallParent,
    CallWay,
    DutyDay,
    DutySwap,
    FamilyCall,
    Home,
    HomeDay,
    HomeSetting,
)
from shouhu.activities.models.reading import (  # noqa: F401
    Award,
    AwardKind,
    ChoreRecord,
    ReadingRecord,
)
