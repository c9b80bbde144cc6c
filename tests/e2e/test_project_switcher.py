"""The project switcher closes like a menu: on an outside click, on Escape (focus
back on it) and for the New Project dialog, which gives focus back to it."""

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import assert_accessible, sign_in
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e


def switcher(page):
    return page.get_by_label("Project: Alpha. Switch project")


def projects_menu(page):
    return page.get_by_role("list", name="Your projects")


@pytest.mark.parametrize("width", [1280, 390])
def test_it_closes_when_the_new_project_dialog_is_cancelled(
    page, live_server, admin, project, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 844})
    sign_in(page, live_server, admin.email, PASSWORD)
    switcher(page).click()
    expect(projects_menu(page)).to_be_visible()
    assert_accessible(page, f"switcher open at {width} px")
    page.get_by_role("link", name="New Project").click()
    dialog = page.get_by_role("dialog", name="Create New Project")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    # Nothing left open over the side menu; focus is back on the switcher.
    expect(projects_menu(page)).to_be_hidden()
    expect(switcher(page)).to_be_focused()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Team")
    ).to_be_visible()
    screenshot(f"switcher-after-cancel-{width}", full_page=False)


def test_it_closes_on_a_click_outside(page, live_server, admin, project):
    sign_in(page, live_server, admin.email, PASSWORD)
    switcher(page).click()
    expect(projects_menu(page)).to_be_visible()
    page.get_by_role("heading", name="Access Keys", exact=True).click()
    expect(projects_menu(page)).to_be_hidden()


def test_it_closes_on_escape_and_gives_focus_back(page, live_server, admin, project):
    sign_in(page, live_server, admin.email, PASSWORD)
    switcher(page).focus()
    page.keyboard.press("Enter")
    expect(projects_menu(page)).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Alpha")).to_be_focused()
    page.keyboard.press("Escape")
    expect(projects_menu(page)).to_be_hidden()
    expect(switcher(page)).to_be_focused()

    # Open again with the keyboard; Escape on the switcher itself closes it too.
    page.keyboard.press("Enter")
    expect(projects_menu(page)).to_be_visible()
    page.keyboard.press("Escape")
    expect(projects_menu(page)).to_be_hidden()
    expect(switcher(page)).to_be_focused()

    # Tabbing out of the open menu closes it.
    page.keyboard.press("Enter")
    for _ in range(2):  # the project, New Project
        page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="New Project")).to_be_focused()
    page.keyboard.press("Tab")
    expect(projects_menu(page)).to_be_hidden()
