"""The passphrase in the New Access dialog: generated, remembered by the tab, never echoed."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from storjformat import grant, passphrase
from tests.helpers.browser import ISO, PASSPHRASE, download, name_step, open_dialog, sign_in
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_it_generates_a_passphrase_that_must_be_saved(
    page, live_server, project, admin, screenshot
):
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "fresh", "Access Grant")
    dialog.get_by_label("Full Access").check()
    dialog.get_by_role("button", name="Next").click()

    # The Access step has an "Advanced" too: wait until Encryption replaced it.
    expect(dialog.get_by_role("heading", name="Encryption", exact=True)).to_be_visible()
    dialog.get_by_label("Advanced").check()
    expect(
        dialog.get_by_text("A new passphrase cannot read data written with another one")
    ).to_be_visible()
    dialog.get_by_label("Generate 12-word passphrase").check()
    create = dialog.get_by_role("button", name="Create Access")
    expect(create).to_be_disabled()
    words = dialog.get_by_role("list", name="Your new passphrase").get_by_role("listitem")
    expect(words).to_have_count(12)
    phrase = " ".join(words.all_inner_texts())
    assert passphrase.is_valid_mnemonic(phrase)
    screenshot("new-access-3-generated")

    filename, content = download(page, dialog.get_by_role("button", name="Download", exact=True))
    assert re.fullmatch(rf"Storj-passphrase-fresh-{ISO}\.txt", filename)
    assert content == phrase

    dialog.get_by_label("I saved my encryption passphrase").check()
    expect(create).to_be_enabled()
    create.click()
    value = dialog.get_by_label("Access Grant").input_value()
    root_key = passphrase.derive_root_key(phrase, bytes(project.salt))
    assert grant.parse_grant(value).encryption_access.default_key == root_key


def test_it_remembers_the_current_passphrase_in_the_tab(page, live_server, project, admin):
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "first", "S3 Credentials")
    # Wait for each step before the next click, so no click lands on a step being replaced.
    expect(dialog.get_by_role("heading", name="Access", exact=True)).to_be_visible()
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Encryption", exact=True)).to_be_visible()
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    dialog.get_by_role("button", name="Create Access").click()
    dialog.get_by_role("button", name="Download all").click()
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()

    page.locator(".page-header").get_by_role("button", name="New Access Key").click()
    name_step(dialog, "second", "Access Grant")
    expect(dialog.get_by_role("heading", name="Access", exact=True)).to_be_visible()
    dialog.get_by_role("button", name="Next").click()
    expect(
        dialog.get_by_text("Using the passphrase you entered earlier in this tab.")
    ).to_be_visible()
    expect(dialog.get_by_label("Passphrase", exact=True)).to_be_hidden()
    dialog.get_by_role("button", name="Create Access").click()
    value = dialog.get_by_label("Access Grant").input_value()
    root_key = passphrase.derive_root_key(PASSPHRASE, bytes(project.salt))
    assert grant.parse_grant(value).encryption_access.default_key == root_key

    html = page.content()
    assert PASSPHRASE not in html


def test_it_lets_the_user_change_the_remembered_passphrase(page, live_server, project, admin):
    dialog = open_dialog(page, live_server, project, admin)
    page.evaluate(f"sessionStorage.setItem('newAccess.passphrase.{project.public_id}', 'old one')")
    name_step(dialog, "changed", "Access Grant")
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_role("button", name="Change passphrase").click()
    field = dialog.get_by_label("Passphrase", exact=True)
    expect(field).to_be_focused()
    expect(field).to_have_value("")
    field.fill(PASSPHRASE)
    dialog.get_by_role("button", name="Create Access").click()
    value = dialog.get_by_label("Access Grant").input_value()
    root_key = passphrase.derive_root_key(PASSPHRASE, bytes(project.salt))
    assert grant.parse_grant(value).encryption_access.default_key == root_key
    stored = page.evaluate(f"sessionStorage.getItem('newAccess.passphrase.{project.public_id}')")
    assert stored == PASSPHRASE


def test_it_sends_a_new_passphrase_only_with_the_creation(page, live_server, project, admin):
    dialog = open_dialog(page, live_server, project, admin)
    bodies = []
    page.on("request", lambda r: bodies.append(r.post_data or "") if r.method == "POST" else None)
    name_step(dialog, "other-key", "Access Grant")
    dialog.get_by_label("Advanced").check()
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Encryption", exact=True)).to_be_visible()
    dialog.get_by_label("Advanced").check()
    dialog.get_by_label("New passphrase", exact=True).fill("a different one")
    dialog.get_by_role("button", name="Next").click()
    # Wait for each step before the next click, so no click lands on a step being replaced.
    steps = ["Permissions", "Object lock permissions", "Bucket notification permissions"]
    for heading in [*steps, "Buckets", "Expiration"]:
        expect(dialog.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Confirm", exact=True)).to_be_visible()
    dialog.get_by_role("button", name="Create Access").click()
    value = dialog.get_by_label("Access Grant").input_value()
    root_key = passphrase.derive_root_key("a different one", bytes(project.salt))
    assert grant.parse_grant(value).encryption_access.default_key == root_key
    with_phrase = [b for b in bodies if "a+different+one" in b or "a%20different%20one" in b]
    assert len(with_phrase) == 2  # the Encryption step's check, and the creation


def remembered(page, project):
    return page.evaluate(f"sessionStorage.getItem('newAccess.passphrase.{project.public_id}')")


def asks_for_the_passphrase(page, live_server, project):
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/")
    page.locator(".page-header").get_by_role("button", name="New Access Key").click()
    dialog = page.get_by_role("dialog", name="New Access")
    name_step(dialog, "next-person", "Access Grant")
    expect(dialog.get_by_role("heading", name="Access", exact=True)).to_be_visible()
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Encryption", exact=True)).to_be_visible()
    expect(dialog.get_by_label("Passphrase", exact=True)).to_be_visible()
    expect(dialog.get_by_text("Using the passphrase you entered earlier")).to_be_hidden()


def test_it_forgets_the_passphrase_on_sign_out(page, live_server, project, admin, member):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/")
    page.evaluate(f"sessionStorage.setItem('newAccess.passphrase.{project.public_id}', 'alices')")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert remembered(page, project) is None

    sign_in(page, live_server, member.email, PASSWORD)
    asks_for_the_passphrase(page, live_server, project)


def test_it_forgets_the_passphrase_when_someone_else_signs_in_in_the_tab(
    page, live_server, project, admin, member
):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/")
    page.evaluate(f"sessionStorage.setItem('newAccess.passphrase.{project.public_id}', 'alices')")

    # Another tab signed out and in as someone else: this tab's cookie changes under it.
    other = Client()
    other.force_login(member)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": other.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    asks_for_the_passphrase(page, live_server, project)
    assert remembered(page, project) is None
