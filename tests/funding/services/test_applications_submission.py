"""Submitting a full application under every rule of the round, withdrawing it, and telling its
partners."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError

from funding.errors import DeadlinePassed, NotPermitted, RuleCode, RulesNotMet, TransitionNotAllowed
from funding.models import ApplicationPartner, ApplicationStatus, BudgetLine, Section
from funding.services import applications_start as start_services
from funding.services import applications_submission as submission_services
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    RoundFactory,
    member_of,
)
from tests.funding.support import ready, rules_of

pytestmark = pytest.mark.django_db


LONDON = ZoneInfo("Europe/London")


class TestApplicationSubmit:
    def test_submits_a_ready_application_and_emails_a_copy_of_the_answers(self):
        application = ready()

        submission_services.application_submit(
            application=application, submitted_by=application.created_by
        )

        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED
        email = OutgoingEmail.objects.get(recipient=application.created_by.email)
        assert application.reference in email.subject
        assert "42,000 calls a year about missed bins" in email.body_text
        assert "Sam Patel" in email.body_text
        assert AuditEvent.objects.filter(verb="funding.application.submitted").exists()

    @pytest.mark.parametrize(
        "close",
        [
            datetime.datetime(2019, 1, 16, 17, 0, tzinfo=LONDON),  # GMT
            datetime.datetime(2019, 9, 16, 17, 0, tzinfo=LONDON),  # BST, round 3's close
        ],
        ids=["GMT", "BST"],
    )
    def test_accepts_at_4_59_59pm_and_refuses_at_5pm_london_time(self, close):
        round = RoundFactory(
            applications_open_at=close - datetime.timedelta(days=30),
            applications_close_at=close,
            decisions_announced_at=close + datetime.timedelta(days=28),
        )
        late = ready(round=round)
        on_time = ready(round=round)

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=late, submitted_by=late.created_by, now=close
            )
        assert rules_of(refused.value) == {RuleCode.WINDOW}
        assert f"5pm on {close:%A} 16 {close:%B} 2019" in str(refused.value)

        submission_services.application_submit(
            application=on_time,
            submitted_by=on_time.created_by,
            now=close - datetime.timedelta(seconds=1),
        )
        on_time.refresh_from_db()
        assert on_time.status == ApplicationStatus.SUBMITTED
        assert close.utcoffset() == datetime.timedelta(hours=0 if close.month == 1 else 1)

    def test_refuses_incomplete_sections_naming_each(self):
        application = ApplicationFactory()
        ApplicationPartnerFactory(application=application, confirmed=True)

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        incomplete = [p for p in refused.value.problems if p.rule == RuleCode.INCOMPLETE]
        assert {p.section for p in incomplete} == set(Section.values)

    def test_refuses_too_few_organisations_for_round_3(self):
        """Round 3 needed at least 3 organisations, the lead included."""
        application = ready(round=RoundFactory(min_participants=3))

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.PARTNER_MINIMUM}
        ApplicationPartnerFactory(application=application, confirmed=True)
        submission_services.application_submit(
            application=application, submitted_by=application.created_by
        )

    def test_refuses_a_partner_that_has_not_signed(self):
        application = ApplicationFactory(complete=True)
        ApplicationPartnerFactory(
            application=application, organisation=OrganisationFactory(), confirmed=True
        )

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.SIGNATORIES}

    def test_refuses_an_unconfirmed_partner(self):
        application = ApplicationFactory(complete=True)
        ApplicationPartnerFactory(application=application)

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.PARTNER_CONFIRMATION}

    def test_refuses_an_amount_over_the_phase_cap(self):
        round = RoundFactory(phases={"discovery": 80000})
        application = ready(round=round, requested_amount=Decimal("80000.01"))
        BudgetLine.objects.filter(application=application).update(amount=Decimal("80000.01"))

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.PHASE_CAP}
        assert "£80,000 or less" in str(refused.value)

    def test_refuses_budget_lines_that_do_not_add_up(self):
        application = ready()
        BudgetLine.objects.create(application=application, description="Extra", amount=1)

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.BUDGET_SUM}
        assert "£60,001" in str(refused.value)

    def test_refuses_a_partner_without_a_role(self):
        application = ready()
        ApplicationPartner.objects.filter(application=application).update(role="")

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.PARTNER_DETAILS}

    def test_refuses_over_the_lead_limit(self):
        round = RoundFactory(max_led_applications=1)
        application = ready(round=round)
        ApplicationFactory(round=round, lead_organisation=application.lead_organisation)

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.LEAD_LIMIT}

    def test_only_the_lead_organisation_submits(self):
        application = ready()
        partner = application.partners.get()

        with pytest.raises(NotPermitted):
            submission_services.application_submit(
                application=application, submitted_by=member_of(partner.organisation)
            )

    def test_refuses_a_second_submission_and_keeps_one_change_and_one_copy(self):
        application = ready()
        submission_services.application_submit(
            application=application, submitted_by=application.created_by
        )

        with pytest.raises(
            TransitionNotAllowed, match=rf"^Application {application.reference} is not a draft\.$"
        ):
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert [change.description for change in application.changes.all()].count(
            "Submitted the application"
        ) == 1
        assert OutgoingEmail.objects.filter(recipient=application.created_by.email).count() == 1

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        application = ready()

        with pytest.raises(IntegrityError):
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        application.refresh_from_db()
        assert application.status == ApplicationStatus.DRAFT
        assert not OutgoingEmail.objects.exists()


class TestApplicationWithdraw:
    def test_withdraws_before_the_close_and_frees_the_lead_limit(self):
        round = RoundFactory(max_led_applications=1)
        application = ApplicationFactory(round=round)

        submission_services.application_withdraw(
            application=application, withdrawn_by=application.created_by, reason="Merged"
        )

        application.refresh_from_db()
        assert (application.status, application.withdrawal_reason) == (
            ApplicationStatus.WITHDRAWN,
            "Merged",
        )
        start_services.application_start(
            round=round,
            lead_organisation=application.lead_organisation,
            started_by=application.created_by,
        )

    def test_refuses_after_the_close_twice_and_for_a_partner(self):
        application = ready()
        with pytest.raises(DeadlinePassed):
            submission_services.application_withdraw(
                application=application,
                withdrawn_by=application.created_by,
                now=application.round.applications_close_at,
            )
        with pytest.raises(NotPermitted):
            submission_services.application_withdraw(
                application=application,
                withdrawn_by=member_of(application.partners.get().organisation),
            )
        submission_services.application_withdraw(
            application=application, withdrawn_by=application.created_by
        )
        with pytest.raises(TransitionNotAllowed):
            submission_services.application_withdraw(
                application=application, withdrawn_by=application.created_by
            )

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        application = ApplicationFactory()

        with pytest.raises(IntegrityError):
            submission_services.application_withdraw(
                application=application, withdrawn_by=application.created_by
            )

        application.refresh_from_db()
        assert application.status == ApplicationStatus.DRAFT


class TestApplicationPartnersTold:
    """When an application is submitted, each partner organisation's admins are told."""

    def test_emails_each_partner_admin_who_submitted_what_and_where_to_read_it(self):
        application = ready(title="Joined-up missed bins")
        partner = application.partners.get().organisation
        admin = MembershipFactory(organisation=partner, admin=True).user
        member = MembershipFactory(organisation=partner).user

        submission_services.application_submit(
            application=application, submitted_by=application.created_by
        )

        email = OutgoingEmail.objects.get(recipient=admin.email)
        assert partner.name in email.subject
        assert application.lead_organisation.name in email.subject
        assert application.created_by.full_name in email.body_text
        assert "Joined-up missed bins" in email.body_text
        assert f"/funding/applications/{application.reference}/" in email.body_text
        assert not OutgoingEmail.objects.filter(recipient=member.email).exists()

    def test_telling_twice_sends_once_per_organisation_and_admin(self):
        application = ready()
        partner = application.partners.get().organisation
        admins = [MembershipFactory(organisation=partner, admin=True).user for _ in range(2)]
        submission_services.application_submit(
            application=application, submitted_by=application.created_by
        )

        submission_services.application_partners_tell(application=application)
        submission_services.application_partners_tell(application=application)

        for admin in admins:
            assert OutgoingEmail.objects.filter(recipient=admin.email).count() == 1
