"""The page for posting a project update from the account pages, and the account page's links to
it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from declaration.errors import UpdateNotAllowed
from declaration.models import ProjectUpdate
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory
from tests.declaration.support import new_update_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(signing):
    """An approved member of the signatory (here, not the organisation admin tests' member)."""
    return MembershipFactory.create(organisation=signing.organisation).user


class TestNewUpdatePage:
    def test_asks_a_member_for_a_title_and_update(self, client, member):
        client.force_login(member)
        response = client.get(new_update_url())
        assert response.status_code == 200
        assertContains(response, "Post an update on your declaration project")
        assertContains(response, "London Borough of Hackney")
        assertContains(response, 'name="title"')
        assertContains(response, 'name="body"')
        # A GOV.UK character count, not a limit that silently cuts the text off.
        assertContains(response, 'data-module="govuk-character-count" data-maxlength="10000"')
        assertNotContains(response, " maxlength=")
        assertContains(
            response, "<title>Post an update on your declaration project \N{EN DASH} Local"
        )

    def test_posts_the_update_and_shows_it_on_the_signatory_page(self, client, signing, member):
        client.force_login(member)
        response = client.post(
            new_update_url(),
            {"title": "  Alpha finished  ", "body": "We built a prototype.\n\nNext: beta."},
        )
        assertRedirects(response, "/signatories/hackney/", fetch_redirect_response=False)
        update = ProjectUpdate.objects.get(signing=signing)
        assert update.title == "Alpha finished"
        assert update.posted_by == member
        page = client.get("/signatories/hackney/")
        assertContains(page, "Your update has been posted")
        assertContains(page, "Alpha finished")
        assertContains(page, '<p class="govuk-body">Next: beta.</p>', html=True)

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"title": "", "body": "Some words"}, "title", "Enter a title for your update"),
            ({"title": "   ", "body": "Some words"}, "title", "Enter a title for your update"),
            ({"title": "A title", "body": ""}, "body", "Enter your update"),
            ({"title": "x" * 201, "body": "Some words"}, "title", "Title must be 200 characters"),
            (
                {"title": "A title", "body": "x" * 10_001},
                "body",
                "Your update must be 10,000 characters or fewer",
            ),
        ],
    )
    def test_shows_errors_and_keeps_what_was_typed_when_invalid(
        self, client, member, data, field, message
    ):
        client.force_login(member)
        response = client.post(new_update_url(), data)
        assert response.status_code == 200
        assertContains(response, '<h2 class="govuk-error-summary__title">There is a problem</h2>')
        assertContains(response, f'<a href="#id_{field}">{message}', html=False)
        assertContains(response, "<title>Error: Post an update")
        assert not ProjectUpdate.objects.exists()
        kept = data["body"] if field == "title" else data["title"]
        if kept.strip():
            assertContains(response, kept)

    def test_turns_a_refusal_by_the_service_into_an_error_message(
        self, client, signing, member, monkeypatch
    ):
        """A signing unpublished between the page and the post: an error, never a 500."""
        client.force_login(member)

        def refuse(**kwargs):
            raise UpdateNotAllowed("London Borough of Hackney is not on the public list.")

        monkeypatch.setattr("declaration.views.public.project_update_post", refuse)
        response = client.post(new_update_url(), {"title": "T", "body": "Kept text"})
        assert response.status_code == 200
        assertContains(response, "London Borough of Hackney is not on the public list.")
        assertContains(response, "Kept text")

    def test_refuses_a_member_of_another_organisation(self, client, signing):
        client.force_login(MembershipFactory.create(admin=True).user)
        assert client.get(new_update_url()).status_code == 403
        assert client.post(new_update_url(), {"title": "T", "body": "B"}).status_code == 403
        assert not ProjectUpdate.objects.exists()

    def test_refuses_a_member_waiting_for_approval(self, client, signing):
        client.force_login(
            MembershipFactory.create(organisation=signing.organisation, pending=True).user
        )
        assert client.get(new_update_url()).status_code == 403

    def test_refuses_members_of_an_organisation_that_is_not_a_signatory(self, client):
        signing = SigningFactory.create(submitted=True)
        member = MembershipFactory.create(organisation=signing.organisation).user
        client.force_login(member)
        url = new_update_url(signing.organisation.slug)
        assert client.get(url).status_code == 403

    def test_sends_someone_signed_out_to_sign_in(self, client, signing):
        response = client.get(new_update_url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))

    def test_is_not_found_for_an_unknown_organisation(self, client, member):
        client.force_login(member)
        assert client.get(new_update_url("no-such-council")).status_code == 404


class TestAccountPageLinks:
    def test_offers_to_post_an_update_for_each_published_signatory_of_the_user(
        self, client, signing, member
    ):
        MembershipFactory.create(
            user=member,
            organisation=SigningFactory.create(
                organisation=OrganisationFactory.create(slug="camden", name="Camden Council")
            ).organisation,
        )
        pending = SigningFactory.create(submitted=True)
        MembershipFactory.create(user=member, organisation=pending.organisation)
        waiting = SigningFactory.create()
        MembershipFactory.create(user=member, organisation=waiting.organisation, pending=True)
        client.force_login(member)

        response = client.get(reverse("pages:account"))

        links = response.context["signatory_update_links"]
        assert [link.name for link in links] == ["Camden Council", "London Borough of Hackney"]
        assertContains(response, 'href="/account/organisations/hackney/updates/new/"')
        assertContains(response, 'href="/account/organisations/camden/updates/new/"')
        assertContains(
            response,
            'post an update<span class="govuk-visually-hidden"> for London Borough of Hackney',
        )
        assertNotContains(response, f"/account/organisations/{pending.organisation.slug}/updates")
        assertNotContains(response, f"/account/organisations/{waiting.organisation.slug}/updates")

    def test_offers_nothing_to_someone_in_no_signatory(self, client):
        client.force_login(MembershipFactory.create().user)
        response = client.get(reverse("pages:account"))
        assertNotContains(response, "Declaration project updates")
