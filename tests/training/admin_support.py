"""What the training admin tests share: the admin's addresses, a new cohort's fields, and a
course's page as it is posted.
Their clients are fixtures in ``conftest.py``; what a page said is read with
``tests.support.messages.messages_of``."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.training.support import NEW_COURSE

OTHER_STAFF = ["Fund manager", "Assessor", "Communications"]


def cohort_url(cohort, name: str = "change", *args: object) -> str:
    return reverse(f"admin:training_cohort_{name}", args=[cohort.pk, *args])


def enrolment_url(enrolment, name: str = "change") -> str:
    return reverse(f"admin:training_enrolment_{name}", args=[enrolment.pk])


COHORTS = reverse("admin:training_cohort_changelist")
ENROLMENTS = reverse("admin:training_enrolment_changelist")


DAY = timedelta(days=1)


def split(moment) -> dict[str, str]:
    """Return the admin's date and time inputs for ``moment``, in UK time."""
    local = timezone.localtime(moment)
    return {"0": local.strftime("%Y-%m-%d"), "1": local.strftime("%H:%M")}


def cohort_data(course, **overrides) -> dict[str, str]:
    """The add page's fields for a cohort with one session, a month off."""
    now = timezone.now()
    starts = now + 30 * DAY
    data = {
        "course": str(course.pk),
        "name": "Spring",
        "capacity": "20",
        "max_per_organisation": "",
        "reserved_places": "0",
        "reserved_release_at_0": "",
        "reserved_release_at_1": "",
        "enrolment_opens_at_0": split(now)["0"],
        "enrolment_opens_at_1": "09:00",
        "enrolment_closes_at_0": split(now + 20 * DAY)["0"],
        "enrolment_closes_at_1": "17:00",
        "joining_instructions": "Room 2.",
        "feedback_survey_url": "",
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
        "sessions-0-starts_at_0": split(starts)["0"],
        "sessions-0-starts_at_1": "09:30",
        "sessions-0-ends_at_0": split(starts)["0"],
        "sessions-0-ends_at_1": "16:00",
        "sessions-0-location": "Town Hall, Borchester",
    }
    data.update(overrides)
    return data


def course_data(**overrides: str) -> dict[str, str]:
    """The add page's fields for a new, published course."""
    return {
        **NEW_COURSE,
        "skills": "incident response,phishing",
        "is_published": "on",
        **overrides,
    }


def course_posted(course, **overrides: str) -> dict[str, str]:
    """The course's page as it opens, posted with ``overrides``."""
    data = {
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "description": course.description,
        "audience": course.audience,
        "course_format": course.course_format,
        "duration": course.duration,
        "skills": ",".join(course.skills),
    }
    if course.is_published:
        data["is_published"] = "on"
    return {**data, **overrides}
