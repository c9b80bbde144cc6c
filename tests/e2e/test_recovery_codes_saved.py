"""Recovery codes can be copied or downloaded as a text file, not only "saved"."""

import re
from base64 import b32decode
from pathlib import Path

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.helpers.browser import assert_accessible, sign_in
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e


def app_code(secret: str) -> str:
    """What an authenticator app shows for the secret the page gave."""
    return f"{totp(b32decode(secret.replace(' ', ''))):06d}"


def test_the_codes_copy_and_download(page, live_server, admin, project, screenshot):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/account/two-factor/")
    page.get_by_text("Setup link").click()
    secret = page.get_by_label("Secret key").inner_text()
    page.get_by_label("Code from your app").fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-factor").click()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    shown = [code.strip() for code in codes.all_inner_texts()]

    with page.expect_download() as info:
        page.get_by_role("link", name="Download codes").click()
    assert re.fullmatch(
        r"Storj-recovery-codes-alice@example\.com\.txt", info.value.suggested_filename
    )
    assert Path(info.value.path()).read_text().split() == shown

    page.get_by_role("button", name="Copy codes").click()
    expect(page.get_by_text("Recovery codes copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()").split() == shown
    screenshot("recovery-codes-saved")
    assert_accessible(page, "recovery codes")
