"""Error tracking (localdigital/error_tracking.py): Sentry only when SENTRY_DSN is set, and
never a person's email address, request body or sign-in token in what it is sent."""

from __future__ import annotations

import json

import sentry_sdk

from localdigital.error_tracking import init_error_tracking, scrub_event
from localdigital.redaction import redact
from tests.test_deployment import manage, production_environment

EMAIL = "officer@borsetshire.gov.uk"


def event_with_personal_data() -> dict:
    """Return an event as Sentry's Django integration builds it, full of personal data."""
    return {
        "message": f"Could not send the sign-in link to {EMAIL}",
        "user": {"id": "42", "email": EMAIL, "ip_address": "192.0.2.10"},
        "request": {
            "method": "POST",
            "url": "https://localdigital.example.gov.uk/account/sign-in/",
            "query_string": "token=sign-in-secret",
            "cookies": {"sessionid": "session-secret"},
            "headers": {"Referer": "https://localdigital.example.gov.uk/?token=referer-secret"},
            "data": {"email": EMAIL},
            "env": {"REMOTE_ADDR": "192.0.2.10"},
        },
        "exception": {
            "values": [
                {
                    "type": "SMTPRecipientsRefused",
                    "value": f"{{'{EMAIL}': (550, b'No such user')}}",
                    "stacktrace": {
                        "frames": [
                            {
                                "function": "send",
                                "vars": {
                                    "to": f"'{EMAIL}'",
                                    "link": "'https://x.gov.uk/account/sign-in/link/?token=s3cret'",
                                    "recipients": [EMAIL.upper()],
                                },
                            }
                        ]
                    },
                }
            ]
        },
        "extra": {"recipient": f"Jo Bloggs <{EMAIL}>"},
        "breadcrumbs": {"values": [{"category": "query", "message": f"WHERE email = '{EMAIL}'"}]},
    }


class TestScrubEvent:
    def test_takes_every_email_address_out_of_the_event(self):
        scrubbed = json.dumps(scrub_event(event_with_personal_data(), {}))
        assert EMAIL not in scrubbed.lower()
        assert "[email]" in scrubbed

    def test_keeps_what_the_error_was_and_where(self):
        event = scrub_event(event_with_personal_data(), {})
        assert event["message"] == "Could not send the sign-in link to [email]"
        assert event["exception"]["values"][0]["type"] == "SMTPRecipientsRefused"
        assert event["exception"]["values"][0]["stacktrace"]["frames"][0]["function"] == "send"
        assert event["request"] == {
            "method": "POST",
            "url": "https://localdigital.example.gov.uk/account/sign-in/",
        }

    def test_drops_the_user_the_body_the_cookies_and_the_query_string(self):
        event = scrub_event(event_with_personal_data(), {})
        scrubbed = json.dumps(event)
        assert "user" not in event
        assert "192.0.2.10" not in scrubbed
        for secret in ("sign-in-secret", "session-secret", "referer-secret", "s3cret"):
            assert secret not in scrubbed, secret


class TestRedact:
    def test_redacts_addresses_and_link_tokens_and_leaves_other_text(self):
        text = "Sent to Jo <jo.bloggs+ld@mail.borsetshire.gov.uk> at /link/?a=1&token=abc.DEF-1"
        assert redact(text) == "Sent to Jo <[email]> at /link/?a=1&token=[token]"
        assert redact("celery@worker1 ready. 50 of 100") == "celery@worker1 ready. 50 of 100"


class TestInitErrorTracking:
    def test_does_nothing_without_a_dsn(self):
        assert init_error_tracking(dsn="", environment="production", release="") is False
        assert not sentry_sdk.get_client().is_active()


class TestProductionSettings:
    CHECK = (
        "import sentry_sdk; client = sentry_sdk.get_client(); "
        "print(client.is_active()); "
        "print(sorted(client.integrations) if client.is_active() else []); "
        "options = client.options; "
        "print(options.get('send_default_pii'), options.get('max_request_body_size'), "
        "getattr(options.get('before_send'), '__name__', None), "
        "options.get('environment'), options.get('release'))"
    )

    def test_report_errors_to_sentry_when_sentry_dsn_is_set(self):
        environment = production_environment(
            SENTRY_DSN="https://0123456789abcdef@sentry.invalid/1",
            SENTRY_ENVIRONMENT="staging",
            SENTRY_RELEASE="abc1234",
        )
        result = manage("shell", "--no-imports", "-c", self.CHECK, environment=environment)
        assert result.returncode == 0, result.stderr
        active, integrations, options = result.stdout.splitlines()
        assert active == "True"
        assert {"django", "celery"} <= set(json.loads(integrations.replace("'", '"')))
        assert options == "False never scrub_event staging abc1234"

    def test_start_no_error_tracking_without_sentry_dsn(self):
        result = manage(
            "shell", "--no-imports", "-c", self.CHECK, environment=production_environment()
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[:2] == ["False", "[]"]
