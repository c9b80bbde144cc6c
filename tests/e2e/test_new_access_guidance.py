"""The New Access dialog tells a new user where they are and what they are choosing:
the step count, what Full Access grants, what each type means for encryption, how
the passphrase works, and a Confirm step that names the date and the encryption."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from accesskeys import permissions
from console import keyring
from console.models import Project
from tests.helpers.browser import (
    PASSPHRASE,
    assert_accessible,
    name_step,
    open_dialog,
    wait_for_htmx,
)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def progress(dialog) -> tuple[str, float]:
    """The step count as read, and how full the bar is."""
    text = dialog.locator(".na-step-count").text_content().strip()
    bar = dialog.locator("progress")
    return text, float(bar.get_attribute("value")) / bar.evaluate("b => b.max")


def next_(dialog, heading: str):
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    wait_for_htmx(dialog.page)


def test_the_step_count_follows_the_choices_and_never_goes_back(
    page, live_server, project, admin, screenshot
):
    dialog = open_dialog(page, live_server, project, admin)
    assert progress(dialog)[0] == "Step 1 of 3"
    dialog.get_by_label("API Key").check()
    assert progress(dialog)[0] == "Step 1 of 2"
    dialog.get_by_label("Access Grant").check()
    text, filled = progress(dialog)
    assert text == "Step 1 of 3"

    dialog.get_by_label("Name", exact=True).fill("counted")
    next_(dialog, "Access")
    seen = [filled]
    text, filled = progress(dialog)
    assert text == "Step 2 of 3" and filled > seen[-1]
    dialog.get_by_label("Advanced").check()
    text, filled = progress(dialog)
    # Name, Access, Encryption, Permissions, Object lock, Notification, Buckets,
    # Expiration, Confirm.
    assert text == "Step 2 of 9"
    screenshot("new-access-2-access-advanced-count")
    seen.append(filled)

    next_(dialog, "Encryption")
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    headings = [
        "Permissions",
        "Object lock permissions",
        "Bucket notification permissions",
        "Buckets",
        "Expiration",
        "Confirm",
    ]
    for number, heading in enumerate(["Encryption", *headings], start=3):
        if heading != "Encryption":
            next_(dialog, heading)
        text, filled = progress(dialog)
        assert text == f"Step {number} of 9"
        assert filled > seen[-1], f"the bar went back on {heading}"
        seen.append(filled)
    assert seen[-1] == 1


def test_full_access_names_every_permission_it_grants(
    page, live_server, project, admin, screenshot
):
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "everything", "S3 Credentials")
    full = dialog.get_by_label("Full Access")
    expect(full).to_have_accessible_description(permissions.full_access_summary())
    grants = dialog.locator(".na-grants")
    for noun, labels in permissions.full_access_granted():
        expect(grants).to_contain_text(", ".join(labels))
    expect(grants).not_to_contain_text("BypassGovernanceRetention")
    expect(full).to_have_accessible_description(re.compile("except BypassGovernanceRetention"))
    screenshot("new-access-2-access-full")
    assert_accessible(page, "Access step")
    page.set_viewport_size(PHONE)
    screenshot("new-access-mobile-2-access-full", full_page=False)
    assert_accessible(page, "Access step")


def test_it_explains_what_each_type_means_for_encryption(
    page, live_server, project, admin, screenshot
):
    dialog = open_dialog(page, live_server, project, admin)
    s3_note = dialog.get_by_text("S3 credentials mean server-side encryption")
    api_key_note = dialog.get_by_text("An API key carries no encryption key")
    expect(s3_note).to_be_visible()
    expect(api_key_note).to_be_hidden()
    dialog.get_by_label("API Key").check()
    expect(s3_note).to_be_hidden()
    expect(api_key_note).to_contain_text("Give it this project's passphrase")
    # Read out when a type is chosen: both notes sit in a live region.
    for note in (s3_note, api_key_note):
        expect(note.locator("xpath=ancestor::*[@aria-live='polite']")).to_have_count(1)
    dialog.get_by_label("Access Grant").check()
    expect(s3_note).to_be_hidden()
    expect(api_key_note).to_be_hidden()
    dialog.get_by_label("S3 Credentials").check()
    screenshot("new-access-1-name-s3-note")
    assert_accessible(page, "Name step")
    page.set_viewport_size(PHONE)
    screenshot("new-access-mobile-1-name-s3-note", full_page=False)
    assert_accessible(page, "Name step")


def test_an_automatic_project_explains_what_an_api_key_is_for(
    page, live_server, project, admin, screenshot
):
    project.passphrase_mode = Project.PassphraseMode.MANAGED
    keyring.new_managed_passphrase(project)
    project.save()
    dialog = open_dialog(page, live_server, project, admin)
    dialog.get_by_label("API Key").check()
    note = dialog.get_by_text("An API key carries no encryption key")
    expect(note).to_contain_text("this project's passphrase is kept by the server")
    expect(note).to_contain_text("For data, choose S3 Credentials or Access Grant.")
    screenshot("new-access-1-name-api-key-automatic")
    assert_accessible(page, "Name step, Automatic project")


def test_it_says_any_passphrase_is_accepted_and_what_a_different_one_does(
    page, live_server, project, admin, screenshot
):
    page.set_viewport_size(PHONE)
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "first-key", "Access Grant")
    next_(dialog, "Encryption")
    field = dialog.get_by_label("Passphrase", exact=True)
    expect(field).to_have_accessible_description(re.compile("Any passphrase is accepted"))
    expect(field).to_have_accessible_description(
        re.compile("a different one cannot read that data")
    )
    screenshot("new-access-mobile-3-encryption-help", full_page=False)
    assert_accessible(page, "Encryption step")
    page.set_viewport_size({"width": 1280, "height": 860})
    screenshot("new-access-3-encryption-help")
    assert_accessible(page, "Encryption step")


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 860}], ids=["390", "1280"])
def test_the_passphrase_error_passes_axe(page, live_server, project, admin, screenshot, viewport):
    page.set_viewport_size(viewport)
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "first-key", "Access Grant")
    next_(dialog, "Encryption")
    dialog.get_by_role("button", name="Create Access").click()
    expect(dialog.get_by_role("alert")).to_have_text("Enter your encryption passphrase.")
    screenshot(f"new-access-3-encryption-error-{viewport['width']}", full_page=False)
    assert_accessible(page, "Encryption step with an error")


def test_the_confirm_step_names_the_date_the_encryption_and_the_description(
    page, live_server, project, admin, screenshot
):
    dialog = open_dialog(page, live_server, project, admin)
    dialog.get_by_label("Name", exact=True).fill("nightly")
    dialog.get_by_label("Description").fill("Nightly backup job")
    dialog.get_by_label("S3 Credentials").check()
    next_(dialog, "Access")
    dialog.get_by_label("Advanced").check()
    next_(dialog, "Encryption")
    dialog.get_by_label("Advanced").check()
    dialog.get_by_role("textbox", name="New passphrase").fill("a brand new passphrase")
    for heading in ("Permissions", "Object lock permissions", "Bucket notification permissions"):
        next_(dialog, heading)
    next_(dialog, "Buckets")
    next_(dialog, "Expiration")
    dialog.get_by_label("1 week").check()
    next_(dialog, "Confirm")

    in_a_week = datetime.now(UTC) + timedelta(days=7)
    summary = dialog.locator(".na-summary")

    def row(label):
        return summary.locator("div").filter(has=page.get_by_text(label, exact=True))

    expect(row("Expiration")).to_contain_text(f"{in_a_week:%b} {in_a_week.day}, {in_a_week:%Y}")
    expect(row("Expiration")).to_contain_text("(1 week from now)")
    expect(row("Encryption")).to_contain_text("A new passphrase you entered")
    expect(row("Encryption")).to_contain_text("server-side encryption by the gateway")
    expect(row("Path encryption")).to_contain_text("On: object keys are encrypted")
    expect(row("Description")).to_contain_text("Nightly backup job")
    screenshot("new-access-8-confirm-details")
    assert_accessible(page, "Confirm step")
    page.set_viewport_size(PHONE)
    screenshot("new-access-mobile-8-confirm-details", full_page=False)
    assert_accessible(page, "Confirm step")

    dialog.get_by_role("button", name="Back").click()
    wait_for_htmx(page)
    dialog.get_by_label("No expiration").check()
    next_(dialog, "Confirm")
    expect(row("Expiration")).to_have_text(re.compile(r"Expiration\s*No expiration"))
