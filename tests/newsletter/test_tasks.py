"""The newsletter's Celery tasks (run eagerly here): each is safe to run twice."""

from __future__ import annotations

import datetime
import smtplib
from collections import Counter

import pytest
import yaml
from django.utils import timezone

from localdigital.celery import app
from localdigital.mail import delivery
from localdigital.mail.models import EmailStatus, OutgoingEmail
from localdigital.mail.tasks import send_newsletter_email, send_newsletter_emails
from newsletter import services
from newsletter import tasks as tasks
from newsletter.models import IssueStatus, NewsletterDelivery, NewsletterIssue
from tests.accounts.factories import UserFactory
from tests.fixtures.worker import BASE_DIR
from tests.mail.factories import SuppressionFactory
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory
from tests.newsletter.support import patch_fanout_batch_size, verbs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttle(settings):
    settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0


@pytest.fixture
def staff_user():
    return UserFactory(staff=True, groups=["Communications"])


def test_celery_finds_the_newsletter_tasks():
    """They live in the newsletter app's tasks.py, which autodiscovery loads."""
    app.loader.import_default_modules()
    assert {
        "newsletter.tasks.fan_out_newsletter_issue",
        "newsletter.tasks.newsletter_tick",
        "localdigital.mail.tasks.send_newsletter_email",
    } <= set(app.tasks)


def test_the_beat_schedule_runs_the_newsletter_job_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["newsletter-tick"]
    assert entry["task"] == "newsletter.tasks.newsletter_tick"
    assert entry["schedule"] == datetime.timedelta(minutes=1)


class TestFanOutTask:
    def test_fans_out_batch_after_batch_and_sends_each_subscriber_the_issue_once(
        self, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
    ):
        patch_fanout_batch_size(monkeypatch, 2)
        subscribers = SubscriberFactory.create_batch(5)
        issue = NewsletterIssueFactory(sending=True)
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.fan_out_newsletter_issue(issue.pk, 0) == "queued 2, skipped 0"
        assert NewsletterIssue.objects.get().is_fanned_out
        assert Counter(message.to[0] for message in mailoutbox) == Counter(
            subscriber.email for subscriber in subscribers
        )

    def test_sends_once_when_run_twice(self, django_capture_on_commit_callbacks, mailoutbox):
        """A repeat of the task (acks_late after a lost worker) makes and sends nothing more."""
        SubscriberFactory.create_batch(3)
        issue = NewsletterIssueFactory(sending=True)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.fan_out_newsletter_issue(issue.pk, 0)
            assert tasks.fan_out_newsletter_issue(issue.pk, 0) == "nothing to do"
        assert NewsletterDelivery.objects.count() == 3
        assert len(mailoutbox) == 3


class TestSendNewsletterEmailTask:
    def test_sends_once_when_run_twice(self, mailoutbox):
        SubscriberFactory()
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        email = OutgoingEmail.objects.get()
        assert send_newsletter_email(email.pk) == "sent"
        assert send_newsletter_email(email.pk) == "not-queued"
        assert len(mailoutbox) == 1
        assert mailoutbox[0].extra_headers["Message-ID"] == email.message_id


class TestAnIssueIsSentWithItsLastEmail:
    """An issue is "Sent" the moment its last email is sent, failed or suppressed, with no
    wait for the beat job (which runs once a minute, so the issue used to stay "Sending",
    still offering "Cancel the issue…", for up to a minute after everything had gone)."""

    def test_is_sent_when_the_fan_out_completes_after_its_emails_have_gone(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        SubscriberFactory.create_batch(3)
        issue = NewsletterIssueFactory(sending=True)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.fan_out_newsletter_issue(issue.pk, 0)
        issue.refresh_from_db()
        assert len(mailoutbox) == 3
        assert issue.status == IssueStatus.SENT
        assert issue.sent_at is not None
        assert verbs().count("declaration.newsletter_issue.sent") == 1

    def test_is_sent_when_its_last_email_goes_after_the_fan_out_completed(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        SubscriberFactory.create_batch(3)
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        services.newsletter_issue_fan_out(
            issue_id=issue.pk, after=NewsletterIssue.objects.get().fanout_cursor
        )
        first, second, last = OutgoingEmail.objects.order_by("pk").values_list("pk", flat=True)

        with django_capture_on_commit_callbacks(execute=True):
            send_newsletter_emails([first, second])
        assert NewsletterIssue.objects.get().status == IssueStatus.SENDING
        with django_capture_on_commit_callbacks(execute=True):
            send_newsletter_email(last)
        assert NewsletterIssue.objects.get().status == IssueStatus.SENT
        assert len(mailoutbox) == 3

    def test_counts_an_email_failed_or_suppressed_as_finished(
        self, django_capture_on_commit_callbacks, mailoutbox, settings
    ):
        settings.MAIL_MAX_ATTEMPTS = 1
        suppressed, failing, _ = SubscriberFactory.create_batch(3)
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        services.newsletter_issue_fan_out(
            issue_id=issue.pk, after=NewsletterIssue.objects.get().fanout_cursor
        )
        SuppressionFactory(email=suppressed.email)
        OutgoingEmail.objects.filter(recipient=failing.email).update(attempts=1)

        with django_capture_on_commit_callbacks(execute=True):
            send_newsletter_emails(list(OutgoingEmail.objects.values_list("pk", flat=True)))
        assert Counter(OutgoingEmail.objects.values_list("status", flat=True)) == {
            EmailStatus.SENT: 1,
            EmailStatus.FAILED: 2,
        }
        assert NewsletterIssue.objects.get().status == IssueStatus.SENT

    def test_stays_sending_while_an_email_waits_to_be_tried_again(
        self, django_capture_on_commit_callbacks, monkeypatch, mailoutbox
    ):
        SubscriberFactory.create_batch(2)
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        services.newsletter_issue_fan_out(
            issue_id=issue.pk, after=NewsletterIssue.objects.get().fanout_cursor
        )
        deferred, sent = OutgoingEmail.objects.order_by("pk")
        deliver = delivery.email_deliver

        def defer_one(*, email):
            if email.pk == deferred.pk:
                raise smtplib.SMTPResponseException(451, b"Try again later")
            return deliver(email=email)

        monkeypatch.setattr(delivery, "email_deliver", defer_one)
        monkeypatch.setattr(send_newsletter_email, "apply_async", lambda *args, **kwargs: None)
        with django_capture_on_commit_callbacks(execute=True):
            send_newsletter_emails([deferred.pk, sent.pk])
        assert OutgoingEmail.objects.get(pk=deferred.pk).status == EmailStatus.QUEUED
        assert NewsletterIssue.objects.get().status == IssueStatus.SENDING

        monkeypatch.setattr(delivery, "email_deliver", deliver)
        OutgoingEmail.objects.filter(pk=deferred.pk).update(next_attempt_at=None)
        with django_capture_on_commit_callbacks(execute=True):
            send_newsletter_email(deferred.pk)
        assert NewsletterIssue.objects.get().status == IssueStatus.SENT

    def test_a_paused_issue_whose_emails_have_all_gone_is_sent_when_resumed(self, staff_user):
        SubscriberFactory.create_batch(2)
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        services.newsletter_issue_fan_out(
            issue_id=issue.pk, after=NewsletterIssue.objects.get().fanout_cursor
        )
        services.newsletter_issue_pause(issue_id=issue.pk, paused_by=staff_user)
        # Every email went before the pause: the last to go leaves a paused issue paused.
        OutgoingEmail.objects.update(status=EmailStatus.SENT, sent_at=timezone.now())
        email_ids = list(OutgoingEmail.objects.values_list("pk", flat=True))
        assert services.newsletter_issues_finish(email_ids=email_ids) == []
        assert NewsletterIssue.objects.get().status == IssueStatus.PAUSED

        services.newsletter_issue_resume(issue_id=issue.pk, resumed_by=staff_user)
        assert NewsletterIssue.objects.get().status == IssueStatus.SENT

    def test_an_issue_to_nobody_is_sent_when_its_fan_out_completes(self):
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        assert NewsletterIssue.objects.get().status == IssueStatus.SENT

    def test_a_cancelled_issue_stays_cancelled_when_its_last_email_goes(
        self, django_capture_on_commit_callbacks, staff_user
    ):
        SubscriberFactory.create_batch(2)
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        services.newsletter_issue_fan_out(
            issue_id=issue.pk, after=NewsletterIssue.objects.get().fanout_cursor
        )
        first, second = OutgoingEmail.objects.order_by("pk").values_list("pk", flat=True)
        # The first is being sent as staff cancel: it still goes, and the issue stays cancelled.
        OutgoingEmail.objects.filter(pk=first).update(
            status=EmailStatus.SENDING, sending_started_at=timezone.now()
        )
        services.newsletter_issue_cancel(issue_id=issue.pk, cancelled_by=staff_user)
        OutgoingEmail.objects.filter(pk=first).update(
            status=EmailStatus.QUEUED, sending_started_at=None
        )
        with django_capture_on_commit_callbacks(execute=True):
            send_newsletter_emails([first, second])
        assert NewsletterIssue.objects.get().status == IssueStatus.CANCELLED


class TestNewsletterTickTask:
    def test_starts_sends_and_finishes_a_scheduled_issue(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        SubscriberFactory.create_batch(2)
        run_at = timezone.now()
        issue = NewsletterIssueFactory(scheduled=True, scheduled_for=run_at)
        with django_capture_on_commit_callbacks(execute=True):
            result = tasks.newsletter_tick(run_at=run_at.isoformat())
        assert result == "started 1, fan-outs resumed 0, sent 0"
        assert len(mailoutbox) == 2
        assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
        # Its last email made it sent; the next run has nothing to finish.
        issue.refresh_from_db()
        assert issue.status == IssueStatus.SENT
        assert tasks.newsletter_tick(run_at=run_at.isoformat()) == (
            "started 0, fan-outs resumed 0, sent 0"
        )
        assert len(mailoutbox) == 2


def test_every_worker_command_consumes_the_newsletter_queue(settings):
    """Newsletter email has a queue of its own, which the workers must consume too."""
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    command = compose["services"]["worker"]["command"]
    assert command[command.index("-Q") + 1].split(",") == ["celery", settings.MAIL_NEWSLETTER_QUEUE]
    procfile = (BASE_DIR / "localdigital" / "Procfile.dev").read_text()
    [worker] = [line for line in procfile.splitlines() if line.startswith("worker:")]
    assert worker.endswith(f" -Q celery,{settings.MAIL_NEWSLETTER_QUEUE}")
