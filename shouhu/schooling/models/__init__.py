"""The schooling app's tables, a module per concept: attendance (the roll call and the school
calendar), dropout (the ledgers and the 劝返 case), grades and study-help plans."""

from shouhu.schooling.models.attendance import (
    Absence,
    AbsenceReason,
    CalendarChange,
    CalendarChangeKind,
    RollCall,
)

__all__ = ["Absence", "AbsenceReason", "CalendarChange", "CalendarChangeKind", "RollCall"]

from shouhu.schooling.models.dropout import (  # noqa: E402
    CaseState,
    DropoutCase,
    DropoutCause,
    FollowUpCheck,
    MonthlyReport,
    PersuasionAttempt,
    QuarterReview,
    SuspectedDropout,
    SuspectRule,
    SuspectStatus,
)

__all__ += [
    "CaseState",
    "DropoutCase",
    "DropoutCause",
    "FollowUpCheck",
    "MonthlyReport",
    "PersuasionAttempt",
    "QuarterReview",
    "SuspectRule",
    "SuspectStatus",
    "SuspectedDropout",
]

from shouhu.schooling.models.grades import (  # noqa: E402 - grades and study plans
    ClassSubject,
    ExamKind,
    GradeResult,
    PlanGoal,
    PlanOutcome,
    PlanStatus,
    StudyPlan,
    Subject,
)

__all__ += [
    "ClassSubject",
    "ExamKind",
    "GradeResult",
    "PlanGoal",
    "PlanOutcome",
    "PlanStatus",
    "StudyPlan",
    "Subject",
]
