"""The pages for writing a full application, the partner's confirmation page, and who may
see them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import (
    Application,
    ApplicationPartner,
    ApplicationSection,
    ApplicationStatus,
    BudgetLine,
    Section,
)
from localdigital.mail.models import OutgoingEmail
from tests.declaration.factories import MembershipFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    AwardFactory,
    RoundFactory,
    SignatoryFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def section_url(application, section):
    return reverse("funding:application-section", args=[application.reference, section])


def state(application, section):
    return ApplicationSection.objects.get(application=application, section=section)


class TestStart:
    def test_starts_a_draft_and_shows_its_task_list(self, client):
        round = RoundFactory()
        lead = SignatoryFactory()
        signed_in(client, member_of(lead))

        response = client.post(
            reverse("funding:application-start", args=[round.slug]),
            {"organisation": lead.slug},
            follow=True,
        )

        page = response.content.decode()
        application = Application.objects.get()
        assert application.lead_organisation == lead
        assert "govuk-task-list" in page
        assert page.count("Not yet started") == len(Section) + 1

    def test_a_round_with_an_eoi_stage_has_no_direct_application(self, client):
        round = RoundFactory(eoi_then_applications_open=True)

        assert (
            client.get(reverse("funding:application-start", args=[round.slug])).status_code == 404
        )


class TestSections:
    def test_saves_a_section_and_the_task_list_shows_it_completed(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "problem"),
            {
                "title": "Missed bins",
                "problem": "Calls",
                "evidence": "Figures",
                "completed": "yes",
                "version": "0",
            },
            follow=True,
        )

        page = response.content.decode()
        assert "has been saved" in page
        assert (
            state(application, "problem").is_completed,
            state(application, "problem").version,
        ) == (
            True,
            1,
        )
        assert "Completed" in page

    def test_saving_for_later_needs_no_answers_but_completing_does(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)
        data = {"title": "", "problem": "", "evidence": "", "version": "0"}

        later = client.post(section_url(application, "problem"), {**data, "completed": "no"})
        assert later.status_code == 302

        response = client.post(
            section_url(application, "problem"), {**data, "completed": "yes", "version": "1"}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Enter the project title" in page
        assert "Give the evidence for the problem" in page
        assert not state(application, "problem").is_completed

    def test_asks_whether_the_section_is_complete(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "users"), {"users_and_needs": "Kept", "version": "0"}
        )

        page = response.content.decode()
        assert "Select whether you have completed this section" in page
        assert 'href="#id_completed_1"' in page
        assert "Kept" in page

    @pytest.mark.parametrize(
        ("section", "data", "message"),
        [
            ("approach", {"approach": "x", "phase": "moon"}, "Select a phase this round funds"),
            ("approach", {"approach": "x", "phase": ""}, "Select the phase of the project"),
            (
                "outputs",
                {"outputs": "x", "reuse": "x", "output_types": ["nope"]},
                "Select kinds of output from the list",
            ),
            (
                "outputs",
                {"outputs": "x", "reuse": "x"},
                "Select at least one kind of output you will share",
            ),
            (
                "stakeholder",
                {
                    "stakeholder_name": "A",
                    "stakeholder_job_title": "B",
                    "stakeholder_email": "not-an-email",
                },
                "correct format",
            ),
            (
                "budget",
                {"requested_amount": "ten pounds", "line_count": "1"},
                "must be an amount in pounds",
            ),
            (
                "budget",
                {
                    "requested_amount": "100",
                    "line_count": "1",
                    "line_1_description": "Research",
                    "line_1_amount": "",
                },
                "Enter the amount of line 1",
            ),
            (
                "budget",
                {
                    "requested_amount": "100",
                    "line_count": "1",
                    "line_1_description": "",
                    "line_1_amount": "100",
                },
                "Say what line 1 pays for",
            ),
            (
                "budget",
                {"requested_amount": "100", "line_count": "1"},
                "Add at least one budget line",
            ),
            (
                "budget",
                {
                    "requested_amount": "100",
                    "line_count": "2",
                    "line_1_description": "A",
                    "line_1_amount": "60",
                    "line_2_description": "B",
                    "line_2_amount": "30",
                },
                "The budget lines add up to £90, not the amount requested (£100)",
            ),
        ],
    )
    def test_invalid_answers_get_a_gov_uk_error_and_keep_the_input(
        self, client, section, data, message
    ):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, section), {**data, "completed": "yes", "version": "0"}
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page
        assert message in page
        assert state(application, section).version == 0

    def test_the_budget_saves_its_lines(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        client.post(
            section_url(application, "budget"),
            {
                "requested_amount": "£50,000",
                "line_count": "3",
                "line_1_description": "Researcher",
                "line_1_amount": "30,000",
                "line_2_description": "Developer",
                "line_2_amount": "20000",
                "line_3_description": "",
                "line_3_amount": "",
                "completed": "yes",
                "version": "0",
            },
        )

        application.refresh_from_db()
        assert application.requested_amount == Decimal(50000)
        assert list(
            BudgetLine.objects.filter(application=application).values_list("description", "amount")
        ) == [("Researcher", Decimal(30000)), ("Developer", Decimal(20000))]

    def test_add_another_line_shows_a_row_more_and_saves_nothing(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "budget"),
            {
                "requested_amount": "500",
                "line_count": "1",
                "line_1_description": "Kept line",
                "line_1_amount": "500",
                "version": "0",
                "add_line": "1",
            },
        )

        page = response.content.decode()
        assert 'name="line_2_description"' in page
        assert "Kept line" in page
        assert "govuk-error-summary" not in page
        assert state(application, "budget").version == 0

    def test_the_team_section_asks_each_partners_role(self, client):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application, role="")
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "team"), {"team": "Us", "completed": "yes", "version": "0"}
        )
        assert f"Say what {partner.organisation.name} will do" in response.content.decode()

        client.post(
            section_url(application, "team"),
            {"team": "Us", f"role_{partner.pk}": "Research", "completed": "yes", "version": "0"},
        )
        partner.refresh_from_db()
        assert partner.role == "Research"

    def test_a_second_save_of_a_section_meanwhile_shows_a_conflict_and_keeps_both(self, client):
        """Two collaborators open the same section; the first saves; the second's save is
        refused with who saved it, their typed answer still in the form, and what the first
        saved shown beside it."""
        application = ApplicationFactory()
        first = member_of(application.lead_organisation)
        first.full_name = "Ada Lovelace"
        first.save()
        second = member_of(application.lead_organisation)
        signed_in(client, first)
        client.post(
            section_url(application, "users"),
            {"users_and_needs": "Ada's saved answer", "completed": "no", "version": "0"},
        )
        signed_in(client, second)

        response = client.post(
            section_url(application, "users"),
            {"users_and_needs": "My unsaved answer", "completed": "no", "version": "0"},
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "Your changes have not been saved: Ada Lovelace saved this section" in page
        assert "My unsaved answer" in page
        assert "Ada&#x27;s saved answer" in page
        assert 'name="version" value="1"' in page
        application.refresh_from_db()
        assert application.users_and_needs == "Ada's saved answer"

        client.post(
            section_url(application, "users"),
            {"users_and_needs": "My answer, on reflection", "completed": "no", "version": "1"},
        )
        application.refresh_from_db()
        assert application.users_and_needs == "My answer, on reflection"

    def test_an_unknown_section_is_not_found(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        assert client.get(section_url(application, "nope")).status_code == 404

    def test_after_the_close_the_draft_cannot_change_and_its_owner_sees_why(self, client):
        application = ApplicationFactory(round=RoundFactory(closed=True))
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "users"),
            {"users_and_needs": "Late", "completed": "no", "version": "0"},
            follow=True,
        )

        page = response.content.decode()
        assert "This draft was not submitted, so it can no longer be changed" in page
        application.refresh_from_db()
        assert application.users_and_needs == ""


class TestPartners:
    def test_adds_a_partner_and_emails_its_contact(self, client):
        application = ApplicationFactory()
        partner = SignatoryFactory()
        signed_in(client, application.created_by)

        response = client.post(
            reverse("funding:application-partners", args=[application.reference]),
            {"organisation": partner.slug, "contact_name": "Jo", "contact_email": "jo@x.gov.uk"},
            follow=True,
        )

        assert "We have emailed jo@x.gov.uk" in response.content.decode()
        assert OutgoingEmail.objects.filter(recipient="jo@x.gov.uk").exists()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (
                {"organisation": "", "contact_name": "Jo", "contact_email": "jo@x.gov.uk"},
                "Select the partner organisation",
            ),
            (
                {"organisation": "ok", "contact_name": "", "contact_email": "jo@x.gov.uk"},
                "Enter the name of the contact",
            ),
            (
                {"organisation": "ok", "contact_name": "Jo", "contact_email": "jo"},
                "Enter an email address in the correct format",
            ),
        ],
    )
    def test_invalid_partner_details_keep_what_was_typed(self, client, data, message):
        application = ApplicationFactory()
        SignatoryFactory(slug="ok")
        signed_in(client, application.created_by)

        response = client.post(
            reverse("funding:application-partners", args=[application.reference]), data
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert message in page
        assert "govuk-error-summary" in page
        assert not ApplicationPartner.objects.exists()

    def test_changes_a_contact_resends_and_removes(self, client):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)
        signed_in(client, application.created_by)
        reference = application.reference

        client.post(
            reverse("funding:application-partner-contact", args=[reference, partner.pk]),
            {"contact_name": "New", "contact_email": "new@x.gov.uk"},
        )
        client.post(reverse("funding:application-partner-resend", args=[reference, partner.pk]))
        assert OutgoingEmail.objects.filter(recipient="new@x.gov.uk").count() == 2

        response = client.post(
            reverse("funding:application-partner-contact", args=[reference, partner.pk]),
            {"contact_name": "", "contact_email": "bad"},
        )
        assert "Enter the name of the contact" in response.content.decode()

        client.post(reverse("funding:application-partner-remove", args=[reference, partner.pk]))
        assert not ApplicationPartner.objects.exists()


class TestPartnerConfirmation:
    def confirm_link(self, application, partner) -> str:
        email = OutgoingEmail.objects.filter(recipient=partner.contact_email).latest("pk")
        return next(w for w in email.body_text.split() if "partners/confirm/?token=" in w)

    def test_opening_the_link_confirms_nothing_and_pressing_confirm_does(self, client):
        application = ApplicationFactory(title="Missed bins")
        partner = ApplicationPartnerFactory(application=application)
        client.force_login(application.created_by)
        client.post(
            reverse("funding:application-partner-resend", args=[application.reference, partner.pk])
        )
        link = self.confirm_link(application, partner)
        client.logout()

        opened = client.get(link)
        assert opened.status_code == 302
        assert "token" not in opened.url
        page = client.get(opened.url).content.decode()
        assert "Missed bins" in page
        partner.refresh_from_db()
        assert not partner.is_confirmed

        confirmed = client.post(opened.url)
        assert confirmed.status_code == 302
        assert "part is confirmed" in client.get(confirmed.url).content.decode()
        partner.refresh_from_db()
        assert partner.is_confirmed

    def test_a_made_up_link_gets_a_clear_page(self, client):
        response = client.get(reverse("funding:partner-confirm") + "?token=made-up", follow=True)

        assert response.status_code == 404
        assert "This confirmation link does not work" in response.content.decode()


class TestCheckAndSubmit:
    def test_lists_what_is_left_with_links_to_each_section(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        page = client.get(
            reverse("funding:application-check", args=[application.reference])
        ).content.decode()

        assert "You cannot submit it yet" in page
        assert section_url(application, "budget") in page
        assert "Submit application" not in page

    def test_submits_a_ready_application(self, client):
        application = ApplicationFactory(complete=True)
        ApplicationPartnerFactory(application=application, confirmed=True)
        signed_in(client, application.created_by)

        response = client.post(
            reverse("funding:application-check", args=[application.reference]), follow=True
        )

        assert "Application submitted" in response.content.decode()
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED

    def test_a_refused_submission_shows_an_error_summary(self, client):
        application = ApplicationFactory(complete=True)
        ApplicationPartnerFactory(application=application)
        signed_in(client, application.created_by)

        response = client.post(reverse("funding:application-check", args=[application.reference]))

        page = response.content.decode()
        assert "govuk-error-summary" in page
        assert "has not confirmed its part yet" in page

    def test_a_partner_member_cannot_submit(self, client):
        application = ApplicationFactory(complete=True)
        partner = ApplicationPartnerFactory(application=application, confirmed=True)
        signed_in(client, member_of(partner.organisation))

        client.post(reverse("funding:application-check", args=[application.reference]))

        application.refresh_from_db()
        assert application.status == ApplicationStatus.DRAFT

    def test_withdraws_with_a_reason(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        client.post(
            reverse("funding:application-withdraw", args=[application.reference]),
            {"reason": "Merged with another bid"},
        )

        application.refresh_from_db()
        assert application.status == ApplicationStatus.WITHDRAWN
        response = client.post(
            reverse(
                "funding:application-withdraw",
                args=[
                    ApplicationFactory(
                        lead_organisation=application.lead_organisation,
                        created_by=application.created_by,
                    ).reference
                ],
            ),
            {"reason": "x" * 5001},
        )
        assert "must be 5,000 characters or fewer" in response.content.decode()

    def test_the_history_shows_who_changed_what(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)
        client.post(
            section_url(application, "users"),
            {"users_and_needs": "Residents", "completed": "no", "version": "0"},
        )

        page = client.get(
            reverse("funding:application-history", args=[application.reference])
        ).content.decode()

        assert "Saved users and their needs" in page
        assert application.created_by.full_name in page


class TestWhoMaySeeIt:
    NAMES = [
        "application-detail",
        "application-partners",
        "application-history",
        "application-check",
        "application-withdraw",
    ]

    @pytest.mark.parametrize("name", NAMES)
    def test_a_member_of_an_organisation_outside_the_bid_gets_not_found(self, client, name):
        application = ApplicationFactory()
        ApplicationPartnerFactory(application=application)
        signed_in(client, member_of(SignatoryFactory()))

        assert (
            client.get(reverse(f"funding:{name}", args=[application.reference])).status_code == 404
        )

    def test_a_stranger_cannot_save_a_section_or_add_a_partner(self, client):
        application = ApplicationFactory()
        signed_in(client, member_of(SignatoryFactory()))

        saved = client.post(
            section_url(application, "users"),
            {"users_and_needs": "Hijacked", "completed": "no", "version": "0"},
        )
        added = client.post(
            reverse("funding:application-partners", args=[application.reference]),
            {
                "organisation": SignatoryFactory().slug,
                "contact_name": "A",
                "contact_email": "a@b.c",
            },
        )

        assert (saved.status_code, added.status_code) == (404, 404)
        application.refresh_from_db()
        assert application.users_and_needs == ""
        assert not ApplicationPartner.objects.exists()

    def test_a_partner_member_edits_the_draft(self, client):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)
        signed_in(client, member_of(partner.organisation))

        client.post(
            section_url(application, "users"),
            {"users_and_needs": "From the partner", "completed": "no", "version": "0"},
        )

        application.refresh_from_db()
        assert application.users_and_needs == "From the partner"

    def test_a_pending_member_gets_not_found(self, client):
        application = ApplicationFactory()
        signed_in(
            client, MembershipFactory(organisation=application.lead_organisation, pending=True).user
        )

        assert (
            client.get(
                reverse("funding:application-detail", args=[application.reference])
            ).status_code
            == 404
        )


class TestFollowOnRound:
    """A round only for projects funded in an earlier round, as round 2 was for round 1."""

    def test_asks_which_funded_project_it_follows_and_starts_with_it(self, client):
        earlier = AwardFactory(title="Missed bins alpha")
        round = RoundFactory(restricted_to_round=earlier.application.round)
        lead = earlier.application.lead_organisation
        signed_in(client, member_of(lead))
        url = reverse("funding:application-start", args=[round.slug])

        page = client.get(url).content.decode()
        assert "Which funded project does this application follow on from?" in page
        assert "Missed bins alpha" in page

        refused = client.post(url, {"organisation": lead.slug})
        assert "Select the funded project this application follows on from" in (
            refused.content.decode()
        )
        assert not Application.objects.filter(round=round).exists()

        client.post(url, {"organisation": lead.slug, "award": earlier.slug})
        assert Application.objects.get(round=round).follow_on_award == earlier

    def test_tells_someone_whose_organisations_have_no_funded_project_why_not(self, client):
        earlier = AwardFactory()
        round = RoundFactory(restricted_to_round=earlier.application.round)
        signed_in(client, member_of(SignatoryFactory()))

        page = client.get(reverse("funding:application-start", args=[round.slug])).content.decode()

        assert "only for projects funded in" in page
        assert "Start application" not in page
