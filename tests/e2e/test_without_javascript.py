"""The Access Keys page and the New Access flow in a browser with JavaScript off:
each dialog step is a page, search is a GET form, the row actions are links."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from storjformat import caveat, grant, macaroon, passphrase
from tests.helpers.browser import assert_accessible_without_js as assert_accessible
from tests.helpers.browser import sign_in
from tests.helpers.factories import PASSWORD, make_key

pytestmark = pytest.mark.e2e

PASSPHRASE = "my project passphrase"


@pytest.fixture
def context(browser, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    yield context
    context.close()


def keys_page(page, live_server, project):
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/")


def start(page, live_server, project, user):
    sign_in(page, live_server, user.email, PASSWORD)
    keys_page(page, live_server, project)
    page.locator(".page-header").get_by_role("button", name="New Access Key").click()
    expect(page.get_by_role("heading", name="Name and type")).to_be_visible()
    return page.get_by_role("dialog", name="New Access")


def test_it_creates_s3_credentials_with_full_access(page, live_server, project, admin, screenshot):
    dialog = start(page, live_server, project, admin)
    assert page.url.endswith("/access-keys/new/?")
    screenshot("nojs-new-access-1-name")
    assert_accessible(page, "New Access page, name step, no JavaScript")
    dialog.get_by_label("Name", exact=True).fill("site-backup")
    dialog.get_by_label("S3 Credentials", exact=True).check()
    # Enter goes on to the next step, as Next does.
    dialog.get_by_label("Name", exact=True).press("Enter")

    expect(dialog.get_by_role("heading", name="Access", exact=True)).to_be_visible()
    dialog.get_by_label("Full Access").check()
    expect(dialog.get_by_text("Full Access grants:")).to_be_visible()
    screenshot("nojs-new-access-2-access")
    dialog.get_by_role("button", name="Next").click()

    expect(dialog.get_by_role("heading", name="Encryption")).to_be_visible()
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    screenshot("nojs-new-access-3-encryption")
    assert_accessible(page, "New Access page, encryption step, no JavaScript")
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Confirm")).to_be_visible()
    expect(dialog.get_by_text("Full Access", exact=True)).to_be_visible()
    screenshot("nojs-new-access-4-confirm-full")
    dialog.get_by_role("button", name="Create Access").click()

    expect(dialog.get_by_text("Save these credentials now")).to_be_visible()
    screenshot("nojs-new-access-result")
    assert_accessible(page, "New Access page, result, no JavaScript")
    # No script to reveal it: the secret shows as text, to select and copy.
    secret = dialog.get_by_label("Secret Key")
    expect(secret).to_have_attribute("type", "text")
    access_key = dialog.get_by_label("Access Key").input_value()
    with page.expect_download() as info:
        dialog.get_by_role("link", name="Download all").click()
    content = Path(info.value.path()).read_text()
    assert info.value.suggested_filename.startswith("Storj-S3-Credentials-site-backup-")
    assert f"Access Key:\n{access_key}\n\nSecret Key:\n{secret.input_value()}" in content
    with page.expect_download() as info:
        dialog.get_by_role("link", name="Download for AWS CLI").click()
    assert secret.input_value() in Path(info.value.path()).read_text()

    key = AccessKey.objects.get(name="site-backup")
    assert key.full_access and key.type == "s3"
    dialog.get_by_role("link", name="Done").click()
    expect(page.get_by_role("link", name="site-backup")).to_be_visible()


def test_it_goes_through_every_advanced_step(page, live_server, project, admin, screenshot):
    dialog = start(page, live_server, project, admin)
    dialog.get_by_label("Name", exact=True).fill("backup-reader")
    dialog.get_by_label("Access Grant", exact=True).check()
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_label("Advanced").check()
    dialog.get_by_role("button", name="Next").click()

    # The passphrase of a page flow travels sealed: never in the page in plaintext.
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Permissions")).to_be_visible()
    assert PASSPHRASE not in page.content()
    dialog.get_by_label("Write", exact=True).uncheck()
    dialog.get_by_label("Delete", exact=True).uncheck()
    dialog.get_by_role("button", name="Next").click()

    expect(dialog.get_by_role("heading", name="Object lock permissions")).to_be_visible()
    dialog.get_by_label("GetObjectRetention").check()
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Bucket notification permissions")).to_be_visible()
    dialog.get_by_role("button", name="Next").click()

    # Back keeps the choices, without a script too.
    dialog.get_by_role("button", name="Back").click()
    expect(dialog.get_by_role("heading", name="Bucket notification permissions")).to_be_visible()
    dialog.get_by_role("button", name="Next").click()

    expect(dialog.get_by_role("heading", name="Buckets")).to_be_visible()
    dialog.get_by_label("Select Buckets").check()
    # The bucket list shows once Select Buckets is chosen (CSS, no script).
    expect(dialog.get_by_label("backups")).to_be_visible()
    dialog.get_by_label("backups").check()
    screenshot("nojs-new-access-6-buckets")
    assert_accessible(page, "New Access page, buckets step, no JavaScript")
    dialog.get_by_role("button", name="Next").click()

    dialog.get_by_label("Custom date").check()
    expires = (datetime.now(UTC) + timedelta(days=30)).date()
    dialog.get_by_label("Expiration date").fill(expires.isoformat())
    dialog.get_by_role("button", name="Next").click()

    expect(dialog.get_by_role("heading", name="Confirm")).to_be_visible()
    expect(dialog.get_by_text("Read, List")).to_be_visible()
    screenshot("nojs-new-access-8-confirm")
    dialog.get_by_role("button", name="Create Access").click()

    value = dialog.get_by_label("Access Grant").input_value()
    scope = grant.parse_grant(value)
    root_key = passphrase.derive_root_key(PASSPHRASE, bytes(project.salt))
    assert scope.encryption_access == grant.encryption_access_for(root_key, ["backups"])
    cav = caveat.decode(macaroon.parse(scope.api_key).caveats[-1])
    assert cav.disallow_writes and cav.disallow_deletes and not cav.disallow_reads
    assert not cav.disallow_get_retention and cav.disallow_put_retention
    assert [p.bucket for p in cav.allowed_paths] == [b"backups"]
    key = AccessKey.objects.get(name="backup-reader")
    assert not key.full_access
    assert key.not_after.date() == expires


def test_it_shows_errors_on_the_step_and_creates_a_bucket(page, live_server, project, admin):
    dialog = start(page, live_server, project, admin)
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_text("Enter a name")).to_be_visible()
    expect(dialog.get_by_label("Name", exact=True)).to_be_focused()
    assert_accessible(page, "New Access page, name error, no JavaScript")
    dialog.get_by_label("Name", exact=True).fill("bucket-maker")
    dialog.get_by_label("API Key", exact=True).check()
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_label("Advanced").check()
    dialog.get_by_role("button", name="Next").click()
    for _ in range(3):
        dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Buckets")).to_be_visible()
    dialog.get_by_label("Select Buckets").check()
    dialog.get_by_label("Bucket name").fill("fresh-bucket")
    dialog.get_by_role("button", name="Create bucket").click()
    expect(dialog.get_by_text("Bucket “fresh-bucket” created and selected.")).to_be_visible()
    expect(dialog.get_by_label("fresh-bucket")).to_be_checked()


def test_it_searches_with_a_get_form(page, live_server, project, admin):
    for name in ("alpha-one", "alpha-two", "beta"):
        make_key(project, admin, name)
    sign_in(page, live_server, admin.email, PASSWORD)
    keys_page(page, live_server, project)
    page.get_by_role("searchbox", name="Search").fill("alpha")
    page.get_by_role("searchbox", name="Search").press("Enter")
    expect(page.get_by_role("link", name="beta")).to_have_count(0)
    expect(page.get_by_role("link", name="alpha-one")).to_be_visible()
    assert parse_qs(urlparse(page.url).query)["q"] == ["alpha"]
    page.reload()
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("alpha")
    expect(page.get_by_role("link", name="beta")).to_have_count(0)


def test_row_actions_are_links_and_forms(page, live_server, project, admin, screenshot):
    make_key(project, admin, "old-key")
    make_key(project, admin, "other-key")
    sign_in(page, live_server, admin.email, PASSWORD)
    keys_page(page, live_server, project)
    screenshot("nojs-access-keys")
    assert_accessible(page, "Access Keys page, no JavaScript")
    row = page.get_by_role("row", name=re.compile("old-key"))
    row.get_by_role("menuitem", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete access key")).to_be_visible()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Deleted the access key “old-key”.")).to_be_visible()

    # Bulk delete: the boxes belong to the Delete button's form.
    page.get_by_role("checkbox", name="Select other-key").check()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_role("heading", name="Delete access key")).to_be_visible()
    expect(page.get_by_role("list", name="Access keys to delete")).to_have_text("other-key")
