"""An award's offer accepted or declined by the lead, its instalments paid and its progress
(funding/services/awards.py)."""

from __future__ import annotations

import pytest

from funding.errors import FundingError, NotPermitted, TransitionNotAllowed
from funding.models import AwardStatus
from funding.services import awards as award_services
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory
from tests.funding.factories import (
    ApplicationPartnerFactory,
    AwardFactory,
    InstalmentFactory,
    SignatoryFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


class TestOffer:
    def test_the_lead_organisations_admin_accepts(self):
        award = AwardFactory()
        admin = MembershipFactory(organisation=award.application.lead_organisation, admin=True).user

        award_services.award_offer_accept(award=award, accepted_by=admin)

        award.refresh_from_db()
        assert award.status == AwardStatus.ACCEPTED
        with pytest.raises(TransitionNotAllowed):
            award_services.award_offer_decline(award=award, declined_by=admin, reason="Changed")

    def test_a_member_a_partner_or_a_stranger_cannot_answer(self):
        award = AwardFactory()
        partner = ApplicationPartnerFactory(application=award.application)
        for person in (
            member_of(award.application.lead_organisation),
            MembershipFactory(organisation=partner.organisation, admin=True).user,
            UserFactory(),
        ):
            with pytest.raises(NotPermitted):
                award_services.award_offer_accept(award=award, accepted_by=person)
        award.refresh_from_db()
        assert award.status == AwardStatus.OFFERED

    def test_declining_needs_a_reason(self):
        award = AwardFactory()
        admin = MembershipFactory(organisation=award.application.lead_organisation, admin=True).user

        with pytest.raises(FundingError, match="Say why"):
            award_services.award_offer_decline(award=award, declined_by=admin, reason=" ")
        award_services.award_offer_decline(award=award, declined_by=admin, reason="No partners")
        award.refresh_from_db()
        assert (award.status, award.decline_reason) == (AwardStatus.DECLINED, "No partners")


class TestInstalmentsAndProgress:
    def test_marks_an_instalment_paid_once(self, fund_manager):
        instalment = InstalmentFactory()

        award_services.instalment_mark_paid(instalment=instalment, paid_by=fund_manager)
        with pytest.raises(TransitionNotAllowed, match="already paid"):
            award_services.instalment_mark_paid(instalment=instalment, paid_by=fund_manager)
        instalment.refresh_from_db()
        assert instalment.paid_by == fund_manager

    def test_an_offer_not_accepted_is_not_paid(self, fund_manager):
        instalment = InstalmentFactory(award=AwardFactory())

        with pytest.raises(TransitionNotAllowed, match="has not been accepted yet"):
            award_services.instalment_mark_paid(instalment=instalment, paid_by=fund_manager)

    def test_starts_and_completes_an_accepted_award(self, fund_manager):
        award = AwardFactory(accepted=True)

        with pytest.raises(TransitionNotAllowed):
            award_services.award_complete(award=award, completed_by=fund_manager)
        award_services.award_start(award=award, started_by=fund_manager)
        award_services.award_complete(award=award, completed_by=fund_manager)
        award.refresh_from_db()
        assert award.status == AwardStatus.COMPLETED

    def test_the_team_posts_updates_and_outputs_and_a_stranger_cannot(self):
        award = AwardFactory()
        partner = ApplicationPartnerFactory(application=award.application)

        award_services.progress_update_post(
            award=award,
            title="Alpha done",
            body="We tested it.",
            posted_by=member_of(partner.organisation),
        )
        output = award_services.project_output_add(
            award=award,
            title="Prototype",
            url="https://github.com/example/prototype",
            output_type="code",
            added_by=member_of(award.application.lead_organisation),
        )
        with pytest.raises(NotPermitted):
            award_services.progress_update_post(
                award=award, title="x", body="y", posted_by=member_of(SignatoryFactory())
            )
        award_services.project_output_remove(
            output=output, removed_by=member_of(award.application.lead_organisation)
        )
        assert award.updates.count() == 1
        assert not award.outputs.exists()
