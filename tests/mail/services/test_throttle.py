"""The newsletter stream's throttle (localdigital/mail/services/throttle.py): sends taken at the
rate per minute, and an email sent only when the throttle allows."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from localdigital.mail import services
from localdigital.mail.models import EmailStatus, Stream, StreamThrottle
from localdigital.mail.services import SendOutcome
from tests.mail.factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db


class TestThrottleTake:
    def test_lets_a_burst_of_one_seconds_worth_go_then_spaces_the_rest_at_the_rate(self, settings):
        """At 120 a minute: 2 at once, then one every half second, the debt growing."""
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 120
        now = timezone.now()
        waits = [services.throttle_take(stream=Stream.NEWSLETTER, now=now) for _ in range(5)]
        assert waits == pytest.approx([0, 0, 0.5, 1.0, 1.5])

    def test_refills_with_time_up_to_one_seconds_worth(self, settings):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 120
        now = timezone.now()
        for _ in range(3):
            services.throttle_take(stream=Stream.NEWSLETTER, now=now)
        later = now + datetime.timedelta(seconds=10)
        waits = [services.throttle_take(stream=Stream.NEWSLETTER, now=later) for _ in range(3)]
        assert waits == pytest.approx([0, 0, 0.5])

    def test_never_refills_backwards_when_a_clock_is_behind(self, settings):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 60
        now = timezone.now()
        services.throttle_take(stream=Stream.NEWSLETTER, now=now)
        earlier = now - datetime.timedelta(seconds=30)
        assert services.throttle_take(stream=Stream.NEWSLETTER, now=earlier) == pytest.approx(1)
        assert StreamThrottle.objects.get().refilled_at == now

    def test_holds_no_transactional_email_and_keeps_no_row_for_it(self):
        assert services.throttle_take(stream=Stream.TRANSACTIONAL) == 0
        assert not StreamThrottle.objects.exists()

    def test_holds_nothing_when_the_limit_is_lifted(self, settings):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
        assert [services.throttle_take(stream=Stream.NEWSLETTER) for _ in range(100)] == [0] * 100
        assert not StreamThrottle.objects.exists()


class TestEmailSendThrottled:
    def test_waits_for_its_turn_then_sends_a_newsletter_email(self, settings, mailoutbox):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 60
        slept: list[float] = []
        emails = OutgoingEmailFactory.create_batch(2, newsletter=True)
        outcomes = [
            services.email_send(email_id=email.pk, sleep=slept.append).outcome for email in emails
        ]
        assert outcomes == [SendOutcome.SENT, SendOutcome.SENT]
        assert len(slept) == 1
        assert 0.9 < slept[0] <= 1.0
        assert len(mailoutbox) == 2

    def test_sends_transactional_email_at_once_whatever_the_newsletter_throttle(
        self, settings, mailoutbox
    ):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 1
        slept: list[float] = []
        for email in OutgoingEmailFactory.create_batch(3):
            services.email_send(email_id=email.pk, sleep=slept.append)
        assert slept == []
        assert len(mailoutbox) == 3

    @pytest.mark.parametrize(
        ("state", "outcome"),
        [
            ({"sent": True}, SendOutcome.NOT_QUEUED),
            ({"status": EmailStatus.HELD}, SendOutcome.NOT_QUEUED),
            (
                {"next_attempt_at": timezone.now() + datetime.timedelta(hours=1)},
                SendOutcome.NOT_DUE,
            ),
        ],
    )
    def test_takes_no_token_when_there_is_nothing_to_send(self, settings, state, outcome):
        """Repeats of a task (acks_late, the sweep) cost the throttle nothing."""
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 60
        email = OutgoingEmailFactory(newsletter=True, **state)
        assert services.email_send(email_id=email.pk).outcome == outcome
        assert not StreamThrottle.objects.exists()

    def test_reports_a_missing_row(self):
        assert services.email_send(email_id=123456).outcome == SendOutcome.MISSING

    def test_sends_once_when_run_twice(self, settings, mailoutbox):
        settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
        email = OutgoingEmailFactory(newsletter=True)
        assert services.email_send(email_id=email.pk).outcome == SendOutcome.SENT
        assert services.email_send(email_id=email.pk).outcome == SendOutcome.NOT_QUEUED
        assert len(mailoutbox) == 1
