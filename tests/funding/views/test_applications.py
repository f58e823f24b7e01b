"""The pages for writing a full application, the partner's confirmation page, and who may
see them."""

from __future__ import annotations

import re
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
from tests.declaration.factories import MembershipFactory, OrganisationFactory
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


def task_status(page: str, key: str) -> str:
    """Return the text of a task's status on the task list."""
    match = re.search(rf'id="task-{key}-status">(.*?)</div>', page, re.S)
    assert match, f"no task {key} on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def task_hint(page: str, key: str) -> str:
    """Return the hint under a task, which says what is left to do in it."""
    match = re.search(rf'id="task-{key}-hint">(.*?)</div>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


class TestStart:
    def test_makes_no_draft_until_the_first_section_is_saved(self, client):
        """Pressing "Start application" goes to the first section; only saving it makes
        the draft, so leaving there leaves nothing behind on the account."""
        round = RoundFactory()
        lead = SignatoryFactory()
        signed_in(client, member_of(lead))

        started = client.post(
            reverse("funding:application-start", args=[round.slug]), {"organisation": lead.slug}
        )

        new_url = (
            f"{reverse('funding:application-new', args=[round.slug])}?organisation={lead.slug}"
        )
        assert started.url == new_url
        page = client.get(new_url).content.decode()
        assert "The problem and the evidence for it" in page
        assert not Application.objects.exists()
        assert "Untitled application" not in client.get(reverse("pages:account")).content.decode()

        response = client.post(
            new_url,
            {
                "title": "Missed bins",
                "problem": "",
                "evidence": "",
                "completed": "no",
                "version": "0",
            },
            follow=True,
        )

        page = response.content.decode()
        application = Application.objects.get()
        assert (application.lead_organisation, application.title) == (lead, "Missed bins")
        assert "govuk-task-list" in page
        assert [task_status(page, key) for key in [*Section.values, "partners"]] == [
            "In progress",
            *["Not yet started"] * len(Section),
        ]

    def test_the_first_save_needs_at_least_the_title(self, client):
        round = RoundFactory()
        lead = SignatoryFactory()
        signed_in(client, member_of(lead))
        new_url = (
            f"{reverse('funding:application-new', args=[round.slug])}?organisation={lead.slug}"
        )

        response = client.post(
            new_url,
            {"title": "", "problem": "Kept", "evidence": "", "completed": "no", "version": "0"},
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page
        assert "Enter the project title" in page
        assert "Kept" in page
        assert not Application.objects.exists()

    def test_a_lead_that_is_not_the_persons_goes_back_to_the_start(self, client):
        round = RoundFactory()
        signed_in(client, member_of(SignatoryFactory()))

        response = client.get(
            f"{reverse('funding:application-new', args=[round.slug])}?organisation="
            f"{SignatoryFactory().slug}"
        )

        assert response.url == reverse("funding:application-start", args=[round.slug])

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
                "The budget lines add up to £90, but the amount requested is £100.",
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

    def test_add_another_line_keeps_what_was_typed_and_shows_a_row_more_after_a_redirect(
        self, client
    ):
        """ "Add another line" saves the answers so far, as not yet complete, and redirects
        to the section with one more row: Back never offers to send the form again."""
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

        assert response.status_code == 302
        assert response.url == f"{section_url(application, 'budget')}?lines=2"
        page = client.get(response.url).content.decode()
        assert 'name="line_2_description"' in page
        assert "Kept line" in page
        assert "govuk-error-summary" not in page
        assert (
            state(application, "budget").version,
            state(application, "budget").is_completed,
        ) == (
            1,
            False,
        )

    def test_add_another_line_with_a_mistake_shows_the_error_and_saves_nothing(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "budget"),
            {
                "requested_amount": "ten pounds",
                "line_count": "1",
                "line_1_description": "Kept line",
                "line_1_amount": "500",
                "version": "0",
                "add_line": "1",
            },
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "must be an amount in pounds" in page
        assert "Kept line" in page
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

        assert "Before you can submit" in page
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

        started = client.post(url, {"organisation": lead.slug, "award": earlier.slug})
        assert f"project={earlier.slug}" in started.url
        assert not Application.objects.filter(round=round).exists()
        client.post(
            started.url,
            {
                "title": "Missed bins beta",
                "problem": "",
                "evidence": "",
                "completed": "no",
                "version": "0",
            },
        )
        assert Application.objects.get(round=round).follow_on_award == earlier

    def test_tells_someone_whose_organisations_have_no_funded_project_why_not(self, client):
        earlier = AwardFactory()
        round = RoundFactory(restricted_to_round=earlier.application.round)
        signed_in(client, member_of(SignatoryFactory()))

        page = client.get(reverse("funding:application-start", args=[round.slug])).content.decode()

        assert "only for projects funded in" in page
        assert "Start application" not in page


class TestTaskList:
    """Each task's status comes from the rules submission checks, not from a stored flag."""

    def test_the_team_is_no_longer_completed_once_a_partner_without_a_role_is_added(self, client):
        application = ApplicationFactory(complete=True)
        ApplicationPartnerFactory(application=application, confirmed=True)
        signed_in(client, application.created_by)
        detail = reverse("funding:application-detail", args=[application.reference])
        assert task_status(client.get(detail).content.decode(), "team") == "Completed"

        client.post(
            reverse("funding:application-partners", args=[application.reference]),
            {
                "organisation": SignatoryFactory(name="London Borough of Camden").slug,
                "contact_name": "Jo",
                "contact_email": "jo@camden.gov.uk",
            },
        )

        page = client.get(detail).content.decode()
        assert task_status(page, "team") != "Completed"
        assert "Say what London Borough of Camden will do" in task_hint(page, "team")
        assert task_status(page, "partners") != "Completed"

    def test_the_partners_are_not_completed_while_too_few_take_part(self, client):
        application = ApplicationFactory(complete=True, round=RoundFactory(min_participants=3))
        ApplicationPartnerFactory(application=application, confirmed=True)
        signed_in(client, application.created_by)

        page = client.get(
            reverse("funding:application-detail", args=[application.reference])
        ).content.decode()

        assert task_status(page, "partners") != "Completed"
        assert "need at least 3 organisations" in task_hint(page, "partners")

    def test_a_ready_application_shows_every_task_completed(self, client):
        application = ApplicationFactory(complete=True)
        ApplicationPartnerFactory(application=application, confirmed=True)
        signed_in(client, application.created_by)

        page = client.get(
            reverse("funding:application-detail", args=[application.reference])
        ).content.decode()

        assert [task_status(page, key) for key in [*Section.values, "partners"]] == [
            "Completed"
        ] * (len(Section) + 1)
        assert "You have completed 8 of 8 parts" in page


class TestRulesWhereTheAnswerIsGiven:
    def test_an_amount_over_its_phases_cap_is_an_error_beside_it(self, client):
        """A £90,000 request for a discovery, capped at £80,000, is refused on the budget
        page, not accepted and left to submission."""
        application = ApplicationFactory(complete=True)
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "budget"),
            {
                "requested_amount": "90,000",
                "line_count": "1",
                "line_1_description": "Kept line",
                "line_1_amount": "90000",
                "completed": "no",
                "version": "1",
            },
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page
        assert 'href="#id_requested_amount"' in page
        assert 'id="id_requested_amount_1_error"' in page
        assert "must be £80,000 or less for a discovery project (it is £90,000)" in page
        assert "Kept line" in page
        application.refresh_from_db()
        assert application.requested_amount == Decimal(60000)

    def test_a_phase_whose_cap_is_below_the_amount_is_an_error_beside_it(self, client):
        application = ApplicationFactory(complete=True, phase="alpha", requested_amount=200000)
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "approach"),
            {"approach": "Research", "phase": "discovery", "completed": "yes", "version": "1"},
        )

        page = response.content.decode()
        assert 'href="#id_phase_1"' in page
        assert "must be £80,000 or less for a discovery project (it is £200,000)" in page

    def test_a_partner_that_has_not_signed_is_added_with_a_warning_not_a_success(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)
        url = reverse("funding:application-partners", args=[application.reference])

        response = client.post(
            url,
            {
                "organisation": OrganisationFactory(name="Unsigned Borough Council").slug,
                "contact_name": "Jo",
                "contact_email": "jo@unsigned.gov.uk",
            },
            follow=True,
        )

        page = response.content.decode()
        assert "Success" not in page
        assert "Unsigned Borough Council has not signed the Local Digital Declaration" in page
        assert "govuk-warning-text" in page

    def test_the_partners_page_warns_of_each_confirmation_still_to_come(self, client):
        application = ApplicationFactory()
        ApplicationPartnerFactory(
            application=application,
            organisation=SignatoryFactory(name="Borchester City Council"),
            contact_email="jo@borchester.gov.uk",
        )
        signed_in(client, application.created_by)

        page = client.get(
            reverse("funding:application-partners", args=[application.reference])
        ).content.decode()

        assert "govuk-warning-text" in page
        assert "Borchester City Council has not confirmed its part yet" in page


class TestLeadLimit:
    def test_links_to_the_applications_the_organisation_leads_when_it_may_lead_no_more(
        self, client
    ):
        """Round 3's rule: a council may lead at most 2 applications, drafts included."""
        round = RoundFactory(max_led_applications=2)
        lead = SignatoryFactory(name="Borsetshire County Council")
        first = ApplicationFactory(round=round, lead_organisation=lead, title="Missed bins")
        second = ApplicationFactory(round=round, lead_organisation=lead, submitted=True)
        signed_in(client, member_of(lead))

        response = client.post(
            reverse("funding:application-start", args=[round.slug]), {"organisation": lead.slug}
        )

        page = response.content.decode()
        assert "govuk-error-summary" in page
        assert "Borsetshire County Council already leads 2 applications" in page
        assert f'href="{reverse("funding:application-detail", args=[first.reference])}"' in page
        assert f'href="{reverse("funding:application-detail", args=[second.reference])}"' in page
        assert f'href="{reverse("pages:account")}"' in page


class TestDelete:
    def test_asks_are_you_sure_then_deletes_and_goes_to_the_account(self, client):
        application = ApplicationFactory(title="Missed bins")
        ApplicationPartnerFactory(application=application)
        signed_in(client, application.created_by)
        url = reverse("funding:application-delete", args=[application.reference])

        page = client.get(url).content.decode()
        assert "Are you sure you want to delete the draft “Missed bins”?" in page
        assert f"Members of {application.lead_organisation.name}" in page
        assert "Members of its partner organisations work on it, but cannot delete it" in page

        response = client.post(url)

        assert response.url == reverse("pages:account")
        assert not Application.objects.filter(pk=application.pk).exists()
        assert "You have deleted the draft application “Missed bins”" in (
            client.get(response.url).content.decode()
        )

    def test_the_task_list_and_the_account_link_to_it_for_the_lead_only(self, client):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)
        url = reverse("funding:application-delete", args=[application.reference])
        detail = reverse("funding:application-detail", args=[application.reference])

        signed_in(client, application.created_by)
        assert url in client.get(detail).content.decode()
        assert url in client.get(reverse("pages:account")).content.decode()

        signed_in(client, member_of(partner.organisation))
        assert url not in client.get(detail).content.decode()
        assert url not in client.get(reverse("pages:account")).content.decode()

    def test_a_partner_member_is_told_who_can_and_nothing_is_deleted(self, client):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)
        signed_in(client, member_of(partner.organisation))

        response = client.post(
            reverse("funding:application-delete", args=[application.reference]), follow=True
        )

        assert f"Only members of {application.lead_organisation.name} can delete" in (
            response.content.decode()
        )
        assert Application.objects.filter(pk=application.pk).exists()
