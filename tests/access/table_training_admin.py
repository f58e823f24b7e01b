"""Access to training in the admin: courses, cohorts with their sessions, enrolments, and
the pages that change them through the services, take a register and show the report.

Training administrators (and superusers) run it all, as migration training 0002 grants;
every other staff group is refused (403), and anyone not verified staff is sent to sign in
(302). Enrolments are made by people enrolling and from a cohort's "Enrol someone" page,
never by the add page, and nobody deletes them; only a superuser may delete a course or a
cohort, and the database refuses while anyone is enrolled on it. What each role may POST,
and that accessibility and dietary needs stay with training administrators, is tested in
tests/training/admin/.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.access.roles import SUPERUSER, TRAINING, staff_only
from tests.training.factories import (
    CohortFactory,
    CohortSessionFactory,
    CourseFactory,
    EnrolmentFactory,
)

TRAINERS = {TRAINING, SUPERUSER}
TRAINERS_ONLY = {**staff_only(403, council=302), TRAINING: 200, SUPERUSER: 200}

COHORT_PK = 990_611
SESSION_PK = 990_612
ENROLMENT_PK = 990_613
OTHER_COHORT_PK = 990_614

COHORT: dict[str, object] = {"cohort_id": COHORT_PK}

URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    # A button on an object's page runs a list action by POST alone (who may is the
    # action's permission, tested with the action): a GET is refused before anything else.
    "admin:training_cohort_object_action": (
        {"object_id": "1", "action": "publish_selected"},
        staff_only(405, council=302),
    ),
    "admin:training_enrolment_object_action": (
        {"object_id": "1", "action": "cancel_selected"},
        staff_only(405, council=302),
    ),
    "admin:training_cohort_capacity": (COHORT, TRAINERS_ONLY),
    "admin:training_cohort_session": ({**COHORT, "session_id": SESSION_PK}, TRAINERS_ONLY),
    "admin:training_cohort_register": ({**COHORT, "session_id": SESSION_PK}, TRAINERS_ONLY),
    "admin:training_cohort_cancel": (COHORT, TRAINERS_ONLY),
    "admin:training_cohort_enrol": (COHORT, TRAINERS_ONLY),
    "admin:training_cohort_report": ({}, TRAINERS_ONLY),
    "admin:training_cohort_report_csv": ({}, TRAINERS_ONLY),
    "admin:training_cohort_report_organisations_csv": ({}, TRAINERS_ONLY),
    "admin:training_enrolment_move": ({"enrolment_id": ENROLMENT_PK}, TRAINERS_ONLY),
}

ADMIN_MODEL_ACCESS: dict[str, dict[str, set[str]]] = {
    "training.course": {"view": TRAINERS, "add": TRAINERS, "delete": {SUPERUSER}},
    "training.cohort": {"view": TRAINERS, "add": TRAINERS, "delete": {SUPERUSER}},
    "training.enrolment": {"view": TRAINERS, "add": set(), "delete": set()},
}

ADMIN_MODEL_OBJECTS: dict[str, Callable[[], object]] = {
    "training.course": lambda: CourseFactory.create(),
    "training.cohort": lambda: CohortFactory.create(),
    "training.enrolment": lambda: EnrolmentFactory.create(needs="Step-free access, please."),
}


def setup() -> None:
    """Make the open cohort with a session and someone enrolled on it, and another open
    cohort of the course to move them to, that the URLs name."""
    course = CourseFactory.create(slug="access-table-admin-course")
    cohort = CohortFactory.create(pk=COHORT_PK, course=course, sessions=[])
    CohortSessionFactory.create(pk=SESSION_PK, cohort=cohort)
    CohortFactory.create(pk=OTHER_COHORT_PK, course=course)
    EnrolmentFactory.create(pk=ENROLMENT_PK, cohort=cohort)
