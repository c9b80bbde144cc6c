"""Share on the Buckets page, in a browser: the dialog, the link, and the key it
becomes on the Access Keys page."""

import pytest
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from tests.helpers.browser import PASSPHRASE, assert_accessible, sign_in, wait_for_htmx
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 390])
def test_a_member_shares_a_folder(page, live_server, project, member, screenshot, width):
    page.set_viewport_size({"width": width, "height": 860 if width > 400 else 844})
    sign_in(page, live_server, member.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/buckets/")
    page.get_by_role("link", name="Share photos").click()
    dialog = page.get_by_role("dialog", name="Share photos")
    expect(dialog).to_be_visible()
    wait_for_htmx(page)
    expect(dialog.get_by_label("Bucket")).to_have_value("photos")
    dialog.get_by_label("Folder (optional)").fill("2026/summer/")
    dialog.get_by_label("Link expires").select_option(label="1 week")
    dialog.get_by_label("Encryption passphrase").fill(PASSPHRASE)
    screenshot(f"share-dialog-{width}", full_page=False)
    assert_accessible(page, "Share dialog")
    dialog.get_by_role("button", name="Create link").click()

    done = page.get_by_role("dialog", name="Link ready")
    expect(done).to_be_visible()
    link = done.get_by_label("Public link")
    key = AccessKey.objects.get()
    expect(link).to_have_value(key.share_url)
    assert key.share_url.endswith("/photos/2026/summer/")
    expect(done.get_by_text("/raw/")).to_be_visible()
    screenshot(f"share-dialog-link-{width}", full_page=False)
    assert_accessible(page, "Share dialog with its link")
    done.get_by_role("button", name="Done").click()
    expect(done).to_be_hidden()

    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=key.name))
    expect(row.get_by_text("Public link")).to_be_visible()
    expect(row.get_by_text("Only objects under photos/2026/summer/")).to_be_visible()
    screenshot(f"access-keys-public-link-{width}", full_page=False)


def test_a_bad_folder_is_said_in_the_dialog(page, live_server, project, admin, screenshot):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/buckets/")
    page.get_by_role("link", name="Share logs").click()
    dialog = page.get_by_role("dialog", name="Share logs")
    wait_for_htmx(page)
    dialog.get_by_label("Folder (optional)").fill("/var/")
    dialog.get_by_label("Encryption passphrase").fill(PASSPHRASE)
    dialog.get_by_role("button", name="Create link").click()
    wait_for_htmx(page)
    dialog = page.get_by_role("dialog", name="Share logs")
    expect(dialog.get_by_role("alert")).to_contain_text("A prefix cannot start with “/”: /var/.")
    screenshot("share-dialog-error")
    assert_accessible(page, "Share dialog with an error")
    assert not AccessKey.objects.exists()
