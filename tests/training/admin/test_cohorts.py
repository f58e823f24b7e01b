"""Cohorts in the admin (training/admin/cohorts.py): a draft cohort edited freely with its
sessions, publishing, the published cohort's page, and the list. A
published cohort's own pages are tested in test_cohort_pages.py."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.messages import messages_of
from tests.training.admin_support import COHORTS, DAY, cohort_data, cohort_url, split
from tests.training.factories import CohortFactory, CourseFactory, EnrolmentFactory, OfferFactory
from training.models import Cohort, CohortSession, CohortStatus

pytestmark = pytest.mark.django_db


class TestDraftCohorts:
    def test_a_draft_is_added_with_its_sessions_in_one_go(self, trainer):
        course = CourseFactory()

        response = trainer.post("/admin/training/cohort/add/", cohort_data(course))

        assert response.status_code == 302, response.context["errors"]
        cohort = Cohort.objects.get(course=course)
        assert cohort.status == CohortStatus.DRAFT
        assert cohort.sessions.get().location == "Town Hall, Borchester"

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            (
                {"enrolment_closes_at_0": "2020-01-01"},
                "enrolment_closes_at",
                "Enrolment must close after it opens.",
            ),
            (
                {"reserved_places": "25"},
                "reserved_places",
                "Reserve 20 places or fewer: the cohort has 20.",
            ),
            (
                {"reserved_places": "5"},
                "reserved_release_at",
                "Say when reserved places still free are opened to everyone.",
            ),
            ({"sessions-0-ends_at_1": "08:00"}, None, "The session must end after it starts."),
            ({"sessions-0-location": ""}, None, "Give the venue, or tick online."),
            ({"capacity": "0"}, "capacity", "greater than or equal to 1"),
        ],
        ids=["window", "too-many-reserved", "no-release", "session-order", "no-venue", "no-places"],
    )
    def test_a_problem_is_named_beside_its_field_and_nothing_is_saved(
        self, trainer, overrides, field, message
    ):
        course = CourseFactory()

        response = trainer.post("/admin/training/cohort/add/", cohort_data(course, **overrides))

        assert response.status_code == 200
        assert message in response.text
        if field is not None:
            assert message in " ".join(response.context["adminform"].form.errors[field])
        assert "Constraint" not in response.text
        assert not Cohort.objects.filter(course=course).exists()

    def test_a_drafts_sessions_are_edited_on_its_page(self, trainer):
        draft = CohortFactory(draft=True)

        response = trainer.get(cohort_url(draft))

        assert 'name="sessions-0-starts_at_0"' in response.text
        assert "Change date, time or place" not in response.text

    def test_publishing_opens_a_draft_with_sessions(self, trainer):
        draft = CohortFactory(draft=True)

        response = trainer.post(
            COHORTS, {"action": "publish_selected", "_selected_action": [draft.pk]}, follow=True
        )

        draft.refresh_from_db()
        assert draft.status == CohortStatus.OPEN
        assert f"Published {draft}." in messages_of(response)

    def test_publishing_a_draft_without_sessions_says_why_not(self, trainer):
        draft = CohortFactory(draft=True, sessions=[])

        response = trainer.post(
            COHORTS, {"action": "publish_selected", "_selected_action": [draft.pk]}, follow=True
        )

        draft.refresh_from_db()
        assert draft.status == CohortStatus.DRAFT
        assert any(
            "Not published:" in m and "Add the cohort's sessions" in m
            for m in messages_of(response)
        )


class TestPublishedCohortPage:
    def test_shows_its_places_and_links_to_the_pages_that_change_it(self, trainer):
        cohort = CohortFactory(capacity=3)
        EnrolmentFactory(cohort=cohort)
        OfferFactory(enrolment__cohort=cohort)
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)

        response = trainer.get(cohort_url(cohort))

        assert "3 places: 1 enrolled, 1 offered a place, 1 waiting, 1 left" in response.text
        assert cohort_url(cohort, "capacity") in response.text
        assert cohort_url(cohort, "cancel") in response.text
        assert cohort_url(cohort, "enrol") in response.text
        session = cohort.sessions.first()
        assert cohort_url(cohort, "session", session.pk) in response.text
        assert cohort_url(cohort, "register", session.pk) in response.text
        # No session, capacity or reserved places can be saved plainly.
        assert 'name="sessions-0-starts_at_0"' not in response.text
        assert 'name="capacity"' not in response.text

    def test_a_plain_save_keeps_capacity_and_sessions_as_they_are(self, trainer):
        cohort = CohortFactory(capacity=10)
        starts = list(cohort.sessions.order_by("starts_at").values_list("starts_at", flat=True))
        data = {
            "name": "Renamed",
            "max_per_organisation": "",
            "enrolment_opens_at_0": split(cohort.enrolment_opens_at)["0"],
            "enrolment_opens_at_1": split(cohort.enrolment_opens_at)["1"],
            "enrolment_closes_at_0": split(cohort.enrolment_closes_at)["0"],
            "enrolment_closes_at_1": split(cohort.enrolment_closes_at)["1"],
            "joining_instructions": "Room 3.",
            "feedback_survey_url": "",
            "capacity": "99",
            "sessions-TOTAL_FORMS": "0",
            "sessions-INITIAL_FORMS": "0",
        }

        response = trainer.post(cohort_url(cohort), data)

        assert response.status_code == 302
        cohort.refresh_from_db()
        assert (cohort.name, cohort.capacity) == ("Renamed", 10)
        assert [
            s.starts_at for s in CohortSession.objects.filter(cohort=cohort).order_by("starts_at")
        ] == starts

    def test_enrolment_cannot_be_set_to_close_after_the_first_session(self, trainer):
        cohort = CohortFactory()
        late = cohort.sessions.first().starts_at + DAY
        data = {
            "name": cohort.name,
            "enrolment_opens_at_0": split(cohort.enrolment_opens_at)["0"],
            "enrolment_opens_at_1": split(cohort.enrolment_opens_at)["1"],
            "enrolment_closes_at_0": split(late)["0"],
            "enrolment_closes_at_1": split(late)["1"],
            "sessions-TOTAL_FORMS": "0",
            "sessions-INITIAL_FORMS": "0",
        }

        response = trainer.post(cohort_url(cohort), data)

        assert response.status_code == 200
        assert "Enrolment must close before the first session starts." in response.text

    def test_a_completed_cohort_is_for_reading(self, trainer):
        cohort = CohortFactory(past=True)

        response = trainer.get(cohort_url(cohort))

        assert response.status_code == 200
        assert 'name="_save"' not in response.text
        assert cohort_url(cohort, "cancel") not in response.text


class TestCohortList:
    def test_shows_places_enrolled_offered_waiting_and_left(self, trainer):
        cohort = CohortFactory(capacity=4)
        EnrolmentFactory.create_batch(2, cohort=cohort)
        OfferFactory(enrolment__cohort=cohort)
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)

        response = trainer.get(COHORTS)

        row = response.context["cl"].result_list[0]
        admin = response.context["cl"].model_admin
        assert (
            admin.enrolled_count(row),
            admin.offered_count(row),
            admin.waiting_count(row),
            admin.places_left(row),
        ) == (2, 1, 1, 1)
        assert "Training report" in response.text


def cohort_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(COHORTS)
    assert response.status_code == 200
    return len(captured)


def test_the_cohort_list_makes_the_same_number_of_queries_for_3_and_30_cohorts(trainer):
    """Places, enrolled, offered and waiting are counted in the list's one query."""

    def grow(count: int) -> None:
        for _ in range(count):
            cohort = CohortFactory()
            EnrolmentFactory(cohort=cohort)
            OfferFactory(enrolment__cohort=cohort)

    grow(3)
    small = cohort_list_queries(trainer)
    grow(27)
    large = cohort_list_queries(trainer)

    assert small == large
