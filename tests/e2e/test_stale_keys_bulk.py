"""'Not used in 90 days' on the Audit page: Rotate and Delete the keys it finds, in
Chromium at 1280 and 390 px."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from accesskeys.services.access import CreateAccessRequest, create_access
from tests.helpers.browser import assert_accessible, download, sign_in, wait_for_htmx
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e

PHRASE = "correct horse battery staple"


@pytest.fixture
def stale(project, admin):
    for name, type_ in [("old-s3", "s3"), ("old-api", "api_key"), ("fresh", "s3")]:
        create_access(project, admin, CreateAccessRequest(name, type_, passphrase=PHRASE))
    AccessKey.objects.update(created_at=timezone.now() - timedelta(days=120))
    AccessKey.objects.filter(name="fresh").update(last_used_at=timezone.now())


def open_stale(page, live_server, project, admin):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/audit/?unused=on")
    page.wait_for_load_state("load")
    expect(page.get_by_text("2 live keys not used in 90 days.")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_it_rotates_the_stale_keys(page, live_server, project, admin, stale, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_stale(page, live_server, project, admin)
    screenshot(f"stale-keys-bulk-{width}", full_page=False)
    assert_accessible(page, "the Audit page with stale keys")

    page.get_by_role("button", name="Rotate them").click()
    dialog = page.get_by_role("dialog", name="Rotate access keys")
    expect(dialog.get_by_role("list", name="Access keys to rotate")).to_contain_text("old-s3")
    expect(dialog.get_by_role("list", name="Access keys to rotate")).to_contain_text("old-api")
    wait_for_htmx(page)
    screenshot(f"stale-keys-rotate-confirm-{width}")
    assert_accessible(page, "the bulk rotate confirmation")
    dialog.get_by_label("Passphrase").fill(PHRASE)
    dialog.get_by_role("button", name="Rotate 2 keys").click()

    expect(dialog.get_by_role("heading", name="Access keys rotated")).to_be_visible()
    expect(dialog.get_by_role("heading", name="old-s3")).to_be_visible()
    expect(dialog.get_by_role("heading", name="old-api")).to_be_visible()
    screenshot(f"stale-keys-rotated-{width}")
    assert_accessible(page, "the bulk rotation's result")
    filename, content = download(page, dialog.get_by_role("button", name="Download all"))
    assert "Access-Keys" in filename and "# old-s3" in content and "# old-api" in content
    dialog.get_by_role("button", name="Done").click()

    # The page shows the keys as they are now: the old ones renamed.
    expect(page.get_by_role("link", name="old-s3 (replaced", exact=False)).to_be_visible()
    assert AccessKey.objects.filter(replaces__isnull=False).count() == 2


def test_it_deletes_the_stale_keys_after_naming_them(
    page, live_server, project, admin, stale, screenshot
):
    open_stale(page, live_server, project, admin)

    page.get_by_role("button", name="Delete them").click()
    dialog = page.get_by_role("dialog", name="Delete 2 access keys")
    expect(dialog.get_by_role("list", name="Access keys to delete")).to_have_text("old-apiold-s3")
    assert_accessible(page, "the bulk delete confirmation")
    dialog.get_by_role("button", name="Delete").click()

    expect(page.get_by_text("live keys not used in 90 days")).to_have_count(0)
    live = AccessKey.objects.not_revoked().values_list("name", flat=True)
    assert list(live) == ["fresh"]
