"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against `live_server`.

Playwright's own browser downloads are not used. Every test in this folder is marked `browser`
(deselect with `-m "not browser"`) and is skipped when Debian's Chromium is not installed, except
with `CI` set, where that fails the tests.
Any console error (a Content-Security-Policy violation, a JavaScript error, a failed resource)
or uncaught page error fails the test that caused it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.test.client import AsyncClientHandler, ClientHandler
from playwright.sync_api import expect

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent

# Playwright's checks wait up to 5 s by default; with both halves of `make test` on two cores a page can take longer
# to come, and a check that should pass would fail. A check that holds passes as soon as it holds.
expect.set_options(timeout=15_000)

# Reports CSP violations on the console even if Chromium's own message were ever suppressed.
# Playwright injects init scripts through the DevTools protocol, so the CSP does not block this one.
_CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the marks must be on the items before `-m` deselects by mark.
    # In CI a missing Chromium is a failure (see `browser_type_launch_args`), never a skip.
    skip_without_chromium = pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    )
    for item in items:
        if item.path.resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)
            item.add_marker(skip_without_chromium)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"CI is set and Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A Vietnamese officer's browser: LocaleMiddleware follows Accept-Language.
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


@pytest.fixture(autouse=True)
def browser_errors(context: Any) -> Iterator[list[str]]:
    """Console errors and uncaught page errors of every page of the test's browser context."""
    errors: list[str] = []

    def on_console(message: Any) -> None:
        # A refused form comes back with status 400 on purpose, a form saved over a change made meanwhile with 409;
        # the browser logs the status, not a fault.
        refused = any(f"the server responded with a status of {code}" in message.text for code in (400, 409))
        if message.type == "error" and not refused:
            where = message.location or {}
            errors.append(f"console error: {message.text} ({where.get('url')}:{where.get('lineNumber')})")

    def on_web_error(web_error: Any) -> None:
        page = web_error.page
        errors.append(f"page error: {web_error.error} ({page.url if page else '?'})")

    context.add_init_script(_CSP_REPORTER)
    context.on("console", on_console)
    context.on("weberror", on_web_error)
    yield errors
    distinct = "\n".join(dict.fromkeys(errors))
    assert not errors, f"the browser reported {len(errors)} error(s); distinct:\n{distinct}"


class _Requests:
    """The requests the live server has begun and not finished, counted by Django's request signals.

    The test client's requests are not counted: a test may leave a streamed download unread, never closed.
    """

    def __init__(self) -> None:
        self.open = 0
        self.changed = threading.Condition()

    def started(self, sender: type, **kwargs: Any) -> None:
        if not (isinstance(sender, type) and issubclass(sender, (ClientHandler, AsyncClientHandler))):
            with self.changed:
                self.open += 1

    def finished(self, sender: type, **kwargs: Any) -> None:
        if not (isinstance(sender, type) and issubclass(sender, (ClientHandler, AsyncClientHandler))):
            with self.changed:
                self.open -= 1
                self.changed.notify_all()

    def wait_done(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        with self.changed:
            while self.open > 0 and (left := deadline - time.monotonic()) > 0:
                self.changed.wait(left)


_REQUESTS = _Requests()
request_started.connect(_REQUESTS.started, dispatch_uid="browser-requests-started")
request_finished.connect(_REQUESTS.finished, dispatch_uid="browser-requests-finished")


@pytest.fixture(autouse=True)
def requests_finished_before_flush(context: Any, live_server: Any, transactional_db: None) -> Iterator[None]:
    """At the end of a test, its pages closed and the live server's requests finished before the database is emptied.

    A page can still be asking for something when the test's last check passes (the bell's count on load, a list
    refreshed each second); emptying the tables under that request's query deadlocks on PostgreSQL. Set up after
    the live server and the test's database, this is torn down before them.
    """
    yield
    for page in context.pages:
        page.close()
    _REQUESTS.wait_done(seconds=30)
