"""The outbox for a newsletter (localdigital/mail/services/batches.py): batches queued, held,
released and cancelled. The throttle, the chunks and the sweep of newsletter email are tested
beside it."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from localdigital.mail import services
from localdigital.mail.models import EmailStatus, OutgoingEmail, Stream
from localdigital.mail.services import SendOutcome
from tests.mail.factories import OutgoingEmailFactory
from tests.mail.support import drafts

pytestmark = pytest.mark.django_db


class TestEmailsQueue:
    def test_queues_every_draft_and_sends_each_once_committed(
        self, settings, django_capture_on_commit_callbacks, mailoutbox
    ):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
        with django_capture_on_commit_callbacks(execute=True):
            ids = services.emails_queue(drafts=drafts(3))
            assert mailoutbox == []
        assert set(ids) == {"tests.batch.0", "tests.batch.1", "tests.batch.2"}
        email = OutgoingEmail.objects.get(pk=ids["tests.batch.1"])
        assert (email.recipient, email.stream, email.headers) == (
            "reader1@borsetshire.gov.uk",
            Stream.NEWSLETTER,
            {"List-Unsubscribe": "<https://example.org/u/1>"},
        )
        assert sorted(message.to[0] for message in mailoutbox) == [
            f"reader{n}@borsetshire.gov.uk" for n in range(3)
        ]

    def test_keeps_the_first_row_and_sends_nothing_more_when_a_key_was_queued_before(
        self, published, django_capture_on_commit_callbacks
    ):
        """Queuing the same keys twice makes one row each, and one send each."""
        with django_capture_on_commit_callbacks(execute=True):
            first = services.emails_queue(drafts=drafts(2))
        with django_capture_on_commit_callbacks(execute=True):
            second = services.emails_queue(drafts=drafts(3))
        assert {key: second[key] for key in first} == first
        assert OutgoingEmail.objects.count() == 3
        assert sorted(email_id for _, email_id, _ in published) == sorted(second.values())

    def test_publishes_newsletter_sends_on_the_newsletter_queue(
        self, settings, published, django_capture_on_commit_callbacks
    ):
        """Newsletter email has a queue of its own, so transactional email never waits behind."""
        settings.MAIL_NEWSLETTER_QUEUE = "newsletter-tests"
        with django_capture_on_commit_callbacks(execute=True):
            services.emails_queue(drafts=drafts(2))
            services.email_queue(
                to="clerk@stockport.gov.uk", subject="Welcome", body="Hi", idempotency_key="t.1"
            )
        assert Counter((task, queue) for task, _, queue in published) == Counter(
            {("send_newsletter_email", "newsletter-tests"): 2, ("send_email", "celery"): 1}
        )

    def test_writes_and_sends_nothing_when_the_callers_transaction_rolls_back(
        self, published, django_capture_on_commit_callbacks
    ):
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(DatabaseError),
            transaction.atomic(),
        ):
            services.emails_queue(drafts=drafts(2))
            raise DatabaseError("the caller's own save failed")
        assert not OutgoingEmail.objects.exists()
        assert published == []

    def test_queues_nothing_when_given_nothing(self):
        assert services.emails_queue(drafts=[]) == {}


class TestEmailsHoldReleaseCancel:
    @pytest.fixture
    def batch(self):
        return {
            "queued": OutgoingEmailFactory(newsletter=True),
            "sending": OutgoingEmailFactory(newsletter=True, sending=True),
            "sent": OutgoingEmailFactory(newsletter=True, sent=True),
            "failed": OutgoingEmailFactory(newsletter=True, failed=True),
            "backing_off": OutgoingEmailFactory(
                newsletter=True,
                attempts=1,
                next_attempt_at=timezone.now() + datetime.timedelta(minutes=5),
            ),
        }

    def statuses(self, batch):
        return {
            name: OutgoingEmail.objects.get(pk=email.pk).status for name, email in batch.items()
        }

    def test_holds_only_the_queued_emails(self, batch):
        held = services.emails_hold(email_ids=[email.pk for email in batch.values()])
        assert held == 2
        assert self.statuses(batch) == {
            "queued": EmailStatus.HELD,
            "sending": EmailStatus.SENDING,
            "sent": EmailStatus.SENT,
            "failed": EmailStatus.FAILED,
            "backing_off": EmailStatus.HELD,
        }

    def test_a_held_email_is_not_sent_by_its_task_nor_by_the_sweep(self, batch, mailoutbox):
        services.emails_hold(email_ids=[batch["queued"].pk])
        assert services.email_send(email_id=batch["queued"].pk).outcome == SendOutcome.NOT_QUEUED
        later = timezone.now() + datetime.timedelta(days=1)
        assert batch["queued"].pk not in services.emails_requeue_stuck(now=later)
        assert mailoutbox == []

    def test_releases_held_emails_due_at_once_and_sends_them_after_commit(
        self, batch, settings, django_capture_on_commit_callbacks, mailoutbox
    ):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
        ids = [email.pk for email in batch.values()]
        services.emails_hold(email_ids=ids)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.emails_release(email_ids=ids) == 2
        assert sorted(message.to[0] for message in mailoutbox) == sorted(
            [batch["queued"].recipient, batch["backing_off"].recipient]
        )

    def test_cancels_queued_and_held_emails_and_leaves_the_rest(self, batch):
        services.emails_hold(email_ids=[batch["queued"].pk])
        cancelled = services.emails_cancel(email_ids=[email.pk for email in batch.values()])
        assert cancelled == 2
        assert self.statuses(batch) == {
            "queued": EmailStatus.CANCELLED,
            "sending": EmailStatus.SENDING,
            "sent": EmailStatus.SENT,
            "failed": EmailStatus.FAILED,
            "backing_off": EmailStatus.CANCELLED,
        }
        assert not OutgoingEmail.objects.get(pk=batch["queued"].pk).can_retry()
