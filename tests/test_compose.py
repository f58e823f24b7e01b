"""docker-compose.yml agrees with the settings and the Dockerfile: it is valid against the
Compose Specification, every service gets the variables it needs and no other, and the one-off
services run what they say."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import environ

from tests.support.deployment import (
    PRODUCTION,
    REPO,
    dockerfile,
    dockerfile_command,
    environment_of,
    gunicorn_config,
    process_variables,
    required_production_variables,
    services,
    settings_variables,
)

# Images' own variables, allowed only on the services that run those images.
IMAGE_VARIABLES: dict[str, re.Pattern[str]] = {
    "postgres": re.compile(
        r"POSTGRES_(PASSWORD|USER|DB|INITDB_ARGS|INITDB_WALDIR|HOST_AUTH_METHOD)|PGDATA"
    ),
    "redis": re.compile(r"(?!)"),  # none: matches no name
    "axllent/mailpit": re.compile(r"MP_[A-Z0-9_]+|TZ"),
}


def django_services() -> dict[str, dict]:
    """Return the services that run the project's own image."""
    return {name: service for name, service in services().items() if "build" in service}


def one_off_services() -> set[str]:
    """Return the services others wait to complete (migrate), which exit rather than serve."""
    return {
        dependency
        for service in services().values()
        for dependency, rule in (service.get("depends_on") or {}).items()
        if rule.get("condition") == "service_completed_successfully"
    }


def command_of(service: dict) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def image_name(service: dict) -> str:
    return service["image"].rsplit(":", 1)[0]


def compose_spec_errors(path: Path) -> str:
    """Return check-jsonschema's errors for the compose file at ``path``, or "" if valid.

    The schema is the one vendored in the check-jsonschema package, so nothing is fetched.
    """
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode == 0:
        assert "ok -- validation done" in result.stdout
        return ""
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout + result.stderr


class TestCompose:
    def test_has_every_service(self):
        assert {"web", "worker", "beat", "migrate", "postgres", "redis", "mailpit"} <= set(
            services()
        )
        assert image_name(services()["postgres"]) == "postgres"
        assert services()["postgres"]["image"] == "postgres:16"
        assert services()["redis"]["image"] == "redis:7"
        assert "mailpit" in services()["mailpit"]["image"]

    def test_web_serves_the_wsgi_application_with_the_image_s_gunicorn(self):
        """The web service runs the image's CMD, so gunicorn is configured in one place."""
        assert "command" not in services()["web"]
        assert "entrypoint" not in services()["web"]
        assert dockerfile_command()[0] == "gunicorn"
        assert gunicorn_config().wsgi_app == "localdigital.wsgi:application"
        assert gunicorn_config().bind == ["0.0.0.0:8000"]
        assert any(port.endswith(":8000") for port in services()["web"]["ports"])

    def test_worker_and_beat_run_celery(self):
        assert command_of(services()["worker"])[:4] == ["celery", "-A", "localdigital", "worker"]
        assert command_of(services()["beat"])[:4] == ["celery", "-A", "localdigital", "beat"]

    def test_migrate_runs_once_before_the_services_that_use_the_database(self):
        assert command_of(services()["migrate"])[-3:] == ["manage.py", "migrate", "--noinput"]
        assert services()["migrate"].get("restart") == "no"
        for name in ("web", "worker", "beat"):
            rule = services()[name]["depends_on"]["migrate"]
            assert rule == {"condition": "service_completed_successfully"}, name

    def test_beat_keeps_its_schedule_on_a_writable_volume(self):
        """Beat's schedule file is on a named volume, in a directory the image's user owns."""
        command = command_of(services()["beat"])
        schedules = [part.split("=", 1)[1] for part in command if part.startswith("--schedule=")]
        schedules += [
            command[i + 1] for i, part in enumerate(command) if part in ("-s", "--schedule")
        ]
        assert len(schedules) == 1, command
        folder = PurePosixPath(schedules[0]).parent
        mounts = [volume.split(":")[1] for volume in services()["beat"]["volumes"]]
        assert str(folder) in mounts
        assert folder.is_relative_to(dockerfile().runtime.workdir)
        assert dockerfile().runtime.user_owns(folder)

    def test_follows_the_compose_specification(self):
        """docker-compose.yml is valid against the Compose Specification's JSON schema, as
        shipped inside check-jsonschema (no download): a misspelt key is caught."""
        assert compose_spec_errors(REPO / "docker-compose.yml") == ""

    def test_the_specification_check_catches_a_misspelt_key(self, tmp_path):
        misspelt = tmp_path / "docker-compose.yml"
        misspelt.write_text(
            (REPO / "docker-compose.yml")
            .read_text()
            .replace("    depends_on:\n", "    depend_on:\n", 1)
        )
        assert "'depend_on' was unexpected" in compose_spec_errors(misspelt)

    def test_the_one_off_migrate_has_no_health_check(self):
        """migrate serves nothing, so the image's /healthz check is turned off for it."""
        assert services()["migrate"]["healthcheck"] == {"disable": True}

    def test_every_long_running_service_has_a_health_check(self):
        for name, service in services().items():
            if name in one_off_services():
                continue
            check = service.get("healthcheck")
            assert check and not check.get("disable") and check.get("test"), name
            assert len(check["test"]) > 1 and check["test"][0] in ("CMD", "CMD-SHELL"), name

    def test_web_health_check_asks_healthz(self):
        test = " ".join(services()["web"]["healthcheck"]["test"])
        assert "http://127.0.0.1:8000/healthz" in test
        assert "127.0.0.1" in environment_of(services()["web"])["ALLOWED_HOSTS"].split(",")

    def test_celery_health_checks_ping_their_own_node(self):
        worker = " ".join(services()["worker"]["healthcheck"]["test"])
        beat = " ".join(services()["beat"]["healthcheck"]["test"])
        assert "inspect ping --destination celery@$$HOSTNAME" in worker
        assert "inspect ping --destination celerybeat@$$HOSTNAME" in beat
        assert "--enable-remote-control" in command_of(services()["beat"])

    def test_services_wait_for_healthy_dependencies(self):
        """Each dependency has a condition: healthy for servers, completed for one-off jobs."""
        for name, service in services().items():
            for dependency, rule in (service.get("depends_on") or {}).items():
                if dependency in one_off_services():
                    assert rule == {"condition": "service_completed_successfully"}, name
                else:
                    assert rule == {"condition": "service_healthy"}, (name, dependency)
                    assert "healthcheck" in services()[dependency], dependency
        assert set(services()["migrate"]["depends_on"]) == {"postgres"}
        assert {"postgres", "redis"} <= set(services()["web"]["depends_on"])
        assert {"postgres", "redis", "mailpit"} <= set(services()["worker"]["depends_on"])
        assert "redis" in services()["beat"]["depends_on"]

    def test_django_services_run_production_settings_for_local_http(self):
        assert set(django_services()) == {"web", "worker", "beat", "migrate"}
        for name, service in django_services().items():
            environment = environment_of(service)
            assert environment["DJANGO_SETTINGS_MODULE"] == PRODUCTION, name
            assert environ.Env.parse_value(environment["SECURE_SSL_REDIRECT"], bool) is False
            assert environment["EMAIL_HOST"] == "mailpit"
            assert environment["EMAIL_PORT"] == "1025"
            # Production settings use STARTTLS by default; the stack's Mailpit has no TLS.
            assert environ.Env.parse_value(environment["EMAIL_USE_TLS"], bool) is False
            missing = required_production_variables() - set(environment)
            assert not missing, f"{name} lacks {sorted(missing)}"

    def test_django_services_reach_the_stack_s_own_servers(self):
        """DATABASE_URL names the postgres service and its credentials; REDIS_URL the redis one."""
        postgres = environment_of(services()["postgres"])
        for name, service in django_services().items():
            environment = environment_of(service)
            database = environ.Env.db_url_config(environment["DATABASE_URL"])
            assert database["HOST"] == "postgres", name
            assert database["NAME"] == postgres["POSTGRES_DB"]
            assert database["USER"] == postgres["POSTGRES_USER"]
            assert database["PASSWORD"] == postgres["POSTGRES_PASSWORD"]
            assert urlsplit(environment["REDIS_URL"]).hostname == "redis"

    def test_django_services_set_only_variables_that_the_settings_read(self):
        allowed = settings_variables() | process_variables()
        assert "DJANGO_SETTINGS_MODULE" in allowed
        for name, service in django_services().items():
            unknown = set(environment_of(service)) - allowed
            assert not unknown, f"{name} sets {sorted(unknown)}, which nothing reads"

    def test_image_services_set_only_their_image_s_variables(self):
        for name, service in services().items():
            if name in django_services():
                continue
            own = IMAGE_VARIABLES[image_name(service)]
            unknown = {var for var in environment_of(service) if not own.fullmatch(var)}
            assert not unknown, f"{name} sets {sorted(unknown)}"
