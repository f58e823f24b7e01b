"""Writing newsletter issues: drafts, approval, scheduling and deleting."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, IntegrityError
from django.utils import timezone

from localdigital.audit.models import AuditEvent
from newsletter import services
from newsletter.errors import (
    NotApproved,
    ReturnCommentMissing,
    ReviewerNotAllowed,
    ScheduleInPast,
    TransitionNotAllowed,
)
from newsletter.models import IssueStatus, NewsletterIssue, issue_content_hash
from tests.accounts.factories import UserFactory
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory
from tests.newsletter.support import verbs

pytestmark = pytest.mark.django_db


class TestNewsletterIssueDelete:
    @pytest.mark.parametrize("state", [{}, {"awaiting_approval": True}, {"approved": True}])
    def test_deletes_an_issue_not_yet_scheduled_and_audits_it(self, staff, state):
        issue = NewsletterIssueFactory(subject="Round 5 is open", **state)
        services.newsletter_issue_delete(issue_id=issue.pk, deleted_by=staff)
        assert not NewsletterIssue.objects.exists()
        [event] = AuditEvent.objects.all()
        assert (event.verb, event.actor, event.target_object_id, event.data) == (
            "declaration.newsletter_issue.deleted",
            staff,
            str(issue.pk),
            {"subject": "Round 5 is open"},
        )

    @pytest.mark.parametrize("state", ["scheduled", "sending", "paused", "cancelled", "sent"])
    def test_refuses_to_delete_an_issue_that_is_not_a_draft(self, staff, state):
        """An issue scheduled or sent stays, as the record of what subscribers were sent."""
        issue = NewsletterIssueFactory(**{state: True})
        with pytest.raises(TransitionNotAllowed, match="cannot be deleted"):
            services.newsletter_issue_delete(issue_id=issue.pk, deleted_by=staff)
        assert NewsletterIssue.objects.get() == issue
        assert not AuditEvent.objects.exists()

    def test_deletes_nothing_when_the_audit_event_cannot_be_saved(self, staff, broken_audit):
        issue = NewsletterIssueFactory()
        with pytest.raises(DatabaseError):
            services.newsletter_issue_delete(issue_id=issue.pk, deleted_by=staff)
        assert NewsletterIssue.objects.get() == issue


class TestNewsletterIssueWriting:
    def test_creates_a_draft_and_audits_it(self, staff):
        issue = services.newsletter_issue_create(
            subject="Round 5 is open", body="## News", created_by=staff
        )
        assert (issue.status, issue.created_by) == (IssueStatus.DRAFT, staff)
        assert verbs() == ["declaration.newsletter_issue.created"]

    def test_changes_a_draft(self, staff):
        issue = NewsletterIssueFactory()
        services.newsletter_issue_update(
            issue_id=issue.pk, subject="New subject", body="New body", changed_by=staff
        )
        issue.refresh_from_db()
        assert (issue.subject, issue.body, issue.edited_by) == ("New subject", "New body", staff)
        assert verbs() == ["declaration.newsletter_issue.changed"]

    def test_records_its_writer_as_who_last_changed_it(self, staff):
        issue = services.newsletter_issue_create(subject="News", body="News.", created_by=staff)
        assert issue.edited_by == staff

    @pytest.mark.parametrize("state", ["awaiting_approval", "approved"])
    def test_a_change_takes_an_issue_back_to_a_draft_whose_approval_must_be_asked_again(
        self, staff, state
    ):
        """An approval is of exact content: a change, even by the approver, undoes it."""
        issue = NewsletterIssueFactory(**{state: True})
        services.newsletter_issue_update(
            issue_id=issue.pk, subject=issue.subject, body="A new body", changed_by=staff
        )
        issue.refresh_from_db()
        assert (issue.status, issue.edited_by, issue.body) == (
            IssueStatus.DRAFT,
            staff,
            "A new body",
        )
        assert (issue.approved_by, issue.approved_at, issue.approved_content_hash) == (
            None,
            None,
            "",
        )
        assert (issue.approval_requested_by, issue.approval_requested_at) == (None, None)
        [event] = AuditEvent.objects.all()
        assert (event.verb, event.data) == ("declaration.newsletter_issue.changed", {"from": state})
        with pytest.raises(NotApproved, match="until another member of staff"):
            services.newsletter_issue_send(issue_id=issue.pk, sent_by=staff)

    def test_saving_the_same_subject_and_body_keeps_the_approval(self, staff):
        issue = NewsletterIssueFactory(approved=True)
        services.newsletter_issue_update(
            issue_id=issue.pk, subject=issue.subject, body=issue.body, changed_by=staff
        )
        issue.refresh_from_db()
        assert (issue.status, issue.edited_by) == (IssueStatus.APPROVED, issue.created_by)
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize("state", ["scheduled", "sending", "paused", "cancelled", "sent"])
    def test_refuses_to_change_an_issue_once_scheduled(self, staff, state):
        issue = NewsletterIssueFactory(**{state: True})
        with pytest.raises(TransitionNotAllowed):
            services.newsletter_issue_update(
                issue_id=issue.pk, subject="New subject", body="New body", changed_by=staff
            )
        assert NewsletterIssue.objects.get().subject == issue.subject

    def test_changes_nothing_when_the_audit_event_cannot_be_saved(self, staff, broken_audit):
        issue = NewsletterIssueFactory()
        with pytest.raises(DatabaseError):
            services.newsletter_issue_update(
                issue_id=issue.pk, subject="New subject", body="New body", changed_by=staff
            )
        assert NewsletterIssue.objects.get().subject == issue.subject


class TestNewsletterIssueApproval:
    """Four eyes: a draft goes for approval, and another member of staff approves it or
    returns it with a comment."""

    @pytest.fixture
    def author(self):
        return UserFactory(staff=True, groups=["Communications"])

    @pytest.fixture
    def reviewer(self):
        return UserFactory(staff=True, groups=["Communications"])

    @pytest.fixture
    def waiting(self, author):
        issue = NewsletterIssueFactory(created_by=author)
        return services.newsletter_issue_ask_for_approval(issue_id=issue.pk, asked_by=author)

    def test_asking_for_approval_records_who_asked_and_audits_it(self, author):
        issue = NewsletterIssueFactory(created_by=author)
        services.newsletter_issue_ask_for_approval(issue_id=issue.pk, asked_by=author)
        issue.refresh_from_db()
        assert (issue.status, issue.approval_requested_by) == (
            IssueStatus.AWAITING_APPROVAL,
            author,
        )
        assert issue.approval_requested_at is not None
        assert verbs() == ["declaration.newsletter_issue.approval_requested"]

    def test_any_comms_officer_may_ask_for_approval_of_anothers_draft(self, author, reviewer):
        issue = NewsletterIssueFactory(created_by=author)
        services.newsletter_issue_ask_for_approval(issue_id=issue.pk, asked_by=reviewer)
        issue.refresh_from_db()
        assert issue.approval_requested_by == reviewer

    @pytest.mark.parametrize("state", ["awaiting_approval", "approved", "scheduled", "sent"])
    def test_refuses_to_ask_for_approval_unless_a_draft(self, author, state):
        issue = NewsletterIssueFactory(**{state: True})
        with pytest.raises(TransitionNotAllowed, match="cannot be sent for approval"):
            services.newsletter_issue_ask_for_approval(issue_id=issue.pk, asked_by=author)
        assert NewsletterIssue.objects.get().status == state

    def test_asks_nothing_when_the_audit_event_cannot_be_saved(self, author, broken_audit):
        issue = NewsletterIssueFactory(created_by=author)
        with pytest.raises(DatabaseError):
            services.newsletter_issue_ask_for_approval(issue_id=issue.pk, asked_by=author)
        assert NewsletterIssue.objects.get().status == IssueStatus.DRAFT

    def test_another_member_of_staff_approves_exactly_the_content_it_has(self, waiting, reviewer):
        services.newsletter_issue_approve(issue_id=waiting.pk, approved_by=reviewer)
        issue = NewsletterIssue.objects.get()
        assert (issue.status, issue.approved_by) == (IssueStatus.APPROVED, reviewer)
        assert issue.approved_at is not None
        assert issue.approved_content_hash == issue_content_hash(
            subject=issue.subject, body=issue.body
        )
        event = AuditEvent.objects.get(verb="declaration.newsletter_issue.approved")
        assert (event.actor, event.data) == (
            reviewer,
            {"content_hash": issue.approved_content_hash},
        )

    def test_an_approved_issue_can_be_sent(self, waiting, reviewer, no_throttle, mailoutbox):
        SubscriberFactory()
        services.newsletter_issue_approve(issue_id=waiting.pk, approved_by=reviewer)
        services.newsletter_issue_send(issue_id=waiting.pk, sent_by=waiting.created_by)
        assert NewsletterIssue.objects.get().status in (IssueStatus.SENDING, IssueStatus.SENT)

    def test_refuses_approval_by_whoever_asked(self, author, reviewer):
        issue = NewsletterIssueFactory(created_by=author)
        services.newsletter_issue_ask_for_approval(issue_id=issue.pk, asked_by=reviewer)
        with pytest.raises(ReviewerNotAllowed, match="you asked for its approval"):
            services.newsletter_issue_approve(issue_id=issue.pk, approved_by=reviewer)
        assert NewsletterIssue.objects.get().status == IssueStatus.AWAITING_APPROVAL

    def test_refuses_approval_by_whoever_last_changed_it(self, waiting, reviewer):
        """Even when someone else wrote it and asked: the last change is theirs."""
        NewsletterIssue.objects.filter(pk=waiting.pk).update(edited_by=reviewer)
        with pytest.raises(ReviewerNotAllowed, match="you changed it last"):
            services.newsletter_issue_approve(issue_id=waiting.pk, approved_by=reviewer)
        assert NewsletterIssue.objects.get().status == IssueStatus.AWAITING_APPROVAL
        assert verbs() == ["declaration.newsletter_issue.approval_requested"]

    def test_refuses_approval_by_the_author_who_asked(self, waiting, author):
        with pytest.raises(ReviewerNotAllowed, match="Another member of staff"):
            services.newsletter_issue_approve(issue_id=waiting.pk, approved_by=author)

    def test_refuses_approval_by_staff_without_the_newsletter_permission(self, waiting):
        fund_manager = UserFactory(staff=True, groups=["Fund manager"])
        with pytest.raises(ReviewerNotAllowed, match="Only Communications staff"):
            services.newsletter_issue_approve(issue_id=waiting.pk, approved_by=fund_manager)
        assert NewsletterIssue.objects.get().status == IssueStatus.AWAITING_APPROVAL

    def test_a_superuser_may_approve(self, waiting):
        superuser = UserFactory(staff=True, is_superuser=True)
        services.newsletter_issue_approve(issue_id=waiting.pk, approved_by=superuser)
        assert NewsletterIssue.objects.get().status == IssueStatus.APPROVED

    @pytest.mark.parametrize("state", ["draft", "approved", "scheduled", "sent"])
    def test_refuses_approval_unless_it_waits_for_it(self, reviewer, state):
        issue = NewsletterIssueFactory(**({state: True} if state != "draft" else {}))
        with pytest.raises(TransitionNotAllowed, match="cannot be approved"):
            services.newsletter_issue_approve(issue_id=issue.pk, approved_by=reviewer)
        assert NewsletterIssue.objects.get().status == state

    def test_the_database_refuses_an_approval_by_whoever_asked(self, waiting):
        """The four eyes hold even for a write that bypasses the service."""
        with pytest.raises(IntegrityError, match="approved_by_another"):
            NewsletterIssue.objects.filter(pk=waiting.pk).update(
                approved_by=waiting.approval_requested_by
            )

    def test_approves_nothing_when_the_audit_event_cannot_be_saved(
        self, waiting, reviewer, broken_audit
    ):
        with pytest.raises(DatabaseError):
            services.newsletter_issue_approve(issue_id=waiting.pk, approved_by=reviewer)
        issue = NewsletterIssue.objects.get()
        assert (issue.status, issue.approved_by, issue.approved_content_hash) == (
            IssueStatus.AWAITING_APPROVAL,
            None,
            "",
        )

    def test_returns_it_to_a_draft_with_a_comment_shown_on_it(self, waiting, reviewer):
        services.newsletter_issue_return(
            issue_id=waiting.pk, comment="  Say when round 5 closes.  ", returned_by=reviewer
        )
        issue = NewsletterIssue.objects.get()
        assert (issue.status, issue.returned_by, issue.return_comment) == (
            IssueStatus.DRAFT,
            reviewer,
            "Say when round 5 closes.",
        )
        assert (issue.approval_requested_by, issue.approval_requested_at) == (None, None)
        event = AuditEvent.objects.get(verb="declaration.newsletter_issue.returned")
        assert (event.actor, event.data) == (reviewer, {"comment": "Say when round 5 closes."})
        with pytest.raises(NotApproved):
            services.newsletter_issue_send(issue_id=issue.pk, sent_by=reviewer)

    def test_asking_again_clears_the_comment_it_was_returned_with(self, waiting, reviewer, author):
        services.newsletter_issue_return(
            issue_id=waiting.pk, comment="Say when it closes.", returned_by=reviewer
        )
        services.newsletter_issue_ask_for_approval(issue_id=waiting.pk, asked_by=author)
        issue = NewsletterIssue.objects.get()
        assert (issue.status, issue.return_comment, issue.returned_by) == (
            IssueStatus.AWAITING_APPROVAL,
            "",
            None,
        )

    @pytest.mark.parametrize("comment", ["", "   \n "])
    def test_refuses_to_return_it_without_a_comment(self, waiting, reviewer, comment):
        with pytest.raises(ReturnCommentMissing, match="Enter a comment"):
            services.newsletter_issue_return(
                issue_id=waiting.pk, comment=comment, returned_by=reviewer
            )
        assert NewsletterIssue.objects.get().status == IssueStatus.AWAITING_APPROVAL

    def test_refuses_a_return_by_whoever_asked(self, waiting, author):
        with pytest.raises(ReviewerNotAllowed, match="cannot return this issue"):
            services.newsletter_issue_return(
                issue_id=waiting.pk, comment="Not yet", returned_by=author
            )
        assert NewsletterIssue.objects.get().status == IssueStatus.AWAITING_APPROVAL

    @pytest.mark.parametrize("state", ["draft", "approved", "sent"])
    def test_refuses_a_return_unless_it_waits_for_approval(self, reviewer, state):
        issue = NewsletterIssueFactory(**({state: True} if state != "draft" else {}))
        with pytest.raises(TransitionNotAllowed, match="cannot be returned"):
            services.newsletter_issue_return(
                issue_id=issue.pk, comment="Not yet", returned_by=reviewer
            )

    def test_returns_nothing_when_the_audit_event_cannot_be_saved(
        self, waiting, reviewer, broken_audit
    ):
        with pytest.raises(DatabaseError):
            services.newsletter_issue_return(
                issue_id=waiting.pk, comment="Not yet", returned_by=reviewer
            )
        issue = NewsletterIssue.objects.get()
        assert (issue.status, issue.return_comment) == (IssueStatus.AWAITING_APPROVAL, "")


class TestNewsletterIssueSchedule:
    def test_schedules_an_approved_issue_for_a_time_to_come(self, staff):
        issue = NewsletterIssueFactory(approved=True)
        send_at = timezone.now() + datetime.timedelta(days=2)
        services.newsletter_issue_schedule(issue_id=issue.pk, send_at=send_at, scheduled_by=staff)
        issue.refresh_from_db()
        assert (issue.status, issue.scheduled_for, issue.scheduled_by) == (
            IssueStatus.SCHEDULED,
            send_at,
            staff,
        )
        assert verbs() == ["declaration.newsletter_issue.scheduled"]

    def test_refuses_a_time_that_has_passed(self, staff):
        issue = NewsletterIssueFactory(approved=True)
        with pytest.raises(ScheduleInPast):
            services.newsletter_issue_schedule(
                issue_id=issue.pk,
                send_at=timezone.now() - datetime.timedelta(minutes=1),
                scheduled_by=staff,
            )
        assert NewsletterIssue.objects.get().status == IssueStatus.APPROVED

    @pytest.mark.parametrize("state", ["draft", "awaiting_approval"])
    def test_refuses_when_the_issue_is_not_approved(self, staff, state):
        issue = NewsletterIssueFactory(**({state: True} if state != "draft" else {}))
        with pytest.raises(NotApproved, match="cannot be scheduled until another"):
            services.newsletter_issue_schedule(
                issue_id=issue.pk,
                send_at=timezone.now() + datetime.timedelta(days=1),
                scheduled_by=staff,
            )
        assert NewsletterIssue.objects.get().status == state

    @pytest.mark.parametrize("state", ["scheduled", "sending", "paused", "cancelled", "sent"])
    def test_refuses_when_the_issue_is_scheduled_or_sent(self, staff, state):
        issue = NewsletterIssueFactory(**{state: True})
        with pytest.raises(TransitionNotAllowed):
            services.newsletter_issue_schedule(
                issue_id=issue.pk,
                send_at=timezone.now() + datetime.timedelta(days=1),
                scheduled_by=staff,
            )
        assert NewsletterIssue.objects.get().status == state

    def test_changes_nothing_when_the_audit_event_cannot_be_saved(self, staff, broken_audit):
        issue = NewsletterIssueFactory(approved=True)
        with pytest.raises(DatabaseError):
            services.newsletter_issue_schedule(
                issue_id=issue.pk,
                send_at=timezone.now() + datetime.timedelta(days=1),
                scheduled_by=staff,
            )
        assert NewsletterIssue.objects.get().status == IssueStatus.APPROVED

    def test_unschedules_a_scheduled_issue_back_to_approved(self, staff):
        """Still approved: it can be sent now, or changed, which needs approval again."""
        issue = NewsletterIssueFactory(scheduled=True)
        services.newsletter_issue_unschedule(issue_id=issue.pk, unscheduled_by=staff)
        issue.refresh_from_db()
        assert (issue.status, issue.scheduled_for) == (IssueStatus.APPROVED, None)
        assert issue.is_content_approved()

    @pytest.mark.parametrize("state", ["sending", "paused", "cancelled", "sent"])
    def test_refuses_to_unschedule_an_issue_that_is_not_scheduled(self, staff, state):
        issue = NewsletterIssueFactory(**{state: True})
        with pytest.raises(TransitionNotAllowed):
            services.newsletter_issue_unschedule(issue_id=issue.pk, unscheduled_by=staff)

    def test_unschedules_nothing_when_the_audit_event_cannot_be_saved(self, staff, broken_audit):
        issue = NewsletterIssueFactory(scheduled=True)
        with pytest.raises(DatabaseError):
            services.newsletter_issue_unschedule(issue_id=issue.pk, unscheduled_by=staff)
        assert NewsletterIssue.objects.get().status == IssueStatus.SCHEDULED
