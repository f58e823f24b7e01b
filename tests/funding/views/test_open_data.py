"""Open data about funded projects: projects.csv and projects.json, their columns and
headers, and the page that documents them. Only public projects are in them."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from funding.models import Award, Phase
from funding.services.reporting import award_dates_set
from funding.views.open_data import FILES
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationPartnerFactory,
    AwardFactory,
    RoundFactory,
    SignatoryFactory,
)

pytestmark = pytest.mark.django_db

CSV = reverse("funding:projects-csv")
JSON = reverse("funding:projects-json")

EXPECTED_COLUMNS = (
    "slug",
    "title",
    "url",
    "summary",
    "round",
    "round_slug",
    "phase",
    "amount_awarded",
    "award_date",
    "status",
    "lead_organisation",
    "lead_organisation_slug",
    "partner_organisations",
    "partner_organisation_slugs",
    "planned_start",
    "planned_end",
    "grant_identifier",
    "completed_on",
)


def csv_rows(client):
    response = client.get(CSV)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def json_body(client: Client) -> dict:
    response = client.get(JSON)
    assert response.status_code == 200
    return json.loads(response.content)


def a_project():
    award = AwardFactory(
        slug="digital-planning",
        title="Digital planning service",
        summary="Planning applications online.",
        amount=Decimal("350000.50"),
        awarded_on=datetime.date(2019, 10, 14),
        accepted=True,
        planned_start_on=datetime.date(2019, 11, 1),
        application__reference="LDF-OPEN01",
        application__phase=Phase.ALPHA,
        application__lead_organisation=SignatoryFactory(name="Hackney Council", slug="hackney"),
        application__round=RoundFactory(
            name="Round 3",
            slug="round-3",
            decided=True,
            decisions_approved_at=timezone.now() - datetime.timedelta(days=40),
            announced_at=timezone.now() - datetime.timedelta(days=30),
        ),
    )
    for name, slug in (("Southwark Council", "southwark"), ("Buckinghamshire", "bucks")):
        ApplicationPartnerFactory(
            application=award.application, organisation=SignatoryFactory(name=name, slug=slug)
        )
    return award


class TestColumns:
    def test_the_columns_are_the_documented_ones_in_a_stable_order(self, client):
        """Adding a column at the end is fine; renaming or reordering one breaks users."""
        assert FILES.column_names == EXPECTED_COLUMNS
        page = client.get(reverse("funding:open-data")).content.decode()
        for name in EXPECTED_COLUMNS:
            assert f"<code>{name}</code>" in page

    def test_the_csv_has_a_line_per_project_with_every_column(self, client, settings):
        settings.SITE_URL = "https://localdigital.example.gov.uk"
        a_project()

        (row,) = csv_rows(client)

        assert tuple(row) == EXPECTED_COLUMNS
        assert row == {
            "slug": "digital-planning",
            "title": "Digital planning service",
            "url": "https://localdigital.example.gov.uk/funding/projects/digital-planning/",
            "summary": "Planning applications online.",
            "round": "Round 3",
            "round_slug": "round-3",
            "phase": "alpha",
            "amount_awarded": "350000.50",
            "award_date": "2019-10-14",
            "status": "accepted",
            "lead_organisation": "Hackney Council",
            "lead_organisation_slug": "hackney",
            "partner_organisations": "Buckinghamshire; Southwark Council",
            "partner_organisation_slugs": "bucks; southwark",
            "planned_start": "2019-11-01",
            "planned_end": "",
            "grant_identifier": "360G-mhclg-ldf-LDF-OPEN01",
            "completed_on": "",
        }

    def test_the_json_has_the_same_columns_with_lists_and_numbers(self, client):
        a_project()

        body = json_body(client)

        assert body["columns"] == list(EXPECTED_COLUMNS)
        assert body["count"] == 1
        assert body["licence"]["name"] == "Open Government Licence v3.0"
        (project,) = body["projects"]
        assert list(project) == list(EXPECTED_COLUMNS)
        assert project["amount_awarded"] == 350000.5
        assert project["partner_organisations"] == ["Buckinghamshire", "Southwark Council"]
        assert project["planned_end"] is None
        assert project["award_date"] == "2019-10-14"


class TestWhatIsPublished:
    def test_declined_offers_and_unannounced_rounds_are_never_in_the_files(
        self, client, public_and_hidden_awards
    ):
        csv_titles = [row["title"] for row in csv_rows(client)]
        json_titles = [project["title"] for project in json_body(client)["projects"]]

        assert csv_titles == json_titles == ["Public project"]

    def test_with_no_projects_the_files_are_empty_but_valid(self, client):
        assert csv_rows(client) == []
        assert json_body(client)["projects"] == []


class TestCsvSafety:
    def test_cells_that_would_run_as_formulas_are_neutralised(self, client):
        award = AwardFactory(title='=HYPERLINK("http://evil.example")', summary="+1 and more")
        ApplicationPartnerFactory(
            application=award.application,
            organisation=SignatoryFactory(name="@Evil Council", slug="evil"),
        )

        (row,) = csv_rows(client)

        assert row["title"] == '\'=HYPERLINK("http://evil.example")'
        assert row["summary"] == "'+1 and more"
        assert row["partner_organisations"] == "'@Evil Council"

    def test_the_csv_streams_as_an_attachment(self, client):
        response = client.get(CSV)

        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="projects.csv"'


class TestHeaders:
    @pytest.mark.parametrize("path", [CSV, JSON])
    def test_allow_any_origin_and_caching_for_five_minutes(self, client, path):
        a_project()

        response = client.get(path)

        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cache-Control"] == "public, max-age=300"
        assert response["ETag"].startswith('"')
        assert "GMT" in response["Last-Modified"]

    def test_the_json_answers_304_while_nothing_changed_and_200_after(self, client):
        award = a_project()
        first = client.get(JSON)

        again = client.get(JSON, headers={"if-none-match": first["ETag"]})
        by_date = client.get(JSON, headers={"if-modified-since": first["Last-Modified"]})
        Award.objects.filter(pk=award.pk).update(
            status="declined", responded_at=timezone.now() + datetime.timedelta(seconds=5)
        )
        after = client.get(JSON, headers={"if-none-match": first["ETag"]})

        assert again.status_code == 304
        assert by_date.status_code == 304
        assert after.status_code == 200
        assert after["ETag"] != first["ETag"]
        assert json.loads(after.content)["projects"] == []

    def test_a_staff_edit_in_the_admin_changes_the_etag(self, client):
        """An edited title has no timestamp of its own; the admin's log records it."""
        award = a_project()
        first = client.get(JSON)
        LogEntry.objects.create(
            user=UserFactory(staff=True),
            content_type=ContentType.objects.get_for_model(Award),
            object_id=str(award.pk),
            object_repr=award.title,
            action_flag=CHANGE,
            action_time=timezone.now() + datetime.timedelta(seconds=5),
        )

        after = client.get(JSON, headers={"if-none-match": first["ETag"]})

        assert after.status_code == 200
        assert after["Last-Modified"] != first["Last-Modified"]

    def test_new_planned_dates_change_the_etag(self, client):
        """Planned dates have no timestamp of their own; the service's audit event records
        when they changed."""
        award = a_project()
        first = client.get(JSON)

        award_dates_set(
            award=award,
            starts_on=datetime.date(2019, 11, 1),
            ends_on=datetime.date(2020, 9, 30),
            set_by=UserFactory.create(staff=True, groups=["Fund manager"]),
        )
        after = client.get(JSON, headers={"if-none-match": first["ETag"]})

        assert after.status_code == 200
        assert after["ETag"] != first["ETag"]
        assert json.loads(after.content)["projects"][0]["planned_end"] == "2020-09-30"

    def test_the_csv_answers_304_to_a_matching_etag(self, client):
        a_project()
        first = client.get(CSV)

        assert client.get(CSV, headers={"if-none-match": first["ETag"]}).status_code == 304


class TestDocumentation:
    def test_is_linked_from_the_signatories_open_data_page(self, client):
        page = client.get(reverse("declaration:open-data")).content.decode()

        assert reverse("funding:open-data") in page
