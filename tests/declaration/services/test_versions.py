"""The Declaration's versions: the services that write and publish them, the page that shows
the current one, and the admin where staff write them."""

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from declaration.errors import VersionSigned
from declaration.models import DeclarationVersion
from declaration.services.versions import (
    declaration_version_create,
    declaration_version_publish,
    declaration_version_text_update,
)
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.declaration.factories import DeclarationVersionFactory, SigningFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 3, 12)
VERSIONS = reverse("admin:declaration_declarationversion_changelist")


@pytest.fixture
def staff():
    return UserFactory(staff=True)


@pytest.fixture
def fund_manager_client(otp_verified_client_for):
    return otp_verified_client_for(UserFactory(staff=True, groups=["Fund manager"]))


def first_version() -> DeclarationVersion:
    """Return version 1, which migration 0006 published on 4 July 2018."""
    return DeclarationVersion.objects.get(number=1)


class TestDeclarationVersionCreate:
    def test_numbers_it_after_the_latest_and_keeps_it_a_draft_when_no_date_is_given(self, staff):
        DeclarationVersionFactory(number=4, draft=True)

        version = declaration_version_create(text="## New words", created_by=staff)

        assert version.number == 5
        assert version.published_on is None
        assert version.created_by == staff
        event = AuditEvent.objects.get(verb="declaration.version.created")
        assert event.data == {"number": 5}

    def test_publishes_it_when_a_date_is_given(self, staff):
        version = declaration_version_create(
            text="## New words", created_by=staff, published_on=datetime.date(2025, 1, 1)
        )

        assert version.published_on == datetime.date(2025, 1, 1)
        assert AuditEvent.objects.filter(verb="declaration.version.published").exists()

    def test_writes_nothing_when_the_audit_fails(self, staff, broken_audit):
        with pytest.raises(IntegrityError):
            declaration_version_create(text="## New words", created_by=staff)

        assert list(DeclarationVersion.objects.values_list("number", flat=True)) == [1]


class TestDeclarationVersionTextUpdate:
    def test_changes_the_text_when_nobody_has_signed_it(self, staff):
        version = DeclarationVersionFactory(number=2, draft=True)

        declaration_version_text_update(version=version, text="## Better words", updated_by=staff)

        version.refresh_from_db()
        assert version.text == "## Better words"
        assert AuditEvent.objects.get(verb="declaration.version.updated").actor == staff

    def test_refuses_and_changes_nothing_when_someone_has_signed_it(self, staff):
        version = first_version()
        SigningFactory(version=version)
        text = version.text

        with pytest.raises(VersionSigned):
            declaration_version_text_update(version=version, text="Other words", updated_by=staff)

        version.refresh_from_db()
        assert version.text == text
        assert not AuditEvent.objects.exists()

    def test_refuses_when_only_a_draft_signing_records_it(self, staff):
        """A draft records the version its signer is reading; those words must not change."""
        version = DeclarationVersionFactory(number=2)
        SigningFactory(draft=True, version=version)

        with pytest.raises(VersionSigned):
            declaration_version_text_update(version=version, text="Other words", updated_by=staff)

    def test_changes_nothing_when_the_text_is_the_same(self, staff):
        version = DeclarationVersionFactory(number=2, draft=True)

        declaration_version_text_update(version=version, text=version.text, updated_by=staff)

        assert not AuditEvent.objects.exists()

    def test_writes_nothing_when_the_audit_fails(self, staff, broken_audit):
        version = DeclarationVersionFactory(number=2, draft=True, text="Old")

        with pytest.raises(IntegrityError):
            declaration_version_text_update(version=version, text="New", updated_by=staff)

        version.refresh_from_db()
        assert version.text == "Old"


class TestDeclarationVersionPublish:
    def test_sets_the_date_and_audits_when_the_version_is_a_draft(self, staff):
        version = DeclarationVersionFactory(number=2, draft=True)

        declaration_version_publish(
            version=version, published_on=datetime.date(2025, 4, 1), published_by=staff
        )

        version.refresh_from_db()
        assert version.published_on == datetime.date(2025, 4, 1)
        event = AuditEvent.objects.get(verb="declaration.version.published")
        assert event.actor == staff
        assert event.data == {"published_on": "2025-04-01", "previous": None}

    def test_moves_the_date_when_nobody_has_signed_it(self, staff):
        version = DeclarationVersionFactory(number=2, published_on=datetime.date(2025, 4, 1))

        declaration_version_publish(
            version=version, published_on=datetime.date(2025, 5, 1), published_by=staff
        )

        version.refresh_from_db()
        assert version.published_on == datetime.date(2025, 5, 1)

    def test_changes_nothing_when_the_date_is_the_same(self, staff):
        version = first_version()

        declaration_version_publish(
            version=version, published_on=datetime.date(2018, 7, 4), published_by=staff
        )

        assert not AuditEvent.objects.exists()

    def test_refuses_and_changes_nothing_when_someone_has_signed_it(self, staff):
        version = first_version()
        SigningFactory(version=version)

        with pytest.raises(VersionSigned):
            declaration_version_publish(
                version=version, published_on=datetime.date(2019, 1, 1), published_by=staff
            )

        version.refresh_from_db()
        assert version.published_on == datetime.date(2018, 7, 4)
        assert not AuditEvent.objects.exists()

    def test_writes_nothing_when_the_audit_fails(self, staff, broken_audit):
        version = DeclarationVersionFactory(number=2, draft=True)

        with pytest.raises(IntegrityError):
            declaration_version_publish(
                version=version, published_on=datetime.date(2025, 4, 1), published_by=staff
            )

        version.refresh_from_db()
        assert version.published_on is None


class TestDeclarationPage:
    @pytest.fixture(autouse=True)
    def _today(self, monkeypatch):
        monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)

    def test_shows_the_first_version_from_migration_0006(self, client):
        response = client.get("/declaration/")

        assert response.status_code == 200
        assert '<h1 class="govuk-heading-xl">The Local Digital Declaration</h1>' in response.text
        assert "Version 1, published 4 July 2018" in response.text
        assert '<h2 class="govuk-heading-l">The 5 principles</h2>' in response.text
        assert "What IT, digital and transformation teams commit to" in response.text

    def test_links_to_the_start_of_signing(self, client):
        response = client.get("/declaration/")

        assert f'href="{reverse("declaration:sign-start")}"' in response.text
        assert reverse("declaration:sign-start") == "/declaration/sign/"

    def test_shows_the_highest_numbered_version_whose_date_has_come(self, client):
        DeclarationVersionFactory(number=2, text="## Version two words", published_on=TODAY)
        DeclarationVersionFactory(
            number=3, text="## Scheduled words", published_on=TODAY + datetime.timedelta(days=1)
        )
        DeclarationVersionFactory(number=4, text="## Draft words", draft=True)

        response = client.get("/declaration/")

        assert "Version 2, published 12 March 2025" in response.text
        assert "Version two words" in response.text
        assert "Scheduled words" not in response.text
        assert "Draft words" not in response.text
        assert "The 5 principles" not in response.text

    def test_shows_raw_html_in_the_text_as_text(self, client):
        DeclarationVersionFactory(
            number=2, text='Hello <script>alert("x")</script>', published_on=TODAY
        )

        response = client.get("/declaration/")

        assert "<script>alert" not in response.text
        assert "&lt;script&gt;" in response.text

    def test_says_so_when_no_version_is_published(self, client):
        DeclarationVersion.objects.update(published_on=None)

        response = client.get("/declaration/")

        assert response.status_code == 200
        assert "has not been published yet" in response.text
        assert "Version" not in response.text.split("<main", 1)[1]


class TestDeclarationVersionAdmin:
    def test_creates_a_numbered_version_through_the_service_when_staff_add_one(
        self, fund_manager_client
    ):
        response = fund_manager_client.post(
            reverse("admin:declaration_declarationversion_add"),
            {"text": "## The principles\n\nNew words.", "published_on": ""},
        )

        assert response.status_code == 302
        version = DeclarationVersion.objects.get(number=2)
        assert version.text == "## The principles\n\nNew words."
        assert version.published_on is None
        assert version.created_by is not None
        assert AuditEvent.objects.filter(verb="declaration.version.created").exists()

    def test_keeps_the_text_and_shows_an_error_when_it_is_blank(self, fund_manager_client):
        response = fund_manager_client.post(
            reverse("admin:declaration_declarationversion_add"),
            {"text": "   ", "published_on": "2025-01-01"},
        )

        assert response.status_code == 200
        assert "Enter the text of the Declaration." in response.text
        assert 'value="2025-01-01"' in response.text
        assert DeclarationVersion.objects.count() == 1

    def test_shows_a_rendered_preview_on_the_change_page(self, fund_manager_client):
        version = DeclarationVersionFactory(number=2, draft=True, text="## Heading\n\n- one")

        response = fund_manager_client.get(
            reverse("admin:declaration_declarationversion_change", args=[version.pk])
        )

        assert "<h2>Heading</h2>" in response.text
        assert "<li>one</li>" in response.text
        assert 'name="text"' in response.text

    def test_publishes_through_the_service_when_staff_give_a_date(self, fund_manager_client):
        version = DeclarationVersionFactory(number=2, draft=True, text="Words")

        response = fund_manager_client.post(
            reverse("admin:declaration_declarationversion_change", args=[version.pk]),
            {"text": "Better words", "published_on": "2025-04-01"},
        )

        assert response.status_code == 302
        version.refresh_from_db()
        assert version.text == "Better words"
        assert version.published_on == datetime.date(2025, 4, 1)
        verbs = set(AuditEvent.objects.values_list("verb", flat=True))
        assert verbs == {"declaration.version.updated", "declaration.version.published"}

    def test_shows_an_error_and_keeps_the_date_when_staff_clear_a_published_one(
        self, fund_manager_client
    ):
        version = DeclarationVersionFactory(number=2, published_on=datetime.date(2025, 4, 1))

        response = fund_manager_client.post(
            reverse("admin:declaration_declarationversion_change", args=[version.pk]),
            {"text": version.text, "published_on": ""},
        )

        assert response.status_code == 200
        assert "A published version stays published" in response.text
        version.refresh_from_db()
        assert version.published_on == datetime.date(2025, 4, 1)

    def test_shows_the_page_read_only_when_the_version_has_been_signed(self, fund_manager_client):
        version = first_version()
        SigningFactory(version=version)
        url = reverse("admin:declaration_declarationversion_change", args=[version.pk])

        page = fund_manager_client.get(url)
        post = fund_manager_client.post(url, {"text": "Other words", "published_on": ""})

        assert page.status_code == 200
        assert 'name="text"' not in page.text
        assert 'name="_save"' not in page.text
        assert "The 5 principles" in page.text
        assert post.status_code == 403
        version.refresh_from_db()
        assert version.text != "Other words"

    def test_saves_nothing_and_says_why_when_the_version_is_signed_while_editing(
        self, fund_manager_client, monkeypatch
    ):
        """Signed between opening the page and saving: the service refuses, the admin says so."""
        version = DeclarationVersionFactory(number=2, published_on=datetime.date(2025, 1, 1))
        url = reverse("admin:declaration_declarationversion_change", args=[version.pk])
        monkeypatch.setattr(
            "declaration.admin.versions.DeclarationVersionAdmin.has_change_permission",
            lambda self, request, obj=None: True,
        )
        SigningFactory(version=version)

        response = fund_manager_client.post(
            url, {"text": "Other words", "published_on": "2025-01-01"}, follow=True
        )

        assert "Nothing was saved. Version 2 has been signed" in response.text
        version.refresh_from_db()
        assert version.text != "Other words"

    def test_lists_each_version_with_its_state_and_signings(self, fund_manager_client):
        SigningFactory.create_batch(2, version=first_version())
        DeclarationVersionFactory(number=2, draft=True)
        DeclarationVersionFactory(number=3, published_on=datetime.date(2999, 1, 1))

        response = fund_manager_client.get(VERSIONS)

        assert "Published 4 July 2018 (current)" in response.text
        assert "Draft" in response.text
        assert "Scheduled for 1 January 2999" in response.text
        assert response.context["cl"].result_list[2].signing_count == 2

    def test_refuses_to_delete_when_even_a_superuser_asks(self, otp_verified_superuser_client):
        version = DeclarationVersionFactory(number=2, draft=True)

        response = otp_verified_superuser_client.post(
            reverse("admin:declaration_declarationversion_delete", args=[version.pk]),
            {"post": "yes"},
        )

        assert response.status_code == 403
        assert DeclarationVersion.objects.filter(pk=version.pk).exists()
