"""Queueing Celery tasks from the web and from beat jobs, without ever waiting long on the broker.

Every task is queued through ``enqueue`` (now, or to run at a given time),
``enqueue_on_commit`` (once the caller's transaction commits, which is how services queue their
follow-up work) or ``enqueue_each_on_commit`` (a beat job's batch: one task per row found due).
Each makes one attempt, bounded by the Redis socket timeouts in settings. When the broker
cannot take a task, the failure is logged and, for ``BROKER_UNAVAILABLE_BACKOFF_SECONDS``, this
process does not try again: whatever was not queued waits for the job that sweeps it up (the
outbox sweep, each beat job's next run). So a request that queues twenty emails on a broken
broker waits for one attempt, not twenty.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

import redis
from celery import Task
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.backoff import NoBackoff
from redis.retry import Retry

from localdigital.celery import app

logger = logging.getLogger(__name__)

# The monotonic time until which this process treats the broker as unavailable.
_unavailable_until = 0.0


def broker_is_backing_off() -> bool:
    """Return whether a recent failure has this process leaving the broker alone."""
    return time.monotonic() < _unavailable_until


def broker_backoff_reset() -> None:
    """Forget any recent failure, so the next task is offered to the broker again."""
    global _unavailable_until
    _unavailable_until = 0.0


def _broker_failed() -> None:
    global _unavailable_until
    _unavailable_until = time.monotonic() + settings.BROKER_UNAVAILABLE_BACKOFF_SECONDS


def enqueue(task: Task, *args: Any, queue: str | None = None, eta: datetime | None = None) -> bool:
    """Queue ``task`` with ``args`` now (to run at ``eta``, if given), in one attempt; return
    whether the broker took it.

    A ``False`` leaves the work to whatever sweeps it up; the caller needs no handling of
    its own beyond saying, in its docstring, what that is.
    """
    if broker_is_backing_off():
        return False
    options: dict[str, Any] = {"retry": False}
    if queue:
        options["queue"] = queue
    if eta is not None:
        options["eta"] = eta
    try:
        task.apply_async(args, **options)
    except (OperationalError, OSError) as error:
        _broker_failed()
        logger.warning(
            "The broker is unavailable (%s): %s and anything else queued in the next %s "
            "seconds waits for its sweep.",
            error,
            task.name,
            settings.BROKER_UNAVAILABLE_BACKOFF_SECONDS,
        )
        return False
    return True


def enqueue_on_commit(task: Task, *args: Any, queue: str | None = None) -> None:
    """Queue ``task`` with ``args`` once the caller's transaction commits (see ``enqueue``);
    if it rolls back, nothing is queued."""
    transaction.on_commit(partial(enqueue, task, *args, queue=queue))


def enqueue_each_on_commit(task: Task, calls: Iterable[Sequence[Any]]) -> None:
    """Queue ``task`` once for each list of arguments in ``calls``, in order, once the caller's
    transaction commits; if it rolls back, nothing is queued.

    The first call the broker refuses ends the batch: the rest are not tried (``enqueue``
    would refuse them at once while this process backs off), and wait, like it, for the
    job's next run to find them still to do."""
    batch = [tuple(args) for args in calls]

    def each() -> None:
        for args in batch:
            if not enqueue(task, *args):
                return

    transaction.on_commit(each)


def broker_answers() -> bool:
    """Return whether the broker answers now, in one attempt bounded by the Redis socket
    timeouts (about a second and a half when Redis accepts but never replies); ``False``
    at once while this process is backing off after a failure."""
    if broker_is_backing_off():
        return False
    url = app.conf.broker_url
    try:
        if url.startswith(("redis://", "rediss://")):
            client = redis.Redis.from_url(
                url,
                socket_connect_timeout=settings.REDIS_SOCKET_CONNECT_TIMEOUT,
                socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
                retry=Retry(NoBackoff(), 0),
            )
            with client:
                return bool(client.ping())
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, interval_start=0)
    except (OperationalError, redis.RedisError, OSError):
        return False
    return True
