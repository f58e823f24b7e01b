"""The outbox (localdigital/mail/services/outbox.py): queueing an email once per key, sending it
once whoever claims it, retry delays, sensitive emails and the signal when emails finish."""

import email
import email.policy
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from localdigital.mail import services
from localdigital.mail.models import (
    SENSITIVE_BODY_REMOVED,
    EmailStatus,
    OutgoingEmail,
    Stream,
    StreamThrottle,
    message_id_for,
)
from localdigital.mail.services import SendOutcome
from tests.accounts.factories import UserFactory
from tests.mail.factories import OutgoingEmailFactory, SuppressionFactory
from tests.mail.support import sends_queued
from tests.support.ports import free_port

pytestmark = pytest.mark.django_db


ATEXT = r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+"


RFC_5322_MSG_ID = re.compile(rf"<{ATEXT}(\.{ATEXT})*@{ATEXT}(\.{ATEXT})*>")


def queue_welcome(key: str = "tests.welcome.1", **overrides: Any) -> OutgoingEmail:
    arguments: dict[str, Any] = {
        "to": "officer@borsetshire.gov.uk",
        "subject": "Welcome to Local Digital",
        "body": "You have signed the Local Digital Declaration.",
        "idempotency_key": key,
        **overrides,
    }
    return services.email_queue(**arguments)


class TestMessageIdFor:
    @pytest.mark.parametrize(
        "key",
        [
            "accounts.sign-in.3f2a",
            "newsletter issue 12 / officer@borsetshire.gov.uk",
            ".leading..and.trailing.",
            "Résumé <script>",
            "x" * 200,
        ],
    )
    def test_is_a_valid_rfc_5322_message_id_when_the_key_has_unsafe_characters(self, key):
        """Whatever the key holds, the Message-ID is a dot-atom msg-id that parses cleanly."""
        message_id = message_id_for(key)
        header = email.message_from_string(
            f"Message-ID: {message_id}\n\n", policy=email.policy.default
        )["Message-ID"]
        assert RFC_5322_MSG_ID.fullmatch(message_id)
        assert header.defects == ()
        assert str(header) == message_id

    def test_differs_when_keys_differ_only_in_characters_that_are_escaped(self):
        """Escaping never makes two keys share a Message-ID."""
        keys = ["a b", "a_b", "a=20b", "a=b", "a.b", "a..b", "a.=2Eb", "ab.", "ab=2E"]
        assert len({message_id_for(key) for key in keys}) == len(keys)

    def test_keeps_a_safe_key_as_it_is_at_the_sending_domain(self, settings):
        """A key that is already safe is readable in the Message-ID."""
        settings.DEFAULT_FROM_EMAIL = "Local Digital <noreply@localdigital.gov.uk>"
        assert message_id_for("accounts.sign-in.3f2a") == (
            "<accounts.sign-in.3f2a@localdigital.gov.uk>"
        )


class TestEmailQueue:
    def test_queues_a_row_and_sends_it_once_the_transaction_commits_when_called(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """The row is written at once, and the task is queued only on commit."""
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            queued = queue_welcome(headers={"List-Unsubscribe": "<https://example.org/u>"})
            assert queued.status == EmailStatus.QUEUED
            assert mailoutbox == []
        assert sends_queued(callbacks) == 1
        queued.refresh_from_db()
        assert queued.status == EmailStatus.SENT
        assert queued.message_id == "<tests.welcome.1@localdigital.gov.uk>"
        [message] = mailoutbox
        assert message.to == ["officer@borsetshire.gov.uk"]
        assert message.extra_headers["Message-ID"] == queued.message_id
        assert message.extra_headers["List-Unsubscribe"] == "<https://example.org/u>"

    def test_creates_one_row_and_sends_once_when_the_same_key_is_queued_twice(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """A caller that runs twice emails once."""
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            first = queue_welcome()
            second = queue_welcome(subject="A different subject")
        assert first.pk == second.pk
        assert OutgoingEmail.objects.count() == 1
        assert sends_queued(callbacks) == 1
        assert len(mailoutbox) == 1

    def test_writes_and_sends_nothing_when_the_callers_transaction_rolls_back(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """An email belongs to the change that caused it: no change, no email."""
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(DatabaseError),
            transaction.atomic(),
        ):
            queue_welcome()
            raise DatabaseError("the caller's own save failed")
        assert not OutgoingEmail.objects.exists()
        assert callbacks == []
        assert mailoutbox == []

    def test_sends_the_html_alternative_on_the_newsletter_stream_when_given(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """HTML goes as an alternative to the text body, and the stream is recorded."""
        with django_capture_on_commit_callbacks(execute=True):
            queued = queue_welcome(html="<p>You have signed.</p>", stream=Stream.NEWSLETTER)
        assert OutgoingEmail.objects.get(pk=queued.pk).stream == Stream.NEWSLETTER
        assert mailoutbox[0].alternatives[0][0] == "<p>You have signed.</p>"

    def test_leaves_the_row_queued_for_the_sweep_when_the_broker_is_down(
        self, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
    ):
        """A broker outage after commit must not fail the request that queued the email."""

        def broker_down(*args, **kwargs):
            raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379.")

        monkeypatch.setattr("localdigital.mail.tasks.send_email.apply_async", broker_down)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            queued = queue_welcome()
        assert len(callbacks) == 1
        queued.refresh_from_db()
        assert queued.status == EmailStatus.QUEUED
        assert mailoutbox == []

    def test_marks_the_row_sensitive_only_when_the_caller_says_it_holds_a_secret(self):
        """Sign-in links are queued as sensitive; other email is not, unless it says so."""
        secret = queue_welcome("tests.sign-in.1", sensitive=True)
        ordinary = queue_welcome("tests.welcome.2")
        assert OutgoingEmail.objects.get(pk=secret.pk).is_sensitive
        assert not OutgoingEmail.objects.get(pk=ordinary.pk).is_sensitive

    def test_refuses_an_unknown_stream(self):
        """Only transactional and newsletter mail exist."""
        with pytest.raises(ValueError):
            queue_welcome(stream="marketing")


class TestEmailSend:
    def test_sends_once_when_run_twice(self, mailoutbox):
        """A second run finds the row sent and sends nothing."""
        queued = OutgoingEmailFactory()
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.SENT
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.NOT_QUEUED
        assert len(mailoutbox) == 1
        queued.refresh_from_db()
        assert queued.status == EmailStatus.SENT
        assert queued.attempts == 1
        assert queued.sent_at is not None

    @pytest.mark.parametrize("stream", [Stream.TRANSACTIONAL, Stream.NEWSLETTER])
    def test_claims_and_marks_sent_in_one_statement_each_when_nothing_stands_in_the_way(
        self, stream, settings, mailoutbox, django_assert_num_queries
    ):
        """The usual send is two statements: the claim (an UPDATE … RETURNING that checks
        the row's state, its lock and the suppression list at once) and marking it sent."""
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
        queued = OutgoingEmailFactory(stream=stream)
        with django_assert_num_queries(2):
            assert services.email_send(email_id=queued.pk).outcome == SendOutcome.SENT
        queued.refresh_from_db()
        assert (queued.status, queued.attempts, len(mailoutbox)) == (EmailStatus.SENT, 1, 1)
        assert queued.sending_started_at is not None

    def test_a_throttled_newsletter_email_takes_its_token_the_longer_way(
        self, settings, mailoutbox
    ):
        """With the newsletter throttled, the claim goes through the bucket, which it fills."""
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 600
        queued = OutgoingEmailFactory(stream=Stream.NEWSLETTER)
        assert services.email_send(email_id=queued.pk, sleep=lambda _: None).outcome == (
            SendOutcome.SENT
        )
        assert StreamThrottle.objects.filter(stream=Stream.NEWSLETTER).exists()
        assert len(mailoutbox) == 1

    @pytest.mark.django_db(transaction=True)
    def test_leaves_the_row_alone_when_another_worker_holds_its_lock(
        self, other_session, mailoutbox
    ):
        """The claim skips a locked row rather than waiting for it, or sending it again."""
        queued = OutgoingEmailFactory()
        with other_session.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM mail_outgoingemail WHERE id = %s FOR UPDATE", [queued.pk]
            )
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.LOCKED
        assert mailoutbox == []
        assert OutgoingEmail.objects.get(pk=queued.pk).status == EmailStatus.QUEUED
        other_session.rollback()
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.SENT
        assert len(mailoutbox) == 1

    def test_sends_over_smtp_with_the_rows_message_id_when_smtp_is_configured(self, smtp_settings):
        """The message on the wire carries the row's Message-ID and content."""
        queued = OutgoingEmailFactory(headers={"Reply-To": "localdigital@communities.gov.uk"})
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.SENT
        [received] = smtp_settings.received
        assert received.message_id == queued.message_id
        assert received.recipients == [queued.recipient]
        assert received.subject == queued.subject
        assert received.message["Reply-To"] == "localdigital@communities.gov.uk"

    def test_fails_without_contacting_the_provider_when_the_recipient_is_suppressed(
        self, smtp_settings
    ):
        """A suppressed address (in any case) is never sent to, not even attempted."""
        SuppressionFactory(email="bounced@borsetshire.gov.uk")
        queued = OutgoingEmailFactory(recipient="Bounced@Borsetshire.gov.uk")
        smtp_settings.replies["bounced@borsetshire.gov.uk"] = "599 the provider was contacted"
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.SUPPRESSED
        queued.refresh_from_db()
        assert queued.status == EmailStatus.FAILED
        assert queued.last_error == services.SUPPRESSED_ERROR
        assert queued.attempts == 0
        assert smtp_settings.received == []

    def test_queues_again_after_a_backoff_when_the_smtp_server_defers(self, smtp_settings):
        """A 4xx reply is temporary: the row goes back to queued, due after the first delay."""
        queued = OutgoingEmailFactory(recipient="busy@borsetshire.gov.uk")
        smtp_settings.replies["busy@borsetshire.gov.uk"] = "451 4.3.0 Try again later"
        before = timezone.now()
        result = services.email_send(email_id=queued.pk)
        queued.refresh_from_db()
        assert result.outcome == SendOutcome.RETRY
        assert result.retry_at == queued.next_attempt_at
        assert queued.status == EmailStatus.QUEUED
        assert queued.attempts == 1
        assert "451" in queued.last_error
        assert before + timedelta(seconds=30) <= queued.next_attempt_at
        assert queued.next_attempt_at <= timezone.now() + timedelta(seconds=30)

    def test_fails_at_once_when_the_smtp_server_refuses_the_recipient(self, smtp_settings):
        """A 5xx refusal of the recipient is permanent, and recorded on the row."""
        queued = OutgoingEmailFactory(recipient="nobody@borsetshire.gov.uk")
        smtp_settings.replies["nobody@borsetshire.gov.uk"] = "550 5.1.1 No such user"
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.FAILED
        queued.refresh_from_db()
        assert queued.status == EmailStatus.FAILED
        assert queued.failed_at is not None
        assert queued.last_error == "SMTP recipient refused: 550 5.1.1 No such user"

    def test_queues_again_when_the_smtp_server_cannot_be_reached(self, settings):
        """A refused connection is temporary."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
        queued = OutgoingEmailFactory()
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.RETRY
        queued.refresh_from_db()
        assert queued.status == EmailStatus.QUEUED
        assert queued.last_error.startswith("Connection failed: ConnectionRefusedError")

    def test_gives_up_when_the_last_attempt_fails_temporarily(self, settings, smtp_settings):
        """After MAIL_MAX_ATTEMPTS attempts a temporary error fails the row."""
        settings.MAIL_MAX_ATTEMPTS = 2
        queued = OutgoingEmailFactory(recipient="busy@borsetshire.gov.uk", attempts=1)
        smtp_settings.replies["busy@borsetshire.gov.uk"] = "451 4.3.0 Try again later"
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.FAILED
        queued.refresh_from_db()
        assert queued.status == EmailStatus.FAILED
        assert queued.attempts == 2
        assert queued.last_error.startswith("Gave up after 2 attempts. SMTP recipient refused")

    def test_fails_without_sending_when_the_attempts_are_used_up(self, settings, mailoutbox):
        """A row the sweep queued again after its last attempt is not sent again."""
        settings.MAIL_MAX_ATTEMPTS = 3
        queued = OutgoingEmailFactory(attempts=3, last_error="Connection failed")
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.FAILED
        assert mailoutbox == []
        queued.refresh_from_db()
        assert queued.status == EmailStatus.FAILED
        assert queued.last_error == "Gave up after 3 attempts. Connection failed"

    def test_waits_when_the_next_attempt_is_not_due(self, mailoutbox):
        """A task that runs before the backoff ends sends nothing."""
        queued = OutgoingEmailFactory(next_attempt_at=timezone.now() + timedelta(minutes=1))
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.NOT_DUE
        assert mailoutbox == []

    def test_does_nothing_when_the_row_does_not_exist(self, mailoutbox):
        """A task for a row that was never committed sends nothing."""
        assert services.email_send(email_id=987654).outcome == SendOutcome.MISSING
        assert mailoutbox == []


class TestSensitiveEmailSend:
    def test_sends_the_secret_then_removes_it_from_the_row_when_the_email_is_sensitive(
        self, mailoutbox
    ):
        """The recipient gets the link; the outbox keeps a note in its place, text and HTML."""
        queued = OutgoingEmailFactory(sensitive=True)
        link = queued.body_text.removeprefix("Sign in: ")
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.SENT
        [message] = mailoutbox
        assert link in message.body
        assert link in message.alternatives[0][0]
        queued.refresh_from_db()
        assert queued.status == EmailStatus.SENT
        assert (queued.body_text, queued.body_html) == (
            SENSITIVE_BODY_REMOVED,
            SENSITIVE_BODY_REMOVED,
        )
        stored = OutgoingEmail.objects.filter(pk=queued.pk).values().get()
        assert not [name for name, value in stored.items() if "secret-" in str(value)]

    def test_keeps_the_body_when_the_email_is_not_sensitive(self, mailoutbox):
        """Ordinary email stays readable in the outbox after it is sent."""
        queued = OutgoingEmailFactory(body_text="Your application was received.")
        services.email_send(email_id=queued.pk)
        queued.refresh_from_db()
        assert queued.status == EmailStatus.SENT
        assert queued.body_text == "Your application was received."

    @pytest.mark.parametrize(
        ("reply", "status"),
        [
            ("451 4.3.0 Try again later", EmailStatus.QUEUED),
            ("550 5.1.1 No such user", EmailStatus.FAILED),
        ],
    )
    def test_keeps_the_body_when_a_sensitive_email_is_not_sent(self, smtp_settings, reply, status):
        """A sensitive email waiting for a retry, or failed, can still be sent: its body stays."""
        queued = OutgoingEmailFactory(sensitive=True, recipient="officer@borsetshire.gov.uk")
        body_text, body_html = queued.body_text, queued.body_html
        smtp_settings.replies["officer@borsetshire.gov.uk"] = reply
        services.email_send(email_id=queued.pk)
        queued.refresh_from_db()
        assert queued.status == status
        assert (queued.body_text, queued.body_html) == (body_text, body_html)

    def test_sends_the_real_body_when_staff_retry_a_failed_sensitive_email(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        """A retry sends the secret the failed row kept, then removes it."""
        failed = OutgoingEmailFactory(failed=True, sensitive=True)
        body_text = failed.body_text
        with django_capture_on_commit_callbacks(execute=True):
            services.email_retry(email_id=failed.pk, actor=UserFactory(staff=True))
        [message] = mailoutbox
        assert message.body == body_text
        failed.refresh_from_db()
        assert failed.status == EmailStatus.SENT
        assert failed.body_text == SENSITIVE_BODY_REMOVED

    def test_removes_nothing_more_when_the_send_is_recorded_twice(self, mailoutbox):
        """A second run finds the row sent, sends nothing, and leaves the note alone."""
        queued = OutgoingEmailFactory(sensitive=True)
        services.email_send(email_id=queued.pk)
        assert services.email_send(email_id=queued.pk).outcome == SendOutcome.NOT_QUEUED
        assert len(mailoutbox) == 1
        assert OutgoingEmail.objects.get(pk=queued.pk).body_text == SENSITIVE_BODY_REMOVED


class TestRetryDelay:
    def test_doubles_from_the_first_delay_up_to_15_minutes(self, settings):
        """30 seconds, a minute, two minutes … but never longer than the broker keeps a task."""
        settings.MAIL_RETRY_FIRST_DELAY = timedelta(seconds=30)
        delays = [services.retry_delay(attempts=attempts) for attempts in (1, 2, 3, 5, 6, 20)]
        assert delays == [
            timedelta(seconds=30),
            timedelta(minutes=1),
            timedelta(minutes=2),
            timedelta(minutes=8),
            timedelta(minutes=15),
            timedelta(minutes=15),
        ]
