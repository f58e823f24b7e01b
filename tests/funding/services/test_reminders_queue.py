"""The beat's job that queues deadline reminders: each once, by a row the database keeps unique,
never two runs at once, and safe when two beats or two deliveries of one task run together."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from funding import tasks
from funding.models import DeadlineReminder
from funding.services import reminders
from funding.services.reminders import (
    APPLICATION,
    DueReminder,
    deadline_reminder_send,
    deadline_reminders_queue,
)
from localdigital.celery import app as celery_app
from localdigital.mail.models import OutgoingEmail
from tests.funding.reminder_bids import (
    APPLICATIONS_CLOSE,
    DAY,
    HOUR,
    application_draft,
    application_subject,
    emailed,
    eoi_draft,
    eoi_subject,
    make_round,
    person,
    run,
    saved_by,
)
from tests.support.audit import audit_break
from tests.support.concurrency import (
    HOLD_TIMEOUT,
    InThread,
    sessions_waiting_for_a_lock,
    wait_until,
)
from tests.support.locks import lock_held


@pytest.mark.django_db
class TestDeadlineRemindersQueue:
    """The scan: which bids it finds, and that it queues their tasks only after commit."""

    def test_queues_nothing_until_the_transaction_commits(self, django_capture_on_commit_callbacks):
        round = make_round()
        application = application_draft(round, slug="hackney")
        other = application_draft(make_round(), slug="camden")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            due = deadline_reminders_queue(now=APPLICATIONS_CLOSE - 7 * DAY + HOUR)
        assert sorted(due or [], key=lambda reminder: reminder.bid_id) == [
            DueReminder(APPLICATION, application.pk, 7),
            DueReminder(APPLICATION, other.pk, 7),
        ]
        assert len(callbacks) == 1
        assert not DeadlineReminder.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_nothing_due_queues_no_callback(self, django_capture_on_commit_callbacks):
        application_draft(make_round())
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert deadline_reminders_queue(now=APPLICATIONS_CLOSE - 3 * DAY) == []
        assert callbacks == []

    def test_writes_nothing_when_the_audit_write_fails(self, monkeypatch):
        """The records, the emails and the audit event are one transaction."""
        application = application_draft(make_round())

        audit_break(monkeypatch, reminders)
        with pytest.raises(IntegrityError):
            deadline_reminder_send(
                kind=APPLICATION,
                bid_id=application.pk,
                offset_days=7,
                now=APPLICATIONS_CLOSE - 7 * DAY + HOUR,
            )
        assert not DeadlineReminder.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_the_beat_runs_the_reminders_every_quarter_hour(self):
        entry = settings.CELERY_BEAT_SCHEDULE["funding-deadline-reminders"]
        assert entry["task"] == "funding.tasks.send_deadline_reminders"
        assert entry["task"] in celery_app.tasks
        assert entry["schedule"] == datetime.timedelta(minutes=15)
        assert settings.FUNDING_REMINDER_LATEST == DAY


@pytest.mark.django_db
class TestDeadlineReminderConstraints:
    """The database itself holds one reminder per bid, offset and recipient."""

    def test_one_reminder_per_application_offset_and_recipient(self):
        application = application_draft(make_round())
        recipient = application.created_by
        DeadlineReminder.objects.create(application=application, offset_days=7, recipient=recipient)
        with (
            pytest.raises(IntegrityError, match="funding_reminder_application_once"),
            transaction.atomic(),
        ):
            DeadlineReminder.objects.create(
                application=application, offset_days=7, recipient=recipient
            )
        # Another offset, or another recipient, is another reminder.
        DeadlineReminder.objects.create(application=application, offset_days=1, recipient=recipient)
        DeadlineReminder.objects.create(
            application=application,
            offset_days=7,
            recipient=person(application.lead_organisation, "colleague@hackney.gov.uk"),
        )
        assert DeadlineReminder.objects.count() == 3

    def test_one_reminder_per_eoi_offset_and_recipient(self):
        eoi = eoi_draft(make_round())
        recipient = eoi.created_by
        DeadlineReminder.objects.create(eoi=eoi, offset_days=7, recipient=recipient)
        with pytest.raises(IntegrityError, match="funding_reminder_eoi_once"), transaction.atomic():
            DeadlineReminder.objects.bulk_create(
                [DeadlineReminder(eoi=eoi, offset_days=7, recipient=recipient)]
            )
        DeadlineReminder.objects.create(eoi=eoi, offset_days=1, recipient=recipient)
        assert DeadlineReminder.objects.count() == 2

    def test_an_eoi_and_an_application_with_the_same_id_are_apart(self):
        """The two unique constraints are partial: an EOI's reminders never collide with an
        application's."""
        round = make_round()
        eoi = eoi_draft(round, slug="hackney")
        application = application_draft(round, slug="camden")
        recipient = eoi.created_by
        DeadlineReminder.objects.create(eoi=eoi, offset_days=7, recipient=recipient)
        DeadlineReminder.objects.create(application=application, offset_days=7, recipient=recipient)
        assert DeadlineReminder.objects.count() == 2

    @pytest.mark.parametrize("both", [True, False], ids=["both", "neither"])
    def test_a_reminder_is_for_exactly_one_bid(self, both):
        round = make_round()
        eoi = eoi_draft(round, slug="hackney")
        application = application_draft(round, slug="camden")
        with pytest.raises(IntegrityError, match="funding_reminder_one_bid"), transaction.atomic():
            DeadlineReminder.objects.create(
                eoi=eoi if both else None,
                application=application if both else None,
                offset_days=7,
                recipient=eoi.created_by,
            )
        assert not DeadlineReminder.objects.exists()


@pytest.mark.django_db
def test_does_nothing_while_another_run_holds_the_advisory_lock(
    other_session, django_capture_on_commit_callbacks
):
    """Two beats never overlap: the second finds the lock taken and queues nothing."""
    application_draft(make_round())
    now = APPLICATIONS_CLOSE - 7 * DAY + HOUR
    with lock_held(other_session, reminders.REMINDER_LOCK):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert deadline_reminders_queue(now=now) is None
            assert tasks.send_deadline_reminders(now.isoformat()) == 0
        assert callbacks == []
    assert run(now, django_capture_on_commit_callbacks) == 1
    assert OutgoingEmail.objects.count() == 1


# Two beats, or two deliveries of one task, at once: each side in a thread of its own, so on
# its own database connection, against a database that really commits.


@pytest.fixture
def hold_first() -> Iterator[Callable[[Callable[..., Any]], HoldFirst]]:
    """Return a function that wraps another in a ``HoldFirst``; every hold is released when
    the test ends, so a failing test never leaves a thread waiting."""
    made: list[HoldFirst] = []

    def wrap(function: Callable[..., Any]) -> HoldFirst:
        made.append(HoldFirst(function))
        return made[-1]

    yield wrap
    for hold in made:
        hold.released.set()


class HoldFirst:
    """Wraps a function so that its first caller waits, part-way through its transaction,
    until released; later callers go straight through."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.reached = threading.Event()
        self.released = threading.Event()
        self._function = function
        self._lock = threading.Lock()
        self._held = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            first, self._held = not self._held, True
        if first:
            self.reached.set()
            assert self.released.wait(HOLD_TIMEOUT), "never released"
        return self._function(*args, **kwargs)


@pytest.mark.django_db(transaction=True)
class TestTwoAtOnce:
    """A second beat, or a task delivered twice, running at the same moment sends nothing
    twice."""

    def test_a_second_beat_while_the_first_holds_the_lock_sends_nothing(
        self, monkeypatch, mailoutbox, hold_first
    ):
        round = make_round()
        application = application_draft(round)
        saved_by(application, person(application.lead_organisation, "colleague@hackney.gov.uk"))
        run_at = (APPLICATIONS_CLOSE - 7 * DAY + HOUR).isoformat()
        held = hold_first(reminders.due_offsets)
        monkeypatch.setattr(reminders, "due_offsets", held)

        first = InThread(lambda: tasks.send_deadline_reminders(run_at))
        assert held.reached.wait(HOLD_TIMEOUT)
        # The first beat holds the advisory lock, part-way through its scan.
        second = InThread(lambda: tasks.send_deadline_reminders(run_at))
        assert second.join() == 0
        assert not OutgoingEmail.objects.exists()
        held.released.set()
        assert first.join() == 1

        assert emailed() == [
            ("colleague@hackney.gov.uk", application_subject(7, round)),
            ("creator@hackney.gov.uk", application_subject(7, round)),
        ]
        assert len(mailoutbox) == 2
        # A third beat, once both are done, finds the records and sends nothing.
        assert tasks.send_deadline_reminders(run_at) == 0
        assert len(mailoutbox) == 2

    def test_two_beats_started_together_send_each_reminder_once(self, mailoutbox):
        round = make_round()
        drafts = [application_draft(round, slug=f"council-{n}") for n in range(4)]
        eoi_round = make_round(
            eoi_opens_at=APPLICATIONS_CLOSE - 30 * DAY,
            eoi_closes_at=APPLICATIONS_CLOSE,
            applications_open_at=APPLICATIONS_CLOSE,
            applications_close_at=APPLICATIONS_CLOSE + 30 * DAY,
            decisions_announced_at=APPLICATIONS_CLOSE + 60 * DAY,
        )
        eoi = eoi_draft(eoi_round, slug="eoi-writer")
        run_at = (APPLICATIONS_CLOSE - 7 * DAY + HOUR).isoformat()
        start = threading.Barrier(2, timeout=HOLD_TIMEOUT)

        def beat() -> int:
            start.wait()
            return tasks.send_deadline_reminders(run_at)

        beats = [InThread(beat), InThread(beat)]
        queued = [each.join() for each in beats]

        # However they interleave, at least one beat queued every bid...
        assert max(queued) == 5, queued
        # ...and each person was emailed once about each bid.
        expected = sorted(
            [(f"creator@council-{n}.gov.uk", application_subject(7, round)) for n in range(4)]
            + [("creator@eoi-writer.gov.uk", eoi_subject(7, eoi_round))]
        )
        assert emailed() == expected
        assert len(mailoutbox) == 5
        assert sorted(
            DeadlineReminder.objects.values_list("application_id", "eoi_id"), key=str
        ) == sorted([(draft.pk, None) for draft in drafts] + [(None, eoi.pk)], key=str)

    def test_a_task_delivered_twice_at_once_sends_once(self, monkeypatch, mailoutbox, hold_first):
        """The second delivery waits for the first's lock on the bid, then finds its records."""
        round = make_round()
        application = application_draft(round)
        saved_by(application, person(application.lead_organisation, "colleague@hackney.gov.uk"))
        now = APPLICATIONS_CLOSE - 7 * DAY + HOUR
        held = hold_first(reminders._recipients)
        monkeypatch.setattr(reminders, "_recipients", held)

        def send() -> list[DeadlineReminder]:
            return deadline_reminder_send(
                kind=APPLICATION, bid_id=application.pk, offset_days=7, now=now
            )

        first = InThread(send)
        assert held.reached.wait(HOLD_TIMEOUT)
        second = InThread(send)
        waited = wait_until(lambda: sessions_waiting_for_a_lock() >= 1) and second.is_alive()
        held.released.set()
        sent_first, sent_second = first.join(), second.join()
        assert waited, "the second delivery did not wait for the first's lock on the bid"

        assert sorted(record.recipient.email for record in sent_first) == [
            "colleague@hackney.gov.uk",
            "creator@hackney.gov.uk",
        ]
        assert sent_second == []
        assert OutgoingEmail.objects.count() == 2
        assert len(mailoutbox) == 2
        assert DeadlineReminder.objects.count() == 2
