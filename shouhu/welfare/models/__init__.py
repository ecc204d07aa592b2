"""The welfare app's tables, a module per concept (each imported here for Django)."""

from shouhu.welfare.models.aid import AidNotice, AidRecord  # noqa: F401  (aid, 资助·救助)
from shouhu.welfare.models.guardianship import (  # noqa: F401
    Commendation,
    GuardianAgreement,
    HukouReferral,
    TrainingAttendance,
    TrainingSession,
)
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
