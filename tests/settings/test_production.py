"""The production settings (localdigital/settings/production.py), loaded in a process of their
own: they pass Django's deployment checks, refuse to start without what they need, and send the
security headers."""

from __future__ import annotations

import json

import pytest

from tests.support.deployment import manage, production_environment, required_production_variables


class TestProductionSettings:
    def test_pass_the_deployment_checks(self):
        """manage.py check --deploy finds nothing, not even a warning."""
        environment = production_environment()
        assert len(environment["SECRET_KEY"]) >= 50
        result = manage("check", "--deploy", "--fail-level", "WARNING", environment=environment)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues" in result.stdout

    def test_use_starttls_for_smtp_unless_told_not_to(self):
        """Sign-in links must not cross the network in clear; Mailpit alone may turn it off."""
        code = "from django.conf import settings; print(settings.EMAIL_USE_TLS)"
        default = manage("shell", "--no-imports", "-c", code, environment=production_environment())
        turned_off = manage(
            "shell",
            "--no-imports",
            "-c",
            code,
            environment=production_environment(EMAIL_USE_TLS="False"),
        )
        assert default.stdout.strip() == "True", default.stderr
        assert turned_off.stdout.strip() == "False", turned_off.stderr

    def test_redirect_http_to_https_except_for_the_health_check(self):
        """An internal probe asks /healthz over plain http and gets an answer, not a redirect."""
        code = (
            "from django.test import Client; "
            "client = Client(HTTP_HOST='localdigital.example.gov.uk'); "
            "print(client.get('/healthz').status_code, client.get('/cookies/').status_code)"
        )
        result = manage("shell", "--no-imports", "-c", code, environment=production_environment())
        assert result.returncode == 0, result.stderr
        healthz, cookies = result.stdout.split()
        assert healthz in {"200", "503"}  # answered, whether or not the database is there
        assert cookies == "301"

    def test_log_one_json_object_a_line_in_the_web_and_the_worker(self):
        """A log collector reads each line as JSON; the worker keeps that configuration."""
        code = (
            "import logging; from django.conf import settings; "
            "print(settings.CELERY_WORKER_HIJACK_ROOT_LOGGER); "
            "logging.getLogger('localdigital.request').info('GET / 200', extra={'path': '/'})"
        )
        result = manage("shell", "--no-imports", "-c", code, environment=production_environment())
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "False"
        line = json.loads(result.stderr.strip().splitlines()[-1])
        assert (line["level"], line["logger"], line["message"], line["path"]) == (
            "INFO",
            "localdigital.request",
            "GET / 200",
            "/",
        )
        assert line["request_id"] is None

    def test_email_server_errors_to_the_admins_from_the_server_address(self):
        code = "from django.conf import settings; print(settings.ADMINS, settings.SERVER_EMAIL)"
        result = manage(
            "shell",
            "--no-imports",
            "-c",
            code,
            environment=production_environment(
                ADMINS="Local Digital operations <ops@example.gov.uk>, jo@example.gov.uk",
                SERVER_EMAIL="errors@example.gov.uk",
            ),
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == (
            "[('Local Digital operations', 'ops@example.gov.uk'), "
            "('jo@example.gov.uk', 'jo@example.gov.uk')] errors@example.gov.uk"
        )
        nobody = manage("shell", "--no-imports", "-c", code, environment=production_environment())
        assert nobody.stdout.startswith("[] "), nobody.stderr

    def test_refuse_admins_that_are_not_email_addresses(self):
        result = manage("check", environment=production_environment(ADMINS="the ops team"))
        assert result.returncode != 0
        assert "ADMINS must be email addresses, comma-separated." in result.stderr

    def test_refuse_to_load_without_a_required_variable(self):
        """Without SECRET_KEY (or any other required variable) nothing starts, and says why."""
        assert "SECRET_KEY" in required_production_variables()
        for name in sorted(required_production_variables()):
            environment = production_environment()
            del environment[name]
            result = manage("check", environment=environment)
            assert result.returncode != 0, name
            assert f"Set the {name} environment variable" in result.stderr, result.stderr


def content_security_policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        directives[name] = sources
    return directives


@pytest.mark.django_db
class TestSecurityHeaders:
    def test_home_page_allows_no_inline_script_and_no_framing(self, client):
        response = client.get("/")
        assert response.status_code == 200
        policy = content_security_policy(response.headers["Content-Security-Policy"])
        assert "'self'" in policy["script-src"]
        assert "'unsafe-inline'" not in policy["script-src"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert response.headers["X-Frame-Options"] == "DENY"
