"""Which bids are never reminded, reminders never late nor backfilled, and the offsets a round
may set for them."""

from __future__ import annotations

import datetime

import pytest

from funding import tasks
from funding.models import Application, ApplicationStatus, DeadlineReminder, Round
from funding.services.reminders import (
    APPLICATION,
    EOI,
    DueReminder,
    deadline_reminder_send,
    deadline_reminders_queue,
)
from localdigital.mail.models import OutgoingEmail
from tests.funding.factories import RoundFactory
from tests.funding.reminder_bids import (
    APPLICATIONS_CLOSE,
    DAY,
    EOI_CLOSES,
    HOUR,
    SECOND,
    application_draft,
    application_subject,
    emailed,
    eoi_draft,
    make_round,
    reminded,
    run,
    saved_by,
)
from tests.support.times import LONDON, london


@pytest.mark.django_db
class TestBidsNotReminded:
    """Only drafts of published rounds are reminded."""

    @pytest.mark.parametrize("state", ["submitted", "withdrawn"])
    def test_sends_nothing_for_an_application_that_is_not_a_draft(
        self, django_capture_on_commit_callbacks, state
    ):
        round = make_round()
        application = application_draft(round, **{state: True})
        assert application.status == state
        saved_by(application, application.created_by)
        assert run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 0
        assert run(APPLICATIONS_CLOSE - DAY + HOUR, django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()
        assert not DeadlineReminder.objects.exists()

    @pytest.mark.parametrize("state", ["submitted", "withdrawn", "declined"])
    def test_sends_nothing_for_an_eoi_that_is_not_a_draft(
        self, django_capture_on_commit_callbacks, state
    ):
        round = make_round()
        eoi = eoi_draft(round, **{state: True})
        assert eoi.status == state
        assert run(EOI_CLOSES - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()
        assert not DeadlineReminder.objects.exists()

    def test_only_the_drafts_of_a_round_are_reminded(self, django_capture_on_commit_callbacks):
        round = make_round()
        draft = application_draft(round, slug="hackney")
        application_draft(round, slug="camden", submitted=True)
        application_draft(round, slug="leeds", withdrawn=True)
        assert run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert reminded() == [("creator@hackney.gov.uk", None, draft.pk, 7)]

    def test_sends_nothing_for_a_draft_submitted_after_its_task_was_queued(
        self, django_capture_on_commit_callbacks
    ):
        application = application_draft(make_round())
        now = APPLICATIONS_CLOSE - 7 * DAY + HOUR
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            due = deadline_reminders_queue(now=now)
        assert due == [DueReminder(APPLICATION, application.pk, 7)]
        Application.objects.filter(pk=application.pk).update(
            status=ApplicationStatus.SUBMITTED, submitted_at=now
        )
        with django_capture_on_commit_callbacks(execute=True):
            for callback in callbacks:
                callback()
        assert not OutgoingEmail.objects.exists()
        assert not DeadlineReminder.objects.exists()

    def test_sends_nothing_in_an_unpublished_round(self, django_capture_on_commit_callbacks):
        round = make_round(is_published=False)
        application_draft(round, slug="hackney")
        eoi = eoi_draft(round, slug="camden")
        assert run(EOI_CLOSES - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 0
        assert run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 0
        # Nor does a task queued before the round was unpublished.
        assert (
            deadline_reminder_send(
                kind=EOI, bid_id=eoi.pk, offset_days=7, now=EOI_CLOSES - 7 * DAY + HOUR
            )
            == []
        )
        assert not OutgoingEmail.objects.exists()
        assert not DeadlineReminder.objects.exists()

    def test_sends_nothing_for_a_bid_that_is_gone(self):
        assert (
            deadline_reminder_send(
                kind=APPLICATION, bid_id=0, offset_days=7, now=APPLICATIONS_CLOSE - 7 * DAY
            )
            == []
        )


@pytest.mark.django_db
class TestNeverLateNeverBackfilled:
    """A reminder goes from its moment for a day at most, and never at or after the close."""

    def test_sends_up_to_a_day_after_its_moment(self, django_capture_on_commit_callbacks):
        """The beat was down for most of a day: the reminder still goes, a second short of
        a day late."""
        round = make_round()
        application_draft(round)
        assert run(APPLICATIONS_CLOSE - 7 * DAY - SECOND, django_capture_on_commit_callbacks) == 0
        assert run(APPLICATIONS_CLOSE - 6 * DAY - SECOND, django_capture_on_commit_callbacks) == 1
        assert emailed() == [("creator@hackney.gov.uk", application_subject(7, round))]

    def test_sends_nothing_once_its_moment_passed_more_than_a_day_ago(
        self, django_capture_on_commit_callbacks
    ):
        """Installed, or back from an outage, 5 days before the close: the 7-day reminder is
        not sent late; the 1-day one goes when it falls due."""
        round = make_round()
        application = application_draft(round)
        assert run(APPLICATIONS_CLOSE - 6 * DAY, django_capture_on_commit_callbacks) == 0
        assert run(APPLICATIONS_CLOSE - 5 * DAY, django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()
        assert run(APPLICATIONS_CLOSE - DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert reminded() == [("creator@hackney.gov.uk", None, application.pk, 1)]

    def test_a_late_task_sends_nothing(self):
        """A task queued in time but run more than a day after its moment sends nothing."""
        application = application_draft(make_round())
        assert (
            deadline_reminder_send(
                kind=APPLICATION,
                bid_id=application.pk,
                offset_days=7,
                now=APPLICATIONS_CLOSE - 6 * DAY,
            )
            == []
        )
        assert not DeadlineReminder.objects.exists()

    @pytest.mark.parametrize(
        ("run_at", "expected"),
        [
            # The EOI close is 5pm BST on 5 October, so its 7-day reminder is due from 5pm
            # BST (4pm UTC) on 28 September; a run time without an offset is London time.
            ("2025-09-28T16:59:59", 0),
            ("2025-09-28T17:00:00", 1),
            ("2025-09-28T15:59:59+00:00", 0),
            ("2025-09-28T16:00:00+00:00", 1),
            # The application close is 5pm GMT on 18 November: due from 5pm on the 11th.
            ("2025-11-11T16:59:59", 0),
            ("2025-11-11T17:00:00", 1),
        ],
    )
    def test_falls_due_to_the_second_in_london_time(
        self, django_capture_on_commit_callbacks, run_at, expected
    ):
        round = make_round()
        eoi_draft(round, slug="hackney")
        application_draft(round, slug="camden")
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.send_deadline_reminders(run_at) == expected
        assert OutgoingEmail.objects.count() == expected

    def test_sends_nothing_at_or_after_the_close(self, django_capture_on_commit_callbacks):
        round = make_round()
        application_draft(round)
        for now in (APPLICATIONS_CLOSE, APPLICATIONS_CLOSE + HOUR, APPLICATIONS_CLOSE + 30 * DAY):
            assert run(now, django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()

    def test_sends_nothing_after_the_close_even_within_the_window(
        self, django_capture_on_commit_callbacks, settings
    ):
        """With a two-day window, the 1-day reminder's window would run past the close."""
        settings.FUNDING_REMINDER_LATEST = 2 * DAY
        round = make_round()
        application = application_draft(round)
        assert run(APPLICATIONS_CLOSE + HOUR, django_capture_on_commit_callbacks) == 0
        # Nor does a task queued before the close and run after it.
        assert (
            deadline_reminder_send(
                kind=APPLICATION, bid_id=application.pk, offset_days=1, now=APPLICATIONS_CLOSE
            )
            == []
        )
        assert not OutgoingEmail.objects.exists()
        assert run(APPLICATIONS_CLOSE - SECOND, django_capture_on_commit_callbacks) == 1

    def test_history_sends_nothing(self, django_capture_on_commit_callbacks):
        """Rounds long closed, with drafts never submitted: installing the service sends none
        of their reminders."""
        for number, year in enumerate((2018, 2019, 2020), start=1):
            old = RoundFactory.create(
                number=number,
                eoi_opens_at=datetime.datetime(year, 9, 24, 9, tzinfo=LONDON),
                eoi_closes_at=datetime.datetime(year, 10, 5, 17, tzinfo=LONDON),
                applications_open_at=datetime.datetime(year, 10, 15, 9, tzinfo=LONDON),
                applications_close_at=datetime.datetime(year, 11, 18, 17, tzinfo=LONDON),
                decisions_announced_at=datetime.datetime(year, 12, 3, 10, tzinfo=LONDON),
            )
            application_draft(old, slug=f"applicant-{year}")
            eoi_draft(old, slug=f"eoi-{year}")
        assert run(london(2025, 3, 10, 9), django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()
        assert not DeadlineReminder.objects.exists()


@pytest.mark.django_db
class TestReminderOffsets:
    """The days before each close come from the round."""

    def test_uses_the_rounds_offsets(self, django_capture_on_commit_callbacks):
        round = make_round(reminder_offsets_days=[14, 3])
        application_draft(round)
        for now in (
            APPLICATIONS_CLOSE - 7 * DAY + HOUR,
            APPLICATIONS_CLOSE - DAY + HOUR,
        ):
            assert run(now, django_capture_on_commit_callbacks) == 0
        assert run(APPLICATIONS_CLOSE - 14 * DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert run(APPLICATIONS_CLOSE - 3 * DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert emailed() == [
            ("creator@hackney.gov.uk", application_subject(14, round)),
            ("creator@hackney.gov.uk", application_subject(3, round)),
        ]

    def test_default_offsets_are_7_and_1(self):
        assert RoundFactory.create().reminder_offsets_days == [7, 1]

    def test_no_offsets_no_reminders(self, django_capture_on_commit_callbacks):
        round = make_round(reminder_offsets_days=[])
        application_draft(round)
        for days in (7, 1):
            assert (
                run(APPLICATIONS_CLOSE - days * DAY + HOUR, django_capture_on_commit_callbacks) == 0
            )
        assert not OutgoingEmail.objects.exists()

    def test_a_repeated_offset_is_sent_once(self, django_capture_on_commit_callbacks):
        round = make_round(reminder_offsets_days=[7, 7, 1])
        application_draft(round)
        assert run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert OutgoingEmail.objects.count() == 1

    def test_an_offset_taken_off_the_round_after_queuing_is_not_sent(self):
        round = make_round()
        application = application_draft(round)
        now = APPLICATIONS_CLOSE - 7 * DAY + HOUR
        Round.objects.filter(pk=round.pk).update(reminder_offsets_days=[1])
        assert (
            deadline_reminder_send(kind=APPLICATION, bid_id=application.pk, offset_days=7, now=now)
            == []
        )
        assert not DeadlineReminder.objects.exists()

    def test_a_bid_reminded_at_one_offset_is_still_due_the_next(self):
        """Only the reminders at the due offset count: a 7-day record does not hold back the
        1-day reminder."""
        round = make_round()
        application = application_draft(round)
        DeadlineReminder.objects.create(
            application=application, offset_days=7, recipient=application.created_by
        )
        assert deadline_reminders_queue(now=APPLICATIONS_CLOSE - 7 * DAY + HOUR) == []
        assert deadline_reminders_queue(now=APPLICATIONS_CLOSE - DAY + HOUR) == [
            DueReminder(APPLICATION, application.pk, 1)
        ]
