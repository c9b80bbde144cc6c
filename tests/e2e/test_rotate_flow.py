"""Rotating a key in Chromium, from the row menu and from the details page, at 1280
and 390 px: the dialog, the passphrase asked again, the result shown once, and the
two keys linked on their details pages."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from accesskeys.services.access_create import CreateAccessRequest, create_access
from tests.helpers.browser import (
    SCREENSHOTS,
    assert_accessible,
    download,
    sign_in,
    wait_for_htmx,
)
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e

PHRASE = "correct horse battery staple"


def make_backup_key(project, admin, type_="s3"):
    return create_access(
        project,
        admin,
        CreateAccessRequest(
            name="backup",
            type=type_,
            full_access=False,
            permissions=frozenset({"read", "list"}),
            buckets=("photos",),
            expires_at=datetime(2031, 1, 1, tzinfo=UTC),
            passphrase=PHRASE,
        ),
    ).key


@pytest.mark.parametrize("width", [1280, 390])
def test_it_rotates_from_the_row_menu(page, live_server, project, admin, screenshot, width):
    old = make_backup_key(project, admin)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, admin.email, PASSWORD)
    page.wait_for_load_state("load")

    page.get_by_role("button", name="Actions for backup").click()
    page.get_by_role("menu", name="Actions for backup").get_by_role(
        "menuitem", name="Rotate"
    ).click()
    dialog = page.get_by_role("dialog", name="Rotate access key")
    expect(dialog.get_by_role("heading", name="Replace “backup”")).to_be_visible()
    wait_for_htmx(page)
    expect(dialog.get_by_label("7 days")).to_be_checked()
    expect(dialog.get_by_text("Jan 1, 2031")).to_be_visible()
    screenshot(f"rotate-dialog-{width}")
    assert_accessible(page, "the rotate dialog")

    dialog.get_by_label("1 day").check()
    dialog.get_by_role("button", name="Rotate key").click()
    # The passphrase is asked again, as in the New Access dialog.
    expect(dialog.get_by_text("Enter your encryption passphrase.")).to_be_visible()
    assert_accessible(page, "the rotate dialog with an error")
    dialog.get_by_label("Passphrase", exact=True).fill(PHRASE)
    dialog.get_by_role("button", name="Rotate key").click()

    expect(dialog.get_by_role("heading", name="Access rotated")).to_be_visible()
    expect(dialog.get_by_text("keeps working until")).to_be_visible()
    access_key = dialog.get_by_label("Access Key").input_value()
    assert access_key and dialog.get_by_label("Secret Key").input_value()
    expect(dialog.get_by_label("Download for").locator("option")).to_have_count(4)
    screenshot(f"rotate-result-{width}")
    assert_accessible(page, "the rotation's result")
    filename, content = download(page, dialog.get_by_role("button", name="Download all"))
    assert filename.endswith(".txt") and access_key in content
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()

    # The table shows both: the new key under the name, the old one renamed.
    expect(page.get_by_role("link", name="backup", exact=True)).to_be_visible()
    old.refresh_from_db()
    expect(page.get_by_role("link", name=old.name)).to_be_visible()
    assert old.name.startswith("backup (replaced ")

    page.get_by_role("link", name="backup", exact=True).click()
    expect(page.get_by_role("heading", name="backup", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=old.name)).to_be_visible()
    screenshot(f"rotate-new-key-details-{width}")
    assert_accessible(page, "the new key's details")
    page.get_by_role("link", name=old.name).click()
    expect(page.get_by_text("Replaced by")).to_have_count(2)  # the note and the row
    expect(page.get_by_role("button", name="Rotate")).to_have_count(0)
    expect(page.get_by_role("link", name="Rotate")).to_have_count(0)
    screenshot(f"rotate-old-key-details-{width}")
    assert_accessible(page, "the old key's details")


def test_it_rotates_an_access_grant_from_its_details_page_with_a_new_passphrase(
    page, live_server, project, admin, screenshot
):
    old = make_backup_key(project, admin, type_="access_grant")
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/{old.id}/")
    page.wait_for_load_state("load")

    page.get_by_role("link", name="Rotate").click()
    dialog = page.get_by_role("dialog", name="Rotate access key")
    wait_for_htmx(page)
    dialog.get_by_label("Now (stop the old key at once)").check()
    dialog.get_by_label("Use a new passphrase").check()
    dialog.get_by_label("Generate 12-word passphrase").check()
    rotate = dialog.get_by_role("button", name="Rotate key")
    expect(rotate).to_be_disabled()  # until the words are saved
    dialog.get_by_label("I saved my encryption passphrase").check()
    rotate.click()

    expect(dialog.get_by_role("heading", name="Access rotated")).to_be_visible()
    expect(dialog.get_by_text("has stopped working")).to_be_visible()
    expect(dialog.get_by_label("Access Grant")).not_to_have_value("")
    assert_accessible(page, "the result of rotating a grant")
    new = AccessKey.objects.get(replaces=old)
    assert new.type == "access_grant" and new.name == "backup"


def test_without_javascript_rotation_is_a_page(browser, live_server, project, admin):
    old = make_backup_key(project, admin)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/{old.id}/")
    page.get_by_role("link", name="Rotate").click()

    page.get_by_label("Passphrase", exact=True).fill(PHRASE)
    page.get_by_role("button", name="Rotate key").click()

    expect(page.get_by_role("heading", name="Access rotated")).to_be_visible()
    # No script can reveal a hidden secret here: it is shown.
    secret = page.get_by_label("Secret Key")
    expect(secret).to_have_attribute("type", "text")
    assert len(secret.input_value()) > 40
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "rotate-result-no-javascript-390.png"), full_page=True)
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_role("heading", name="backup", level=1)).to_be_visible()
    context.close()
