"""Starting a full application from its round's page or a follow-on round, within the limit on
bids one organisation leads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding.models import Application, Section
from tests.funding.factories import (
    ApplicationFactory,
    AwardFactory,
    RoundFactory,
    SignatoryFactory,
    member_of,
)
from tests.funding.support import signed_in, task_status

pytestmark = pytest.mark.django_db


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
