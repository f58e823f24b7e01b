"""Error tracking (localdigital/error_tracking.py): Sentry only when SENTRY_DSN is set, and
never a person's email address, request body or sign-in token in what it is sent."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk

from localdigital.error_tracking import init_error_tracking, scrub_event
from localdigital.redaction import redact
from tests.support.deployment import manage, production_environment

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
                                    "environ": {
                                        "PATH_INFO": "/account/",
                                        "HTTP_COOKIE": "sessionid=session-secret",
                                    },
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
        frame = event["exception"]["values"][0]["stacktrace"]["frames"][0]
        assert frame["function"] == "send"
        assert frame["vars"]["environ"] == {
            "PATH_INFO": "/account/",
            "HTTP_COOKIE": "[Filtered]",
        }
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


# Run by manage.py shell with production settings: the home page fails while a person who
# came from a sign-in link, with a session cookie, asks for it.
CRASH_FOR_A_SIGNED_IN_PERSON = """
import sentry_sdk
from django.test import Client
from localdigital.pages import views


def crash(*args, **kwargs):
    person = "{email}"
    raise RuntimeError("No organisation for " + person)


# Each secret is made as the code runs, so that it is not in this source, which the stack
# frames of the shell command hold.
secret = "-" + "secret"
views.declaration_selectors.organisation_counts_by_type = crash
client = Client(raise_request_exception=False, HTTP_HOST="localdigital.example.gov.uk")
response = client.get(
    "/?token=sign-in" + secret,
    secure=True,
    headers={{
        "referer": "/account/sign-in/link/?token=referer" + secret,
        "cookie": "sessionid=session" + secret,
    }},
)
print(response.status_code, response.headers["X-Request-Id"])
sentry_sdk.flush(timeout=10)
"""


@dataclass
class SentryStandIn:
    """A stand-in for Sentry's ingestion: the envelopes it has received, unzipped."""

    port: int = 0
    envelopes: list[bytes] = field(default_factory=list)


@pytest.fixture
def sentry_server() -> Iterator[SentryStandIn]:
    """Run a stand-in for Sentry on a free port."""
    stand_in = SentryStandIn()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            stand_in.envelopes.append(body)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stand_in.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
class TestWhatSentryReceives:
    def test_an_error_reaches_sentry_with_the_request_id_and_no_personal_data(self, sentry_server):
        """A page that fails for a signed-in person, from a sign-in link, with a form: what
        Sentry receives has the request id and none of the person's data."""
        port = sentry_server.port
        code = CRASH_FOR_A_SIGNED_IN_PERSON.format(email=EMAIL)
        environment = production_environment(SENTRY_DSN=f"http://0123abcd@127.0.0.1:{port}/1")
        result = manage("shell", "--no-imports", "-c", code, environment=environment)
        assert result.returncode == 0, result.stderr
        status, reference = result.stdout.split()
        assert status == "500"
        events = [envelope for envelope in sentry_server.envelopes if b'"exception"' in envelope]
        assert len(events) == 1, sentry_server.envelopes
        sent = events[0].decode()
        assert reference in sent
        assert "RuntimeError" in sent and "No organisation for [email]" in sent
        assert EMAIL not in sent
        for secret in ("sign-in-secret", "referer-secret", "session-secret"):
            assert secret not in sent, secret
