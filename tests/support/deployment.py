"""The deployment files and the settings, as the tests of both read them.

- The environment variables the settings read are recorded, not listed by hand: each module in
  ``localdigital/settings/`` is imported afresh, in a throwaway package, while
  ``environ.Env.ENVIRON`` and ``os.environ`` are a mapping that records every name looked up.
- The Dockerfile is parsed into its stages (no Docker engine runs where the tests run).
- ``manage`` runs Django's management commands in a process of their own, with the environment
  ``production_environment`` gives and no developer's .env.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
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
from urllib.parse import quote

import environ
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from gunicorn.config import Config

REPO = Path(__file__).resolve().parents[2]


SETTINGS_DIR = REPO / "localdigital" / "settings"


PRODUCTION = "localdigital.settings.production"


# --- The variables the settings read ----------------------------------------------------------


# Production settings refuse to load without these. The recording imports every settings module
# with these placeholder values; a new required variable makes it fail, naming the variable.
PRODUCTION_PLACEHOLDERS = {
    "SECRET_KEY": "placeholder-" + "x" * 50,
    "DATABASE_URL": "postgres://localdigital@database.invalid:5432/localdigital",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "ALLOWED_HOSTS": "localdigital.example.gov.uk",
}


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


def env_example_lines() -> list[str]:
    return (REPO / ".env.example").read_text().splitlines()


# --- docker-compose.yml -----------------------------------------------------------------------


@cache
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def services() -> dict[str, dict]:
    return compose()["services"]


def environment_of(service: dict) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        pairs = (item.split("=", 1) for item in environment)
        return {pair[0]: pair[1] if len(pair) > 1 else "" for pair in pairs}
    return {name: "" if value is None else str(value) for name, value in environment.items()}


# --- The Dockerfile ---------------------------------------------------------------------------


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


def dockerfile_command() -> list[str]:
    """Return the runtime image's CMD (exec form: a JSON list)."""
    return yaml.safe_load(dockerfile().runtime.arguments("CMD")[-1])


# --- gunicorn ---------------------------------------------------------------------------------


GUNICORN_CONFIG = "localdigital/gunicorn.conf.py"


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


# --- Production settings, in a process of their own -------------------------------------------


# Run Django's management commands without reading a developer's .env, so that only the
# environment the test gives decides the result.
MANAGE_WITHOUT_DOTENV = (
    "import sys, environ; "
    "environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None); "
    "from django.core.management import execute_from_command_line; "
    "execute_from_command_line(['manage.py', *sys.argv[1:]])"
)


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
