from html import escape

import pytest
from django.urls import reverse

from localdigital.audit.models import AuditEvent
from localdigital.mail.models import (
    SENSITIVE_BODY_HIDDEN,
    EmailStatus,
    OutgoingEmail,
    Suppression,
    SuppressionReason,
)
from tests.accounts.factories import UserFactory
from tests.support.messages import messages_of

from .factories import OutgoingEmailFactory, SuppressionFactory

pytestmark = pytest.mark.django_db

OUTBOX_URL = "admin:mail_outgoingemail_changelist"
SUPPRESSIONS_URL = "admin:mail_suppression_changelist"


@pytest.fixture
def superuser_client(otp_verified_client_for):
    return otp_verified_client_for(UserFactory(staff=True, is_superuser=True))


@pytest.fixture
def communications_client(otp_verified_client_for):
    return otp_verified_client_for(UserFactory(staff=True, groups=["Communications"]))


class TestOutgoingEmailAdmin:
    def test_lists_only_the_matching_emails_when_filtered_by_status_and_stream(
        self, communications_client
    ):
        """Staff can narrow the outbox to, say, the newsletters that failed."""
        wanted = OutgoingEmailFactory(failed=True, newsletter=True)
        OutgoingEmailFactory(failed=True)
        OutgoingEmailFactory(sent=True, newsletter=True)
        response = communications_client.get(
            reverse(OUTBOX_URL), {"status__exact": "failed", "stream__exact": "newsletter"}
        )
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [wanted]

    @pytest.mark.parametrize("query", ["chief.executive@", "Round 3 decision"])
    def test_finds_emails_by_recipient_or_subject_when_searched(self, communications_client, query):
        """The search box matches the recipient and the subject."""
        wanted = OutgoingEmailFactory(
            recipient="chief.executive@borsetshire.gov.uk", subject="Round 3 decision"
        )
        OutgoingEmailFactory()
        response = communications_client.get(reverse(OUTBOX_URL), {"q": query})
        assert list(response.context["cl"].result_list) == [wanted]

    def test_shows_an_email_read_only_when_staff_open_it(self, superuser_client):
        """Nobody edits the outbox by hand, not even a superuser."""
        sent = OutgoingEmailFactory(sent=True)
        response = superuser_client.get(reverse("admin:mail_outgoingemail_change", args=[sent.pk]))
        assert response.status_code == 200
        assert escape(sent.message_id) in response.text
        assert 'name="subject"' not in response.text
        assert 'name="_save"' not in response.text

    def test_shows_the_body_when_the_email_holds_no_secret(self, communications_client):
        """Staff can read what an ordinary email said."""
        sent = OutgoingEmailFactory(
            sent=True, body_text="Thank you for signing.", body_html="<p>Thank you.</p>"
        )
        response = communications_client.get(
            reverse("admin:mail_outgoingemail_change", args=[sent.pk])
        )
        assert "Thank you for signing." in response.text
        assert escape("<p>Thank you.</p>") in response.text
        assert SENSITIVE_BODY_HIDDEN not in response.text

    @pytest.mark.parametrize("state", ["queued", "failed"])
    @pytest.mark.parametrize("viewer", ["superuser_client", "communications_client"])
    def test_hides_the_body_from_everyone_when_the_email_holds_a_secret(
        self, request, viewer, state
    ):
        """Nobody, not even a superuser, reads a sign-in link that could still be sent."""
        client = request.getfixturevalue(viewer)
        email = OutgoingEmailFactory(sensitive=True, **({state: True} if state != "queued" else {}))
        response = client.get(reverse("admin:mail_outgoingemail_change", args=[email.pk]))
        assert response.status_code == 200
        assert "secret-" not in response.text
        assert response.text.count(SENSITIVE_BODY_HIDDEN) == 2  # the text and the HTML
        assert escape(email.subject) in response.text

    def test_never_shows_the_body_in_the_list_or_its_search(self, superuser_client):
        """The list has no body column, and searching for the secret finds nothing."""
        email = OutgoingEmailFactory(sensitive=True)
        listed = superuser_client.get(reverse(OUTBOX_URL))
        searched = superuser_client.get(reverse(OUTBOX_URL), {"q": "secret-"})
        assert list(listed.context["cl"].result_list) == [email]
        assert "secret-" not in listed.text
        assert list(searched.context["cl"].result_list) == []

    def test_queues_failed_emails_and_sends_them_when_a_superuser_retries(
        self, superuser_client, django_capture_on_commit_callbacks, mailoutbox
    ):
        """The Retry action calls the retry service for each failed email selected."""
        failed = OutgoingEmailFactory.create_batch(2, failed=True)
        with django_capture_on_commit_callbacks(execute=True):
            response = superuser_client.post(
                reverse(OUTBOX_URL),
                {"action": "retry", "_selected_action": [email.pk for email in failed]},
                follow=True,
            )
        assert messages_of(response) == ["2 emails were queued to be sent again."]
        assert sorted(message.to[0] for message in mailoutbox) == sorted(
            email.recipient for email in failed
        )
        assert AuditEvent.objects.filter(verb="mail.email.retried").count() == 2

    def test_leaves_other_emails_alone_and_says_so_when_they_cannot_be_retried(
        self, superuser_client, django_capture_on_commit_callbacks, mailoutbox
    ):
        """A sent email is never sent again, and a suppressed address is never retried."""
        sent = OutgoingEmailFactory(sent=True, recipient="sent@borsetshire.gov.uk")
        suppressed = OutgoingEmailFactory(failed=True, recipient="gone@borsetshire.gov.uk")
        SuppressionFactory(email="gone@borsetshire.gov.uk")
        with django_capture_on_commit_callbacks(execute=True):
            response = superuser_client.post(
                reverse(OUTBOX_URL),
                {"action": "retry", "_selected_action": [sent.pk, suppressed.pk]},
                follow=True,
            )
        assert messages_of(response) == [
            "Only failed emails to addresses that are not suppressed can be retried. "
            "Not retried: sent@borsetshire.gov.uk (sent), "
            "gone@borsetshire.gov.uk (on the suppression list)."
        ]
        assert mailoutbox == []
        assert OutgoingEmail.objects.get(pk=suppressed.pk).status == EmailStatus.FAILED

    def test_offers_no_retry_when_the_user_may_only_view_the_outbox(
        self, communications_client, mailoutbox
    ):
        """Communications staff see the outbox, but retrying needs the change permission."""
        failed = OutgoingEmailFactory(failed=True)
        response = communications_client.get(reverse(OUTBOX_URL))
        assert response.status_code == 200
        assert 'value="retry"' not in response.text
        communications_client.post(
            reverse(OUTBOX_URL), {"action": "retry", "_selected_action": [failed.pk]}
        )
        assert OutgoingEmail.objects.get(pk=failed.pk).status == EmailStatus.FAILED

    def test_lets_fund_managers_see_the_outbox_but_not_the_suppression_list(
        self, otp_verified_client_for
    ):
        """The data migration gives fund managers view access to the outbox only."""
        client = otp_verified_client_for(UserFactory(staff=True, groups=["Fund manager"]))
        assert client.get(reverse(OUTBOX_URL)).status_code == 200
        assert client.get(reverse(SUPPRESSIONS_URL)).status_code == 403


class TestSuppressionAdmin:
    def test_adds_the_address_in_lower_case_when_communications_staff_add_it(
        self, communications_client
    ):
        """Staff add addresses through the service, so the addition is audited."""
        response = communications_client.post(
            reverse("admin:mail_suppression_add"),
            {"email": "Complained@Borsetshire.gov.uk", "reason": "complaint", "note": "By phone"},
        )
        assert response.status_code == 302
        suppression = Suppression.objects.get()
        assert (suppression.email, suppression.reason, suppression.note) == (
            "complained@borsetshire.gov.uk",
            SuppressionReason.COMPLAINT,
            "By phone",
        )
        event = AuditEvent.objects.get(verb="mail.suppression.added")
        assert event.actor_label.startswith("person")

    def test_shows_an_error_when_the_address_is_already_there_in_another_case(
        self, communications_client
    ):
        """The list holds each address once, whatever its case."""
        SuppressionFactory(email="complained@borsetshire.gov.uk")
        response = communications_client.post(
            reverse("admin:mail_suppression_add"),
            {"email": "COMPLAINED@borsetshire.gov.uk", "reason": "manual", "note": ""},
        )
        assert response.status_code == 200
        assert "This address is already on the suppression list." in response.text
        assert Suppression.objects.count() == 1

    def test_changes_the_reason_and_note_when_staff_edit_an_address(self, communications_client):
        """The address itself cannot change; why it is there can."""
        suppression = SuppressionFactory(email="officer@borsetshire.gov.uk")
        response = communications_client.post(
            reverse("admin:mail_suppression_change", args=[suppression.pk]),
            {"email": "someone.else@borsetshire.gov.uk", "reason": "complaint", "note": "Later"},
        )
        assert response.status_code == 302
        suppression.refresh_from_db()
        assert (suppression.email, suppression.reason, suppression.note) == (
            "officer@borsetshire.gov.uk",
            SuppressionReason.COMPLAINT,
            "Later",
        )

    def test_removes_addresses_when_communications_staff_delete_them(self, communications_client):
        """Removing one or several addresses goes through the service, and is audited."""
        one, *several = SuppressionFactory.create_batch(3)
        communications_client.post(
            reverse("admin:mail_suppression_delete", args=[one.pk]), {"post": "yes"}
        )
        communications_client.post(
            reverse(SUPPRESSIONS_URL),
            {
                "action": "delete_selected",
                "_selected_action": [suppression.pk for suppression in several],
                "post": "yes",
            },
        )
        assert not Suppression.objects.exists()
        assert AuditEvent.objects.filter(verb="mail.suppression.removed").count() == 3
