"""Browser tests: Playwright driving Debian's Chromium against live_server."""

import os
import shutil
from pathlib import Path

import pytest

from tests.helpers.browser import SCREENSHOTS

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make to set up data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    # A browser test that fails once on a loaded 2-core machine (a keypress racing
    # Chromium's focus handling) runs once more, and the summary says "rerun": a
    # real fault fails both times. pytest-rerunfailures.
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.flaky(reruns=1))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 860}}


# Chromium logs a blocked inline script or style to the console; this makes any
# violation of the Content-Security-Policy an error there, with what was blocked.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


# Chromium logs every 4xx answer as an error, including the deliberate ones (a
# form with errors, a refused sign-in); failed responses are judged below instead.
HTTP_STATUS_MESSAGE = "Failed to load resource: the server responded with a status of"
# A page or an htmx request may be answered 4xx on purpose; a script, stylesheet,
# image or font may not.
ANSWERS = {"document", "xhr", "fetch"}


def console_error(errors, message) -> None:
    if message.type == "error" and not message.text.startswith(HTTP_STATUS_MESSAGE):
        errors.append(message.text)


def failed_response(errors, response) -> None:
    deliberate = response.request.resource_type in ANSWERS and response.status < 500
    if response.status >= 400 and not deliberate:
        errors.append(f"{response.status} for {response.request.resource_type} {response.url}")


@pytest.fixture(autouse=True)
def no_console_errors(context):
    """Fail the test on any error in the browser console (a CSP violation, a
    script error), a resource that failed to load, a server error or any
    uncaught exception."""
    errors = []
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    context.on("console", lambda message: console_error(errors, message))
    context.on("response", lambda response: failed_response(errors, response))
    context.on("weberror", lambda error: errors.append(str(error.error)))
    yield errors
    assert not errors, "The browser console showed errors:\n" + "\n".join(errors)


@pytest.fixture
def screenshot(page):
    """Save a screenshot under screenshots/ to look at after the run."""

    def take(name: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
