"""Each signatory's public page, and the navigation, footer and home page around it
(declaration/views/public.py). The list of signatories is tested in test_public_list.py."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from declaration.models import OrganisationType, Principle
from declaration.selectors import public as selectors
from tests.declaration.factories import OrganisationFactory, ProjectUpdateFactory, SigningFactory
from tests.declaration.support import LIST_URL, signatory

pytestmark = pytest.mark.django_db


class TestSignatoryPage:
    def test_shows_the_signatory_and_its_declaration_project(self, client):
        signing = SigningFactory.create(
            organisation=OrganisationFactory.create(
                name="London Borough of Hackney",
                slug="hackney",
                organisation_type=OrganisationType.LONDON_BOROUGH,
                region="London",
            ),
            signed_on=datetime.date(2018, 7, 4),
            co_publisher=True,
            project_title="Open housing repairs",
            project_description="We will rebuild repairs.\n\nAnd share <b>the code</b>.",
            project_principles=[Principle.PLUMBING, Principle.OPEN],
        )
        response = client.get(reverse("declaration:signatory", kwargs={"slug": "hackney"}))
        assert response.status_code == 200
        assertContains(response, '<h1 class="govuk-heading-xl">London Borough of Hackney</h1>')
        assertContains(response, "London borough")
        assertContains(response, "4 July 2018")
        assertContains(response, "one of the 45 organisations that published the Declaration")
        assertContains(response, signing.project_title)
        assertContains(response, '<p class="govuk-body">We will rebuild repairs.</p>', html=True)
        # The description is text: any HTML in it is shown, not run.
        assertContains(response, "And share &lt;b&gt;the code&lt;/b&gt;.")
        assertContains(response, Principle.PLUMBING.label)
        assertContains(response, Principle.OPEN.label)
        assertNotContains(response, Principle.LEADERSHIP.label)
        assertContains(response, "No updates yet.")

    def test_lists_updates_newest_first(self, client):
        signing = SigningFactory.create(organisation=OrganisationFactory.create(slug="hackney"))
        now = timezone.now()
        ProjectUpdateFactory.create(
            signing=signing, title="Discovery started", posted_at=now - datetime.timedelta(30)
        )
        ProjectUpdateFactory.create(signing=signing, title="Alpha finished", posted_at=now)
        ProjectUpdateFactory.create(
            signing=signing, title="Discovery finished", posted_at=now - datetime.timedelta(10)
        )
        ProjectUpdateFactory.create(title="Someone else's update")
        response = client.get("/signatories/hackney/")
        titles = [update.title for update in response.context["signatory"].updates]
        assert titles == ["Alpha finished", "Discovery finished", "Discovery started"]
        assert response.text.index("Alpha finished") < response.text.index("Discovery started")
        assertNotContains(response, "Someone else")
        assertNotContains(response, "No updates yet.")

    def test_update_text_is_split_into_paragraphs_and_escaped(self, client):
        signing = SigningFactory.create(organisation=OrganisationFactory.create(slug="hackney"))
        ProjectUpdateFactory.create(
            signing=signing, body="First line\r\nsecond line\r\n\r\n<script>alert(1)</script>"
        )
        response = client.get("/signatories/hackney/")
        assertContains(response, '<p class="govuk-body">First line<br>second line</p>', html=True)
        assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        assertNotContains(response, "<script>alert(1)")

    def test_shows_no_funded_projects_section_while_there_are_none(self, client):
        SigningFactory.create(organisation=OrganisationFactory.create(slug="hackney"))
        response = client.get("/signatories/hackney/")
        assertNotContains(response, "Funded projects")

    @pytest.mark.parametrize(
        "state", ["draft", "submitted", "rejected", "withdrawn", "unpublished"]
    )
    def test_is_not_found_unless_published(self, client, state):
        SigningFactory.create(
            organisation=OrganisationFactory.create(slug="hackney"), **{state: True}
        )
        response = client.get("/signatories/hackney/")
        assert response.status_code == 404
        assertContains(response, "Page not found", status_code=404)

    def test_is_not_found_for_an_organisation_that_never_signed(self, client):
        OrganisationFactory.create(slug="hackney")
        assert client.get("/signatories/hackney/").status_code == 404

    def test_is_not_found_for_an_unknown_address(self, client):
        assert client.get("/signatories/no-such-council/").status_code == 404

    def test_is_found_again_when_signed_again_after_a_withdrawal(self, client):
        organisation = OrganisationFactory.create(slug="hackney")
        SigningFactory.create(organisation=organisation, withdrawn=True, project_title="Old")
        SigningFactory.create(organisation=organisation, project_title="New project")
        response = client.get("/signatories/hackney/")
        assertContains(response, "New project")
        assertNotContains(response, "Old")


class TestNavigationAndFooter:
    def test_the_service_navigation_links_to_the_signatories_and_marks_it_current(self, client):
        response = client.get(LIST_URL)
        assertContains(
            response,
            '<a class="govuk-service-navigation__link" href="/signatories/" aria-current="page">',
        )

    def test_the_footer_links_to_the_open_data_page(self, client):
        response = client.get("/")
        assertContains(response, 'href="/signatories/open-data/">Open data</a>')


class TestHomePage:
    def test_shows_the_live_count_and_the_latest_signatories(self, client):
        for day in range(1, 8):
            signatory(f"Council {day}", signed_on=datetime.date(2024, 3, day))
        SigningFactory.create(submitted=True)
        response = client.get("/")
        assert response.context["signatory_count"] == 7
        assertContains(response, "organisations have signed the Declaration.")
        latest = [row.name for row in response.context["latest_signatories"]]
        assert latest == ["Council 7", "Council 6", "Council 5", "Council 4", "Council 3"]
        assertContains(response, 'href="/signatories/council-7/">Council 7</a>, 7 March 2024')
        assertNotContains(response, "Council 2<")
        assertContains(response, 'href="/signatories/">See all signatories</a>')

    def test_with_no_signatories_says_so(self, client):
        response = client.get("/")
        assert response.status_code == 200
        assert response.context["signatory_count"] == 0
        assertNotContains(response, "Signed most recently")


def test_search_terms_hold_only_words_and_query_syntax():
    """What reaches PostgreSQL's query parser is letters and digits, each a prefix."""
    terms = selectors.signatory_search_terms("King's Lynn & West-Norfolk:*! (x|y)")
    assert terms == "kings:* & lynn:* & west:* & norfolk:* & x:* & y:*"
    assert selectors.signatory_search_terms(" !&| ") == ""
    assert selectors.signatory_search_query(" !&| ") is None
