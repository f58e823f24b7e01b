"""Enrolments in the admin (training/admin/enrolments.py): the list with its filters and search,
and the needs only training administrators see. Enrolling by hand, moving and cancelling are
tested beside it."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.funding.factories import SignatoryFactory, member_of
from tests.training.admin_support import ENROLMENTS, cohort_url, enrolment_url
from tests.training.factories import CohortFactory, EnrolmentFactory, OfferFactory

pytestmark = pytest.mark.django_db


NEEDS = "Hearing loop and a vegetarian lunch"


def csv_of(client, enrolments) -> list[list[str]]:
    response = client.post(
        ENROLMENTS,
        {"action": "download_csv", "_selected_action": [e.pk for e in enrolments]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


@pytest.fixture
def reader(otp_verified_client_for):
    """Staff who may read enrolments but were never given the needs permission."""
    user = UserFactory(staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="training",
            codename__in=["view_enrolment", "view_cohort", "view_attendance", "view_offer"],
        )
    )
    return otp_verified_client_for(user)


class TestList:
    def test_filters_by_cohort_status_and_organisation(self, trainer):
        cohort, other = CohortFactory(), CohortFactory()
        mine = EnrolmentFactory(cohort=cohort)
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        elsewhere = EnrolmentFactory(cohort=other)

        def listed(params):
            response = trainer.get(ENROLMENTS, params)
            assert response.status_code == 200
            return {e.pk for e in response.context["cl"].result_list}

        assert listed({"cohort": cohort.pk}) == {mine.pk, waiting.pk}
        assert listed({"status": "waiting"}) == {waiting.pk}
        assert listed({"organisation": elsewhere.organisation_id}) == {elsewhere.pk}
        assert listed({}) == {mine.pk, waiting.pk, elsewhere.pk}

    def test_searches_by_email_and_name(self, trainer):
        organisation = SignatoryFactory()
        ada = EnrolmentFactory(
            organisation=organisation,
            user=member_of(organisation, user__full_name="Ada Lovelace"),
        )
        EnrolmentFactory()

        by_name = trainer.get(ENROLMENTS, {"q": "lovelace"}).context["cl"].result_list
        by_email = trainer.get(ENROLMENTS, {"q": ada.user.email}).context["cl"].result_list

        assert [e.pk for e in by_name] == [ada.pk]
        assert [e.pk for e in by_email] == [ada.pk]

    def test_an_enrolments_page_is_read_only_with_its_offer(self, trainer):
        offer = OfferFactory()

        response = trainer.get(enrolment_url(offer.enrolment))

        assert response.status_code == 200
        assert 'name="_save"' not in response.text
        assert "Waiting for an answer" in response.text
        assert enrolment_url(offer.enrolment, "move") in response.text

    def test_nobody_adds_or_deletes_enrolments_here(self, trainer):
        enrolment = EnrolmentFactory()

        assert trainer.get(reverse("admin:training_enrolment_add")).status_code == 403
        assert trainer.get(enrolment_url(enrolment, "delete")).status_code == 403


class TestNeeds:
    def test_a_training_administrator_sees_them_on_the_list_the_page_and_the_csv(self, trainer):
        enrolment = EnrolmentFactory(needs=NEEDS)

        assert NEEDS in trainer.get(ENROLMENTS).text
        assert NEEDS in trainer.get(enrolment_url(enrolment)).text
        rows = csv_of(trainer, [enrolment])
        assert rows[0][-1] == "Accessibility or dietary needs"
        assert rows[1][-1] == NEEDS

    def test_a_superuser_sees_them(self, otp_verified_superuser_client):
        enrolment = EnrolmentFactory(needs=NEEDS)

        assert NEEDS in otp_verified_superuser_client.get(enrolment_url(enrolment)).text

    def test_staff_without_the_permission_never_see_them(self, reader):
        enrolment = EnrolmentFactory(needs=NEEDS)

        listing = reader.get(ENROLMENTS)
        page = reader.get(enrolment_url(enrolment))
        searched = reader.get(ENROLMENTS, {"q": "vegetarian"})
        rows = csv_of(reader, [enrolment])

        assert listing.status_code == page.status_code == 200
        for response in (listing, page):
            assert NEEDS not in response.text
            assert "dietary" not in response.text
        assert list(searched.context["cl"].result_list) == []
        assert "Accessibility or dietary needs" not in rows[0]
        assert NEEDS not in {cell for row in rows for cell in row}
        # Reading is all they may do.
        assert enrolment_url(enrolment, "move") not in page.text
        assert reader.get(enrolment_url(enrolment, "move")).status_code == 403

    def test_other_staff_groups_are_refused_everything_that_shows_them(self, other_staff):
        enrolment = EnrolmentFactory(needs=NEEDS)
        session = enrolment.cohort.sessions.first()

        for url in (
            ENROLMENTS,
            enrolment_url(enrolment),
            cohort_url(enrolment.cohort, "register", session.pk),
            reverse("admin:training_cohort_report"),
        ):
            response = other_staff.get(url)
            assert response.status_code == 403, url
            assert NEEDS not in response.text
        response = other_staff.post(
            ENROLMENTS, {"action": "download_csv", "_selected_action": [enrolment.pk]}
        )
        assert response.status_code == 403
        assert NEEDS not in response.getvalue().decode()
        assert "Training" not in other_staff.get("/admin/").text


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(ENROLMENTS, {"status": "enrolled"})
    assert response.status_code == 200
    return len(captured)


def grow(count: int) -> None:
    """Add ``count`` enrolments across cohorts, organisations and states, with needs and
    offers, some added by hand."""
    staff = UserFactory(staff=True)
    for index in range(count):
        cohort = CohortFactory()
        EnrolmentFactory(cohort=cohort, needs=NEEDS, created_by=staff if index % 2 else None)
        OfferFactory(enrolment__cohort=cohort)


def test_the_list_makes_the_same_number_of_queries_for_5_and_40_enrolments(trainer):
    """No query per row or per cohort and organisation in the filters, needs column included."""
    grow(5)
    small = list_queries(trainer)
    grow(35)
    large = list_queries(trainer)

    assert small == large
