"""Running services at the same moment on connections of their own, as two requests or two
workers would: all at once (``run_together``), or one held part-way while the other runs
(``InThread``, with ``sessions_waiting_for_a_lock`` to see the other wait)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, connections

TIMEOUT = 60


def run_together(functions: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run each function in its own thread, all released at once; return their results
    and the errors they raised.

    Each thread has its own database connection, so the test must commit what they read
    (``django_db(transaction=True)``).
    """
    barrier = threading.Barrier(len(functions))
    results: list[Any] = [None] * len(functions)
    errors: list[BaseException] = []

    def run(index: int, function: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            results[index] = function()
        except BaseException as error:  # handed to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, function), daemon=True)
        for index, function in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    return results, errors


# How long one side of a race is held, at most, before the test gives up on it.
HOLD_TIMEOUT = 10


class InThread:
    """Run a function in a thread, so on a database connection of its own."""

    def __init__(self, function: Callable[[], Any]) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self._function = function
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.result = self._function()
        except BaseException as error:  # handed to the test by join()
            self.error = error
        finally:
            connection.close()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def join(self) -> Any:
        self._thread.join(timeout=HOLD_TIMEOUT * 2)
        assert not self._thread.is_alive(), "the thread did not finish"
        if self.error is not None:
            raise self.error
        return self.result


def wait_until(
    condition: Callable[[], bool], *, timeout: float = 5, interval: float = 0.02
) -> bool:
    """Return whether ``condition`` became true within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def sessions_waiting_for_a_lock() -> int:
    """Return how many sessions on the test database wait for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        (count,) = cursor.fetchone()
    return count
