"""The newsletter's Celery tasks (run eagerly here): each is safe to run twice."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
import yaml
from django.utils import timezone

from declaration import tasks_newsletter as tasks
from declaration.models import IssueStatus, NewsletterDelivery, NewsletterIssue
from declaration.services import newsletter as services
from localdigital.celery import app
from localdigital.mail.models import EmailStatus, OutgoingEmail
from localdigital.mail.tasks import send_newsletter_email
from tests.declaration.newsletter_factories import NewsletterIssueFactory, SubscriberFactory
from tests.fixtures.worker import BASE_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttle(settings):
    settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0


def test_celery_finds_the_newsletter_tasks():
    """They live in tasks_newsletter.py, which autodiscovery is told to load."""
    app.loader.import_default_modules()
    assert {
        "declaration.tasks_newsletter.fan_out_newsletter_issue",
        "declaration.tasks_newsletter.newsletter_tick",
        "localdigital.mail.tasks.send_newsletter_email",
    } <= set(app.tasks)


def test_the_beat_schedule_runs_the_newsletter_job_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["declaration-newsletter-tick"]
    assert entry["task"] == "declaration.tasks_newsletter.newsletter_tick"
    assert entry["schedule"] == datetime.timedelta(minutes=1)


class TestFanOutTask:
    def test_fans_out_batch_after_batch_and_sends_each_subscriber_the_issue_once(
        self, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
    ):
        monkeypatch.setattr(services, "FANOUT_BATCH_SIZE", 2)
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
        assert tasks.newsletter_tick(run_at=run_at.isoformat()) == (
            "started 0, fan-outs resumed 0, sent 1"
        )
        issue.refresh_from_db()
        assert (issue.status, issue.sent_at) == (IssueStatus.SENT, run_at)
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
