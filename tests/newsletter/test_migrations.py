"""The newsletter's move from the declaration app to its own keeps every row and permission."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.migrations.state import StateApps

from newsletter.models import NewsletterIssue, NewsletterTestGroup, Subscriber
from tests.accounts.factories import UserFactory
from tests.support.migrations import migrate_to, migrate_to_latest

BEFORE = ("declaration", "0011_newsletter_approval")
AFTER = ("newsletter", "0001_initial")
MODELS = ["subscriber", "newsletterissue", "newslettertestgroup", "newsletterdelivery"]


@pytest.fixture
def newsletter_in_declaration(transactional_db: None) -> Iterator[StateApps]:
    """The models as they were in the declaration app, migrated forward to the latest
    afterwards whatever happens."""
    try:
        yield migrate_to(BEFORE)
    finally:
        migrate_to_latest()


def app_labels() -> set[str]:
    return set(ContentType.objects.filter(model__in=MODELS).values_list("app_label", flat=True))


def test_the_move_keeps_every_row_and_the_staff_groups_permissions(newsletter_in_declaration):
    """Rows written while the models were the declaration app's are the newsletter app's
    after the move, and Communications keeps its newsletter permissions."""
    old = newsletter_in_declaration
    ContentType.objects.clear_cache()
    assert app_labels() == {"declaration"}
    user = UserFactory(email="comms@localdigital.gov.uk", staff=True)
    subscriber = old.get_model("declaration", "Subscriber").objects.create(
        email="reader@borsetshire.gov.uk"
    )
    issue = old.get_model("declaration", "NewsletterIssue").objects.create(
        subject="Local Digital news",
        body="Round 5 is open.",
        created_by_id=user.pk,
        edited_by_id=user.pk,
    )
    group = old.get_model("declaration", "NewsletterTestGroup").objects.create(
        name="Comms team", recipients=["comms@localdigital.gov.uk"], created_by_id=user.pk
    )

    migrate_to(AFTER)
    ContentType.objects.clear_cache()

    assert Subscriber.objects.get().pk == subscriber.pk
    assert Subscriber.objects.get().email == "reader@borsetshire.gov.uk"
    assert NewsletterIssue.objects.get().pk == issue.pk
    assert NewsletterIssue.objects.get().created_by.email == "comms@localdigital.gov.uk"
    assert NewsletterTestGroup.objects.get().pk == group.pk
    assert app_labels() == {"newsletter"}
    communications = Group.objects.get(name="Communications")
    assert set(
        communications.permissions.filter(content_type__app_label="newsletter").values_list(
            "codename", flat=True
        )
    ) >= {
        "view_newsletterissue",
        "add_newsletterissue",
        "change_newsletterissue",
        "view_subscriber",
    }
