from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from notifications_python_client.errors import HTTPError

NOTIFY_BACKEND = "localdigital.mail.backends.NotifyEmailBackend"
MESSAGE_ID = "<declaration.signed.42@localdigital.gov.uk>"


def signed_message(**overrides: Any) -> EmailMessage:
    arguments: dict[str, Any] = {
        "subject": "Your organisation has signed the Local Digital Declaration",
        "body": "Borsetshire District Council is now a signatory.",
        "to": ["officer@borsetshire.gov.uk"],
        "headers": {"Message-ID": MESSAGE_ID},
        **overrides,
    }
    return EmailMessage(**arguments)


@pytest.fixture
def notify_connection(fake_notify):
    """A Notify backend pointed at the fake Notify."""

    def connect(**overrides: object):
        options = {
            "api_key": fake_notify.api_key,
            "template_id": fake_notify.template_id,
            "base_url": fake_notify.url,
            **overrides,
        }
        return get_connection(NOTIFY_BACKEND, **options)

    return connect


class TestNotifyEmailBackend:
    def test_sends_subject_and_body_to_the_generic_template_with_the_message_id_as_reference(
        self, fake_notify, notify_connection
    ):
        """One notification, signed with the key, referenced by the Message-ID."""
        message = signed_message()
        assert notify_connection().send_messages([message]) == 1
        [request] = fake_notify.requests
        assert request.authorised
        assert request.path == "/v2/notifications/email"
        assert request.body == {
            "email_address": "officer@borsetshire.gov.uk",
            "template_id": fake_notify.template_id,
            "personalisation": {
                "subject": "Your organisation has signed the Local Digital Declaration",
                "body": "Borsetshire District Council is now a signatory.",
            },
            "reference": MESSAGE_ID,
        }
        assert message.provider_reference

    def test_sends_one_notification_per_recipient_when_there_are_several(
        self, fake_notify, notify_connection
    ):
        """Notify takes one address per notification."""
        message = signed_message(
            to=["officer@borsetshire.gov.uk"], cc=["chief.executive@borsetshire.gov.uk"]
        )
        assert notify_connection().send_messages([message]) == 1
        assert [request.body["email_address"] for request in fake_notify.requests] == [
            "officer@borsetshire.gov.uk",
            "chief.executive@borsetshire.gov.uk",
        ]

    def test_passes_the_one_click_unsubscribe_link_when_the_message_has_one(
        self, fake_notify, notify_connection
    ):
        """Notify adds the List-Unsubscribe headers itself from an https link."""
        message = signed_message(
            headers={
                "Message-ID": MESSAGE_ID,
                "List-Unsubscribe": "<mailto:unsubscribe@localdigital.gov.uk>, "
                "<https://localdigital.gov.uk/newsletter/unsubscribe/abc/>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        )
        notify_connection().send_messages([message])
        assert fake_notify.requests[0].body["one_click_unsubscribe_url"] == (
            "https://localdigital.gov.uk/newsletter/unsubscribe/abc/"
        )

    def test_raises_notifys_error_when_it_refuses_the_email(self, fake_notify, notify_connection):
        """A 400 from Notify reaches the caller with its status and message."""
        fake_notify.reply(400, "email_address Not a valid email address")
        with pytest.raises(HTTPError) as error:
            notify_connection().send_messages([signed_message()])
        assert error.value.status_code == 400
        assert "Not a valid email address" in str(error.value)

    def test_raises_403_when_the_key_is_not_the_services(self, fake_notify, notify_connection):
        """A key signed with another secret is refused, as Notify would."""
        wrong_key = (
            f"local_digital_tests-{fake_notify.service_id}-{'0' * 8}-0000-4000-8000-{'0' * 12}"
        )
        with pytest.raises(HTTPError) as error:
            notify_connection(api_key=wrong_key).send_messages([signed_message()])
        assert error.value.status_code == 403
        assert not fake_notify.requests[0].authorised

    def test_returns_zero_when_it_fails_silently(self, fake_notify, notify_connection):
        """With fail_silently, as Django's backends do, an error only counts as not sent."""
        fake_notify.reply(500, "Internal server error")
        assert notify_connection(fail_silently=True).send_messages([signed_message()]) == 0

    def test_keeps_one_client_open_when_the_connection_is_opened_first(
        self, fake_notify, notify_connection
    ):
        """Opened as a context manager, the backend sends every message over one client."""
        with notify_connection() as connection:
            client = connection.client
            connection.send_messages([signed_message()])
            connection.send_messages([signed_message()])
            assert connection.client is client
        assert connection.client is None
        assert len(fake_notify.requests) == 2

    def test_refuses_to_start_when_the_key_or_template_is_missing(self, settings):
        """Without a key and a template there is nothing to send with."""
        settings.GOVUK_NOTIFY_API_KEY = ""
        settings.GOVUK_NOTIFY_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
        with pytest.raises(ImproperlyConfigured):
            get_connection(NOTIFY_BACKEND)
