"""Submitting an expression of interest under each of the round's rules, withdrawing it, and
telling its partners."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from funding.errors import DeadlinePassed, NotPermitted, RuleCode, RulesNotMet, TransitionNotAllowed
from funding.models import EoiChange, EoiPartner, EoiStatus, ExpressionOfInterest
from funding.services import eois as services
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.funding.factories import EoiFactory, RoundFactory, SignatoryFactory, member_of
from tests.funding.support import rules_of

pytestmark = pytest.mark.django_db


class TestEoiSubmit:
    def test_submits_a_complete_eoi_and_emails_a_copy(self):
        eoi = EoiFactory(partners=[SignatoryFactory()])

        services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by)

        eoi.refresh_from_db()
        assert eoi.status == EoiStatus.SUBMITTED
        assert eoi.submitted_by == eoi.created_by
        email = OutgoingEmail.objects.get(recipient=eoi.created_by.email)
        assert eoi.reference in email.subject
        assert eoi.title in email.body_text
        assert AuditEvent.objects.filter(verb="funding.eoi.submitted").exists()

    def test_the_copy_says_when_it_was_submitted_the_gov_uk_way_even_just_after_midnight(self):
        """A submission time is not a deadline: half a minute past midnight is "midnight" on
        that day, never "11:59pm" the day before."""
        eoi = EoiFactory(partners=[SignatoryFactory()])
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        now = datetime.datetime.combine(
            tomorrow, datetime.time(0, 0, 30), tzinfo=zoneinfo.ZoneInfo("Europe/London")
        )

        services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by, now=now)

        body = OutgoingEmail.objects.get(recipient=eoi.created_by.email).body_text
        assert f"midnight on {tomorrow:%A} {tomorrow.day} {tomorrow:%B %Y}" in body
        assert "11:59pm" not in body

    def test_refuses_too_few_organisations_naming_the_rule(self):
        eoi = EoiFactory(round=RoundFactory(eoi_open=True, min_participants=3))
        EoiPartner.objects.create(eoi=eoi, organisation=SignatoryFactory())

        with pytest.raises(RulesNotMet) as refused:
            services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by)

        assert rules_of(refused.value) == {RuleCode.PARTNER_MINIMUM}
        assert "at least 3 organisations" in str(refused.value)
        eoi.refresh_from_db()
        assert eoi.status == EoiStatus.DRAFT

    def test_refuses_partners_that_have_not_signed_when_the_round_asks(self):
        unsigned = OrganisationFactory(name="Unsigned Borough Council")
        eoi = EoiFactory(partners=[unsigned])

        with pytest.raises(RulesNotMet) as refused:
            services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by)

        assert rules_of(refused.value) == {RuleCode.SIGNATORIES}
        assert "Unsigned Borough Council" in str(refused.value)

    def test_accepts_partners_that_have_not_signed_when_the_round_allows(self):
        round = RoundFactory(eoi_open=True, participants_must_be_signatories=False)
        eoi = EoiFactory(round=round, partners=[OrganisationFactory()])

        services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by)

        eoi.refresh_from_db()
        assert eoi.status == EoiStatus.SUBMITTED

    def test_refuses_missing_answers(self):
        eoi = EoiFactory(title="", estimated_cost=None, partners=[SignatoryFactory()])

        with pytest.raises(RulesNotMet) as refused:
            services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by)

        assert rules_of(refused.value) == {RuleCode.INCOMPLETE}
        assert "title" in str(refused.value)
        assert "estimated cost" in str(refused.value)

    def test_refuses_an_estimate_over_the_phase_cap_and_a_phase_not_funded(self):
        round = RoundFactory(eoi_open=True, phases={"discovery": 80000})
        over = EoiFactory(round=round, estimated_cost=Decimal(80001), partners=[SignatoryFactory()])
        beta = EoiFactory(round=round, phase="beta", partners=[SignatoryFactory()])

        with pytest.raises(RulesNotMet) as refused:
            services.eoi_submit(eoi=over, submitted_by=over.created_by)
        assert rules_of(refused.value) == {RuleCode.PHASE_CAP}
        assert "£80,000 or less" in str(refused.value)

        with pytest.raises(RulesNotMet) as refused:
            services.eoi_submit(eoi=beta, submitted_by=beta.created_by)
        assert rules_of(refused.value) == {RuleCode.PHASE}

    def test_accepts_an_estimate_equal_to_the_cap(self):
        round = RoundFactory(eoi_open=True, phases={"discovery": 80000})
        eoi = EoiFactory(round=round, estimated_cost=Decimal(80000), partners=[SignatoryFactory()])

        services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by)

    def test_refuses_over_the_lead_limit(self):
        round = RoundFactory(eoi_open=True, max_led_applications=1)
        lead = SignatoryFactory()
        first = EoiFactory(round=round, lead_organisation=lead, partners=[SignatoryFactory()])
        # A second draft made before the limit was set, say.
        second = EoiFactory(round=round, lead_organisation=lead, partners=[SignatoryFactory()])

        with pytest.raises(RulesNotMet) as refused:
            services.eoi_submit(eoi=first, submitted_by=first.created_by)

        assert rules_of(refused.value) == {RuleCode.LEAD_LIMIT}
        services.eoi_withdraw(eoi=second, withdrawn_by=second.created_by)
        services.eoi_submit(eoi=first, submitted_by=first.created_by)

    def test_checks_the_deadline_to_the_second(self):
        eoi = EoiFactory(partners=[SignatoryFactory()])
        close = eoi.round.eoi_closes_at

        with pytest.raises(RulesNotMet) as refused:
            services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by, now=close)
        assert rules_of(refused.value) == {RuleCode.WINDOW}

        services.eoi_submit(
            eoi=eoi, submitted_by=eoi.created_by, now=close - datetime.timedelta(seconds=1)
        )
        eoi.refresh_from_db()
        assert eoi.status == EoiStatus.SUBMITTED

    def test_refuses_before_the_window_opens(self):
        eoi = EoiFactory(partners=[SignatoryFactory()])

        with pytest.raises(RulesNotMet, match="opens for expressions of interest"):
            services.eoi_submit(
                eoi=eoi,
                submitted_by=eoi.created_by,
                now=eoi.round.eoi_opens_at - datetime.timedelta(seconds=1),
            )

    def test_refuses_a_second_submission_and_a_partner_member(self):
        partner = SignatoryFactory()
        eoi = EoiFactory(partners=[partner])

        with pytest.raises(NotPermitted):
            services.eoi_submit(eoi=eoi, submitted_by=member_of(partner))
        services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by)
        with pytest.raises(
            TransitionNotAllowed,
            match=rf"^Expression of interest {eoi.reference} is not a draft\.$",
        ):
            services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by)
        assert OutgoingEmail.objects.count() == 1
        assert eoi.changes.filter(description="Submitted").count() == 1

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        eoi = EoiFactory(partners=[SignatoryFactory()])

        with pytest.raises(IntegrityError):
            services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by)

        eoi.refresh_from_db()
        assert eoi.status == EoiStatus.DRAFT
        assert not OutgoingEmail.objects.exists()
        assert not EoiChange.objects.filter(eoi=eoi, description="Submitted").exists()


class TestEoiWithdraw:
    def test_withdraws_a_draft_or_a_submitted_eoi_before_the_close(self):
        draft = EoiFactory()
        submitted = EoiFactory(submitted=True)

        services.eoi_withdraw(eoi=draft, withdrawn_by=draft.created_by)
        services.eoi_withdraw(eoi=submitted, withdrawn_by=submitted.created_by)

        assert set(
            ExpressionOfInterest.objects.filter(pk__in=[draft.pk, submitted.pk]).values_list(
                "status", flat=True
            )
        ) == {EoiStatus.WITHDRAWN}

    def test_refuses_after_the_close_and_once_invited_or_declined(self):
        draft = EoiFactory()
        with pytest.raises(DeadlinePassed):
            services.eoi_withdraw(
                eoi=draft, withdrawn_by=draft.created_by, now=draft.round.eoi_closes_at
            )
        declined = EoiFactory(declined=True)
        with pytest.raises(TransitionNotAllowed):
            services.eoi_withdraw(eoi=declined, withdrawn_by=declined.created_by)

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        eoi = EoiFactory()

        with pytest.raises(IntegrityError):
            services.eoi_withdraw(eoi=eoi, withdrawn_by=eoi.created_by)

        eoi.refresh_from_db()
        assert eoi.status == EoiStatus.DRAFT


class TestEoiPartnersTold:
    """When an EOI is submitted, each partner organisation's admins are told."""

    def test_emails_each_partner_admin_who_submitted_what_and_where_to_read_it(self):
        partner = SignatoryFactory(name="Borchester City Council")
        admin = MembershipFactory(organisation=partner, admin=True).user
        member = MembershipFactory(organisation=partner).user
        eoi = EoiFactory(title="Joined-up missed bins", partners=[partner])
        eoi.created_by.full_name = "Olu Officer"
        eoi.created_by.save()

        services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by)

        email = OutgoingEmail.objects.get(recipient=admin.email)
        assert eoi.lead_organisation.name in email.subject
        assert "Borchester City Council" in email.subject
        assert "Olu Officer" in email.body_text
        assert "Joined-up missed bins" in email.body_text
        assert eoi.reference in email.body_text
        assert f"/funding/expressions-of-interest/{eoi.reference}/" in email.body_text
        assert not OutgoingEmail.objects.filter(recipient=member.email).exists()

    def test_telling_twice_sends_once(self):
        partners = [SignatoryFactory(), SignatoryFactory()]
        admins = [MembershipFactory(organisation=p, admin=True).user for p in partners]
        eoi = EoiFactory(partners=partners)
        services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by)

        services.eoi_partners_tell(eoi=eoi)
        services.eoi_partners_tell(eoi=eoi)

        for admin in admins:
            assert OutgoingEmail.objects.filter(recipient=admin.email).count() == 1

    def test_nothing_is_sent_when_the_submission_fails(self):
        partner = SignatoryFactory()
        admin = MembershipFactory(organisation=partner, admin=True).user
        eoi = EoiFactory(title="", partners=[partner])

        with pytest.raises(RulesNotMet):
            services.eoi_submit(eoi=eoi, submitted_by=eoi.created_by)

        assert not OutgoingEmail.objects.filter(recipient=admin.email).exists()
