"""Access to the training pages: the public courses, enrolling, and a person's own
enrolments, offers and certificates.

``setup()`` makes a published course with an open cohort, and someone else's completed
enrolment (with its certificate) and pending offer. The course pages are open to everyone.
Enrolling, and checking the answers, need a signed-in person; none of the roles here
belongs to a published signatory, so each is shown why they cannot enrol yet (200), and
anyone not signed in is sent to sign in (302). The enrolment, offer and certificate pages
and the enrolment's calendar file belong to their person alone: every signed-in role,
staff included, is told they do not exist (404). That the person themselves gets each page
is shown in ``tests/training/views/test_account.py`` and ``test_calendar.py``.
"""

from __future__ import annotations

from tests.access.roles import everyone, signed_in
from tests.training.factories import CohortFactory, CourseFactory, EnrolmentFactory, OfferFactory

COURSE = "access-table-course"
COHORT_PK = 990_601
ENROLMENT_PK = 990_602
OFFER_PK = 990_603

PUBLIC = everyone(200)
OWNER_ONLY = signed_in(404)

URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    "training:course-list": ({}, PUBLIC),
    "training:course-detail": ({"slug": COURSE}, PUBLIC),
    "training:enrol": ({"slug": COURSE, "pk": COHORT_PK}, signed_in(200)),
    "training:enrol-check": ({"slug": COURSE, "pk": COHORT_PK}, signed_in(200)),
    "training:enrolment-detail": ({"pk": ENROLMENT_PK}, OWNER_ONLY),
    "training:enrolment-confirmation": ({"pk": ENROLMENT_PK}, OWNER_ONLY),
    "training:enrolment-cancel": ({"pk": ENROLMENT_PK}, OWNER_ONLY),
    "training:certificate": ({"pk": ENROLMENT_PK}, OWNER_ONLY),
    "training:enrolment-calendar": ({"pk": ENROLMENT_PK}, OWNER_ONLY),
    "training:offer": ({"pk": OFFER_PK}, OWNER_ONLY),
}


def setup() -> None:
    """Make the course, its open cohort, someone's completed enrolment on a past cohort
    and someone's pending offer, that the URLs name."""
    course = CourseFactory.create(slug=COURSE)
    CohortFactory.create(pk=COHORT_PK, course=course)
    EnrolmentFactory.create(
        pk=ENROLMENT_PK, cohort=CohortFactory.create(course=course, past=True), completed=True
    )
    OfferFactory.create(pk=OFFER_PK, enrolment__cohort__course=course)
