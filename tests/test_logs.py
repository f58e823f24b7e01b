"""The log lines' format and filters (localdigital/logs.py)."""

from __future__ import annotations

import json
import logging

from localdigital.logs import JsonFormatter, SkipRepeatedLines


def record(name: str, message: str, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord(name, logging.ERROR, __file__, 1, message, None, None)
    made.__dict__.update(extra)
    return made


class TestSkipRepeatedLines:
    def test_leaves_out_django_s_line_for_a_request(self):
        """The request line says the same, with the request id."""
        assert not SkipRepeatedLines().filter(record("django.request", "Internal Server Error: /"))

    def test_leaves_out_celery_s_line_for_a_task_s_outcome(self):
        """The task line says the same, with the request id."""
        outcome = record("celery.app.trace", "Task x[1] raised", data={"id": "1", "name": "x"})
        assert not SkipRepeatedLines().filter(outcome)

    def test_keeps_every_other_line(self):
        keep = SkipRepeatedLines().filter
        assert keep(record("celery.app.trace", "Process cleanup failed"))
        assert keep(record("django.security.csrf", "Forbidden (CSRF cookie not set.): /"))
        assert keep(record("localdigital.mail.services.outbox", "Sending failed"))


class TestJsonFormatter:
    def test_writes_one_line_of_json_with_the_fields_renamed(self):
        line = JsonFormatter().format(record("localdigital.request", "GET / 500", status=500))
        assert "\n" not in line
        parsed = json.loads(line)
        assert (parsed["level"], parsed["logger"], parsed["message"], parsed["status"]) == (
            "ERROR",
            "localdigital.request",
            "GET / 500",
            500,
        )
        assert parsed["time"].endswith("+00:00")

    def test_redacts_email_addresses_and_link_tokens_anywhere_in_the_line(self):
        line = JsonFormatter().format(
            record(
                "localdigital.mail",
                "Refused: officer@borsetshire.gov.uk",
                link="https://x.gov.uk/account/sign-in/link/?token=abc123",
            )
        )
        parsed = json.loads(line)
        assert parsed["message"] == "Refused: [email]"
        assert parsed["link"] == "https://x.gov.uk/account/sign-in/link/?token=[token]"
