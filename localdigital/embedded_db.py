"""Start, or find, the embedded PostgreSQL server that development and tests use by default.

When ``DATABASE_URL`` is unset, the project runs PostgreSQL from the ``pgserver`` package with its
data in ``.data/pg``. The server outlives the process that started it, so ``make run``, the Celery
worker, beat and the test suite all share one server, and a second start takes well under a second.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
PGDATA = DATA_DIR / "pg"


def ensure_runtime_dir() -> None:
    """Give platformdirs a private runtime directory when the session has none.

    pgserver keeps its lock file in the user's runtime directory; without ``XDG_RUNTIME_DIR``
    platformdirs warns (``RuntimeDirWarning``) and falls back to a shared one.
    """
    if os.environ.get("XDG_RUNTIME_DIR"):
        return
    runtime = DATA_DIR / "run"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def database_url(dbname: str = "localdigital") -> str:
    """Return a ``postgres://`` URL for ``dbname`` on the embedded server, starting it if needed."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", dbname):
        raise ValueError(f"Not a plain database name: {dbname!r}")
    ensure_runtime_dir()
    import pgserver  # imported late: it reads XDG_RUNTIME_DIR when imported

    server = pgserver.get_server(PGDATA, cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    # dbname is a plain identifier (checked above); psql takes no query parameters.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{dbname}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{dbname}";')
    return f"postgres://postgres@/{dbname}?host={quote(str(socket_dir), safe='')}"
