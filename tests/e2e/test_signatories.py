"""The public list of signatories in a real browser: browse, search, filter, page through,
open a signatory, post an update, find the open data. axe-core checks every page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from declaration.models import OrganisationType
from tests.declaration.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProjectUpdateFactory,
    SigningFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signatories():
    """Hackney, a co-publisher with an update, and 60 district councils: two pages."""
    hackney = SigningFactory.create(
        organisation=OrganisationFactory.create(
            name="London Borough of Hackney",
            slug="hackney",
            organisation_type=OrganisationType.LONDON_BOROUGH,
            region="London",
            alternative_names=["Hackney Council"],
        ),
        signed_on=datetime.date(2018, 7, 4),
        co_publisher=True,
        project_title="Open housing repairs",
    )
    ProjectUpdateFactory.create(signing=hackney, title="Discovery finished")
    for number in range(60):
        SigningFactory.create(
            organisation=OrganisationFactory.create(
                name=f"Borsetshire District Council {number:02d}",
                slug=f"borsetshire-{number:02d}",
                organisation_type=OrganisationType.DISTRICT,
                region="South West",
            )
        )
    return hackney


def table_names(ui) -> list[str]:
    return ui.page.locator("table.govuk-table tbody tr td:first-child a").all_inner_texts()


@pytest.mark.parametrize("browser_page", ["ui", "ui_without_js"])
def test_browse_search_filter_and_open_a_signatory(browser_page, request, signatories):
    ui = request.getfixturevalue(browser_page)
    page = ui.page

    ui.goto("/")
    assert page.get_by_text("61 organisations have signed the Declaration.").is_visible()
    ui.follow(
        lambda: (
            page.get_by_role("navigation", name="Menu")
            .get_by_role("link", name="Signatories")
            .click()
        )
    )
    assert ui.path() == "/signatories/"
    assert page.get_by_role("heading", level=1).inner_text() == "Signatories"
    assert page.get_by_text("61 organisations have signed").is_visible()
    assert len(table_names(ui)) == 50

    # Page through.
    ui.follow(lambda: page.get_by_role("link", name="Next page").click())
    assert ui.path() == "/signatories/?page=2"
    assert len(table_names(ui)) == 11
    ui.follow(lambda: page.get_by_role("link", name="Previous page").click())

    # Search by part of a name.
    page.get_by_label("Search by name").fill("hack")
    ui.follow(lambda: page.get_by_role("button", name="Apply").click())
    assert table_names(ui) == ["London Borough of Hackney"]
    assert page.get_by_text("Name: hack").is_visible()
    ui.follow(lambda: page.get_by_role("link", name="Remove the filter Name: hack").click())
    assert len(table_names(ui)) == 50

    # Filter by type and region, then remove one filter.
    page.get_by_label("Type of organisation").select_option("LBO")
    page.get_by_label("Region").select_option("London")
    ui.follow(lambda: page.get_by_role("button", name="Apply").click())
    assert table_names(ui) == ["London Borough of Hackney"]
    ui.follow(
        lambda: page.get_by_role("link", name="Remove the filter Type: London borough").click()
    )
    assert table_names(ui) == ["London Borough of Hackney"]
    assert page.get_by_label("Region").input_value() == "London"
    ui.follow(lambda: page.get_by_role("link", name="Clear all filters").click())

    # Co-publishers only, newest first.
    page.get_by_label("Only co-publishers").check()
    page.get_by_label("Sort by").select_option("date")
    ui.follow(lambda: page.get_by_role("button", name="Apply").click())
    assert "co_publisher=1" in ui.path()
    assert table_names(ui) == ["London Borough of Hackney"]

    # A bad value in an edited address is explained, not a failure.
    ui.goto("/signatories/?type=castle&page=9999")
    assert (
        page.locator(".govuk-error-summary")
        .get_by_text("Choose a type of organisation from the list")
        .is_visible()
    )
    assert page.get_by_text("There is no page 9999.").is_visible()

    # A signatory's page.
    ui.goto("/signatories/?q=hackney")
    ui.follow(lambda: page.get_by_role("link", name="London Borough of Hackney").click())
    assert ui.path() == "/signatories/hackney/"
    assert page.get_by_role("heading", level=1).inner_text() == "London Borough of Hackney"
    assert page.get_by_text("4 July 2018", exact=True).is_visible()
    assert page.get_by_role("heading", name="Open housing repairs").is_visible()
    assert page.get_by_role("heading", name="Discovery finished").is_visible()
    assert page.get_by_role("heading", name="Funded projects").count() == 0
    ui.follow(lambda: page.get_by_role("link", name="All signatories").click())
    assert ui.path() == "/signatories/"


def test_a_member_posts_an_update_from_their_account(ui, live_server, signatories):
    member = MembershipFactory.create(organisation=signatories.organisation).user
    client = Client()
    client.force_login(member)
    ui.page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = ui.page

    ui.goto("/account/")
    ui.follow(
        lambda: page.get_by_role(
            "link", name="Post an update for London Borough of Hackney"
        ).click()
    )
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Post an update on your declaration project"
    )

    ui.follow(lambda: page.get_by_role("button", name="Post update").click())
    summary = page.locator(".govuk-error-summary")
    assert "Enter a title for your update" in summary.inner_text()
    assert "Enter your update" in summary.inner_text()

    page.get_by_label("Title").fill("Beta live in 3 councils")
    page.get_by_label("Your update").fill("We moved repairs to the new service.\n\nNext: tenants.")
    ui.follow(lambda: page.get_by_role("button", name="Post update").click())
    assert ui.path() == "/signatories/hackney/"
    assert page.get_by_text("Your update has been posted").is_visible()
    updates = page.locator("h3").all_inner_texts()
    assert updates.index("Beta live in 3 councils") < updates.index("Discovery finished")


def test_the_open_data_is_linked_from_the_footer(ui_without_js, signatories):
    ui = ui_without_js
    ui.goto("/signatories/")
    ui.follow(lambda: ui.page.locator("footer").get_by_role("link", name="Open data").click())
    assert ui.path() == "/signatories/open-data/"
    assert ui.page.get_by_role("heading", level=1).inner_text() == (
        "Signatories of the Local Digital Declaration"
    )
    csv = ui.page.request.get(ui.base_url + "/signatories.csv")
    assert csv.ok
    assert "London Borough of Hackney,hackney," in csv.text()
    data = ui.page.request.get(ui.base_url + "/signatories.json").json()
    assert data["count"] == 61
