import zoneinfo
from datetime import datetime, timedelta

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from localdigital.mail.models import EmailStatus, OutgoingEmail
from localdigital.mail.tasks import requeue_stuck_emails, send_email
from tests.support.ports import free_port

from .factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


class TestSendEmail:
    def test_sends_once_when_the_task_runs_twice(self, mailoutbox):
        """Under acks_late a task may run twice; the second run sends nothing."""
        queued = OutgoingEmailFactory()
        assert send_email(queued.pk) == "sent"
        assert send_email(queued.pk) == "not-queued"
        assert len(mailoutbox) == 1

    def test_retries_through_celery_after_the_backoff_when_the_smtp_server_defers(
        self, smtp_settings
    ):
        """A temporary error asks Celery to retry the task when the row's next attempt is due."""
        queued = OutgoingEmailFactory(recipient="busy@borsetshire.gov.uk")
        smtp_settings.replies["busy@borsetshire.gov.uk"] = "451 4.3.0 Try again later"
        with pytest.raises(Retry) as retry:
            send_email.apply(args=[queued.pk])
        queued.refresh_from_db()
        assert retry.value.when == queued.next_attempt_at
        assert queued.status == EmailStatus.QUEUED
        assert queued.attempts == 1
        assert queued.next_attempt_at > timezone.now()
        assert smtp_settings.received == []

    def test_sends_through_notify_with_the_message_id_as_reference_when_a_key_is_set(
        self, notify_settings, mailoutbox
    ):
        """With a Notify key, email goes to Notify's generic template, not EMAIL_BACKEND."""
        queued = OutgoingEmailFactory()
        assert send_email(queued.pk) == "sent"
        assert mailoutbox == []
        [request] = notify_settings.requests
        assert request.authorised
        assert request.path == "/v2/notifications/email"
        assert request.body == {
            "email_address": queued.recipient,
            "template_id": notify_settings.template_id,
            "personalisation": {"subject": queued.subject, "body": queued.body_text},
            "reference": queued.message_id,
        }
        queued.refresh_from_db()
        assert queued.status == EmailStatus.SENT
        assert queued.provider_reference
        assert queued.provider_reference != queued.message_id

    @pytest.mark.parametrize("status", [400, 403])
    def test_fails_at_once_when_notify_refuses_the_email(self, notify_settings, status):
        """Notify's 400 (such as a bad address) and 403 are permanent, and recorded."""
        notify_settings.reply(status, "email_address Not a valid email address")
        queued = OutgoingEmailFactory()
        assert send_email(queued.pk) == "failed"
        queued.refresh_from_db()
        assert queued.status == EmailStatus.FAILED
        assert queued.last_error.startswith(f"GOV.UK Notify {status}: ")
        assert "Not a valid email address" in queued.last_error
        assert len(notify_settings.requests) == 1

    @pytest.mark.parametrize("status", [429, 500, 503])
    def test_queues_again_when_notify_is_busy_or_down(self, notify_settings, status):
        """Notify's 429 and 5xx are temporary: the row waits for its next attempt."""
        notify_settings.reply(status, "Exceeded rate limit")
        queued = OutgoingEmailFactory()
        with pytest.raises(Retry) as retry:
            send_email.apply(args=[queued.pk])
        queued.refresh_from_db()
        assert retry.value.when == queued.next_attempt_at
        assert queued.status == EmailStatus.QUEUED
        assert queued.last_error.startswith(f"GOV.UK Notify {status}: ")
        assert len(notify_settings.requests) == 1

    def test_queues_again_when_notify_cannot_be_reached(self, notify_settings, settings):
        """A failed connection to Notify is temporary."""
        settings.GOVUK_NOTIFY_BASE_URL = f"http://127.0.0.1:{free_port()}"
        queued = OutgoingEmailFactory()
        with pytest.raises(Retry):
            send_email.apply(args=[queued.pk])
        queued.refresh_from_db()
        assert queued.status == EmailStatus.QUEUED
        assert queued.last_error.startswith("GOV.UK Notify 503: ")


class TestRequeueStuckEmails:
    def test_queues_again_as_of_the_given_time_when_run_at_is_given(
        self, settings, django_capture_on_commit_callbacks, mailoutbox
    ):
        """The run time decides what counts as stuck, so a re-run repeats the same choice."""
        started = timezone.now() - timedelta(hours=1)
        stuck = OutgoingEmailFactory(sending=True, sending_started_at=started)
        too_soon = (started + settings.MAIL_STUCK_AFTER).isoformat()
        late_enough = (started + settings.MAIL_STUCK_AFTER + timedelta(seconds=1)).isoformat()
        assert requeue_stuck_emails(run_at=too_soon) == 0
        with django_capture_on_commit_callbacks(execute=True):
            assert requeue_stuck_emails(run_at=late_enough) == 1
        assert OutgoingEmail.objects.get(pk=stuck.pk).status == EmailStatus.SENT
        assert [message.extra_headers["Message-ID"] for message in mailoutbox] == [stuck.message_id]

    def test_reads_a_time_without_an_offset_as_london_time(self, settings):
        """Beat and staff think in London time; an explicit offset is honoured."""
        settings.MAIL_STUCK_AFTER = timedelta(minutes=10)
        OutgoingEmailFactory(
            sending=True, sending_started_at=datetime(2026, 6, 1, 11, 55, tzinfo=LONDON)
        )
        assert requeue_stuck_emails(run_at="2026-06-01T12:00:00") == 0
        assert requeue_stuck_emails(run_at="2026-06-01T12:00:00+00:00") == 1

    def test_uses_the_current_time_when_run_without_one(self, settings):
        """Beat runs the task with no arguments."""
        OutgoingEmailFactory(
            sending=True,
            sending_started_at=timezone.now() - settings.MAIL_STUCK_AFTER - timedelta(seconds=1),
        )
        OutgoingEmailFactory(sending=True, sending_started_at=timezone.now())
        assert requeue_stuck_emails() == 1
