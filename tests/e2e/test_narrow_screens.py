"""At 390 px: whatever takes focus is in view, actions stay in view (no table
scrolls sideways), and the dialog's buttons keep to one line."""

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import (
    assert_accessible,
    fill_project,
    name_cells,
    name_step,
    open_dialog,
    sign_in,
)
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}

# What has the focus, and whether a person sees it there: a box of its own, and
# the element itself (not whatever covers or clips it) at its centre.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const r = e.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const seen = r.width > 1 && r.height > 1 && !!hit && (hit === e || e.contains(hit));
  return {element: e.outerHTML.slice(0, 160), seen: seen};
}"""


def tab_through(page, limit: int = 150) -> list[str]:
    """Tab through the whole page; every element that took focus unseen."""
    page.locator("body").click(position={"x": 1, "y": 1})
    unseen, visited = [], set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or focused["element"] in visited:
            break
        visited.add(focused["element"])
        if not focused["seen"]:
            unseen.append(focused["element"])
    return unseen


def no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    wide = page.evaluate(
        "() => Array.from(document.querySelectorAll('.table-wrap'))"
        ".filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.scrollWidth)"
    )
    assert wide == [], f"tables scroll sideways at 390 px: {wide}"


def test_access_keys_sort_links_are_in_view_on_a_phone(
    page, live_server, admin, member, project, screenshot
):
    fill_project(project, admin, member, count=4)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, admin.email, PASSWORD)
    expect(name_cells(page)).to_have_count(4)
    page.wait_for_load_state("load")
    # The sort links are a visible bar above the cards, and they still sort.
    sort_by_name = page.get_by_role("link", name="Name")
    expect(sort_by_name).to_be_in_viewport()
    assert tab_through(page) == []
    no_sideways_scrolling(page)
    screenshot("access-keys-sort-bar-390", full_page=False)
    assert_accessible(page, "access keys at 390 px")

    sort_by_name.click()
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(name_cells(page).first).to_have_text("photos-03")


def test_team_actions_stay_in_view_on_a_phone(
    page, live_server, admin, member, project, screenshot
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/team/")
    page.wait_for_load_state("load")
    bob = page.get_by_role("row").filter(has_text="bob@example.com")
    expect(bob.get_by_role("button", name="Save role of bob@example.com")).to_be_in_viewport()
    expect(bob.get_by_role("button", name="Remove bob@example.com")).to_be_in_viewport()
    assert tab_through(page) == []
    no_sideways_scrolling(page)
    screenshot("team-390")
    assert_accessible(page, "team at 390 px")


def test_audit_keeps_permissions_and_risks_in_view_on_a_phone(
    page, live_server, admin, member, project, screenshot
):
    fill_project(project, admin, member, count=4)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/audit/")
    page.wait_for_load_state("load")
    keys = page.get_by_role("table", name="Access keys")
    row = keys.get_by_role("row").filter(has_text="photos-00")
    row.scroll_into_view_if_needed()
    expect(row.get_by_text("Read, Write, List, Delete")).to_be_in_viewport()
    expect(
        row.get_by_text("Full access, no expiration").or_(row.get_by_text("None"))
    ).to_be_visible()
    assert tab_through(page) == []
    no_sideways_scrolling(page)
    screenshot("audit-390")
    assert_accessible(page, "audit at 390 px")


def test_create_access_keeps_to_one_line_on_a_phone(page, live_server, admin, project, screenshot):
    page.set_viewport_size(PHONE)
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "phone-key", "S3 Credentials")
    dialog.get_by_label("Full Access").check()
    dialog.get_by_role("button", name="Next").click()
    create = dialog.get_by_role("button", name="Create Access")
    cancel = dialog.get_by_role("button", name="Cancel")
    expect(create).to_be_visible()
    create_box, cancel_box = create.bounding_box(), cancel.bounding_box()
    # One line of text, beside Cancel and Back, inside the dialog.
    assert create_box["height"] <= cancel_box["height"] + 1
    assert abs(create_box["y"] - cancel_box["y"]) <= 1
    assert create_box["x"] + create_box["width"] <= PHONE["width"]
    screenshot("new-access-create-390", full_page=False)
    assert_accessible(page, "new access, last step, at 390 px")
