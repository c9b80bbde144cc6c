"""Forgot password in Chromium, with the mail read from a real SMTP server: the
link sets a new password, and signing in with it still asks for the two-factor
code."""

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import assert_accessible
from tests.helpers.two_factor import app_code, turn_on

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "a-brand-new-password-7"


def both_widths(page, screenshot, name: str) -> None:
    screenshot(f"{name}-1280")
    page.set_viewport_size(PHONE)
    screenshot(f"{name}-390")
    page.set_viewport_size(DESKTOP)


def test_a_person_with_two_factor_resets_their_password(
    page, live_server, admin, project, mail_server, screenshot
):
    device, _ = turn_on(admin)
    page.goto(f"{live_server.url}/signin/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    assert_accessible(page, "forgot password")
    both_widths(page, screenshot, "password-forgot")

    page.get_by_label("Email").fill(admin.email)
    page.get_by_role("button", name="Email me a link").click()
    expect(
        page.get_by_text(f"If an account exists for {admin.email}, we sent it a link")
    ).to_be_visible()
    both_widths(page, screenshot, "password-forgot-sent")

    [mail] = mail_server.wait_for(1)
    assert mail.recipients == [admin.email]
    link = mail.links()[0]
    page.goto(link)
    assert page.url.endswith("/password-reset/")  # the token left the address bar
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()

    # A weak one first: the validators speak under "New password".
    page.get_by_label("New password").fill("password1234")
    page.get_by_label("Confirm password").fill("password1234")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("This password is too common.")).to_be_visible()
    assert_accessible(page, "reset password with an error")
    both_widths(page, screenshot, "password-reset-error")

    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("Your password is set.")).to_be_visible()

    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Two-factor is still asked.
    code_field = page.get_by_label("Authentication code")
    expect(code_field).to_be_visible()
    code_field.fill(app_code(device, 1))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Access Keys", exact=True)).to_be_visible()

    # The link worked once.
    page.goto(link)
    expect(page.get_by_role("heading", name="This link is not valid")).to_be_visible()
    both_widths(page, screenshot, "password-reset-invalid")
