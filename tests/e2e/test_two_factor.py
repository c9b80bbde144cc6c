"""Two-factor in the browser: set it up from the account page with the secret the
page shows, sign in with the app's code and with a recovery code, and require
it for a project's members."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.helpers.browser import sign_in
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret the page gave us."""
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=steps_ahead):06d}"


def both_widths(page, screenshot, name: str) -> None:
    screenshot(f"{name}-1280")
    page.set_viewport_size(PHONE)
    screenshot(f"{name}-390")
    page.set_viewport_size(DESKTOP)


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_it_sets_up_two_factor_and_signs_in_with_it(page, live_server, admin, project, screenshot):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_role("link", name=admin.email).click()
    expect(page.get_by_role("heading", name="Account")).to_be_visible()
    both_widths(page, screenshot, "account-two-factor-off")

    page.get_by_role("link", name="Set up two-factor authentication").click()
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    page.get_by_text("Setup link").click()
    expect(page.get_by_text(re.compile(r"^otpauth://totp/"))).to_be_visible()
    secret = page.get_by_label("Secret key").inner_text()
    both_widths(page, screenshot, "two-factor-setup")

    # A wrong code first: nothing turns on.
    page.get_by_label("Code from your app").fill(
        "000000" if app_code(secret) != "000000" else "111111"
    )
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.get_by_text("That code does not match")).to_be_visible()
    page.wait_for_timeout(1100)  # django-otp makes one wait a second after a wrong code

    page.get_by_label("Code from your app").fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.get_by_role("heading", name="Two-factor authentication is on")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    recovery_code = codes.first.inner_text().strip()
    both_widths(page, screenshot, "two-factor-recovery-codes")
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("heading", name="Access Keys", exact=True)).to_be_visible()
    page.get_by_role("link", name=admin.email).click()
    expect(page.get_by_text("10 of 10 left.")).to_be_visible()
    expect(page.get_by_role("button", name="Turn off two-factor")).to_be_visible()
    both_widths(page, screenshot, "account-two-factor-on")

    # Signing in now asks for a code after the password.
    sign_out(page)
    sign_in(page, live_server, admin.email, PASSWORD)
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    both_widths(page, screenshot, "signin-code-step")
    page.get_by_label("Authentication code").fill(app_code(secret, 1))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Access Keys", exact=True)).to_be_visible()

    # A recovery code works once.
    sign_out(page)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_label("Authentication code").fill(recovery_code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("You signed in with a recovery code; 9 left.")).to_be_visible()
    sign_out(page)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_label("Authentication code").fill(recovery_code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("That code is not valid")).to_be_visible()
    screenshot("signin-code-wrong")


def test_an_admin_requires_two_factor_and_a_member_is_sent_to_set_it_up(
    page, live_server, admin, member, project, screenshot
):
    from tests.helpers.two_factor import app_code as device_code
    from tests.helpers.two_factor import turn_on

    device, _ = turn_on(admin)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_label("Authentication code").fill(device_code(device, 1))
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_label("Require two-factor authentication for every member").check()
    page.get_by_role("button", name="Save requirement").click()
    expect(page.get_by_text("Members now need two-factor authentication.")).to_be_visible()
    expect(page.get_by_label("Require two-factor authentication for every member")).to_be_checked()
    both_widths(page, screenshot, "project-settings-two-factor")
    sign_out(page)

    sign_in(page, live_server, member.email, PASSWORD)
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_text("“Alpha” requires two-factor authentication.")).to_be_visible()
    both_widths(page, screenshot, "two-factor-required")
