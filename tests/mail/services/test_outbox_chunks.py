"""Newsletter email sent in chunks (localdigital/mail/services/outbox_chunks.py), and the sweep
of newsletter email, while the throttle holds it too."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from localdigital.mail import services
from localdigital.mail.models import EmailStatus, OutgoingEmail
from localdigital.mail.services import SendOutcome
from tests.mail.factories import OutgoingEmailFactory
from tests.mail.support import drafts

pytestmark = pytest.mark.django_db


class TestNewsletterChunks:
    def test_publishes_newsletter_sends_in_chunks_and_transactional_ones_alone(
        self, settings, monkeypatch, django_capture_on_commit_callbacks
    ):
        settings.MAIL_NEWSLETTER_SEND_CHUNK = 2
        chunks: list[list[int]] = []
        singles: list[int] = []
        monkeypatch.setattr(
            "localdigital.mail.tasks.send_newsletter_emails.apply_async",
            lambda args, queue, **options: chunks.append(args[0]),
        )
        monkeypatch.setattr(
            "localdigital.mail.tasks.send_email.apply_async",
            lambda args, **options: singles.append(args[0]),
        )
        with django_capture_on_commit_callbacks(execute=True):
            ids = services.emails_queue(drafts=drafts(5))
            welcome = services.email_queue(
                to="clerk@stockport.gov.uk", subject="Welcome", body="Hi", idempotency_key="t.1"
            )
        assert [len(chunk) for chunk in chunks] == [2, 2, 1]
        assert sorted(email_id for chunk in chunks for email_id in chunk) == sorted(ids.values())
        assert singles == [welcome.pk]

    def test_sends_every_email_of_a_chunk_once_each(self, settings, mailoutbox):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
        emails = OutgoingEmailFactory.create_batch(3, newsletter=True)
        ids = [email.pk for email in emails]
        handed_back: list[list[int]] = []

        first = services.emails_send_chunk(email_ids=ids, hand_back=handed_back.append)
        again = services.emails_send_chunk(email_ids=ids, hand_back=handed_back.append)

        assert [result.outcome for result in first.outcomes.values()] == [SendOutcome.SENT] * 3
        assert [result.outcome for result in again.outcomes.values()] == [
            SendOutcome.NOT_QUEUED
        ] * 3
        assert handed_back == []
        assert sorted(message.to[0] for message in mailoutbox) == sorted(
            email.recipient for email in emails
        )

    def test_hands_the_rest_back_once_it_has_waited_for_the_throttle(self, settings, mailoutbox):
        """A chunk waits for the throttle once at most, so it never holds a worker long."""
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 60
        emails = OutgoingEmailFactory.create_batch(4, newsletter=True)
        ids = [email.pk for email in emails]
        handed_back: list[list[int]] = []
        slept: list[float] = []

        result = services.emails_send_chunk(
            email_ids=ids, hand_back=handed_back.append, sleep=slept.append
        )

        # One a second with a burst of one: the first goes at once, the second waits.
        assert list(result.outcomes) == ids[:2]
        assert len(slept) == 1
        assert handed_back == [ids[2:]] == [result.handed_back]
        assert len(mailoutbox) == 2
        assert set(
            OutgoingEmail.objects.filter(pk__in=ids[2:]).values_list("status", flat=True)
        ) == {EmailStatus.QUEUED}

    def test_the_task_retries_a_temporary_failure_on_its_own(
        self, settings, monkeypatch, mailoutbox
    ):
        from localdigital.mail import delivery, tasks

        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
        failing, fine = OutgoingEmailFactory.create_batch(2, newsletter=True)
        real_deliver = delivery.email_deliver

        def deliver(*, email):
            if email.pk == failing.pk:
                raise ConnectionResetError("the provider hung up")
            return real_deliver(email=email)

        retries: list[tuple[int, object]] = []
        monkeypatch.setattr(delivery, "email_deliver", deliver)
        monkeypatch.setattr(
            tasks.send_newsletter_email,
            "apply_async",
            lambda args, queue, eta, **options: retries.append((args[0], eta)),
        )

        assert tasks.send_newsletter_emails([failing.pk, fine.pk]) == "retry 1, sent 1"

        failing.refresh_from_db()
        assert retries == [(failing.pk, failing.next_attempt_at)]
        assert failing.status == EmailStatus.QUEUED
        assert [message.to[0] for message in mailoutbox] == [fine.recipient]


class TestSweepOfNewsletterEmail:
    def test_sends_stuck_newsletter_rows_again_on_the_newsletter_queue(
        self, settings, published, django_capture_on_commit_callbacks
    ):
        """Newsletter rows left by a killed worker are covered by the sweep, on their queue."""
        settings.MAIL_NEWSLETTER_QUEUE = "newsletter-tests"
        long_ago = timezone.now() - settings.MAIL_STUCK_AFTER - datetime.timedelta(seconds=1)
        abandoned = OutgoingEmailFactory(newsletter=True, sending=True, sending_started_at=long_ago)
        lost = OutgoingEmailFactory(newsletter=True, queued_at=long_ago)
        transactional = OutgoingEmailFactory(queued_at=long_ago)
        with django_capture_on_commit_callbacks(execute=True):
            services.emails_requeue_stuck(now=timezone.now())
        assert sorted(published) == sorted(
            [
                ("send_newsletter_email", abandoned.pk, "newsletter-tests"),
                ("send_newsletter_email", lost.pk, "newsletter-tests"),
                ("send_email", transactional.pk, "celery"),
            ]
        )


class TestSweepWhileTheNewsletterWaitsForTheThrottle:
    """Newsletter email queued long ago is usually waiting its turn, not lost.

    The sweep queues it again only once the stream has claimed nothing since the cutoff;
    otherwise every sweep would add a task for each of a big issue's waiting emails.
    """

    @pytest.fixture
    def run_at(self):
        return timezone.now().replace(microsecond=0)

    @pytest.fixture
    def long_ago(self, run_at, settings):
        return run_at - settings.MAIL_STUCK_AFTER - datetime.timedelta(seconds=1)

    @pytest.fixture
    def outbox(self, long_ago, run_at):
        return {
            "waiting": OutgoingEmailFactory.create_batch(3, newsletter=True, queued_at=long_ago),
            "retry_due": OutgoingEmailFactory(
                newsletter=True,
                attempts=1,
                # Claimed, refused for a while, and queued again for its next attempt.
                sending_started_at=long_ago - datetime.timedelta(seconds=5),
                queued_at=long_ago,
                next_attempt_at=run_at,
                last_error="GOV.UK Notify 429: Exceeded rate limit",
            ),
            "abandoned": OutgoingEmailFactory(
                newsletter=True, sending=True, sending_started_at=long_ago
            ),
            "transactional": OutgoingEmailFactory(queued_at=long_ago),
        }

    def claimed(self, at: datetime.datetime) -> OutgoingEmail:
        """An email of the newsletter claimed for sending at ``at``, sent since."""
        return OutgoingEmailFactory.create(
            newsletter=True, sent=True, sending_started_at=at, sent_at=at
        )

    def test_leaves_waiting_newsletter_rows_alone_while_the_stream_moves(
        self, outbox, run_at, published, django_capture_on_commit_callbacks
    ):
        """A stuck transactional row and an abandoned newsletter one are queued again."""
        self.claimed(run_at - datetime.timedelta(seconds=30))
        with django_capture_on_commit_callbacks(execute=True):
            email_ids = services.emails_requeue_stuck(now=run_at)
        assert email_ids == sorted([outbox["abandoned"].pk, outbox["transactional"].pk])
        assert sorted(published) == [
            ("send_email", outbox["transactional"].pk, "celery"),
            ("send_newsletter_email", outbox["abandoned"].pk, "newsletter"),
        ]
        assert OutgoingEmail.objects.get(pk=outbox["abandoned"].pk).status == EmailStatus.QUEUED

    def test_counts_an_email_being_sent_now_as_the_stream_moving(self, outbox, run_at):
        OutgoingEmailFactory(
            newsletter=True, sending=True, sending_started_at=run_at - datetime.timedelta(seconds=5)
        )
        assert services.emails_requeue_stuck(now=run_at) == sorted(
            [outbox["abandoned"].pk, outbox["transactional"].pk]
        )

    def test_queues_every_newsletter_row_again_once_when_the_stream_has_stalled(
        self, outbox, long_ago, run_at, published, django_capture_on_commit_callbacks
    ):
        """Nothing claimed since the cutoff: the pipeline really stopped, so each row, once."""
        self.claimed(long_ago)
        # A transactional email sent lately says nothing about the newsletter.
        OutgoingEmailFactory(sent=True, sending_started_at=run_at, sent_at=run_at)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            email_ids = services.emails_requeue_stuck(now=run_at)
        newsletter_rows = [*outbox["waiting"], outbox["retry_due"], outbox["abandoned"]]
        assert email_ids == sorted(
            [*(email.pk for email in newsletter_rows), outbox["transactional"].pk]
        )
        assert len(callbacks) == 1
        assert Counter(published) == Counter(
            [
                *(("send_newsletter_email", email.pk, "newsletter") for email in newsletter_rows),
                ("send_email", outbox["transactional"].pk, "celery"),
            ]
        )

    def test_judges_the_stream_by_the_claims_made_up_to_the_run_time(self, outbox, run_at):
        """A claim after ``now`` is not progress before it, so a re-run of a past beat agrees."""
        self.claimed(run_at + datetime.timedelta(seconds=1))
        assert len(services.emails_requeue_stuck(now=run_at)) == 6

    def test_gives_the_same_result_when_run_again_for_the_same_time(self, outbox, run_at):
        """The abandoned row, put back by the first run, is picked by the second too."""
        self.claimed(run_at - datetime.timedelta(seconds=30))
        first = services.emails_requeue_stuck(now=run_at)
        states = list(OutgoingEmail.objects.order_by("pk").values())
        assert services.emails_requeue_stuck(now=run_at) == first
        assert list(OutgoingEmail.objects.order_by("pk").values()) == states
