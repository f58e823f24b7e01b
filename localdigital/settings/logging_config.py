"""The ``LOGGING`` setting, built for the level and the format ``base`` reads from the
environment."""

from __future__ import annotations


def logging_config(*, level: str, json: bool) -> dict:
    """Return the ``LOGGING`` setting: JSON lines (``localdigital.logs``) when ``json``, else
    plain text; both with the request and task ids, and without the lines that the service's
    own line for each request and task repeats."""
    formatter: dict = (
        {"()": "localdigital.logs.JsonFormatter"}
        if json
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    every_line = "INFO" if json else "WARNING"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_context": {"()": "localdigital.logs.RequestContextFilter"},
            "skip_repeated_lines": {"()": "localdigital.logs.SkipRepeatedLines"},
        },
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "default",
                "filters": ["request_context", "skip_repeated_lines"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # The embedded PostgreSQL says at every exit that it keeps running; that is the plan.
            "pgserver": {"level": "WARNING"},
            # A line for every request and every task in production. In development,
            # runserver and the worker say as much already, so only failures are written.
            "localdigital.request": {"level": every_line},
            "localdigital.task": {"level": every_line},
            # "Task received": in production the task's own line says when it ended, and how.
            "celery.worker.strategy": {"level": "WARNING" if json else "INFO"},
        },
    }
