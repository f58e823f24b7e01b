"""The Celery application.

The broker is Redis when ``REDIS_URL`` is set, and otherwise kombu's filesystem transport in
``.data/broker``, so that ``make run`` has a real worker and beat on a machine without Redis.
The beat schedule lives in settings (``CELERY_BEAT_SCHEDULE``).
"""

from __future__ import annotations

import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localdigital.settings.local")

app = Celery("localdigital")
# Seconds between looks at the filesystem broker's folder (see broker_options).
FILESYSTEM_POLLING_INTERVAL = 0.1
app.config_from_object("django.conf:settings", namespace="CELERY")


def broker_options(redis_url: str = "") -> dict:
    """Return the broker URL and transport options for Redis at ``redis_url``, or else for
    the configured environment."""
    redis_url = redis_url or settings.REDIS_URL
    if redis_url:
        # A message whose worker died unacknowledged is redelivered after this long; the
        # outbox sweep re-queues stuck emails sooner, guarded by the row's status.
        return {
            "broker_url": redis_url,
            "broker_connection_timeout": settings.REDIS_SOCKET_CONNECT_TIMEOUT,
            "broker_transport_options": {
                "visibility_timeout": 30 * 60,
                # A publish (and the health check) on a Redis that has stopped answering
                # gives up instead of waiting forever; the worker's own BRPOP is watched by
                # kombu's health check instead, so these do not cut its long polls short.
                "socket_connect_timeout": settings.REDIS_SOCKET_CONNECT_TIMEOUT,
                "socket_timeout": settings.REDIS_SOCKET_TIMEOUT,
            },
        }
    folder = settings.CELERY_BROKER_DIR
    for name in ("queue", "processed", "control"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://localhost//",
        "broker_transport_options": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            # The exchange-to-queue table; kombu's default is ./control, wherever it runs.
            "control_folder": str(folder / "control"),
            "store_processed": False,
            # How long the worker waits before looking in the folder again when it found
            # nothing it could take. It takes one task at a time (prefetch 1), so kombu's
            # default of a second capped it at about a task a second: a sign-in link waited
            # minutes behind the emails the demo data queues.
            "polling_interval": FILESYSTEM_POLLING_INTERVAL,
        },
    }


@app.on_configure.connect
def configure(sender: Celery, **kwargs: object) -> None:
    sender.conf.update(
        **broker_options(),
        # A task is acknowledged only when it finishes, and given back if its worker dies,
        # so a killed worker loses nothing. Every task is therefore written to run twice safely.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        timezone=settings.TIME_ZONE,
        enable_utc=True,
        beat_schedule=settings.CELERY_BEAT_SCHEDULE,
        beat_schedule_filename=str(settings.DATA_DIR / "celerybeat-schedule"),
    )


app.autodiscover_tasks()

# Request ids travel with the tasks a request queues, and every task writes its log line.
from localdigital import request_id  # noqa: E402, F401
