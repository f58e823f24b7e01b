"""Newsletter test groups, and sending a test of an issue: to a group, or to staff alone."""

from __future__ import annotations

import re

import pytest
from django.db import DatabaseError

from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail, Stream
from newsletter import services
from newsletter.errors import TestGroupGone, TestGroupInvalid
from newsletter.models import IssueStatus, NewsletterIssue, NewsletterTestGroup
from newsletter.selectors import newsletter as selectors
from newsletter.services import test_groups as group_services
from tests.newsletter.factories import (
    NewsletterIssueFactory,
    NewsletterTestGroupFactory,
    SubscriberFactory,
)
from tests.newsletter.support import patch_audit_record, verbs
from tests.support.audit import audit_unavailable

pytestmark = pytest.mark.django_db


class TestNewsletterTestGroupCreate:
    def test_keeps_each_address_once_whatever_its_case_in_the_order_given(self, staff):
        group = group_services.newsletter_test_group_create(
            name=" Comms team ",
            recipients=[
                " a@communities.gov.uk",
                "",
                "B@communities.gov.uk",
                "A@Communities.gov.uk",
            ],
            created_by=staff,
        )
        assert (group.name, group.recipients, group.created_by) == (
            "Comms team",
            ["a@communities.gov.uk", "B@communities.gov.uk"],
            staff,
        )
        assert verbs() == ["declaration.newsletter_test_group.created"]

    @pytest.mark.parametrize(
        ("name", "recipients", "error"),
        [
            ("", ["a@communities.gov.uk"], "Enter a name for the test group"),
            ("Comms", [], "Enter at least one email address"),
            ("Comms", [" "], "Enter at least one email address"),
            ("Comms", ["a@communities"], "a@communities is not"),
            (
                "Comms",
                [f"p{n}@communities.gov.uk" for n in range(51)],
                "at most 50 email addresses",
            ),
            ("COMMS TEAM", ["a@communities.gov.uk"], "There is already a test group"),
        ],
    )
    def test_refuses_what_the_rules_do_not_allow(self, staff, name, recipients, error):
        NewsletterTestGroupFactory(name="Comms team")
        with pytest.raises(TestGroupInvalid, match=error):
            group_services.newsletter_test_group_create(
                name=name, recipients=recipients, created_by=staff
            )
        assert NewsletterTestGroup.objects.count() == 1
        assert verbs() == []

    def test_makes_nothing_when_the_audit_event_cannot_be_saved(self, staff, monkeypatch):
        monkeypatch.setattr(group_services, "audit_record", audit_unavailable)
        with pytest.raises(DatabaseError):
            group_services.newsletter_test_group_create(
                name="Comms", recipients=["a@communities.gov.uk"], created_by=staff
            )
        assert not NewsletterTestGroup.objects.exists()


class TestNewsletterTestGroupUpdateAndDelete:
    def test_changes_a_group_and_keeps_what_it_was(self, staff):
        group = NewsletterTestGroupFactory(name="Comms team")
        group_services.newsletter_test_group_update(
            group_id=group.pk,
            name="Board",
            recipients=["chair@communities.gov.uk"],
            changed_by=staff,
        )
        group.refresh_from_db()
        assert (group.name, group.recipients) == ("Board", ["chair@communities.gov.uk"])
        event = AuditEvent.objects.get()
        assert event.data["before"]["name"] == "Comms team"
        assert event.data["after"] == {"name": "Board", "recipients": ["chair@communities.gov.uk"]}

    def test_refuses_the_name_of_another_group(self, staff):
        NewsletterTestGroupFactory(name="Board")
        group = NewsletterTestGroupFactory(name="Comms team")
        with pytest.raises(TestGroupInvalid):
            group_services.newsletter_test_group_update(
                group_id=group.pk, name="board", recipients=group.recipients, changed_by=staff
            )
        assert NewsletterTestGroup.objects.get(pk=group.pk).name == "Comms team"

    def test_changes_nothing_when_the_audit_event_cannot_be_saved(self, staff, monkeypatch):
        group = NewsletterTestGroupFactory(name="Comms team")
        monkeypatch.setattr(group_services, "audit_record", audit_unavailable)
        with pytest.raises(DatabaseError):
            group_services.newsletter_test_group_update(
                group_id=group.pk, name="Board", recipients=group.recipients, changed_by=staff
            )
        with pytest.raises(DatabaseError):
            group_services.newsletter_test_group_delete(group_id=group.pk, deleted_by=staff)
        assert NewsletterTestGroup.objects.get().name == "Comms team"

    def test_deletes_a_group_and_keeps_its_name_and_addresses(self, staff):
        group = NewsletterTestGroupFactory(name="Comms team")
        group_services.newsletter_test_group_delete(group_id=group.pk, deleted_by=staff)
        assert not NewsletterTestGroup.objects.exists()
        event = AuditEvent.objects.get()
        assert event.data == {"name": "Comms team", "recipients": group.recipients}


class TestNewsletterIssueTestSend:
    def test_emails_the_member_of_staff_at_once_marked_as_a_test(
        self, staff, django_capture_on_commit_callbacks, mailoutbox
    ):
        """A test goes as transactional email, so the newsletter throttle never delays it."""
        issue = NewsletterIssueFactory(subject="Round 5 is open")
        with django_capture_on_commit_callbacks(execute=True):
            sent = services.newsletter_issue_test_send(issue_id=issue.pk, sent_by=staff)
        assert sent == services.TestSent(group=None, recipients=[staff.email])
        [message] = mailoutbox
        assert (message.to, message.subject) == ([staff.email], "TEST: Round 5 is open")
        assert "Round 5 of the Local Digital Fund is open" in message.body
        assert "<h2>Round 5 of the Local Digital Fund is open</h2>" in message.alternatives[0][0]
        assert OutgoingEmail.objects.get().stream == Stream.TRANSACTIONAL
        event = AuditEvent.objects.get()
        assert (event.verb, event.actor, event.data) == (
            "declaration.newsletter_issue.test_sent",
            staff,
            {"group": None, "to": [staff.email]},
        )

    def test_emails_each_person_of_the_group_and_changes_nothing_about_the_issue(
        self, staff, django_capture_on_commit_callbacks, mailoutbox
    ):
        SubscriberFactory.create_batch(3)
        group = NewsletterTestGroupFactory(name="Comms team")
        issue = NewsletterIssueFactory(subject="Round 5 is open")
        before = NewsletterIssue.objects.values().get()
        with django_capture_on_commit_callbacks(execute=True):
            sent = services.newsletter_issue_test_send(
                issue_id=issue.pk, sent_by=staff, group_id=group.pk
            )
        assert sent == services.TestSent(group="Comms team", recipients=group.recipients)
        assert sorted(message.to[0] for message in mailoutbox) == sorted(group.recipients)
        assert {message.subject for message in mailoutbox} == {"TEST: Round 5 is open"}
        assert NewsletterIssue.objects.values().get() == before
        assert not issue.deliveries.exists()
        assert AuditEvent.objects.get().data == {"group": "Comms team", "to": group.recipients}

    def test_a_subscriber_in_the_group_gets_their_own_links_as_in_the_issue(self, staff):
        """The test is what they will get: their own unsubscribe and manage links, which
        work, and the List-Unsubscribe headers."""
        subscriber = SubscriberFactory(email="press.office@communities.gov.uk")
        group = NewsletterTestGroupFactory(
            recipients=["Press.Office@communities.gov.uk", "digital.comms@communities.gov.uk"]
        )
        issue = NewsletterIssueFactory()
        services.newsletter_issue_test_send(issue_id=issue.pk, sent_by=staff, group_id=group.pk)

        theirs = OutgoingEmail.objects.get(recipient="Press.Office@communities.gov.uk")
        unsubscribe = re.search(
            r"Unsubscribe: http://testserver/newsletter/unsubscribe/(\S+)/", theirs.body_text
        )
        manage = re.search(
            r"Manage your subscription: http://testserver/newsletter/manage/(\S+)/",
            theirs.body_text,
        )
        assert unsubscribe and manage, theirs.body_text
        token = unsubscribe.group(1)
        assert selectors.subscriber_from_unsubscribe_token(token=token) == subscriber
        assert selectors.subscriber_from_manage_token(token=manage.group(1)) == subscriber
        assert theirs.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert theirs.headers["List-Unsubscribe"].startswith(
            f"<http://testserver/newsletter/unsubscribe/{token}/>"
        )

        others = OutgoingEmail.objects.get(recipient="digital.comms@communities.gov.uk")
        assert "Unsubscribe: http://testserver/newsletter/manage/\n" in others.body_text
        assert "Manage your subscription: http://testserver/newsletter/manage/\n" in (
            others.body_text
        )
        assert others.headers == {}
        assert "\x00" not in theirs.body_text + theirs.body_html + others.body_html

    @pytest.mark.parametrize("state", [{}, {"sending": True}, {"sent": True}])
    def test_sends_a_new_test_each_time_it_is_asked_whatever_the_issue_s_state(self, staff, state):
        group = NewsletterTestGroupFactory()
        issue = NewsletterIssueFactory(**state)
        for _ in range(2):
            services.newsletter_issue_test_send(issue_id=issue.pk, sent_by=staff, group_id=group.pk)
        assert OutgoingEmail.objects.count() == 4
        assert NewsletterIssue.objects.get().status == ((state and next(iter(state))) or "draft")
        assert verbs() == 2 * ["declaration.newsletter_issue.test_sent"]

    def test_refuses_a_group_deleted_meanwhile(self, staff):
        group_id = NewsletterTestGroupFactory().pk
        issue = NewsletterIssueFactory()
        NewsletterTestGroup.objects.filter(pk=group_id).delete()
        with pytest.raises(TestGroupGone):
            services.newsletter_issue_test_send(issue_id=issue.pk, sent_by=staff, group_id=group_id)
        assert not OutgoingEmail.objects.exists()

    def test_sends_nothing_when_the_audit_event_cannot_be_saved(
        self, staff, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
    ):
        patch_audit_record(monkeypatch, audit_unavailable)
        group = NewsletterTestGroupFactory()
        issue = NewsletterIssueFactory()
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(DatabaseError),
        ):
            services.newsletter_issue_test_send(issue_id=issue.pk, sent_by=staff, group_id=group.pk)
        assert callbacks == []
        assert not OutgoingEmail.objects.exists()
        assert mailoutbox == []
        assert NewsletterIssue.objects.get().status == IssueStatus.DRAFT
