"""The newsletter's services: subscribing, confirming, unsubscribing, and sending issues."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone

from localdigital.audit.models import AuditEvent
from localdigital.mail.models import EmailStatus, OutgoingEmail
from newsletter import services
from newsletter.errors import NewsletterLinkInvalid
from newsletter.models import Subscriber, SubscriberStatus
from newsletter.selectors import newsletter as selectors
from tests.declaration.factories import OrganisationFactory
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory
from tests.newsletter.support import (
    confirm_token,
    patch_audit_record,
    unsubscribe_token,
    verbs,
)
from tests.support.audit import audit_unavailable

pytestmark = pytest.mark.django_db


def tampered(token: str) -> str:
    """Return the token with its last character changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def token_in(body: str) -> str:
    """Return the token of the confirmation link in an email's body."""
    match = re.search(r"http://testserver/newsletter/confirm/(\S+)/", body)
    assert match, body
    return match.group(1)


class TestSubscriberSubscribe:
    def test_creates_a_pending_subscriber_and_emails_a_confirmation_link_when_new(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """Double opt-in: nobody is subscribed until they confirm by the emailed link."""
        council = OrganisationFactory()
        with django_capture_on_commit_callbacks(execute=True):
            services.subscriber_subscribe(email=" Clerk@Stockport.gov.uk ", organisation=council)
        subscriber = Subscriber.objects.get()
        assert (subscriber.email, subscriber.status, subscriber.organisation) == (
            "Clerk@Stockport.gov.uk",
            SubscriberStatus.PENDING,
            council,
        )
        [message] = mailoutbox
        assert message.to == ["Clerk@Stockport.gov.uk"]
        assert message.subject == "Confirm your subscription to the Local Digital newsletter"
        assert "7 days" in message.body
        assert services.subscriber_confirm(token=token_in(message.body)) == subscriber
        # The link confirms a subscription, so the outbox does not keep it once sent.
        assert OutgoingEmail.objects.get().is_sensitive
        assert verbs() == ["declaration.subscriber.subscribed", "declaration.subscriber.confirmed"]

    def test_changes_nothing_and_sends_nothing_when_already_confirmed(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """Asking again while confirmed reveals nothing, and keeps the subscription as it is."""
        subscriber = SubscriberFactory(email="clerk@stockport.gov.uk")
        before = Subscriber.objects.values().get()
        with django_capture_on_commit_callbacks(execute=True):
            services.subscriber_subscribe(
                email="CLERK@stockport.gov.uk", organisation=OrganisationFactory()
            )
        assert Subscriber.objects.values().get() == before
        assert subscriber.status == SubscriberStatus.CONFIRMED
        assert mailoutbox == []
        assert verbs() == []

    def test_sends_a_new_link_and_retires_the_old_one_when_still_pending(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """The latest link is the only one that works."""
        subscriber = SubscriberFactory(
            pending=True, subscribed_at=timezone.now() - datetime.timedelta(hours=1)
        )
        old_token = confirm_token(subscriber)
        with django_capture_on_commit_callbacks(execute=True):
            services.subscriber_subscribe(email=subscriber.email, organisation=None)
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.PENDING
        assert len(mailoutbox) == 1
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_confirm(token=old_token)
        services.subscriber_confirm(token=token_in(mailoutbox[0].body))
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    def test_makes_an_unsubscribed_address_pending_again_when_it_subscribes_again(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """Re-subscribing is possible later, with a new confirmation."""
        subscriber = SubscriberFactory(unsubscribed=True)
        with django_capture_on_commit_callbacks(execute=True):
            services.subscriber_subscribe(email=subscriber.email, organisation=None)
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.PENDING
        assert len(mailoutbox) == 1
        services.subscriber_confirm(token=confirm_token(subscriber))
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.CONFIRMED

    def test_writes_and_sends_nothing_when_the_audit_event_cannot_be_saved(
        self, broken_audit, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(DatabaseError):
            services.subscriber_subscribe(email="clerk@stockport.gov.uk", organisation=None)
        assert not Subscriber.objects.exists()
        assert not OutgoingEmail.objects.exists()
        assert mailoutbox == []

    def test_keeps_the_old_link_when_the_audit_event_for_a_second_request_cannot_be_saved(
        self, monkeypatch
    ):
        subscriber = SubscriberFactory(
            pending=True, subscribed_at=timezone.now() - datetime.timedelta(hours=1)
        )
        token = confirm_token(subscriber)
        patch_audit_record(monkeypatch, audit_unavailable)
        with pytest.raises(DatabaseError):
            services.subscriber_subscribe(email=subscriber.email, organisation=None)
        subscriber.refresh_from_db()
        assert selectors.subscriber_from_confirm_token(token=token) == subscriber


class TestSubscriberConfirm:
    def test_confirms_a_pending_subscriber_when_the_link_is_theirs_and_recent(self):
        subscriber = SubscriberFactory(pending=True)
        confirmed = services.subscriber_confirm(token=confirm_token(subscriber))
        assert confirmed == subscriber
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.CONFIRMED
        assert subscriber.confirmed_at is not None
        assert verbs() == ["declaration.subscriber.confirmed"]

    def test_changes_nothing_more_when_confirmed_twice(self):
        """A second press of the button (or a reload) is harmless."""
        subscriber = SubscriberFactory(pending=True)
        token = confirm_token(subscriber)
        services.subscriber_confirm(token=token)
        confirmed_at = Subscriber.objects.get().confirmed_at
        services.subscriber_confirm(token=token)
        assert Subscriber.objects.get().confirmed_at == confirmed_at
        assert verbs() == ["declaration.subscriber.confirmed"]

    def test_refuses_when_the_link_is_more_than_7_days_old(self, monkeypatch):
        subscriber = SubscriberFactory(pending=True)
        token = confirm_token(subscriber)
        later = timezone.now().timestamp() + 7 * 24 * 3600 + 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_confirm(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.PENDING

    def test_accepts_the_link_just_before_7_days(self, monkeypatch):
        subscriber = SubscriberFactory(pending=True)
        token = confirm_token(subscriber)
        later = timezone.now().timestamp() + 7 * 24 * 3600 - 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
        services.subscriber_confirm(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    @pytest.mark.parametrize(
        "make_token",
        [
            lambda subscriber: "not-a-token",
            lambda subscriber: tampered(confirm_token(subscriber)),
            # An unsubscribe token cannot confirm: each kind of link has its own salt.
            lambda subscriber: unsubscribe_token(subscriber),
            lambda subscriber: signing.TimestampSigner(salt=selectors.CONFIRM_SALT).sign(
                f"{subscriber.pk + 1000}.abc"
            ),
        ],
        ids=["garbage", "tampered", "unsubscribe-token", "someone-else"],
    )
    def test_refuses_when_the_link_is_not_valid(self, make_token):
        subscriber = SubscriberFactory(pending=True)
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_confirm(token=make_token(subscriber))
        assert Subscriber.objects.get().status == SubscriberStatus.PENDING

    def test_refuses_when_the_subscriber_unsubscribed_after_the_link_was_sent(self):
        """An old link cannot bring back someone who left."""
        subscriber = SubscriberFactory(pending=True)
        token = confirm_token(subscriber)
        services.subscriber_unsubscribe(token=unsubscribe_token(subscriber))
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_confirm(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED

    def test_changes_nothing_when_the_audit_event_cannot_be_saved(self, broken_audit):
        subscriber = SubscriberFactory(pending=True)
        with pytest.raises(DatabaseError):
            services.subscriber_confirm(token=confirm_token(subscriber))
        assert Subscriber.objects.get().status == SubscriberStatus.PENDING


class TestSubscriberUnsubscribe:
    def test_unsubscribes_a_confirmed_subscriber_when_the_link_is_theirs(self):
        subscriber = SubscriberFactory()
        services.subscriber_unsubscribe(token=unsubscribe_token(subscriber))
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
        assert subscriber.unsubscribed_at is not None
        assert verbs() == ["declaration.subscriber.unsubscribed"]

    def test_changes_nothing_more_when_unsubscribed_twice(self):
        subscriber = SubscriberFactory()
        token = unsubscribe_token(subscriber)
        services.subscriber_unsubscribe(token=token)
        services.subscriber_unsubscribe(token=token)
        assert verbs() == ["declaration.subscriber.unsubscribed"]

    def test_cancels_their_newsletter_emails_not_yet_sent(self, no_throttle):
        """Someone who unsubscribes while an issue is sending is not sent it afterwards."""
        subscriber = SubscriberFactory()
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        services.subscriber_unsubscribe(token=unsubscribe_token(subscriber))
        assert OutgoingEmail.objects.get().status == EmailStatus.CANCELLED

    @pytest.mark.parametrize("token", ["not-a-token", "12:abc:def"])
    def test_refuses_when_the_link_is_not_valid(self, token):
        SubscriberFactory()
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_unsubscribe(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    def test_changes_nothing_when_the_audit_event_cannot_be_saved(self, broken_audit, no_throttle):
        subscriber = SubscriberFactory()
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        with pytest.raises(DatabaseError):
            services.subscriber_unsubscribe(token=unsubscribe_token(subscriber))
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED
        assert OutgoingEmail.objects.get().status == EmailStatus.QUEUED


class TestSubscribersImportConfirmed:
    """Subscribers who confirmed on an earlier mailing list (the demo seed adds them)."""

    def test_adds_each_new_address_as_a_confirmed_subscriber(self, staff):
        council = OrganisationFactory()
        added = services.subscribers_import_confirmed(
            emails=[" Clerk@Stockport.gov.uk ", "digital@leeds.gov.uk", ""],
            imported_by=staff,
            organisation=council,
        )
        assert added == 2
        subscribers = list(Subscriber.objects.order_by("email"))
        assert [(s.email, s.status, s.organisation) for s in subscribers] == [
            ("Clerk@Stockport.gov.uk", SubscriberStatus.CONFIRMED, council),
            ("digital@leeds.gov.uk", SubscriberStatus.CONFIRMED, council),
        ]
        assert all(s.confirmed_at is not None for s in subscribers)
        # Confirmed elsewhere: nobody is asked to confirm again.
        assert not OutgoingEmail.objects.exists()

    def test_leaves_known_addresses_alone_whatever_their_state_or_case(self, staff):
        """Someone who unsubscribed stays unsubscribed; someone pending still confirms."""
        unsubscribed = SubscriberFactory(email="gone@stockport.gov.uk", unsubscribed=True)
        pending = SubscriberFactory(email="waiting@stockport.gov.uk", pending=True)
        confirmed = SubscriberFactory(email="reader@stockport.gov.uk", organisation=None)
        added = services.subscribers_import_confirmed(
            emails=[
                "GONE@stockport.gov.uk",
                "waiting@Stockport.gov.uk",
                "reader@stockport.gov.uk",
                "new@stockport.gov.uk",
                "NEW@stockport.gov.uk",
            ],
            imported_by=staff,
            organisation=OrganisationFactory(),
        )
        assert added == 1
        for before in (unsubscribed, pending, confirmed):
            after = Subscriber.objects.get(pk=before.pk)
            assert (after.email, after.status, after.organisation_id, after.confirmed_at) == (
                before.email,
                before.status,
                before.organisation_id,
                before.confirmed_at,
            )
        assert Subscriber.objects.filter(email__iexact="new@stockport.gov.uk").count() == 1

    def test_records_one_audit_event_for_the_whole_import(self, staff):
        SubscriberFactory(email="reader@stockport.gov.uk")
        services.subscribers_import_confirmed(
            emails=["a@stockport.gov.uk", "b@stockport.gov.uk", "reader@stockport.gov.uk"],
            imported_by=staff,
        )
        [event] = AuditEvent.objects.all()
        assert (event.verb, event.actor, event.data) == (
            "declaration.subscriber.imported",
            staff,
            {"added": 2, "already_known": 1, "organisation": None},
        )

    def test_records_nothing_when_every_address_is_known(self, staff):
        SubscriberFactory(email="reader@stockport.gov.uk")
        assert (
            services.subscribers_import_confirmed(
                emails=["reader@stockport.gov.uk"], imported_by=staff
            )
            == 0
        )
        assert not AuditEvent.objects.exists()

    def test_adds_nobody_when_an_address_is_not_valid(self, staff):
        with pytest.raises(ValidationError):
            services.subscribers_import_confirmed(
                emails=["a@stockport.gov.uk", "not an address", "b@stockport.gov.uk"],
                imported_by=staff,
            )
        assert not Subscriber.objects.exists()

    def test_adds_nobody_when_the_audit_event_cannot_be_saved(self, staff, broken_audit):
        with pytest.raises(DatabaseError):
            services.subscribers_import_confirmed(
                emails=["a@stockport.gov.uk", "b@stockport.gov.uk"], imported_by=staff
            )
        assert not Subscriber.objects.exists()
