"""Starting a full application: who may, and from which expression of interest."""

from __future__ import annotations

import pytest

from funding.errors import LeadLimitReached, NotPermitted, WindowNotOpen
from funding.models import ApplicationPartner, ApplicationSection, ApplicationStatus, Section
from funding.services import applications_start as start_services
from funding.services import applications_submission as submission_services
from localdigital.audit.models import AuditEvent
from tests.funding.factories import ApplicationFactory, RoundFactory, SignatoryFactory, member_of
from tests.funding.support import ready

pytestmark = pytest.mark.django_db


class TestApplicationStart:
    def test_starts_a_draft_with_every_section_not_started(self):
        round = RoundFactory()
        lead = SignatoryFactory()
        person = member_of(lead)

        application = start_services.application_start(
            round=round, lead_organisation=lead, started_by=person
        )

        assert application.reference.startswith("LDF-")
        states = ApplicationSection.objects.filter(application=application)
        assert {state.section for state in states} == set(Section.values)
        assert not any(state.is_completed or state.version for state in states)
        assert AuditEvent.objects.filter(verb="funding.application.started").exists()

    def test_refuses_a_round_with_an_eoi_stage(self):
        lead = SignatoryFactory()
        round = RoundFactory(eoi_then_applications_open=True)

        with pytest.raises(NotPermitted, match="only from expressions of interest"):
            start_services.application_start(
                round=round, lead_organisation=lead, started_by=member_of(lead)
            )

    def test_refuses_outside_the_window(self):
        lead = SignatoryFactory()
        for round in (RoundFactory(upcoming=True), RoundFactory(closed=True)):
            with pytest.raises(WindowNotOpen):
                start_services.application_start(
                    round=round, lead_organisation=lead, started_by=member_of(lead)
                )

    def test_refuses_a_third_bid_when_a_council_may_lead_two(self):
        """Round 3's rule: a council may lead at most 2 applications; drafts count."""
        round = RoundFactory(max_led_applications=2)
        lead = SignatoryFactory()
        ApplicationFactory(round=round, lead_organisation=lead)
        ApplicationFactory(round=round, lead_organisation=lead, submitted=True)
        ApplicationFactory(round=round, lead_organisation=lead, withdrawn=True)

        with pytest.raises(LeadLimitReached, match="already leads 2 applications"):
            start_services.application_start(
                round=round, lead_organisation=lead, started_by=member_of(lead)
            )

    def test_lets_a_council_at_its_lead_limit_partner_on_others(self):
        round = RoundFactory(max_led_applications=1)
        council = SignatoryFactory()
        ApplicationFactory(round=round, lead_organisation=council)
        other = ready(round=round)
        ApplicationPartner.objects.filter(application=other).update(organisation=council)

        submission_services.application_submit(application=other, submitted_by=other.created_by)

        other.refresh_from_db()
        assert other.status == ApplicationStatus.SUBMITTED
