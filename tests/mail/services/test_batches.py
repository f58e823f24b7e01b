"""The outbox for a newsletter: batches, holding and releasing them, the throttle, its queue."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from localdigital.mail import selectors, services
from localdigital.mail.models import (
    SUPPRESSED_ERROR,
    EmailStatus,
    OutgoingEmail,
    Stream,
    StreamThrottle,
)
from localdigital.mail.services import EmailDraft, SendOutcome
from tests.mail.factories import OutgoingEmailFactory, SuppressionFactory

pytestmark = pytest.mark.django_db


def drafts(count: int, prefix: str = "tests.batch") -> list[EmailDraft]:
    return [
        EmailDraft(
            to=f"reader{n}@borsetshire.gov.uk",
            subject="Local Digital news",
            body="News.",
            html="<p>News.</p>",
            headers={"List-Unsubscribe": f"<https://example.org/u/{n}>"},
            stream=Stream.NEWSLETTER,
            idempotency_key=f"{prefix}.{n}",
        )
        for n in range(count)
    ]


@pytest.fixture
def published(monkeypatch):
    """Record the send tasks published, by task and queue, instead of running them."""
    calls: list[tuple[str, int, str]] = []

    def send_email_apply_async(args, **options):
        calls.append(("send_email", args[0], "celery"))

    def send_newsletter_apply_async(args, queue, **options):
        calls.append(("send_newsletter_email", args[0], queue))

    def send_chunk_apply_async(args, queue, **options):
        # A chunk is the sends of its emails, each recorded as one.
        calls.extend(("send_newsletter_email", email_id, queue) for email_id in args[0])

    monkeypatch.setattr("localdigital.mail.tasks.send_email.apply_async", send_email_apply_async)
    monkeypatch.setattr(
        "localdigital.mail.tasks.send_newsletter_email.apply_async", send_newsletter_apply_async
    )
    monkeypatch.setattr(
        "localdigital.mail.tasks.send_newsletter_emails.apply_async", send_chunk_apply_async
    )
    return calls


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


class TestThrottleTake:
    def test_lets_a_burst_of_one_seconds_worth_go_then_spaces_the_rest_at_the_rate(self, settings):
        """At 120 a minute: 2 at once, then one every half second, the debt growing."""
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 120
        now = timezone.now()
        waits = [services.throttle_take(stream=Stream.NEWSLETTER, now=now) for _ in range(5)]
        assert waits == pytest.approx([0, 0, 0.5, 1.0, 1.5])

    def test_refills_with_time_up_to_one_seconds_worth(self, settings):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 120
        now = timezone.now()
        for _ in range(3):
            services.throttle_take(stream=Stream.NEWSLETTER, now=now)
        later = now + datetime.timedelta(seconds=10)
        waits = [services.throttle_take(stream=Stream.NEWSLETTER, now=later) for _ in range(3)]
        assert waits == pytest.approx([0, 0, 0.5])

    def test_never_refills_backwards_when_a_clock_is_behind(self, settings):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 60
        now = timezone.now()
        services.throttle_take(stream=Stream.NEWSLETTER, now=now)
        earlier = now - datetime.timedelta(seconds=30)
        assert services.throttle_take(stream=Stream.NEWSLETTER, now=earlier) == pytest.approx(1)
        assert StreamThrottle.objects.get().refilled_at == now

    def test_holds_no_transactional_email_and_keeps_no_row_for_it(self):
        assert services.throttle_take(stream=Stream.TRANSACTIONAL) == 0
        assert not StreamThrottle.objects.exists()

    def test_holds_nothing_when_the_limit_is_lifted(self, settings):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
        assert [services.throttle_take(stream=Stream.NEWSLETTER) for _ in range(100)] == [0] * 100
        assert not StreamThrottle.objects.exists()


class TestEmailSendThrottled:
    def test_waits_for_its_turn_then_sends_a_newsletter_email(self, settings, mailoutbox):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 60
        slept: list[float] = []
        emails = OutgoingEmailFactory.create_batch(2, newsletter=True)
        outcomes = [
            services.email_send(email_id=email.pk, sleep=slept.append).outcome for email in emails
        ]
        assert outcomes == [SendOutcome.SENT, SendOutcome.SENT]
        assert len(slept) == 1
        assert 0.9 < slept[0] <= 1.0
        assert len(mailoutbox) == 2

    def test_sends_transactional_email_at_once_whatever_the_newsletter_throttle(
        self, settings, mailoutbox
    ):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 1
        slept: list[float] = []
        for email in OutgoingEmailFactory.create_batch(3):
            services.email_send(email_id=email.pk, sleep=slept.append)
        assert slept == []
        assert len(mailoutbox) == 3

    @pytest.mark.parametrize(
        ("state", "outcome"),
        [
            ({"sent": True}, SendOutcome.NOT_QUEUED),
            ({"status": EmailStatus.HELD}, SendOutcome.NOT_QUEUED),
            (
                {"next_attempt_at": timezone.now() + datetime.timedelta(hours=1)},
                SendOutcome.NOT_DUE,
            ),
        ],
    )
    def test_takes_no_token_when_there_is_nothing_to_send(self, settings, state, outcome):
        """Repeats of a task (acks_late, the sweep) cost the throttle nothing."""
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 60
        email = OutgoingEmailFactory(newsletter=True, **state)
        assert services.email_send(email_id=email.pk).outcome == outcome
        assert not StreamThrottle.objects.exists()

    def test_reports_a_missing_row(self):
        assert services.email_send(email_id=123456).outcome == SendOutcome.MISSING

    def test_sends_once_when_run_twice(self, settings, mailoutbox):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
        email = OutgoingEmailFactory(newsletter=True)
        assert services.email_send(email_id=email.pk).outcome == SendOutcome.SENT
        assert services.email_send(email_id=email.pk).outcome == SendOutcome.NOT_QUEUED
        assert len(mailoutbox) == 1


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
            lambda args, queue, eta: retries.append((args[0], eta)),
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


class TestEmailsStatusCounts:
    def test_counts_each_status_with_suppressed_failures_apart(self):
        emails = [
            OutgoingEmailFactory(newsletter=True),
            OutgoingEmailFactory(newsletter=True, sent=True),
            OutgoingEmailFactory(newsletter=True, sent=True),
            OutgoingEmailFactory(newsletter=True, failed=True),
            OutgoingEmailFactory(newsletter=True, failed=True, last_error=SUPPRESSED_ERROR),
            OutgoingEmailFactory(newsletter=True, status=EmailStatus.HELD),
        ]
        OutgoingEmailFactory(sent=True)
        counts = selectors.emails_status_counts(email_ids=[email.pk for email in emails])
        assert counts == {
            "queued": 1,
            "sending": 0,
            "sent": 2,
            "failed": 1,
            "held": 1,
            "cancelled": 0,
            "suppressed": 1,
        }
        assert not selectors.emails_are_finished(email_ids=[email.pk for email in emails])
        assert selectors.emails_are_finished(email_ids=[emails[1].pk, emails[3].pk])

    def test_finds_suppressed_addresses_whatever_their_case(self):
        SuppressionFactory(email="bounced@borsetshire.gov.uk")
        assert selectors.suppressed_addresses(
            emails=["Bounced@Borsetshire.gov.uk", "reader@borsetshire.gov.uk"]
        ) == {"bounced@borsetshire.gov.uk"}
        assert selectors.suppressed_addresses(emails=[]) == set()
