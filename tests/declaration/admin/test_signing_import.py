"""The admin's page for importing signatories from a CSV file
(declaration/admin/signing_import.py): the dry run shown line by line, then the import."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from declaration.models import Signing, SigningStatus
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.declaration.factories import SigningFactory
from tests.declaration.support import HEADER

pytestmark = pytest.mark.django_db


TODAY = datetime.date(2025, 3, 12)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


IMPORT = reverse("admin:declaration_signing_import")


class TestSigningImportAdmin:
    @pytest.fixture
    def client(self, otp_verified_client_for):
        return otp_verified_client_for(UserFactory(staff=True, groups=["Fund manager"]))

    def upload(self, client, content: str, name: str = "signatories.csv"):
        file = SimpleUploadedFile(name, content.encode(), content_type="text/csv")
        return client.post(IMPORT, {"file": file})

    def test_previews_each_line_and_offers_the_import_when_every_line_is_valid(
        self, client, hackney, leeds
    ):
        response = self.upload(client, HEADER + "HCK,2019-01-10,no,Booking\nLDS,2018-07-04,yes,\n")

        assert response.status_code == 200
        assert "Every line is ready. Nothing has been saved yet." in response.text
        assert "OK: A published signing for London Borough of Hackney" in response.text
        assert 'value="Import 2 signatories"' in response.text
        assert not Signing.objects.exists()

    def test_reports_the_bad_lines_and_offers_no_import_when_any_is_invalid(self, client, hackney):
        response = self.upload(client, HEADER + "HCK,2019-01-10,no,\nNowhere,2019-01-10,no,\n")

        assert "1 of 2 lines cannot be imported, so nothing will be." in response.text
        assert "Error: Unknown organisation" in response.text
        assert 'name="import"' not in response.text

    def test_imports_everything_when_staff_confirm_the_preview(self, client, hackney, leeds):
        preview = self.upload(client, HEADER + "HCK,2019-01-10,no,\nLDS,2018-07-04,yes,\n")
        token = preview.context["confirm_form"].initial["token"]

        response = client.post(IMPORT, {"token": token, "import": "Import"}, follow=True)

        assert Signing.objects.filter(status=SigningStatus.PUBLISHED).count() == 2
        assert "Imported 2 signatories." in [str(m) for m in response.context["messages"]]
        assert response.redirect_chain[-1][0].endswith("?status=published")
        assert AuditEvent.objects.get().data["source"] == "signatories.csv"

    def test_imports_nothing_and_shows_why_when_a_line_became_invalid(self, client, hackney, leeds):
        preview = self.upload(client, HEADER + "HCK,2019-01-10,no,\nLDS,2018-07-04,yes,\n")
        token = preview.context["confirm_form"].initial["token"]
        SigningFactory(organisation=leeds)

        response = client.post(IMPORT, {"token": token, "import": "Import"})

        assert response.status_code == 200
        assert "Nothing was imported" in response.text
        assert "Error: Already signed: Leeds City Council" in response.text
        assert Signing.objects.count() == 1

    def test_imports_nothing_when_the_preview_was_tampered_with(self, client, hackney):
        response = client.post(IMPORT, {"token": "forged", "import": "Import"}, follow=True)

        assert "This preview has expired" in response.text
        assert not Signing.objects.exists()

    @pytest.mark.parametrize(
        "content, error",
        [
            ("name,date\nHCK,2019-01-10\n", "The first line must name the columns"),
            (HEADER, "The file has no signatories under its first line."),
        ],
    )
    def test_shows_an_error_and_keeps_the_page_when_the_file_is_unusable(
        self, client, content, error
    ):
        response = self.upload(client, content)

        assert response.status_code == 200
        assert error in response.text
        assert "<title>Error:" in response.text

    def test_shows_an_error_not_a_server_error_when_a_quotation_mark_is_not_closed(
        self, client, hackney
    ):
        content = HEADER + 'HCK,2019-01-10,no,"Booking\n' + "x" * 140_000 + "\n"

        response = self.upload(client, content)

        assert response.status_code == 200
        assert "<title>Error:" in response.text
        assert "The file cannot be read from line 2: a cell is longer than 131,072" in (
            response.text
        )
        assert 'name="import"' not in response.text
        assert not Signing.objects.exists()

    def test_shows_an_error_when_the_file_is_not_utf_8(self, client):
        file = SimpleUploadedFile("s.csv", (HEADER + "Ynys Môn,2019-01-10,no,\n").encode("cp1252"))

        response = client.post(IMPORT, {"file": file})

        assert "The file is not UTF-8 text." in response.text

    def test_shows_an_error_when_no_file_is_given(self, client):
        response = client.post(IMPORT, {})

        assert response.status_code == 200
        assert "This field is required." in response.text

    def test_refuses_staff_who_cannot_change_signings(self, otp_verified_client_for):
        assessor = otp_verified_client_for(UserFactory(staff=True, groups=["Assessor"]))

        assert assessor.get(IMPORT).status_code == 403
        assert assessor.post(IMPORT, {"token": "x", "import": "Import"}).status_code == 403
