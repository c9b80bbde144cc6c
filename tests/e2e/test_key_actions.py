"""A key's actions in Chromium: the row menu (Details, Rotate, Rename or describe, Delete)
on a short table, renaming and describing from the details page, and the
messages that follow deleting and signing out."""

import pytest
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from tests.helpers.browser import assert_accessible, sign_in, wait_for_htmx
from tests.helpers.factories import PASSWORD, make_key

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def assert_reachable(page, item) -> None:
    """The item is where a pointer lands at its centre: not clipped or covered."""
    box = item.bounding_box()
    assert box, "the menu item has no box"
    viewport = page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.closest('[role=menuitem]')?.textContent",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit and hit.strip() == item.inner_text().strip()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["1280", "390"])
def test_the_row_menu_of_a_one_row_table_is_whole_and_usable(
    page, live_server, admin, project, screenshot, viewport
):
    make_key(project, admin, name="svc-alpha")
    if viewport:
        page.set_viewport_size(viewport)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.wait_for_load_state("load")  # the page's scripts run the menus

    toggle = page.get_by_role("button", name="Actions for svc-alpha")
    toggle.click()
    menu = page.get_by_role("menu", name="Actions for svc-alpha")
    items = menu.get_by_role("menuitem")
    expect(items).to_have_text(["Details", "Rotate", "Rename or describe", "Delete"])
    expect(items.first).to_be_focused()
    for i in range(4):
        assert_reachable(page, items.nth(i))
    screenshot(f"access-keys-row-menu-{viewport['width'] if viewport else 1280}", full_page=False)
    assert_accessible(page, "access keys with a row menu open")

    # The keyboard moves through it; Escape closes it and returns to its button.
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem", name="Rotate")).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(menu.get_by_role("menuitem", name="Delete")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()

    # The last item of the menu opens the delete confirmation.
    toggle.click()
    menu.get_by_role("menuitem", name="Delete").click()
    expect(page.get_by_role("dialog", name="Delete access key")).to_be_visible()
    page.keyboard.press("Escape")

    toggle.click()
    menu.get_by_role("menuitem", name="Details").click()
    expect(page.get_by_role("heading", name="svc-alpha", level=1)).to_be_visible()


def test_a_member_is_offered_only_what_they_may_do(page, live_server, admin, member, project):
    make_key(project, admin, name="admins-key")
    make_key(project, member, name="members-key")
    sign_in(page, live_server, member.email, PASSWORD)
    page.wait_for_load_state("load")

    page.get_by_role("button", name="Actions for admins-key").click()
    menu = page.get_by_role("menu", name="Actions for admins-key")
    expect(menu.get_by_role("menuitem")).to_have_text(["Details"])
    page.keyboard.press("Escape")

    page.get_by_role("button", name="Actions for members-key").click()
    menu = page.get_by_role("menu", name="Actions for members-key")
    expect(menu.get_by_role("menuitem")).to_have_text(
        ["Details", "Rotate", "Rename or describe", "Delete"]
    )


def test_it_renames_and_describes_a_key_from_its_details(
    page, live_server, admin, project, screenshot
):
    make_key(project, admin, name="svc-alpha", description="")
    sign_in(page, live_server, admin.email, PASSWORD)
    page.wait_for_load_state("load")  # the page's scripts run the menus
    page.get_by_role("link", name="svc-alpha").click()
    page.get_by_role("link", name="Rename or describe").click()

    expect(page.get_by_role("heading", name="Rename or describe")).to_be_visible()
    expect(page.get_by_text("what this key allows", exact=False)).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("svc-alpha")
    screenshot("key-edit-1280")
    assert_accessible(page, "rename or describe")
    page.set_viewport_size(PHONE)
    screenshot("key-edit-390")
    assert_accessible(page, "rename or describe at 390 px")
    page.set_viewport_size({"width": 1280, "height": 860})

    page.get_by_label("Name").fill("svc-beta")
    page.get_by_label("Description").fill("Deploys from CI")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("heading", name="svc-beta", level=1)).to_be_visible()
    expect(page.get_by_text("Saved the changes to “svc-beta”.")).to_be_visible()
    expect(page.get_by_text("Deploys from CI")).to_be_visible()
    screenshot("key-details-after-rename")
    assert_accessible(page, "details after renaming")
    assert AccessKey.objects.get().name == "svc-beta"

    page.get_by_role("link", name="Access Keys", exact=True).first.click()
    expect(page.get_by_role("link", name="svc-beta")).to_be_visible()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["1280", "390"])
def test_a_taken_name_is_refused_where_it_was_typed(
    page, live_server, admin, project, screenshot, viewport
):
    make_key(project, admin, name="svc-alpha")
    key = make_key(project, admin, name="svc-beta")
    if viewport:
        page.set_viewport_size(viewport)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.wait_for_load_state("load")  # the page's scripts run the menus
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/{key.id}/edit/")
    page.get_by_label("Name").fill("svc-alpha")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_have_text("This name is already in use")
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    screenshot(f"key-edit-error-{viewport['width'] if viewport else 1280}")
    assert AccessKey.objects.get(id=key.id).name == "svc-beta"
    assert_accessible(page, "rename with a taken name")


def test_a_later_delete_does_not_show_the_earlier_message(page, live_server, admin, project):
    for name in ("svc-alpha", "svc-beta", "svc-gamma", "svc-delta"):
        make_key(project, admin, name=name)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.wait_for_load_state("load")  # the page's scripts run the menus
    status = page.locator("#access-status")

    page.get_by_role("button", name="Actions for svc-alpha").click()
    page.get_by_role("menuitem", name="Delete").click()
    page.get_by_role("dialog", name="Delete access key").get_by_role(
        "button", name="Delete"
    ).click()
    expect(status).to_have_text("Deleted the access key “svc-alpha”.")
    wait_for_htmx(page)

    page.get_by_role("checkbox", name="Select svc-beta").check()
    page.get_by_role("checkbox", name="Select svc-gamma").check()
    page.get_by_role("button", name="Delete 2 access keys", exact=True).click()
    dialog = page.get_by_role("dialog", name="Delete 2 access keys")
    expect(dialog).to_be_visible()
    # The earlier outcome is gone while the next delete is being confirmed...
    expect(page.get_by_text("svc-alpha")).to_have_count(0)
    expect(status).to_be_empty()
    dialog.get_by_role("button", name="Delete").click()
    # ...and the new one replaces it.
    expect(status).to_have_text("Deleted 2 access keys.")
    assert_accessible(page, "access keys after a bulk delete")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["1280", "390"])
def test_signing_out_says_so_on_the_sign_in_page(
    page, live_server, admin, project, screenshot, viewport
):
    if viewport:
        page.set_viewport_size(viewport)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.wait_for_load_state("load")  # the page's scripts run the menus
    expect(page.get_by_role("heading", name="Access Keys", exact=True)).to_be_visible()
    if viewport:
        # The side menu is behind its button on a phone.
        menu_button = page.get_by_role("button", name="Menu")
        if menu_button.count():
            menu_button.click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    screenshot(f"signed-out-{viewport['width'] if viewport else 1280}")
    assert_accessible(page, "sign-in after signing out")
    page.reload()
    expect(page.get_by_text("You have signed out.")).to_have_count(0)
