"""robots.txt, sitemap.xml and /.well-known/security.txt: each answers 200 and parses, holds
only public pages, gives addresses on SITE_URL, and may be cached."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from localdigital.pages.site_files import security_txt_expires
from tests.declaration.factories import OrganisationFactory, SigningFactory
from tests.funding.factories import AwardFactory, RoundFactory
from tests.training.factories import CourseFactory

pytestmark = pytest.mark.django_db

SITE = "https://localdigital.example.gov.uk"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def robots_rules(text: str) -> list[tuple[str, str]]:
    """Return robots.txt's lines as (field, value), as a crawler reads them (RFC 9309)."""
    rules = []
    for line in text.splitlines():
        if line.strip():
            field, _, value = line.partition(":")
            rules.append((field.strip().lower(), value.strip()))
    return rules


def sitemap_entries(client) -> dict[str, str | None]:
    """Return every address in the sitemap with its lastmod (None when it has none)."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - the service's own response
    assert root.tag == f"{SITEMAP}urlset"
    entries = {}
    for url in root.findall(f"{SITEMAP}url"):
        lastmod = url.find(f"{SITEMAP}lastmod")
        entries[url.findtext(f"{SITEMAP}loc") or ""] = lastmod.text if lastmod is not None else None
    return entries


class TestRobotsTxt:
    def test_allows_public_pages_keeps_crawlers_out_of_private_ones_and_names_the_sitemap(
        self, client
    ):
        response = client.get("/robots.txt")

        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        rules = robots_rules(response.content.decode())
        assert rules[0] == ("user-agent", "*")
        assert ("allow", "/") in rules
        disallowed = {value for field, value in rules if field == "disallow"}
        assert {"/admin/", "/account/", "/staff/", "/declaration/sign/"} <= disallowed
        assert not disallowed & {"/", "/signatories/", "/funding/", "/training/"}
        assert ("sitemap", f"{SITE}/sitemap.xml") in rules

    def test_is_cacheable_and_answers_head(self, client):
        response = client.get("/robots.txt")

        assert "public" in response["Cache-Control"]
        assert "max-age=3600" in response["Cache-Control"]
        assert client.head("/robots.txt").status_code == 200
        assert client.post("/robots.txt").status_code == 405


class TestSitemap:
    def test_lists_the_public_pages_and_every_public_signatory_round_project_and_course(
        self, client
    ):
        SigningFactory(organisation=OrganisationFactory(slug="hackney"))
        SigningFactory(submitted=True, organisation=OrganisationFactory(slug="pending-council"))
        SigningFactory(withdrawn=True, organisation=OrganisationFactory(slug="gone-council"))
        RoundFactory(slug="round-3")
        RoundFactory(slug="draft-round", is_published=False)
        AwardFactory(slug="digital-planning")
        AwardFactory(slug="declined-project", declined=True)
        CourseFactory(slug="agile-delivery")
        CourseFactory(slug="hidden-course", is_published=False)

        entries = sitemap_entries(client)

        for path in (
            "/",
            "/declaration/",
            "/signatories/",
            "/funding/",
            "/funding/projects/",
            "/training/",
            "/signatories/hackney/",
            "/funding/rounds/round-3/",
            "/funding/projects/digital-planning/",
            "/training/agile-delivery/",
        ):
            assert f"{SITE}{path}" in entries, path
        for hidden in (
            "/signatories/pending-council/",
            "/signatories/gone-council/",
            "/funding/rounds/draft-round/",
            "/funding/projects/declined-project/",
            "/training/hidden-course/",
        ):
            assert f"{SITE}{hidden}" not in entries, hidden
        assert all(address.startswith(f"{SITE}/") for address in entries)
        assert not any("/account/" in address or "/admin/" in address for address in entries)

    def test_gives_when_a_signatory_page_last_changed(self, client):
        signing = SigningFactory(organisation=OrganisationFactory(slug="hackney"))
        signing.refresh_from_db()
        later = timezone.now() + datetime.timedelta(days=1)
        type(signing.organisation).objects.filter(pk=signing.organisation_id).update(
            updated_at=later
        )

        entries = sitemap_entries(client)

        assert entries[f"{SITE}/signatories/hackney/"] == later.date().isoformat()

    def test_addresses_come_from_site_url_not_the_host_asked(self, client, settings):
        settings.ALLOWED_HOSTS = ["internal.example"]

        response = client.get("/sitemap.xml", HTTP_HOST="internal.example")

        assert "internal.example" not in response.content.decode()
        assert f"<loc>{SITE}/</loc>" in response.content.decode()

    def test_is_cacheable_and_answers_head(self, client):
        response = client.get("/sitemap.xml")

        assert response["Cache-Control"] == "public, max-age=300"
        assert client.head("/sitemap.xml").status_code == 200
        assert client.post("/sitemap.xml").status_code == 405


def security_fields(text: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        name, _, value = line.partition(": ")
        fields.setdefault(name, []).append(value)
    return fields


class TestSecurityTxt:
    def test_gives_contact_expiry_canonical_address_and_language(self, client, settings):
        settings.SECURITY_CONTACT = "mailto:security@example.gov.uk"

        response = client.get("/.well-known/security.txt")

        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        fields = security_fields(response.content.decode())
        assert fields["Contact"] == ["mailto:security@example.gov.uk"]
        assert fields["Canonical"] == [f"{SITE}/.well-known/security.txt"]
        assert fields["Preferred-Languages"] == ["en"]
        assert "Policy" not in fields
        (expires,) = fields["Expires"]
        moment = datetime.datetime.strptime(expires, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.UTC
        )
        assert timezone.now() < moment < timezone.now() + datetime.timedelta(days=365)

    def test_gives_the_policy_and_the_expiry_set(self, client, settings):
        settings.SECURITY_POLICY_URL = "https://example.gov.uk/disclosure"
        settings.SECURITY_TXT_EXPIRES = timezone.now() + datetime.timedelta(days=30)

        fields = security_fields(client.get("/.well-known/security.txt").content.decode())

        assert fields["Policy"] == ["https://example.gov.uk/disclosure"]
        assert fields["Expires"] == [
            settings.SECURITY_TXT_EXPIRES.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        ]

    def test_an_expiry_set_that_has_passed_gives_way_to_180_days_from_today(self, settings):
        now = datetime.datetime(2027, 3, 10, 15, 30, tzinfo=datetime.UTC)
        settings.SECURITY_TXT_EXPIRES = datetime.datetime(2027, 1, 1)

        assert security_txt_expires(now) == datetime.datetime(2027, 9, 6, tzinfo=datetime.UTC)

    def test_a_naive_expiry_set_in_the_future_is_read_as_utc(self, settings):
        now = datetime.datetime(2027, 3, 10, tzinfo=datetime.UTC)
        settings.SECURITY_TXT_EXPIRES = datetime.datetime(2027, 6, 30)

        assert security_txt_expires(now) == datetime.datetime(2027, 6, 30, tzinfo=datetime.UTC)

    def test_is_cacheable_and_answers_head(self, client):
        response = client.get("/.well-known/security.txt")

        assert "public" in response["Cache-Control"]
        assert client.head("/.well-known/security.txt").status_code == 200
