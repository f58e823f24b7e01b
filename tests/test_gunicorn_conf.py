"""gunicorn's configuration (localdigital/gunicorn.conf.py): only settings gunicorn knows, three
workers, and its own log lines in the application's JSON format."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys

from django.conf import settings
from gunicorn.config import Config

from tests.support.deployment import GUNICORN_CONFIG, REPO, gunicorn_config


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
