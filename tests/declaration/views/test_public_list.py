"""The public list of signatories (declaration/views/public.py): its search, filters and
pagination, and parameters it does not understand."""

from __future__ import annotations

import datetime

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from declaration.models import OrganisationType
from tests.declaration.factories import SigningFactory
from tests.declaration.support import LIST_URL, signatory

pytestmark = pytest.mark.django_db


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
