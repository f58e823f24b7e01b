"""The buttons on a newsletter issue's admin page, which run the issue's admin actions
(newsletter/admin/issue_actions.py) on it: approval, scheduling, sending, pausing, resuming
and cancelling, and who may use and press them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from localdigital.audit.models import AuditEvent
from localdigital.mail.models import EmailStatus, OutgoingEmail
from newsletter import services
from newsletter.models import IssueStatus, NewsletterIssue
from tests.access.roles import COMMS, STAFF, SUPERUSER, UNVERIFIED_STAFF, client_for
from tests.accounts.factories import UserFactory
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory
from tests.newsletter.support import CONFIRM, action, patch_fanout_batch_size, url
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db


class TestSchedulingAndSending:
    def test_schedules_an_approved_issue_for_a_time_to_come(self, comms):
        issue = NewsletterIssueFactory(approved=True)
        response = comms.post(action("schedule", issue), {**CONFIRM, "send_at": "2099-12-01T09:30"})
        assert response["Location"] == url("change", issue)
        issue.refresh_from_db()
        assert issue.status == IssueStatus.SCHEDULED
        assert timezone.localtime(issue.scheduled_for).strftime("%Y-%m-%d %H:%M") == (
            "2099-12-01 09:30"
        )
        assert messages_of(response) == ["The issue will be sent at 9:30am on 1 December 2099."]

    @pytest.mark.parametrize(
        ("send_at", "error"),
        [
            ("", "Enter the date and time to send the issue"),
            ("next tuesday", "Enter the date and time to send the issue, like 2026-12-01 09:30"),
            ("2001-01-01T09:00", "Enter a time in the future"),
        ],
    )
    def test_schedules_nothing_and_says_why_when_the_time_is_not_right(self, comms, send_at, error):
        issue = NewsletterIssueFactory(approved=True)
        response = comms.post(action("schedule", issue), {**CONFIRM, "send_at": send_at})
        # The action's page, with the error beside the time and the time as it was typed.
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem: correct the error below." in page
        assert f'<a href="#id_send_at">{error}</a>' in page
        assert f'name="send_at" value="{send_at}"' in page if send_at else True
        assert NewsletterIssue.objects.get().status == IssueStatus.APPROVED

    def test_schedules_nothing_and_says_why_when_not_approved(self, comms):
        issue = NewsletterIssueFactory(subject="Round 5 is open")
        response = comms.post(action("schedule", issue), {**CONFIRM, "send_at": "2099-12-01T09:30"})
        assert response["Location"] == url("change", issue)
        assert messages_of(response) == [
            "Not scheduled: “Round 5 is open” (This issue cannot be scheduled until another "
            "member of staff approves it.)"
        ]
        assert NewsletterIssue.objects.get().status == IssueStatus.DRAFT

    def test_unschedules_a_scheduled_issue(self, comms):
        issue = NewsletterIssueFactory(scheduled=True)
        response = comms.post(action("unschedule", issue))
        assert NewsletterIssue.objects.get().status == IssueStatus.APPROVED
        assert messages_of(response) == [
            "The issue is unscheduled. It is still approved, and will not be sent until you "
            "schedule or send it."
        ]

    def test_asks_before_sending_then_sends_to_every_confirmed_subscriber(
        self, comms, settings, django_capture_on_commit_callbacks, mailoutbox
    ):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
        SubscriberFactory.create_batch(3)
        SubscriberFactory(pending=True)
        issue = NewsletterIssueFactory(subject="Round 5 is open", approved=True)
        question = comms.post(action("send_now", issue)).content.decode()
        assert "Send “Round 5 is open” now to 3 confirmed subscribers?" in question
        assert 'value="Send now"' in question
        assert NewsletterIssue.objects.get().status == IssueStatus.APPROVED
        with django_capture_on_commit_callbacks(execute=True):
            response = comms.post(action("send_now", issue), CONFIRM)
        assert response["Location"] == url("change", issue)
        assert messages_of(response) == ["The issue is being sent."]
        assert len(mailoutbox) == 3
        # With every email gone, it is sent at once, and offers no cancelling.
        assert NewsletterIssue.objects.get().status == IssueStatus.SENT
        page = comms.get(url("change", issue)).content.decode()
        assert "Cancel the issue…" not in page

    def test_says_why_when_the_issue_cannot_be_sent(self, comms):
        issue = NewsletterIssueFactory(subject="Round 5 is open", sent=True)
        response = comms.post(action("send_now", issue), CONFIRM)
        assert response["Location"] == url("change", issue)
        assert messages_of(response) == [
            "Not sent: “Round 5 is open” (This issue cannot be sent: it is sent.)"
        ]

    @pytest.mark.parametrize("state", [{}, {"awaiting_approval": True}])
    def test_sends_nothing_and_says_why_when_not_approved(self, comms, state, mailoutbox):
        SubscriberFactory()
        issue = NewsletterIssueFactory(subject="Round 5 is open", **state)
        response = comms.post(action("send_now", issue), CONFIRM)
        assert response["Location"] == url("change", issue)
        assert messages_of(response) == [
            "Not sent: “Round 5 is open” (This issue cannot be sent until another member of "
            "staff approves it.)"
        ]
        assert NewsletterIssue.objects.get().status == issue.status
        assert not OutgoingEmail.objects.exists()

    def test_pauses_resumes_and_cancels_from_the_buttons(self, comms, monkeypatch):
        patch_fanout_batch_size(monkeypatch, 1)
        SubscriberFactory.create_batch(2)
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        comms.post(action("pause", issue))
        assert NewsletterIssue.objects.get().status == IssueStatus.PAUSED
        assert OutgoingEmail.objects.get().status == EmailStatus.HELD
        comms.post(action("resume", issue))
        assert NewsletterIssue.objects.get().status == IssueStatus.SENDING
        question = comms.post(action("cancel", issue)).content.decode()
        assert f"Cancel “{issue.subject}”?" in question
        assert "Nothing more of it will be sent, and it cannot be restarted." in question
        assert NewsletterIssue.objects.get().status == IssueStatus.SENDING
        comms.post(action("cancel", issue), CONFIRM)
        assert NewsletterIssue.objects.get().status == IssueStatus.CANCELLED
        assert OutgoingEmail.objects.get().status == EmailStatus.CANCELLED

    def test_shows_only_the_buttons_the_issue_allows(self, comms):
        draft = comms.get(url("change", NewsletterIssueFactory())).content.decode()
        assert "Send a test to" in draft and 'value="Ask for approval"' in draft
        assert "Send now" not in draft and 'value="Schedule"' not in draft
        assert 'value="Pause"' not in draft
        assert 'name="_save"' in draft
        approved = comms.get(url("change", NewsletterIssueFactory(approved=True))).content
        approved_page = approved.decode()
        assert "Send a test to" in approved_page and "Send now" in approved_page
        assert 'value="Schedule"' in approved_page
        assert 'value="Ask for approval"' not in approved_page
        sending = comms.get(url("change", NewsletterIssueFactory(sending=True))).content.decode()
        assert 'value="Pause"' in sending and "Cancel the issue" in sending
        assert "Send now" not in sending
        # Sent before approval existed: there is nothing to say about its approval.
        assert 'id="newsletter-approval"' not in sending
        assert "newsletter-progress.js" in sending


class TestApproval:
    """Four eyes from the issue's page: its author asks, another comms officer approves it
    or returns it with a comment; the author is never offered, nor allowed, the approval."""

    @pytest.fixture
    def reviewer(self, otp_verified_client_for):
        user = UserFactory(staff=True, groups=["Communications"])
        client = otp_verified_client_for(user)
        client.user = user
        return client

    @pytest.fixture
    def waiting(self, comms):
        issue = NewsletterIssueFactory(created_by=comms.user)
        response = comms.post(action("ask_for_approval", issue))
        assert messages_of(response) == [
            "Approval asked for. Another member of staff must approve the issue before it "
            "can be sent or scheduled."
        ]
        issue.refresh_from_db()
        assert (issue.status, issue.approval_requested_by) == (
            IssueStatus.AWAITING_APPROVAL,
            comms.user,
        )
        comms.get(url("change", issue))  # shows, and so clears, the message
        return issue

    def test_the_author_who_asked_is_offered_no_approval_and_told_why(self, comms, waiting):
        page = comms.get(url("change", waiting)).content.decode()
        assert 'value="Approve"' not in page
        assert 'value="Return to draft"' not in page
        assert "Another member of staff must approve it: not you" in page
        assert "Send now" not in page
        assert "Send a test to" in page

    def test_the_author_who_asked_cannot_approve_by_posting_and_is_told_why(self, comms, waiting):
        response = comms.post(action("approve", waiting))
        assert response["Location"] == url("change", waiting)
        assert messages_of(response) == [
            f"Not approved: “{waiting.subject}” (You cannot approve this issue, because you "
            "changed it last. Another member of staff must do it.)"
        ]
        assert NewsletterIssue.objects.get().status == IssueStatus.AWAITING_APPROVAL

    def test_another_comms_officer_approves_it_and_it_can_then_be_sent(
        self, comms, reviewer, waiting
    ):
        page = reviewer.get(url("change", waiting)).content.decode()
        assert 'value="Approve"' in page and 'value="Return to draft"' in page
        assert f"Approval was asked for by {comms.user.email}" in page
        response = reviewer.post(action("approve", waiting))
        assert messages_of(response) == [
            "The issue is approved. It can now be sent or scheduled; a change to it needs "
            "approval again."
        ]
        issue = NewsletterIssue.objects.get()
        assert (issue.status, issue.approved_by) == (IssueStatus.APPROVED, reviewer.user)
        author_page = comms.get(url("change", issue)).content.decode()
        assert f"Approved by {reviewer.user.email} at " in author_page
        assert "Send now" in author_page
        assert "makes it a draft again, which needs approval again" in author_page

    def test_another_comms_officer_returns_it_with_a_comment_its_author_reads(
        self, comms, reviewer, waiting
    ):
        response = reviewer.post(
            action("return_to_draft", waiting),
            {**CONFIRM, "comment": "Say when round 5 closes, please."},
        )
        assert messages_of(response) == [
            "The issue is a draft again, with your comment for its author."
        ]
        assert NewsletterIssue.objects.get().status == IssueStatus.DRAFT
        page = comms.get(url("change", waiting)).content.decode()
        assert f"Returned by {reviewer.user.email} at " in page
        assert "Say when round 5 closes, please." in page
        assert 'value="Ask for approval"' in page

    def test_returns_nothing_and_says_why_without_a_comment(self, reviewer, waiting):
        response = reviewer.post(action("return_to_draft", waiting), {**CONFIRM, "comment": "  "})
        # The action's page, with the error beside the comment, to write it there.
        assert response.status_code == 200
        page = response.content.decode()
        assert '<a href="#id_comment">Enter a comment saying what needs to change</a>' in page
        assert 'value="Return to draft"' in page
        assert NewsletterIssue.objects.get().status == IssueStatus.AWAITING_APPROVAL

    def test_changing_an_approved_issue_makes_it_a_draft_that_needs_approval_again(
        self, comms, reviewer, waiting
    ):
        reviewer.post(action("approve", waiting))
        response = comms.post(
            url("change", waiting), {"subject": waiting.subject, "body": "A late change"}
        )
        assert response.status_code == 302
        issue = NewsletterIssue.objects.get()
        assert (issue.status, issue.body, issue.approved_by) == (
            IssueStatus.DRAFT,
            "A late change",
            None,
        )
        comms.get(url("change", issue))
        response = comms.post(action("send_now", issue), CONFIRM)
        assert messages_of(response) == [
            f"Not sent: “{issue.subject}” (This issue cannot be sent until another member of "
            "staff approves it.)"
        ]

    def test_the_list_filters_the_issues_waiting_for_approval(self, comms, waiting):
        NewsletterIssueFactory(subject="Another draft")
        response = comms.get(
            reverse("admin:newsletter_newsletterissue_changelist"),
            {"status__exact": "awaiting_approval"},
        )
        assert [issue.pk for issue in response.context["cl"].result_list] == [waiting.pk]
        assert "Waiting for approval" in response.content.decode()


def address(name: str, issue: NewsletterIssue) -> str:
    """Return where a button posts: the test's own address, or the action's."""
    return url("test", issue) if name == "test" else action(name, issue)


class TestWhoMayUseTheButtons:
    @pytest.mark.parametrize(
        ("method", "name"),
        [
            ("get", "preview"),
            ("get", "progress"),
            ("post", "test"),
            ("post", "send_now"),
            ("post", "pause"),
            ("post", "schedule"),
            ("post", "cancel"),
        ],
    )
    def test_staff_outside_communications_are_refused(self, fund_manager, method, name):
        issue = NewsletterIssueFactory(sending=True)
        where = url(name, issue) if method == "get" else address(name, issue)
        data = {**CONFIRM, "to": "me", "send_at": "2099-12-01T09:30"}
        assert getattr(fund_manager, method)(where, data).status_code == 403
        assert NewsletterIssue.objects.get().status == IssueStatus.SENDING
        assert not OutgoingEmail.objects.exists()

    def test_the_public_is_sent_to_sign_in(self, client):
        issue = NewsletterIssueFactory()
        for where in (url("preview", issue), url("progress", issue), action("send_now", issue)):
            response = client.get(where)
            assert response.status_code == 302, where
        assert client.post(action("send_now", issue), CONFIRM).status_code == 302
        assert NewsletterIssue.objects.get().status == IssueStatus.DRAFT

    def test_an_unknown_issue_is_not_found(self, comms):
        assert comms.get(
            reverse("admin:newsletter_newsletterissue_preview", args=[999])
        ).status_code == (404)
        assert comms.post(action("pause", NewsletterIssue(pk=999))).status_code == 404


# Each button, with the issue state it acts on, what it posts, and the state it leaves.
BUTTONS: dict[str, tuple[dict[str, object], dict[str, str], str]] = {
    "test": ({}, {"to": "me"}, IssueStatus.DRAFT),
    "ask_for_approval": ({}, {}, IssueStatus.AWAITING_APPROVAL),
    "approve": ({"awaiting_approval": True}, {}, IssueStatus.APPROVED),
    "return_to_draft": (
        {"awaiting_approval": True},
        {**CONFIRM, "comment": "Say when it closes."},
        IssueStatus.DRAFT,
    ),
    "schedule": (
        {"approved": True},
        {**CONFIRM, "send_at": "2099-12-01T09:30"},
        IssueStatus.SCHEDULED,
    ),
    "unschedule": ({"scheduled": True}, {}, IssueStatus.APPROVED),
    "send_now": ({"approved": True}, CONFIRM, IssueStatus.SENDING),
    "pause": ({"sending": True}, {}, IssueStatus.PAUSED),
    "resume": ({"paused": True}, {}, IssueStatus.SENDING),
    "cancel": ({"sending": True}, CONFIRM, IssueStatus.CANCELLED),
}


class TestWhoMayPressTheButtons:
    """Every button, POSTed as every kind of staff: only Communications and superusers act."""

    @pytest.mark.parametrize("name", BUTTONS)
    @pytest.mark.parametrize("role", [*STAFF, *UNVERIFIED_STAFF])
    def test_only_communications_and_superusers_act(self, role, name):
        state, data, after = BUTTONS[name]
        issue = NewsletterIssueFactory(**state)
        before = issue.status
        response = client_for(role).post(address(name, issue), data)
        issue.refresh_from_db()
        if role in (COMMS, SUPERUSER):
            assert response["Location"] == url("change", issue)
            assert issue.status == after
            assert AuditEvent.objects.filter(target_object_id=str(issue.pk)).exists()
            if name == "test":
                assert OutgoingEmail.objects.exists()
            return
        if role in UNVERIFIED_STAFF:
            # Sent to sign in with a second factor first.
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
        else:
            assert response.status_code == 403
        assert issue.status == before
        assert not AuditEvent.objects.filter(target_object_id=str(issue.pk)).exists()
        assert not OutgoingEmail.objects.exists()
