"""The side menu's footer: the account, API tokens and Sign out read as one kind of entry."""

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import assert_accessible, sign_in
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e

LOOK = """e => { const s = getComputedStyle(e);
  return [s.color, s.fontWeight, s.fontSize, s.textDecorationLine].join(' '); }"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_footer_entries_look_alike(page, live_server, admin, project, screenshot, width):
    page.set_viewport_size({"width": width, "height": 860})
    sign_in(page, live_server, admin.email, PASSWORD)
    expect(page.get_by_role("heading", name="Access Keys", exact=True)).to_be_visible()
    footer = page.locator(".sidebar-user")
    entries = [
        footer.get_by_role("link", name=admin.email),
        footer.get_by_role("link", name="API tokens"),
        footer.get_by_role("button", name="Sign out"),
    ]
    looks = {entry.evaluate(LOOK) for entry in entries}
    assert len(looks) == 1, looks
    screenshot(f"side-menu-footer-{width}", full_page=False)
    assert_accessible(page, "shell footer")


def test_the_two_factor_page_says_where_it_is(page, live_server, admin, project):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/account/two-factor/")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs).to_have_text("Account › Set up two-factor authentication")
    assert_accessible(page, "two-factor set-up")
