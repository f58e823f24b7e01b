"""The newsletter's staff pages make the same number of queries with 10 rows as with 200."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from newsletter import services
from newsletter.models import NewsletterIssue, Subscriber
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory
from tests.newsletter.support import patch_fanout_batch_size
from tests.support.queries import assert_flat_between

pytestmark = pytest.mark.django_db


def subscribers(total: int) -> None:
    """Add subscribers, each with an organisation, in every state, up to ``total``."""
    states = itertools.cycle([{}, {"pending": True}, {"unsubscribed": True}])
    for _ in range(total - Subscriber.objects.count()):
        SubscriberFactory(organisation=OrganisationFactory(), **next(states))


def issues(total: int) -> None:
    NewsletterIssueFactory.create_batch(
        total - NewsletterIssue.objects.count(),
        status="sent",
        started_at="2026-01-01T09:00Z",
        sent_at="2026-01-01T10:00Z",
    )


@pytest.fixture
def comms(otp_verified_client_for):
    return otp_verified_client_for(UserFactory(staff=True, groups=["Communications"]))


def test_the_subscriber_list(comms):
    assert_flat_between(comms, reverse("admin:newsletter_subscriber_changelist"), subscribers)


def test_the_issue_list(comms):
    assert_flat_between(comms, reverse("admin:newsletter_newsletterissue_changelist"), issues)


@pytest.mark.parametrize("page", ["change", "progress"])
def test_an_issue_sending_to_more_subscribers(comms, page, monkeypatch):
    """The progress bar counts deliveries in the database, not row by row."""
    patch_fanout_batch_size(monkeypatch, 1000)
    issue = NewsletterIssueFactory(sending=True)

    def fanned_out_to(total: int) -> None:
        subscribers(total)
        NewsletterIssue.objects.filter(pk=issue.pk).update(fanout_cursor=0)
        issue.deliveries.all().delete()
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)

    path = reverse(f"admin:newsletter_newsletterissue_{page}", args=[issue.pk])
    assert_flat_between(comms, path, fanned_out_to)
