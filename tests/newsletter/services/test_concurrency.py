"""An unsubscribe racing a batch of the fan-out, on two real database connections.

Each side runs in a thread of its own (so on its own connection), and is held part-way
through its transaction while the other starts. Whichever commits first, the person who
unsubscribed is never sent the issue: the batch locks its subscribers, so either it sees the
unsubscribe, or the unsubscribe waits for it and then cancels the email it made.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from localdigital.audit.models import AuditEvent
from localdigital.audit.services import audit_record
from localdigital.mail import selectors as mail_selectors
from localdigital.mail import services as mail_services
from localdigital.mail.models import EmailStatus, OutgoingEmail
from localdigital.mail.services import batches
from newsletter import services
from newsletter.models import IssueStatus, NewsletterDelivery, NewsletterIssue, Subscriber
from newsletter.selectors import newsletter as selectors
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory
from tests.newsletter.support import patch_audit_record, patch_fan_out_later
from tests.support.concurrency import (
    HOLD_TIMEOUT,
    InThread,
    sessions_waiting_for_a_lock,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def nothing_sent_on_commit(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    """Keep the emails queued, and the next batch unqueued, so the test sends them itself."""
    settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
    patch_fan_out_later(monkeypatch)
    monkeypatch.setattr(batches, "_emails_send_later", lambda emails: None)


class Hold:
    """A point where one side waits, part-way through its transaction, until released."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.released = threading.Event()

    def __call__(self) -> None:
        self.reached.set()
        assert self.released.wait(HOLD_TIMEOUT), "never released"


def send_every_queued_email() -> None:
    for email_id in OutgoingEmail.objects.filter(status=EmailStatus.QUEUED).values_list(
        "pk", flat=True
    ):
        mail_services.email_send(email_id=email_id)


class TestUnsubscribeRacingAFanOutBatch:
    def test_the_batch_leaves_out_someone_who_unsubscribes_while_it_waits_for_them(
        self, monkeypatch, mailoutbox
    ):
        """The unsubscribe has locked its subscriber; the batch waits, then sees it."""
        leaving, staying = SubscriberFactory(), SubscriberFactory()
        issue = NewsletterIssueFactory(sending=True)
        hold = Hold()

        def held_audit_record(**kwargs: Any) -> Any:
            if kwargs["verb"] == "declaration.subscriber.unsubscribed":
                hold()
            return audit_record(**kwargs)

        patch_audit_record(monkeypatch, held_audit_record)
        token = selectors.subscriber_unsubscribe_token(subscriber=leaving)
        unsubscribe = InThread(lambda: services.subscriber_unsubscribe(token=token))
        assert hold.reached.wait(HOLD_TIMEOUT)

        fan_out = InThread(lambda: services.newsletter_issue_fan_out(issue_id=issue.pk, after=0))
        # The batch waits for the unsubscribing subscriber's row.
        waited = wait_until(lambda: sessions_waiting_for_a_lock() >= 1) and fan_out.is_alive()
        hold.released.set()
        unsubscribe.join()
        batch = fan_out.join()
        assert waited, "the batch did not wait for the unsubscribe"

        assert batch.queued == 1
        assert list(NewsletterDelivery.objects.values_list("subscriber", flat=True)) == [staying.pk]
        assert list(OutgoingEmail.objects.values_list("recipient", flat=True)) == [staying.email]
        send_every_queued_email()
        assert [message.to for message in mailoutbox] == [[staying.email]]

    def test_an_unsubscribe_during_the_batch_waits_for_it_then_cancels_their_email(
        self, monkeypatch, mailoutbox
    ):
        """The batch has locked its subscribers; the unsubscribe waits, then cancels."""
        leaving, staying = SubscriberFactory(), SubscriberFactory()
        issue = NewsletterIssueFactory(sending=True)
        hold = Hold()
        suppressed_addresses = mail_selectors.suppressed_addresses

        def held_suppressed_addresses(**kwargs: Any) -> Any:
            # Called once the batch has read (and locked) its subscribers.
            hold()
            return suppressed_addresses(**kwargs)

        monkeypatch.setattr(mail_selectors, "suppressed_addresses", held_suppressed_addresses)
        fan_out = InThread(lambda: services.newsletter_issue_fan_out(issue_id=issue.pk, after=0))
        assert hold.reached.wait(HOLD_TIMEOUT)

        token = selectors.subscriber_unsubscribe_token(subscriber=leaving)
        unsubscribe = InThread(lambda: services.subscriber_unsubscribe(token=token))
        # The unsubscribe waits for the batch's lock on its subscriber.
        wait_until(lambda: sessions_waiting_for_a_lock() >= 1 or not unsubscribe.is_alive())
        waited = unsubscribe.is_alive()
        hold.released.set()
        fan_out.join()
        unsubscribe.join()
        assert waited, "the unsubscribe did not wait for the batch"

        assert Subscriber.objects.get(pk=leaving.pk).status == "unsubscribed"
        statuses = dict(OutgoingEmail.objects.values_list("recipient", "status"))
        assert statuses == {leaving.email: EmailStatus.CANCELLED, staying.email: EmailStatus.QUEUED}
        send_every_queued_email()
        assert [message.to for message in mailoutbox] == [[staying.email]]


class TestLastEmailRacingTheEndOfTheFanOut:
    def test_the_issue_is_sent_when_its_last_email_goes_as_the_fan_out_completes(
        self, monkeypatch, mailoutbox
    ):
        """The fan-out's last, empty batch has found an email still unsent, and holds the
        issue's lock; the email is sent meanwhile, by another worker. That worker's check
        waits for the lock, then sees the fan-out complete and every email finished: the
        issue is sent, once."""
        SubscriberFactory()
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        email = OutgoingEmail.objects.get()
        cursor = NewsletterIssue.objects.get().fanout_cursor
        hold = Hold()
        emails_are_finished = selectors.newsletter_issue_emails_are_finished

        def held_emails_are_finished(**kwargs: Any) -> Any:
            finished = emails_are_finished(**kwargs)
            if not hold.reached.is_set():
                # The fan-out's own check, under the issue's lock: the email is not sent yet.
                assert not finished
                hold()
            return finished

        monkeypatch.setattr(
            selectors, "newsletter_issue_emails_are_finished", held_emails_are_finished
        )
        completion = InThread(
            lambda: services.newsletter_issue_fan_out(issue_id=issue.pk, after=cursor)
        )
        assert hold.reached.wait(HOLD_TIMEOUT)
        # Sent, committed, then its finishing check, on a connection of its own.
        sending = InThread(lambda: mail_services.email_send(email_id=email.pk))
        waited = wait_until(lambda: sessions_waiting_for_a_lock() >= 1) and sending.is_alive()
        hold.released.set()
        assert completion.join().is_last
        assert sending.join().outcome == mail_services.SendOutcome.SENT
        assert waited, "the finishing check did not wait for the fan-out's lock"

        assert [message.to for message in mailoutbox] == [[email.recipient]]
        assert NewsletterIssue.objects.get().status == IssueStatus.SENT
        assert AuditEvent.objects.filter(verb="declaration.newsletter_issue.sent").count() == 1
