"""Fixtures for the outbox's tests: a fake GOV.UK Notify, staff sign-in, and the workers."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest

from tests.fixtures.smtp_sink import SmtpSink


@dataclass
class NotifyRequest:
    """One request the fake GOV.UK Notify received."""

    path: str
    body: dict[str, Any]
    authorised: bool


@dataclass
class FakeNotify:
    """GOV.UK Notify's API for sending email, over HTTP on 127.0.0.1.

    Like Notify, it answers 403 unless the request carries a JSON Web Token signed with the
    key's secret for the key's service. It records every request, and answers with the
    ``replies`` queued by ``reply()`` in turn, then 201 and a new notification.
    """

    service_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    secret: str = field(default_factory=lambda: str(uuid.uuid4()))
    template_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    url: str = ""
    requests: list[NotifyRequest] = field(default_factory=list)
    replies: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    @property
    def api_key(self) -> str:
        return f"local_digital_tests-{self.service_id}-{self.secret}"

    def reply(self, status: int, message: str = "") -> None:
        """Answer the next request with an error, in Notify's own format."""
        error = {"error": "BadRequestError" if status == 400 else "Error", "message": message}
        self.replies.append((status, {"errors": [error], "status_code": status}))

    def answer(self, path: str, body: dict[str, Any], authorisation: str) -> tuple[int, dict]:
        try:
            claims = jwt.decode(
                authorisation.removeprefix("Bearer "), self.secret, algorithms=["HS256"]
            )
            authorised = claims.get("iss") == self.service_id
        except jwt.PyJWTError:
            authorised = False
        self.requests.append(NotifyRequest(path=path, body=body, authorised=authorised))
        if not authorised:
            return 403, {
                "errors": [{"error": "AuthError", "message": "Invalid token: API key not found"}],
                "status_code": 403,
            }
        if self.replies:
            return self.replies.pop(0)
        notification_id = str(uuid.uuid4())
        personalisation = body.get("personalisation", {})
        return 201, {
            "id": notification_id,
            "reference": body.get("reference"),
            "content": {
                "subject": personalisation.get("subject"),
                "body": personalisation.get("body"),
                "from_email": "local.digital@notifications.service.gov.uk",
            },
            "uri": f"{self.url}/v2/notifications/{notification_id}",
            "template": {"id": body.get("template_id"), "version": 1, "uri": self.url},
        }


@pytest.fixture
def fake_notify() -> Iterator[FakeNotify]:
    """Serve a fake GOV.UK Notify on a free port for the length of the test."""
    fake = FakeNotify()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            status, payload = fake.answer(self.path, body, self.headers.get("Authorization", ""))
            content = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def notify_settings(settings: Any, fake_notify: FakeNotify) -> FakeNotify:
    """Send the outbox through GOV.UK Notify, that is, through the fake one."""
    settings.GOVUK_NOTIFY_API_KEY = fake_notify.api_key
    settings.GOVUK_NOTIFY_TEMPLATE_ID = fake_notify.template_id
    settings.GOVUK_NOTIFY_BASE_URL = fake_notify.url
    return fake_notify


@pytest.fixture
def smtp_settings(settings: Any, request: pytest.FixtureRequest) -> SmtpSink:
    """Send the outbox over SMTP to the sink, and return the sink."""
    sink: SmtpSink = request.getfixturevalue("smtp_sink")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return sink
