"""Every change to what the Declaration's public pages show reaches the next anonymous
visitor, though the page before it was kept rendered (localdigital/public_cache.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from declaration.services import moderation, organisations, updates
from declaration.services import moderation_withdrawal as withdrawal_services
from declaration.services import versions as version_services
from tests.accounts.factories import UserFactory
from tests.declaration.factories import (
    DeclarationVersionFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectUpdateFactory,
    SigningFactory,
)
from tests.support.clients import page

pytestmark = pytest.mark.django_db

LIST = "/signatories/"


@pytest.fixture
def staff():
    return UserFactory(staff=True, groups=["Fund manager"])


@pytest.fixture
def published():
    organisation = OrganisationFactory(name="Borsetshire County Council", slug="borsetshire")
    return SigningFactory(organisation=organisation, project_title="Missed bin reports")


def signatory_url(signing) -> str:
    return reverse("declaration:signatory", kwargs={"slug": signing.organisation.slug})


class TestSignatories:
    def test_a_signing_published_is_listed_at_once(
        self, client, staff, django_capture_on_commit_callbacks
    ):
        signing = SigningFactory(
            submitted=True,
            organisation=OrganisationFactory(name="Ambridge District Council", slug="ambridge"),
        )
        assert "Ambridge District Council" not in page(client, LIST)
        assert "Ambridge District Council" not in page(client, "/")

        with django_capture_on_commit_callbacks(execute=True):
            moderation.signing_publish(signing=signing, published_by=staff)

        assert "Ambridge District Council" in page(client, LIST)
        assert "Ambridge District Council" in page(client, "/")
        assert page(client, signatory_url(signing))

    def test_the_filters_count_a_signing_published(
        self, client, staff, published, django_capture_on_commit_callbacks
    ):
        """The filters' options and counts are kept too, and counted again on a change."""
        signing = SigningFactory(
            submitted=True,
            organisation=OrganisationFactory(
                name="Ambridge District Council", slug="ambridge", region="Wales"
            ),
        )
        assert "Wales" not in page(client, LIST + "?q=ambridge")

        with django_capture_on_commit_callbacks(execute=True):
            moderation.signing_publish(signing=signing, published_by=staff)

        assert "Wales (1)" in page(client, LIST + "?q=ambridge")

    def test_a_signing_unpublished_leaves_the_list_and_its_page(
        self, client, staff, published, django_capture_on_commit_callbacks
    ):
        assert "Borsetshire County Council" in page(client, LIST)
        assert "Missed bin reports" in page(client, signatory_url(published))

        with django_capture_on_commit_callbacks(execute=True):
            withdrawal_services.signing_unpublish(
                signing=published, unpublished_by=staff, reason="Signed in error"
            )

        assert "Borsetshire County Council" not in page(client, LIST)
        assert client.get(signatory_url(published)).status_code == 404

    def test_a_signatory_withdrawn_leaves_the_list(
        self, client, published, django_capture_on_commit_callbacks
    ):
        admin = MembershipFactory(organisation=published.organisation, admin=True).user
        assert "Borsetshire County Council" in page(client, LIST)

        with django_capture_on_commit_callbacks(execute=True):
            withdrawal_services.signing_withdraw_published(
                signing=published, withdrawn_by=admin, reason="Merged with a neighbour"
            )

        assert "Borsetshire County Council" not in page(client, LIST)

    def test_an_organisation_renamed_is_renamed_on_its_page(
        self, client, staff, published, django_capture_on_commit_callbacks
    ):
        assert "Borsetshire County Council" in page(client, signatory_url(published))

        with django_capture_on_commit_callbacks(execute=True):
            organisations.organisation_update(
                organisation=published.organisation,
                changes={"name": "Borsetshire Council"},
                updated_by=staff,
            )

        renamed = page(client, signatory_url(published))
        assert "Borsetshire Council" in renamed
        assert "Borsetshire County Council" not in renamed


class TestProjectUpdates:
    def test_an_update_posted_shows_on_the_signatorys_page(
        self, client, published, django_capture_on_commit_callbacks
    ):
        member = MembershipFactory(organisation=published.organisation).user
        assert "Our first prototype" not in page(client, signatory_url(published))

        with django_capture_on_commit_callbacks(execute=True):
            updates.project_update_post(
                signing=published,
                title="Our first prototype",
                body="Residents reported 40 bins in a week.",
                posted_by=member,
            )

        assert "Our first prototype" in page(client, signatory_url(published))

    def test_an_update_removed_leaves_the_signatorys_page(
        self, client, staff, published, django_capture_on_commit_callbacks
    ):
        update = ProjectUpdateFactory(signing=published, title="Posted by mistake")
        assert "Posted by mistake" in page(client, signatory_url(published))

        with django_capture_on_commit_callbacks(execute=True):
            updates.project_update_remove(update=update, removed_by=staff, reason="Duplicate")

        assert "Posted by mistake" not in page(client, signatory_url(published))


class TestDeclarationText:
    def test_a_new_version_published_today_is_the_text_shown(
        self, client, staff, django_capture_on_commit_callbacks
    ):
        version = DeclarationVersionFactory(
            number=99,
            draft=True,
            text="## Our commitments\\n\\nWe will publish our code in the open.",
        )
        assert "publish our code in the open" not in page(client, "/declaration/")

        with django_capture_on_commit_callbacks(execute=True):
            version_services.declaration_version_publish(
                version=version, published_on=timezone.localdate(), published_by=staff
            )

        assert "publish our code in the open" in page(client, "/declaration/")
