"""Managing a subscription from the link in every newsletter: sending the link, its token,
unsubscribing from the page, and subscribing again."""

from __future__ import annotations

import re

import pytest
from django.db import DatabaseError
from django.utils import timezone

from localdigital.audit.models import AuditEvent
from localdigital.mail.models import EmailStatus, OutgoingEmail, Stream
from newsletter import services
from newsletter.errors import NewsletterLinkInvalid
from newsletter.models import Subscriber, SubscriberStatus
from newsletter.selectors import newsletter as selectors
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory
from tests.newsletter.support import confirm_token, unsubscribe_token, verbs

pytestmark = pytest.mark.django_db


def manage_token(subscriber: Subscriber) -> str:
    return selectors.subscriber_manage_token(subscriber=subscriber)


def manage_link_in(body: str) -> str:
    """Return the token of the manage link in an email's body."""
    match = re.search(r"http://testserver/newsletter/manage/(\S+)/", body)
    assert match, body
    return match.group(1)


class TestSubscriberManageLinkSend:
    @pytest.mark.parametrize("state", [{}, {"pending": True}, {"unsubscribed": True}])
    def test_emails_a_link_to_the_manage_page_of_a_known_address_in_any_state(
        self, state, django_capture_on_commit_callbacks, mailoutbox
    ):
        subscriber = SubscriberFactory(email="clerk@stockport.gov.uk", **state)
        with django_capture_on_commit_callbacks(execute=True):
            services.subscriber_manage_link_send(email=" CLERK@stockport.gov.uk ")
        [message] = mailoutbox
        assert message.to == ["clerk@stockport.gov.uk"]
        assert message.subject == "Manage your Local Digital newsletter subscription"
        assert "The link works for 30 days" in message.body
        assert "http://testserver/newsletter/manage/ " not in message.body
        assert "ask for a new one at http://testserver/newsletter/manage/\n" in message.body
        token = manage_link_in(message.body)
        assert selectors.subscriber_from_manage_token(token=token) == subscriber
        # The link is a key to the subscription: not kept once sent, like a sign-in link.
        assert OutgoingEmail.objects.get().is_sensitive
        assert OutgoingEmail.objects.get().stream == Stream.TRANSACTIONAL

    def test_sends_nothing_to_an_address_that_never_subscribed(self, mailoutbox):
        SubscriberFactory(email="clerk@stockport.gov.uk")
        services.subscriber_manage_link_send(email="someone.else@stockport.gov.uk")
        assert not OutgoingEmail.objects.exists()

    def test_sends_a_new_link_each_time_it_is_asked(self):
        SubscriberFactory(email="clerk@stockport.gov.uk")
        services.subscriber_manage_link_send(email="clerk@stockport.gov.uk")
        services.subscriber_manage_link_send(email="clerk@stockport.gov.uk")
        assert OutgoingEmail.objects.count() == 2


class TestManageToken:
    def test_works_for_30_days(self, monkeypatch):
        subscriber = SubscriberFactory()
        token = manage_token(subscriber)
        now = timezone.now().timestamp()
        monkeypatch.setattr("django.core.signing.time.time", lambda: now + 30 * 24 * 3600 - 60)
        assert selectors.subscriber_from_manage_token(token=token) == subscriber
        monkeypatch.setattr("django.core.signing.time.time", lambda: now + 30 * 24 * 3600 + 60)
        assert selectors.subscriber_from_manage_token(token=token) is None

    def test_is_no_unsubscribe_or_confirmation_token(self):
        """Each kind of link is signed apart: none opens another's page."""
        subscriber = SubscriberFactory(pending=True)
        assert selectors.subscriber_from_manage_token(token=unsubscribe_token(subscriber)) is None
        assert selectors.subscriber_from_manage_token(token=confirm_token(subscriber)) is None
        assert selectors.subscriber_from_unsubscribe_token(token=manage_token(subscriber)) is None


class TestSubscriberManageUnsubscribe:
    def test_unsubscribes_and_cancels_their_emails_not_yet_sent(self, no_throttle):
        subscriber = SubscriberFactory()
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        services.subscriber_manage_unsubscribe(token=manage_token(subscriber))
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
        assert OutgoingEmail.objects.get().status == EmailStatus.CANCELLED
        event = AuditEvent.objects.get()
        assert (event.verb, event.data) == (
            "declaration.subscriber.unsubscribed",
            {"emails_cancelled": 1, "via": "manage page"},
        )

    def test_changes_nothing_more_when_already_unsubscribed(self):
        subscriber = SubscriberFactory(unsubscribed=True)
        services.subscriber_manage_unsubscribe(token=manage_token(subscriber))
        assert verbs() == []

    @pytest.mark.parametrize("token", ["not-a-token", "12:abc:def"])
    def test_refuses_when_the_link_is_not_valid(self, token):
        SubscriberFactory()
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_manage_unsubscribe(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    def test_refuses_when_the_link_is_older_than_30_days(self, monkeypatch):
        subscriber = SubscriberFactory()
        token = manage_token(subscriber)
        later = timezone.now().timestamp() + 30 * 24 * 3600 + 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_manage_unsubscribe(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    def test_changes_nothing_when_the_audit_event_cannot_be_saved(self, broken_audit):
        subscriber = SubscriberFactory()
        with pytest.raises(DatabaseError):
            services.subscriber_manage_unsubscribe(token=manage_token(subscriber))
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED


class TestSubscriberResubscribe:
    @pytest.mark.parametrize("state", [{"unsubscribed": True}, {"pending": True}])
    def test_subscribes_at_once_since_the_emailed_link_proves_the_address(self, state):
        subscriber = SubscriberFactory(**state)
        before = subscriber.status
        services.subscriber_resubscribe(token=manage_token(subscriber))
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.CONFIRMED
        assert subscriber.confirmed_at is not None
        event = AuditEvent.objects.get()
        assert (event.verb, event.data) == ("declaration.subscriber.resubscribed", {"from": before})

    def test_changes_nothing_when_already_subscribed(self):
        subscriber = SubscriberFactory()
        before = Subscriber.objects.values().get()
        services.subscriber_resubscribe(token=manage_token(subscriber))
        assert Subscriber.objects.values().get() == before
        assert verbs() == []

    def test_an_issue_sent_next_goes_to_them(self, no_throttle):
        subscriber = SubscriberFactory(unsubscribed=True)
        services.subscriber_resubscribe(token=manage_token(subscriber))
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        assert list(OutgoingEmail.objects.values_list("recipient", flat=True)) == [subscriber.email]

    @pytest.mark.parametrize("token", ["not-a-token", "12:abc:def"])
    def test_refuses_when_the_link_is_not_valid(self, token):
        SubscriberFactory(unsubscribed=True)
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_resubscribe(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED

    def test_refuses_an_unsubscribe_link(self):
        """An unsubscribe link, which never expires and may be forwarded, cannot subscribe."""
        subscriber = SubscriberFactory(unsubscribed=True)
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_resubscribe(token=unsubscribe_token(subscriber))

    def test_changes_nothing_when_the_audit_event_cannot_be_saved(self, broken_audit):
        subscriber = SubscriberFactory(unsubscribed=True)
        with pytest.raises(DatabaseError):
            services.subscriber_resubscribe(token=manage_token(subscriber))
        assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED
