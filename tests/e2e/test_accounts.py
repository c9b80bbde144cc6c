"""People's accounts in Chromium: the squatting attempt of issue 19 fails, an
Admin re-invites a pending email and sends an expired invitation again, a
person changes their password, and (sign-up open) creates an account from the
mailed link."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from console.models import Invitation, User
from tests.helpers.browser import assert_accessible, sign_in
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "a-brand-new-password-7"


def both_widths(page, screenshot, name: str) -> None:
    screenshot(f"{name}-1280")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    screenshot(f"{name}-390")
    page.set_viewport_size(DESKTOP)


def test_a_squatter_cannot_claim_an_email(page, live_server, outsider, other_project, mail_server):
    """Any user made a project, invited an email without an account, opened their
    own link and set the email's password. Now the link only reaches the mailbox."""
    sign_in(page, live_server, outsider.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{other_project.public_id}/team/")
    page.get_by_label("Email").fill("victim@example.com")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("Invitation sent to victim@example.com.")).to_be_visible()
    # No link anywhere on the page: nothing to open, nothing to copy.
    assert not re.search(r"/invitations/[\w-]{20,}/", page.content())
    expect(page.get_by_role("button", name=re.compile("Copy"))).to_have_count(0)
    # The invitation page without the mailed link has nothing to offer.
    page.goto(f"{live_server.url}/invitation/")
    expect(page.get_by_role("heading", name="This link is not valid")).to_be_visible()
    assert not User.objects.filter(email="victim@example.com").exists()
    [mail] = mail_server.wait_for(1)
    assert mail.recipients == ["victim@example.com"]


def test_an_admin_reinvites_and_resends(page, live_server, admin, project, mail_server, screenshot):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/team/")
    for email, role in [("gina@example.com", "Admin"), ("hank@example.com", "Member")]:
        page.get_by_label("Email").fill(email)
        page.get_by_label("Role", exact=True).select_option(label=role)
        page.get_by_role("button", name="Add member").click()
        expect(page.get_by_text(f"Invitation sent to {email}.")).to_be_visible()
    Invitation.objects.filter(email="hank@example.com").update(
        expires_at=timezone.now() - timedelta(hours=2)
    )
    page.reload()
    hank = page.get_by_role("row").filter(has_text="hank@example.com")
    expect(hank.get_by_role("cell", name=re.compile("^Expired"))).to_be_visible()
    expect(
        page.get_by_role("button", name="Resend the invitation of hank@example.com")
    ).to_be_visible()
    assert_accessible(page, "team with pending and expired invitations")
    both_widths(page, screenshot, "team-invitations")

    # Gina again, with the select left at Member: the console asks, with her role.
    page.get_by_label("Email").fill("gina@example.com")
    page.get_by_label("Role", exact=True).select_option(label="Member")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("gina@example.com was already invited as Admin")).to_be_visible()
    expect(page.get_by_label("Role", exact=True)).to_have_value("admin")
    assert_accessible(page, "team asking before inviting again")
    both_widths(page, screenshot, "team-reinvite")
    page.get_by_role("button", name="Send a new invitation").click()
    expect(page.get_by_text("The link of the earlier invitation no longer works.")).to_be_visible()
    assert Invitation.objects.get(email="gina@example.com").role == "admin"

    page.get_by_role("button", name="Resend the invitation of hank@example.com").click()
    expect(page.get_by_text("Invitation sent to hank@example.com.")).to_be_visible()
    hank = page.get_by_role("row").filter(has_text="hank@example.com")
    expect(hank.get_by_text("Expired")).to_have_count(0)
    assert len(mail_server.wait_for(4)) == 4


def test_a_person_changes_their_password(
    page, live_server, admin, project, mail_server, screenshot
):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_role("link", name=admin.email).click()
    expect(page.get_by_role("heading", name="Password")).to_be_visible()
    page.get_by_label("Current password").fill("not-my-password-1")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("This is not your current password.")).to_be_visible()
    assert_accessible(page, "account with a password error")
    both_widths(page, screenshot, "account-change-password-error")

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    both_widths(page, screenshot, "account-password-changed")
    [notice] = mail_server.wait_for(1)
    assert notice.subject == "Your Storj Console password was changed"


def test_a_person_signs_up(page, live_server, db, settings, mail_server, screenshot):
    settings.SIGNUP = "open"
    page.goto(f"{live_server.url}/signin/")
    page.get_by_role("link", name="Create account").click()
    expect(page.get_by_role("heading", name="Create account")).to_be_visible()
    assert_accessible(page, "sign-up")
    both_widths(page, screenshot, "signup")
    page.get_by_label("Email").fill("newbie@example.com")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_text("We sent a link to newbie@example.com.")).to_be_visible()

    [mail] = mail_server.wait_for(1)
    page.goto(mail.links()[0])
    assert page.url.endswith("/signup/verify/")
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    assert_accessible(page, "sign-up: choose a password")
    both_widths(page, screenshot, "signup-finish")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_label("Name of your first project").fill("Photos")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Access Keys", exact=True)).to_be_visible()
    expect(page.get_by_text("Your account and “Photos” are ready.")).to_be_visible()
