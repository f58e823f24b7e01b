"""Every form in training that succeeds answers with a redirect (Post/Redirect/Get), so
Back and reloading after it never ask to send the form again (issue 10, defect 3).

Each case posts one form as its user would, with valid answers, and checks both the
redirect and that the form did what it says. The enrolment form used to answer with the
check your answers page itself, so Back after enrolling showed "Confirm Form
Resubmission".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.support.clients import client_for
from tests.training.admin_support import (
    COHORTS,
    ENROLMENTS,
    cohort_data,
    cohort_url,
    enrolment_url,
    split,
)
from tests.training.factories import (
    CohortFactory,
    CourseFactory,
    EnrolmentFactory,
    OfferFactory,
    signatory_member,
)
from training.models import (
    Attendance,
    Cohort,
    CohortSession,
    CohortStatus,
    Course,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferStatus,
)

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
ANSWERS = {
    "job_title": "Service designer",
    "line_manager_email": "manager@borsetshire.gov.uk",
    "needs": "",
    "consent": "on",
}


@dataclass
class Form:
    """A form to post: by whom, where, with what, and what must be true after it."""

    client: Client
    url: str
    data: dict
    done: Callable[[], bool]


def enrol_url(cohort) -> str:
    return f"/training/{cohort.course.slug}/cohorts/{cohort.pk}/enrol/"


def the_enrolment_form(trainer) -> Form:
    cohort = CohortFactory.create()
    client = client_for(signatory_member())
    return Form(
        client,
        enrol_url(cohort),
        ANSWERS,
        lambda: (
            client.session.get(f"training.enrol.{cohort.pk}", {}).get("job_title")
            == "Service designer"
        ),
    )


def _check_page(cohort, status: str) -> Form:
    """The check page of a person's answers to enrol on ``cohort``, which ends ``status``."""
    user = signatory_member()
    client = client_for(user)
    client.post(enrol_url(cohort), ANSWERS)
    return Form(
        client,
        enrol_url(cohort) + "check/",
        {},
        lambda: Enrolment.objects.filter(user=user, status=status).exists(),
    )


def check_your_answers(trainer) -> Form:
    return _check_page(CohortFactory.create(), EnrolmentStatus.ENROLLED)


def check_your_answers_for_the_waiting_list(trainer) -> Form:
    cohort = CohortFactory.create(capacity=1)
    EnrolmentFactory.create(cohort=cohort)
    return _check_page(cohort, EnrolmentStatus.WAITING)


def cancelling_a_place(trainer) -> Form:
    enrolment = EnrolmentFactory.create()
    return Form(
        client_for(enrolment.user),
        f"/account/training/enrolments/{enrolment.pk}/cancel/",
        {},
        lambda: Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.CANCELLED,
    )


def leaving_the_waiting_list(trainer) -> Form:
    cohort = CohortFactory.create(capacity=1)
    EnrolmentFactory.create(cohort=cohort)
    enrolment = EnrolmentFactory.create(cohort=cohort, waiting=True, waiting_position=1)
    return Form(
        client_for(enrolment.user),
        f"/account/training/enrolments/{enrolment.pk}/cancel/",
        {},
        lambda: Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.CANCELLED,
    )


def offer(answer: str, status: str) -> Callable:
    def case(trainer) -> Form:
        made = OfferFactory.create()
        return Form(
            client_for(made.enrolment.user),
            f"/account/training/offers/{made.pk}/",
            {"answer": answer},
            lambda: Offer.objects.get(pk=made.pk).status == status,
        )

    return case


def adding_a_course(trainer) -> Form:
    return Form(
        trainer,
        "/admin/training/course/add/",
        {
            "title": "Cyber security for councils",
            "slug": "cyber-prg",
            "summary": "Protect services and data.",
            "description": "One day.",
            "audience": "everyone",
            "course_format": "online",
            "duration": "1 day",
            "skills": "phishing",
            "is_published": "on",
        },
        lambda: Course.objects.filter(slug="cyber-prg").exists(),
    )


def adding_a_cohort(trainer) -> Form:
    course = CourseFactory.create()
    return Form(
        trainer,
        "/admin/training/cohort/add/",
        cohort_data(course, name="Added"),
        lambda: Cohort.objects.filter(course=course, name="Added").exists(),
    )


def publishing_cohorts(trainer) -> Form:
    draft = CohortFactory.create(draft=True)
    return Form(
        trainer,
        COHORTS,
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        lambda: Cohort.objects.get(pk=draft.pk).status == CohortStatus.OPEN,
    )


def enrolling_someone_by_hand(trainer) -> Form:
    cohort = CohortFactory.create()
    person = signatory_member()
    return Form(
        trainer,
        cohort_url(cohort, "enrol"),
        {"email": person.email, "organisation": "", "job_title": "Head of IT"},
        lambda: Enrolment.objects.filter(cohort=cohort, user=person).exists(),
    )


def changing_the_places(trainer) -> Form:
    cohort = CohortFactory.create(capacity=3)
    return Form(
        trainer,
        cohort_url(cohort, "capacity"),
        {"capacity": "5"},
        lambda: Cohort.objects.get(pk=cohort.pk).capacity == 5,
    )


def changing_a_session(trainer) -> Form:
    cohort = CohortFactory.create()
    session = cohort.sessions.first()
    day = split(session.starts_at + 7 * DAY)["0"]
    return Form(
        trainer,
        cohort_url(cohort, "session", session.pk),
        {
            "starts_at_0": day,
            "starts_at_1": "10:00",
            "ends_at_0": day,
            "ends_at_1": "15:00",
            "location": "Library, Borchester",
        },
        lambda: CohortSession.objects.get(pk=session.pk).location == "Library, Borchester",
    )


def cancelling_a_cohort(trainer) -> Form:
    cohort = CohortFactory.create()
    return Form(
        trainer,
        cohort_url(cohort, "cancel"),
        {"reason": "The trainer is ill.", "confirmed": "on"},
        lambda: Cohort.objects.get(pk=cohort.pk).status == CohortStatus.CANCELLED,
    )


def running_cohort():
    now = timezone.now()
    cohort = CohortFactory.create(status=CohortStatus.RUNNING, sessions=[now - DAY, now - DAY / 24])
    return cohort, EnrolmentFactory.create(cohort=cohort)


def saving_a_register(trainer) -> Form:
    cohort, enrolment = running_cohort()
    session = cohort.sessions.order_by("starts_at").first()
    return Form(
        trainer,
        cohort_url(cohort, "register", session.pk),
        {"attended": [str(enrolment.pk)]},
        lambda: Attendance.objects.filter(enrolment=enrolment, attended=True).exists(),
    )


def marking_everyone_attended(trainer) -> Form:
    cohort, enrolment = running_cohort()
    return Form(
        trainer,
        COHORTS,
        {
            "action": "mark_everyone_attended",
            "_selected_action": [cohort.pk],
            "confirm": "yes",
            "confirmed": "on",
        },
        lambda: Attendance.objects.filter(enrolment=enrolment, attended=True).count() == 2,
    )


def moving_someone(trainer) -> Form:
    enrolment = EnrolmentFactory.create()
    other = CohortFactory.create(course=enrolment.cohort.course)
    return Form(
        trainer,
        enrolment_url(enrolment, "move"),
        {"to_cohort": other.pk},
        lambda: Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.MOVED,
    )


def cancelling_enrolments(trainer) -> Form:
    enrolment = EnrolmentFactory.create()
    return Form(
        trainer,
        ENROLMENTS,
        {
            "action": "cancel_selected",
            "_selected_action": [enrolment.pk],
            "confirm": "yes",
            "confirmed": "on",
        },
        lambda: Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.CANCELLED,
    )


CASES = [
    pytest.param(the_enrolment_form, id="the enrolment form"),
    pytest.param(check_your_answers, id="check your answers"),
    pytest.param(check_your_answers_for_the_waiting_list, id="check your answers, waiting"),
    pytest.param(cancelling_a_place, id="cancelling a place"),
    pytest.param(leaving_the_waiting_list, id="leaving the waiting list"),
    pytest.param(offer("accept", OfferStatus.ACCEPTED), id="accepting an offer"),
    pytest.param(offer("decline", OfferStatus.DECLINED), id="declining an offer"),
    pytest.param(adding_a_course, id="admin: adding a course"),
    pytest.param(adding_a_cohort, id="admin: adding a cohort"),
    pytest.param(publishing_cohorts, id="admin: publishing cohorts"),
    pytest.param(enrolling_someone_by_hand, id="admin: enrolling someone by hand"),
    pytest.param(changing_the_places, id="admin: changing the places"),
    pytest.param(changing_a_session, id="admin: changing a session"),
    pytest.param(cancelling_a_cohort, id="admin: cancelling a cohort"),
    pytest.param(saving_a_register, id="admin: saving a register"),
    pytest.param(marking_everyone_attended, id="admin: marking everyone attended"),
    pytest.param(moving_someone, id="admin: moving someone"),
    pytest.param(cancelling_enrolments, id="admin: cancelling enrolments"),
]


@pytest.mark.parametrize("case", CASES)
def test_every_form_that_succeeds_redirects(case, trainer):
    form = case(trainer)

    response = form.client.post(form.url, form.data)

    assert response.status_code in (302, 303), (
        f"{form.url} answered {response.status_code}, not a redirect"
    )
    assert form.done(), f"{form.url} redirected without doing what it says"
