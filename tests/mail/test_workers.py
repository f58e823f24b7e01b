"""The outbox on real Celery workers, a real Redis and an SMTP server.

These tests start ``celery -A localdigital worker`` processes (see tests/fixtures/worker.py),
which send over SMTP to a sink in the test process.
"""

from collections import Counter

import pytest
import redis
from django.db import transaction
from django.utils import timezone

from localdigital.mail.models import EmailStatus, OutgoingEmail
from localdigital.mail.services import email_queue
from localdigital.mail.tasks import requeue_stuck_emails, send_email
from tests.fixtures.worker import worker_logs
from tests.support.concurrency import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def queue_emails(count: int, prefix: str, to: str = "") -> list[OutgoingEmail]:
    """Queue ``count`` emails in one transaction, as a newsletter issue would."""
    with transaction.atomic():
        return [
            email_queue(
                to=to or f"officer{n}@borsetshire.gov.uk",
                subject=f"Local Digital newsletter, issue {n}",
                body="News from the Local Digital Declaration.",
                idempotency_key=f"{prefix}.{n}",
            )
            for n in range(count)
        ]


def sent_count() -> int:
    return OutgoingEmail.objects.filter(status=EmailStatus.SENT).count()


def queue_length(broker) -> int:
    with redis.Redis.from_url(broker.url) as client:
        return client.llen(broker.queue)


class TestSendEmailOnWorkers:
    def test_every_email_arrives_exactly_once_when_two_workers_race_for_them(
        self, start_worker, smtp_sink, celery_broker
    ):
        """50 emails, each task published twice, two workers: every message arrives once."""
        workers = [start_worker(wait=False), start_worker(wait=False)]
        assert wait_until(lambda: all(worker.is_ready() for worker in workers), timeout=30), (
            worker_logs(workers)
        )
        emails = queue_emails(50, "tests.workers.race")
        for queued in emails:
            # A second delivery of every task, as acks_late gives after a lost worker.
            send_email.delay(queued.pk)
        assert wait_until(
            lambda: sent_count() == 50 and queue_length(celery_broker) == 0, timeout=60
        ), worker_logs(workers)
        # Let the last duplicate tasks, taken from the queue, finish.
        wait_until(lambda: smtp_sink.count() > 50, timeout=1)
        received = Counter(smtp_sink.message_ids())
        assert received == Counter({queued.message_id: 1 for queued in emails})
        assert {tuple(received_email.recipients) for received_email in smtp_sink.received} == {
            (queued.recipient,) for queued in emails
        }

    def test_every_email_arrives_and_a_repeat_has_the_same_message_id_when_a_worker_is_killed(
        self, start_worker, smtp_sink, settings
    ):
        """A worker killed mid-send loses nothing; the sweep sends the email it was sending.

        The sink holds its reply back, so the worker is killed after the sink has the message
        but before the worker hears it was accepted: the one window in which a message can be
        sent twice. The repeat carries the same Message-ID.
        """
        smtp_sink.delay = 1.0
        first = start_worker()
        emails = queue_emails(6, "tests.workers.kill")
        assert wait_until(lambda: smtp_sink.count() >= 2, timeout=30), first.log()
        first.kill()
        [interrupted] = OutgoingEmail.objects.filter(status=EmailStatus.SENDING)
        assert smtp_sink.message_ids()[-1] == interrupted.message_id
        assert sent_count() == 1

        smtp_sink.delay = 0
        second = start_worker()
        assert wait_until(lambda: sent_count() == 5, timeout=30), second.log()
        assert OutgoingEmail.objects.get(status=EmailStatus.SENDING) == interrupted

        # The sweep as beat would run it once MAIL_STUCK_AFTER has passed.
        requeue_stuck_emails.delay(run_at=(timezone.now() + settings.MAIL_STUCK_AFTER).isoformat())
        assert wait_until(lambda: sent_count() == 6, timeout=30), second.log()

        received = Counter(smtp_sink.message_ids())
        assert set(received) == {queued.message_id for queued in emails}
        assert {message_id for message_id, count in received.items() if count > 1} == {
            interrupted.message_id
        }
        assert received[interrupted.message_id] == 2

    def test_sends_a_deferred_email_when_its_backoff_ends(self, start_worker, smtp_sink):
        """A 4xx reply is retried by Celery after the backoff, and the email arrives once."""
        smtp_sink.replies_once["busy@borsetshire.gov.uk"] = "451 4.3.0 Try again later"
        worker = start_worker(env={"MAIL_RETRY_FIRST_DELAY_SECONDS": "1"})
        [deferred] = queue_emails(1, "tests.workers.deferred", to="busy@borsetshire.gov.uk")
        assert wait_until(lambda: sent_count() == 1, timeout=30), worker.log()
        deferred.refresh_from_db()
        assert deferred.attempts == 2
        assert "451 4.3.0 Try again later" in deferred.last_error
        assert (deferred.sending_started_at - deferred.queued_at).total_seconds() >= 1
        assert smtp_sink.message_ids() == [deferred.message_id]
