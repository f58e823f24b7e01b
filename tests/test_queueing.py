"""A broker that stalls or refuses never holds up the web for long.

Redis can accept a connection and then never answer (a stalled server, a partition after
connect) or refuse connections outright. Either way a request that queues email must return
within a couple of seconds, however many emails it queued (the outbox sweep sends them
later), and ``/healthz`` must answer within 3 seconds, reporting the broker as unavailable.
A beat job's batch of tasks is queued in order after its commit, and stops at the first the
broker refuses.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from localdigital.mail.models import EmailStatus, OutgoingEmail
from localdigital.mail.services import email_queue
from localdigital.queueing import enqueue_each_on_commit
from tests.fixtures.worker import publishing_to
from tests.support.ports import free_port

pytestmark = pytest.mark.django_db(transaction=True)

EMAILS = 20
# What a request may wait on the broker in all, and what /healthz may take.
REQUEST_LIMIT_SECONDS = 3.0


@pytest.fixture
def stalled_redis() -> Iterator[str]:
    """A server on loopback that accepts every connection and never replies to anything."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


@pytest.fixture
def refusing_redis() -> str:
    """An address where nothing listens, so every connection is refused."""
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture(params=["stalled_redis", "refusing_redis"])
def broken_broker(request) -> Iterator[str]:
    url = request.getfixturevalue(request.param)
    with publishing_to(url, queue=f"test-broken-{uuid.uuid4().hex[:12]}"):
        yield url


def test_a_commit_that_queues_many_emails_returns_within_seconds(broken_broker):
    """Twenty emails queued in one transaction: the commit (and its on-commit publishes)
    returns within the limit, and every email stays queued for the sweep."""
    started = time.monotonic()
    with transaction.atomic():
        for n in range(EMAILS):
            email_queue(
                to=f"officer{n}@borsetshire.gov.uk",
                subject="Your sign-in link",
                body="…",
                idempotency_key=f"tests.broker.{n}",
            )
    waited = time.monotonic() - started
    assert waited < REQUEST_LIMIT_SECONDS, f"the commit waited {waited:.1f}s on the broker"
    assert OutgoingEmail.objects.filter(status=EmailStatus.QUEUED).count() == EMAILS


def test_healthz_answers_within_seconds_and_reports_the_broker_unavailable(broken_broker, client):
    started = time.monotonic()
    response = client.get("/healthz")
    waited = time.monotonic() - started
    assert waited < REQUEST_LIMIT_SECONDS, f"/healthz took {waited:.1f}s"
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "unavailable"}


def test_healthz_answers_within_seconds_after_a_failed_publish(broken_broker, client):
    """Once a publish has failed the process leaves the broker alone for a while, and the
    health check says so at once rather than waiting on it again."""
    with transaction.atomic():
        email_queue(to="a@borsetshire.gov.uk", subject="S", body="B", idempotency_key="t.b.1")
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 0.5
    assert response.json()["broker"] == "unavailable"


class RecordedTask:
    """A task that records what it is queued with, and refuses the calls in ``refused`` as a
    broker that has gone away does."""

    name = "tests.recorded"

    def __init__(self, refused: tuple[int, ...] = ()) -> None:
        self.queued: list[tuple] = []
        self.refused = refused

    def apply_async(self, args: tuple, **options: object) -> None:
        if args[0] in self.refused:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.queued.append(args)


@pytest.mark.django_db
class TestEnqueueEachOnCommit:
    def test_queues_each_call_in_order_once_the_transaction_commits(
        self, django_capture_on_commit_callbacks
    ):
        task = RecordedTask()
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_each_on_commit(task, ((pk, "2026-12-06T09:00:00") for pk in (3, 1, 2)))
            assert task.queued == []
        assert task.queued == [
            (3, "2026-12-06T09:00:00"),
            (1, "2026-12-06T09:00:00"),
            (2, "2026-12-06T09:00:00"),
        ]

    def test_queues_nothing_when_the_transaction_rolls_back(
        self, django_capture_on_commit_callbacks
    ):
        task = RecordedTask()
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            enqueue_each_on_commit(task, [(1,), (2,)])
            raise RuntimeError("the job failed")
        assert (callbacks, task.queued) == ([], [])

    def test_stops_at_the_first_call_the_broker_refuses(self, django_capture_on_commit_callbacks):
        """The rest wait for the job's next run, which finds them still to do."""
        task = RecordedTask(refused=(2,))
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_each_on_commit(task, [(1,), (2,), (3,)])
        assert task.queued == [(1,)]
