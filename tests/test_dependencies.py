"""The production image installs the runtime dependencies only.

The Dockerfile installs ``-r pyproject.toml`` (the project's own dependencies, without extras)
constrained by ``requirements.lock``. So whatever is only for development and tests, the
embedded PostgreSQL server above all, must be in the ``dev`` extra, and production must run
without it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from tests.support.deployment import MANAGE_WITHOUT_DOTENV, REPO, dockerfile, production_environment

# Used by `make run` and the tests only: an embedded PostgreSQL server, the process manager
# that runs the web server, worker and beat together, and the test and lint tools.
DEVELOPMENT_ONLY = {
    "pgserver",
    "honcho",
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "factory-boy",
    "playwright",
    "aiosmtpd",
    "ruff",
    "mypy",
    "check-jsonschema",
    "import-linter",
}


def requirement_name(requirement: str) -> str:
    """Return a requirement's normalised project name: "Django>=5.2" → "django"."""
    name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name.group(0)).lower()


def project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


class TestDevelopmentOnlyPackages:
    def test_are_not_runtime_dependencies(self):
        runtime = {requirement_name(r) for r in project()["dependencies"]}
        assert not runtime & DEVELOPMENT_ONLY, runtime & DEVELOPMENT_ONLY

    def test_are_in_the_dev_extra(self):
        dev = {requirement_name(r) for r in project()["optional-dependencies"]["dev"]}
        assert dev >= DEVELOPMENT_ONLY, DEVELOPMENT_ONLY - dev

    def test_only_dev_exists_as_an_extra(self):
        """The image installs no extra, so a second extra would be shipped by nobody."""
        assert set(project()["optional-dependencies"]) == {"dev"}

    def test_the_image_installs_no_extra(self):
        runs = [run for stage in dockerfile().stages for run in stage.arguments("RUN")]
        installs = [run for run in runs if "uv pip install" in run]
        assert installs
        for install in installs:
            assert "-r pyproject.toml" in install
            assert "--extra" not in install
            assert "--all-extras" not in install


class TestProductionWithoutDevelopmentPackages:
    def test_settings_load_and_pass_the_checks_without_pgserver_or_honcho(self, tmp_path):
        """Production settings never import the embedded server's package or honcho.

        Both are made impossible to import (``sys.modules[name] = None``), as in an image
        that never installed them; ``check --deploy`` must still pass.
        """
        blocked = (
            "import sys; "
            "sys.modules.update(dict.fromkeys(['pgserver', 'honcho', 'pytest'])); "
            + MANAGE_WITHOUT_DOTENV
        )
        result = subprocess.run(
            [sys.executable, "-c", blocked, "check", "--deploy", "--fail-level", "WARNING"],
            cwd=REPO,
            env=production_environment(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues" in result.stdout

    def test_the_blocking_itself_works(self):
        """The check above would be empty if a blocked import still succeeded."""
        result = subprocess.run(
            [sys.executable, "-c", "import sys; sys.modules['pgserver'] = None; import pgserver"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 1
        assert "ModuleNotFoundError" in result.stderr
