"""The "Download for" control on the result step: files for the tools people use."""

import json
import urllib.request

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.helpers.browser import PASSPHRASE, download, name_step, open_dialog
from tests.helpers.tools import DEBIAN_AWS, bash, fresh_user_env, with_aws

pytestmark = pytest.mark.e2e


def create_full_access(dialog, name, type_label):
    name_step(dialog, name, type_label)
    dialog.get_by_label("Full Access").check()
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    dialog.get_by_role("button", name="Create Access").click()
    expect(dialog.get_by_role("heading", name="Access created")).to_be_visible()


def check_each_tool(page, dialog, expected):
    """For each tool: the instructions shown name the file Chromium saved."""
    choice = dialog.get_by_label("Download for")
    expect(choice.locator("option")).to_have_text([tool for tool, _ in expected])
    button = dialog.get_by_role("button", name="Download", exact=True)
    saved = {}
    for tool, first_command in expected:
        choice.select_option(tool)
        commands = dialog.get_by_label(f"Commands for {tool}")
        expect(commands).to_be_visible()
        for other, _ in expected:
            if other != tool:
                expect(dialog.get_by_label(f"Commands for {other}")).to_be_hidden()
        filename, content = download(page, button)
        shown = commands.inner_text()
        assert shown.splitlines()[0] == first_command.format(file=filename)
        assert filename in shown
        expect(dialog.get_by_text(f"Saves {filename}.")).to_be_visible()
        expect(dialog.get_by_role("status").filter(has_text="Downloaded")).to_have_text(
            f"Downloaded {filename} for {tool}."
        )
        saved[tool] = (filename, content, shown)
    return saved


@pytest.mark.parametrize("width", [1280, 390])
def test_it_downloads_s3_credentials_for_each_tool(
    page, live_server, project, admin, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    dialog = open_dialog(page, live_server, project, admin)
    create_full_access(dialog, "my key/../x", "S3 Credentials")
    access_key = dialog.get_by_label("Access Key").input_value()
    secret_key = dialog.get_by_label("Secret Key").input_value()
    dialog.locator(".na-download-for").scroll_into_view_if_needed()
    screenshot(f"download-for-s3-{width}", full_page=False)

    saved = check_each_tool(
        page,
        dialog,
        [
            ("AWS CLI", "mkdir -p ~/.aws && cat {file} >> ~/.aws/config"),
            ("rclone", "mkdir -p ~/.config/rclone && cat {file} >> ~/.config/rclone/rclone.conf"),
            ("MinIO Client (mc)", "mc alias import my-key-x {file}"),
            (".env", "source {file}"),
        ],
    )
    filename, content, shown = saved["AWS CLI"]
    assert filename == "my-key-x-aws-cli.ini"
    assert content.startswith(f"[profile my-key-x]\naws_access_key_id = {access_key}\n")
    assert f"aws s3 ls --profile my-key-x --endpoint-url {settings.S3_ENDPOINT}" in shown
    assert json.loads(saved["MinIO Client (mc)"][1])["secretKey"] == secret_key
    assert f"export AWS_ACCESS_KEY_ID={access_key}\n" in saved[".env"][1]
    dialog.get_by_label("Download for").select_option("rclone")
    expect(dialog.get_by_role("link", name="rclone: Amazon S3 (Storj)")).to_have_attribute(
        "href", "https://rclone.org/s3/#storj"
    )

    # Downloading counts as saving: Done closes without asking.
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()


@pytest.mark.parametrize("width", [1280, 390])
def test_it_downloads_an_access_grant_for_uplink_and_rclone(
    page, live_server, project, admin, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    dialog = open_dialog(page, live_server, project, admin)
    create_full_access(dialog, "laptop", "Access Grant")
    value = dialog.get_by_label("Access Grant").input_value()
    dialog.locator(".na-download-for").scroll_into_view_if_needed()
    screenshot(f"download-for-grant-{width}", full_page=False)

    saved = check_each_tool(
        page,
        dialog,
        [
            ("uplink", "uplink access import laptop {file}"),
            ("rclone", "mkdir -p ~/.config/rclone && cat {file} >> ~/.config/rclone/rclone.conf"),
        ],
    )
    assert saved["uplink"][:2] == ("laptop-access-grant.txt", value)
    assert saved["rclone"][1] == f"[laptop]\ntype = storj\naccess_grant = {value}\n"


def test_it_downloads_an_api_key_for_uplink_access_create(
    page, live_server, project, admin, screenshot
):
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "ci", "API Key")
    dialog.get_by_label("Full Access").check()
    dialog.get_by_role("button", name="Create Access").click()
    expect(dialog.get_by_role("heading", name="Access created")).to_be_visible()
    api_key = dialog.get_by_label("API Key").input_value()
    dialog.locator(".na-download-for").scroll_into_view_if_needed()
    screenshot("download-for-api-key-1280", full_page=False)

    saved = check_each_tool(
        page,
        dialog,
        [
            (
                "uplink",
                "uplink access create --import-as ci --satellite-address "
                + settings.SATELLITE_ADDRESS
                + ' --api-key "$(cat {file})"',
            )
        ],
    )
    assert saved["uplink"][:2] == ("ci-api-key.txt", api_key)
    expect(dialog.get_by_text("uplink asks for the encryption passphrase")).to_be_visible()


def test_the_commands_shown_work_with_the_file_chromium_saved(
    page, live_server, project, admin, s3_gateway, tmp_path
):
    # Debian's aws-cli 2.9, the one that ignores the endpoint in the file, with
    # exactly the lines the dialog shows, run where Chromium saved the file.
    dialog = open_dialog(page, live_server, project, admin)
    create_full_access(dialog, "my key/../x", "S3 Credentials")
    access_key = dialog.get_by_label("Access Key").input_value()
    filename, content = download(page, dialog.get_by_role("button", name="Download", exact=True))
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    (downloads / filename).write_text(content)
    commands = dialog.get_by_label("Commands for AWS CLI").inner_text().splitlines()
    env = with_aws(fresh_user_env(tmp_path / "home", s3_gateway), DEBIAN_AWS, tmp_path / "bin")

    listed = bash(commands, downloads, env).stdout
    assert "photos" in listed and "backups" in listed

    # The same profile and endpoint upload a file and presign a link to it.
    (downloads / "notes.txt").write_text("shared notes\n")
    bash(commands[-1].replace("s3 ls", "s3 cp notes.txt s3://photos/notes.txt"), downloads, env)
    link = bash(
        commands[-1].replace("s3 ls", "s3 presign s3://photos/notes.txt"), downloads, env
    ).stdout.strip()
    assert link.startswith(s3_gateway.url + "/photos/notes.txt?") and "X-Amz-Signature=" in link
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with no_proxy.open(link, timeout=10) as response:
        assert response.read() == b"shared notes\n"

    assert s3_gateway.caught == []
    assert {(s.key_id, s.verdict) for s in s3_gateway.seen} == {(access_key, "verified")}
    assert any("X-Amz-Signature=" in s.query for s in s3_gateway.seen)  # the presigned GET
