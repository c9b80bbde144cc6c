"""Issue 23, point 16: the REST API's docs page passes axe-core and stays usable."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 390])
def test_the_api_docs_pass_axe_at_both_widths(page, live_server, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_role("heading", level=1, name=re.compile("Access Keys console API")))
    expect(page.get_by_text("/api/v1/projects/{project_id}/accesses").first).to_be_visible()
    screenshot(f"api-docs-{width}", full_page=False)
    assert_accessible(page, f"API docs at {width} px")
