"""The pages people meet when something goes wrong pass axe-core and fit a 320 pixel screen,
with JavaScript on and off, like every other page.

A live server cannot be made to fail on cue, so each error response is made in-process through
the whole middleware stack (so its headers, its Content-Security-Policy among them, are the
site's own), and the browser is handed it at an address on the live server, where its
stylesheets and scripts load as they would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from playwright.sync_api import Route
from psycopg2.errors import LockNotAvailable

from tests.accounts.factories import UserFactory
from tests.e2e.browser import REFLOW_WIDTH

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOME_FIGURES = "localdigital.pages.views.declaration_selectors.organisation_counts_by_type"


def _crash(*args, **kwargs):
    raise RuntimeError("boom")


def _wait_for_a_lock(*args, **kwargs):
    """What a web request meets when a row lock outlasts DATABASE_LOCK_TIMEOUT_MS."""
    try:
        raise LockNotAvailable("canceling statement due to lock timeout")
    except LockNotAvailable as error:
        raise OperationalError(str(error)) from error


def _error_responses(monkeypatch) -> dict[str, tuple[str, Any]]:
    """Return path → (expected heading, response) for each error page, made in-process."""
    client = Client(raise_request_exception=False)
    responses: dict[str, tuple[str, Any]] = {}

    with monkeypatch.context() as patch:
        patch.setattr(HOME_FIGURES, _crash)
        responses["/"] = ("Sorry, there is a problem with the service", client.get("/"))
    with monkeypatch.context() as patch:
        patch.setattr(HOME_FIGURES, _wait_for_a_lock)
        responses["/?busy"] = ("Sorry, the service is busy", client.get("/"))

    council = Client()
    council.force_login(UserFactory.create())
    responses["/staff/two-factor/setup/"] = (
        "You cannot see this page",
        council.get("/staff/two-factor/setup/"),
    )
    responses["/account/sign-in/"] = (
        "Your session has expired",
        Client(enforce_csrf_checks=True).post("/account/sign-in/", {"email": "a@example.org"}),
    )
    responses["/account/sign-out/"] = (
        "This page cannot be opened this way",
        Client().get("/account/sign-out/"),
    )
    return responses


def _fulfil_with(response) -> Callable[[Route], None]:
    def fulfil(route: Route) -> None:
        route.fulfill(
            status=response.status_code, headers=dict(response.items()), body=response.content
        )

    return fulfil


@pytest.mark.parametrize("browser_page", ["phone_ui", "phone_ui_without_js"])
def test_the_error_pages_pass_axe_and_fit_a_320_pixel_screen(browser_page, request, monkeypatch):
    responses = _error_responses(monkeypatch)
    statuses = sorted(response.status_code for _, response in responses.values())
    assert statuses == [403, 403, 405, 500, 503]
    ui = request.getfixturevalue(browser_page)

    for path, (heading, response) in responses.items():
        ui.page.route(ui.base_url + path, _fulfil_with(response), times=1)
        ui.goto(path)
        assert ui.page.get_by_role("heading", level=1).inner_text() == heading, path
        width = ui.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= REFLOW_WIDTH, f"{path}: {width}px wide"
