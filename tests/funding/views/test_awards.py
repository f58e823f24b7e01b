"""The applicant's side of decisions and awards (funding/views/awards.py): nothing of a decision
before its round is announced, the outcome after, and the grant offer, accepted or declined by
the lead. The project's progress updates and outputs are tested in test_awards_progress.py."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from funding.models import Award, AwardStatus
from funding.services.decisions import round_decisions_announce
from tests.declaration.factories import MembershipFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    DecisionFactory,
    RoundFactory,
    SignatoryFactory,
    member_of,
)
from tests.support.clients import client_for, page

pytestmark = pytest.mark.django_db


NOW = timezone.now()


CONDITIONS = "Publish the code under an open licence within a month."


FEEDBACK = "Two other councils are building the same service; join them."


class Bid:
    """A submitted application, with a partner, to a round whose decisions are approved and
    due to be announced yesterday, but not yet announced; and the people around it."""

    def __init__(self, *, rejected=False):
        self.round = RoundFactory(
            closed=True,
            decisions_approved_at=NOW - datetime.timedelta(days=5),
            decisions_announced_at=NOW - datetime.timedelta(days=1),
        )
        self.application = ApplicationFactory(
            submitted=True, round=self.round, title="Digital planning service"
        )
        self.lead = self.application.lead_organisation
        self.partner = ApplicationPartnerFactory(
            application=self.application, organisation=SignatoryFactory(), confirmed=True
        ).organisation
        self.decision = (
            DecisionFactory(application=self.application, rejected=True, feedback=FEEDBACK)
            if rejected
            else DecisionFactory(
                application=self.application, award_amount=Decimal(55000), conditions=CONDITIONS
            )
        )
        self.lead_admin = MembershipFactory(organisation=self.lead, admin=True).user
        self.lead_member = self.application.created_by
        self.partner_admin = MembershipFactory(organisation=self.partner, admin=True).user
        self.partner_member = member_of(self.partner)
        self.stranger = MembershipFactory(organisation=SignatoryFactory(), admin=True).user

    def announce(self):
        assert round_decisions_announce(round_id=self.round.pk, now=NOW) == "announced"
        self.round.refresh_from_db()

    @property
    def award(self):
        return Award.objects.get(application=self.application)

    def url(self, name):
        return reverse(name, args=[self.application.reference])


class TestEmbargo:
    def test_before_the_announcement_nothing_of_an_approved_decision_shows_anywhere(self):
        bid = Bid()
        applicant = client_for(bid.lead_admin)
        public = Client()

        detail = page(applicant, bid.url("funding:application-detail"))
        account = page(applicant, reverse("pages:account"))
        for name in (
            "funding:application-outcome",
            "funding:application-offer-accept",
            "funding:application-offer-decline",
        ):
            page(applicant, bid.url(name), status=404)
        projects = page(public, reverse("funding:project-list"))
        rounds = page(public, reverse("funding:round-list"))
        signatory = page(public, f"/signatories/{bid.lead.slug}/")
        csv_body = b"".join(public.get(reverse("funding:projects-csv")).streaming_content)
        json_body = json.loads(public.get(reverse("funding:projects-json")).content)
        giving = public.get(reverse("funding:threesixtygiving"))

        assert "The Local Digital team will tell you the outcome" in detail
        for text in (detail, account, projects, rounds, signatory, csv_body.decode()):
            assert "£55,000" not in text and "55000" not in text
            assert CONDITIONS not in text
            assert "approved" not in text.lower().replace("approved by", "")
        assert "Approved" not in account
        assert "Digital planning service" not in projects
        assert csv_body.decode().count("\r\n") == 1  # the header only
        assert json_body["projects"] == []
        assert giving.status_code == 404
        assert "Funded so far" not in rounds

    def test_before_the_announcement_a_rejection_and_its_feedback_do_not_show(self):
        bid = Bid(rejected=True)
        applicant = client_for(bid.lead_member)

        detail = page(applicant, bid.url("funding:application-detail"))
        account = page(applicant, reverse("pages:account"))

        for text in (detail, account):
            assert FEEDBACK not in text
            assert "Not funded" not in text and "not funded" not in text
        page(applicant, bid.url("funding:application-outcome"), status=404)


class TestOutcome:
    def test_after_the_announcement_the_applicants_see_the_amount_and_conditions(self):
        bid = Bid()
        bid.announce()

        for user in (bid.lead_admin, bid.lead_member, bid.partner_member):
            client = client_for(user)
            outcome = page(client, bid.url("funding:application-outcome"))
            detail = page(client, bid.url("funding:application-detail"))
            assert "Your application is approved" in outcome
            assert "£55,000" in outcome
            assert CONDITIONS in outcome
            assert "Offered" in outcome
            assert bid.url("funding:application-outcome") in detail
            assert "This application is approved: £55,000 awarded." in detail

    def test_after_the_announcement_a_rejection_shows_its_feedback(self):
        bid = Bid(rejected=True)
        bid.announce()
        client = client_for(bid.lead_member)

        outcome = page(client, bid.url("funding:application-outcome"))
        account = page(client, reverse("pages:account"))

        assert "Your application was not funded" in outcome
        assert FEEDBACK in outcome
        assert "Not funded" in account
        assert "Accept the grant offer" not in outcome

    def test_the_account_page_lists_the_funded_project_with_the_teams_links(self):
        bid = Bid()
        bid.announce()
        award = bid.award

        admin_page = page(client_for(bid.lead_admin), reverse("pages:account"))
        partner_page = page(client_for(bid.partner_member), reverse("pages:account"))

        for text in (admin_page, partner_page):
            assert "Funded projects" in text
            assert reverse("funding:project-detail", args=[award.slug]) in text
            assert reverse("funding:project-update-new", args=[award.slug]) in text
            assert reverse("funding:project-outputs", args=[award.slug]) in text
            assert "Approved" in text
        assert "Answer the grant offer" in admin_page
        assert "Answer the grant offer" not in partner_page
        assert ", lead</span>" in admin_page and ", partner</span>" in partner_page

    def test_only_the_lead_admin_is_offered_the_buttons(self):
        bid = Bid()
        bid.announce()

        admin = page(client_for(bid.lead_admin), bid.url("funding:application-outcome"))
        member = page(client_for(bid.lead_member), bid.url("funding:application-outcome"))

        assert bid.url("funding:application-offer-accept") in admin
        assert bid.url("funding:application-offer-accept") not in member
        assert "An organisation admin of" in member

    def test_strangers_are_told_it_does_not_exist(self):
        bid = Bid()
        bid.announce()

        page(client_for(bid.stranger), bid.url("funding:application-outcome"), status=404)


class TestAccept:
    def test_the_lead_admin_confirms_then_accepts(self):
        bid = Bid()
        bid.announce()
        client = client_for(bid.lead_admin)

        confirmation = page(client, bid.url("funding:application-offer-accept"))
        response = client.post(bid.url("funding:application-offer-accept"))

        assert "Accept the grant offer" in confirmation and CONDITIONS in confirmation
        assert response.status_code == 302
        assert response["Location"] == bid.url("funding:application-outcome")
        assert bid.award.status == AwardStatus.ACCEPTED
        assert bid.award.responded_by == bid.lead_admin
        outcome = page(client, bid.url("funding:application-outcome"))
        assert "You have accepted the grant" in outcome
        assert "Accepted" in outcome

    @pytest.mark.parametrize("who", ["lead_member", "partner_admin", "partner_member"])
    def test_anyone_else_who_sees_the_application_is_refused(self, who):
        bid = Bid()
        bid.announce()
        client = client_for(getattr(bid, who))

        shown = client.get(bid.url("funding:application-offer-accept"))
        posted = client.post(bid.url("funding:application-offer-accept"), follow=True)

        assert shown.status_code == 302
        assert bid.award.status == AwardStatus.OFFERED
        assert "Only an organisation admin of" in posted.content.decode()

    def test_a_stranger_is_told_it_does_not_exist(self):
        bid = Bid()
        bid.announce()

        response = client_for(bid.stranger).post(bid.url("funding:application-offer-accept"))

        assert response.status_code == 404
        assert bid.award.status == AwardStatus.OFFERED

    def test_signing_out_sends_to_sign_in(self):
        bid = Bid()
        bid.announce()

        response = Client().post(bid.url("funding:application-offer-accept"))

        assert response.status_code == 302
        assert bid.award.status == AwardStatus.OFFERED

    def test_an_answered_offer_cannot_be_answered_again(self):
        bid = Bid()
        bid.announce()
        client = client_for(bid.lead_admin)
        client.post(bid.url("funding:application-offer-accept"))

        response = client.post(
            bid.url("funding:application-offer-decline"),
            {"reason": "Changed our minds"},
            follow=True,
        )

        assert "The grant offer has been accepted already" in response.content.decode()
        assert bid.award.status == AwardStatus.ACCEPTED

    def test_before_the_announcement_the_offer_cannot_be_answered(self):
        bid = Bid()

        response = client_for(bid.lead_admin).post(bid.url("funding:application-offer-accept"))

        assert response.status_code == 404
        assert not Award.objects.exists()


class TestDecline:
    def test_a_reason_is_required_and_what_was_typed_is_kept(self):
        bid = Bid()
        bid.announce()
        client = client_for(bid.lead_admin)

        empty = client.post(bid.url("funding:application-offer-decline"), {"reason": "   "})
        too_long = client.post(bid.url("funding:application-offer-decline"), {"reason": "x" * 5001})

        assert empty.status_code == 200
        assert "There is a problem" in empty.content.decode()
        assert "Enter why you are declining the grant offer" in empty.content.decode()
        assert "The reason must be 5,000 characters or fewer" in too_long.content.decode()
        assert "x" * 5001 in too_long.content.decode()
        assert bid.award.status == AwardStatus.OFFERED

    def test_continue_keeps_the_reason_and_shows_a_confirmation_page_declining_nothing_yet(
        self,
    ):
        bid = Bid()
        bid.announce()
        client = client_for(bid.lead_admin)

        response = client.post(
            bid.url("funding:application-offer-decline"), {"reason": "Our partners withdrew."}
        )

        assert response.status_code == 302
        assert response["Location"] == bid.url("funding:application-offer-decline-check")
        text = page(client, response["Location"])
        assert "Are you sure you want to decline the grant offer?" in text
        assert "Our partners withdrew." in text
        assert bid.award.status == AwardStatus.OFFERED

    def test_change_goes_back_to_the_question_with_the_reason_kept(self):
        bid = Bid()
        bid.announce()
        client = client_for(bid.lead_admin)
        client.post(
            bid.url("funding:application-offer-decline"), {"reason": "Our partners withdrew."}
        )

        check = page(client, bid.url("funding:application-offer-decline-check"))
        question = page(client, bid.url("funding:application-offer-decline"))

        assert f'href="{bid.url("funding:application-offer-decline")}"' in check
        assert "Why are you declining the grant offer?" in question
        assert "Our partners withdrew." in question
        assert bid.award.status == AwardStatus.OFFERED

    def test_the_confirmation_page_without_a_reason_asks_for_one(self):
        bid = Bid()
        bid.announce()
        client = client_for(bid.lead_admin)

        response = client.post(bid.url("funding:application-offer-decline-check"))

        assert response.status_code == 302
        assert response["Location"] == bid.url("funding:application-offer-decline")
        assert bid.award.status == AwardStatus.OFFERED

    def test_confirming_declines_and_the_project_leaves_every_public_list(
        self, django_capture_on_commit_callbacks
    ):
        bid = Bid()
        bid.announce()
        client = client_for(bid.lead_admin)
        slug = bid.award.slug
        assert Client().get(reverse("funding:project-detail", args=[slug])).status_code == 200
        client.post(
            bid.url("funding:application-offer-decline"), {"reason": "Our partners withdrew."}
        )

        # Committed: the public pages kept before it are rendered again.
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(bid.url("funding:application-offer-decline-check"))

        assert response.status_code == 302
        assert response["Location"] == bid.url("funding:application-outcome")
        award = bid.award
        assert award.status == AwardStatus.DECLINED
        assert award.decline_reason == "Our partners withdrew."
        text = page(client, response["Location"])
        assert "You have declined the grant" in text
        assert "You declined the grant offer" in text
        assert Client().get(reverse("funding:project-detail", args=[slug])).status_code == 404
        assert award.title not in page(Client(), reverse("funding:project-list"))
        assert Client().get(reverse("funding:threesixtygiving")).status_code == 404

    @pytest.mark.parametrize("who", ["lead_member", "partner_admin"])
    def test_anyone_but_the_lead_admin_is_refused(self, who):
        bid = Bid()
        bid.announce()
        client = client_for(getattr(bid, who))

        question = client.post(
            bid.url("funding:application-offer-decline"), {"reason": "Not ours to decline"}
        )
        check = client.post(bid.url("funding:application-offer-decline-check"))

        assert question.status_code == check.status_code == 302
        assert question["Location"] == check["Location"] == bid.url("funding:application-outcome")
        assert bid.award.status == AwardStatus.OFFERED

    def test_a_stranger_is_told_it_does_not_exist(self):
        bid = Bid()
        bid.announce()
        client = client_for(bid.stranger)

        question = client.post(bid.url("funding:application-offer-decline"), {"reason": "x"})
        check = client.post(bid.url("funding:application-offer-decline-check"))

        assert question.status_code == check.status_code == 404
        assert bid.award.status == AwardStatus.OFFERED
