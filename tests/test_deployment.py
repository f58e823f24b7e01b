"""The deployment files (Dockerfile, docker-compose.yml, .env.example) agree with the settings.

No Docker engine runs where the tests run, so the files are parsed and checked rather than built.

The environment variables the settings read are recorded, not listed by hand. Each module in
``localdigital/settings/`` is imported afresh, in a throwaway package, while
``environ.Env.ENVIRON`` and ``os.environ`` are a mapping that records every name looked up. To
that are added the names passed literally to ``env(...)``, ``env.<cast>(...)`` or ``os.environ``
in the source, which covers reads in branches the import did not take.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import json
import os
import re
import runpy
import secrets
import shlex
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

import environ
import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from gunicorn.config import Config

REPO = Path(__file__).resolve().parent.parent
SETTINGS_DIR = REPO / "localdigital" / "settings"
PRODUCTION = "localdigital.settings.production"

# Production settings refuse to load without these. The recording imports every settings module
# with these placeholder values; a new required variable makes it fail, naming the variable.
PRODUCTION_PLACEHOLDERS = {
    "SECRET_KEY": "placeholder-" + "x" * 50,
    "DATABASE_URL": "postgres://localdigital@database.invalid:5432/localdigital",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "ALLOWED_HOSTS": "localdigital.example.gov.uk",
}

# Images' own variables, allowed only on the services that run those images.
IMAGE_VARIABLES: dict[str, re.Pattern[str]] = {
    "postgres": re.compile(
        r"POSTGRES_(PASSWORD|USER|DB|INITDB_ARGS|INITDB_WALDIR|HOST_AUTH_METHOD)|PGDATA"
    ),
    "redis": re.compile(r"(?!)"),  # none: matches no name
    "axllent/mailpit": re.compile(r"MP_[A-Z0-9_]+|TZ"),
}

# Run Django's management commands without reading a developer's .env, so that only the
# environment the test gives decides the result.
MANAGE_WITHOUT_DOTENV = (
    "import sys, environ; "
    "environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None); "
    "from django.core.management import execute_from_command_line; "
    "execute_from_command_line(['manage.py', *sys.argv[1:]])"
)


# --- Recording the variables the settings read --------------------------------------------------


class RecordingEnviron(MutableMapping[str, str]):
    """An environment that records the name of every variable looked up in it."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.read.add(name)
        return self._values[name]

    def __setitem__(self, name: str, value: str) -> None:
        self._values[name] = value

    def __delitem__(self, name: str) -> None:
        del self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def copy(self) -> dict[str, str]:
        return dict(self._values)


@contextmanager
def recording_environment(values: Mapping[str, str]) -> Iterator[RecordingEnviron]:
    """Make ``values`` the whole environment, recorded, with no .env file read."""
    recorder = RecordingEnviron(values)
    saved_environ, saved_os_environ = environ.Env.ENVIRON, os.environ
    saved_read_env = environ.Env.__dict__["read_env"]
    environ.Env.ENVIRON = recorder
    # Replaced, not cleared: the real environment comes back untouched afterwards.
    os.environ = recorder  # type: ignore[assignment]  # noqa: B003
    environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None)
    try:
        yield recorder
    finally:
        environ.Env.ENVIRON = saved_environ
        os.environ = saved_os_environ  # noqa: B003
        environ.Env.read_env = saved_read_env


def import_settings_afresh(
    module: str, values: Mapping[str, str], directory: Path = SETTINGS_DIR
) -> set[str]:
    """Import ``<directory>/<module>.py`` afresh under ``values``; return the names it read.

    The module is loaded in a package of its own, so ``from .base import *`` runs base.py again
    and the settings that this test process uses are left alone.
    """
    package = f"_recorded_settings_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(
        package, directory / "__init__.py", submodule_search_locations=[str(directory)]
    )
    assert spec is not None and spec.loader is not None
    sys.modules[package] = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(sys.modules[package])
        with recording_environment(values) as recorder:
            importlib.import_module(f"{package}.{module}")
        return recorder.read
    finally:
        for name in [n for n in sys.modules if n == package or n.startswith(f"{package}.")]:
            del sys.modules[name]


def settings_modules() -> list[str]:
    return sorted(path.stem for path in SETTINGS_DIR.glob("*.py") if path.stem != "__init__")


def environment_readers() -> set[str]:
    """Return the names of ``environ.Env``'s methods that read a variable (``env.bool`` ...)."""
    readers = set()
    for name, member in inspect.getmembers(environ.Env, callable):
        try:
            parameters = list(inspect.signature(member).parameters)
        except (TypeError, ValueError):
            continue
        if parameters[:2] == ["self", "var"] and not name.startswith("__"):
            readers.add(name)
    return readers


def literal_variable_names(path: Path) -> set[str]:
    """Return the names passed literally to env(...), env.<cast>(...) or os.environ in ``path``."""
    return literal_variable_names_in(path.read_text(), filename=str(path))


def literal_variable_names_in(source: str, filename: str = "<source>") -> set[str]:
    readers = environment_readers()
    os_readers = {"os.getenv", "os.environ.get", "os.environ.setdefault", "os.environ.pop"}
    names = set()
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            argument = node.slice
        elif isinstance(node, ast.Call) and node.args:
            target = ast.unparse(node.func)
            reads = (
                target == "env"
                or target in os_readers
                or (target.startswith("env.") and target.removeprefix("env.") in readers)
            )
            if not reads:
                continue
            argument = node.args[0]
        else:
            continue
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            names.add(argument.value)
    return names


@cache
def settings_variables() -> frozenset[str]:
    """Return every environment variable that some settings module reads."""
    recorded: set[str] = set()
    for module in settings_modules():
        recorded |= import_settings_afresh(module, PRODUCTION_PLACEHOLDERS)
    literal: set[str] = set()
    for path in SETTINGS_DIR.glob("*.py"):
        literal |= literal_variable_names(path)
    return frozenset(recorded | literal)


@cache
def process_variables() -> frozenset[str]:
    """Return the variables read outside the settings by the processes that load them."""
    entry_points = [
        "manage.py",
        "localdigital/celery.py",
        "localdigital/wsgi.py",
        "localdigital/gunicorn.conf.py",
    ]
    names: set[str] = set()
    for path in entry_points:
        names |= literal_variable_names(REPO / path)
    return frozenset(names)


@cache
def required_production_variables() -> frozenset[str]:
    """Return the variables without which production settings refuse to load."""
    required = set()
    for name in PRODUCTION_PLACEHOLDERS:
        values = {k: v for k, v in PRODUCTION_PLACEHOLDERS.items() if k != name}
        try:
            import_settings_afresh("production", values)
        except ImproperlyConfigured:
            required.add(name)
    return frozenset(required)


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


# --- docker-compose.yml -------------------------------------------------------------------------


@cache
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def services() -> dict[str, dict]:
    return compose()["services"]


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


def environment_of(service: dict) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        pairs = (item.split("=", 1) for item in environment)
        return {pair[0]: pair[1] if len(pair) > 1 else "" for pair in pairs}
    return {name: "" if value is None else str(value) for name, value in environment.items()}


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


# --- Dockerfile ---------------------------------------------------------------------------------


@dataclass
class Stage:
    image: str
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def arguments(self, instruction: str) -> list[str]:
        return [arguments for name, arguments in self.instructions if name == instruction]

    @property
    def workdir(self) -> PurePosixPath:
        return PurePosixPath(self.arguments("WORKDIR")[-1])

    @property
    def user(self) -> str:
        return self.arguments("USER")[-1]

    @property
    def environment(self) -> dict[str, str]:
        pairs: dict[str, str] = {}
        for arguments in self.arguments("ENV"):
            for token in shlex.split(arguments):
                name, _, value = token.partition("=")
                pairs[name] = value
        return pairs

    def user_owns(self, folder: PurePosixPath) -> bool:
        """Return whether a RUN makes ``folder`` and chowns it, or a parent, to the USER."""
        relative = folder.relative_to(self.workdir)
        for run in self.arguments("RUN"):
            made = re.search(rf"mkdir -p (\S*/)?{re.escape(str(relative))}\b", run)
            owned = re.search(rf"chown -R {re.escape(self.user)}:\S+ (\S+)", run)
            if made and owned:
                target = PurePosixPath(owned.group(1))
                if not target.is_absolute():
                    target = self.workdir / target
                if folder == target or folder.is_relative_to(target):
                    return True
        return False


@dataclass
class Dockerfile:
    stages: list[Stage]

    @property
    def runtime(self) -> Stage:
        return self.stages[-1]


@cache
def dockerfile() -> Dockerfile:
    """Parse the Dockerfile into stages of (instruction, arguments), continuations joined."""
    logical: list[str] = []
    pending = ""
    for line in (REPO / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    stages: list[Stage] = []
    for line in logical:
        instruction, _, arguments = line.partition(" ")
        instruction, arguments = instruction.upper(), " ".join(arguments.split())
        if instruction == "FROM":
            parts = arguments.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else str(len(stages))
            stages.append(Stage(image=parts[0], name=name))
        else:
            stages[-1].instructions.append((instruction, arguments))
    return Dockerfile(stages)


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


# --- gunicorn -----------------------------------------------------------------------------------

GUNICORN_CONFIG = "localdigital/gunicorn.conf.py"


def dockerfile_command() -> list[str]:
    """Return the runtime image's CMD (exec form: a JSON list)."""
    return yaml.safe_load(dockerfile().runtime.arguments("CMD")[-1])


def gunicorn_config() -> Config:
    """Return gunicorn's settings as gunicorn loads them from the config file.

    Like gunicorn, each name the file sets is given to the setting of that name, which checks
    the value.
    """
    values = runpy.run_path(str(REPO / GUNICORN_CONFIG))
    config = Config()
    for name, value in values.items():
        if name in config.settings:
            config.set(name, value)
    return config


class TestGunicorn:
    def test_sets_only_settings_gunicorn_knows(self):
        """A misspelt name would be ignored by gunicorn without a word."""
        values = runpy.run_path(str(REPO / GUNICORN_CONFIG))
        public = {name for name in values if not name.startswith("__")}
        assert public <= set(Config().settings), public - set(Config().settings)
        assert gunicorn_config().workers == 3
        assert gunicorn_config().accesslog is None

    def test_writes_no_access_log_beside_the_application_s_request_line(self):
        """The application logs every request once (tests/test_request_id.py), without the
        query string or the Referer; gunicorn's access log would repeat it, with them."""
        assert gunicorn_config().accesslog is None
        assert "localdigital.request_id.RequestIdMiddleware" in settings.MIDDLEWARE

    def test_writes_its_own_lines_as_json_once_each(self):
        """A worker's timeout, say, reaches the log collector in the application's format."""
        code = (
            "import logging, runpy; from gunicorn.config import Config; "
            "from gunicorn.glogging import Logger; "
            f"values = runpy.run_path({GUNICORN_CONFIG!r}); config = Config(); "
            "[config.set(k, v) for k, v in values.items() if k in config.settings]; "
            "Logger(config); "
            "logging.getLogger('gunicorn.error').warning('WORKER TIMEOUT (pid:%s)', 42)"
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        line = json.loads(lines[0])
        assert (line["level"], line["logger"], line["message"]) == (
            "WARNING",
            "gunicorn.error",
            "WORKER TIMEOUT (pid:42)",
        )
        assert result.stdout == ""

    def test_keeps_secrets_and_local_state_out_of_the_build_context(self):
        ignored = set((REPO / ".dockerignore").read_text().split())
        assert {".env", ".git", ".venv", ".data", "node_modules", "staticfiles"} <= ignored


# --- .env.example -------------------------------------------------------------------------------

ASSIGNMENT = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")


def env_example_lines() -> list[str]:
    return (REPO / ".env.example").read_text().splitlines()


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


# --- Production settings, in a process of their own -----------------------------------------------


def database_url_of_test_environment() -> str:
    """Return a URL for the database the test settings use (DATABASE_URL or the embedded one)."""
    database = settings.DATABASES["default"]
    user = quote(database["USER"] or "", safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    host = database["HOST"] or ""
    if host.startswith("/"):
        return f"postgres://{user}{password}@/{database['NAME']}?host={quote(host, safe='')}"
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{database['NAME']}"


def production_environment(**overrides: str) -> dict[str, str]:
    """Return a clean environment for production settings: the required variables, no others."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": PRODUCTION,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url_of_test_environment(),
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        "ALLOWED_HOSTS": "localdigital.example.gov.uk",
    }
    environment.update(overrides)
    return environment


def manage(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", MANAGE_WITHOUT_DOTENV, *arguments],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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


# --- Response headers ---------------------------------------------------------------------------


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
