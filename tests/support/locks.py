"""Holding the service's advisory locks from another session, as a second worker or beat
would: to show that a job finds its lock taken and does nothing, or that a write waits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from localdigital.locks import lock_key


def _select(session, function: str, name: str, ids: tuple[int, ...]) -> bool:
    with session.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [lock_key(name, *ids)])
        (result,) = cursor.fetchone()
    return result is not False


def lock_hold(session, name: str, *ids: int) -> None:
    """Take the lock ``name`` (on ``ids``) in ``session``, waiting for it, and keep it until
    ``lock_release`` or the session ends."""
    _select(session, "pg_advisory_lock", name, ids)


def lock_try(session, name: str, *ids: int) -> bool:
    """Try the lock ``name`` (on ``ids``) in ``session``; return whether it was taken (and is
    kept)."""
    return _select(session, "pg_try_advisory_lock", name, ids)


def lock_release(session, name: str, *ids: int) -> None:
    """Let go of the lock ``name`` (on ``ids``) that ``session`` holds."""
    _select(session, "pg_advisory_unlock", name, ids)


@contextmanager
def lock_held(session, name: str, *ids: int) -> Iterator[None]:
    """Hold the lock ``name`` (on ``ids``) in ``session`` for the ``with`` block."""
    lock_hold(session, name, *ids)
    try:
        yield
    finally:
        lock_release(session, name, *ids)
