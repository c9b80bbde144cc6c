"""The Access Keys page in Chromium: search, sort, paging, selection and delete."""

import re

import pytest
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from tests.helpers.browser import fill_project, name_cells, sign_in, wait_for_htmx
from tests.helpers.factories import PASSWORD, make_access_key

pytestmark = pytest.mark.e2e


def test_it_explains_an_empty_project(page, live_server, admin, project, screenshot):
    sign_in(page, live_server, admin.email, PASSWORD)
    expect(page.get_by_role("heading", name="No access keys yet")).to_be_visible()
    expect(page.get_by_role("button", name="New Access Key")).to_have_count(2)
    screenshot("access-keys-empty")


def test_it_searches_as_you_type_and_keeps_it_in_the_url(
    page, live_server, admin, member, project, screenshot
):
    fill_project(project, admin, member)
    sign_in(page, live_server, admin.email, PASSWORD)
    expect(name_cells(page)).to_have_count(10)
    screenshot("access-keys-full")

    page.get_by_role("searchbox", name="Search").press_sequentially("LOGS")
    expect(name_cells(page)).to_have_count(7)
    expect(page.get_by_text("Showing 1–7 of 7")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=LOGS"))
    screenshot("access-keys-searched")

    # Creator emails are searched too.
    page.get_by_role("searchbox", name="Search").fill("bob@")
    expect(page.get_by_text("Showing 1–8 of 8")).to_be_visible()

    page.get_by_role("searchbox", name="Search").fill("zebra")
    expect(page.get_by_role("heading", name="No access keys match “zebra”")).to_be_visible()
    screenshot("access-keys-no-match")

    page.reload()
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("zebra")
    expect(page.get_by_role("heading", name="No access keys match “zebra”")).to_be_visible()


def test_it_sorts_pages_and_changes_page_size(page, live_server, admin, member, project):
    fill_project(project, admin, member)
    sign_in(page, live_server, admin.email, PASSWORD)
    expect(name_cells(page).first).to_have_text("backup-01")

    page.get_by_role("link", name="Name").click()
    expect(name_cells(page).first).to_have_text("photos-21")
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(page).to_have_url(re.compile(r"sort=-name"))

    wait_for_htmx(page)
    page.get_by_role("link", name="Date Created").click()
    expect(name_cells(page).first).to_have_text("photos-00")  # newest first
    wait_for_htmx(page)
    page.get_by_role("link", name="Date Created").click()
    expect(name_cells(page).first).to_have_text("backup-22")
    expect(page.get_by_role("columnheader", name="Date Created")).to_have_attribute(
        "aria-sort", "ascending"
    )

    wait_for_htmx(page)
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Showing 11–20 of 23")).to_be_visible()
    wait_for_htmx(page)
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Showing 21–23 of 23")).to_be_visible()
    expect(name_cells(page)).to_have_count(3)
    wait_for_htmx(page)
    page.get_by_role("link", name="Previous").click()
    expect(page.get_by_text("Showing 11–20 of 23")).to_be_visible()

    wait_for_htmx(page)
    page.get_by_label("Rows per page").select_option("25")
    expect(name_cells(page)).to_have_count(23)
    expect(page.get_by_text("Showing 1–23 of 23")).to_be_visible()
    expect(page).to_have_url(re.compile(r"size=25"))

    # A reload (or a shared link) shows the same view.
    page.reload()
    expect(name_cells(page)).to_have_count(23)
    expect(name_cells(page).first).to_have_text("backup-22")

    page.go_back()
    expect(page.get_by_text("Showing 11–20 of 23")).to_be_visible()


def test_it_keeps_the_rows_per_page_when_a_search_is_cleared(
    page, live_server, admin, member, project
):
    fill_project(project, admin, member)
    sign_in(page, live_server, admin.email, PASSWORD)
    # htmx binds the select once its deferred script has run.
    page.wait_for_load_state("load")
    page.get_by_label("Rows per page").select_option("25")
    expect(name_cells(page)).to_have_count(23)
    wait_for_htmx(page)

    search = page.get_by_role("searchbox", name="Search")
    # A search matching nothing, then cleared with the box's own clear (Escape).
    search.fill("zebra")
    expect(page.get_by_role("heading", name="No access keys match “zebra”")).to_be_visible()
    wait_for_htmx(page)
    search.press("Escape")
    expect(name_cells(page)).to_have_count(23)
    expect(page.get_by_label("Rows per page")).to_have_value("25")
    expect(page).to_have_url(re.compile(r"size=25"))
    wait_for_htmx(page)

    # The "Clear search" button of the empty result keeps it too.
    search.fill("zebra")
    page.get_by_role("link", name="Clear search").click()
    expect(name_cells(page)).to_have_count(23)
    expect(page.get_by_label("Rows per page")).to_have_value("25")
    expect(page).to_have_url(re.compile(r"size=25"))

    # And a search that matches keeps it when emptied by hand.
    page.wait_for_load_state("load")
    page.get_by_role("searchbox", name="Search").fill("logs")
    expect(name_cells(page)).to_have_count(7)
    wait_for_htmx(page)
    page.get_by_role("searchbox", name="Search").fill("")
    expect(name_cells(page)).to_have_count(23)
    expect(page.get_by_label("Rows per page")).to_have_value("25")


def test_it_deletes_the_selected_keys_after_one_confirmation(
    page, live_server, admin, member, project, screenshot
):
    fill_project(project, admin, member, count=6)
    sign_in(page, live_server, admin.email, PASSWORD)
    expect(page.get_by_role("button", name="Delete", exact=True)).to_be_disabled()

    # The button says how many it deletes.
    page.get_by_role("checkbox", name="Select backup-01").check()
    expect(page.get_by_role("button", name="Delete 1 access key", exact=True)).to_be_enabled()
    page.get_by_role("checkbox", name="Select logs-05").check()
    expect(page.get_by_text("2 selected")).to_be_visible()
    screenshot("access-keys-bulk-delete-1280", full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_role("button", name="Delete 2 access keys", exact=True)).to_be_in_viewport()
    screenshot("access-keys-bulk-delete-390", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Delete 2 access keys", exact=True).click()

    dialog = page.get_by_role("dialog", name="Delete 2 access keys")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("listitem")).to_have_text(["backup-01", "logs-05"])
    screenshot("access-keys-delete-confirmation")
    dialog.get_by_role("button", name="Delete 2 access keys", exact=True).click()

    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status")).to_have_text("Deleted 2 access keys.")
    expect(page.get_by_role("button", name="Delete", exact=True)).to_be_disabled()
    expect(name_cells(page)).to_have_text(["backup-04", "logs-02", "photos-00", "photos-03"])
    assert set(AccessKey.objects.not_revoked().values_list("name", flat=True)) == {
        "backup-04",
        "logs-02",
        "photos-00",
        "photos-03",
    }


def test_select_all_covers_the_current_page_and_cancel_deletes_nothing(
    page, live_server, admin, member, project
):
    fill_project(project, admin, member, count=12)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_role("checkbox", name="Select all access keys on this page").check()
    expect(page.get_by_text("10 selected")).to_be_visible()
    page.get_by_role("button", name="Delete 10 access keys", exact=True).click()
    dialog = page.get_by_role("dialog", name="Delete 10 access keys")
    expect(dialog.get_by_role("listitem")).to_have_count(10)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Delete 10 access keys", exact=True)).to_be_focused()
    assert AccessKey.objects.not_revoked().count() == 12


def test_a_member_cannot_delete_an_admins_key(
    page, live_server, admin, member, project, screenshot
):
    make_access_key(project, admin, "admins-key")
    make_access_key(project, member, "members-key")
    sign_in(page, live_server, member.email, PASSWORD)

    # The row menu does not offer it (test_key_actions.py); a selection still can.
    page.get_by_role("checkbox", name="Select admins-key").check()
    page.get_by_role("button", name="Delete 1 access key", exact=True).click()
    dialog = page.get_by_role("dialog", name="Delete access key")
    expect(dialog.get_by_role("listitem")).to_have_text(["admins-key"])
    dialog.get_by_role("button", name="Delete").click()

    expect(dialog.get_by_role("alert")).to_contain_text(
        "Members can delete only the access keys they created"
    )
    expect(dialog.get_by_role("alert")).to_contain_text("Nothing was deleted.")
    screenshot("access-keys-member-delete-refused")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    expect(name_cells(page)).to_have_text(["admins-key", "members-key"])
    assert AccessKey.objects.not_revoked().count() == 2

    # Their own key goes.
    page.get_by_role("button", name="Actions for members-key").click()
    page.get_by_role("menuitem", name="Delete").click()
    page.get_by_role("dialog", name="Delete access key").get_by_role(
        "button", name="Delete"
    ).click()
    expect(name_cells(page)).to_have_text(["admins-key"])


def test_it_fits_a_phone_screen(page, live_server, admin, member, project, screenshot):
    fill_project(project, admin, member, count=6)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, admin.email, PASSWORD)
    expect(name_cells(page)).to_have_count(6)
    page.wait_for_load_state("load")  # the stylesheets, before measuring
    screenshot("access-keys-390")
    # Nothing sticks out sideways: the table collapses into one card per key.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_it_opens_a_keys_details_from_its_name(page, live_server, admin, member, project):
    fill_project(project, admin, member, count=3)
    sign_in(page, live_server, admin.email, PASSWORD)

    page.get_by_role("link", name="logs-02").click()

    expect(page.get_by_role("heading", name="logs-02")).to_be_visible()
    expect(page.get_by_text("API Key").first).to_be_visible()
