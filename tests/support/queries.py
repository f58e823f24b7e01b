"""Counting the queries a page makes, to show that it makes as many for many rows as for few."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def queries_for(
    client: Client, path: str, params: dict[str, Any] | None = None, *, warm: bool = False
) -> int:
    """Return how many queries a GET of ``path`` makes; the page must answer 200.

    With ``warm``, a first request warms Django's caches and only the second is counted.
    """
    if warm:
        client.get(path, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, path
    return len(captured)


def assert_flat(client: Client, path: str, grow: Callable[[int], object]) -> None:
    """Render ``path`` after ``grow(2)`` and again after ``grow(20)`` more rows: same queries."""
    grow(2)
    small = queries_for(client, path)
    grow(20)
    large = queries_for(client, path)
    assert small == large, f"{path}: {small} queries with few rows, {large} with many"


def assert_flat_between(
    client: Client,
    path: str,
    grow_to: Callable[[int], object],
    *,
    small: int = 10,
    large: int = 200,
) -> None:
    """Render ``path`` warm with ``small`` rows, then with ``large``: the same queries."""
    grow_to(small)
    few = queries_for(client, path, warm=True)
    grow_to(large)
    many = queries_for(client, path, warm=True)
    assert few == many, f"{path}: {few} queries with {small} rows, {many} with {large}"
