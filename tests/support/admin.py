"""Reading the admin's list pages."""

from __future__ import annotations

from typing import Any


def listed(response: Any) -> list[Any]:
    """Return the rows of an admin list page, which must answer 200."""
    assert response.status_code == 200
    return list(response.context["cl"].result_list)
