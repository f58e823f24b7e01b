"""Staff screens for training, for training administrators: courses, cohorts with their
sessions, enrolments, attendance and the report. One module per area."""

from . import cohorts, courses, enrolments

__all__ = ["cohorts", "courses", "enrolments"]
