"""The browser tests' harness: Debian's Chromium driven by Playwright, with axe-core run on
every page a test visits (``CheckedPage``), and the live server's handler that serves the
checker what a visitor without JavaScript was shown. The fixtures that start them are in
``conftest.py``; a test opens a page of its own with ``open_checked_page``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from playwright.sync_api import Browser, Page, ViewportSize

REPO = Path(__file__).resolve().parents[2]
AXE_SOURCE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Only violations fail a test; axe-core then builds a selector for only one node of each
# rule that passed or did not apply, not all of them, which is most of its time. Every
# violation is still reported with all of its nodes.
AXE_OPTIONS = "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}"
AXE_RUN = f"tags => axe.run(document, {AXE_OPTIONS}).then(results => results.violations)"
# What axe-core reads of a page with JavaScript on: its markup as it is now, after scripts
# and the test's own clicks, and which element has focus (a focused link is styled apart).
DOCUMENT_NOW = """() => {
    const focused = document.activeElement;
    const where = focused ? [focused.tagName, focused.id, focused.getAttribute('name')] : [];
    return [document.compatMode + document.documentElement.outerHTML, where.join('|')];
}"""
# A form's CSRF token is new at every request, and axe-core does not read it.
CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"')
# The page's HTML, for the checker: none of its scripts run, external or inline, as with
# JavaScript off, and it is never kept. axe-core itself is added by Playwright, which the
# policy does not govern.
CHECKER_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Security-Policy", "script-src 'none'"),
    ("Cache-Control", "no-store"),
]
# The header the checker sends with every request, so the live server knows its own.
CHECKER_REQUEST_HEADER = "X-Axe-Checker"
# axe-core reads every stylesheet for its rules about CSS; a sheet that another @imports (as
# Django admin's forms.css imports widgets.css) it adds to the page as a <style>, which the
# page's policy refuses, as it should. That refusal is axe's, not the page's: the browser
# reports it while axe runs, and visitors never meet it.
AXE_OWN_CSP_REPORT = "Applying inline style violates the following Content Security Policy"
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


class CheckerSnapshot:
    """The HTML a visitor without JavaScript was shown, for the checker's next page.

    The live server answers the checker's request for that address with it (see
    ``LiveServerHandler``), so the checker renders exactly what the visitor's browser did, at
    the same address, with its stylesheets and fonts from the browser's cache. (Fulfilling the
    request in Playwright instead turns that cache off, and every stylesheet and font was
    fetched and parsed again at every check.)"""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: tuple[str, str, str] | None = None
        self.served: list[str] = []

    def expect(self, address: str, html: str) -> str:
        """Keep ``html`` for the next request for ``address``; return how ``served`` will
        name that request."""
        parts = urlsplit(address)
        path = unquote(parts.path)
        with self._lock:
            self._pending = (path, parts.query, html)
        return f"{path}?{parts.query}" if parts.query else path

    def take(self, path: str, query: str) -> str | None:
        """Return the HTML waiting for ``path`` and ``query``, once."""
        with self._lock:
            if self._pending is None or self._pending[:2] != (path, query):
                return None
            html = self._pending[2]
            self._pending = None
            self.served.append(f"{path}?{query}" if query else path)
            return html


CHECKER_SNAPSHOT = CheckerSnapshot()


class LiveServerHandler(StaticFilesHandler):
    """The live server's handler: Django's, serving static files as the development server does,
    with two things for the browser tests.

    - The checker's request for a page gets the HTML the visitor was shown
      (``CheckerSnapshot``), not a new rendering of the page.
    - Static files may be kept by the browser for an hour, as production's are for a year, so
      a test's browser asks for each stylesheet and font once, not at every page.
    """

    def __call__(self, environ: dict, start_response: Callable) -> HttpResponseBase:
        if environ.get("HTTP_X_AXE_CHECKER") and environ.get("HTTP_SEC_FETCH_DEST") == "document":
            # WSGI gives the path decoded, as latin-1 characters; the browser sent UTF-8.
            path = environ["PATH_INFO"].encode("latin-1").decode("utf-8")
            html = CHECKER_SNAPSHOT.take(path, environ.get("QUERY_STRING", ""))
            if html is not None:
                response = HttpResponse(html, headers=dict(CHECKER_HEADERS))
                start_response(f"200 {response.reason_phrase}", list(response.items()))
                return response
        return super().__call__(environ, start_response)

    def serve(self, request: HttpRequest) -> HttpResponse | FileResponse:
        response = super().serve(request)
        response["Cache-Control"] = "max-age=3600"
        return response


@dataclass
class Chromium:
    """One Chromium for every browser test; each test opens contexts of its own in it."""

    browser: Browser
    _checker: Page | None = None

    def checker(self) -> Page:
        """Return the page that checks, with axe-core, what a visitor without JavaScript saw.

        It renders the HTML it is given as that visitor's browser did (see ``CheckedPage``)
        and keeps nothing of a test's own (no cookies, no storage; only styles and fonts in
        its cache), so one page serves every test. Playwright adds axe-core to each document
        it loads, so the 650 kB script crosses to the browser once, not once a page.
        """
        if self._checker is None or self._checker.is_closed():
            context = self.browser.new_context(locale="en-GB")
            context.add_init_script(script=axe_source())
            self._checker = context.new_page()
            self._checker.set_extra_http_headers({CHECKER_REQUEST_HEADER: "1"})
            self._checker.set_default_timeout(10_000)
        return self._checker


@functools.cache
def axe_source() -> str:
    if not AXE_SOURCE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).", pytrace=False)
    return AXE_SOURCE.read_text()


# What axe-core found in each document this process has checked: a journey comes back to the
# same page (a list, a task list, a dashboard) many times, and a document that is the same in
# every way axe-core reads (markup, viewport width, JavaScript on or off, focus) gets the same
# result. A change to any of them is checked again.
_AXE_RESULTS: dict[str, list[dict]] = {}


def document_key(html: str, *, javascript: bool, width: int | None, focused: str = "") -> str:
    markup = CSRF_TOKEN.sub(r'\1"', html)
    seen = f"{javascript}|{width}|{focused}|{markup}"
    return hashlib.sha256(seen.encode()).hexdigest()


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
    # page's HTML is checked in this second page (``Chromium.checker``), which has JavaScript
    # but is given the HTML with a policy that runs none of the page's scripts, so it renders
    # as the visitor saw it.
    checker: Page | None = None
    violations: list[AxeViolation] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    console_errors: list[str] = field(default_factory=list)
    axe_running: bool = False
    # How many checks axe-core ran, and how many found a document it had already checked.
    axe_runs: int = 0
    axe_reused: int = 0

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
        viewport = self.page.viewport_size
        width = viewport["width"] if viewport else None
        if self.checker is None:
            html, focused = self.page.evaluate(DOCUMENT_NOW)
            key = document_key(html, javascript=True, width=width, focused=focused)
        else:
            html = self.page.content()
            key = document_key(html, javascript=False, width=width)
        violations = _AXE_RESULTS.get(key)
        if violations is not None:
            self.axe_reused += 1
        elif self.checker is None:
            self.axe_running = True
            try:
                violations = self.page.evaluate(AXE_RUN, AXE_TAGS)
            finally:
                self.axe_running = False
        else:
            self._render_in_checker(self.checker, html)
            violations = self.checker.evaluate(AXE_RUN, AXE_TAGS)
        if key not in _AXE_RESULTS:
            self.axe_runs += 1
            _AXE_RESULTS[key] = violations
        for violation in violations:
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

    def _render_in_checker(self, checker: Page, html: str) -> None:
        """Load the current page's HTML in ``checker``, at the page's own address."""
        address = self.page.url.split("#", 1)[0]
        served = len(CHECKER_SNAPSHOT.served)
        expected = CHECKER_SNAPSHOT.expect(address, html)
        checker.goto(address)
        assert CHECKER_SNAPSHOT.served[served:] == [expected], f"{address} was not checked as shown"

    def assert_all_checked_and_accessible(self) -> None:
        unchecked = [url for url in self.visited if url not in self.checked]
        problems = [str(v) for v in self.violations]
        problems += [f"{url}: visited but not checked with axe" for url in unchecked]
        problems += [f"browser console: {message}" for message in self.console_errors]
        assert not problems, "Accessibility and browser problems:\n" + "\n".join(problems)


def open_checked_page(
    chromium: Chromium, live_server, *, javascript: bool, width: int | None = None
) -> Iterator[CheckedPage]:
    context = chromium.browser.new_context(
        java_script_enabled=javascript,
        locale="en-GB",
        viewport=ViewportSize(width=width, height=640) if width else None,
    )
    if javascript:
        # axe-core is in every document the page loads, as in the checker: the script crosses
        # to the browser once, not once a page.
        context.add_init_script(script=axe_source())
    page = context.new_page()
    page.set_default_timeout(10_000)
    checked = CheckedPage(page=page, base_url=live_server.url)
    if not javascript:
        checked.checker = chromium.checker()

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
        if checked.axe_running and message.text.startswith(AXE_OWN_CSP_REPORT):
            return
        checked.console_errors.append(f"{checked.path()}: {message.text}")

    page.on("framenavigated", record_navigation)
    page.on("console", record_console)
    yield checked
    context.close()
    checked.assert_all_checked_and_accessible()


# The narrowest screen WCAG 1.4.10 (reflow) asks a page to fit without scrolling sideways.
REFLOW_WIDTH = 320
