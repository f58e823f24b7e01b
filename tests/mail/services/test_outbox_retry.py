"""Emails stuck in sending queued again, and a failed email retried by staff
(localdigital/mail/services/outbox_retry.py)."""

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone

from localdigital.audit.models import AuditEvent
from localdigital.mail import services
from localdigital.mail.models import EmailStatus, OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.mail.factories import OutgoingEmailFactory, SuppressionFactory
from tests.mail.support import sends_queued
from tests.support.audit import audit_unavailable
from tests.support.locks import lock_held

pytestmark = pytest.mark.django_db


class TestEmailsRequeueStuck:
    @pytest.fixture
    def run_at(self):
        return timezone.now().replace(microsecond=0)

    @pytest.fixture
    def outbox(self, run_at, settings):
        """Rows in every state, some stuck and some not, relative to ``run_at``."""
        long_ago = run_at - settings.MAIL_STUCK_AFTER - timedelta(seconds=1)
        recently = run_at - settings.MAIL_STUCK_AFTER + timedelta(seconds=1)
        return {
            "abandoned": OutgoingEmailFactory(sending=True, sending_started_at=long_ago),
            "lost": OutgoingEmailFactory(queued_at=long_ago),
            "due": OutgoingEmailFactory(attempts=1, next_attempt_at=run_at),
            "sending": OutgoingEmailFactory(sending=True, sending_started_at=recently),
            "just_queued": OutgoingEmailFactory(queued_at=recently),
            "backing_off": OutgoingEmailFactory(
                attempts=1, queued_at=long_ago, next_attempt_at=run_at + timedelta(seconds=1)
            ),
            "sent": OutgoingEmailFactory(sent=True, sending_started_at=long_ago),
            "failed": OutgoingEmailFactory(failed=True, queued_at=long_ago),
        }

    def test_queues_stuck_rows_again_when_run_at_an_explicit_time(self, outbox, run_at):
        """Abandoned, lost and due rows are picked; recent, backing-off and finished ones not."""
        email_ids = services.emails_requeue_stuck(now=run_at)
        assert email_ids == sorted(outbox[name].pk for name in ("abandoned", "lost", "due"))
        outbox["abandoned"].refresh_from_db()
        assert outbox["abandoned"].status == EmailStatus.QUEUED
        assert outbox["abandoned"].next_attempt_at is None
        assert outbox["abandoned"].queued_at == outbox["abandoned"].sending_started_at
        assert OutgoingEmail.objects.get(pk=outbox["sending"].pk).status == EmailStatus.SENDING

    def test_gives_the_same_result_when_run_again_for_the_same_time(self, outbox, run_at):
        """A re-run of the same beat selects the same rows and changes nothing more."""
        first = services.emails_requeue_stuck(now=run_at)
        states = list(OutgoingEmail.objects.order_by("pk").values())
        assert services.emails_requeue_stuck(now=run_at) == first
        assert list(OutgoingEmail.objects.order_by("pk").values()) == states

    def test_sends_each_row_once_after_commit_when_the_sweep_commits(
        self, outbox, run_at, django_capture_on_commit_callbacks, mailoutbox
    ):
        """One send per row is queued on commit, and each sends its email once."""
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.emails_requeue_stuck(now=run_at)
            assert mailoutbox == []
        assert sends_queued(callbacks) == 1
        assert sorted(message.to[0] for message in mailoutbox) == sorted(
            outbox[name].recipient for name in ("abandoned", "lost", "due")
        )
        sent = OutgoingEmail.objects.filter(status=EmailStatus.SENT)
        assert set(sent.values_list("pk", flat=True)) == {
            outbox[name].pk for name in ("abandoned", "lost", "due", "sent")
        }

    def test_does_nothing_when_another_sweep_holds_the_advisory_lock(
        self, outbox, run_at, other_session, django_capture_on_commit_callbacks
    ):
        """Two beats never overlap: the second finds the lock taken and leaves every row."""
        with lock_held(other_session, services.outbox_retry.REQUEUE_LOCK):
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                assert services.emails_requeue_stuck(now=run_at) is None
            assert callbacks == []
            abandoned = OutgoingEmail.objects.get(pk=outbox["abandoned"].pk)
            assert abandoned.status == EmailStatus.SENDING
        assert services.emails_requeue_stuck(now=run_at)


class TestEmailRetry:
    def test_queues_a_failed_email_and_sends_it_after_commit_when_staff_retry(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """The attempts start again, the retry is audited, and the email goes once."""
        staff = UserFactory(staff=True)
        failed = OutgoingEmailFactory(failed=True, attempts=8)
        with django_capture_on_commit_callbacks(execute=True):
            services.email_retry(email_id=failed.pk, actor=staff)
            failed.refresh_from_db()
            assert failed.status == EmailStatus.QUEUED
            assert failed.attempts == 0
            assert failed.failed_at is None
        assert len(mailoutbox) == 1
        assert OutgoingEmail.objects.get(pk=failed.pk).status == EmailStatus.SENT
        event = AuditEvent.objects.get(verb="mail.email.retried")
        assert (event.actor_id, event.target_object_id) == (staff.pk, str(failed.pk))

    @pytest.mark.parametrize("state", ["queued", "sending", "sent"])
    def test_refuses_when_the_email_has_not_failed(self, state, django_capture_on_commit_callbacks):
        """Only a failed email can be retried; anything else would risk a second send."""
        email_row = OutgoingEmailFactory(**({state: True} if state != "queued" else {}))
        staff = UserFactory(staff=True)
        with (
            django_capture_on_commit_callbacks() as callbacks,
            pytest.raises(services.TransitionNotAllowed),
        ):
            services.email_retry(email_id=email_row.pk, actor=staff)
        assert callbacks == []
        assert OutgoingEmail.objects.get(pk=email_row.pk).status == state

    def test_refuses_when_the_recipient_is_suppressed(self):
        """Staff must take the address off the suppression list first."""
        failed = OutgoingEmailFactory(failed=True, last_error=services.SUPPRESSED_ERROR)
        SuppressionFactory(email=failed.recipient)
        with pytest.raises(services.RecipientSuppressed):
            services.email_retry(email_id=failed.pk, actor=UserFactory(staff=True))
        assert OutgoingEmail.objects.get(pk=failed.pk).status == EmailStatus.FAILED

    def test_writes_nothing_when_the_audit_event_cannot_be_saved(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        """The retry and its audit event are one transaction."""

        monkeypatch.setattr(services.outbox_retry, "audit_record", audit_unavailable)
        failed = OutgoingEmailFactory(failed=True)
        staff = UserFactory(staff=True)
        with django_capture_on_commit_callbacks() as callbacks, pytest.raises(DatabaseError):
            services.email_retry(email_id=failed.pk, actor=staff)
        assert callbacks == []
        failed.refresh_from_db()
        assert (failed.status, failed.attempts) == (EmailStatus.FAILED, 1)
