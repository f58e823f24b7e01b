"""Open data: /signatories.csv, /signatories.json and the page that documents them."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import http_date
from pytest_django.asserts import assertContains

from declaration.models import OrganisationType, Signing
from declaration.views.open_data import FILES
from localdigital.open_data import csv_safe
from tests.declaration.factories import OrganisationFactory, SigningFactory

pytestmark = pytest.mark.django_db

EXPECTED_COLUMNS = [
    "name",
    "slug",
    "url",
    "gss_code",
    "type",
    "region",
    "nation",
    "date_signed",
    "co_publisher",
    "declaration_project_title",
]


@pytest.fixture
def hackney():
    return SigningFactory.create(
        organisation=OrganisationFactory.create(
            name="London Borough of Hackney",
            slug="hackney",
            gss_code="E09000012",
            organisation_type=OrganisationType.LONDON_BOROUGH,
            region="London",
            nation="England",
        ),
        signed_on=datetime.date(2018, 7, 4),
        co_publisher=True,
        project_title="Open housing repairs",
    )


def read_csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = response.getvalue().decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


class TestCsv:
    def test_has_the_documented_columns_and_a_line_per_published_signatory(self, client, hackney):
        SigningFactory.create(
            organisation=OrganisationFactory.create(name="Borsetshire County Council"),
            project_title="Shared booking",
        )
        for state in ("submitted", "withdrawn", "unpublished", "rejected", "draft"):
            SigningFactory.create(**{state: True})

        response = client.get("/signatories.csv")

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="signatories.csv"'
        rows = read_csv(response)
        assert rows[0] == EXPECTED_COLUMNS
        assert [row[0] for row in rows[1:]] == [
            "Borsetshire County Council",
            "London Borough of Hackney",
        ]
        assert rows[2] == [
            "London Borough of Hackney",
            "hackney",
            "http://testserver/signatories/hackney/",
            "E09000012",
            "London borough",
            "London",
            "England",
            "2018-07-04",
            "true",
            "Open housing repairs",
        ]
        assert rows[1][8] == "false"

    def test_streams(self, client, hackney):
        response = client.get("/signatories.csv")
        assert response.streaming

    def test_has_only_the_header_when_nobody_has_signed(self, client):
        assert read_csv(client.get("/signatories.csv")) == [EXPECTED_COLUMNS]

    @pytest.mark.parametrize(
        ("title", "written"),
        [
            ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
            ("+1+2", "'+1+2"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("Plain title = fine", "Plain title = fine"),
            ("", ""),
        ],
    )
    def test_neutralises_cells_a_spreadsheet_would_run(self, client, title, written):
        """Cells starting with = + - @ (or a tab) get a leading apostrophe."""
        SigningFactory.create(
            organisation=OrganisationFactory.create(name="=cmd|' /C calc'!A0"),
            project_title=title,
        )
        rows = read_csv(client.get("/signatories.csv"))
        assert rows[1][0] == "'=cmd|' /C calc'!A0"
        assert rows[1][9] == written

    def test_quotes_commas_quotes_and_new_lines(self, client):
        SigningFactory.create(
            organisation=OrganisationFactory.create(name='Kingston upon Hull, City of "Hull"'),
            project_title="Line one\nline two",
        )
        rows = read_csv(client.get("/signatories.csv"))
        assert rows[1][0] == 'Kingston upon Hull, City of "Hull"'
        assert rows[1][9] == "Line one\nline two"

    def test_comes_in_pieces_for_many_signatories(self, client):
        organisations = OrganisationFactory.create_batch(600, name="A" * 150)
        for organisation in organisations:
            SigningFactory.create(organisation=organisation, project_title="B" * 150)
        response = client.get("/signatories.csv")
        chunks = list(response.streaming_content)
        assert len(chunks) > 1
        rows = list(csv.reader(io.StringIO(b"".join(chunks).decode())))
        assert len(rows) == 601

    def test_is_open_to_every_site_and_cacheable(self, client, hackney):
        response = client.get("/signatories.csv")
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cache-Control"] == "public, max-age=300"

    def test_refuses_a_post(self, client):
        assert client.post("/signatories.csv").status_code == 405

    def test_carries_an_etag_and_the_latest_change_as_last_modified(self, client, hackney):
        hackney.refresh_from_db()
        latest = max(hackney.updated_at, hackney.organisation.updated_at, hackney.published_at)

        response = client.get("/signatories.csv")

        assert response["ETag"].startswith('"')
        assert response["Last-Modified"] == http_date(int(latest.timestamp()))
        assert response["ETag"] != client.get("/signatories.json")["ETag"]

    def test_sends_the_file_again_once_a_signatory_joins(self, client, hackney):
        etag = client.get("/signatories.csv")["ETag"]
        SigningFactory.create(organisation=OrganisationFactory.create(name="Borsetshire"))

        response = client.get("/signatories.csv", headers={"if-none-match": etag})

        assert response.status_code == 200
        assert [row[0] for row in read_csv(response)[1:]] == [
            "Borsetshire",
            "London Borough of Hackney",
        ]

    def test_the_etag_changes_with_the_site_address_in_its_links(self, client, hackney, settings):
        etag = client.get("/signatories.csv")["ETag"]
        settings.SITE_URL = "https://localdigital.example.gov.uk"

        response = client.get("/signatories.csv", headers={"if-none-match": etag})

        assert response.status_code == 200
        assert (
            read_csv(response)[1][2] == "https://localdigital.example.gov.uk/signatories/hackney/"
        )


def test_csv_safe_leaves_ordinary_text_alone():
    assert csv_safe("London Borough of Hackney") == "London Borough of Hackney"
    assert csv_safe("-") == "'-"


class TestJson:
    def test_has_the_same_columns_for_every_published_signatory(self, client, hackney):
        SigningFactory.create(submitted=True)
        response = client.get("/signatories.json")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert body["columns"] == EXPECTED_COLUMNS == list(FILES.column_names)
        assert body["count"] == 1
        assert body["licence"]["name"] == "Open Government Licence v3.0"
        assert body["documentation"] == "http://testserver/signatories/open-data/"
        assert body["signatories"] == [
            {
                "name": "London Borough of Hackney",
                "slug": "hackney",
                "url": "http://testserver/signatories/hackney/",
                "gss_code": "E09000012",
                "type": "London borough",
                "region": "London",
                "nation": "England",
                "date_signed": "2018-07-04",
                "co_publisher": True,
                "declaration_project_title": "Open housing repairs",
            }
        ]
        assert list(body["signatories"][0]) == EXPECTED_COLUMNS

    def test_keeps_text_as_it_is(self, client):
        """JSON needs no neutralising: values are strings, never formulas."""
        SigningFactory.create(
            organisation=OrganisationFactory.create(name="Ynys Môn"), project_title="=1+1"
        )
        body = json.loads(client.get("/signatories.json").content)
        assert body["signatories"][0]["name"] == "Ynys Môn"
        assert body["signatories"][0]["declaration_project_title"] == "=1+1"

    def test_is_open_to_every_site_and_cacheable_for_five_minutes(self, client, hackney):
        response = client.get("/signatories.json")
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cache-Control"] == "public, max-age=300"
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"]

    def test_the_etag_changes_when_a_signatory_joins_or_leaves(self, client, hackney):
        first = client.get("/signatories.json")["ETag"]
        other = SigningFactory.create()
        second = client.get("/signatories.json")["ETag"]
        assert second != first
        Signing.objects.filter(pk=other.pk).update(
            status="unpublished",
            unpublish_reason="Asked to leave.",
            unpublished_at=timezone.now() + datetime.timedelta(seconds=5),
        )
        third = client.get("/signatories.json")
        assert third["ETag"] not in (first, second)
        assert third.json()["count"] == 1

    def test_the_etag_changes_when_a_signatory_organisation_changes(self, client, hackney):
        first = client.get("/signatories.json")["ETag"]
        organisation = hackney.organisation
        organisation.name = "Hackney Council"
        organisation.save()
        response = client.get("/signatories.json", headers={"if-none-match": first})
        assert response.status_code == 200
        assert response.json()["signatories"][0]["name"] == "Hackney Council"

    def test_last_modified_is_the_latest_change(self, client, hackney):
        hackney.refresh_from_db()
        latest = max(hackney.updated_at, hackney.organisation.updated_at, hackney.published_at)
        response = client.get("/signatories.json")
        assert response["Last-Modified"] == http_date(int(latest.timestamp()))

    def test_with_nobody_signed_is_an_empty_list(self, client):
        response = client.get("/signatories.json")
        assert response.status_code == 200
        assert response.json()["signatories"] == []
        assert "Last-Modified" not in response

    def test_answers_head(self, client, hackney):
        assert client.head("/signatories.json").status_code == 200


@pytest.mark.parametrize("path", ["/signatories.csv", "/signatories.json"])
class TestConditionalRequests:
    """A client that has the file already is told so, with nothing sent again."""

    def test_answers_304_to_a_matching_etag(self, client, hackney, path):
        etag = client.get(path)["ETag"]

        response = client.get(path, headers={"if-none-match": etag})

        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cache-Control"] == "public, max-age=300"

    def test_answers_304_when_not_modified_since(self, client, hackney, path):
        last_modified = client.get(path)["Last-Modified"]

        response = client.get(path, headers={"if-modified-since": last_modified})

        assert response.status_code == 304

    def test_answers_200_to_a_stale_etag(self, client, hackney, path):
        response = client.get(path, headers={"if-none-match": '"stale"'})

        assert response.status_code == 200


class TestOpenDataPage:
    def test_documents_every_column_the_files_and_the_licence(self, client):
        response = client.get("/signatories/open-data/")
        assert response.status_code == 200
        for column in EXPECTED_COLUMNS:
            assertContains(response, f"<code>{column}</code>")
        assertContains(response, 'href="/signatories.csv"')
        assertContains(response, 'href="/signatories.json"')
        assertContains(response, "Open Government Licence v3.0")
        assertContains(response, "<title>Open data: signatories \N{EN DASH} Local Digital</title>")
