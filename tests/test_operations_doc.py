"""docs/operations.md, the operator's runbook, says what the code does.

Its scheduled jobs are the settings' CELERY_BEAT_SCHEDULE, at the same times; each command it
runs through ``manage.py`` exists; each variable it names is in .env.example; its Notify
template has the placeholders the backend fills; its /healthz bodies are the view's own.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.mail import EmailMessage
from django.core.management import get_commands
from django.urls import reverse

from localdigital.mail.backends import NotifyEmailBackend
from tests.support.deployment import REPO, env_example_lines

DOC = REPO / "docs" / "operations.md"


def doc() -> str:
    return DOC.read_text()


def schedule_in_words(schedule: timedelta | crontab) -> str:
    """Return a beat schedule as the runbook's table says it: "every 5 minutes", "daily at
    03:30"."""
    if isinstance(schedule, timedelta):
        minutes = int(schedule.total_seconds() // 60)
        assert schedule == timedelta(minutes=minutes), schedule
        return "every minute" if minutes == 1 else f"every {minutes} minutes"
    # celery-types does not declare crontab's expanded fields: sets of the matching values.
    fields: Any = schedule
    (hour,), (minute,) = fields.hour, fields.minute
    assert len(fields.day_of_week) == 7 and len(fields.day_of_month) == 31, schedule
    return f"daily at {hour:02d}:{minute:02d}"


def beat_table() -> dict[str, str]:
    """Return the runbook's table of scheduled jobs: job name → how often."""
    rows = re.findall(r"^\| `([a-z-]+)` \| ([^|]+) \|", doc(), flags=re.MULTILINE)
    return {name: often.strip() for name, often in rows}


class TestRunbook:
    def test_is_linked_from_the_readme(self):
        assert "(docs/operations.md)" in (REPO / "README.md").read_text()

    def test_and_the_readme_run_migrate_and_collectstatic_without_docker(self):
        """The image collects static files at build time; without Docker, people do, and both
        say so."""
        readme = (REPO / "README.md").read_text()
        without_docker = readme[readme.index("### A worker and beat without Docker") :]
        for text in (without_docker, doc()):
            assert ".venv/bin/python manage.py migrate --noinput" in text
            assert ".venv/bin/python manage.py collectstatic --noinput" in text
            assert "build time" in text

    def test_lists_every_scheduled_job_at_its_time(self):
        expected = {
            name: schedule_in_words(entry["schedule"])
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        assert beat_table() == expected

    def test_runs_only_management_commands_that_exist(self):
        named = set(re.findall(r"manage\.py ([a-z_]+)", doc()))
        assert {"migrate", "collectstatic", "staff_create", "shell"} <= named
        assert named <= set(get_commands()), named - set(get_commands())

    def test_names_only_variables_that_env_example_lists(self):
        listed = {
            m.group(1)
            for line in env_example_lines()
            if (m := re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=", line))
        }
        named = set(re.findall(r"`([A-Z][A-Z0-9_]{3,})`", doc()))
        assert {"SECRET_KEY_FALLBACKS", "GOVUK_NOTIFY_CALLBACK_TOKEN"} <= named
        # Capitals that are not variables: an HTTP method, a Dockerfile instruction, a setting.
        not_variables = {"HEAD", "HEALTHCHECK", "CELERY_BEAT_SCHEDULE"}
        assert "HEALTHCHECK" in (REPO / "Dockerfile").read_text()
        assert hasattr(settings, "CELERY_BEAT_SCHEDULE")
        assert named - not_variables <= listed, named - not_variables - listed

    def test_gives_the_notify_template_the_placeholders_the_backend_fills(self, monkeypatch):
        sent: list[dict] = []

        class FakeNotify:
            def __init__(self, *args: object, **kwargs: object) -> None:
                self.request_session = type("Session", (), {"close": lambda self: None})()

            def send_email_notification(self, **kwargs: object) -> dict:
                sent.append(kwargs)
                return {"id": "notification-id"}

        monkeypatch.setattr("localdigital.mail.backends.NotificationsAPIClient", FakeNotify)
        backend = NotifyEmailBackend(api_key="key", template_id="template")
        backend.send_messages([EmailMessage("Subject", "Body", to=["name@example.gov.uk"])])
        placeholders = set(sent[0]["personalisation"])
        assert placeholders == {"subject", "body"}
        for name in placeholders:
            assert f"`(({name}))`" in doc()

    def test_gives_the_delivery_receipt_address_the_service_routes(self):
        assert f"https://<your host>{reverse('mail:notify-delivery-receipt')}" in doc()

    @pytest.mark.django_db
    def test_shows_the_health_check_s_own_answer(self, client):
        response = client.get(reverse("pages:healthz"))
        assert response.status_code == 200
        # The broker in the tests may or may not be there; the database is.
        body = response.content.decode()
        assert f"`{body}`" in doc()
