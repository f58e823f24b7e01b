"""Places shown to a signed-in person are the places they can take (issue 10, defect 2).

A member of an organisation with no funded project used to see "1 of 16 places left" when
the last place was kept for funded-project organisations, be told to "tell your line
manager once you have a place", press Enrol and land at number 4 on the waiting list. Now
the course page and each step of enrolling say what enrolling would give them (a place,
the waiting list at its number, or nothing because their organisation is at its maximum),
the button says the same, and what the page said is what the service does: both come from
``training.places.prospect_for``, the service's under the cohort's lock.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from declaration.models import Organisation
from tests.declaration.factories import MembershipFactory
from tests.funding.factories import SignatoryFactory
from tests.support.clients import client_for
from tests.training.factories import (
    CohortFactory,
    EnrolmentFactory,
    enrol,
    priority_organisation,
    signatory_member,
)
from training import selectors
from training.formats import date_and_time
from training.models import Enrolment, EnrolmentStatus

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
ANSWERS = {
    "job_title": "Service designer",
    "line_manager_email": "manager@borsetshire.gov.uk",
    "needs": "",
    "consent": "on",
}
KEPT = "kept until {} for organisations that lead or partner on a funded project"


def course_path(cohort) -> str:
    return f"/training/{cohort.course.slug}/"


def enrol_path(cohort) -> str:
    return f"/training/{cohort.course.slug}/cohorts/{cohort.pk}/enrol/"


def release_at() -> datetime.datetime:
    """Ten days from now, at 9am London time."""
    moment = timezone.localtime(timezone.now() + 10 * DAY)
    return moment.replace(hour=9, minute=0, second=0, microsecond=0)


def the_reported_cohort(*, capacity: int = 16, waiting: int = 3):
    """The cohort of the report: the last of its places kept for funded-project
    organisations, every other held, and people already waiting."""
    cohort = CohortFactory(
        capacity=capacity,
        reserved_places=1,
        reserved_release_at=release_at(),
        course__slug="digital-leadership",
    )
    for _ in range(capacity - 1):
        EnrolmentFactory(cohort=cohort)
    for position in range(1, waiting + 1):
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=position)
    return cohort


def unfunded_member():
    return signatory_member(SignatoryFactory(name="Borsetshire County Council"))


class TestTheReportedCase:
    def test_the_course_page_says_there_is_no_place_for_them_until_the_release(self):
        cohort = the_reported_cohort()
        response = client_for(unfunded_member()).get(course_path(cohort))
        when = date_and_time(cohort.reserved_release_at)
        assertContains(response, f"No places for Borsetshire County Council until {when}")
        assertContains(response, "You can join the waiting list, at number 4.")
        assert re.search(r">\s*Join the waiting list<", response.text)
        assert not re.search(r">\s*Enrol<", response.text)

    def test_each_step_of_enrolling_says_so_and_the_button_says_what_will_happen(self):
        cohort = the_reported_cohort(capacity=4)
        user = unfunded_member()
        client = client_for(user)
        when = date_and_time(cohort.reserved_release_at)

        form = client.get(enrol_path(cohort))
        assertContains(form, f"No places for Borsetshire County Council until {when}")
        assertContains(form, "You can join the waiting list, at number 4.")

        response = client.post(enrol_path(cohort), ANSWERS)
        check = client.get(response["Location"])
        assertContains(check, f"No places for Borsetshire County Council until {when}")
        assertContains(check, "You will join the waiting list, at number 4.")
        assertContains(check, ">Join the waiting list</button>")
        assertNotContains(check, ">Enrol</button>")
        assertNotContains(check, "tell your line manager once you have a place")
        assertContains(check, "We will tell your line manager only if you get a place")

        response = client.post(check.wsgi_request.path, {}, follow=True)
        enrolment = Enrolment.objects.get(user=user)
        assert enrolment.status == EnrolmentStatus.WAITING
        assert enrolment.waiting_position == 4
        assertContains(response, "You are on the waiting list")

    def test_a_member_of_a_funded_project_organisation_is_told_the_place_is_theirs(self):
        cohort = the_reported_cohort()
        user = signatory_member(priority_organisation(name="Borchester City Council"))
        response = client_for(user).get(course_path(cohort))
        assertContains(response, "If you enrol now, you will have a place")
        assertContains(response, "kept for organisations that lead or partner on a funded")
        assert re.search(r">\s*Enrol<", response.text)

    def test_anyone_not_signed_in_sees_the_count_with_an_honest_note(self, client):
        cohort = the_reported_cohort()
        response = client.get(course_path(cohort))
        when = date_and_time(cohort.reserved_release_at)
        assertContains(response, "1 of 16 places left")
        assertContains(response, f"It is {KEPT.format(when)}")
        assertContains(response, "anyone else joins the waiting list")
        assertNotContains(response, "of it is")
        assert re.search(r">\s*Enrol or join the waiting list<", response.text)


class TestWhatEachPersonIsTold:
    def test_a_free_place_is_offered_to_the_people_waiting_first(self):
        cohort = CohortFactory(capacity=2)
        EnrolmentFactory(cohort=cohort)
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        response = client_for(unfunded_member()).get(course_path(cohort))
        assertContains(response, "1 place is free, but 1 person is already waiting")
        assertContains(response, "You can join the waiting list, at number 2.")

    def test_every_place_taken(self):
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)
        response = client_for(unfunded_member()).get(course_path(cohort))
        assertContains(
            response, "Every place is taken. You can join the waiting list, at number 1."
        )

    def test_a_free_place(self):
        cohort = CohortFactory(capacity=3)
        response = client_for(unfunded_member()).get(course_path(cohort))
        assertContains(response, "If you enrol now, you will have a place")
        assert re.search(r">\s*Enrol<", response.text)

    def test_the_organisations_maximum_reached_offers_no_button(self):
        cohort = CohortFactory(capacity=5, max_per_organisation=1)
        colleague = EnrolmentFactory(cohort=cohort, organisation__name="Borsetshire Council")
        user = signatory_member(colleague.organisation)
        client = client_for(user)
        response = client.get(course_path(cohort))
        assertContains(response, "Borsetshire Council already has 1 person on this cohort")
        assertNotContains(response, enrol_path(cohort))
        assertContains(client.get(enrol_path(cohort)), "Borsetshire Council already has 1 person")

    def test_someone_waiting_is_told_their_number_and_can_leave(self):
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        client = client_for(waiting.user)
        response = client.get(course_path(cohort))
        assertContains(response, "You are number 1 on the waiting list for this cohort.")
        assertContains(response, f'href="/account/training/enrolments/{waiting.pk}/"')
        assertNotContains(response, enrol_path(cohort))
        response = client.get(enrol_path(cohort))
        assertContains(response, "You are number 1 on the waiting list for this cohort.")
        assertNotContains(response, 'name="job_title"')

    def test_a_member_of_two_organisations_is_told_for_each(self):
        cohort = the_reported_cohort(capacity=3, waiting=0)
        funded = priority_organisation(name="Borchester City Council")
        user = signatory_member(funded)
        MembershipFactory(user=user, organisation=SignatoryFactory(name="Ambridge Council"))
        response = client_for(user).get(course_path(cohort))
        assertContains(response, "for Borchester City Council")
        assertContains(response, "No places for Ambridge Council until")
        assertContains(response, "Enrol or join the waiting list")


class TestReservedNotes:
    """The count of places kept for funded-project organisations, in good English."""

    @pytest.mark.parametrize(
        ("capacity", "held", "reserved", "note"),
        [
            (16, 15, 1, "It is kept"),
            (16, 14, 2, "They are all kept"),
            (16, 10, 1, "1 of them is kept"),
            (16, 10, 2, "2 of them are kept"),
        ],
    )
    def test_each_count(self, client, capacity, held, reserved, note):
        cohort = CohortFactory(
            capacity=capacity, reserved_places=reserved, reserved_release_at=release_at()
        )
        for _ in range(held):
            EnrolmentFactory(cohort=cohort)
        response = client.get(course_path(cohort))
        assertContains(response, f"{note} until {date_and_time(cohort.reserved_release_at)}")
        assertNotContains(response, "of it is")


def situation(name: str):
    """Return (cohort, user, organisation) for a named situation."""
    organisation: Organisation = SignatoryFactory.create()
    if name == "free":
        cohort = CohortFactory(capacity=3)
    elif name == "kept for others":
        cohort = the_reported_cohort(capacity=3, waiting=2)
    elif name == "kept for them":
        cohort = the_reported_cohort(capacity=3, waiting=2)
        organisation = priority_organisation()
    elif name == "released":
        cohort = the_reported_cohort(capacity=3, waiting=0)
        cohort.reserved_release_at = timezone.now() - DAY
        cohort.save(update_fields=["reserved_release_at"])
    elif name == "free but people waiting":
        cohort = CohortFactory(capacity=2)
        EnrolmentFactory(cohort=cohort)
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
    elif name == "full":
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
    else:
        assert name == "organisation at its maximum"
        cohort = CohortFactory(capacity=5, max_per_organisation=2)
        EnrolmentFactory.create_batch(2, cohort=cohort, organisation=organisation)
    return cohort, signatory_member(organisation), organisation


@pytest.mark.parametrize(
    ("name", "outcome", "position"),
    [
        ("free", "place", None),
        ("kept for others", "waiting", 3),
        ("kept for them", "place", None),
        ("released", "place", None),
        ("free but people waiting", "waiting", 2),
        ("full", "waiting", 2),
        ("organisation at its maximum", "organisation-full", None),
    ],
)
def test_what_the_page_says_is_what_enrolling_does(name, outcome, position):
    """The page's prospect and the service's outcome never disagree."""
    cohort, user, organisation = situation(name)
    (told,) = selectors.places_for_you(user=user, cohort_ids=[cohort.pk])[cohort.pk].organisations
    assert (told.outcome, told.waiting_position) == (outcome, position)
    try:
        enrolment = enrol(cohort, user, organisation)
    except Exception as error:
        assert outcome == "organisation-full", error
        assert str(error) == told.message
    else:
        assert outcome == ("place" if enrolment.status == EnrolmentStatus.ENROLLED else "waiting")
        assert enrolment.waiting_position == position
