"""The Atom feeds, on the platform's base (localdigital/feeds.py): new signatories, funded projects
and rounds opening. Each answers 200 and parses as Atom, holds only public data with absolute
links on SITE_URL, and is linked from its list page."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.declaration.factories import OrganisationFactory, SigningFactory
from tests.funding.factories import AwardFactory, RoundFactory, SignatoryFactory

pytestmark = pytest.mark.django_db

SITE = "https://localdigital.example.gov.uk"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def feed(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - the service's own response
    assert root.tag == f"{ATOM}feed"
    return root


def entries(root: ET.Element) -> list[dict[str, str]]:
    """Return each entry's title, link, updated date and summary."""
    return [
        {
            "title": entry.findtext(f"{ATOM}title") or "",
            "link": entry.find(f"{ATOM}link").get("href") or "",  # type: ignore[union-attr]
            "updated": entry.findtext(f"{ATOM}updated") or "",
            "summary": entry.findtext(f"{ATOM}summary") or "",
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def alternate_links(client, url: str) -> list[str]:
    html = client.get(url).content.decode()
    return [
        line.strip()
        for line in html.splitlines()
        if 'rel="alternate"' in line and 'type="application/atom+xml"' in line
    ]


class TestNewSignatories:
    def test_lists_published_signatories_newest_first_with_absolute_links(self, client):
        SigningFactory(
            organisation=OrganisationFactory(name="Older Council", slug="older"),
            published_at=timezone.now() - datetime.timedelta(days=10),
        )
        SigningFactory(
            organisation=OrganisationFactory(name="Newer & Co Council", slug="newer"),
            published_at=timezone.now() - datetime.timedelta(days=1),
            project_title="Shared <booking>",
        )
        SigningFactory(submitted=True, organisation=OrganisationFactory(name="Pending"))
        SigningFactory(withdrawn=True, organisation=OrganisationFactory(name="Withdrawn"))

        root = feed(client, "/signatories.atom")
        found = entries(root)

        assert [entry["title"] for entry in found] == ["Newer & Co Council", "Older Council"]
        assert found[0]["link"] == f"{SITE}/signatories/newer/"
        assert "Declaration project: Shared &lt;booking&gt;." in found[0]["summary"]
        assert all(datetime.datetime.fromisoformat(entry["updated"]) for entry in found)
        assert root.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE}/signatories.atom"

    def test_is_linked_from_the_list_and_the_open_data_page(self, client):
        assert any(
            'href="/signatories.atom"' in link for link in alternate_links(client, "/signatories/")
        )
        assert 'href="/signatories.atom"' in client.get("/signatories/open-data/").content.decode()


class TestFundedProjects:
    def test_lists_public_projects_with_lead_amount_and_summary(self, client):
        AwardFactory(
            title="Digital planning",
            slug="digital-planning",
            amount=350000,
            summary="A planning service.",
            application__lead_organisation=SignatoryFactory(name="Hackney"),
        )
        AwardFactory(title="Declined project", declined=True)
        AwardFactory(
            title="Embargoed project",
            application__round=RoundFactory(
                closed=True, decisions_approved_at=timezone.now(), announced_at=None
            ),
        )

        found = entries(feed(client, "/funding/projects.atom"))

        assert [entry["title"] for entry in found] == ["Digital planning"]
        assert found[0]["link"] == f"{SITE}/funding/projects/digital-planning/"
        assert "Led by Hackney." in found[0]["summary"]
        assert "£350,000" in found[0]["summary"]
        assert "A planning service." in found[0]["summary"]
        assert found[0]["updated"]

    def test_is_linked_from_the_list_and_the_open_data_page(self, client):
        assert any(
            'href="/funding/projects.atom"' in link
            for link in alternate_links(client, "/funding/projects/")
        )
        assert 'href="/funding/projects.atom"' in client.get("/funding/open-data/").content.decode()


class TestRoundsOpening:
    def test_lists_published_rounds_latest_opening_first(self, client):
        RoundFactory(name="Round 5", slug="round-5", closed=True)
        RoundFactory(name="Round 6", slug="round-6", upcoming=True)
        RoundFactory(name="Draft round", is_published=False, upcoming=True)

        found = entries(feed(client, "/funding/rounds.atom"))

        assert [entry["title"] for entry in found] == ["Round 6", "Round 5"]
        assert found[0]["link"] == f"{SITE}/funding/rounds/round-6/"
        assert "open:" in found[0]["summary"]
        assert "Budget: £7,500,000." in found[0]["summary"]

    def test_is_linked_from_the_list_of_rounds(self, client):
        assert any(
            'href="/funding/rounds.atom"' in link for link in alternate_links(client, "/funding/")
        )


@pytest.mark.parametrize(
    "url", ["/signatories.atom", "/funding/projects.atom", "/funding/rounds.atom"]
)
def test_every_feed_is_public_cacheable_and_answers_head(client, url):
    response = client.get(url)

    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405
