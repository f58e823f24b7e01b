"""The deployment files (Dockerfile, .env.example) agree with the settings; docker-compose.yml
is checked in test_compose.py, the production settings in settings/test_production.py.

No Docker engine runs where the tests run, so the files are parsed and checked rather than built.

The environment variables the settings read are recorded (tests/support/deployment.py), not
listed by hand. Each module in ``localdigital/settings/`` is imported afresh, in a throwaway
package, while ``environ.Env.ENVIRON`` and ``os.environ`` are a mapping that records every name
looked up. To that are added the names passed literally to ``env(...)``, ``env.<cast>(...)`` or
``os.environ`` in the source, which covers reads in branches the import did not take.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import environ
import pytest
from django.conf import settings

from tests.support.deployment import (
    GUNICORN_CONFIG,
    PRODUCTION,
    PRODUCTION_PLACEHOLDERS,
    REPO,
    dockerfile,
    dockerfile_command,
    env_example_lines,
    environment_of,
    gunicorn_config,
    import_settings_afresh,
    literal_variable_names,
    literal_variable_names_in,
    process_variables,
    required_production_variables,
    services,
    settings_modules,
    settings_variables,
)


def makefile_exports() -> set[str]:
    """Return the variables the Makefile exports to the commands it runs."""
    names = set()
    for line in (REPO / "Makefile").read_text().splitlines():
        if line.startswith("export "):
            declaration = line.removeprefix("export ").split("?=")[0].split(":=")[0]
            names.update(declaration.split("=")[0].split())
    return names


class TestRecording:
    def test_records_the_reads_of_every_settings_module(self):
        """The recording sees variables read by base, local, test and production settings."""
        variables = settings_variables()
        assert {"SECRET_KEY", "DEBUG", "EMAIL_HOST", "LOG_LEVEL"} <= variables  # base
        assert "TEST_DATABASE_NAME" in variables  # test
        assert {"SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"} <= variables  # production
        assert "DATABASE_CONN_MAX_AGE" in variables  # read inside database_settings()

    def test_records_reads_that_the_source_does_not_spell_out(self, tmp_path):
        """A read with no literal name, such as env.db()'s default DATABASE_URL, is recorded."""
        source = "import environ\nDATABASES = {'default': environ.Env().db()}\n"
        (tmp_path / "__init__.py").write_text("")
        (tmp_path / "probe.py").write_text(source)
        read = import_settings_afresh("probe", PRODUCTION_PLACEHOLDERS, directory=tmp_path)
        assert read == {"DATABASE_URL"}
        assert literal_variable_names_in(source) == set()

    def test_finds_literal_names_in_branches_that_did_not_run(self):
        source = "import os\nif False:\n    X = env.int('A') + env('B') + os.environ['C']\n"
        assert literal_variable_names_in(source) == {"A", "B", "C"}

    def test_leaves_the_running_settings_and_environment_alone(self):
        before = (os.environ, environ.Env.ENVIRON, settings.SECRET_KEY)
        import_settings_afresh("production", PRODUCTION_PLACEHOLDERS)
        assert (os.environ, environ.Env.ENVIRON, settings.SECRET_KEY) == before
        assert not [name for name in sys.modules if name.startswith("_recorded_settings_")]


class TestDockerfile:
    def test_builds_the_assets_in_a_node_stage_on_a_supported_lts(self):
        """Node 22 and 24 are the LTS releases still supported; Node 20 left support in 2026."""
        node = [stage for stage in dockerfile().stages if stage.image.startswith("node:")]
        assert len(node) == 1
        assert node[0].image in {"node:22-slim", "node:24-slim"}
        engines = json.loads((REPO / "package.json").read_text()).get("engines", {})
        assert int(node[0].image.split(":")[1].split("-")[0]) >= int(
            re.sub(r"\D", "", engines.get("node", ">=0")) or 0
        )
        runs = " && ".join(node[0].arguments("RUN"))
        assert "npm ci" in runs
        assert re.search(r"npm run (--silent )?build", runs)
        copies = dockerfile().runtime.arguments("COPY")
        assert any(f"--from={node[0].name}" in c and "static/vendor" in c for c in copies)

    def test_runs_on_slim_python_3_11(self):
        assert dockerfile().runtime.image == "python:3.11-slim"

    def test_installs_the_locked_dependencies(self):
        runs = [run for stage in dockerfile().stages for run in stage.arguments("RUN")]
        installs = [run for run in runs if "pip install" in run and "requirements.lock" in run]
        assert installs, "nothing installs from requirements.lock"
        assert all("--require-hashes" in run for run in installs)

    def test_runs_as_a_user_other_than_root(self):
        assert dockerfile().runtime.user not in ("root", "0", "0:0")

    def test_collects_static_files_at_build_time_with_production_settings(self):
        """collectstatic runs with production settings and placeholders for required variables."""
        runtime = dockerfile().runtime
        runs = [run for run in runtime.arguments("RUN") if "manage.py collectstatic" in run]
        assert len(runs) == 1
        given = set(runtime.environment) | set(re.findall(r"\b([A-Z][A-Z0-9_]*)=", runs[0]))
        assert not required_production_variables() - given
        settings_module = re.search(r"DJANGO_SETTINGS_MODULE=(\S+)", runs[0])
        assert (
            settings_module.group(1)
            if settings_module
            else runtime.environment.get("DJANGO_SETTINGS_MODULE")
        ) == PRODUCTION

    def test_reports_healthy_while_healthz_answers_with_python_not_curl(self):
        """The slim image has no curl: the check asks /healthz with Python's urllib, with a
        timeout, on a Host that the compose stack's ALLOWED_HOSTS accepts."""
        checks = dockerfile().runtime.arguments("HEALTHCHECK")
        assert len(checks) == 1
        options, _, command = checks[0].partition("CMD ")
        assert re.search(r"--interval=\d+s", options)
        assert re.search(r"--timeout=\d+s", options)
        argv = json.loads(command)
        assert argv[:2] == ["python", "-c"]
        probe = re.search(r"urlopen\('(http://([^:/]+):8000/healthz)', timeout=\d+\)", argv[2])
        assert probe, argv[2]
        assert "curl" not in checks[0]
        assert probe.group(2) in environment_of(services()["web"])["ALLOWED_HOSTS"].split(",")

    @pytest.mark.django_db(transaction=True)
    def test_health_check_passes_on_a_healthy_server_and_fails_on_an_error(self, live_server):
        """The image's check, run as the image runs it, exits 0 on a 200 and 1 otherwise."""
        checks = dockerfile().runtime.arguments("HEALTHCHECK")
        probe = json.loads(checks[0].partition("CMD ")[2])[2]
        port = urlsplit(live_server.url).port
        ok = probe.replace("8000/healthz", f"{port}/healthz")
        missing = probe.replace("8000/healthz", f"{port}/no-such-page")
        assert subprocess.run([sys.executable, "-c", ok], check=False).returncode == 0
        failed = subprocess.run(
            [sys.executable, "-c", missing], check=False, capture_output=True, text=True
        )
        assert failed.returncode == 1
        assert "HTTP Error 404" in failed.stderr

    def test_serves_with_gunicorn_on_port_8000(self):
        runtime = dockerfile().runtime
        assert runtime.arguments("EXPOSE") == ["8000"]
        assert dockerfile_command() == ["gunicorn", "--config", GUNICORN_CONFIG]
        assert (REPO / GUNICORN_CONFIG).is_file()
        assert gunicorn_config().bind == ["0.0.0.0:8000"]
        assert gunicorn_config().wsgi_app == "localdigital.wsgi:application"


ASSIGNMENT = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")


class TestEnvExample:
    def test_lists_every_variable_that_the_settings_read(self):
        listed = {m.group(1) for line in env_example_lines() if (m := ASSIGNMENT.match(line))}
        missing = settings_variables() - listed
        assert not missing, f".env.example lacks {sorted(missing)}"

    def test_lists_the_variables_of_celery_the_processes_and_the_makefile(self):
        listed = {m.group(1) for line in env_example_lines() if (m := ASSIGNMENT.match(line))}
        embedded = literal_variable_names(REPO / "localdigital" / "embedded_db.py")
        missing = (process_variables() | makefile_exports() | embedded) - listed
        assert {"HOST", "PORT", "LOCAL_AUTHORITIES_CSV", "XDG_RUNTIME_DIR"} <= makefile_exports()
        assert not missing, f".env.example lacks {sorted(missing)}"

    def test_example_values_load_in_every_settings_module(self):
        """Uncommented as they stand, the example values are valid for every settings module."""
        examples = {
            m.group(1): m.group(2) for line in env_example_lines() if (m := ASSIGNMENT.match(line))
        }
        for module in settings_modules():
            import_settings_afresh(module, examples)

    def test_gives_each_variable_once_with_a_comment_above_it(self):
        lines = env_example_lines()
        seen: list[str] = []
        for number, line in enumerate(lines):
            match = ASSIGNMENT.match(line)
            if not match:
                continue
            seen.append(match.group(1))
            above = lines[number - 1]
            assert above.startswith("# ") and not ASSIGNMENT.match(above), match.group(1)
        assert len(seen) == len(set(seen))
