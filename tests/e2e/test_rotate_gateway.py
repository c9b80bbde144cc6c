"""A rotation as a gateway sees it: S3 credentials made and rotated in the browser,
then requests signed by botocore and checked as gateway-mt checks them, through the
console's auth service over HTTP. The new credentials work at once; the old ones
until the overlap ends, and not after."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_gateway_resolves import (
    TOKEN,
    auth_service_get,
    create_s3_credentials_in_the_browser,
    gateway_verifies,
    signed_by_boto,
)

pytestmark = pytest.mark.e2e


def test_a_gateway_takes_the_new_credentials_at_once_and_the_old_until_the_overlap_ends(
    page, live_server, project, admin, settings
):
    settings.AUTH_SERVICE_TOKENS = [TOKEN]
    old_key, old_secret = create_s3_credentials_in_the_browser(
        page, live_server, project, admin, "deploy"
    )

    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/")
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Actions for deploy").click()
    page.get_by_role("menuitem", name="Rotate").click()
    dialog = page.get_by_role("dialog", name="Rotate access key")
    dialog.get_by_label("1 day").check()
    # The passphrase typed at creation is remembered in this tab, as in New Access.
    expect(
        dialog.get_by_text("Using the passphrase you entered earlier in this tab.")
    ).to_be_visible()
    dialog.get_by_role("button", name="Rotate key").click()
    expect(dialog.get_by_role("heading", name="Access rotated")).to_be_visible()
    rotated_at = timezone.now()
    new_key = dialog.get_by_label("Access Key").input_value()
    dialog.get_by_role("button", name="Show Secret Key").click()
    new_secret = dialog.get_by_label("Secret Key").input_value()

    assert gateway_verifies(signed_by_boto(new_key, new_secret), live_server.url)
    assert gateway_verifies(signed_by_boto(old_key, old_secret), live_server.url)

    with time_machine.travel(rotated_at + timedelta(hours=23), tick=False):
        assert auth_service_get(live_server.url, old_key)[0] == 200
    with time_machine.travel(rotated_at + timedelta(days=1, seconds=5), tick=False):
        status, body = auth_service_get(live_server.url, old_key)
        assert status == 401 and body.startswith("not found: key hash: ")
        assert gateway_verifies(signed_by_boto(new_key, new_secret), live_server.url)
