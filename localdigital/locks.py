"""Postgres advisory locks, by name, over one registry.

A module that needs a lock registers its name once, at import, with ``lock_register``
("declaration.register_import", "funding.deadline_reminders"): the name is the domain's own,
and the platform knows nothing of it but the string. The key Postgres sees is the first
eight bytes of the name's SHA-256, so every process derives the same key, and two names that
came to share one would be refused at import rather than lock each other by chance.

Every lock here is a transaction-level one (``pg_advisory_xact_lock``): it is held until the
outermost transaction commits or rolls back, never released half-way through. So:

- ``advisory_lock(name)`` opens a transaction (or joins the caller's) and tries the lock,
  yielding whether it got it: how a periodic job keeps two runs from overlapping.
- ``advisory_lock(name, wait=True)`` waits its turn instead, and always yields True.
- ``advisory_lock_take(name, wait=...)`` takes it part-way through a transaction the caller
  already has open, where only one branch needs it.

A name may also stand for a family of locks, one per object: both take ids after the name
(``advisory_lock_take("funding.lead_bids", round.pk, organisation.pk, wait=True)``), and the
key is derived from the name and the ids together. Such a lock serialises the writers of one
object without locking a row that other code, or another domain, also needs.

Row locks are the other kind a request can wait on. The web gives up on any lock after
``DATABASE_LOCK_TIMEOUT_MS`` (``web_lock_timeout_install``), and ``LockTimeoutMiddleware``
answers such a request with a 503 "busy, try again" page.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from psycopg2.errors import LockNotAvailable

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")

_LOCK_TIMEOUT_OPTION = re.compile(r"-c\s*lock_timeout=\S+")

# Key → name of every lock registered in this process.
_registry: dict[int, str] = {}


def lock_key(name: str, *ids: int) -> int:
    """Return the signed 64-bit key Postgres holds for the lock called ``name``, or for the
    one of that family on the object ``ids`` name."""
    if any(isinstance(part, bool) or not isinstance(part, int) for part in ids):
        raise TypeError(f"A lock is named by whole numbers after its name, not {ids!r}.")
    text = f"{name}:{'.'.join(str(part) for part in ids)}" if ids else name
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big", signed=True)


def lock_register(name: str) -> str:
    """Register the lock ``name`` (dotted, owner first: "app.purpose") and return the name.

    Registering the same name twice is refused, so two modules cannot share a lock without
    one importing the other's name.
    """
    if not _NAME.match(name):
        raise ValueError(f"A lock's name is dotted lower-case words, owner first: not {name!r}.")
    key = lock_key(name)
    if key in _registry:
        raise ValueError(f"The lock {name!r} is already registered (as {_registry[key]!r}).")
    _registry[key] = name
    return name


def _registered_key(name: str, *ids: int) -> int:
    if _registry.get(lock_key(name)) != name:
        raise ValueError(f"No lock called {name!r} has been registered with lock_register.")
    return lock_key(name, *ids)


def advisory_lock_take(name: str, *ids: int, wait: bool = False) -> bool:
    """Take the lock ``name`` (on the object ``ids`` name, if any) for the rest of the
    caller's open transaction.

    With ``wait`` it waits for another holder to finish and returns True; without, it
    returns at once, False when another session holds the lock.
    """
    key = _registered_key(name, *ids)
    if not connection.in_atomic_block:
        raise TransactionManagementError(
            f"The lock {name!r} lasts as long as a transaction: take it inside one."
        )
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        (locked,) = cursor.fetchone()
    return bool(locked)


@contextmanager
def advisory_lock(name: str, *ids: int, wait: bool = False) -> Iterator[bool]:
    """Run the block in a transaction holding the lock ``name`` (on the object ``ids`` name,
    if any); yield whether it was got.

    The block runs either way: without ``wait``, a caller that finds the lock held checks the
    yielded value and does nothing. The lock is let go when the outermost transaction ends.
    """
    with transaction.atomic():
        yield advisory_lock_take(name, *ids, wait=wait)


def web_lock_timeout_install(milliseconds: int | None = None) -> None:
    """Make every database session this process opens give up waiting on a lock after
    ``milliseconds`` (``DATABASE_LOCK_TIMEOUT_MS`` by default; 0 means wait for ever).

    The web's entry points (wsgi.py, asgi.py) call this, so that a request never hangs for
    long behind a row another request or a worker holds. Workers, beat and migrations do not
    import them, and wait as long as they must. The timeout goes in the connection's startup
    options, so it costs no query; sessions already open keep what they had.
    """
    if milliseconds is None:
        milliseconds = settings.DATABASE_LOCK_TIMEOUT_MS
    for database in settings.DATABASES.values():
        options = database.setdefault("OPTIONS", {})
        startup = _LOCK_TIMEOUT_OPTION.sub("", options.get("options", "")).strip()
        if milliseconds:
            startup = f"{startup} -c lock_timeout={milliseconds}".strip()
        if startup:
            options["options"] = startup
        else:
            options.pop("options", None)


def is_lock_timeout(error: BaseException) -> bool:
    """Return whether ``error`` is the database giving up waiting for a lock."""
    return isinstance(error, OperationalError) and isinstance(error.__cause__, LockNotAvailable)


class LockTimeoutMiddleware:
    """Answer a request that waited too long for a lock with a 503 "busy" page, not a 500.

    Nothing was changed (the transaction rolled back), so trying again shortly is safe.
    """

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_lock_timeout(exception):
            return None
        logger.warning("A request gave up waiting for a database lock: %s", exception)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response
