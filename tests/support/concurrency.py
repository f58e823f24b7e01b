"""Running services at the same moment on connections of their own, as two requests or two
workers would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections

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
