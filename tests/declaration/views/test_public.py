"""The public list of signatories and each signatory's page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from declaration.models import OrganisationType, Principle
from declaration.selectors import public as selectors
from tests.declaration.factories import (
    OrganisationFactory,
    ProjectUpdateFactory,
    SigningFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/signatories/"


def signatory(name: str, **organisation: object) -> object:
    """Make a published signatory called ``name``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    signing_fields = {
        key: organisation.pop(key) for key in ("signed_on", "co_publisher") if key in organisation
    }
    return SigningFactory.create(
        organisation=OrganisationFactory.create(name=name, slug=slug, **organisation),
        **signing_fields,
    )


def names_listed(response) -> list[str]:
    """Return the signatories' names in the list's table, in order."""
    return [row.name for row in response.context["rows"]]


class TestSignatoryList:
    def test_shows_the_count_and_a_row_per_published_signatory(self, client):
        """Only published signings are listed; pending, withdrawn and unpublished are not."""
        signatory(
            "London Borough of Hackney",
            organisation_type=OrganisationType.LONDON_BOROUGH,
            region="London",
            signed_on=datetime.date(2018, 7, 4),
            co_publisher=True,
        )
        signatory("Borsetshire County Council", organisation_type=OrganisationType.COUNTY)
        SigningFactory.create(submitted=True)
        SigningFactory.create(withdrawn=True)
        SigningFactory.create(unpublished=True)
        SigningFactory.create(rejected=True)
        SigningFactory.create(draft=True)

        response = client.get(LIST_URL)

        assert response.status_code == 200
        assert "2 organisations have signed" in response.text
        assert names_listed(response) == [
            "Borsetshire County Council",
            "London Borough of Hackney",
        ]
        assertContains(response, 'href="/signatories/london-borough-of-hackney/"')
        assertContains(response, "London borough")
        assertContains(response, "4 July 2018")
        assertContains(response, '<strong class="govuk-tag govuk-tag--blue">Co-publisher</strong>')
        assertContains(response, "<title>Signatories \N{EN DASH} Local Digital</title>")

    def test_says_one_organisation_has_signed(self, client):
        signatory("Borsetshire County Council")
        assert "1 organisation has signed" in client.get(LIST_URL).text

    def test_says_so_when_nobody_has_signed(self, client):
        response = client.get(LIST_URL)
        assert response.status_code == 200
        assert "0 organisations have signed" in response.text
        assert "No organisation is on the list yet." in response.text

    @pytest.mark.parametrize("query", ["Hackney", "hackney", "hack", "HACK", "london hack"])
    def test_search_finds_a_name_by_any_word_or_its_start(self, client, query):
        """Full-text search with prefixes: "Hackney" and "hack" find the London borough."""
        signatory("London Borough of Hackney")
        signatory("Borsetshire County Council")
        response = client.get(LIST_URL, {"q": query})
        assert names_listed(response) == ["London Borough of Hackney"]

    def test_search_covers_alternative_names(self, client):
        signatory("Kingston upon Hull City Council", alternative_names=["Hull", "Hull City"])
        signatory("Borsetshire County Council")
        assert names_listed(client.get(LIST_URL, {"q": "hull"})) == [
            "Kingston upon Hull City Council"
        ]

    def test_search_that_finds_nothing_says_so(self, client):
        signatory("London Borough of Hackney")
        response = client.get(LIST_URL, {"q": "Ambridge"})
        assert names_listed(response) == []
        assertContains(response, "No signatories match your search and filters.")

    @pytest.mark.parametrize(
        "query",
        ["'", "&|!:*", "()", "hack & ", "<script>", "a:* | b", "'; DROP TABLE x; --", "   ", "é"],
    )
    def test_search_syntax_never_fails(self, client, query):
        """Characters that mean something to PostgreSQL's query syntax are only words."""
        signatory("London Borough of Hackney")
        response = client.get(LIST_URL, {"q": query})
        assert response.status_code == 200

    @pytest.mark.parametrize(
        "query",
        ["Kings Lynn", "King's Lynn", "King\u2019s Lynn", "KINGS LYNN AND WEST"],
        ids=["no apostrophe", "straight", "curly", "capitals"],
    )
    @pytest.mark.parametrize("apostrophe", ["'", "\u2019"], ids=["straight", "curly"])
    def test_search_ignores_apostrophes_in_names_and_searches(self, client, query, apostrophe):
        """People type "Kings Lynn" for "King's Lynn", and either kind of apostrophe."""
        signatory(f"King{apostrophe}s Lynn and West Norfolk")
        signatory("Royal Borough of Kingston upon Thames")
        signatory("London Borough of Hackney", alternative_names=[f"Queen{apostrophe}s Park"])

        assert names_listed(client.get(LIST_URL, {"q": query})) == [
            f"King{apostrophe}s Lynn and West Norfolk"
        ]
        assert names_listed(client.get(LIST_URL, {"q": "Queens Park"})) == [
            "London Borough of Hackney"
        ]

    def test_search_of_punctuation_alone_lists_everyone(self, client):
        signatory("London Borough of Hackney")
        assert names_listed(client.get(LIST_URL, {"q": "&|!"})) == ["London Borough of Hackney"]

    def test_filters_by_type(self, client):
        signatory("London Borough of Hackney", organisation_type=OrganisationType.LONDON_BOROUGH)
        signatory("Borsetshire County Council", organisation_type=OrganisationType.COUNTY)
        response = client.get(LIST_URL, {"type": OrganisationType.COUNTY})
        assert names_listed(response) == ["Borsetshire County Council"]

    def test_filters_by_region(self, client):
        signatory("London Borough of Hackney", region="London")
        signatory("Borsetshire County Council", region="South West")
        response = client.get(LIST_URL, {"region": "London"})
        assert names_listed(response) == ["London Borough of Hackney"]

    def test_filters_co_publishers(self, client):
        signatory("London Borough of Hackney", co_publisher=True)
        signatory("Borsetshire County Council")
        response = client.get(LIST_URL, {"co_publisher": "1"})
        assert names_listed(response) == ["London Borough of Hackney"]

    def test_filters_combine(self, client):
        signatory("London Borough of Hackney", region="London", co_publisher=True)
        signatory("London Borough of Camden", region="London")
        signatory("Borsetshire County Council", region="South West", co_publisher=True)
        response = client.get(LIST_URL, {"q": "london", "region": "London", "co_publisher": "1"})
        assert names_listed(response) == ["London Borough of Hackney"]
        assertContains(response, "Showing 1 to 1 of 1 signatory that matches your filters.")

    def test_filter_choices_count_the_signatories_of_each_type_and_region(self, client):
        signatory("A Council", organisation_type=OrganisationType.COUNTY, region="London")
        signatory("B Council", organisation_type=OrganisationType.COUNTY, region="London")
        signatory("C Council", organisation_type=OrganisationType.UNITARY, region="North East")
        response = client.get(LIST_URL)
        assertContains(response, '<option value="CTY">County council (2)</option>', html=True)
        assertContains(response, '<option value="UA">Unitary authority (1)</option>', html=True)
        assertContains(response, '<option value="London">London (2)</option>', html=True)
        assertNotContains(response, '<option value="LBO">')

    def test_a_type_nobody_has_signed_as_yet_shows_none(self, client):
        signatory("Borsetshire County Council", organisation_type=OrganisationType.COUNTY)
        response = client.get(LIST_URL, {"type": OrganisationType.FIRE_AND_RESCUE})
        assert names_listed(response) == []
        assert not response.context["form"].errors

    def test_active_filters_are_shown_with_a_link_removing_each(self, client):
        signatory("London Borough of Hackney", region="London", co_publisher=True)
        response = client.get(
            LIST_URL,
            {"q": "hack", "type": "LBO", "region": "London", "co_publisher": "1", "page": "1"},
        )
        removals = {active.label: active for active in response.context["active_filters"]}
        assert set(removals) == {"Name", "Type", "Region", "Co-publishers"}
        assert removals["Type"].value == "London borough"
        # Removing one keeps the others, and goes back to the first page.
        assert removals["Region"].remove_url == ("/signatories/?q=hack&type=LBO&co_publisher=1")
        assertContains(
            response, 'href="/signatories/?type=LBO&amp;region=London&amp;co_publisher=1"'
        )
        assertContains(response, 'Remove<span class="govuk-visually-hidden"> the filter Type')
        assertContains(response, 'href="/signatories/">Clear all filters</a>', html=False)

    def test_sorts_by_name_or_by_date_signed(self, client):
        signatory("Aardvark Council", signed_on=datetime.date(2019, 1, 1))
        signatory("Zebra Council", signed_on=datetime.date(2021, 1, 1))
        signatory("Middle Council", signed_on=datetime.date(2018, 7, 4))
        assert names_listed(client.get(LIST_URL)) == [
            "Aardvark Council",
            "Middle Council",
            "Zebra Council",
        ]
        by_date = client.get(LIST_URL, {"sort": "date"})
        assert names_listed(by_date) == ["Zebra Council", "Aardvark Council", "Middle Council"]
        assertContains(by_date, 'aria-sort="descending">Date signed</th>')

    def test_pages_hold_50_signatories_with_govuk_pagination(self, client):
        for number in range(120):
            signatory(f"Council {number:03d}")
        first = client.get(LIST_URL)
        assert len(first.context["rows"]) == 50
        assertContains(first, "Showing 1 to 50 of 120 signatories")
        assertContains(first, '<nav class="govuk-pagination" aria-label="Pagination">')
        assertContains(first, 'href="/signatories/?page=2" rel="next"')
        assertNotContains(first, 'rel="prev"')

        assertContains(first, "<title>Signatories (page 1 of 3) \N{EN DASH} Local Digital</title>")

        last = client.get(LIST_URL, {"page": "3"})
        assert names_listed(last)[0] == "Council 100"
        assert len(last.context["rows"]) == 20
        assertContains(last, "Showing 101 to 120 of 120 signatories")
        assertContains(last, 'href="/signatories/?page=2" rel="prev"')
        assertContains(last, 'aria-label="Page 3" aria-current="page"')
        assertNotContains(last, 'rel="next"')

    def test_pagination_keeps_the_filters(self, client):
        for number in range(60):
            signatory(f"Council {number:03d}", region="London")
        response = client.get(LIST_URL, {"region": "London", "sort": "date"})
        assertContains(response, 'href="/signatories/?region=London&amp;sort=date&amp;page=2"')

    def test_long_pagination_has_ellipses(self, client):
        for number in range(301):
            signatory(f"Council {number:03d}")
        response = client.get(LIST_URL, {"page": "4"})
        numbers = [item.number for item in response.context["pagination"].items]
        assert numbers == [1, None, 3, 4, 5, None, 7]
        assertContains(response, "govuk-pagination__item--ellipses")


class TestSignatoryListBadParameters:
    """An edited or garbled address never fails: bad values are reported and ignored."""

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"type": "castle"}, "Choose a type of organisation from the list"),
            ({"region": "Atlantis"}, "Choose a region from the list"),
            ({"sort": "shoe-size"}, "Choose how to sort from the list"),
            ({"q": "x" * 101}, "Search must be 100 characters or fewer"),
        ],
    )
    def test_a_bad_value_is_reported_and_ignored(self, client, params, message):
        signatory("London Borough of Hackney")
        response = client.get(LIST_URL, params)
        assert response.status_code == 200
        assertContains(response, '<h2 class="govuk-error-summary__title">There is a problem</h2>')
        assertContains(response, message)
        assert response.text.count("<title>Error: Signatories") == 1
        assert names_listed(response) == ["London Borough of Hackney"]

    def test_a_bad_value_leaves_the_good_ones_working(self, client):
        signatory("London Borough of Hackney", region="London")
        signatory("Borsetshire County Council", region="South West")
        response = client.get(LIST_URL, {"type": "castle", "region": "London"})
        assert names_listed(response) == ["London Borough of Hackney"]
        assert [active.label for active in response.context["active_filters"]] == ["Region"]

    @pytest.mark.parametrize("co_publisher", ["0", "false", ""])
    def test_a_false_co_publisher_filter_filters_nothing(self, client, co_publisher):
        signatory("London Borough of Hackney", co_publisher=True)
        signatory("Borsetshire County Council")
        response = client.get(LIST_URL, {"co_publisher": co_publisher})
        assert len(names_listed(response)) == 2

    @pytest.mark.parametrize(
        ("page", "shown", "note"),
        [
            ("9999", 2, "There is no page 9999. This is page 2 of 2."),
            ("-1", 2, "There is no page -1. This is page 2 of 2."),
            ("0", 2, "There is no page 0. This is page 2 of 2."),
            ("abc", 1, "There is no page abc. This is page 1 of 2."),
            ("1.5", 1, "There is no page 1.5. This is page 1 of 2."),
        ],
    )
    def test_a_page_that_does_not_exist_shows_the_nearest_with_a_note(
        self, client, page, shown, note
    ):
        for number in range(51):
            signatory(f"Council {number:03d}")
        response = client.get(LIST_URL, {"page": page})
        assert response.status_code == 200
        assert response.context["pagination"].items[shown - 1].is_current
        assertContains(response, note)

    def test_repeated_and_unknown_parameters_are_harmless(self, client):
        signatory("London Borough of Hackney")
        response = client.get(LIST_URL + "?q=hack&q=&utm_source=x&type=&type=LBO&page=1&page=x")
        assert response.status_code == 200


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
