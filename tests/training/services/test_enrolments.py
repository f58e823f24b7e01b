"""Enrolling (training/services/enrolments.py), by the person and by a training administrator:
who may, the waiting list, reserved places and the per-organisation maximum. Cancelling and
moving are tested in test_enrolment_changes.py."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import IntegrityError
from django.utils import timezone

from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory
from tests.funding.factories import AwardFactory, SignatoryFactory, member_of
from tests.support.audit import audit_break
from tests.support.mail import emails_to
from tests.training.factories import (
    CohortFactory,
    EnrolmentFactory,
    enrol,
    priority_organisation,
    signatory_member,
)
from training.errors import (
    AlreadyEnrolled,
    EnrolmentClosed,
    NotEligible,
    NotPermitted,
    OrganisationLimitReached,
    TrainingError,
)
from training.models import Enrolment, EnrolmentReminder, EnrolmentStatus, ReminderKind
from training.services import enrolments as services

DAY = datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


class TestEligibility:
    def test_a_member_of_a_published_signatory_may_enrol(self):
        cohort = CohortFactory()

        enrolment = enrol(cohort)

        assert enrolment.status == EnrolmentStatus.ENROLLED

    def test_refuses_a_member_of_an_organisation_that_has_not_signed_and_says_how_to_sign(self):
        """Anyone else is told why they cannot enrol, and where their organisation signs."""
        organisation = OrganisationFactory(name="Ambridge Parish Council")
        SigningFactory(organisation=organisation, submitted=True)
        user = member_of(organisation)

        with pytest.raises(NotEligible, match="Ambridge Parish Council has not signed") as error:
            enrol(CohortFactory(), user=user, organisation=organisation)

        assert error.value.sign_url == "http://testserver/declaration/sign/"
        assert not Enrolment.objects.exists()

    def test_refuses_someone_whose_request_to_join_is_waiting_for_approval(self):
        organisation = SignatoryFactory(name="Borsetshire County Council")
        user = MembershipFactory(organisation=organisation, pending=True).user

        with pytest.raises(NotEligible, match="waiting for its organisation admin"):
            enrol(CohortFactory(), user=user, organisation=organisation)

    def test_refuses_someone_who_belongs_to_no_organisation(self):
        with pytest.raises(NotEligible, match="belong to an organisation that has signed"):
            enrol(CohortFactory(), user=UserFactory(), organisation=SignatoryFactory())

    def test_refuses_a_signatory_the_person_does_not_belong_to(self):
        user = signatory_member()
        other = SignatoryFactory(name="Felpersham City Council")

        with pytest.raises(NotEligible, match="not a member of Felpersham City Council"):
            enrol(CohortFactory(), user=user, organisation=other)

    def test_refuses_a_withdrawn_signatory(self):
        organisation = OrganisationFactory()
        SigningFactory(organisation=organisation, withdrawn=True)

        with pytest.raises(NotEligible, match="has not signed"):
            enrol(CohortFactory(), user=member_of(organisation), organisation=organisation)


class TestEnrolmentCreate:
    def test_takes_a_free_place_and_tells_the_person_and_their_line_manager(self):
        cohort = CohortFactory()
        user = signatory_member(user__email="ruth@borsetshire.gov.uk")

        enrolment = enrol(
            cohort,
            user=user,
            organisation=user.memberships.get().organisation,
            line_manager_email="jill@borsetshire.gov.uk",
            needs="Step-free access",
        )

        assert (enrolment.status, enrolment.waiting_position) == (EnrolmentStatus.ENROLLED, None)
        assert enrolment.enrolled_at is not None and enrolment.consented_at is not None
        assert enrolment.needs == "Step-free access"
        (confirmation,) = emails_to("ruth@borsetshire.gov.uk")
        assert confirmation.subject == f"You have a place on {cohort.course.title}"
        assert "We have told your line manager" in confirmation.body_text
        assert "Step-free access" not in confirmation.body_text
        (manager,) = emails_to("jill@borsetshire.gov.uk")
        assert "has a place on" in manager.subject
        assert "Step-free access" not in manager.body_text
        assert AuditEvent.objects.filter(verb="training.enrolment.enrolled").count() == 1

    def test_joins_the_waiting_list_at_the_next_position_when_full(self):
        """When the cohort is full, the person waits and is told their position."""
        cohort = CohortFactory(capacity=2)
        enrol(cohort)
        enrol(cohort)
        user = signatory_member(user__email="kenton@borsetshire.gov.uk")

        first = enrol(cohort)
        second = enrol(cohort, user=user, organisation=user.memberships.get().organisation)

        assert (first.status, first.waiting_position) == (EnrolmentStatus.WAITING, 1)
        assert (second.status, second.waiting_position) == (EnrolmentStatus.WAITING, 2)
        (email,) = emails_to("kenton@borsetshire.gov.uk")
        assert "waiting list" in email.subject
        assert "at number 2" in email.body_text
        assert AuditEvent.objects.filter(verb="training.enrolment.waitlisted").count() == 2

    def test_a_newcomer_waits_behind_the_queue_for_a_place_not_yet_offered(self):
        """A place freed a moment ago is for the person waiting, not for a newcomer."""
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort, cancelled=True)
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)

        newcomer = enrol(cohort)

        assert (newcomer.status, newcomer.waiting_position) == (EnrolmentStatus.WAITING, 2)

    def test_within_seven_days_of_the_start_the_confirmation_carries_the_joining_instructions(
        self,
    ):
        start = timezone.now() + 3 * DAY
        cohort = CohortFactory(
            enrolment_closes_at=start - DAY, sessions=[start], joining_instructions="Room 101."
        )
        user = signatory_member(user__email="lynda@borsetshire.gov.uk")

        enrolment = enrol(cohort, user=user, organisation=user.memberships.get().organisation)

        (email,) = emails_to("lynda@borsetshire.gov.uk")
        assert "Joining instructions:\nRoom 101." in email.body_text
        assert EnrolmentReminder.objects.filter(
            enrolment=enrolment, kind=ReminderKind.JOINING_INSTRUCTIONS
        ).exists()

    def test_a_month_ahead_the_joining_instructions_follow_later(self):
        cohort = CohortFactory(joining_instructions="Room 101.")
        enrolment = enrol(cohort)

        (email,) = emails_to(enrolment.user.email)
        assert "Room 101." not in email.body_text
        assert not EnrolmentReminder.objects.exists()

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"job_title": " "}, "Enter your job title"),
            ({"line_manager_email": ""}, "Enter your line manager's email address"),
            ({"line_manager_email": "jill at borsetshire"}, "in the correct format"),
            ({"consent": False}, "Agree to the attendance terms"),
        ],
    )
    def test_refuses_missing_or_wrong_details(self, fields, message):
        with pytest.raises(TrainingError, match=message):
            enrol(CohortFactory(), **fields)
        assert not Enrolment.objects.exists()

    def test_refuses_a_second_enrolment_of_the_same_person(self):
        cohort = CohortFactory(capacity=1)
        held = enrol(cohort)
        waiting = enrol(cohort)

        with pytest.raises(AlreadyEnrolled, match="You have a place on this cohort already"):
            enrol(cohort, user=held.user, organisation=held.organisation)
        with pytest.raises(AlreadyEnrolled, match="waiting list for this cohort, at number 1"):
            enrol(cohort, user=waiting.user, organisation=waiting.organisation)

    def test_someone_who_cancelled_may_enrol_again(self):
        cohort = CohortFactory()
        old = EnrolmentFactory(cohort=cohort, cancelled=True)

        again = enrol(cohort, user=old.user, organisation=old.organisation)

        assert again.status == EnrolmentStatus.ENROLLED

    @pytest.mark.parametrize(
        ("cohort_fields", "message"),
        [
            ({"draft": True}, "not taking enrolments"),
            ({"cancelled": True}, "has been cancelled"),
            ({"closed": True}, "not taking enrolments"),
        ],
    )
    def test_refuses_a_cohort_that_is_not_open(self, cohort_fields, message):
        with pytest.raises(EnrolmentClosed, match=message):
            enrol(CohortFactory(**cohort_fields))

    def test_refuses_before_enrolment_opens_and_after_it_closes(self):
        now = timezone.now()
        not_yet = CohortFactory(enrolment_opens_at=now + DAY)
        too_late = CohortFactory(enrolment_opens_at=now - 9 * DAY, enrolment_closes_at=now - DAY)

        with pytest.raises(EnrolmentClosed, match="opens at"):
            enrol(not_yet)
        with pytest.raises(EnrolmentClosed, match="closed at"):
            enrol(too_late)

    def test_nothing_is_written_when_the_audit_fails(self, monkeypatch):
        """Atomic: the enrolment, its audit event and its emails go together or not at all."""

        audit_break(monkeypatch, services)

        with pytest.raises(IntegrityError):
            enrol(CohortFactory())

        assert not Enrolment.objects.exists()
        assert not OutgoingEmail.objects.exists()


class TestReservedPlaces:
    def reserved_cohort(self, **kwargs: Any):
        """Three places, two of them reserved until 10 days from now."""
        return CohortFactory(capacity=3, reserved=True, **kwargs)

    def test_before_release_others_wait_once_the_general_places_are_taken(self):
        cohort = self.reserved_cohort()

        general = enrol(cohort)
        others = enrol(cohort)

        assert (general.status, general.is_reserved_place) == (EnrolmentStatus.ENROLLED, False)
        assert (others.status, others.waiting_position) == (EnrolmentStatus.WAITING, 1)

    def test_before_release_a_funded_project_organisation_takes_a_reserved_place(self):
        cohort = self.reserved_cohort()
        enrol(cohort)
        funded = priority_organisation()

        first = enrol(cohort, organisation=funded)
        second = enrol(cohort, organisation=funded)
        third = enrol(cohort, organisation=funded)

        assert [(e.status, e.is_reserved_place, e.is_priority) for e in (first, second)] == [
            (EnrolmentStatus.ENROLLED, True, True)
        ] * 2
        assert third.status == EnrolmentStatus.WAITING

    def test_a_partner_on_a_funded_project_counts_as_priority(self):
        from tests.funding.factories import ApplicationPartnerFactory

        cohort = self.reserved_cohort()
        award = AwardFactory()
        partner = ApplicationPartnerFactory(application=award.application).organisation

        enrolment = enrol(cohort, organisation=partner)

        assert enrolment.is_reserved_place

    def test_a_declined_award_gives_no_priority(self):
        cohort = self.reserved_cohort()
        enrol(cohort)
        organisation = SignatoryFactory()
        AwardFactory(application__lead_organisation=organisation, declined=True)

        enrolment = enrol(cohort, organisation=organisation)

        assert (enrolment.status, enrolment.is_priority) == (EnrolmentStatus.WAITING, False)

    def test_a_priority_person_takes_a_general_place_when_the_reserved_ones_are_taken(self):
        cohort = self.reserved_cohort()
        funded = priority_organisation()
        enrol(cohort, organisation=funded)
        enrol(cohort, organisation=funded)

        third = enrol(cohort, organisation=funded)

        assert (third.status, third.is_reserved_place) == (EnrolmentStatus.ENROLLED, False)

    def test_after_release_anyone_eligible_takes_a_reserved_place(self):
        now = timezone.now()
        cohort = self.reserved_cohort(reserved_release_at=now - DAY)
        enrol(cohort)

        second = enrol(cohort)
        third = enrol(cohort)

        assert [second.status, third.status] == [EnrolmentStatus.ENROLLED] * 2
        assert not (second.is_reserved_place or third.is_reserved_place)
        assert enrol(cohort).status == EnrolmentStatus.WAITING


class TestOrganisationMaximum:
    def test_refuses_more_people_of_one_organisation_than_the_cohort_allows(self):
        """Waiting counts too: the organisation never has more than the maximum on it."""
        cohort = CohortFactory(capacity=1, max_per_organisation=2)
        organisation = SignatoryFactory(name="Borchester Borough Council")
        enrol(cohort, organisation=organisation)
        enrol(cohort, organisation=organisation)

        with pytest.raises(
            OrganisationLimitReached, match="Borchester Borough Council already has 2"
        ):
            enrol(cohort, organisation=organisation)

        assert enrol(cohort).status == EnrolmentStatus.WAITING

    def test_someone_who_left_no_longer_counts(self):
        cohort = CohortFactory(max_per_organisation=1)
        organisation = SignatoryFactory()
        EnrolmentFactory(cohort=cohort, organisation=organisation, cancelled=True)

        assert enrol(cohort, organisation=organisation).status == EnrolmentStatus.ENROLLED


def add_by_hand(cohort, added_by, user=None, organisation=None) -> Enrolment:
    """Enrol a member of a signatory (``user`` of ``organisation``, or a new one) by hand."""
    if user is None:
        user = signatory_member()
    return services.enrolment_add_by_administrator(
        cohort=cohort,
        user=user,
        organisation=organisation or user.memberships.get().organisation,
        job_title="Chief executive",
        added_by=added_by,
    )


class TestEnrolmentAddByAdministrator:
    def test_enrols_an_eligible_person_after_enrolment_closed_and_records_who(self, administrator):
        cohort = CohortFactory(closed=True)

        enrolment = add_by_hand(cohort, administrator)

        assert (enrolment.status, enrolment.created_by) == (EnrolmentStatus.ENROLLED, administrator)
        event = AuditEvent.objects.get(verb="training.enrolment.enrolled")
        assert (event.actor, event.data["by_administrator"]) == (administrator, True)

    def test_capacity_applies_so_a_person_added_to_a_full_cohort_waits(self, administrator):
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)

        enrolment = add_by_hand(cohort, administrator)

        assert (enrolment.status, enrolment.waiting_position) == (EnrolmentStatus.WAITING, 1)

    def test_only_a_training_administrator_may(self):
        fund_manager = UserFactory(staff=True, groups=["Fund manager"])

        with pytest.raises(NotPermitted, match="Only training administrators"):
            add_by_hand(CohortFactory(), fund_manager)

    def test_still_refuses_someone_not_eligible(self, administrator):
        organisation = OrganisationFactory()

        with pytest.raises(NotEligible):
            add_by_hand(CohortFactory(), administrator, member_of(organisation), organisation)

    def test_refuses_a_cohort_that_has_started(self, administrator):
        now = timezone.now()
        cohort = CohortFactory(closed=True, sessions=[now - DAY, now + DAY])

        with pytest.raises(EnrolmentClosed, match="has started"):
            add_by_hand(cohort, administrator)
