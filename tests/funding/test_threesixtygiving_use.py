"""/funding/360giving.json as its readers use it: what makes each grant useful to them, and what
is never published."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from funding.models import Award
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationPartnerFactory,
    AwardFactory,
    SignatoryFactory,
)
from tests.funding.threesixtygiving_package import URL, errors_of, grant_by_title, projects, served

pytestmark = pytest.mark.django_db


def is_usable_recipient_location(organisation: dict[str, Any]) -> bool:
    """What the 360Giving Data Quality Tool's recipient location check accepts: a postcode,
    or a location with both a geographic code and its type."""
    return bool(organisation.get("postalCode")) or any(
        location.get("geoCode") and location.get("geoCodeType")
        for location in organisation.get("location") or []
    )


class TestUsefulness:
    """The Data Quality Tool's usefulness checks for Last Modified, Data Source and the
    recipient's location pass for every grant whose lead has an area."""

    def test_every_grant_has_a_last_modified_a_data_source_and_its_recipients_area(
        self, client, settings
    ):
        settings.SITE_URL = "https://localdigital.example.gov.uk"
        projects()
        sector = SignatoryFactory(name="Sector body", gss_code="", register_code="")
        AwardFactory(
            title="Fire project",
            application__lead_organisation=SignatoryFactory(
                name="Kent Fire and Rescue Service", gss_code="E31000022", nation="England"
            ),
        )
        AwardFactory(title="Sector-led", application__lead_organisation=sector)

        package = served(client)
        with_area = [
            g for g in package["grants"] if g["title"] not in ("Sector project", "Sector-led")
        ]

        assert errors_of(package) == []
        assert len(with_area) == 3
        for grant in package["grants"]:
            assert grant["dataSource"] == (
                "https://localdigital.example.gov.uk/funding/open-data/"
            ), grant["title"]
            moment = datetime.datetime.fromisoformat(grant["dateModified"])
            assert moment.tzinfo is not None, grant["title"]
            assert moment <= timezone.now()
        for grant in with_area:
            assert all(
                is_usable_recipient_location(organisation)
                for organisation in grant["recipientOrganization"]
            ), grant["title"]
        fire = grant_by_title(package, "Fire project")
        assert fire["recipientOrganization"][0]["location"][0]["geoCodeType"] == "FRA"

    def test_a_location_without_its_code_type_is_not_usable(self):
        """So the check above can fail."""
        assert not is_usable_recipient_location({"location": [{"geoCode": "E47000001"}]})
        assert not is_usable_recipient_location({"id": "x"})
        assert is_usable_recipient_location(
            {"location": [{"geoCode": "E09000012", "geoCodeType": "LONB"}]}
        )

    def test_last_modified_is_when_the_grant_last_changed(self, client):
        award = AwardFactory(title="Planning")
        before = datetime.datetime.fromisoformat(
            grant_by_title(served(client), "Planning")["dateModified"]
        )
        later = timezone.now() + datetime.timedelta(minutes=5)
        Award.objects.filter(pk=award.pk).update(started_at=later)

        after = datetime.datetime.fromisoformat(
            grant_by_title(served(client), "Planning")["dateModified"]
        )

        assert after == later.replace(microsecond=0)
        assert after > before

    def test_last_modified_follows_an_edit_by_staff_in_the_admin(self, client):
        award = AwardFactory(title="Planning")
        edited_at = timezone.now() + datetime.timedelta(hours=1)
        LogEntry.objects.create(
            user=UserFactory(is_staff=True),
            content_type=ContentType.objects.get_for_model(Award),
            object_id=str(award.pk),
            object_repr=award.title,
            action_flag=CHANGE,
            action_time=edited_at,
        )

        grant = grant_by_title(served(client), "Planning")

        assert grant["dateModified"] == edited_at.replace(microsecond=0).isoformat()

    def test_last_modified_follows_a_partner_organisation_renamed(self, client):
        award = AwardFactory(title="Planning")
        partner = ApplicationPartnerFactory(application=award.application)
        renamed_at = timezone.now() + datetime.timedelta(hours=2)
        type(partner.organisation).objects.filter(pk=partner.organisation_id).update(
            name="Renamed council", updated_at=renamed_at
        )

        grant = grant_by_title(served(client), "Planning")

        assert grant["dateModified"] == renamed_at.replace(microsecond=0).isoformat()


class TestWhatIsPublished:
    def test_declined_offers_and_unannounced_rounds_are_left_out(
        self, client, public_and_hidden_awards
    ):
        package = served(client)

        assert [grant["title"] for grant in package["grants"]] == ["Public project"]
        assert errors_of(package) == []

    def test_with_no_public_award_it_answers_404_with_a_json_explanation(self, client):
        AwardFactory(declined=True)

        response = client.get(URL)

        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        body = json.loads(response.content)
        assert body["error"] == "no-grants"
        assert "at least one grant" in body["message"]

    def test_streams_with_cors_caching_and_validators(self, client):
        AwardFactory()

        response = client.get(URL)
        again = client.get(URL, headers={"if-none-match": response["ETag"]})

        assert response.streaming
        assert response["Content-Type"] == "application/json"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cache-Control"] == "public, max-age=300"
        assert "GMT" in response["Last-Modified"]
        assert again.status_code == 304
