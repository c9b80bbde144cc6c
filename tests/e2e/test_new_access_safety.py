"""What keeps a person from losing data in the New Access dialog: a new passphrase
typed twice and saved, one-time values guarded on leaving, Escape that asks."""

import re

import pytest
from playwright.sync_api import expect

from storjformat import grant, passphrase
from tests.helpers.browser import (
    PASSPHRASE,
    assert_accessible,
    confirm_and_create,
    name_step,
    open_dialog,
    wait_for_htmx,
)

pytestmark = pytest.mark.e2e


def to_encryption(page, live_server, project, admin, name="typed"):
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, name, "Access Grant")
    expect(dialog.get_by_role("heading", name="Access", exact=True)).to_be_visible()
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Encryption", exact=True)).to_be_visible()
    return dialog


def remembered(page, project):
    return page.evaluate(f"sessionStorage.getItem('newAccess.passphrase.{project.public_id}')")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_new_passphrase_is_typed_twice_shown_on_demand_and_saved(
    page, live_server, project, admin, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    dialog = to_encryption(page, live_server, project, admin)
    # The two "Advanced" choices have names of their own.
    expect(dialog.get_by_label("Advanced")).to_have_count(0)
    dialog.get_by_label("Use a new passphrase").check()
    new = dialog.get_by_label("New passphrase", exact=True)
    new.fill("short")
    warning = dialog.get_by_text("This passphrase is short")
    expect(warning).to_be_visible()
    dialog.get_by_role("button", name="Show New passphrase").click()
    expect(new).to_have_attribute("type", "text")
    expect(dialog.get_by_role("button", name="Hide New passphrase")).to_have_attribute(
        "aria-pressed", "true"
    )
    new.fill("a long enough passphrase")
    expect(warning).to_be_hidden()
    dialog.get_by_label("Confirm passphrase", exact=True).fill("a long enuogh passphrase")
    next_ = dialog.get_by_role("button", name="Next")
    # Typed, like generated, it exists nowhere else: saving it is confirmed first.
    expect(next_).to_be_disabled()
    dialog.get_by_label("I saved my encryption passphrase").check()
    next_.click()
    wait_for_htmx(page)

    confirm = dialog.get_by_label("Confirm passphrase", exact=True)
    expect(dialog.get_by_text("The two passphrases differ.")).to_be_visible()
    expect(confirm).to_be_focused()
    screenshot(f"new-access-3-passphrase-differ-{width}")
    assert_accessible(page, "Encryption step, passphrases differ")
    new.fill("a long enough passphrase")
    confirm.fill("a long enough passphrase")
    dialog.get_by_label("I saved my encryption passphrase").check()
    confirm_and_create(dialog)

    value = dialog.get_by_label("Access Grant").input_value()
    root_key = passphrase.derive_root_key("a long enough passphrase", bytes(project.salt))
    assert grant.parse_grant(value).encryption_access.default_key == root_key


def test_the_result_asks_before_the_page_is_left(page, live_server, project, admin):
    dialog = to_encryption(page, live_server, project, admin, "guarded")
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    confirm_and_create(dialog)
    expect(dialog.get_by_text("Save these credentials now")).to_be_visible()

    asked = []

    def answer(prompt):
        asked.append(prompt.type)
        prompt.dismiss()

    page.on("dialog", answer)
    # Reload, as a person might by accident: the browser asks; staying keeps the values.
    with pytest.raises(Exception):  # noqa: B017 (the reload is cancelled)
        page.reload(timeout=3000)
    assert asked == ["beforeunload"]
    expect(dialog.get_by_text("Save these credentials now")).to_be_visible()

    # Saved: leaving is quiet.
    with page.expect_download():
        dialog.get_by_role("button", name="Download all").click()
    page.reload()
    assert asked == ["beforeunload"]
    expect(dialog).to_be_hidden()


def test_escape_partway_asks_and_a_discarded_passphrase_is_forgotten(
    page, live_server, project, admin, screenshot
):
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "half-done", "Access Grant")
    dialog.get_by_label("Advanced").check()
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Encryption", exact=True)).to_be_visible()
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    wait_for_htmx(page)
    page.keyboard.press("Escape")
    question = dialog.get_by_role("alertdialog", name="Discard this new access?")
    expect(question).to_be_visible()
    expect(dialog.get_by_role("button", name="Keep editing")).to_be_focused()
    screenshot("new-access-escape-asks")
    assert_accessible(page, "New Access, Escape partway")
    dialog.get_by_role("button", name="Keep editing").click()
    expect(question).to_be_hidden()
    expect(dialog.get_by_label("Passphrase", exact=True)).to_have_value(PASSPHRASE)

    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Permissions", exact=True)).to_be_visible()
    wait_for_htmx(page)
    page.keyboard.press("Escape")
    dialog.get_by_role("button", name="Discard").click()
    expect(dialog).to_be_hidden()
    # The passphrase of a dialog that made nothing is not kept by the tab.
    assert remembered(page, project) is None


def test_escape_on_an_untouched_first_step_just_closes(page, live_server, project, admin):
    dialog = open_dialog(page, live_server, project, admin)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_copied_goes_back_to_copy_even_after_two_clicks(page, live_server, project, admin):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "copied", "API Key")
    confirm_and_create(dialog)
    copy = dialog.get_by_role("button", name=re.compile(r"^Cop(y|ied) API Key$"))
    copy.click()
    expect(copy).to_have_text("Copied API Key")
    copy.click()
    expect(copy).to_have_text("Copy API Key", timeout=4000)
    box = copy.bounding_box()
    assert box["width"] == dialog.get_by_role("button", name="Show API Key").bounding_box()["width"]
