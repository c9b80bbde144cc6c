"""The "Download for" control on the result step: files for the tools people use."""

import json

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.helpers.browser import PASSPHRASE, download, name_step, open_dialog

pytestmark = pytest.mark.e2e


def create_full_access(dialog, name, type_label):
    name_step(dialog, name, type_label)
    dialog.get_by_label("Full Access").check()
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    dialog.get_by_role("button", name="Create Access").click()
    expect(dialog.get_by_role("heading", name="Access created")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_it_downloads_s3_credentials_for_each_tool(
    page, live_server, project, admin, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    dialog = open_dialog(page, live_server, project, admin)
    create_full_access(dialog, "my key/../x", "S3 Credentials")
    screenshot(f"download-for-s3-{width}", full_page=False)
    access_key = dialog.get_by_label("Access Key").input_value()
    secret_key = dialog.get_by_label("Secret Key").input_value()

    choice = dialog.get_by_label("Download for")
    expect(choice.locator("option")).to_have_text(
        ["AWS CLI", "rclone", "MinIO Client (mc)", ".env"]
    )
    button = dialog.get_by_role("button", name="Download", exact=True)

    filename, content = download(page, button)  # AWS CLI is the first choice
    assert filename == "my-key-x-aws-cli.ini"
    assert f"[my-key-x]\naws_access_key_id = {access_key}\n" in content
    assert f"[profile my-key-x]\nendpoint_url = {settings.S3_ENDPOINT}\n" in content

    choice.select_option("MinIO Client (mc)")
    filename, content = download(page, button)
    assert filename == "my-key-x-mc.json"
    assert json.loads(content)["secretKey"] == secret_key

    choice.select_option(".env")
    filename, content = download(page, button)
    assert filename == "my-key-x.env"
    assert f"AWS_ACCESS_KEY_ID={access_key}\n" in content

    # Downloading counts as saving: Done closes without asking.
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()


def test_it_downloads_an_access_grant_for_uplink(page, live_server, project, admin, screenshot):
    dialog = open_dialog(page, live_server, project, admin)
    create_full_access(dialog, "laptop", "Access Grant")
    screenshot("download-for-grant-1280", full_page=False)
    value = dialog.get_by_label("Access Grant").input_value()

    expect(dialog.get_by_label("Download for").locator("option")).to_have_text(["uplink"])
    filename, content = download(page, dialog.get_by_role("button", name="Download", exact=True))
    assert filename == "laptop-access-grant.txt"
    assert content == value
