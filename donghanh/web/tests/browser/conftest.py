"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against `live_server`.

Playwright's own browser downloads are not used. Every test in this folder is marked `browser`
(deselect with `-m "not browser"`) and is skipped when Debian's Chromium is not installed, except
with `CI` set, where that fails the tests.
Any console error (a Content-Security-Policy violation, a JavaScript error, a failed resource)
or uncaught page error fails the test that caused it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent

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
