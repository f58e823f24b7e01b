"""Decisions (funding/services/decisions.py): recording them, the Minister's approval, the
embargo and the announcement job, and the awards it makes for follow-on rounds. The offer and
what follows it are tested in test_awards.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from funding.errors import FundingError, NotPermitted, RuleCode, RulesNotMet, TransitionNotAllowed
from funding.models import Award, AwardStatus, Decision, DecisionOutcome, Round
from funding.services import decisions as services
from funding.services.applications_start import application_start
from funding.services.applications_submission import application_submit
from funding.tasks import announce_decisions
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    AwardFactory,
    DecisionFactory,
    RoundFactory,
    SignatoryFactory,
    member_of,
)
from tests.support.audit import audit_break

pytestmark = pytest.mark.django_db


DAY = datetime.timedelta(days=1)


@pytest.fixture
def announce(django_capture_on_commit_callbacks):
    """Run the beat job as at a time, and the tasks it queues once it commits."""

    def run(at: datetime.datetime) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return announce_decisions(at.isoformat())

    return run


def closed_round(**kwargs) -> Round:
    now = timezone.now()
    return RoundFactory.create(
        applications_open_at=now - 40 * DAY,
        applications_close_at=now - 10 * DAY,
        decisions_announced_at=now + 5 * DAY,
        phases={"discovery": 80000},
        **kwargs,
    )


def submitted(round, **kwargs):
    return ApplicationFactory.create(round=round, submitted=True, **kwargs)


class TestDecide:
    def test_records_an_approval_up_to_the_amount_requested_and_the_cap(self, fund_manager):
        application = submitted(closed_round(), requested_amount=Decimal(60000))

        decision = services.application_decide(
            application=application,
            outcome=DecisionOutcome.APPROVED,
            award_amount=Decimal(60000),
            conditions="Share the code",
            decided_by=fund_manager,
        )

        assert (decision.outcome, decision.award_amount) == (DecisionOutcome.APPROVED, 60000)

    def test_refuses_more_than_requested_more_than_the_cap_or_no_amount(self, fund_manager):
        round = closed_round()
        application = submitted(round, requested_amount=Decimal(60000))
        big = submitted(round, requested_amount=Decimal(90000))

        with pytest.raises(FundingError, match="more than the amount requested"):
            services.application_decide(
                application=application,
                outcome="approved",
                award_amount=Decimal(60001),
                decided_by=fund_manager,
            )
        with pytest.raises(FundingError, match="cap for discovery projects, £80,000"):
            services.application_decide(
                application=big,
                outcome="approved",
                award_amount=Decimal(85000),
                decided_by=fund_manager,
            )
        with pytest.raises(FundingError, match="Give the amount"):
            services.application_decide(
                application=application, outcome="approved", decided_by=fund_manager
            )
        assert not Decision.objects.filter(outcome="approved").exists()

    def test_a_rejection_needs_feedback(self, fund_manager):
        application = submitted(closed_round())

        with pytest.raises(FundingError, match="Give feedback"):
            services.application_decide(
                application=application, outcome="rejected", decided_by=fund_manager
            )
        decision = services.application_decide(
            application=application,
            outcome="rejected",
            feedback="Talk to Leeds.",
            decided_by=fund_manager,
        )
        assert decision.award_amount is None

    def test_only_fund_managers_decide_and_not_after_approval(self, fund_manager):
        round = closed_round()
        application = submitted(round)
        assessor = UserFactory(staff=True, groups=["Assessor"])

        with pytest.raises(NotPermitted):
            services.application_decide(
                application=application, outcome="rejected", feedback="x", decided_by=assessor
            )
        DecisionFactory(application=application)
        services.round_decisions_approve(round=round, approved_by=fund_manager)
        with pytest.raises(TransitionNotAllowed, match="approved"):
            services.application_decide(
                application=application, outcome="rejected", feedback="x", decided_by=fund_manager
            )


class TestApprove:
    def test_needs_a_decision_on_every_submitted_application(self, fund_manager):
        round = closed_round()
        decided = submitted(round)
        DecisionFactory(application=decided)
        undecided = submitted(round)
        ApplicationFactory(round=round, withdrawn=True)

        with pytest.raises(FundingError, match=undecided.reference):
            services.round_decisions_approve(round=round, approved_by=fund_manager)
        DecisionFactory(application=undecided, rejected=True)
        services.round_decisions_approve(round=round, approved_by=fund_manager)

        round.refresh_from_db()
        assert round.decisions_approved_at is not None
        with pytest.raises(TransitionNotAllowed):
            services.round_decisions_approve(round=round, approved_by=fund_manager)

    def test_only_a_fund_manager_approves(self):
        round = closed_round()
        DecisionFactory(application=submitted(round))

        with pytest.raises(NotPermitted):
            services.round_decisions_approve(
                round=round, approved_by=UserFactory(staff=True, groups=["Assessor"])
            )


def approved_round(fund_manager):
    """A round with an approved and a rejected decision, approved by the Minister."""
    round = closed_round()
    lead = SignatoryFactory()
    admin = MembershipFactory(organisation=lead, admin=True).user
    won = submitted(round, lead_organisation=lead, title="Missed bins")
    ApplicationPartnerFactory(application=won, confirmed=True)
    lost = submitted(round, title="Parking permits")
    DecisionFactory(application=won, award_amount=Decimal(50000), conditions="Open code")
    DecisionFactory(application=lost, rejected=True)
    services.round_decisions_approve(round=round, approved_by=fund_manager)
    return round, won, lost, admin


class TestAnnouncement:
    def test_tells_every_applicant_once_and_publishes_the_projects_offered(self, fund_manager):
        round, won, lost, admin = approved_round(fund_manager)
        at = round.decisions_announced_at

        assert services.round_decisions_announce(round_id=round.pk, now=at) == "announced"
        assert services.round_decisions_announce(round_id=round.pk, now=at) == "already"

        award = Award.objects.get()
        assert (award.application, award.status, award.amount) == (
            won,
            AwardStatus.OFFERED,
            Decimal(50000),
        )
        assert award.conditions == "Open code"
        for application in (won, lost):
            assert (
                OutgoingEmail.objects.filter(
                    recipient=application.created_by.email, subject__contains=application.reference
                ).count()
                == 1
            )
        assert OutgoingEmail.objects.filter(recipient=admin.email).count() == 1
        assert "approved" in OutgoingEmail.objects.get(recipient=admin.email).subject
        rejection = OutgoingEmail.objects.get(recipient=lost.created_by.email)
        assert "Others are solving this already" in rejection.body_text

    def test_the_job_sends_once_when_it_runs_twice_or_late(self, fund_manager, announce):
        round, won, lost, _ = approved_round(fund_manager)
        late = round.decisions_announced_at + 2 * DAY

        assert announce(late) == 1
        assert announce(late + DAY) == 0

        round.refresh_from_db()
        assert round.announced_at is not None
        assert Award.objects.count() == 1
        assert OutgoingEmail.objects.filter(recipient=won.created_by.email).count() == 1
        assert OutgoingEmail.objects.filter(recipient=lost.created_by.email).count() == 1

    def test_nothing_before_the_announcement_time(self, fund_manager, announce):
        round, won, _, _ = approved_round(fund_manager)
        before = round.decisions_announced_at - datetime.timedelta(seconds=1)

        assert announce(before) == 0
        assert services.round_decisions_announce(round_id=round.pk, now=before) == "not-due"
        assert not Award.objects.exists()
        assert not OutgoingEmail.objects.filter(recipient=won.created_by.email).exists()

    def test_without_approval_it_sends_nothing_and_alerts_the_fund_managers_once(
        self, fund_manager, announce
    ):
        round = closed_round()
        application = submitted(round)
        DecisionFactory(application=application)
        at = round.decisions_announced_at

        announce(at)
        announce(at + DAY)

        assert not Award.objects.exists()
        assert not OutgoingEmail.objects.filter(recipient=application.created_by.email).exists()
        alerts = OutgoingEmail.objects.filter(recipient=fund_manager.email)
        assert alerts.count() == 1
        assert "not approved" in alerts.get().subject
        round.refresh_from_db()
        assert round.announced_at is None

    def test_never_backfills_an_announcement_long_past(self, fund_manager, announce):
        round, _, _, _ = approved_round(fund_manager)

        assert announce(round.decisions_announced_at + 30 * DAY) == 0
        assert not Award.objects.exists()

    def test_writes_nothing_when_the_audit_fails(self, fund_manager, monkeypatch):
        round, won, _, _ = approved_round(fund_manager)

        audit_break(monkeypatch, services)
        with pytest.raises(IntegrityError):
            services.round_decisions_announce(round_id=round.pk, now=round.decisions_announced_at)
        round.refresh_from_db()
        assert round.announced_at is None
        assert not Award.objects.exists()
        assert not OutgoingEmail.objects.filter(recipient=won.created_by.email).exists()


class TestFollowOnRounds:
    """Round 2 was only for projects funded in round 1."""

    def test_refuses_a_lead_without_a_funded_project_of_the_earlier_round(self):
        earlier = AwardFactory()
        round = RoundFactory(restricted_to_round=earlier.application.round)
        stranger = SignatoryFactory()

        with pytest.raises(NotPermitted, match="only for projects funded in"):
            application_start(
                round=round, lead_organisation=stranger, started_by=member_of(stranger)
            )
        with pytest.raises(NotPermitted):
            application_start(
                round=round,
                lead_organisation=stranger,
                started_by=member_of(stranger),
                follow_on_award=earlier,
            )

    def test_lets_the_lead_or_a_partner_of_a_funded_project_follow_on_from_it(self):
        earlier = AwardFactory()
        round = RoundFactory(restricted_to_round=earlier.application.round)
        lead = earlier.application.lead_organisation
        partner = ApplicationPartnerFactory(application=earlier.application).organisation

        by_lead = application_start(
            round=round, lead_organisation=lead, started_by=member_of(lead), follow_on_award=earlier
        )
        by_partner = application_start(
            round=round,
            lead_organisation=partner,
            started_by=member_of(partner),
            follow_on_award=earlier,
        )
        assert by_lead.follow_on_award == earlier == by_partner.follow_on_award

    def test_refuses_a_declined_project_and_checks_again_at_submission(self):
        earlier = AwardFactory()
        round = RoundFactory(restricted_to_round=earlier.application.round)
        lead = earlier.application.lead_organisation
        application = ApplicationFactory(
            round=round, lead_organisation=lead, complete=True, follow_on_award=earlier
        )
        ApplicationPartnerFactory(application=application, confirmed=True)
        Award.objects.filter(pk=earlier.pk).update(status=AwardStatus.DECLINED)

        with pytest.raises(RulesNotMet) as refused:
            application_submit(application=application, submitted_by=application.created_by)
        assert {p.rule for p in refused.value.problems} == {RuleCode.FOLLOW_ON}
