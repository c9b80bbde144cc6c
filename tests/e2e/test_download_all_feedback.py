""" "Download all" on the New Access result: the page says, where people see it, the
name of the file saved, and that is exactly the name the browser saved it under."""

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import assert_accessible, sign_in, wait_for_htmx
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 390])
def test_it_shows_the_name_of_the_file_it_saved(
    page, live_server, project, admin, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 844})
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_role("button", name="New Access Key").first.click()
    dialog = page.get_by_role("dialog", name="New Access")
    # ":" and "/" are what Storj's names (ISO times) and users' names bring, and what
    # browsers and Windows rewrite.
    dialog.get_by_label("Name", exact=True).fill("deploy: prod/eu")
    dialog.get_by_label("API Key", exact=True).check()
    dialog.get_by_role("button", name="Next").click()
    wait_for_htmx(page)
    dialog.get_by_role("button", name="Create Access").click()
    expect(dialog.get_by_role("heading", name="Access created")).to_be_visible()

    note = dialog.get_by_role("status")
    expect(note).to_be_hidden()
    with page.expect_download() as info:
        dialog.get_by_role("button", name="Download all").click()
    saved = info.value.suggested_filename
    expect(note).to_be_visible()
    expect(note).to_have_text(f"Downloaded {saved}.")
    assert saved.startswith("Storj-API-Key-deploy_ prod_eu-")
    assert ":" not in saved and "/" not in saved
    screenshot(f"new-access-downloaded-{width}", full_page=False)
    assert_accessible(page, "result after Download all")
