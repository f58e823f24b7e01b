"""Request ids: one for every request, carried by its log lines, its response, its error
report and the tasks it queues, so that a reference a person quotes from the error page
leads to everything the request did.

``RequestIdMiddleware`` comes first in ``MIDDLEWARE``. It takes the id from the
``X-Request-Id`` header only when ``TRUST_REQUEST_ID_HEADER`` is on (a proxy in front of the
service sets the header and drops any the visitor sent), and only when it looks like an id;
otherwise it makes one. It returns the id in the response's ``X-Request-Id`` header, and
writes one log line per request (logger ``localdigital.request``): method, path (never the
query string, which may carry a sign-in token), status, duration and the signed-in person's
user id, at ERROR for a 5xx with the exception that caused it.

Tasks: a task queued while a request (or another task) runs carries its request id in the
message's headers; the worker puts it back for the task's own log lines, and writes one line
per task (logger ``localdigital.task``): task name, id, state and duration.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from types import TracebackType
from typing import Any

import sentry_sdk
from celery import Task
from celery.signals import before_task_publish, task_failure, task_postrun, task_prerun
from django.conf import settings
from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-Id"
# The name of the Celery message header that carries the request id to a task.
TASK_HEADER = "request_id"
# What an id from a proxy may look like: a UUID, hex, or a load balancer's dotted or dashed
# trace id; nothing that could break a log line or a response header.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

request_logger = logging.getLogger("localdigital.request")
task_logger = logging.getLogger("localdigital.task")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_task_id: ContextVar[str | None] = ContextVar("task_id", default=None)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def current_request_id() -> str | None:
    """Return the id of the request being handled, or of the request that queued the task
    being run; ``None`` outside both."""
    return _request_id.get()


def current_task_id() -> str | None:
    """Return the id of the Celery task being run, or ``None``."""
    return _task_id.get()


def request_id_for(request: HttpRequest) -> str:
    """Return the id for ``request``: the trusted proxy's, when it is one, or a new one."""
    if settings.TRUST_REQUEST_ID_HEADER:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        if VALID_REQUEST_ID.fullmatch(given):
            return given
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give every request an id, return it in ``X-Request-Id`` and log one line for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.monotonic()
        request_id = request_id_for(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        sentry_sdk.set_tag("request_id", request_id)
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            _log_request(request, response, started)
            return response
        finally:
            _request_id.reset(token)


def _log_request(request: HttpRequest, response: HttpResponseBase, started: float) -> None:
    status = response.status_code
    exc_info: ExcInfo | None = getattr(request, "_request_id_exc_info", None)
    request_logger.log(
        logging.ERROR if status >= 500 else logging.INFO,
        "%s %s %s",
        request.method,
        request.path,
        status,
        exc_info=exc_info,
        extra={
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "user_id": _user_id(request),
        },
    )


def _user_id(request: HttpRequest) -> int | None:
    """Return the signed-in person's id if the request already looked them up.

    Looking them up here would cost a query on every anonymous request, and fail on the
    error page of a request that failed because the database did.
    """
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


@receiver(got_request_exception, dispatch_uid="localdigital.request_id.remember_exception")
def _remember_exception(sender: object, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Keep the exception behind a 500, for the request's log line (Django sends this signal
    while handling it, wherever in the view or the middleware it was raised)."""
    exc_info = sys.exc_info()
    if request is not None and exc_info[0] is not None:
        request._request_id_exc_info = exc_info  # type: ignore[attr-defined]


# --- Celery ---------------------------------------------------------------------------------


@before_task_publish.connect(dispatch_uid="localdigital.request_id.add_task_header")
def _add_request_id_header(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def _request_id_of(task: Task) -> str | None:
    """Return the request id a task's message carried.

    A worker makes every message header an attribute of ``task.request``; a task run eagerly
    (the unit tests) runs inside the request itself, so the id is the one in force already.
    """
    request_id = getattr(task.request, TASK_HEADER, None)
    headers = getattr(task.request, "headers", None) or {}
    request_id = request_id or headers.get(TASK_HEADER) or current_request_id()
    if isinstance(request_id, str) and VALID_REQUEST_ID.fullmatch(request_id):
        return request_id
    return None


class _RunningTask:
    def __init__(self, request_id: str | None, task_id: str) -> None:
        self.started = time.monotonic()
        self.tokens: tuple[Token[str | None], Token[str | None]] = (
            _request_id.set(request_id),
            _task_id.set(task_id),
        )
        self.exc_info: ExcInfo | None = None


_running: dict[str, _RunningTask] = {}


@task_prerun.connect(dispatch_uid="localdigital.request_id.task_started")
def _task_started(task_id: str, task: Task, **kwargs: Any) -> None:
    request_id = _request_id_of(task)
    _running[task_id] = _RunningTask(request_id, task_id)
    if request_id:
        sentry_sdk.set_tag("request_id", request_id)


@task_failure.connect(dispatch_uid="localdigital.request_id.task_failed")
def _task_failed(task_id: str, exception: BaseException, **kwargs: Any) -> None:
    running = _running.get(task_id)
    if running is not None:
        running.exc_info = (type(exception), exception, exception.__traceback__)


@task_postrun.connect(dispatch_uid="localdigital.request_id.task_finished")
def _task_finished(task_id: str, task: Task, state: str | None = None, **kwargs: Any) -> None:
    running = _running.pop(task_id, None)
    if running is None:
        return
    if state is None:
        # A task run eagerly that raised, with the exception on its way to the caller.
        state = "FAILURE"
        exc_type, exc, traceback = sys.exc_info()
        if exc_type is not None and exc is not None:
            running.exc_info = (exc_type, exc, traceback)
    try:
        level = {"FAILURE": logging.ERROR, "RETRY": logging.WARNING}.get(state or "", logging.INFO)
        task_logger.log(
            level,
            "%s %s",
            task.name,
            state,
            exc_info=running.exc_info,
            extra={
                "task": task.name,
                "state": state,
                "duration_ms": round((time.monotonic() - running.started) * 1000, 1),
            },
        )
    finally:
        request_token, task_token = running.tokens
        try:
            _task_id.reset(task_token)
            _request_id.reset(request_token)
        except ValueError:
            # Set in another context (a pool that hands a task between threads): the ids
            # must not outlive the task all the same.
            _task_id.set(None)
            _request_id.set(None)
