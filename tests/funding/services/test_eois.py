"""The applicant's side of expressions of interest (funding/services/eois.py): starting, saving,
partners, deleting, and the round's rules checked where the answer is given. Submitting,
withdrawing and telling the partners are tested in test_eois_submission.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from funding.errors import (
    DeadlinePassed,
    FundingError,
    LeadLimitReached,
    NotPermitted,
    RuleCode,
    RulesNotMet,
    TransitionNotAllowed,
    WindowNotOpen,
)
from funding.models import EoiChange, EoiPartner, EoiStatus, ExpressionOfInterest
from funding.services import eois as services
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.funding.factories import EoiFactory, RoundFactory, SignatoryFactory, member_of
from tests.funding.support import rules_of

pytestmark = pytest.mark.django_db


class TestEoiStart:
    def test_starts_a_draft_for_a_member_of_a_signatory_while_the_window_is_open(self):
        round = RoundFactory(eoi_open=True)
        lead = SignatoryFactory()
        person = member_of(lead)

        eoi = services.eoi_start(round=round, lead_organisation=lead, started_by=person)

        stored = ExpressionOfInterest.objects.get(pk=eoi.pk)
        assert (stored.status, stored.lead_organisation, stored.created_by) == (
            EoiStatus.DRAFT,
            lead,
            person,
        )
        assert stored.reference.startswith("EOI-")
        assert EoiChange.objects.filter(eoi=eoi, changed_by=person).exists()
        assert AuditEvent.objects.filter(verb="funding.eoi.started", actor=person).exists()

    def test_refuses_when_the_window_is_not_open(self):
        round = RoundFactory(eoi_closed=True)
        lead = SignatoryFactory()

        with pytest.raises(WindowNotOpen, match="deadline for expressions of interest"):
            services.eoi_start(round=round, lead_organisation=lead, started_by=member_of(lead))

    def test_refuses_a_round_without_an_eoi_stage(self):
        lead = SignatoryFactory()

        with pytest.raises(WindowNotOpen, match="does not take expressions of interest"):
            services.eoi_start(
                round=RoundFactory(), lead_organisation=lead, started_by=member_of(lead)
            )

    def test_refuses_an_unpublished_round(self):
        lead = SignatoryFactory()

        with pytest.raises(WindowNotOpen):
            services.eoi_start(
                round=RoundFactory(eoi_open=True, is_published=False),
                lead_organisation=lead,
                started_by=member_of(lead),
            )

    def test_refuses_someone_who_is_not_an_approved_member(self):
        lead = SignatoryFactory()
        pending = MembershipFactory(organisation=lead, pending=True).user

        with pytest.raises(NotPermitted):
            services.eoi_start(
                round=RoundFactory(eoi_open=True), lead_organisation=lead, started_by=pending
            )
        with pytest.raises(NotPermitted):
            services.eoi_start(
                round=RoundFactory(eoi_open=True), lead_organisation=lead, started_by=UserFactory()
            )

    def test_refuses_an_organisation_that_has_not_signed(self):
        unsigned = OrganisationFactory()

        with pytest.raises(FundingError, match="has not signed"):
            services.eoi_start(
                round=RoundFactory(eoi_open=True),
                lead_organisation=unsigned,
                started_by=member_of(unsigned),
            )

    def test_refuses_a_lead_at_the_round_limit_counting_drafts_but_not_withdrawn(self):
        round = RoundFactory(eoi_open=True, max_led_applications=2)
        lead = SignatoryFactory()
        EoiFactory(round=round, lead_organisation=lead)
        EoiFactory(round=round, lead_organisation=lead, submitted=True)
        EoiFactory(round=round, lead_organisation=lead, withdrawn=True)

        with pytest.raises(LeadLimitReached, match="already leads 2"):
            services.eoi_start(round=round, lead_organisation=lead, started_by=member_of(lead))
        assert ExpressionOfInterest.objects.filter(lead_organisation=lead).count() == 3


class TestEoiDetailsSave:
    def test_keeps_the_answers_and_records_who_changed_what(self):
        eoi = EoiFactory(title="", problem="", phase="", estimated_cost=None)
        person = member_of(eoi.lead_organisation)

        services.eoi_details_save(
            eoi=eoi,
            title="  Missed bins  ",
            problem="Residents phone us.",
            phase="alpha",
            estimated_cost=Decimal("120000"),
            saved_by=person,
        )

        eoi.refresh_from_db()
        assert (eoi.title, eoi.phase, eoi.estimated_cost) == ("Missed bins", "alpha", 120000)
        change = EoiChange.objects.filter(eoi=eoi).first()
        assert change.changed_by == person
        assert "title" in change.description

    def test_refuses_a_member_of_a_partner_organisation(self):
        partner = SignatoryFactory()
        eoi = EoiFactory(partners=[partner])

        with pytest.raises(NotPermitted):
            services.eoi_details_save(
                eoi=eoi,
                title="Taken over",
                problem="",
                phase="",
                estimated_cost=None,
                saved_by=member_of(partner),
            )
        eoi.refresh_from_db()
        assert eoi.title != "Taken over"

    def test_refuses_after_the_close(self):
        eoi = EoiFactory()
        after = eoi.round.eoi_closes_at

        with pytest.raises(DeadlinePassed, match="can no longer be changed"):
            services.eoi_details_save(
                eoi=eoi,
                title="Late",
                problem="",
                phase="",
                estimated_cost=None,
                saved_by=eoi.created_by,
                now=after,
            )

    def test_refuses_a_submitted_eoi(self):
        eoi = EoiFactory(submitted=True)

        with pytest.raises(TransitionNotAllowed):
            services.eoi_details_save(
                eoi=eoi,
                title="Changed",
                problem="",
                phase="",
                estimated_cost=None,
                saved_by=eoi.created_by,
            )


class TestEoiPartners:
    def test_adds_and_removes_a_partner(self):
        eoi = EoiFactory()
        partner = SignatoryFactory()

        added = services.eoi_partner_add(eoi=eoi, organisation=partner, added_by=eoi.created_by)
        assert list(eoi.partners.values_list("organisation", flat=True)) == [partner.pk]

        services.eoi_partner_remove(partner=added, removed_by=eoi.created_by)
        assert not eoi.partners.exists()
        descriptions = list(EoiChange.objects.filter(eoi=eoi).values_list("description", flat=True))
        assert f"Removed {partner.name}" in descriptions
        assert f"Added {partner.name} as a partner" in descriptions

    def test_refuses_the_lead_itself_a_repeat_and_a_closed_organisation(self):
        eoi = EoiFactory()
        partner = SignatoryFactory()
        services.eoi_partner_add(eoi=eoi, organisation=partner, added_by=eoi.created_by)

        with pytest.raises(FundingError, match="leads this bid"):
            services.eoi_partner_add(
                eoi=eoi, organisation=eoi.lead_organisation, added_by=eoi.created_by
            )
        with pytest.raises(FundingError, match="already a partner"):
            services.eoi_partner_add(eoi=eoi, organisation=partner, added_by=eoi.created_by)
        with pytest.raises(FundingError, match="has closed"):
            services.eoi_partner_add(
                eoi=eoi, organisation=OrganisationFactory(closed=True), added_by=eoi.created_by
            )
        assert eoi.partners.count() == 1


def test_round_status_follows_the_dates():
    round = RoundFactory.build(eoi_open=True)
    now = timezone.now()
    assert round.status_at(now).value == "eoi_open"
    assert round.status_at(round.eoi_closes_at).value == "eoi_closed"
    assert round.status_at(round.applications_open_at).value == "applications_open"
    assert round.status_at(round.applications_close_at).value == "assessment"
    assert round.status_at(round.decisions_announced_at).value == "decided"
    assert round.status_at(round.eoi_opens_at - datetime.timedelta(seconds=1)).value == "upcoming"


class TestEoiRulesWhereTheAnswerIsGiven:
    """A rule is checked when the answer is saved, not only at submission."""

    def test_the_first_answers_start_the_draft(self):
        round = RoundFactory(eoi_open=True)
        lead = SignatoryFactory()

        eoi = services.eoi_start(
            round=round,
            lead_organisation=lead,
            started_by=member_of(lead),
            title=" Missed bins ",
            phase="discovery",
            estimated_cost=Decimal(60000),
        )

        assert (eoi.title, eoi.phase, eoi.estimated_cost) == ("Missed bins", "discovery", 60000)

    def test_a_first_estimate_over_its_phases_cap_is_refused_and_nothing_is_made(self):
        round = RoundFactory(eoi_open=True, phases={"discovery": 80000})
        lead = SignatoryFactory()

        with pytest.raises(RulesNotMet) as refused:
            services.eoi_start(
                round=round,
                lead_organisation=lead,
                started_by=member_of(lead),
                title="Missed bins",
                phase="discovery",
                estimated_cost=Decimal(90000),
            )

        assert rules_of(refused.value) == {RuleCode.PHASE_CAP}
        assert refused.value.problems[0].fields == ("estimated_cost", "phase")
        assert not ExpressionOfInterest.objects.exists()

    def test_an_estimate_over_its_phases_cap_is_refused_when_saved(self):
        eoi = EoiFactory(round=RoundFactory(eoi_open=True, phases={"discovery": 80000}))

        with pytest.raises(RulesNotMet, match="must be £80,000 or less for a discovery project"):
            services.eoi_details_save(
                eoi=eoi,
                title="Changed",
                problem="",
                phase="discovery",
                estimated_cost=Decimal(90000),
                saved_by=eoi.created_by,
            )

        eoi.refresh_from_db()
        assert (eoi.title, eoi.estimated_cost) != ("Changed", 90000)

    def test_the_start_check_refuses_as_the_start_does_and_writes_nothing(self):
        round = RoundFactory(eoi_open=True, max_led_applications=1)
        lead = SignatoryFactory()
        person = member_of(lead)

        services.eoi_start_check(round=round, lead_organisation=lead, started_by=person)
        assert not ExpressionOfInterest.objects.exists()

        EoiFactory(round=round, lead_organisation=lead)
        with pytest.raises(LeadLimitReached, match="already leads 1 expression of interest"):
            services.eoi_start_check(round=round, lead_organisation=lead, started_by=person)
        with pytest.raises(WindowNotOpen):
            services.eoi_start_check(
                round=round,
                lead_organisation=lead,
                started_by=person,
                now=round.eoi_closes_at,
            )


class TestEoiDelete:
    def test_a_member_of_the_lead_deletes_a_draft_with_its_partners_and_history(self):
        eoi = EoiFactory(partners=[SignatoryFactory()])
        reference = eoi.reference
        person = member_of(eoi.lead_organisation)

        services.eoi_delete(eoi=eoi, deleted_by=person)

        assert not ExpressionOfInterest.objects.filter(reference=reference).exists()
        assert not EoiPartner.objects.exists()
        assert not EoiChange.objects.exists()
        event = AuditEvent.objects.get(verb="funding.eoi.deleted")
        assert (event.actor, event.data["reference"]) == (person, reference)

    def test_frees_the_place_it_took_under_the_lead_limit(self):
        round = RoundFactory(eoi_open=True, max_led_applications=1)
        eoi = EoiFactory(round=round)
        lead = eoi.lead_organisation

        services.eoi_delete(eoi=eoi, deleted_by=eoi.created_by)

        services.eoi_start(round=round, lead_organisation=lead, started_by=member_of(lead))

    def test_a_member_of_a_partner_cannot_delete_it(self):
        partner = SignatoryFactory()
        eoi = EoiFactory(partners=[partner])

        with pytest.raises(NotPermitted, match="delete it"):
            services.eoi_delete(eoi=eoi, deleted_by=member_of(partner))

        assert ExpressionOfInterest.objects.filter(pk=eoi.pk).exists()

    @pytest.mark.parametrize("state", ["submitted", "withdrawn", "declined"])
    def test_only_a_draft_can_be_deleted(self, state):
        eoi = EoiFactory(**{state: True})

        with pytest.raises(TransitionNotAllowed, match="cannot be deleted"):
            services.eoi_delete(eoi=eoi, deleted_by=eoi.created_by)

        assert ExpressionOfInterest.objects.filter(pk=eoi.pk).exists()

    def test_not_after_the_deadline(self):
        eoi = EoiFactory()

        with pytest.raises(DeadlinePassed):
            services.eoi_delete(eoi=eoi, deleted_by=eoi.created_by, now=eoi.round.eoi_closes_at)

        assert ExpressionOfInterest.objects.filter(pk=eoi.pk).exists()

    def test_deletes_nothing_when_the_audit_fails(self, broken_audit):
        eoi = EoiFactory()

        with pytest.raises(IntegrityError):
            services.eoi_delete(eoi=eoi, deleted_by=eoi.created_by)

        assert ExpressionOfInterest.objects.filter(pk=eoi.pk).exists()
