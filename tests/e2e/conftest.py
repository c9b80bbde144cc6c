"""Browser tests: Playwright driving Debian's Chromium against live_server."""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make to set up data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


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


def sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/signin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def wait_for_htmx(page) -> None:
    """Wait until htmx has swapped and settled, so the new content's hx-* attributes
    are live: a test acts faster than a person, within htmx's settle delay."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def assert_accessible(page, label: str = "") -> None:
    """Run axe-core (the npm package, installed by bin/test) on the page as it
    is now and fail with every violation: rule, impact, help and the elements.

    The script goes in through the DevTools protocol (page.evaluate), which our
    Content-Security-Policy does not govern; a <script> tag would be blocked.
    """
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run `npm ci` (bin/test does)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT.read_text() + "\n;undefined")
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))"
    )
    width = page.viewport_size["width"] if page.viewport_size else "?"
    lines = [
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
        for v in violations
    ]
    assert not violations, (
        f"axe-core found {len(violations)} violation(s) on {label or page.url} at {width} px:\n"
        + "\n".join(lines)
    )


def assert_accessible_without_js(page, label: str = "") -> None:
    """axe-core on a page of a context with JavaScript off, as that browser renders it.

    axe cannot run where scripts are off (its timers never fire), so it runs on a
    copy of the page in a context of its own: the same HTML without its scripts,
    at the same URL and width, with the styles for browsers without scripts
    (`@media (scripting: none)`) applied as that browser applies them.
    """
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.S | re.I)
    url = page.url
    context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        copy = context.new_page()

        def styles(route):
            response = route.fetch()
            body = response.text().replace("@media (scripting: none)", "@media all")
            route.fulfill(response=response, body=body)

        copy.route("**/*.css", styles)
        copy.route(lambda address: address == url, lambda route: route.fulfill(body=html, content_type="text/html"))
        copy.goto(url)
        assert_accessible(copy, label or url)
    finally:
        context.close()
