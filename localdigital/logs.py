"""How the service's log lines are written.

Production writes one JSON object per line to standard error, for a log collector to read:
``time`` (ISO 8601, UTC), ``level``, ``logger``, ``message``, ``request_id`` and ``task_id``
(``null`` outside a request or a task), and whatever the line adds: the request line's
``method``, ``path``, ``status``, ``duration_ms`` and ``user_id``, the task line's ``task``,
``state`` and ``duration_ms``, and ``exc_info``, the traceback. Every line is passed through
``localdigital.redaction.redact``, so no email address or link token reaches the logs.
Development and tests write plain text. ``LOGGING`` is built by ``logging_config`` in
settings/logging_config.py.
"""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from localdigital.redaction import redact
from localdigital.request_id import current_request_id, current_task_id


class RequestContextFilter(logging.Filter):
    """Give every record the request id and task id in force when it was logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        if getattr(record, "task_id", None) is None:
            record.task_id = current_task_id()
        return True


class SkipRepeatedLines(logging.Filter):
    """Leave out the lines that the request line and the task line already say.

    Django logs every 4xx and 5xx to ``django.request``, and Celery every task's outcome to
    ``celery.app.trace`` (its record carries the task in ``data``); the service's own line
    for that request or task has the same facts, the exception included, and the request
    id. Django's mail to ``ADMINS`` is sent by a handler of its own, which this one does not
    touch.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.request":
            return False
        data = getattr(record, "data", None)
        return not (record.name == "celery.app.trace" and isinstance(data, dict) and "id" in data)


class JsonFormatter(BaseJsonFormatter):
    """Write a record as one line of JSON, with email addresses and link tokens redacted."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__("%(levelname)s %(name)s %(message)s", **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
