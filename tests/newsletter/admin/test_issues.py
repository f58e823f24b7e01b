"""Newsletter issues in the admin: writing one, previewing and testing it, and following its
progress. The buttons that move an issue on are tested in test_issue_actions.py."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from localdigital.audit.models import AuditEvent
from localdigital.mail.models import EmailStatus, OutgoingEmail
from newsletter import services
from newsletter.admin.issues import NewsletterIssueAdmin
from newsletter.models import IssueStatus, NewsletterIssue, NewsletterTestGroup
from newsletter.selectors import newsletter as selectors
from tests.mail.factories import SuppressionFactory
from tests.newsletter.factories import (
    NewsletterIssueFactory,
    NewsletterTestGroupFactory,
    SubscriberFactory,
)
from tests.newsletter.support import action, patch_fanout_batch_size, url
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def change_url(issue: NewsletterIssue) -> str:
    return reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])


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
        assert response.status_code == 200
        assert response.context["adminform"].form.non_field_errors() == [
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
        """The changelist offers only the buttons' actions: delete_selected deletes a
        queryset, unaudited."""
        draft = NewsletterIssueFactory()
        changelist = reverse("admin:newsletter_newsletterissue_changelist")
        page = otp_verified_superuser_client.get(changelist).content.decode()
        assert '<option value="pause">Pause</option>' in page
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
        assert comms.get(url("test", issue)).status_code == 405
        for name in NewsletterIssueAdmin.actions:
            assert comms.get(action(name, issue)).status_code == 405, name


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

    def test_its_page_says_who_it_will_go_to_or_that_it_went_to_nobody(self, comms):
        SubscriberFactory.create_batch(2)
        approved = NewsletterIssueFactory(approved=True)
        cancelled = NewsletterIssueFactory(cancelled=True)

        waiting = comms.get(change_url(approved)).text
        never_sent = comms.get(change_url(cancelled)).text

        assert "It will go to the confirmed subscribers when it is sent: 2 today." in waiting
        assert "It was cancelled before it was sent, so it went to nobody." in never_sent
        assert "It will go to" not in never_sent

    def test_its_page_says_when_it_is_scheduled_as_gov_uk_does(self, comms):
        issue = NewsletterIssueFactory(
            scheduled=True,
            scheduled_for=datetime.datetime(2027, 1, 15, 9, 30, tzinfo=LONDON),
        )

        page = comms.get(change_url(issue)).text

        assert "Scheduled</strong>, for 9:30am on 15 January 2027" in page


class TestTheListsActions:
    """The buttons' actions run from the list too, on each issue selected."""

    def test_pauses_each_issue_selected_and_says_which_it_could_not(self, comms):
        sending = NewsletterIssueFactory(subject="Round 5 is open", sending=True)
        draft = NewsletterIssueFactory(subject="Round 6 is coming")
        response = comms.post(
            reverse("admin:newsletter_newsletterissue_changelist"),
            {"action": "pause", "_selected_action": [sending.pk, draft.pk]},
        )
        assert response.status_code == 302
        assert messages_of(response) == [
            "Paused “Round 5 is open”. Emails not yet sent wait until you resume or cancel each.",
            "Not paused: “Round 6 is coming” (This issue cannot be paused: it is draft.)",
        ]
        assert NewsletterIssue.objects.get(pk=sending.pk).status == IssueStatus.PAUSED
        assert NewsletterIssue.objects.get(pk=draft.pk).status == IssueStatus.DRAFT

    def test_asks_for_the_time_before_scheduling_those_selected(self, comms):
        issues = NewsletterIssueFactory.create_batch(2, approved=True)
        changelist = reverse("admin:newsletter_newsletterissue_changelist")
        chosen = {"action": "schedule", "_selected_action": [issue.pk for issue in issues]}
        page = comms.post(changelist, chosen).content.decode()
        assert "Schedule the issues" in page and '<label for="id_send_at"' in page
        response = comms.post(
            changelist, {**chosen, "confirm": "yes", "send_at": "2099-12-01T09:30"}
        )
        assert response["Location"] == changelist
        assert {issue.status for issue in NewsletterIssue.objects.all()} == {IssueStatus.SCHEDULED}
