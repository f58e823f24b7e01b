"""Sending a newsletter issue, and pausing, resuming and cancelling it."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import DatabaseError
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from localdigital.audit.models import AuditEvent
from localdigital.mail.models import EmailStatus, OutgoingEmail, Stream
from newsletter import services
from newsletter.errors import NotApproved, TransitionNotAllowed
from newsletter.models import IssueStatus, NewsletterDelivery, NewsletterIssue
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory
from tests.newsletter.support import (
    patch_audit_record,
    patch_fanout_batch_size,
)
from tests.support.audit import audit_unavailable

pytestmark = pytest.mark.django_db


class TestNewsletterIssueSend:
    @pytest.mark.parametrize("state", [{"approved": True}, {"scheduled": True}])
    def test_sends_to_every_confirmed_subscriber_once_committed(
        self, staff, state, no_throttle, django_capture_on_commit_callbacks, mailoutbox
    ):
        """Pending and unsubscribed people get nothing; each confirmed subscriber gets one."""
        confirmed = SubscriberFactory.create_batch(3)
        SubscriberFactory(pending=True)
        SubscriberFactory(unsubscribed=True)
        issue = NewsletterIssueFactory(**state)
        with django_capture_on_commit_callbacks(execute=True):
            services.newsletter_issue_send(issue_id=issue.pk, sent_by=staff)
        issue.refresh_from_db()
        # Sent as soon as its last email went.
        assert (issue.status, issue.started_by, issue.recipient_count) == (
            IssueStatus.SENT,
            staff,
            3,
        )
        assert issue.is_fanned_out
        assert sorted(message.to[0] for message in mailoutbox) == sorted(
            subscriber.email for subscriber in confirmed
        )
        assert set(OutgoingEmail.objects.values_list("stream", flat=True)) == {Stream.NEWSLETTER}

    def test_starts_all_the_same_when_the_broker_is_down(
        self, staff, monkeypatch, django_capture_on_commit_callbacks
    ):
        """The send has committed; the beat job carries the fan-out on later."""

        def broker_down(*args, **kwargs):
            raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379.")

        monkeypatch.setattr("newsletter.tasks.fan_out_newsletter_issue.apply_async", broker_down)
        issue = NewsletterIssueFactory(approved=True)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.newsletter_issue_send(issue_id=issue.pk, sent_by=staff)
        assert len(callbacks) == 1
        assert NewsletterIssue.objects.get().status == IssueStatus.SENDING

    @pytest.mark.parametrize("state", ["sending", "paused", "cancelled", "sent"])
    def test_refuses_when_the_issue_has_started_or_ended(self, staff, state):
        issue = NewsletterIssueFactory(**{state: True})
        with pytest.raises(TransitionNotAllowed):
            services.newsletter_issue_send(issue_id=issue.pk, sent_by=staff)
        assert NewsletterIssue.objects.get().status == state

    @pytest.mark.parametrize("state", ["draft", "awaiting_approval"])
    def test_refuses_unless_approved(self, staff, state, mailoutbox):
        SubscriberFactory()
        issue = NewsletterIssueFactory(**({state: True} if state != "draft" else {}))
        with pytest.raises(NotApproved, match="cannot be sent until another member"):
            services.newsletter_issue_send(issue_id=issue.pk, sent_by=staff)
        assert NewsletterIssue.objects.get().status == state
        assert not OutgoingEmail.objects.exists()
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize("state", ["approved", "scheduled"])
    def test_refuses_when_the_content_changed_since_it_was_approved(self, staff, state):
        """Only a change outside the services could do it; it is not sent all the same."""
        SubscriberFactory()
        issue = NewsletterIssueFactory(**{state: True})
        NewsletterIssue.objects.filter(pk=issue.pk).update(body="Changed behind the approval")
        with pytest.raises(NotApproved, match="changed since it was approved"):
            services.newsletter_issue_send(issue_id=issue.pk, sent_by=staff)
        assert NewsletterIssue.objects.get().status == state
        assert not OutgoingEmail.objects.exists()

    def test_starts_nothing_when_the_audit_event_cannot_be_saved(
        self, staff, broken_audit, django_capture_on_commit_callbacks
    ):
        SubscriberFactory()
        issue = NewsletterIssueFactory(approved=True)
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(DatabaseError),
        ):
            services.newsletter_issue_send(issue_id=issue.pk, sent_by=staff)
        assert callbacks == []
        assert NewsletterIssue.objects.get().status == IssueStatus.APPROVED
        assert not OutgoingEmail.objects.exists()


class TestNewsletterIssuePauseResumeCancel:
    @pytest.fixture
    def sending_issue(self, monkeypatch):
        """An issue half fanned out: 2 of 4 subscribers have a queued email."""
        patch_fanout_batch_size(monkeypatch, 2)
        SubscriberFactory.create_batch(4)
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        return issue

    def test_pausing_holds_the_emails_not_yet_sent_and_stops_the_fan_out(
        self, sending_issue, staff, mailoutbox
    ):
        sent = OutgoingEmail.objects.order_by("pk").first()
        OutgoingEmail.objects.filter(pk=sent.pk).update(
            status=EmailStatus.SENT, sending_started_at=timezone.now(), sent_at=timezone.now()
        )
        services.newsletter_issue_pause(issue_id=sending_issue.pk, paused_by=staff)
        sending_issue.refresh_from_db()
        assert (sending_issue.status, sending_issue.paused_by) == (IssueStatus.PAUSED, staff)
        assert Counter(OutgoingEmail.objects.values_list("status", flat=True)) == Counter(
            {EmailStatus.SENT: 1, EmailStatus.HELD: 1}
        )
        assert (
            services.newsletter_issue_fan_out(
                issue_id=sending_issue.pk, after=sending_issue.fanout_cursor
            )
            is None
        )
        assert NewsletterDelivery.objects.count() == 2

    def test_resuming_releases_the_held_emails_and_carries_on_the_fan_out(
        self, sending_issue, staff, no_throttle, django_capture_on_commit_callbacks, mailoutbox
    ):
        services.newsletter_issue_pause(issue_id=sending_issue.pk, paused_by=staff)
        with django_capture_on_commit_callbacks(execute=True):
            services.newsletter_issue_resume(issue_id=sending_issue.pk, resumed_by=staff)
        sending_issue.refresh_from_db()
        assert sending_issue.status == IssueStatus.SENT
        assert sending_issue.is_fanned_out
        assert len(mailoutbox) == 4
        assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}

    def test_cancelling_cancels_the_emails_not_yet_sent(self, sending_issue, staff):
        services.newsletter_issue_cancel(issue_id=sending_issue.pk, cancelled_by=staff)
        sending_issue.refresh_from_db()
        assert sending_issue.status == IssueStatus.CANCELLED
        assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {
            EmailStatus.CANCELLED
        }

    def test_cancelling_a_paused_issue_cancels_its_held_emails(self, sending_issue, staff):
        services.newsletter_issue_pause(issue_id=sending_issue.pk, paused_by=staff)
        services.newsletter_issue_cancel(issue_id=sending_issue.pk, cancelled_by=staff)
        assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {
            EmailStatus.CANCELLED
        }

    def test_cancels_a_scheduled_issue_before_it_starts(self, staff):
        issue = NewsletterIssueFactory(scheduled=True)
        services.newsletter_issue_cancel(issue_id=issue.pk, cancelled_by=staff)
        assert NewsletterIssue.objects.get().status == IssueStatus.CANCELLED

    @pytest.mark.parametrize(
        ("transition", "states"),
        [
            ("pause", ["draft", "approved", "scheduled", "paused", "cancelled", "sent"]),
            ("resume", ["draft", "approved", "scheduled", "sending", "cancelled", "sent"]),
            ("cancel", ["draft", "awaiting_approval", "approved", "cancelled", "sent"]),
        ],
    )
    def test_refuses_from_states_that_do_not_allow_it(self, staff, transition, states):
        for state in states:
            issue = NewsletterIssueFactory(**({state: True} if state != "draft" else {}))
            service = getattr(services, f"newsletter_issue_{transition}")
            actor = {"pause": "paused_by", "resume": "resumed_by", "cancel": "cancelled_by"}
            with pytest.raises(TransitionNotAllowed):
                service(issue_id=issue.pk, **{actor[transition]: staff})
            assert NewsletterIssue.objects.get(pk=issue.pk).status == state

    def test_pauses_nothing_when_the_audit_event_cannot_be_saved(
        self, sending_issue, staff, monkeypatch
    ):
        patch_audit_record(monkeypatch, audit_unavailable)
        with pytest.raises(DatabaseError):
            services.newsletter_issue_pause(issue_id=sending_issue.pk, paused_by=staff)
        assert NewsletterIssue.objects.get().status == IssueStatus.SENDING
        assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.QUEUED}

    def test_resumes_nothing_when_the_audit_event_cannot_be_saved(
        self, sending_issue, staff, monkeypatch, django_capture_on_commit_callbacks
    ):
        services.newsletter_issue_pause(issue_id=sending_issue.pk, paused_by=staff)
        patch_audit_record(monkeypatch, audit_unavailable)
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(DatabaseError),
        ):
            services.newsletter_issue_resume(issue_id=sending_issue.pk, resumed_by=staff)
        assert callbacks == []
        assert NewsletterIssue.objects.get().status == IssueStatus.PAUSED
        assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.HELD}

    def test_cancels_nothing_when_the_audit_event_cannot_be_saved(
        self, sending_issue, staff, monkeypatch
    ):
        patch_audit_record(monkeypatch, audit_unavailable)
        with pytest.raises(DatabaseError):
            services.newsletter_issue_cancel(issue_id=sending_issue.pk, cancelled_by=staff)
        assert NewsletterIssue.objects.get().status == IssueStatus.SENDING
        assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.QUEUED}
