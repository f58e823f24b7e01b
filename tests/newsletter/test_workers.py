"""The newsletter on real Celery workers, a real Redis and an SMTP sink.

The workers (``celery -A localdigital worker``, started here with the pieces of
tests/fixtures/worker.py) consume the default queue and the newsletter queue, as
`-Q celery,newsletter` does in production, each a queue of this test's own.

- A worker is killed (SIGKILL) in the middle of an issue to 2,000 subscribers. Recovery is
  left to what production has: another worker is started, with ``MAIL_STUCK_AFTER`` cut to
  seconds, and ``celery beat`` runs the outbox sweep and the newsletter job (their entries in
  ``CELERY_BEAT_SCHEDULE``, every second instead of every few minutes). The test itself
  only waits. Nobody is lost, and a repeat is only of a message in flight at the kill, with
  its Message-ID.
- The newsletter throttle holds a small rate, while a transactional email goes at once.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from localdigital.mail.models import EmailStatus, OutgoingEmail, message_id_for
from localdigital.mail.services import email_queue
from newsletter import services
from newsletter.models import (
    IssueStatus,
    NewsletterDelivery,
    NewsletterIssue,
    Subscriber,
    SubscriberStatus,
)
from tests.accounts.factories import UserFactory
from tests.fixtures.worker import (
    BASE_DIR,
    Broker,
    SmtpSink,
    WorkerProcess,
    _delete_queue,
    stop_all,
    wait_until_ready,
    worker_environment,
    worker_logs,
    workers_started,
)
from tests.newsletter.factories import NewsletterIssueFactory
from tests.support.concurrency import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SUBSCRIBERS = 2_000
CONCURRENCY = 2
# How long an email may stay in sending, or a fan-out make no batch, before recovery starts,
# for the workers started after the kill. Far longer than one send to the sink takes.
STUCK_AFTER_SECONDS = 5
# The beat entries that recover a killed worker's work, and how often the test's beat runs them.
RECOVERY_BEAT_ENTRIES = ("mail-requeue-stuck", "newsletter-tick")
BEAT_INTERVAL_SECONDS = 1.0

StartWorker = Callable[..., WorkerProcess]
StartBeat = Callable[[], WorkerProcess]

# ``celery beat`` for the test: the app's own schedule entries, run every few seconds.
BEAT_SCRIPT = """
import sys

import django

django.setup()

from django.conf import settings

from localdigital.celery import app

schedule_file, interval, *names = sys.argv[1:]
# Reading the configuration loads it (the app's on_configure sets the schedule from
# settings), so that what is set next is not overwritten.
assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
app.conf.beat_schedule = {
    name: {**settings.CELERY_BEAT_SCHEDULE[name], "schedule": float(interval)} for name in names
}
app.Beat(schedule=schedule_file, loglevel="INFO").run()
"""


@pytest.fixture(autouse=True)
def quiet_smtp_sink() -> Iterator[None]:
    """aiosmtpd logs every SMTP command at INFO; for thousands of messages that is most of the
    sink's time, in this process, so keep it to warnings."""
    logger = logging.getLogger("mail.log")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


@pytest.fixture
def newsletter_queue(celery_broker: Broker, settings) -> Iterator[str]:
    """This test's newsletter queue, beside its default queue; this process publishes to it."""
    queue = f"{celery_broker.queue}-newsletter"
    settings.MAIL_NEWSLETTER_QUEUE = queue
    yield queue
    _delete_queue(celery_broker.url, queue)


@pytest.fixture
def start_newsletter_worker(
    transactional_db: None,
    celery_broker: Broker,
    smtp_sink: SmtpSink,
    newsletter_queue: str,
    tmp_path: Path,
) -> Iterator[StartWorker]:
    """Return a function that starts a worker on both of this test's queues.

    ``concurrency`` 1 is the solo pool; more is a prefork pool of that many processes.
    ``env`` adds environment variables (such as the newsletter rate). With ``wait`` false it
    returns as soon as the worker is started; ``wait_until_ready`` then waits for it. Every
    worker is stopped when the test ends.
    """
    with workers_started(
        broker=celery_broker,
        queues=[celery_broker.queue, newsletter_queue],
        environment=process_environment(celery_broker, smtp_sink, newsletter_queue),
        log_dir=tmp_path,
    ) as start:
        yield start


def process_environment(broker: Broker, smtp_sink: SmtpSink, newsletter_queue: str) -> dict:
    """Return the environment of a worker or beat: the test's settings, queues and sink."""
    return worker_environment(
        broker,
        smtp_sink,
        MAIL_NEWSLETTER_QUEUE=newsletter_queue,
        LOG_LEVEL="WARNING",
        # Keep database connections between tasks, as production does.
        DATABASE_CONN_MAX_AGE="60",
    )


@pytest.fixture
def start_beat(
    transactional_db: None,
    celery_broker: Broker,
    smtp_sink: SmtpSink,
    newsletter_queue: str,
    tmp_path: Path,
) -> Iterator[StartBeat]:
    """Return a function that starts ``celery beat`` with the recovery entries of the app's
    schedule, every ``BEAT_INTERVAL_SECONDS``, publishing to this test's queue.

    It runs until the test ends. Its tasks run on the test's workers, with their settings.
    """
    beats: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        log_path = tmp_path / "beat.log"
        command = [
            sys.executable,
            "-c",
            BEAT_SCRIPT,
            str(tmp_path / "celerybeat-schedule"),
            str(BEAT_INTERVAL_SECONDS),
            *RECOVERY_BEAT_ENTRIES,
        ]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=process_environment(celery_broker, smtp_sink, newsletter_queue),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        beat = WorkerProcess(name="beat", process=process, log_path=log_path)
        beats.append(beat)
        if not wait_until(
            lambda: "Scheduler: Sending due task" in beat.log() or not beat.is_running(),
            timeout=30,
        ):
            pytest.fail(f"Beat sent nothing within 30 seconds.\n{beat.log()}")
        if not beat.is_running():
            pytest.fail(f"Beat stopped as it started.\n{beat.log()}")
        return beat

    yield start
    stop_all(beats)


def confirmed_subscribers(count: int) -> list[Subscriber]:
    now = timezone.now()
    return Subscriber.objects.bulk_create(
        Subscriber(
            email=f"reader{n}@borsetshire.gov.uk",
            status=SubscriberStatus.CONFIRMED,
            subscribed_at=now,
            confirmed_at=now,
        )
        for n in range(count)
    )


def sent_count() -> int:
    return OutgoingEmail.objects.filter(status=EmailStatus.SENT).count()


def test_a_killed_worker_loses_no_subscriber_and_repeats_only_what_was_in_flight(
    start_newsletter_worker, start_beat, smtp_sink
):
    """SIGKILL mid-issue; after a restart, with beat running, every subscriber has the issue
    exactly once, but for a message in flight at the kill, repeated with the same Message-ID.
    """
    subscribers = confirmed_subscribers(SUBSCRIBERS)
    issue = NewsletterIssueFactory(
        subject="Round 5 of the Local Digital Fund is open", approved=True
    )
    unlimited = {"MAIL_NEWSLETTER_RATE_PER_MINUTE": "0"}
    first = start_newsletter_worker(concurrency=CONCURRENCY, env=unlimited)

    services.newsletter_issue_send(issue_id=issue.pk, sent_by=UserFactory(staff=True))
    # Killed mid-way, while its processes are sending (35% is inside the second batch).
    assert wait_until(lambda: smtp_sink.count() >= SUBSCRIBERS * 35 // 100, timeout=90), first.log()
    first.kill()
    at_kill = smtp_sink.count()
    assert SUBSCRIBERS * 5 // 100 <= at_kill <= SUBSCRIBERS * 95 // 100, (
        f"The worker was killed with {at_kill} of {SUBSCRIBERS} messages sent, outside 5-95%."
    )
    in_flight = set(
        OutgoingEmail.objects.filter(status=EmailStatus.SENDING).values_list(
            "message_id", flat=True
        )
    )
    assert len(in_flight) <= CONCURRENCY
    # The tasks the dead worker had taken stay unacknowledged in Redis for its visibility
    # timeout (30 minutes): only the sweep and the newsletter job can recover them in time.

    # As production restarts: a worker, and beat, which runs the outbox sweep and the
    # newsletter job on that worker. Past MAIL_STUCK_AFTER (seconds here), the sweep queues
    # again the emails the dead worker was sending, then those whose tasks it had taken once
    # the newsletter stream has stalled; the job carries on a fan-out it was making, and
    # marks the issue sent once every email is finished.
    # Both start at once, as after a restart; beat's first tasks wait in Redis for the worker.
    second = start_newsletter_worker(
        concurrency=CONCURRENCY,
        env={**unlimited, "MAIL_STUCK_AFTER_SECONDS": str(STUCK_AFTER_SECONDS)},
        wait=False,
    )
    beat = start_beat()
    wait_until_ready(second)
    # The time this takes depends on the machine's load (2,000 emails on two processes, with
    # the rest of the suite running alongside): the wait is generous, the assertions are not.
    assert wait_until(
        lambda: NewsletterIssue.objects.get().status == IssueStatus.SENT, timeout=120
    ), worker_logs([first, second, beat])
    beat.stop()
    # Let any last duplicate task taken from the queue finish: it must send nothing.
    time.sleep(1)

    # 0 lost: every confirmed subscriber has a delivery, sent, and the sink has their message.
    assert sent_count() == SUBSCRIBERS
    assert NewsletterIssue.objects.get().fanout_completed_at is not None
    assert NewsletterDelivery.objects.filter(
        issue=issue, email__status=EmailStatus.SENT
    ).count() == (SUBSCRIBERS)
    by_recipient: dict[str, set[str]] = defaultdict(set)
    for received in smtp_sink.received:
        for recipient in received.recipients:
            by_recipient[recipient].add(received.message_id)
    assert set(by_recipient) == {subscriber.email for subscriber in subscribers}
    # Nobody has two different Message-IDs, and each is the one of their delivery.
    assert {recipient: ids for recipient, ids in by_recipient.items() if len(ids) > 1} == {}
    assert {recipient: ids.pop() for recipient, ids in by_recipient.items()} == {
        subscriber.email: message_id_for(f"newsletter.{issue.pk}.{subscriber.pk}")
        for subscriber in subscribers
    }
    # A repeat is only of a message in flight at the kill: at most one per worker process.
    repeats = {
        message_id: count - 1
        for message_id, count in Counter(smtp_sink.message_ids()).items()
        if count > 1
    }
    assert set(repeats) <= in_flight
    assert sum(repeats.values()) <= CONCURRENCY


def test_the_throttle_holds_newsletter_email_while_a_transactional_email_goes_at_once(
    start_newsletter_worker, smtp_sink
):
    """At 120 a minute: after a burst of one second's worth (2), one every half second; a
    transactional email queued meanwhile overtakes the newsletter's waiting emails."""
    newsletter_count = 12
    confirmed_subscribers(newsletter_count)
    issue = NewsletterIssueFactory(subject="Local Digital news", approved=True)
    worker = start_newsletter_worker(env={"MAIL_NEWSLETTER_RATE_PER_MINUTE": "120"})

    arrivals: list[tuple[float, str]] = []

    def record() -> None:
        for received in smtp_sink.received[len(arrivals) :]:
            arrivals.append((time.monotonic(), received.subject))

    def newsletters() -> list[float]:
        return [moment for moment, subject in arrivals if subject == "Local Digital news"]

    services.newsletter_issue_send(issue_id=issue.pk, sent_by=UserFactory(staff=True))
    assert wait_until(lambda: record() or len(newsletters()) >= 4, timeout=30), worker.log()

    with transaction.atomic():
        email_queue(
            to="clerk@stockport.gov.uk",
            subject="Your sign-in link",
            body="Sign in to Local Digital.",
            idempotency_key="tests.throttle.transactional",
        )
    queued_at = time.monotonic()
    assert wait_until(
        lambda: record() or any(subject == "Your sign-in link" for _, subject in arrivals),
        timeout=10,
        interval=0.01,
    ), worker.log()
    [transactional_at] = [moment for moment, subject in arrivals if subject != "Local Digital news"]
    # It went at once: within about one newsletter slot, not behind the 8 still waiting.
    assert transactional_at - queued_at < 1.5
    assert len([moment for moment in newsletters() if moment < transactional_at]) < 8

    assert wait_until(
        lambda: record() or len(newsletters()) == newsletter_count, timeout=30, interval=0.01
    ), worker.log()
    times = newsletters()
    # The rate holds over every stretch: at most the burst (2) plus 2 a second, with a
    # margin for polling; and the throttle does not hold back more than it should.
    for first in range(len(times)):
        for last in range(first + 1, len(times)):
            sent_in_between = last - first + 1
            assert sent_in_between <= 2 + 2 * (times[last] - times[first]) + 1, (first, last)
    assert times[-1] - times[0] >= (newsletter_count - 2 - 1) * 0.5 - 0.5
    assert times[-1] - times[0] <= (newsletter_count - 1) * 0.5 + 3


def test_an_issue_is_sent_as_its_last_email_reaches_the_server_with_no_beat_running(
    start_newsletter_worker, smtp_sink
):
    """No beat runs here: the worker that sends the issue's last email marks it sent, so
    staff see "Sent" (and no "Cancel the issue…") as soon as everything has gone."""
    count = 40
    confirmed_subscribers(count)
    issue = NewsletterIssueFactory(subject="Local Digital news", approved=True)
    worker = start_newsletter_worker(
        concurrency=CONCURRENCY, env={"MAIL_NEWSLETTER_RATE_PER_MINUTE": "0"}
    )

    services.newsletter_issue_send(issue_id=issue.pk, sent_by=UserFactory(staff=True))
    assert wait_until(lambda: smtp_sink.count() == count, timeout=30), worker.log()
    # Nothing else runs that could mark it sent: no beat, and this process sends no task.
    assert wait_until(
        lambda: NewsletterIssue.objects.get().status == IssueStatus.SENT, timeout=10, interval=0.02
    ), worker.log()
    issue.refresh_from_db()
    assert issue.sent_at is not None
    assert sent_count() == count
