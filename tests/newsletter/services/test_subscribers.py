"""The newsletter's services: subscribing, confirming, unsubscribing, and sending issues."""

from __future__ import annotations

import datetime
import re
from collections import Counter

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from localdigital.audit.models import AuditEvent
from localdigital.locks import lock_key
from localdigital.mail.models import EmailStatus, OutgoingEmail, Stream, message_id_for
from newsletter import services
from newsletter.errors import (
    NewsletterLinkInvalid,
    NotApproved,
    ReturnCommentMissing,
    ReviewerNotAllowed,
    ScheduleInPast,
    TransitionNotAllowed,
)
from newsletter.models import (
    IssueStatus,
    NewsletterDelivery,
    NewsletterIssue,
    Subscriber,
    SubscriberStatus,
    issue_content_hash,
)
from newsletter.selectors import newsletter as selectors
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory
from tests.mail.factories import SuppressionFactory
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory
from tests.newsletter.support import patch_audit_record, patch_fanout_batch_size

pytestmark = pytest.mark.django_db


def broken_audit_record(**kwargs: object) -> None:
    raise DatabaseError("the audit log is unavailable")


@pytest.fixture
def broken_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every audit write of the newsletter's services fail."""
    patch_audit_record(monkeypatch, broken_audit_record)


@pytest.fixture
def no_throttle(settings) -> None:
    settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0


@pytest.fixture
def staff():
    return UserFactory(staff=True, groups=["Communications"])


def confirm_token(subscriber: Subscriber) -> str:
    return selectors.subscriber_confirm_token(subscriber=subscriber)


def unsubscribe_token(subscriber: Subscriber) -> str:
    return selectors.subscriber_unsubscribe_token(subscriber=subscriber)


def tampered(token: str) -> str:
    """Return the token with its last character changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def token_in(body: str) -> str:
    """Return the token of the confirmation link in an email's body."""
    match = re.search(r"http://testserver/newsletter/confirm/(\S+)/", body)
    assert match, body
    return match.group(1)


def verbs() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))


class TestSubscriberSubscribe:
    def test_creates_a_pending_subscriber_and_emails_a_confirmation_link_when_new(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """Double opt-in: nobody is subscribed until they confirm by the emailed link."""
        council = OrganisationFactory()
        with django_capture_on_commit_callbacks(execute=True):
            services.subscriber_subscribe(email=" Clerk@Stockport.gov.uk ", organisation=council)
        subscriber = Subscriber.objects.get()
        assert (subscriber.email, subscriber.status, subscriber.organisation) == (
            "Clerk@Stockport.gov.uk",
            SubscriberStatus.PENDING,
            council,
        )
        [message] = mailoutbox
        assert message.to == ["Clerk@Stockport.gov.uk"]
        assert message.subject == "Confirm your subscription to the Local Digital newsletter"
        assert "7 days" in message.body
        assert services.subscriber_confirm(token=token_in(message.body)) == subscriber
        # The link confirms a subscription, so the outbox does not keep it once sent.
        assert OutgoingEmail.objects.get().is_sensitive
        assert verbs() == ["declaration.subscriber.subscribed", "declaration.subscriber.confirmed"]

    def test_changes_nothing_and_sends_nothing_when_already_confirmed(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """Asking again while confirmed reveals nothing, and keeps the subscription as it is."""
        subscriber = SubscriberFactory(email="clerk@stockport.gov.uk")
        before = Subscriber.objects.values().get()
        with django_capture_on_commit_callbacks(execute=True):
            services.subscriber_subscribe(
                email="CLERK@stockport.gov.uk", organisation=OrganisationFactory()
            )
        assert Subscriber.objects.values().get() == before
        assert subscriber.status == SubscriberStatus.CONFIRMED
        assert mailoutbox == []
        assert verbs() == []

    def test_sends_a_new_link_and_retires_the_old_one_when_still_pending(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """The latest link is the only one that works."""
        subscriber = SubscriberFactory(
            pending=True, subscribed_at=timezone.now() - datetime.timedelta(hours=1)
        )
        old_token = confirm_token(subscriber)
        with django_capture_on_commit_callbacks(execute=True):
            services.subscriber_subscribe(email=subscriber.email, organisation=None)
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.PENDING
        assert len(mailoutbox) == 1
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_confirm(token=old_token)
        services.subscriber_confirm(token=token_in(mailoutbox[0].body))
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    def test_makes_an_unsubscribed_address_pending_again_when_it_subscribes_again(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """Re-subscribing is possible later, with a new confirmation."""
        subscriber = SubscriberFactory(unsubscribed=True)
        with django_capture_on_commit_callbacks(execute=True):
            services.subscriber_subscribe(email=subscriber.email, organisation=None)
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.PENDING
        assert len(mailoutbox) == 1
        services.subscriber_confirm(token=confirm_token(subscriber))
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.CONFIRMED

    def test_writes_and_sends_nothing_when_the_audit_event_cannot_be_saved(
        self, broken_audit, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(DatabaseError):
            services.subscriber_subscribe(email="clerk@stockport.gov.uk", organisation=None)
        assert not Subscriber.objects.exists()
        assert not OutgoingEmail.objects.exists()
        assert mailoutbox == []

    def test_keeps_the_old_link_when_the_audit_event_for_a_second_request_cannot_be_saved(
        self, monkeypatch
    ):
        subscriber = SubscriberFactory(
            pending=True, subscribed_at=timezone.now() - datetime.timedelta(hours=1)
        )
        token = confirm_token(subscriber)
        patch_audit_record(monkeypatch, broken_audit_record)
        with pytest.raises(DatabaseError):
            services.subscriber_subscribe(email=subscriber.email, organisation=None)
        subscriber.refresh_from_db()
        assert selectors.subscriber_from_confirm_token(token=token) == subscriber


class TestSubscriberConfirm:
    def test_confirms_a_pending_subscriber_when_the_link_is_theirs_and_recent(self):
        subscriber = SubscriberFactory(pending=True)
        confirmed = services.subscriber_confirm(token=confirm_token(subscriber))
        assert confirmed == subscriber
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.CONFIRMED
        assert subscriber.confirmed_at is not None
        assert verbs() == ["declaration.subscriber.confirmed"]

    def test_changes_nothing_more_when_confirmed_twice(self):
        """A second press of the button (or a reload) is harmless."""
        subscriber = SubscriberFactory(pending=True)
        token = confirm_token(subscriber)
        services.subscriber_confirm(token=token)
        confirmed_at = Subscriber.objects.get().confirmed_at
        services.subscriber_confirm(token=token)
        assert Subscriber.objects.get().confirmed_at == confirmed_at
        assert verbs() == ["declaration.subscriber.confirmed"]

    def test_refuses_when_the_link_is_more_than_7_days_old(self, monkeypatch):
        subscriber = SubscriberFactory(pending=True)
        token = confirm_token(subscriber)
        later = timezone.now().timestamp() + 7 * 24 * 3600 + 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_confirm(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.PENDING

    def test_accepts_the_link_just_before_7_days(self, monkeypatch):
        subscriber = SubscriberFactory(pending=True)
        token = confirm_token(subscriber)
        later = timezone.now().timestamp() + 7 * 24 * 3600 - 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
        services.subscriber_confirm(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    @pytest.mark.parametrize(
        "make_token",
        [
            lambda subscriber: "not-a-token",
            lambda subscriber: tampered(confirm_token(subscriber)),
            # An unsubscribe token cannot confirm: each kind of link has its own salt.
            lambda subscriber: unsubscribe_token(subscriber),
            lambda subscriber: signing.TimestampSigner(salt=selectors.CONFIRM_SALT).sign(
                f"{subscriber.pk + 1000}.abc"
            ),
        ],
        ids=["garbage", "tampered", "unsubscribe-token", "someone-else"],
    )
    def test_refuses_when_the_link_is_not_valid(self, make_token):
        subscriber = SubscriberFactory(pending=True)
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_confirm(token=make_token(subscriber))
        assert Subscriber.objects.get().status == SubscriberStatus.PENDING

    def test_refuses_when_the_subscriber_unsubscribed_after_the_link_was_sent(self):
        """An old link cannot bring back someone who left."""
        subscriber = SubscriberFactory(pending=True)
        token = confirm_token(subscriber)
        services.subscriber_unsubscribe(token=unsubscribe_token(subscriber))
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_confirm(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED

    def test_changes_nothing_when_the_audit_event_cannot_be_saved(self, broken_audit):
        subscriber = SubscriberFactory(pending=True)
        with pytest.raises(DatabaseError):
            services.subscriber_confirm(token=confirm_token(subscriber))
        assert Subscriber.objects.get().status == SubscriberStatus.PENDING


class TestSubscriberUnsubscribe:
    def test_unsubscribes_a_confirmed_subscriber_when_the_link_is_theirs(self):
        subscriber = SubscriberFactory()
        services.subscriber_unsubscribe(token=unsubscribe_token(subscriber))
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
        assert subscriber.unsubscribed_at is not None
        assert verbs() == ["declaration.subscriber.unsubscribed"]

    def test_changes_nothing_more_when_unsubscribed_twice(self):
        subscriber = SubscriberFactory()
        token = unsubscribe_token(subscriber)
        services.subscriber_unsubscribe(token=token)
        services.subscriber_unsubscribe(token=token)
        assert verbs() == ["declaration.subscriber.unsubscribed"]

    def test_cancels_their_newsletter_emails_not_yet_sent(self, no_throttle):
        """Someone who unsubscribes while an issue is sending is not sent it afterwards."""
        subscriber = SubscriberFactory()
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        services.subscriber_unsubscribe(token=unsubscribe_token(subscriber))
        assert OutgoingEmail.objects.get().status == EmailStatus.CANCELLED

    @pytest.mark.parametrize("token", ["not-a-token", "12:abc:def"])
    def test_refuses_when_the_link_is_not_valid(self, token):
        SubscriberFactory()
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_unsubscribe(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    def test_changes_nothing_when_the_audit_event_cannot_be_saved(self, broken_audit, no_throttle):
        subscriber = SubscriberFactory()
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        with pytest.raises(DatabaseError):
            services.subscriber_unsubscribe(token=unsubscribe_token(subscriber))
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED
        assert OutgoingEmail.objects.get().status == EmailStatus.QUEUED


def manage_token(subscriber: Subscriber) -> str:
    return selectors.subscriber_manage_token(subscriber=subscriber)


def manage_link_in(body: str) -> str:
    """Return the token of the manage link in an email's body."""
    match = re.search(r"http://testserver/newsletter/manage/(\S+)/", body)
    assert match, body
    return match.group(1)


class TestSubscriberManageLinkSend:
    @pytest.mark.parametrize("state", [{}, {"pending": True}, {"unsubscribed": True}])
    def test_emails_a_link_to_the_manage_page_of_a_known_address_in_any_state(
        self, state, django_capture_on_commit_callbacks, mailoutbox
    ):
        subscriber = SubscriberFactory(email="clerk@stockport.gov.uk", **state)
        with django_capture_on_commit_callbacks(execute=True):
            services.subscriber_manage_link_send(email=" CLERK@stockport.gov.uk ")
        [message] = mailoutbox
        assert message.to == ["clerk@stockport.gov.uk"]
        assert message.subject == "Manage your Local Digital newsletter subscription"
        assert "The link works for 30 days" in message.body
        assert "http://testserver/newsletter/manage/ " not in message.body
        assert "ask for a new one at http://testserver/newsletter/manage/\n" in message.body
        token = manage_link_in(message.body)
        assert selectors.subscriber_from_manage_token(token=token) == subscriber
        # The link is a key to the subscription: not kept once sent, like a sign-in link.
        assert OutgoingEmail.objects.get().is_sensitive
        assert OutgoingEmail.objects.get().stream == Stream.TRANSACTIONAL

    def test_sends_nothing_to_an_address_that_never_subscribed(self, mailoutbox):
        SubscriberFactory(email="clerk@stockport.gov.uk")
        services.subscriber_manage_link_send(email="someone.else@stockport.gov.uk")
        assert not OutgoingEmail.objects.exists()

    def test_sends_a_new_link_each_time_it_is_asked(self):
        SubscriberFactory(email="clerk@stockport.gov.uk")
        services.subscriber_manage_link_send(email="clerk@stockport.gov.uk")
        services.subscriber_manage_link_send(email="clerk@stockport.gov.uk")
        assert OutgoingEmail.objects.count() == 2


class TestManageToken:
    def test_works_for_30_days(self, monkeypatch):
        subscriber = SubscriberFactory()
        token = manage_token(subscriber)
        now = timezone.now().timestamp()
        monkeypatch.setattr("django.core.signing.time.time", lambda: now + 30 * 24 * 3600 - 60)
        assert selectors.subscriber_from_manage_token(token=token) == subscriber
        monkeypatch.setattr("django.core.signing.time.time", lambda: now + 30 * 24 * 3600 + 60)
        assert selectors.subscriber_from_manage_token(token=token) is None

    def test_is_no_unsubscribe_or_confirmation_token(self):
        """Each kind of link is signed apart: none opens another's page."""
        subscriber = SubscriberFactory(pending=True)
        assert selectors.subscriber_from_manage_token(token=unsubscribe_token(subscriber)) is None
        assert selectors.subscriber_from_manage_token(token=confirm_token(subscriber)) is None
        assert selectors.subscriber_from_unsubscribe_token(token=manage_token(subscriber)) is None


class TestSubscriberManageUnsubscribe:
    def test_unsubscribes_and_cancels_their_emails_not_yet_sent(self, no_throttle):
        subscriber = SubscriberFactory()
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        services.subscriber_manage_unsubscribe(token=manage_token(subscriber))
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
        assert OutgoingEmail.objects.get().status == EmailStatus.CANCELLED
        event = AuditEvent.objects.get()
        assert (event.verb, event.data) == (
            "declaration.subscriber.unsubscribed",
            {"emails_cancelled": 1, "via": "manage page"},
        )

    def test_changes_nothing_more_when_already_unsubscribed(self):
        subscriber = SubscriberFactory(unsubscribed=True)
        services.subscriber_manage_unsubscribe(token=manage_token(subscriber))
        assert verbs() == []

    @pytest.mark.parametrize("token", ["not-a-token", "12:abc:def"])
    def test_refuses_when_the_link_is_not_valid(self, token):
        SubscriberFactory()
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_manage_unsubscribe(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    def test_refuses_when_the_link_is_older_than_30_days(self, monkeypatch):
        subscriber = SubscriberFactory()
        token = manage_token(subscriber)
        later = timezone.now().timestamp() + 30 * 24 * 3600 + 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_manage_unsubscribe(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    def test_changes_nothing_when_the_audit_event_cannot_be_saved(self, broken_audit):
        subscriber = SubscriberFactory()
        with pytest.raises(DatabaseError):
            services.subscriber_manage_unsubscribe(token=manage_token(subscriber))
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED


class TestSubscriberResubscribe:
    @pytest.mark.parametrize("state", [{"unsubscribed": True}, {"pending": True}])
    def test_subscribes_at_once_since_the_emailed_link_proves_the_address(self, state):
        subscriber = SubscriberFactory(**state)
        before = subscriber.status
        services.subscriber_resubscribe(token=manage_token(subscriber))
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.CONFIRMED
        assert subscriber.confirmed_at is not None
        event = AuditEvent.objects.get()
        assert (event.verb, event.data) == ("declaration.subscriber.resubscribed", {"from": before})

    def test_changes_nothing_when_already_subscribed(self):
        subscriber = SubscriberFactory()
        before = Subscriber.objects.values().get()
        services.subscriber_resubscribe(token=manage_token(subscriber))
        assert Subscriber.objects.values().get() == before
        assert verbs() == []

    def test_an_issue_sent_next_goes_to_them(self, no_throttle):
        subscriber = SubscriberFactory(unsubscribed=True)
        services.subscriber_resubscribe(token=manage_token(subscriber))
        issue = NewsletterIssueFactory(sending=True)
        services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
        assert list(OutgoingEmail.objects.values_list("recipient", flat=True)) == [subscriber.email]

    @pytest.mark.parametrize("token", ["not-a-token", "12:abc:def"])
    def test_refuses_when_the_link_is_not_valid(self, token):
        SubscriberFactory(unsubscribed=True)
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_resubscribe(token=token)
        assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED

    def test_refuses_an_unsubscribe_link(self):
        """An unsubscribe link, which never expires and may be forwarded, cannot subscribe."""
        subscriber = SubscriberFactory(unsubscribed=True)
        with pytest.raises(NewsletterLinkInvalid):
            services.subscriber_resubscribe(token=unsubscribe_token(subscriber))

    def test_changes_nothing_when_the_audit_event_cannot_be_saved(self, broken_audit):
        subscriber = SubscriberFactory(unsubscribed=True)
        with pytest.raises(DatabaseError):
            services.subscriber_resubscribe(token=manage_token(subscriber))
        assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED


class TestSubscribersImportConfirmed:
    """Subscribers who confirmed on an earlier mailing list (the demo seed adds them)."""

    def test_adds_each_new_address_as_a_confirmed_subscriber(self, staff):
        council = OrganisationFactory()
        added = services.subscribers_import_confirmed(
            emails=[" Clerk@Stockport.gov.uk ", "digital@leeds.gov.uk", ""],
            imported_by=staff,
            organisation=council,
        )
        assert added == 2
        subscribers = list(Subscriber.objects.order_by("email"))
        assert [(s.email, s.status, s.organisation) for s in subscribers] == [
            ("Clerk@Stockport.gov.uk", SubscriberStatus.CONFIRMED, council),
            ("digital@leeds.gov.uk", SubscriberStatus.CONFIRMED, council),
        ]
        assert all(s.confirmed_at is not None for s in subscribers)
        # Confirmed elsewhere: nobody is asked to confirm again.
        assert not OutgoingEmail.objects.exists()

    def test_leaves_known_addresses_alone_whatever_their_state_or_case(self, staff):
        """Someone who unsubscribed stays unsubscribed; someone pending still confirms."""
        unsubscribed = SubscriberFactory(email="gone@stockport.gov.uk", unsubscribed=True)
        pending = SubscriberFactory(email="waiting@stockport.gov.uk", pending=True)
        confirmed = SubscriberFactory(email="reader@stockport.gov.uk", organisation=None)
        added = services.subscribers_import_confirmed(
            emails=[
                "GONE@stockport.gov.uk",
                "waiting@Stockport.gov.uk",
                "reader@stockport.gov.uk",
                "new@stockport.gov.uk",
                "NEW@stockport.gov.uk",
            ],
            imported_by=staff,
            organisation=OrganisationFactory(),
        )
        assert added == 1
        for before in (unsubscribed, pending, confirmed):
            after = Subscriber.objects.get(pk=before.pk)
            assert (after.email, after.status, after.organisation_id, after.confirmed_at) == (
                before.email,
                before.status,
                before.organisation_id,
                before.confirmed_at,
            )
        assert Subscriber.objects.filter(email__iexact="new@stockport.gov.uk").count() == 1

    def test_records_one_audit_event_for_the_whole_import(self, staff):
        SubscriberFactory(email="reader@stockport.gov.uk")
        services.subscribers_import_confirmed(
            emails=["a@stockport.gov.uk", "b@stockport.gov.uk", "reader@stockport.gov.uk"],
            imported_by=staff,
        )
        [event] = AuditEvent.objects.all()
        assert (event.verb, event.actor, event.data) == (
            "declaration.subscriber.imported",
            staff,
            {"added": 2, "already_known": 1, "organisation": None},
        )

    def test_records_nothing_when_every_address_is_known(self, staff):
        SubscriberFactory(email="reader@stockport.gov.uk")
        assert (
            services.subscribers_import_confirmed(
                emails=["reader@stockport.gov.uk"], imported_by=staff
            )
            == 0
        )
        assert not AuditEvent.objects.exists()

    def test_adds_nobody_when_an_address_is_not_valid(self, staff):
        with pytest.raises(ValidationError):
            services.subscribers_import_confirmed(
                emails=["a@stockport.gov.uk", "not an address", "b@stockport.gov.uk"],
                imported_by=staff,
            )
        assert not Subscriber.objects.exists()

    def test_adds_nobody_when_the_audit_event_cannot_be_saved(self, staff, broken_audit):
        with pytest.raises(DatabaseError):
            services.subscribers_import_confirmed(
                emails=["a@stockport.gov.uk", "b@stockport.gov.uk"], imported_by=staff
            )
        assert not Subscriber.objects.exists()


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
        patch_audit_record(monkeypatch, broken_audit_record)
        with pytest.raises(DatabaseError):
            services.newsletter_issue_pause(issue_id=sending_issue.pk, paused_by=staff)
        assert NewsletterIssue.objects.get().status == IssueStatus.SENDING
        assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.QUEUED}

    def test_resumes_nothing_when_the_audit_event_cannot_be_saved(
        self, sending_issue, staff, monkeypatch, django_capture_on_commit_callbacks
    ):
        services.newsletter_issue_pause(issue_id=sending_issue.pk, paused_by=staff)
        patch_audit_record(monkeypatch, broken_audit_record)
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
        patch_audit_record(monkeypatch, broken_audit_record)
        with pytest.raises(DatabaseError):
            services.newsletter_issue_cancel(issue_id=sending_issue.pk, cancelled_by=staff)
        assert NewsletterIssue.objects.get().status == IssueStatus.SENDING
        assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.QUEUED}


class TestNewsletterIssueRender:
    BODY = (
        "## Round 5 is open\n\n"
        "Councils can send an **expression of interest**.\n\n"
        "- Up to £350,000\n"
        "- At least 3 councils\n\n"
        "Read [the rules](https://localdigital.gov.uk/funding/) and the "
        "[list of signatories](/signatories/)."
    )

    def test_gives_a_plain_text_part_without_markdown_punctuation(self):
        rendered = selectors.newsletter_issue_render(issue=NewsletterIssueFactory(body=self.BODY))
        assert (
            "Round 5 is open\n"
            "---------------\n\n"
            "Councils can send an expression of interest.\n\n"
            "- Up to £350,000\n"
            "- At least 3 councils\n\n"
            "Read the rules (https://localdigital.gov.uk/funding/) and the "
            "list of signatories (http://testserver/signatories/)."
        ) in rendered.text
        assert "](" not in rendered.text
        assert "**" not in rendered.text

    def test_makes_relative_links_absolute_in_the_html_part(self):
        rendered = selectors.newsletter_issue_render(issue=NewsletterIssueFactory(body=self.BODY))
        assert '<a href="http://testserver/signatories/">list of signatories</a>' in rendered.html
        assert 'href="/signatories/"' not in rendered.html
        assert "<strong>expression of interest</strong>" in rendered.html


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
        with other_session.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [lock_key(services.TICK_LOCK)])
        assert services.newsletter_tick(now=now) is None
        assert NewsletterIssue.objects.get().status == IssueStatus.SCHEDULED
        with other_session.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(services.TICK_LOCK)])

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
