"""The New Access dialog in a browser: errors in place, keyboard only, closing and reloading."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from accesskeys.services import access_create
from tests.helpers.browser import (
    PASSPHRASE,
    confirm_and_create,
    name_step,
    open_dialog,
    wait_for_htmx,
)

pytestmark = pytest.mark.e2e


def next_(dialog):
    dialog.get_by_role("button", name="Next").click()
    # Under load the next click could land on this step's button while its
    # request is in flight, and htmx drops it.
    wait_for_htmx(dialog.page)


def test_it_shows_errors_on_the_step_that_caused_them(
    page, live_server, project, admin, screenshot
):
    access_create.create_access(
        project, admin, access_create.CreateAccessRequest(name="taken", type="api_key")
    )
    dialog = open_dialog(page, live_server, project, admin)

    next_(dialog)
    name = dialog.get_by_label("Name", exact=True)
    expect(dialog.get_by_role("alert")).to_have_text("Enter a name for this access.")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_be_focused()
    screenshot("new-access-error-name")

    name_step(dialog, "taken", "Access Grant")
    expect(dialog.get_by_role("alert")).to_have_text("This name is already in use")
    expect(dialog.get_by_label("Access Grant")).to_be_checked()

    name_step(dialog, "fine", "Access Grant")
    dialog.get_by_label("Advanced").check()
    next_(dialog)
    next_(dialog)
    expect(dialog.get_by_role("alert")).to_have_text("Enter your encryption passphrase.")
    expect(dialog.get_by_label("Passphrase", exact=True)).to_have_attribute("aria-invalid", "true")

    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    next_(dialog)
    for label in ("Read", "Write", "List", "Delete"):
        dialog.get_by_label(label, exact=True).uncheck()
    next_(dialog)
    expect(dialog.get_by_role("alert")).to_have_text("Choose at least one permission.")
    screenshot("new-access-error-permissions")

    dialog.get_by_label("List", exact=True).check()
    next_(dialog)  # to object lock
    next_(dialog)  # to bucket notification
    next_(dialog)  # to buckets
    next_(dialog)  # to expiration
    dialog.get_by_label("Custom date").check()
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    dialog.get_by_label("Expiration date").fill(yesterday)
    next_(dialog)
    expect(dialog.get_by_role("alert")).to_have_text("Choose a date in the future.")
    expect(dialog.get_by_label("Expiration date")).to_be_focused()
    assert AccessKey.objects.filter(name="fine").count() == 0


def test_it_goes_back_and_closes_with_escape(page, live_server, project, admin):
    dialog = open_dialog(page, live_server, project, admin)
    expect(dialog.get_by_label("Name", exact=True)).to_be_focused()
    name_step(dialog, "back-and-forth", "API Key")
    dialog.get_by_label("Advanced").check()
    next_(dialog)
    expect(dialog.get_by_role("heading", name="Permissions")).to_be_visible()
    dialog.get_by_role("button", name="Back").click()
    expect(dialog.get_by_label("Advanced")).to_be_checked()
    dialog.get_by_role("button", name="Back").click()
    expect(dialog.get_by_label("Name", exact=True)).to_have_value("back-and-forth")
    expect(dialog.get_by_label("API Key")).to_be_checked()
    wait_for_htmx(page)
    page.keyboard.press("Escape")
    # Partway through, Escape asks before throwing the choices away.
    dialog.get_by_role("button", name="Discard").click()
    expect(dialog).to_be_hidden()
    expect(
        page.locator(".page-header").get_by_role("button", name="New Access Key")
    ).to_be_focused()
    assert not AccessKey.objects.exists()


def test_it_asks_before_closing_unsaved_credentials(page, live_server, project, admin, screenshot):
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "unsaved", "API Key")
    confirm_and_create(dialog)
    dialog.get_by_role("button", name="Done").click()
    question = dialog.get_by_role("alertdialog")
    expect(question).to_contain_text("You have not copied or downloaded these credentials.")
    expect(dialog.get_by_role("button", name="Go back")).to_be_focused()
    screenshot("new-access-close-confirm")
    dialog.get_by_role("button", name="Go back").click()
    expect(question).to_be_hidden()
    page.keyboard.press("Escape")
    expect(question).to_be_visible()
    dialog.get_by_role("button", name="Close anyway").click()
    expect(dialog).to_be_hidden()


def test_it_shows_no_secret_after_a_reload(page, live_server, project, admin):
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "reloaded", "S3 Credentials")
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    confirm_and_create(dialog)
    secret = dialog.get_by_label("Secret Key").input_value()
    access_key = dialog.get_by_label("Access Key").input_value()
    page.reload()
    expect(page.get_by_role("heading", name="Access Keys", exact=True)).to_be_visible()
    html = page.content()
    assert secret not in html and access_key not in html and PASSPHRASE not in html
    page.go_back()
    page.go_forward()
    expect(page.get_by_role("heading", name="Access Keys", exact=True)).to_be_visible()
    assert secret not in page.content()


def test_it_gives_focus_back_after_a_reopening_at_once(page, live_server, project, admin):
    # The browser gives focus back as a dialog closes, and its "close" event comes a
    # moment later. A person who presses Enter again at once asks for the next dialog
    # in between: that dialog must still give focus back when it closes.
    dialog = open_dialog(page, live_server, project, admin)
    wait_for_htmx(page)
    close = dialog.get_by_role("button", name="Close").element_handle()
    reopened_from = page.evaluate(
        """close => {
            close.click();
            const focused = document.activeElement;
            focused.click();
            return focused.textContent.trim();
        }""",
        close,
    )
    assert reopened_from == "New Access Key"
    expect(dialog.get_by_label("Name", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    # The browser's own focus return comes first; wait for the dialog's "close"
    # event too (dialog.js removes the dialog then), which has the last word.
    page.wait_for_function("() => !document.querySelector('#dialog-host dialog')")
    new_key = page.locator(".page-header").get_by_role("button", name="New Access Key")
    expect(new_key).to_be_focused()


def test_it_works_by_keyboard_alone(page, live_server, project, admin, screenshot):
    dialog = open_dialog(page, live_server, project, admin)
    # Under load the page's own requests may still be settling, as a person's first
    # keypress would wait for them.
    wait_for_htmx(page)
    dialog.get_by_role("button", name="Close").click()
    new_key = page.locator(".page-header").get_by_role("button", name="New Access Key")
    expect(new_key).to_be_focused()
    page.keyboard.press("Enter")
    name = dialog.get_by_label("Name", exact=True)
    expect(name).to_be_focused()
    page.keyboard.type("keyboard")
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("S3 Credentials")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(dialog.get_by_label("Access Grant")).to_be_checked()
    page.keyboard.press("Enter")

    advanced = dialog.get_by_label("Advanced")
    expect(dialog.get_by_label("Full Access")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(advanced).to_be_checked()
    page.keyboard.press("Enter")

    expect(dialog.get_by_label("Use the current passphrase")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Passphrase", exact=True)).to_be_focused()
    page.keyboard.type(PASSPHRASE)
    page.keyboard.press("Enter")

    expect(dialog.get_by_label("Read", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Write", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(dialog.get_by_label("Write", exact=True)).not_to_be_checked()
    page.keyboard.press("Enter")

    expect(dialog.get_by_role("heading", name="Object lock permissions")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(dialog.get_by_label("PutObjectRetention")).to_be_checked()
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("heading", name="Bucket notification permissions")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(dialog.get_by_label("PutBucketNotificationConfiguration")).to_be_checked()
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("All Buckets")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("No expiration")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(dialog.get_by_label("1 day")).to_be_checked()
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("heading", name="Confirm")).to_be_focused()
    # Tab to "Create Access" and press it.
    create = dialog.get_by_role("button", name="Create Access")
    for _ in range(5):
        page.keyboard.press("Tab")
        if create.evaluate("b => b === document.activeElement"):
            break
    expect(create).to_be_focused()
    page.keyboard.press("Enter")

    expect(dialog.get_by_role("heading", name="Access created")).to_be_focused()
    show = dialog.get_by_role("button", name="Show Access Grant")
    for _ in range(5):
        page.keyboard.press("Tab")
        if show.evaluate("b => b === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Access Grant")).to_have_attribute("type", "text")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Copy
    wait_for_htmx(page)  # the list reloads behind the dialog once the access exists
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(new_key).to_be_focused()
    key = AccessKey.objects.get(name="keyboard")
    assert key.type == "access_grant" and not key.can_write and key.can_put_object_retention
    assert key.not_after is not None
