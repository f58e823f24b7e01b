"""The training app's models: courses and cohorts, and enrolments with what follows them."""

from .courses import (
    COHORT_LIVE_STATUSES,
    Audience,
    Cohort,
    CohortSession,
    CohortStatus,
    Course,
    CourseFormat,
)
from .enrolments import (
    CANCELLABLE_STATUSES,
    LIVE_STATUSES,
    PLACE_STATUSES,
    TAKEN_STATUSES,
    Attendance,
    Enrolment,
    EnrolmentReminder,
    EnrolmentStatus,
    Offer,
    OfferStatus,
    ReminderKind,
    SessionChange,
    SessionChangeNotice,
)

__all__ = [
    "CANCELLABLE_STATUSES",
    "COHORT_LIVE_STATUSES",
    "LIVE_STATUSES",
    "PLACE_STATUSES",
    "TAKEN_STATUSES",
    "Attendance",
    "Audience",
    "Cohort",
    "CohortSession",
    "CohortStatus",
    "Course",
    "CourseFormat",
    "Enrolment",
    "EnrolmentReminder",
    "EnrolmentStatus",
    "Offer",
    "OfferStatus",
    "ReminderKind",
    "SessionChange",
    "SessionChangeNotice",
]
