"""Search on the Access Keys page is in the URL: reload and Back keep it."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import sign_in, wait_for_htmx
from tests.helpers.factories import PASSWORD, make_key

pytestmark = pytest.mark.e2e


def test_a_search_survives_reload_and_back(page, live_server, project, admin):
    for name in ("alpha-one", "alpha-two", "beta"):
        make_key(project, admin, name)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/")
    search = page.get_by_role("searchbox", name="Search")
    search.fill("alpha")
    search.press("Enter")
    expect(page.get_by_role("link", name="beta")).to_have_count(0)
    wait_for_htmx(page)
    expect(page).to_have_url(re.compile(r"[?&]q=alpha(&|$)"))

    page.reload()
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("alpha")
    expect(page.get_by_role("link", name="beta")).to_have_count(0)

    search = page.get_by_role("searchbox", name="Search")
    search.fill("beta")
    search.press("Enter")
    expect(page.get_by_role("link", name="alpha-one")).to_have_count(0)
    wait_for_htmx(page)
    page.go_back()
    expect(page.get_by_role("link", name="alpha-one")).to_be_visible()
    expect(page.get_by_role("link", name="beta")).to_have_count(0)
