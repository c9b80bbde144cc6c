import re

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from playwright.sync_api import expect

from tests.helpers.browser import sign_in
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_it_signs_in_and_shows_the_shell(page, live_server, admin, project, screenshot):
    sign_in(page, live_server, admin.email, PASSWORD)

    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Access Keys")).to_be_visible()
    expect(menu.get_by_role("link", name="Buckets")).to_be_visible()
    expect(page.get_by_role("heading", name="Access Keys", exact=True)).to_be_visible()
    expect(page.get_by_text(admin.email)).to_be_visible()
    screenshot("shell-access-keys")

    menu.get_by_role("link", name="Buckets").click()
    expect(page.get_by_role("cell", name="backups")).to_be_visible()
    screenshot("buckets")


def test_it_says_when_the_password_is_wrong(page, live_server, admin, screenshot):
    sign_in(page, live_server, admin.email, "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("Incorrect email or password.")
    screenshot("signin-error")


def test_it_signs_out(page, live_server, admin, project):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signin/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_it_says_when_sign_in_is_paused(page, live_server, admin, screenshot):
    # Ten failures from this browser's address were recorded a moment ago.
    AccessAttempt.objects.create(
        username="someone@example.com",
        ip_address="127.0.0.1",
        user_agent="",
        failures_since_start=10,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/signin/",
    )
    sign_in(page, live_server, admin.email, PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(re.compile("Too many failed sign-in attempts"))
    expect(page.get_by_label("Email")).to_have_value(admin.email)
    screenshot("signin-locked-out")
    page.set_viewport_size({"width": 390, "height": 800})
    screenshot("signin-locked-out-390")
