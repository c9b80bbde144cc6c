"""Prefixes and the object lifetime limit in the New Access dialog, in a browser:
"Only objects under …" beneath a selected bucket, "Uploaded objects expire after
at most …" on the Permissions step, the confirm step and the key's details."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from storjformat import caveat, grant, macaroon
from tests.helpers.browser import (
    PASSPHRASE,
    assert_accessible,
    download,
    name_step,
    open_dialog,
    wait_for_htmx,
)

pytestmark = pytest.mark.e2e


def next_(dialog, heading: str):
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    wait_for_htmx(dialog.page)


def bucket_row(dialog, name: str):
    return dialog.get_by_role("listitem").filter(has=dialog.page.get_by_label(name, exact=True))


@pytest.mark.parametrize("width", [1280, 390])
def test_it_limits_an_access_to_prefixes_with_an_object_lifetime(
    page, live_server, project, admin, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 860 if width > 400 else 844})
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "invoices", "Access Grant")
    dialog.get_by_label("Advanced").check()
    next_(dialog, "Encryption")
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    next_(dialog, "Permissions")

    dialog.get_by_label("Write", exact=True).uncheck()
    dialog.get_by_label("Delete", exact=True).uncheck()
    lifetime = dialog.get_by_role("group", name="Uploaded objects expire after at most")
    expect(lifetime.get_by_label("No limit")).to_be_checked()
    lifetime.get_by_label("Custom").check()
    lifetime.get_by_label("Number").fill("36")
    lifetime.get_by_label("Unit").select_option("hours")
    screenshot(f"new-access-4-permissions-object-lifetime-{width}", full_page=False)
    assert_accessible(page, "Permissions step with a custom object lifetime")
    next_(dialog, "Object lock permissions")
    next_(dialog, "Bucket notification permissions")
    next_(dialog, "Buckets")

    dialog.get_by_label("Select Buckets").check()
    photos = bucket_row(dialog, "photos")
    expect(photos.get_by_label("Only objects under")).to_be_hidden()
    dialog.get_by_label("photos", exact=True).check()
    photos.get_by_label("Only objects under").fill("2026/invoices/\nFotos/Grüße/")
    dialog.get_by_label("logs", exact=True).check()
    screenshot(f"new-access-6-buckets-prefixes-{width}", full_page=False)
    assert_accessible(page, "Buckets step with prefixes")
    next_(dialog, "Expiration")
    next_(dialog, "Confirm")

    expect(dialog.get_by_text("photos/2026/invoices/, photos/Fotos/Grüße/")).to_be_visible()
    expect(dialog.get_by_text("36 hours")).to_be_visible()
    screenshot(f"new-access-8-confirm-prefixes-{width}", full_page=False)
    dialog.get_by_role("button", name="Create Access").click()

    _, content = download(page, dialog.get_by_role("button", name="Download all"))
    cav = caveat.decode(macaroon.parse(grant.parse_grant(content).api_key).caveats[-1])
    assert [p.bucket for p in cav.allowed_paths] == [b"logs", b"photos", b"photos"]
    assert cav.max_object_ttl == timedelta(hours=36)
    key = AccessKey.objects.get(name="invoices")
    assert key.prefixes == [["photos", "2026/invoices/"], ["photos", "Fotos/Grüße/"]]

    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="invoices"))
    expect(row.get_by_text("Only objects under photos/2026/invoices/")).to_be_visible()
    expect(row.get_by_text("Objects expire after at most 36 hours")).to_be_visible()
    row.get_by_role("link", name="invoices").click()
    expect(page.get_by_role("heading", name="invoices")).to_be_visible()
    expect(page.get_by_text("photos/Fotos/Grüße/")).to_be_visible()
    expect(page.get_by_text("Anywhere in logs.")).to_be_visible()
    expect(page.get_by_text("Objects expire after at most 36 hours")).to_be_visible()
    screenshot(f"key-details-prefixes-{width}")
    assert_accessible(page, "Key details with prefixes")


def test_it_says_what_is_wrong_with_a_prefix_where_it_was_typed(
    page, live_server, project, admin, screenshot
):
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "bad", "S3 Credentials")
    dialog.get_by_label("Advanced").check()
    next_(dialog, "Encryption")
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    for heading in (
        "Permissions",
        "Object lock permissions",
        "Bucket notification permissions",
        "Buckets",
    ):
        next_(dialog, heading)
    dialog.get_by_label("Select Buckets").check()
    dialog.get_by_label("photos", exact=True).check()
    field = bucket_row(dialog, "photos").get_by_label("Only objects under")
    field.fill("/2026/")
    next_(dialog, "Buckets")
    expect(dialog.get_by_role("alert")).to_contain_text("A prefix cannot start with “/”: /2026/.")
    field = bucket_row(dialog, "photos").get_by_label("Only objects under")
    expect(field).to_have_value("/2026/")
    expect(field).to_have_attribute("aria-invalid", "true")
    screenshot("new-access-6-buckets-prefix-error")
    assert_accessible(page, "Buckets step with a prefix error")
