"""The pages for writing an expression of interest (funding/views/eois.py), and who may see
them. Submitting, withdrawing and deleting are tested in test_eois_submission.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding import formats
from funding.models import EoiStatus, ExpressionOfInterest
from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.funding.factories import EoiFactory, RoundFactory, SignatoryFactory, member_of
from tests.funding.support import signed_in

pytestmark = pytest.mark.django_db


class TestStart:
    def test_asks_someone_not_signed_in_to_sign_in_and_tells_them_the_deadline(self, client):
        round = RoundFactory(eoi_open=True)

        page = client.get(reverse("funding:eoi-start", args=[round.slug])).content.decode()

        assert "Sign in to start" in page
        assert f"The deadline is {formats.date_and_time(round.eoi_closes_at)}." in page

    def test_tells_someone_not_signed_in_the_applications_deadline(self, client):
        round = RoundFactory()

        page = client.get(reverse("funding:application-start", args=[round.slug])).content.decode()

        assert "Sign in to start" in page
        assert f"The deadline is {formats.date_and_time(round.applications_close_at)}." in page

    def test_tells_someone_without_a_signatory_organisation_why_not_and_how_to_sign(self, client):
        round = RoundFactory(eoi_open=True)
        signed_in(client, MembershipFactory().user)

        page = client.get(reverse("funding:eoi-start", args=[round.slug])).content.decode()

        assert "You cannot send an expression of interest yet" in page
        assert reverse("declaration:sign-start") in page

    def test_starts_a_draft_for_the_only_organisation_when_its_first_answers_are_saved(
        self, client
    ):
        """Pressing "Start" asks the first questions; only saving them makes the draft,
        so leaving there leaves nothing behind."""
        round = RoundFactory(eoi_open=True)
        lead = SignatoryFactory()
        signed_in(client, member_of(lead))

        response = client.post(
            reverse("funding:eoi-start", args=[round.slug]), {"organisation": lead.slug}
        )

        new_url = f"{reverse('funding:eoi-new', args=[round.slug])}?organisation={lead.slug}"
        assert response.url == new_url
        assert "About the bid" in client.get(new_url).content.decode()
        assert not ExpressionOfInterest.objects.exists()

        saved = client.post(
            new_url, {"title": "Missed bins", "problem": "", "phase": "", "estimated_cost": ""}
        )

        eoi = ExpressionOfInterest.objects.get()
        assert saved.url == reverse("funding:eoi-partners", args=[eoi.reference])
        assert (eoi.lead_organisation, eoi.title, eoi.created_by) == (
            lead,
            "Missed bins",
            lead.memberships.get().user,
        )

    def test_the_first_save_needs_a_title_and_keeps_the_other_answers(self, client):
        round = RoundFactory(eoi_open=True)
        lead = SignatoryFactory()
        signed_in(client, member_of(lead))
        new_url = f"{reverse('funding:eoi-new', args=[round.slug])}?organisation={lead.slug}"

        response = client.post(
            new_url, {"title": "", "problem": "Kept problem", "phase": "", "estimated_cost": ""}
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page
        assert "Enter a title for the bid" in page
        assert "Kept problem" in page
        assert not ExpressionOfInterest.objects.exists()

    def test_the_first_questions_and_the_delete_page_answer_head(self, client):
        """Link checkers and uptime monitors send HEAD: it gets what GET gets, not a 405."""
        eoi = EoiFactory()
        signed_in(client, eoi.created_by)
        new_url = (
            f"{reverse('funding:eoi-new', args=[eoi.round.slug])}"
            f"?organisation={eoi.lead_organisation.slug}"
        )

        assert client.head(new_url).status_code == 200
        assert client.head(reverse("funding:eoi-delete", args=[eoi.reference])).status_code == 200

    def test_the_first_questions_without_a_lead_go_back_to_the_start(self, client):
        round = RoundFactory(eoi_open=True)
        signed_in(client, member_of(SignatoryFactory()))

        response = client.get(reverse("funding:eoi-new", args=[round.slug]))

        assert response.url == reverse("funding:eoi-start", args=[round.slug])

    def test_asks_which_organisation_leads_when_the_person_has_two(self, client):
        round = RoundFactory(eoi_open=True)
        person = member_of(SignatoryFactory())
        MembershipFactory(user=person, organisation=SignatoryFactory())
        signed_in(client, person)

        response = client.post(reverse("funding:eoi-start", args=[round.slug]), {})

        page = response.content.decode()
        assert response.status_code == 200
        assert "Select the organisation that will lead the bid" in page
        assert "govuk-error-summary" in page
        assert not ExpressionOfInterest.objects.exists()

    def test_shows_a_rule_that_stops_the_start_as_an_error(self, client):
        round = RoundFactory(eoi_open=True, max_led_applications=1)
        lead = SignatoryFactory()
        EoiFactory(round=round, lead_organisation=lead)
        signed_in(client, member_of(lead))

        response = client.post(
            reverse("funding:eoi-start", args=[round.slug]), {"organisation": lead.slug}
        )

        assert response.status_code == 200
        assert "already leads 1 expression of interest" in response.content.decode()

    def test_says_when_the_window_is_closed(self, client):
        round = RoundFactory(eoi_closed=True)

        page = client.get(reverse("funding:eoi-start", args=[round.slug])).content.decode()

        assert "not taking expressions of interest now" in page

    def test_a_round_without_an_eoi_stage_has_no_eoi_page(self, client):
        assert (
            client.get(reverse("funding:eoi-start", args=[RoundFactory().slug])).status_code == 404
        )


class TestDetails:
    def test_saves_a_partial_draft(self, client):
        eoi = EoiFactory(title="", problem="", phase="", estimated_cost=None)
        signed_in(client, eoi.created_by)

        response = client.post(
            reverse("funding:eoi-details", args=[eoi.reference]),
            {"title": "Missed bins", "problem": "", "phase": "", "estimated_cost": "£80,000"},
        )

        assert response.url == reverse("funding:eoi-partners", args=[eoi.reference])
        eoi.refresh_from_db()
        assert (eoi.title, eoi.estimated_cost) == ("Missed bins", 80000)

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("estimated_cost", "lots", "Estimated cost must be an amount in pounds"),
            ("estimated_cost", "0", "Estimated cost must be at least £1"),
            ("estimated_cost", "10.555", "no more than 2 digits after the point"),
            ("title", "x" * 201, "Title must be 200 characters or fewer"),
            ("problem", "x" * 5001, "The problem must be 5,000 characters or fewer"),
            ("phase", "moon", "Select a phase this round funds"),
        ],
    )
    def test_shows_errors_and_keeps_what_was_typed(self, client, field, value, message):
        eoi = EoiFactory()
        signed_in(client, eoi.created_by)
        data = {
            "title": "Kept title",
            "problem": "Kept problem",
            "phase": "discovery",
            "estimated_cost": "5000",
            field: value,
        }

        response = client.post(reverse("funding:eoi-details", args=[eoi.reference]), data)

        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page
        assert message in page
        assert "Error: " in page
        if field != "problem":
            assert "Kept problem" in page
        eoi.refresh_from_db()
        assert eoi.title != "Kept title"

    def test_a_partner_member_may_read_but_not_change_it(self, client):
        partner = SignatoryFactory()
        eoi = EoiFactory(partners=[partner])
        signed_in(client, member_of(partner))

        assert client.get(reverse("funding:eoi-detail", args=[eoi.reference])).status_code == 200
        response = client.post(
            reverse("funding:eoi-details", args=[eoi.reference]),
            {"title": "Hijacked", "problem": "", "phase": "", "estimated_cost": ""},
        )
        assert response.status_code == 302
        eoi.refresh_from_db()
        assert eoi.title != "Hijacked"

    def test_after_the_close_the_owner_is_told_why_it_cannot_change(self, client):
        eoi = EoiFactory(round=RoundFactory(eoi_closed=True))
        signed_in(client, eoi.created_by)

        response = client.get(reverse("funding:eoi-details", args=[eoi.reference]), follow=True)

        page = response.content.decode()
        assert "deadline for expressions of interest has passed" in page
        assert "can no longer be changed" in page


class TestPartners:
    def test_adds_a_partner_and_refuses_the_lead(self, client):
        eoi = EoiFactory()
        partner = SignatoryFactory()
        signed_in(client, eoi.created_by)
        url = reverse("funding:eoi-partners", args=[eoi.reference])

        client.post(url, {"organisation": partner.slug})
        response = client.post(url, {"organisation": eoi.lead_organisation.slug})

        assert list(eoi.partners.values_list("organisation", flat=True)) == [partner.pk]
        page = response.content.decode()
        assert response.status_code == 200
        assert "leads this bid, so it cannot be a partner" in page

    @pytest.mark.parametrize(
        ("value", "message"),
        [("", "Select the partner organisation"), ("no-such", "from the list")],
    )
    def test_shows_an_error_for_no_or_an_unknown_organisation(self, client, value, message):
        eoi = EoiFactory()
        signed_in(client, eoi.created_by)

        response = client.post(
            reverse("funding:eoi-partners", args=[eoi.reference]), {"organisation": value}
        )

        assert response.status_code == 200
        assert message in response.content.decode()

    def test_removes_a_partner(self, client):
        partner = SignatoryFactory()
        eoi = EoiFactory(partners=[partner])
        signed_in(client, eoi.created_by)

        client.post(
            reverse("funding:eoi-partner-remove", args=[eoi.reference, eoi.partners.get().pk])
        )

        assert not eoi.partners.exists()


class TestWhoMaySeeIt:
    @pytest.mark.parametrize(
        "name", ["eoi-detail", "eoi-details", "eoi-partners", "eoi-submit", "eoi-withdraw"]
    )
    def test_a_member_of_an_organisation_outside_the_bid_gets_not_found(self, client, name):
        eoi = EoiFactory(partners=[SignatoryFactory()])
        signed_in(client, member_of(SignatoryFactory()))

        url = reverse(f"funding:{name}", args=[eoi.reference])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == (405 if name == "eoi-detail" else 404)
        eoi.refresh_from_db()
        assert eoi.status == EoiStatus.DRAFT

    def test_a_pending_member_of_the_lead_gets_not_found(self, client):
        eoi = EoiFactory()
        signed_in(client, MembershipFactory(organisation=eoi.lead_organisation, pending=True).user)

        assert client.get(reverse("funding:eoi-detail", args=[eoi.reference])).status_code == 404

    def test_the_account_lists_only_the_persons_organisations_bids(self, client):
        mine = EoiFactory(title="Our own bid")
        partnered = EoiFactory(title="Partnered bid")
        EoiFactory(title="Someone else's bid")
        person = mine.created_by
        MembershipFactory(user=person, organisation=SignatoryFactory())
        partnered.partners.create(organisation=person.memberships.last().organisation)
        signed_in(client, person)

        page = client.get(reverse("pages:account")).content.decode()

        assert "Our own bid" in page
        assert "Partnered bid" in page
        assert "Someone else&#x27;s bid" not in page and "Someone else's bid" not in page

    def test_someone_signed_out_is_sent_to_sign_in(self, client):
        eoi = EoiFactory()

        response = client.get(reverse("funding:eoi-detail", args=[eoi.reference]))

        assert response.status_code == 302
        assert reverse("accounts:sign-in") in response.url


class TestRulesWhereTheAnswerIsGiven:
    def test_an_estimate_over_its_phases_cap_is_an_error_beside_it(self, client):
        eoi = EoiFactory(round=RoundFactory(eoi_open=True, phases={"discovery": 80000}))
        signed_in(client, eoi.created_by)

        response = client.post(
            reverse("funding:eoi-details", args=[eoi.reference]),
            {
                "title": "Kept title",
                "problem": "Kept problem",
                "phase": "discovery",
                "estimated_cost": "£90,000",
            },
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page
        assert 'href="#id_estimated_cost"' in page
        assert 'id="id_estimated_cost_1_error"' in page
        assert "must be £80,000 or less for a discovery project (it is £90,000)" in page
        assert "Kept title" in page and "90,000" in page
        eoi.refresh_from_db()
        assert eoi.title != "Kept title"

    def test_a_first_estimate_over_the_cap_makes_no_draft(self, client):
        round = RoundFactory(eoi_open=True, phases={"discovery": 80000})
        lead = SignatoryFactory()
        signed_in(client, member_of(lead))

        response = client.post(
            f"{reverse('funding:eoi-new', args=[round.slug])}?organisation={lead.slug}",
            {
                "title": "Missed bins",
                "problem": "",
                "phase": "discovery",
                "estimated_cost": "90000",
            },
        )

        assert "must be £80,000 or less" in response.content.decode()
        assert not ExpressionOfInterest.objects.exists()

    def test_a_partner_that_has_not_signed_is_added_with_a_warning_not_a_success(self, client):
        eoi = EoiFactory()
        unsigned = OrganisationFactory(name="Unsigned Borough Council")
        signed_in(client, eoi.created_by)
        url = reverse("funding:eoi-partners", args=[eoi.reference])

        response = client.post(url, {"organisation": unsigned.slug}, follow=True)

        page = response.content.decode()
        assert "Success" not in page
        assert "Important" in page
        assert "Unsigned Borough Council has not signed the Local Digital Declaration" in page
        assert "govuk-warning-text" in page
        assert "Unsigned Borough Council has not signed" in client.get(url).content.decode()

    def test_the_partners_page_warns_while_too_few_organisations_take_part(self, client):
        eoi = EoiFactory(round=RoundFactory(eoi_open=True, min_participants=3))
        signed_in(client, eoi.created_by)
        url = reverse("funding:eoi-partners", args=[eoi.reference])

        page = client.post(url, {"organisation": SignatoryFactory().slug}, follow=True)

        text = page.content.decode()
        assert "Success" in text
        assert "add at least 1 more partner organisation (you have 1)" in text


class TestLeadLimit:
    def test_links_to_the_bids_the_organisation_leads_when_it_may_lead_no_more(self, client):
        round = RoundFactory(eoi_open=True, max_led_applications=2)
        lead = SignatoryFactory(name="Borsetshire County Council")
        first = EoiFactory(round=round, lead_organisation=lead, title="Missed bins")
        second = EoiFactory(round=round, lead_organisation=lead, title="Potholes", submitted=True)
        EoiFactory(round=round, lead_organisation=lead, title="Gone", withdrawn=True)
        signed_in(client, member_of(lead))

        response = client.post(
            reverse("funding:eoi-start", args=[round.slug]), {"organisation": lead.slug}
        )

        page = response.content.decode()
        assert "govuk-error-summary" in page
        assert "Borsetshire County Council already leads 2 expressions of interest" in page
        assert f'href="{reverse("funding:eoi-detail", args=[first.reference])}"' in page
        assert f'href="{reverse("funding:eoi-detail", args=[second.reference])}"' in page
        assert "Gone" not in page
        assert ExpressionOfInterest.objects.count() == 3
