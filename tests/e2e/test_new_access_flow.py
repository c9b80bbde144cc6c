"""The New Access dialog in a browser: every type, every step, the files it saves."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from storjformat import caveat, grant, macaroon, passphrase
from tests.helpers.browser import ISO, PASSPHRASE, download, name_step, open_dialog

pytestmark = pytest.mark.e2e


def test_it_creates_s3_credentials_with_full_access(page, live_server, project, admin, screenshot):
    dialog = open_dialog(page, live_server, project, admin)
    screenshot("new-access-1-name")
    name_step(dialog, "my-access", "S3 Credentials")

    expect(dialog.get_by_role("heading", name="Access", exact=True)).to_be_visible()
    dialog.get_by_label("Full Access").check()
    screenshot("new-access-2-access")
    dialog.get_by_role("button", name="Next").click()

    expect(dialog.get_by_label("Use the current passphrase")).to_be_checked()
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    screenshot("new-access-3-encryption")
    dialog.get_by_role("button", name="Create Access").click()

    warning = "Save these credentials now: they will not be shown again."
    expect(dialog.get_by_text(warning)).to_be_visible()
    secret = dialog.get_by_label("Secret Key")
    expect(secret).to_have_attribute("type", "password")
    dialog.get_by_role("button", name="Show Secret Key").click()
    expect(secret).to_have_attribute("type", "text")
    screenshot("new-access-result-s3")
    access_key = dialog.get_by_label("Access Key").input_value()
    secret_key = secret.input_value()
    endpoint = dialog.get_by_label("Endpoint").input_value()
    assert endpoint == settings.S3_ENDPOINT

    filename, content = download(page, dialog.get_by_role("button", name="Download all"))
    assert re.fullmatch(rf"Storj-S3-Credentials-my-access-{ISO}\.txt", filename)
    assert content == (
        f"Access Key:\n{access_key}\n\nSecret Key:\n{secret_key}\n\nEndpoint:\n{endpoint}"
    )
    key = AccessKey.objects.get(name="my-access")
    assert key.full_access and key.type == "s3" and key.not_after is None

    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()
    expect(
        page.locator(".page-header").get_by_role("button", name="New Access Key")
    ).to_be_focused()


def test_it_creates_an_api_key_with_full_access(page, live_server, project, admin, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    dialog = open_dialog(page, live_server, project, admin)
    screenshot("new-access-mobile-1-name", full_page=False)
    name_step(dialog, "ci-key", "API Key")
    dialog.get_by_label("Full Access").check()
    dialog.get_by_role("button", name="Create Access").click()

    expect(dialog.get_by_label("Satellite Address")).to_have_value(settings.SATELLITE_ADDRESS)
    api_key = dialog.get_by_label("API Key", exact=True)
    expect(api_key).to_have_attribute("type", "password")
    screenshot("new-access-mobile-result-api-key", full_page=False)
    filename, content = download(page, dialog.get_by_role("button", name="Download all"))
    assert re.fullmatch(rf"Storj-API-Key-ci-key-{ISO}\.txt", filename)
    assert content == (
        f"Satellite Address:\n{settings.SATELLITE_ADDRESS}\n\nAPI Key:\n{api_key.input_value()}"
    )
    assert AccessKey.objects.get(name="ci-key").type == "api_key"


def test_it_creates_an_access_grant_with_full_access(page, live_server, project, admin):
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "uplink", "Access Grant")
    dialog.get_by_label("Full Access").check()
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    dialog.get_by_role("button", name="Create Access").click()

    filename, content = download(page, dialog.get_by_role("button", name="Download all"))
    assert re.fullmatch(rf"Storj-Access-Grant-uplink-{ISO}\.txt", filename)
    value = dialog.get_by_label("Access Grant").input_value()
    assert content == value  # the bare grant, as uplink access import reads it
    scope = grant.parse_grant(value)
    assert scope.encryption_access.default_key == passphrase.derive_root_key(
        PASSPHRASE, bytes(project.salt)
    )


def test_it_goes_through_every_advanced_step(page, live_server, project, admin, screenshot):
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "backup-reader", "Access Grant")
    dialog.get_by_label("Advanced").check()
    dialog.get_by_role("button", name="Next").click()

    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    dialog.get_by_role("button", name="Next").click()

    expect(dialog.get_by_role("heading", name="Permissions")).to_be_visible()
    for label in ("Read", "Write", "List", "Delete"):
        expect(dialog.get_by_label(label, exact=True)).to_be_checked()
    dialog.get_by_label("Write", exact=True).uncheck()
    dialog.get_by_label("Delete", exact=True).uncheck()
    screenshot("new-access-4-permissions")
    dialog.get_by_role("button", name="Next").click()

    expect(dialog.get_by_role("heading", name="Object lock permissions")).to_be_visible()
    warning = dialog.get_by_text("lets this access delete objects under governance-mode retention")
    expect(warning).to_be_hidden()
    dialog.get_by_label("BypassGovernanceRetention").check()
    expect(warning).to_be_visible()
    dialog.get_by_label("GetObjectRetention").check()
    screenshot("new-access-5-object-lock")
    dialog.get_by_role("button", name="Next").click()

    heading = dialog.get_by_role("heading", name="Bucket notification permissions")
    expect(heading).to_be_visible()
    for label in ("PutBucketNotificationConfiguration", "GetBucketNotificationConfiguration"):
        expect(dialog.get_by_label(label)).not_to_be_checked()
    dialog.get_by_label("GetBucketNotificationConfiguration").check()
    screenshot("new-access-5b-notification")
    dialog.get_by_role("button", name="Next").click()

    expect(dialog.get_by_label("All Buckets")).to_be_checked()
    dialog.get_by_label("Select Buckets").check()
    dialog.get_by_label("Filter buckets").fill("back")
    expect(dialog.get_by_label("photos")).to_be_hidden()
    dialog.get_by_label("backups").check()
    screenshot("new-access-6-buckets")
    dialog.get_by_role("button", name="Next").click()

    expect(dialog.get_by_label("No expiration")).to_be_checked()
    dialog.get_by_label("Custom date").check()
    expires = (datetime.now(UTC) + timedelta(days=30)).date()
    dialog.get_by_label("Expiration date").fill(expires.isoformat())
    screenshot("new-access-7-expiration")
    dialog.get_by_role("button", name="Next").click()

    expect(dialog.get_by_role("heading", name="Confirm")).to_be_visible()
    expect(dialog.get_by_text("Read, List")).to_be_visible()
    expect(dialog.get_by_text("GetBucketNotificationConfiguration")).to_be_visible()
    screenshot("new-access-8-confirm")
    dialog.get_by_role("button", name="Create Access").click()

    filename, content = download(page, dialog.get_by_role("button", name="Download all"))
    assert filename.startswith("Storj-Access-Grant-backup-reader-")
    scope = grant.parse_grant(content)
    api_key = macaroon.parse(scope.api_key)
    cav = caveat.decode(api_key.caveats[-1])
    assert cav.disallow_writes and cav.disallow_deletes
    assert not cav.disallow_reads and not cav.disallow_lists
    assert not cav.disallow_bypass_governance_retention and not cav.disallow_get_retention
    assert cav.disallow_put_retention and cav.disallow_put_legal_hold
    assert cav.disallow_put_bucket_notification_configuration
    assert not cav.disallow_get_bucket_notification_configuration
    assert [p.bucket for p in cav.allowed_paths] == [b"backups"]
    assert cav.not_after == datetime(expires.year, expires.month, expires.day, tzinfo=UTC)
    root_key = passphrase.derive_root_key(PASSPHRASE, bytes(project.salt))
    assert scope.encryption_access == grant.encryption_access_for(root_key, ["backups"])


def test_it_shows_the_notification_step_on_a_phone(page, live_server, project, admin, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "events", "API Key")
    dialog.get_by_label("Advanced").check()
    dialog.get_by_role("button", name="Next").click()
    for heading in ("Permissions", "Object lock permissions"):
        expect(dialog.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Bucket notification permissions")).to_be_visible()
    dialog.get_by_label("PutBucketNotificationConfiguration").check()
    screenshot("new-access-mobile-5b-notification", full_page=False)


def test_it_saves_a_file_under_a_safe_name_whatever_the_key_is_called(
    page, live_server, project, admin
):
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, '../../tmp/evil "copy": a*b?', "API Key")
    dialog.get_by_label("Full Access").check()
    dialog.get_by_role("button", name="Create Access").click()

    filename, _ = download(page, dialog.get_by_role("button", name="Download all"))
    assert re.fullmatch(rf"Storj-API-Key-\.\._\.\._tmp_evil _copy__ a_b_-{ISO}\.txt", filename)
