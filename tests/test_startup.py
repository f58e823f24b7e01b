"""A web process puts what it starts with out of the garbage collector's reach, so that no
full collection pauses a worker to walk Django and the apps again."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# What a process has alive once its entry point is imported, and what a full collection
# would walk.
SHOW_GARBAGE_COLLECTOR = (
    "import gc, sys; import {entry}; "
    "print(gc.get_freeze_count(), len(gc.get_objects()), 'funding.views.projects' in sys.modules)"
)


def garbage_collector_after(entry: str) -> tuple[int, int, bool]:
    result = subprocess.run(
        [sys.executable, "-c", SHOW_GARBAGE_COLLECTOR.format(entry=entry)],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "localdigital.settings.test"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    frozen, walked, views_loaded = result.stdout.split()
    return int(frozen), int(walked), views_loaded == "True"


@pytest.mark.parametrize("entry", ["localdigital.wsgi", "localdigital.asgi"])
def test_a_web_process_freezes_django_the_apps_and_every_view_before_serving(entry):
    frozen, walked, views_loaded = garbage_collector_after(entry)

    assert views_loaded  # the URLconf and its views were imported before freezing
    assert frozen > 50_000
    assert walked < 1_000


def test_a_celery_worker_freezes_nothing():
    """A worker never imports the web's entry points; its collector is Python's own."""
    frozen, walked, _ = garbage_collector_after(
        "django; django.setup(); import localdigital.celery"
    )

    assert frozen == 0
    assert walked > 50_000
