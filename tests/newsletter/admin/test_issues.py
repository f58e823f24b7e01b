"""Newsletter issues in the admin: write, preview, test, schedule or send, follow, pause, resume,
cancel; and the subscriber list."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from localdigital.audit.models import AuditEvent
from localdigital.mail.models import EmailStatus, OutgoingEmail
from newsletter import services
from newsletter.admin.issues import NewsletterIssueAdmin
from newsletter.models import IssueStatus, NewsletterIssue, NewsletterTestGroup
from newsletter.selectors import newsletter as selectors
from tests.access.roles import COMMS, STAFF, SUPERUSER, UNVERIFIED_STAFF, client_for
from tests.accounts.factories import UserFactory
from tests.mail.factories import SuppressionFactory
from tests.newsletter.factories import (
    NewsletterIssueFactory,
    NewsletterTestGroupFactory,
    SubscriberFactory,
)
from tests.newsletter.support import patch_fanout_batch_size

pytestmark = pytest.mark.django_db


@pytest.fixture
def comms(otp_verified_client_for):
    user = UserFactory(staff=True, groups=["Communications"])
    client = otp_verified_client_for(user)
    client.user = user
    return client


@pytest.fixture
def fund_manager(otp_verified_client_for):
    return otp_verified_client_for(UserFactory(staff=True, groups=["Fund manager"]))


def url(name: str, issue: NewsletterIssue) -> str:
    return reverse(f"admin:newsletter_newsletterissue_{name}", args=[issue.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


class TestWritingAnIssue:
    def test_communications_write_a_draft_through_the_audited_service(self, comms):
        response = comms.post(
            reverse("admin:newsletter_newsletterissue_add"),
            {"subject": " Round 5 is open ", "body": "## News\n\nThe fund is open."},
        )
        assert response.status_code == 302
        issue = NewsletterIssue.objects.get()
        assert (issue.subject, issue.status, issue.created_by) == (
            "Round 5 is open",
            IssueStatus.DRAFT,
            comms.user,
        )
        assert AuditEvent.objects.filter(verb="declaration.newsletter_issue.created").exists()

    @pytest.mark.parametrize(
        ("data", "error"),
        [
            ({"subject": "", "body": "News"}, "This field is required."),
            ({"subject": "   ", "body": "News"}, "This field is required."),
            ({"subject": "News", "body": "  \n "}, "This field is required."),
            ({"subject": "x" * 201, "body": "News"}, "at most 200 characters"),
        ],
    )
    def test_saves_nothing_and_shows_the_error_when_invalid(self, comms, data, error):
        response = comms.post(reverse("admin:newsletter_newsletterissue_add"), data)
        assert response.status_code == 200
        assert error in response.content.decode()
        assert not NewsletterIssue.objects.exists()

    def test_changes_a_draft(self, comms):
        issue = NewsletterIssueFactory()
        response = comms.post(url("change", issue), {"subject": "New subject", "body": "New"})
        assert response.status_code == 302
        assert NewsletterIssue.objects.get().subject == "New subject"

    def test_shows_an_issue_that_has_started_read_only(self, comms):
        issue = NewsletterIssueFactory(sending=True)
        response = comms.get(url("change", issue))
        content = response.content.decode()
        assert response.status_code == 200
        assert 'name="subject"' not in content
        assert 'name="_save"' not in content
        response = comms.post(url("change", issue), {"subject": "Changed", "body": "Changed"})
        assert messages_of(response) == [
            "Nothing was saved. This issue cannot be changed: it is sending."
        ]
        assert NewsletterIssue.objects.get().subject == issue.subject

    def test_only_a_superuser_deletes_and_only_a_draft(self, comms, otp_verified_superuser_client):
        draft, sent = NewsletterIssueFactory(), NewsletterIssueFactory(sent=True)
        assert comms.get(url("delete", draft)).status_code == 403
        assert otp_verified_superuser_client.get(url("delete", sent)).status_code == 403
        assert otp_verified_superuser_client.post(
            url("delete", sent), {"post": "yes"}
        ).status_code == (403)
        response = otp_verified_superuser_client.post(url("delete", draft), {"post": "yes"})
        assert response.status_code == 302
        assert list(NewsletterIssue.objects.all()) == [sent]
        # Through the audited service.
        assert AuditEvent.objects.filter(
            verb="declaration.newsletter_issue.deleted", target_object_id=str(draft.pk)
        ).exists()

    def test_offers_no_bulk_delete_which_would_bypass_the_service(
        self, otp_verified_superuser_client
    ):
        """The changelist has no actions: delete_selected deletes a queryset, unaudited."""
        draft = NewsletterIssueFactory()
        changelist = reverse("admin:newsletter_newsletterissue_changelist")
        page = otp_verified_superuser_client.get(changelist).content.decode()
        assert 'name="action"' not in page
        assert "delete_selected" not in page
        otp_verified_superuser_client.post(
            changelist, {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"}
        )
        assert list(NewsletterIssue.objects.all()) == [draft]
        assert not AuditEvent.objects.filter(verb="declaration.newsletter_issue.deleted").exists()

    def test_deletes_nothing_and_says_why_when_the_issue_left_the_drafts_meanwhile(
        self, otp_verified_superuser_client, monkeypatch
    ):
        """The page was opened while it was a draft; it started sending before the click."""
        issue = NewsletterIssueFactory(sending=True)
        # As the page's own check saw it, before the issue left the drafts.
        monkeypatch.setattr(
            NewsletterIssueAdmin, "has_delete_permission", lambda self, request, obj=None: True
        )
        response = otp_verified_superuser_client.post(url("delete", issue), {"post": "yes"})
        assert response["Location"] == url("change", issue)
        assert messages_of(response) == [
            "Nothing was deleted. This issue cannot be deleted: it is sending."
        ]
        assert NewsletterIssue.objects.get() == issue


class TestPreviewAndTest:
    def test_previews_the_issue_as_html_and_text_with_raw_html_escaped(self, comms):
        issue = NewsletterIssueFactory(body="## Round 5\n\n<script>alert(1)</script>")
        response = comms.get(url("preview", issue))
        content = response.content.decode()
        assert response.status_code == 200
        assert "<h2>Round 5</h2>" in content
        assert "<script>alert(1)</script>" not in content
        assert content.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2

    def test_sends_a_test_to_the_member_of_staff(
        self, comms, django_capture_on_commit_callbacks, mailoutbox
    ):
        issue = NewsletterIssueFactory(subject="Round 5 is open")
        with django_capture_on_commit_callbacks(execute=True):
            response = comms.post(url("test", issue), {"to": "me"})
        assert response["Location"] == url("change", issue)
        assert messages_of(response) == [f"A test of this issue was sent to {comms.user.email}."]
        [message] = mailoutbox
        assert (message.to, message.subject) == ([comms.user.email], "TEST: Round 5 is open")

    def test_offers_each_test_group_and_the_member_of_staff_alone(self, comms):
        NewsletterTestGroupFactory(name="Comms team")
        NewsletterTestGroupFactory(name="Board", recipients=["chair@communities.gov.uk"])
        page = comms.get(url("change", NewsletterIssueFactory())).content.decode()
        assert '<label for="id_to">Send a test to</label>' in page
        assert page.index(">Board (1 person)<") < page.index(">Comms team (2 people)<")
        assert f'<option value="me">Only me ({comms.user.email})</option>' in page
        assert reverse("admin:newsletter_newslettertestgroup_changelist") in page

    def test_sends_a_test_to_every_person_of_the_group_and_leaves_the_issue_as_it_is(
        self, comms, django_capture_on_commit_callbacks, mailoutbox
    ):
        group = NewsletterTestGroupFactory(name="Comms team")
        issue = NewsletterIssueFactory(subject="Round 5 is open")
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                response = comms.post(url("test", issue), {"to": str(group.pk)})
            assert response["Location"] == url("change", issue)
        assert messages_of(response) == 2 * [
            "A test of this issue was sent to Comms team: press.office@communities.gov.uk, "
            "digital.comms@communities.gov.uk."
        ]
        # Repeatable: each press sends the test again.
        assert sorted(message.to[0] for message in mailoutbox) == sorted(group.recipients * 2)
        assert {message.subject for message in mailoutbox} == {"TEST: Round 5 is open"}
        issue.refresh_from_db()
        assert (issue.status, issue.started_at, issue.recipient_count) == (
            IssueStatus.DRAFT,
            None,
            0,
        )
        assert not issue.deliveries.exists()

    @pytest.mark.parametrize("to", ["", "not-a-group", "999999"])
    def test_sends_nothing_and_says_why_when_no_group_is_chosen(self, comms, to, mailoutbox):
        issue = NewsletterIssueFactory()
        response = comms.post(url("test", issue), {"to": to})
        assert response["Location"] == url("change", issue)
        assert messages_of(response) == ["No test was sent. Choose who to send the test to."]
        assert not OutgoingEmail.objects.exists()

    def test_sends_nothing_and_says_why_when_the_group_was_deleted_meanwhile(
        self, comms, monkeypatch
    ):
        group = NewsletterTestGroupFactory()
        issue = NewsletterIssueFactory()
        # As the page's form saw it, before the group was deleted.
        groups = list(selectors.newsletter_test_group_choices())
        monkeypatch.setattr(selectors, "newsletter_test_group_choices", lambda: groups)
        NewsletterTestGroup.objects.filter(pk=group.pk).delete()
        response = comms.post(url("test", issue), {"to": str(group.pk)})
        assert messages_of(response) == [
            "No test was sent. That test group has been deleted. Choose another."
        ]
        assert not OutgoingEmail.objects.exists()

    def test_refuses_a_get_of_the_buttons_that_change_things(self, comms):
        issue = NewsletterIssueFactory()
        for name in (
            "test",
            "ask_for_approval",
            "approve",
            "return",
            "schedule",
            "unschedule",
            "pause",
            "resume",
        ):
            assert comms.get(url(name, issue)).status_code == 405, name


class TestSchedulingAndSending:
    def test_schedules_an_approved_issue_for_a_time_to_come(self, comms):
        issue = NewsletterIssueFactory(approved=True)
        response = comms.post(url("schedule", issue), {"send_at": "2099-12-01T09:30"})
        assert response.status_code == 302
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
        response = comms.post(url("schedule", issue), {"send_at": send_at})
        assert response["Location"] == url("change", issue)
        assert messages_of(response) == [f"The issue was not scheduled. {error}."]
        assert NewsletterIssue.objects.get().status == IssueStatus.APPROVED

    def test_schedules_nothing_and_says_why_when_not_approved(self, comms):
        issue = NewsletterIssueFactory()
        response = comms.post(url("schedule", issue), {"send_at": "2099-12-01T09:30"})
        assert response["Location"] == url("change", issue)
        assert messages_of(response) == [
            "This issue cannot be scheduled until another member of staff approves it."
        ]
        assert NewsletterIssue.objects.get().status == IssueStatus.DRAFT

    def test_unschedules_a_scheduled_issue(self, comms):
        issue = NewsletterIssueFactory(scheduled=True)
        response = comms.post(url("unschedule", issue))
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
        question = comms.get(url("send", issue)).content.decode()
        assert "Send “Round 5 is open” now to 3 confirmed subscribers?" in question
        assert NewsletterIssue.objects.get().status == IssueStatus.APPROVED
        with django_capture_on_commit_callbacks(execute=True):
            response = comms.post(url("send", issue))
        assert messages_of(response) == ["The issue is being sent."]
        assert len(mailoutbox) == 3
        # With every email gone, it is sent at once, and offers no cancelling.
        assert NewsletterIssue.objects.get().status == IssueStatus.SENT
        page = comms.get(url("change", issue)).content.decode()
        assert "Cancel the issue…" not in page

    def test_says_why_when_the_issue_cannot_be_sent(self, comms):
        issue = NewsletterIssueFactory(sent=True)
        response = comms.post(url("send", issue))
        assert response["Location"] == url("change", issue)
        assert messages_of(response) == ["This issue cannot be sent: it is sent."]

    @pytest.mark.parametrize("state", [{}, {"awaiting_approval": True}])
    def test_sends_nothing_and_says_why_when_not_approved(self, comms, state, mailoutbox):
        SubscriberFactory()
        issue = NewsletterIssueFactory(**state)
        response = comms.post(url("send", issue))
        assert response["Location"] == url("change", issue)
        assert messages_of(response) == [
            "This issue cannot be sent until another member of staff approves it."
        ]
        assert NewsletterIssue.objects.get().status == issue.status
        assert not OutgoingEmail.objects.exists()

    def test_pauses_resumes_and_cancels_from_the_buttons(self, comms, monkeypatch):
        patch_fanout_batch_size(monkeypatch, 1)
        SubscriberFactory.create_batch(2)
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        comms.post(url("pause", issue))
        assert NewsletterIssue.objects.get().status == IssueStatus.PAUSED
        assert OutgoingEmail.objects.get().status == EmailStatus.HELD
        comms.post(url("resume", issue))
        assert NewsletterIssue.objects.get().status == IssueStatus.SENDING
        assert "Cancel “" in comms.get(url("cancel", issue)).content.decode()
        comms.post(url("cancel", issue))
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
        response = comms.post(url("ask_for_approval", issue))
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
        response = comms.post(url("approve", waiting))
        assert response["Location"] == url("change", waiting)
        assert messages_of(response) == [
            "You cannot approve this issue, because you changed it last. "
            "Another member of staff must do it."
        ]
        assert NewsletterIssue.objects.get().status == IssueStatus.AWAITING_APPROVAL

    def test_another_comms_officer_approves_it_and_it_can_then_be_sent(
        self, comms, reviewer, waiting
    ):
        page = reviewer.get(url("change", waiting)).content.decode()
        assert 'value="Approve"' in page and 'value="Return to draft"' in page
        assert f"Approval was asked for by {comms.user.email}" in page
        response = reviewer.post(url("approve", waiting))
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
            url("return", waiting), {"comment": "Say when round 5 closes, please."}
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
        response = reviewer.post(url("return", waiting), {"comment": "  "})
        assert response["Location"] == url("change", waiting)
        assert messages_of(response) == ["Enter a comment saying what needs to change"]
        assert NewsletterIssue.objects.get().status == IssueStatus.AWAITING_APPROVAL

    def test_changing_an_approved_issue_makes_it_a_draft_that_needs_approval_again(
        self, comms, reviewer, waiting
    ):
        reviewer.post(url("approve", waiting))
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
        response = comms.post(url("send", issue))
        assert messages_of(response) == [
            "This issue cannot be sent until another member of staff approves it."
        ]

    def test_the_list_filters_the_issues_waiting_for_approval(self, comms, waiting):
        NewsletterIssueFactory(subject="Another draft")
        response = comms.get(
            reverse("admin:newsletter_newsletterissue_changelist"),
            {"status__exact": "awaiting_approval"},
        )
        assert [issue.pk for issue in response.context["cl"].result_list] == [waiting.pk]
        assert "Waiting for approval" in response.content.decode()


class TestProgress:
    def test_reports_sent_failed_skipped_and_total_as_json(self, comms, monkeypatch):
        patch_fanout_batch_size(monkeypatch, 10)
        SubscriberFactory.create_batch(4)
        SubscriberFactory(email="bounced@borsetshire.gov.uk")
        SuppressionFactory(email="bounced@borsetshire.gov.uk")
        issue = NewsletterIssueFactory(sending=True, recipient_count=5)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        now = timezone.now()
        emails = list(OutgoingEmail.objects.order_by("pk"))
        OutgoingEmail.objects.filter(pk__in=[emails[0].pk, emails[1].pk]).update(
            status=EmailStatus.SENT, sending_started_at=now, sent_at=now
        )
        OutgoingEmail.objects.filter(pk=emails[2].pk).update(
            status=EmailStatus.FAILED, sending_started_at=now, failed_at=now
        )
        response = comms.get(url("progress", issue))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert response.json() == {
            "status": "sending",
            "status_label": "Sending",
            "total": 5,
            "sent": 2,
            "failed": 1,
            "skipped": 1,
            "cancelled": 0,
            "waiting": 1,
            "done": 4,
            "percent": 80,
            "is_active": True,
        }
        page = comms.get(url("change", issue)).content.decode()
        assert '<progress id="newsletter-progress" max="5" value="4">' in page
        assert 'data-newsletter-progress-url="' + url("progress", issue) in page

    def test_counts_the_subscribers_not_yet_fanned_out_as_waiting(self, comms):
        SubscriberFactory.create_batch(3)
        issue = NewsletterIssueFactory(sending=True, recipient_count=3)
        progress = comms.get(url("progress", issue)).json()
        assert (progress["total"], progress["waiting"], progress["percent"]) == (3, 3, 0)

    def test_a_draft_reports_the_confirmed_subscribers_it_would_go_to(self, comms):
        SubscriberFactory.create_batch(2)
        SubscriberFactory(unsubscribed=True)
        progress = comms.get(url("progress", NewsletterIssueFactory())).json()
        assert (progress["status"], progress["total"], progress["is_active"]) == (
            "draft",
            2,
            False,
        )


class TestWhoMayUseTheButtons:
    @pytest.mark.parametrize(
        "name", ["preview", "progress", "send", "cancel", "test", "pause", "schedule"]
    )
    def test_staff_outside_communications_are_refused(self, fund_manager, name):
        issue = NewsletterIssueFactory(sending=True)
        method = (
            fund_manager.get
            if name in ("preview", "progress", "send", "cancel")
            else (fund_manager.post)
        )
        assert method(url(name, issue)).status_code == 403
        assert NewsletterIssue.objects.get().status == IssueStatus.SENDING
        assert not OutgoingEmail.objects.exists()

    def test_the_public_is_sent_to_sign_in(self, client):
        issue = NewsletterIssueFactory()
        for name in ("preview", "progress", "send"):
            response = client.get(url(name, issue))
            assert response.status_code == 302, name
        assert client.post(url("send", issue)).status_code == 302
        assert NewsletterIssue.objects.get().status == IssueStatus.DRAFT

    def test_an_unknown_issue_is_not_found(self, comms):
        assert comms.get(
            reverse("admin:newsletter_newsletterissue_preview", args=[999])
        ).status_code == (404)


# Each button, with the issue state it acts on, what it posts, and the state it leaves.
BUTTONS: dict[str, tuple[dict[str, object], dict[str, str], str]] = {
    "test": ({}, {"to": "me"}, IssueStatus.DRAFT),
    "ask_for_approval": ({}, {}, IssueStatus.AWAITING_APPROVAL),
    "approve": ({"awaiting_approval": True}, {}, IssueStatus.APPROVED),
    "return": ({"awaiting_approval": True}, {"comment": "Say when it closes."}, IssueStatus.DRAFT),
    "schedule": ({"approved": True}, {"send_at": "2099-12-01T09:30"}, IssueStatus.SCHEDULED),
    "unschedule": ({"scheduled": True}, {}, IssueStatus.APPROVED),
    "send": ({"approved": True}, {}, IssueStatus.SENDING),
    "pause": ({"sending": True}, {}, IssueStatus.PAUSED),
    "resume": ({"paused": True}, {}, IssueStatus.SENDING),
    "cancel": ({"sending": True}, {}, IssueStatus.CANCELLED),
}


class TestWhoMayPressTheButtons:
    """Every button, POSTed as every kind of staff: only Communications and superusers act."""

    @pytest.mark.parametrize("name", BUTTONS)
    @pytest.mark.parametrize("role", [*STAFF, *UNVERIFIED_STAFF])
    def test_only_communications_and_superusers_act(self, role, name):
        state, data, after = BUTTONS[name]
        issue = NewsletterIssueFactory(**state)
        before = issue.status
        response = client_for(role).post(url(name, issue), data)
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


class TestSubscriberAdmin:
    def test_communications_see_subscribers_but_change_nothing(self, comms):
        subscriber = SubscriberFactory(email="clerk@stockport.gov.uk")
        changelist = comms.get(reverse("admin:newsletter_subscriber_changelist"))
        assert "clerk@stockport.gov.uk" in changelist.content.decode()
        change_url = reverse("admin:newsletter_subscriber_change", args=[subscriber.pk])
        page = comms.get(change_url).content.decode()
        assert 'name="email"' not in page
        comms.post(change_url, {"email": "someone@else.gov.uk", "status": "pending"})
        subscriber.refresh_from_db()
        assert subscriber.email == "clerk@stockport.gov.uk"

    def test_nobody_adds_a_subscriber_by_hand(self, otp_verified_superuser_client):
        response = otp_verified_superuser_client.get(reverse("admin:newsletter_subscriber_add"))
        assert response.status_code == 403


GROUPS = "admin:newsletter_newslettertestgroup"


class TestTestGroups:
    """Communications keep the test groups; every change goes through an audited service."""

    def test_communications_make_a_group_of_addresses_one_a_line(self, comms):
        response = comms.post(
            reverse(f"{GROUPS}_add"),
            {
                "name": " Comms team ",
                "recipients": "press.office@communities.gov.uk\n\n"
                "Digital.Comms@communities.gov.uk\ndigital.comms@communities.gov.uk\n",
            },
        )
        assert response.status_code == 302
        group = NewsletterTestGroup.objects.get()
        assert (group.name, group.recipients) == (
            "Comms team",
            ["press.office@communities.gov.uk", "Digital.Comms@communities.gov.uk"],
        )
        event = AuditEvent.objects.get(verb="declaration.newsletter_test_group.created")
        assert (event.actor, event.data["recipients"]) == (comms.user, group.recipients)

    def test_shows_the_addresses_one_a_line_to_change_them(self, comms):
        group = NewsletterTestGroupFactory()
        page = comms.get(reverse(f"{GROUPS}_change", args=[group.pk])).content.decode()
        assert (
            ">\npress.office@communities.gov.uk\ndigital.comms@communities.gov.uk</textarea>"
            in page
        )
        assert '<label class="required" for="id_recipients">Email addresses:</label>' in page

    @pytest.mark.parametrize(
        ("data", "error"),
        [
            ({"name": "", "recipients": "a@communities.gov.uk"}, "Enter a name for the test group"),
            ({"name": "  ", "recipients": "a@communities.gov.uk"}, "Enter a name for the test"),
            ({"name": "Comms", "recipients": ""}, "Enter at least one email address"),
            ({"name": "Comms", "recipients": " \n \n"}, "Enter at least one email address"),
            (
                {"name": "Comms", "recipients": "a@communities.gov.uk\nnot an address"},
                "Enter each email address in the correct format, like name@example.gov.uk: "
                "not an address is not",
            ),
            (
                {
                    "name": "Comms",
                    "recipients": "\n".join(f"p{n}@communities.gov.uk" for n in range(51)),
                },
                "A test group can have at most 50 email addresses",
            ),
            (
                {"name": "COMMS TEAM", "recipients": "a@communities.gov.uk"},
                "There is already a test group with this name.",
            ),
        ],
    )
    def test_saves_nothing_and_shows_why_beside_the_field_with_the_answers_kept(
        self, comms, data, error
    ):
        NewsletterTestGroupFactory(name="Comms team")
        response = comms.post(reverse(f"{GROUPS}_add"), data)
        content = response.content.decode()
        assert response.status_code == 200
        assert error in content
        assert 'class="errornote"' in content
        for value in data.values():
            assert value.strip().split("\n")[0] in content
        assert NewsletterTestGroup.objects.count() == 1
        assert not AuditEvent.objects.filter(verb__contains="newsletter_test_group").exists()

    def test_changes_a_group_and_keeps_what_it_was_in_the_audit_log(self, comms):
        group = NewsletterTestGroupFactory(name="Comms team")
        response = comms.post(
            reverse(f"{GROUPS}_change", args=[group.pk]),
            {"name": "Comms and digital", "recipients": "chair@communities.gov.uk"},
        )
        assert response.status_code == 302
        group.refresh_from_db()
        assert (group.name, group.recipients) == (
            "Comms and digital",
            ["chair@communities.gov.uk"],
        )
        event = AuditEvent.objects.get(verb="declaration.newsletter_test_group.changed")
        assert event.data["before"] == {
            "name": "Comms team",
            "recipients": ["press.office@communities.gov.uk", "digital.comms@communities.gov.uk"],
        }

    def test_deletes_a_group_through_the_audited_service(self, comms):
        group = NewsletterTestGroupFactory(name="Comms team")
        response = comms.post(reverse(f"{GROUPS}_delete", args=[group.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert not NewsletterTestGroup.objects.exists()
        event = AuditEvent.objects.get(verb="declaration.newsletter_test_group.deleted")
        assert event.data["name"] == "Comms team"

    def test_lists_each_group_with_how_many_people_it_has(self, comms):
        NewsletterTestGroupFactory(name="Comms team")
        page = comms.get(reverse(f"{GROUPS}_changelist")).content.decode()
        assert "Comms team" in page
        assert '<td class="field-people">2</td>' in page
        # No bulk actions: their delete would bypass the audited service.
        assert 'name="action"' not in page

    def test_other_staff_cannot_see_or_change_the_groups(self, fund_manager):
        group = NewsletterTestGroupFactory()
        assert fund_manager.get(reverse(f"{GROUPS}_changelist")).status_code == 403
        assert (
            fund_manager.post(
                reverse(f"{GROUPS}_change", args=[group.pk]),
                {"name": "Mine", "recipients": "me@communities.gov.uk"},
            ).status_code
            == 403
        )
