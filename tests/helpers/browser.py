"""Driving the console in Chromium as a person does: signing in, waiting for
htmx, opening the New Access dialog, saving downloads, and axe-core's checks."""

import re
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from tests.helpers import PROJECT_DIR
from tests.helpers.factories import PASSWORD, make_access_key

SCREENSHOTS = PROJECT_DIR / "screenshots"
AXE_SCRIPT = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"


def sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/signin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    # Until the next page has loaded, its deferred scripts (menus, dialogs) may not
    # be listening yet: a test's first keypress would beat them, which a person's
    # never does.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def wait_for_htmx(page) -> None:
    """Wait until htmx has swapped and settled, so the new content's hx-* attributes
    are live: a test acts faster than a person, within htmx's settle delay."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


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


PASSPHRASE = "my project passphrase"


# ISO 8601 basic format: no ":", which Chromium would rewrite and Windows refuses.
ISO = r"\d{8}T\d{6}\.\d{3}Z"


def open_dialog(page, live_server, project, user):
    sign_in(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/")
    page.locator(".page-header").get_by_role("button", name="New Access Key").click()
    dialog = page.get_by_role("dialog", name="New Access")
    expect(dialog).to_be_visible()
    return dialog


def name_step(dialog, name, type_label):
    dialog.get_by_label("Name", exact=True).fill(name)
    dialog.get_by_label(type_label, exact=True).check()
    dialog.get_by_role("button", name="Next").click()
    wait_for_htmx(dialog.page)


def download(page, button):
    """The file name the page asks for and the content saved.

    The name is read from the link the page made, and Chromium must save the
    file under exactly that name: a name it has to rewrite is not portable.
    """
    page.evaluate(
        """() => {
            window.__savedNames = [];
            const click = HTMLAnchorElement.prototype.click;
            HTMLAnchorElement.prototype.click = function () {
                if (this.download) window.__savedNames.push(this.download);
                return click.call(this);
            };
        }"""
    )
    with page.expect_download() as info:
        button.click()
    name = page.evaluate("window.__savedNames.at(-1)")
    assert info.value.suggested_filename == name
    return name, Path(info.value.path()).read_text()


def name_cells(page):
    return page.locator("#access-table .key-name")


def fill_project(project, admin, member, count=23):
    now = timezone.now()
    for i in range(count):
        make_access_key(
            project,
            admin if i % 3 else member,
            f"{['photos', 'backup', 'logs'][i % 3]}-{i:02d}",
            type=[
                AccessKey.Type.S3_CREDENTIALS,
                AccessKey.Type.ACCESS_GRANT,
                AccessKey.Type.API_KEY,
            ][i % 3],
            created_at=now - timedelta(days=i),
            not_after=now - timedelta(days=1)
            if i == 4
            else (now + timedelta(days=90) if i % 5 == 0 else None),
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

        def document(route):
            route.fulfill(body=html, content_type="text/html")

        copy.route("**/*.css", styles)
        copy.route(lambda address: address == url, document)
        copy.goto(url)
        assert_accessible(copy, label or url)
    finally:
        context.close()


def confirm_and_create(dialog) -> None:
    """From the last choice to the result: Full Access, like Advanced, ends on Confirm."""
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Confirm", exact=True)).to_be_visible()
    wait_for_htmx(dialog.page)
    dialog.get_by_role("button", name="Create Access").click()
