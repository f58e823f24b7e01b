"""The fan-out of an issue to its subscribers, in batches, and the periodic tick that starts and
finishes issues."""

from __future__ import annotations

import datetime
import re
from collections import Counter

import pytest
from django.db import DatabaseError
from django.utils import timezone

from localdigital.mail.models import EmailStatus, OutgoingEmail, Stream, message_id_for
from newsletter import services
from newsletter.models import IssueStatus, NewsletterDelivery, NewsletterIssue
from newsletter.selectors import newsletter as selectors
from tests.mail.factories import SuppressionFactory
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory
from tests.newsletter.support import patch_fanout_batch_size, verbs
from tests.support.locks import lock_held

pytestmark = pytest.mark.django_db


class TestNewsletterIssueFanOut:
    @pytest.fixture(autouse=True)
    def small_batches(self, monkeypatch):
        patch_fanout_batch_size(monkeypatch, 2)

    def test_makes_one_batch_of_deliveries_and_emails_in_subscriber_order(self):
        subscribers = SubscriberFactory.create_batch(5)
        issue = NewsletterIssueFactory(sending=True)
        batch = services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        assert batch == services.FanOutBatch(queued=2, skipped=0, is_last=False)
        deliveries = NewsletterDelivery.objects.order_by("subscriber_id")
        assert [delivery.subscriber for delivery in deliveries] == subscribers[:2]
        issue.refresh_from_db()
        assert issue.fanout_cursor == subscribers[1].pk
        email = OutgoingEmail.objects.get(recipient=subscribers[0].email)
        assert email.idempotency_key == f"newsletter.{issue.pk}.{subscribers[0].pk}"
        assert email.message_id == message_id_for(email.idempotency_key)
        assert email.stream == Stream.NEWSLETTER
        assert deliveries[0].email == email

    def test_gives_each_email_its_own_one_click_unsubscribe_link_and_headers(self):
        subscriber = SubscriberFactory()
        issue = NewsletterIssueFactory(sending=True, body="Hello <script>alert(1)</script>")
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        email = OutgoingEmail.objects.get()
        match = re.fullmatch(
            r"<(http://testserver/newsletter/unsubscribe/(\S+)/)>, <mailto:\S+>",
            email.headers["List-Unsubscribe"],
        )
        assert match, email.headers["List-Unsubscribe"]
        url, token = match.groups()
        assert selectors.subscriber_from_unsubscribe_token(token=token) == subscriber
        assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert f"Unsubscribe: {url}" in email.body_text
        assert f'href="{url}"' in email.body_html
        # Raw HTML in the body is shown as text, never passed through.
        assert "<script>" not in email.body_html
        assert "&lt;script&gt;" in email.body_html
        assert "Hello <script>alert(1)</script>" in email.body_text

    def test_gives_each_email_a_link_to_its_subscriber_s_manage_page_beside_unsubscribe(self):
        subscriber, other = SubscriberFactory.create_batch(2)
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        email = OutgoingEmail.objects.get(recipient=subscriber.email)
        match = re.search(
            r"Manage your subscription: (http://testserver/newsletter/manage/(\S+)/)\n",
            email.body_text,
        )
        assert match, email.body_text
        url, token = match.groups()
        assert selectors.subscriber_from_manage_token(token=token) == subscriber
        assert f'<a href="{url}" style="color: #1d70b8;">Manage your subscription</a>' in (
            email.body_html
        )
        assert url not in OutgoingEmail.objects.get(recipient=other.email).body_text
        assert "\x00" not in email.body_text + email.body_html

    def test_skips_suppressed_addresses_with_a_delivery_and_no_email(self):
        kept = SubscriberFactory()
        bounced = SubscriberFactory(email="Bounced@Borsetshire.gov.uk")
        SuppressionFactory(email="bounced@borsetshire.gov.uk")
        issue = NewsletterIssueFactory(sending=True)
        batch = services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        assert (batch.queued, batch.skipped) == (1, 1)
        skipped = NewsletterDelivery.objects.get(subscriber=bounced)
        assert (skipped.is_skipped, skipped.email) == (True, None)
        assert list(OutgoingEmail.objects.values_list("recipient", flat=True)) == [kept.email]

    def test_completes_and_counts_the_recipients_when_nobody_is_left(self):
        SubscriberFactory.create_batch(2)
        issue = NewsletterIssueFactory(sending=True)
        first = services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        issue.refresh_from_db()
        assert not first.is_last
        last = services.newsletter_issue_fan_out(issue_id=issue.pk, after=issue.fanout_cursor)
        assert last.is_last
        issue.refresh_from_db()
        assert issue.is_fanned_out
        assert issue.recipient_count == 2

    def test_queues_the_next_batch_after_commit_until_every_subscriber_has_one(
        self, no_throttle, django_capture_on_commit_callbacks, mailoutbox
    ):
        """The chain of batches runs to the end; each subscriber gets the issue once."""
        subscribers = SubscriberFactory.create_batch(5)
        issue = NewsletterIssueFactory(sending=True)
        with django_capture_on_commit_callbacks(execute=True):
            services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        assert NewsletterDelivery.objects.count() == 5
        assert NewsletterIssue.objects.get().is_fanned_out
        assert Counter(message.to[0] for message in mailoutbox) == Counter(
            subscriber.email for subscriber in subscribers
        )

    def test_does_nothing_when_the_cursor_is_out_of_date(self):
        """A repeat of a batch already made (acks_late, or the beat job) makes nothing more."""
        SubscriberFactory.create_batch(3)
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        assert services.newsletter_issue_fan_out(issue_id=issue.pk, after=0) is None
        assert NewsletterDelivery.objects.count() == 2
        assert OutgoingEmail.objects.count() == 2

    @pytest.mark.parametrize("state", ["paused", "cancelled", "sent", "scheduled"])
    def test_does_nothing_when_the_issue_is_not_sending(self, state):
        SubscriberFactory()
        issue = NewsletterIssueFactory(**{state: True})
        assert services.newsletter_issue_fan_out(issue_id=issue.pk, after=0) is None
        assert not NewsletterDelivery.objects.exists()

    def test_makes_only_the_missing_deliveries_when_a_killed_batch_is_run_again(self, monkeypatch):
        """A worker that dies mid-batch leaves nothing; the re-run makes the batch, once."""
        subscribers = SubscriberFactory.create_batch(3)
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        issue.refresh_from_db()

        def killed(*args, **kwargs):
            raise SystemExit("SIGKILL")

        monkeypatch.setattr(NewsletterDelivery.objects, "bulk_create", killed)
        with pytest.raises(SystemExit):
            services.newsletter_issue_fan_out(issue_id=issue.pk, after=issue.fanout_cursor)
        assert OutgoingEmail.objects.count() == 2
        monkeypatch.undo()
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=issue.fanout_cursor)
        assert sorted(NewsletterDelivery.objects.values_list("subscriber_id", flat=True)) == [
            subscriber.pk for subscriber in subscribers
        ]
        assert OutgoingEmail.objects.count() == 3

    def test_does_not_give_a_second_delivery_to_a_subscriber_who_has_one(self):
        """The unique delivery per issue and subscriber is checked, whatever the cursor."""
        subscriber = SubscriberFactory()
        issue = NewsletterIssueFactory(sending=True)
        NewsletterDelivery.objects.create(issue=issue, subscriber=subscriber)
        batch = services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        assert batch.is_last
        assert NewsletterDelivery.objects.count() == 1


class TestNewsletterTick:
    def test_starts_a_scheduled_issue_once_its_time_has_come(self, no_throttle):
        SubscriberFactory()
        now = timezone.now()
        due = NewsletterIssueFactory(scheduled=True, scheduled_for=now - datetime.timedelta(1))
        later = NewsletterIssueFactory(scheduled=True, scheduled_for=now + datetime.timedelta(1))
        result = services.newsletter_tick(now=now)
        assert result.started == [due.pk]
        due.refresh_from_db()
        assert (due.status, due.started_by, due.recipient_count) == (IssueStatus.SENDING, None, 1)
        assert NewsletterIssue.objects.get(pk=later.pk).status == IssueStatus.SCHEDULED

    def test_takes_back_to_a_draft_a_due_issue_whose_content_is_not_what_was_approved(
        self, mailoutbox
    ):
        SubscriberFactory()
        now = timezone.now()
        issue = NewsletterIssueFactory(scheduled=True, scheduled_for=now)
        NewsletterIssue.objects.filter(pk=issue.pk).update(subject="Changed behind the approval")
        assert services.newsletter_tick(now=now).started == []
        issue.refresh_from_db()
        assert (issue.status, issue.scheduled_for, issue.approved_content_hash) == (
            IssueStatus.DRAFT,
            None,
            "",
        )
        assert verbs() == ["declaration.newsletter_issue.approval_lapsed"]
        assert not OutgoingEmail.objects.exists()

    def test_never_starts_an_issue_whose_time_passed_more_than_7_days_ago(self):
        """Scheduled jobs never backfill: a long outage of beat sends nothing old."""
        now = timezone.now()
        stale = NewsletterIssueFactory(
            scheduled=True, scheduled_for=now - datetime.timedelta(days=7, minutes=1)
        )
        assert services.newsletter_tick(now=now).started == []
        assert NewsletterIssue.objects.get(pk=stale.pk).status == IssueStatus.SCHEDULED

    def test_gives_the_same_result_when_run_again_for_the_same_time(self):
        now = timezone.now()
        NewsletterIssueFactory(scheduled=True, scheduled_for=now)
        first = services.newsletter_tick(now=now)
        second = services.newsletter_tick(now=now)
        assert len(first.started) == 1
        assert second.started == []
        assert NewsletterIssue.objects.get().status == IssueStatus.SENDING

    def test_queues_the_fan_out_again_when_it_has_stalled(
        self, settings, monkeypatch, no_throttle, django_capture_on_commit_callbacks, mailoutbox
    ):
        """A fan-out whose worker died mid-batch carries on from its cursor."""
        patch_fanout_batch_size(monkeypatch, 2)
        SubscriberFactory.create_batch(3)
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        now = timezone.now() + settings.MAIL_STUCK_AFTER + datetime.timedelta(seconds=1)
        with django_capture_on_commit_callbacks(execute=True):
            result = services.newsletter_tick(now=now)
        assert result.fan_outs_resumed == [issue.pk]
        assert NewsletterDelivery.objects.count() == 3
        assert NewsletterIssue.objects.get().is_fanned_out

    def test_leaves_a_fan_out_that_made_a_batch_recently(self, django_capture_on_commit_callbacks):
        issue = NewsletterIssueFactory(sending=True)
        with django_capture_on_commit_callbacks() as callbacks:
            result = services.newsletter_tick(now=timezone.now())
        assert result.fan_outs_resumed == []
        assert callbacks == []
        assert NewsletterIssue.objects.get(pk=issue.pk).status == IssueStatus.SENDING

    def test_marks_an_issue_sent_once_every_email_is_finished(self, no_throttle):
        SubscriberFactory.create_batch(2)
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        services.newsletter_issue_fan_out(
            issue_id=issue.pk, after=NewsletterIssue.objects.get().fanout_cursor
        )
        now = timezone.now()
        assert services.newsletter_tick(now=now).sent == []
        OutgoingEmail.objects.update(status=EmailStatus.SENT, sending_started_at=now, sent_at=now)
        assert services.newsletter_tick(now=now).sent == [issue.pk]
        issue.refresh_from_db()
        assert (issue.status, issue.sent_at) == (IssueStatus.SENT, now)
        assert "declaration.newsletter_issue.sent" in verbs()

    def test_does_nothing_when_another_run_holds_the_lock(self, other_session):
        now = timezone.now()
        NewsletterIssueFactory(scheduled=True, scheduled_for=now)
        with lock_held(other_session, services.TICK_LOCK):
            assert services.newsletter_tick(now=now) is None
            assert NewsletterIssue.objects.get().status == IssueStatus.SCHEDULED

    def test_starts_nothing_when_the_audit_event_cannot_be_saved(
        self, broken_audit, django_capture_on_commit_callbacks
    ):
        now = timezone.now()
        NewsletterIssueFactory(scheduled=True, scheduled_for=now)
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(DatabaseError),
        ):
            services.newsletter_tick(now=now)
        assert callbacks == []
        assert NewsletterIssue.objects.get().status == IssueStatus.SCHEDULED
