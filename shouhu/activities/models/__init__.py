"""The activities app's tables, a module per concept (each imported here for Django)."""

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
