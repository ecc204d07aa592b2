"""The welfare app's tables, a module per concept (each imported here for Django)."""

from shouhu.welfare.models.health import (  # noqa: F401
    ConditionKind,
    Dental,
    HealthCheck,
    HealthCondition,
)
from shouhu.welfare.models.safety import (  # noqa: F401
    Incident,
    IncidentFollowUp,
    IncidentKind,
    IncidentNotice,
    Lecture,
    LectureKind,
    LecturePeriod,
    LectureQuota,
    NotifiedParty,
)
