"""Browser tests: Playwright drives Debian's Chromium against the live server, and axe-core
checks every page a test visits.

Navigate with ``ui.goto(path)`` or ``ui.follow(action)``: both wait for the page to load and
then run axe-core (WCAG 2.2 A and AA) on it. Any violation fails the test, and so does a page
that was visited without being checked. The Django admin is checked like every other page:
staff use it all day.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.e2e.browser import (
    CHROMIUM_ARGS,
    REFLOW_WIDTH,
    CheckedPage,
    Chromium,
    LiveServerHandler,
    axe_source,
    chromium_path,
    open_checked_page,
)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server (at --liveserver or DJANGO_LIVE_TEST_SERVER_ADDRESS, as
    there), with the browser tests' handler (``LiveServerHandler``)."""
    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    server.thread.static_handler = LiveServerHandler
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def chromium(django_db_setup: None) -> Iterator[Chromium]:
    """Chromium, started once for the browser tests and stopped after the last of them.

    Starting Playwright and Chromium takes a second or more, so they last for this package,
    not for one test. Each test still has browser contexts of its own (see ``open_checked_page``).

    While Playwright runs, its event loop counts as running in this thread, and that changes
    two things for the sync ORM calls made by tests and by pytest-django between them (its
    restore of ``serialized_rollback`` before each test and its flush after it):

    - Django refuses sync ORM calls beside a running loop, so DJANGO_ALLOW_ASYNC_UNSAFE is
      set while Playwright runs, and put back once it has stopped. The tests that follow the
      browser tests run with Django's guard on, and with no loop.
    - Django keeps a thread's connections in a thread-local, but with a loop running in a
      context variable instead: a second set of connections, without the test database's
      serialized contents (kept on the connection that made the database, which
      ``django_db_setup`` does before Playwright starts), so ``serialized_rollback`` would
      silently restore nothing. So the thread's own connections are put in that storage too,
      and the thread has one set throughout; they are taken out again before Playwright stops.
    """
    axe_source()
    thread_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            for alias, connection in thread_connections.items():
                connections[alias] = connection
            try:
                browser = playwright.chromium.launch(
                    executable_path=chromium_path(), args=CHROMIUM_ARGS
                )
                try:
                    yield Chromium(browser=browser)
                finally:
                    browser.close()
            finally:
                for alias in thread_connections:
                    del connections[alias]


@pytest.fixture
def ui(chromium: Chromium, live_server) -> Iterator[CheckedPage]:
    """A Chromium page with JavaScript on, every visited page checked with axe."""
    yield from open_checked_page(chromium, live_server, javascript=True)


@pytest.fixture
def ui_without_js(chromium: Chromium, live_server) -> Iterator[CheckedPage]:
    """The same with JavaScript turned off, as some users browse."""
    yield from open_checked_page(chromium, live_server, javascript=False)


@pytest.fixture
def staff_ui(chromium: Chromium, live_server) -> Iterator[CheckedPage]:
    """A second, separate browser (its own cookies) for a member of staff, JavaScript on."""
    yield from open_checked_page(chromium, live_server, javascript=True)


@pytest.fixture
def phone_ui(chromium: Chromium, live_server) -> Iterator[CheckedPage]:
    """A Chromium page 320 CSS pixels wide, JavaScript on, every visited page checked."""
    yield from open_checked_page(chromium, live_server, javascript=True, width=REFLOW_WIDTH)


@pytest.fixture
def phone_ui_without_js(chromium: Chromium, live_server) -> Iterator[CheckedPage]:
    """The same with JavaScript turned off."""
    yield from open_checked_page(chromium, live_server, javascript=False, width=REFLOW_WIDTH)
