"""Enrolments in the admin: the list with its filters and search, the needs only training
administrators see, enrolling someone by hand, moving them to another cohort of the course,
cancelling, the CSV, who may do any of it, and the list's queries at two sizes."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.funding.factories import SignatoryFactory, member_of
from tests.support.messages import messages_of
from tests.training.admin_support import ENROLMENTS, cohort_url, enrolment_url
from tests.training.factories import (
    CohortFactory,
    CourseFactory,
    EnrolmentFactory,
    OfferFactory,
    signatory_member,
)
from training.models import Enrolment, EnrolmentStatus

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


class TestEnrolByHand:
    def post(self, client, cohort, **data):
        return client.post(
            cohort_url(cohort, "enrol"),
            {"email": "", "organisation": "", "job_title": "Head of IT", **data},
        )

    def test_enrols_an_eligible_person_in_a_free_place(self, trainer, trainer_user):
        cohort = CohortFactory(capacity=2)
        person = signatory_member()

        response = self.post(trainer, cohort, email=person.email, needs="Step-free access")

        assert response.status_code == 302
        enrolment = Enrolment.objects.get(cohort=cohort, user=person)
        assert enrolment.status == EnrolmentStatus.ENROLLED
        assert enrolment.created_by == trainer_user
        assert enrolment.needs == "Step-free access"
        assert any("They have a place." in m for m in messages_of(response))

    def test_enrols_after_enrolment_closes_until_the_cohort_starts(self, trainer):
        cohort = CohortFactory(closed=True)
        person = signatory_member()

        response = self.post(trainer, cohort, email=person.email)

        assert response.status_code == 302
        assert Enrolment.objects.filter(cohort=cohort, user=person).exists()

    def test_puts_them_on_the_waiting_list_when_the_cohort_is_full(self, trainer):
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)
        person = signatory_member()

        response = self.post(trainer, cohort, email=person.email)

        assert response.status_code == 302
        enrolment = Enrolment.objects.get(cohort=cohort, user=person)
        assert (enrolment.status, enrolment.waiting_position) == (EnrolmentStatus.WAITING, 1)
        assert any("waiting list at number 1" in m for m in messages_of(response))

    def test_nobody_with_that_email(self, trainer):
        cohort = CohortFactory()

        response = self.post(trainer, cohort, email="nobody@example.gov.uk")

        assert response.status_code == 200
        assert "Nobody has an account with nobody@example.gov.uk" in " ".join(
            response.context["form"].errors["email"]
        )

    def test_someone_whose_organisation_has_not_signed(self, trainer):
        cohort = CohortFactory()
        person = MembershipFactory(organisation=OrganisationFactory()).user

        response = self.post(trainer, cohort, email=person.email)

        assert response.status_code == 200
        assert "cannot enrol" in " ".join(response.context["form"].errors["email"])
        assert not Enrolment.objects.filter(user=person).exists()

    def test_an_organisation_they_do_not_belong_to(self, trainer):
        cohort = CohortFactory()
        person = signatory_member()
        elsewhere = SignatoryFactory()

        response = self.post(trainer, cohort, email=person.email, organisation=elsewhere.pk)

        assert response.status_code == 200
        assert f"is not a member of {elsewhere.name}" in response.text

    def test_someone_in_two_signatories_must_say_which(self, trainer):
        cohort = CohortFactory()
        person = signatory_member()
        MembershipFactory(user=person, organisation=SignatoryFactory())

        response = self.post(trainer, cohort, email=person.email)

        assert response.status_code == 200
        assert "Choose which one they are enrolling for." in " ".join(
            response.context["form"].errors["organisation"]
        )

    def test_the_organisations_maximum_holds(self, trainer):
        cohort = CohortFactory(max_per_organisation=1)
        first = EnrolmentFactory(cohort=cohort)
        colleague = member_of(first.organisation)

        response = self.post(trainer, cohort, email=colleague.email)

        assert response.status_code == 200
        assert "which is the most one organisation may have" in response.text
        assert not Enrolment.objects.filter(user=colleague).exists()

    def test_someone_already_on_the_cohort(self, trainer):
        enrolment = EnrolmentFactory()

        response = self.post(trainer, enrolment.cohort, email=enrolment.user.email)

        assert response.status_code == 200
        assert "They have a place on this cohort already." in response.text

    def test_missing_details_are_named(self, trainer):
        cohort = CohortFactory()

        response = self.post(trainer, cohort, email="not an email", job_title="")

        errors = response.context["form"].errors
        assert errors["email"] == [
            "Enter an email address in the correct format, like name@example.gov.uk."
        ]
        assert errors["job_title"] == ["Enter their job title."]

    @pytest.mark.parametrize("state", ["draft", "cancelled", "past"])
    def test_a_cohort_that_takes_nobody_says_why(self, trainer, state):
        cohort = CohortFactory(**{state: True})
        person = signatory_member()

        response = self.post(trainer, cohort, email=person.email)

        assert response.status_code == 200
        assert "so nobody can be enrolled on it" in response.context["refusal"]
        assert not Enrolment.objects.filter(user=person).exists()


class TestMove:
    def test_moves_a_person_with_a_place_to_a_place_on_another_cohort(self, trainer):
        enrolment = EnrolmentFactory()
        other = CohortFactory(course=enrolment.cohort.course)

        response = trainer.post(enrolment_url(enrolment, "move"), {"to_cohort": other.pk})

        assert response.status_code == 302
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.MOVED
        assert enrolment.moved_to.cohort == other
        assert enrolment.moved_to.status == EnrolmentStatus.ENROLLED
        assert response["Location"] == enrolment_url(enrolment.moved_to)

    def test_lists_only_other_cohorts_of_the_course_with_their_places(self, trainer):
        enrolment = EnrolmentFactory()
        other = CohortFactory(course=enrolment.cohort.course, capacity=5)
        CohortFactory()  # another course

        response = trainer.get(enrolment_url(enrolment, "move"))

        choices = list(response.context["form"].fields["to_cohort"].queryset)
        assert choices == [other]
        assert "5 of 5 places left, 0 waiting" in response.text

    def test_a_cohort_of_one_place_is_said_in_the_singular(self, trainer):
        enrolment = EnrolmentFactory()
        CohortFactory(course=enrolment.cohort.course, capacity=1)

        response = trainer.get(enrolment_url(enrolment, "move"))

        assert "1 of 1 place left, 0 waiting" in response.text

    def test_a_full_cohort_keeps_them_where_they_are(self, trainer):
        enrolment = EnrolmentFactory()
        full = CohortFactory(course=enrolment.cohort.course, capacity=1)
        EnrolmentFactory(cohort=full)

        response = trainer.post(enrolment_url(enrolment, "move"), {"to_cohort": full.pk})

        assert response.status_code == 200
        assert "has no place free for them" in " ".join(
            response.context["form"].errors["to_cohort"]
        )
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.ENROLLED

    def test_a_cohort_of_another_course_is_not_a_choice(self, trainer):
        enrolment = EnrolmentFactory()
        CohortFactory(course=enrolment.cohort.course)
        elsewhere = CohortFactory(course=CourseFactory())

        response = trainer.post(enrolment_url(enrolment, "move"), {"to_cohort": elsewhere.pk})

        assert response.status_code == 200
        assert response.context["form"].errors["to_cohort"] == ["Choose one of the cohorts listed."]

    def test_nowhere_to_move_them(self, trainer):
        enrolment = EnrolmentFactory()

        response = trainer.get(enrolment_url(enrolment, "move"))

        assert "there is nowhere to move them" in response.context["refusal"]

    def test_a_cancelled_enrolment_cannot_move(self, trainer):
        enrolment = EnrolmentFactory(cancelled=True)
        CohortFactory(course=enrolment.cohort.course)

        response = trainer.post(enrolment_url(enrolment, "move"), {"to_cohort": "1"})

        assert response.status_code == 200
        assert response.context["refusal"] == "This enrolment is cancelled, so it cannot move."


class TestCancel:
    def test_asks_to_confirm_then_cancels_and_offers_the_place(
        self, trainer, django_capture_on_commit_callbacks
    ):
        cohort = CohortFactory(capacity=1)
        enrolment = EnrolmentFactory(cohort=cohort)
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        selection = {"action": "cancel_selected", "_selected_action": [enrolment.pk]}

        asked = trainer.post(ENROLMENTS, selection)
        with django_capture_on_commit_callbacks(execute=True):
            done = trainer.post(ENROLMENTS, {**selection, "confirm": "yes", "confirmed": "on"})

        assert "Cancel these enrolments and tell each person" in asked.text
        assert done.status_code == 302
        enrolment.refresh_from_db()
        waiting.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.CANCELLED
        assert waiting.status == EnrolmentStatus.OFFERED

    def test_says_which_it_could_not_cancel(self, trainer):
        enrolment = EnrolmentFactory(cancelled=True)

        response = trainer.post(
            ENROLMENTS,
            {
                "action": "cancel_selected",
                "_selected_action": [enrolment.pk],
                "confirm": "yes",
                "confirmed": "on",
            },
            follow=True,
        )

        assert any(
            "Not cancelled:" in m and "nothing to cancel" in m for m in messages_of(response)
        )


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
