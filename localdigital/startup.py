"""What a web process does once Django is set up, before it serves a request."""

from __future__ import annotations

import gc

from django.urls import get_resolver


def freeze_startup_objects() -> None:
    """Import every URLconf and view now, then put everything alive out of the garbage
    collector's reach (``gc.freeze``).

    A web process keeps Django, the apps, their modules and URL patterns until it exits, yet
    every full collection, which Python starts by itself as requests leave objects behind,
    walks all of them again: some 150,000 objects, 30 to 60 ms in which the worker answers
    nobody, so the requests waiting for it are a page's slowest (its p99 in
    bench/bench_requests.py). Frozen, they are never walked again, and a full collection
    walks only what requests have made since, in a few milliseconds. Frozen objects are
    never freed, and these never would be anyway; the collection first frees what starting
    up left behind.
    """
    len(get_resolver().url_patterns)
    gc.collect()
    gc.freeze()
