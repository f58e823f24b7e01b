"""Browser tests: Playwright drives Debian's Chromium against the live server, and axe-core
checks every page a test visits.

Navigate with ``ui.goto(path)`` or ``ui.follow(action)``: both wait for the page to load and
then run axe-core (WCAG 2.2 A and AA) on it. Any violation fails the test, and so does a page
that was visited without being checked. The Django admin is outside this check.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, sync_playwright

REPO = Path(__file__).resolve().parents[2]
AXE_SOURCE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
UNCHECKED_PREFIXES = ("/admin/",)
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.e2e


def chromium_path() -> str:
    """Return Debian's Chromium, or fail with what to do about it."""
    candidates = [os.environ.get("CHROMIUM_PATH", ""), "chromium", "chromium-browser"]
    for candidate in candidates:
        found = candidate and shutil.which(candidate)
        if found:
            return found
    pytest.fail(
        "No Chromium found for the browser tests. Install Debian's package "
        "(`apt-get install -y chromium`; `make test` does this where apt is available) "
        "or set CHROMIUM_PATH to a Chromium executable.",
        pytrace=False,
    )


@pytest.fixture(autouse=True)
def _allow_sync_orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """Playwright's sync API runs an event loop; the ORM calls made by tests are still sync.

    Set for each browser test only, and put back afterwards, so no other test runs with
    Django's guard against sync ORM calls from async code turned off.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(_allow_sync_orm_beside_playwright: None) -> Iterator[Browser]:
    """Chromium, for one test.

    While Playwright runs, its event loop counts as running in this thread. So Playwright
    starts after DJANGO_ALLOW_ASYNC_UNSAFE is set and stops before it is put back, within
    each test: pytest-django sets the test database up before and flushes it after with no
    loop running, and the tests that follow the browser tests run with Django's guard on.
    """
    if not AXE_SOURCE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # While Playwright runs, this thread has a context of its own, and so database
            # connections of its own (Django keeps them in context variables). Close them
            # before that context goes, or the test database cannot be dropped at the end.
            connections.close_all()


@dataclass
class AxeViolation:
    url: str
    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        return f"{self.url}: {self.rule} ({self.impact}) {self.help} at {', '.join(self.targets)}"


@dataclass
class CheckedPage:
    """A browser page whose every visited page is checked with axe-core."""

    page: Page
    base_url: str
    # With JavaScript off axe-core cannot run in the page itself (it needs timers), so the
    # page's HTML is checked in this second page, which has JavaScript but blocks the
    # service's own scripts, so it renders as the visitor saw it.
    checker: Page | None = None
    violations: list[AxeViolation] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    console_errors: list[str] = field(default_factory=list)

    def path(self) -> str:
        """Return the current path and query; a #fragment is the same page."""
        return self.page.url.removeprefix(self.base_url).split("#", 1)[0]

    def goto(self, path: str) -> None:
        """Open ``path`` on the live server and check it."""
        self.page.goto(self.base_url + path)
        self.check()

    def follow(self, action: Callable[[], object]) -> None:
        """Run ``action`` (a click or a submit), wait for the page it leads to, and check it."""
        with self.page.expect_navigation():
            action()
        self.check()

    def check(self) -> None:
        """Run axe-core on the current page and record any violation."""
        self.page.wait_for_load_state("load")
        url = self.path()
        if url.startswith(UNCHECKED_PREFIXES):
            self.checked.add(url)
            return
        target = self.page
        if self.checker is not None:
            target = self.checker
            html = self.page.content()
            target.route(
                self.page.url,
                lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
                times=1,
            )
            target.goto(self.page.url)
        if not target.evaluate("() => typeof window.axe !== 'undefined'"):
            target.evaluate(AXE_SOURCE.read_text())
        result = target.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        for violation in result["violations"]:
            self.violations.append(
                AxeViolation(
                    url=url,
                    rule=violation["id"],
                    impact=violation["impact"] or "",
                    help=violation["help"],
                    targets=[", ".join(node["target"]) for node in violation["nodes"]],
                )
            )
        self.checked.add(url)

    def assert_all_checked_and_accessible(self) -> None:
        unchecked = [url for url in self.visited if url not in self.checked]
        problems = [str(v) for v in self.violations]
        problems += [f"{url}: visited but not checked with axe" for url in unchecked]
        problems += [f"browser console: {message}" for message in self.console_errors]
        assert not problems, "Accessibility and browser problems:\n" + "\n".join(problems)


def _open(browser: Browser, live_server, *, javascript: bool) -> Iterator[CheckedPage]:
    context = browser.new_context(java_script_enabled=javascript, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    checked = CheckedPage(page=page, base_url=live_server.url)
    if not javascript:
        checker_context = browser.new_context(locale="en-GB")
        checker_context.route("**/*.js", lambda route: route.abort())
        checked.checker = checker_context.new_page()

    def record_navigation(frame) -> None:
        if frame == page.main_frame:
            checked.visited.append(checked.path())

    def record_console(message) -> None:
        # A CSP violation, a script error or a missing asset shows up here: each is a defect.
        # The page's own status (a 404 page, say) is reported too, and is not one.
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and (
            message.location.get("url") == page.url
        ):
            return
        checked.console_errors.append(f"{checked.path()}: {message.text}")

    page.on("framenavigated", record_navigation)
    page.on("console", record_console)
    yield checked
    context.close()
    if checked.checker is not None:
        checked.checker.context.close()
    checked.assert_all_checked_and_accessible()


@pytest.fixture
def ui(browser: Browser, live_server) -> Iterator[CheckedPage]:
    """A Chromium page with JavaScript on, every visited page checked with axe."""
    yield from _open(browser, live_server, javascript=True)


@pytest.fixture
def ui_without_js(browser: Browser, live_server) -> Iterator[CheckedPage]:
    """The same with JavaScript turned off, as some users browse."""
    yield from _open(browser, live_server, javascript=False)


@pytest.fixture
def staff_ui(browser: Browser, live_server) -> Iterator[CheckedPage]:
    """A second, separate browser (its own cookies) for a member of staff, JavaScript on."""
    yield from _open(browser, live_server, javascript=True)
