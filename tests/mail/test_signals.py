"""The signal the outbox sends when emails are finished (localdigital/mail/signals.py): once
each is sent, failed for good or suppressed, after that is committed, and never stopped by a
receiver that fails."""

from typing import Any

import pytest
from django.db import DatabaseError

from localdigital.mail import services
from localdigital.mail.models import EmailStatus, OutgoingEmail, Stream
from localdigital.mail.services import SendOutcome
from localdigital.mail.signals import emails_finished
from tests.mail.factories import OutgoingEmailFactory, SuppressionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished() -> Any:
    """Record each ``emails_finished`` signal's email ids, in order."""
    calls: list[list[int]] = []

    def record(sender: object, email_ids: list[int], **kwargs: object) -> None:
        calls.append(list(email_ids))

    emails_finished.connect(record, weak=False, dispatch_uid="tests.record_finished")
    yield calls
    emails_finished.disconnect(dispatch_uid="tests.record_finished")


class TestEmailsFinished:
    """The outbox tells whoever follows its emails (a newsletter issue) when they finish,
    without knowing who that is: it imports no domain app."""

    def test_tells_once_an_email_is_sent_and_that_is_committed(
        self, finished, django_capture_on_commit_callbacks, mailoutbox
    ):
        queued = OutgoingEmailFactory()
        with django_capture_on_commit_callbacks() as callbacks:
            services.email_send(email_id=queued.pk)
        assert finished == []
        for callback in callbacks:
            callback()
        assert finished == [[queued.pk]]

    def test_tells_when_an_email_fails_for_good_or_its_recipient_is_suppressed(
        self, finished, django_capture_on_commit_callbacks, smtp_settings
    ):
        refused = OutgoingEmailFactory(recipient="nobody@borsetshire.gov.uk")
        smtp_settings.replies["nobody@borsetshire.gov.uk"] = "550 5.1.1 No such user"
        SuppressionFactory(email="bounced@borsetshire.gov.uk")
        suppressed = OutgoingEmailFactory(recipient="bounced@borsetshire.gov.uk")
        with django_capture_on_commit_callbacks(execute=True):
            services.email_send(email_id=refused.pk)
            services.email_send(email_id=suppressed.pk)
        assert finished == [[refused.pk], [suppressed.pk]]

    def test_says_nothing_of_an_email_to_try_again_or_left_alone(
        self, finished, django_capture_on_commit_callbacks, smtp_settings, mailoutbox
    ):
        deferred = OutgoingEmailFactory(recipient="busy@borsetshire.gov.uk")
        smtp_settings.replies["busy@borsetshire.gov.uk"] = "451 4.3.0 Try again later"
        with django_capture_on_commit_callbacks(execute=True):
            assert services.email_send(email_id=deferred.pk).outcome == SendOutcome.RETRY
            assert services.email_send(email_id=deferred.pk).outcome == SendOutcome.NOT_DUE
            assert services.email_send(email_id=0).outcome == SendOutcome.MISSING
        assert finished == []

    def test_tells_once_for_a_chunk_of_newsletter_email(
        self, finished, django_capture_on_commit_callbacks, settings, mailoutbox
    ):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
        emails = OutgoingEmailFactory.create_batch(3, stream=Stream.NEWSLETTER)
        ids = [email.pk for email in emails]
        with django_capture_on_commit_callbacks(execute=True):
            services.emails_send_chunk(email_ids=ids, hand_back=lambda rest: None)
        assert finished == [ids]

    def test_a_receiver_that_fails_neither_undoes_the_send_nor_stops_the_others(
        self, finished, django_capture_on_commit_callbacks, mailoutbox, caplog
    ):
        def broken(sender: object, **kwargs: object) -> None:
            raise DatabaseError("the receiver's database is unavailable")

        emails_finished.connect(broken, weak=False, dispatch_uid="tests.broken_receiver")
        try:
            queued = OutgoingEmailFactory()
            with django_capture_on_commit_callbacks(execute=True):
                assert services.email_send(email_id=queued.pk).outcome == SendOutcome.SENT
        finally:
            emails_finished.disconnect(dispatch_uid="tests.broken_receiver")
        assert OutgoingEmail.objects.get().status == EmailStatus.SENT
        assert finished == [[queued.pk]]
        assert "failed on finished emails" in caplog.text
