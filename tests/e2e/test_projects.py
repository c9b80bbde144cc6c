"""Creating projects in the browser, and the project settings page."""

import re

import pytest
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from console import keyring
from console.models import Membership, Project
from storjformat import grant, macaroon
from storjformat.passphrase import derive_root_key
from tests.helpers.browser import sign_in
from tests.helpers.factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e


def open_new_project_dialog(page):
    page.locator(".switcher summary").click()
    page.get_by_role("link", name="New Project").click()
    dialog = page.get_by_role("dialog", name="Create New Project")
    expect(dialog).to_be_visible()
    return dialog


def test_it_creates_a_project_in_the_dialog(page, live_server, admin, project, screenshot):
    sign_in(page, live_server, admin.email, PASSWORD)
    dialog = open_new_project_dialog(page)

    name = dialog.get_by_label("Name", exact=True)
    expect(name).to_be_focused()
    expect(dialog.get_by_label("Automatic (Default)")).to_be_checked()
    expect(dialog.get_by_text("ideal for S3 compatibility")).to_be_visible()
    screenshot("project-new-automatic")

    dialog.get_by_role("button", name="Create Project").click()
    expect(dialog.get_by_role("alert")).to_have_text("Enter a name for the project.")
    expect(dialog.get_by_label("Name", exact=True)).to_be_focused()
    screenshot("project-new-error")

    dialog.get_by_label("Self-Managed").check()
    expect(dialog.get_by_text("we never store it")).to_be_visible()
    dialog.get_by_label("Name", exact=True).fill("Beta")
    dialog.get_by_label("Description (optional)").fill("Our own passphrase")
    screenshot("project-new-self-managed")
    dialog.get_by_role("button", name="Create Project").click()

    expect(page.get_by_role("heading", name="Access Keys", exact=True)).to_be_visible()
    expect(page.get_by_text("Project “Beta” created.")).to_be_visible()
    created = Project.objects.get(name="Beta")
    expect(page).to_have_url(re.compile(rf"/projects/{created.public_id}/access-keys/$"))
    expect(page.locator(".switcher-name")).to_have_text("Beta")
    assert not created.is_managed
    assert Membership.objects.get(project=created).user == admin


def test_it_closes_the_dialog_with_escape(page, live_server, admin, project):
    sign_in(page, live_server, admin.email, PASSWORD)
    dialog = open_new_project_dialog(page)
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    # The switcher closed when the dialog opened: focus goes back to it.
    expect(page.get_by_label("Project: Alpha. Switch project")).to_be_focused()

    # It opens afresh, and Cancel closes it too.
    open_new_project_dialog(page)
    dialog = page.get_by_role("dialog", name="Create New Project")
    expect(dialog.get_by_label("Name", exact=True)).to_be_focused()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert Project.objects.count() == 1


def test_it_fits_a_phone(page, live_server, admin, project, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, admin.email, PASSWORD)
    dialog = open_new_project_dialog(page)
    expect(dialog.get_by_role("button", name="Create Project")).to_be_visible()
    screenshot("project-new-phone", full_page=False)


def test_it_shows_settings_to_an_admin(page, live_server, admin, project, screenshot):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Project Settings")).to_be_visible()
    expect(page.get_by_text(str(project.public_id))).to_be_visible()
    screenshot("project-settings-admin")

    page.get_by_label("Name", exact=True).fill("Alpha Prime")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Project settings saved.")).to_be_visible()
    expect(page.locator(".switcher-name")).to_have_text("Alpha Prime")


def test_it_shows_settings_read_only_to_a_member(page, live_server, member, project, screenshot):
    sign_in(page, live_server, member.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page.get_by_text("Only project Admins can change these settings.")).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Save changes")).to_have_count(0)
    screenshot("project-settings-member")


def create_project_in_browser(page, name, mode_label) -> Project:
    dialog = open_new_project_dialog(page)
    dialog.get_by_label("Name", exact=True).fill(name)
    dialog.get_by_label(mode_label).check()
    dialog.get_by_role("button", name="Create Project").click()
    expect(page.get_by_text(f"Project “{name}” created.")).to_be_visible()
    project = Project.objects.get(name=name)
    expect(page).to_have_url(re.compile(rf"/projects/{project.public_id}/access-keys/$"))
    return project


def create_access_grant_in_browser(page, name, passphrase_typed=None) -> str:
    # The page header has the button; an empty project repeats it in the empty state.
    page.get_by_role("button", name="New Access Key").first.click()
    dialog = page.get_by_role("dialog", name="New Access")
    dialog.get_by_label("Name", exact=True).fill(name)
    dialog.get_by_label("Access Grant", exact=True).check()
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_label("Full Access").check()
    if passphrase_typed is None:
        # Automatic: no encryption step, Full Access creates straight away.
        expect(dialog.get_by_label("Passphrase", exact=True)).to_have_count(0)
        dialog.get_by_role("button", name="Create Access").click()
    else:
        dialog.get_by_role("button", name="Next").click()
        dialog.get_by_label("Passphrase", exact=True).fill(passphrase_typed)
        dialog.get_by_role("button", name="Create Access").click()
    value = dialog.get_by_label("Access Grant")
    expect(value).not_to_have_value("")
    return value.input_value()


def test_it_issues_working_grants_in_projects_of_both_kinds(page, live_server, admin, project):
    sign_in(page, live_server, admin.email, PASSWORD)

    automatic = create_project_in_browser(page, "Auto", "Automatic (Default)")
    assert automatic.is_managed
    auto_grant = grant.parse_grant(create_access_grant_in_browser(page, "auto-grant"))
    managed = keyring.managed_passphrase(automatic)
    assert auto_grant.encryption_access.default_key == derive_root_key(
        managed, bytes(automatic.salt)
    )

    page.goto(f"{live_server.url}/")
    self_managed = create_project_in_browser(page, "Own", "Self-Managed")
    assert not self_managed.is_managed
    typed = "correct horse battery staple"
    own_grant = grant.parse_grant(create_access_grant_in_browser(page, "own-grant", typed))
    assert own_grant.encryption_access.default_key == derive_root_key(
        typed, bytes(self_managed.salt)
    )

    # Each grant's API key is the one stored for its own project.
    issued = [(auto_grant, automatic, "auto-grant"), (own_grant, self_managed, "own-grant")]
    for scope, owner, name in issued:
        key = AccessKey.objects.get(head=macaroon.parse(scope.api_key).head)
        assert (key.project, key.name, key.type) == (owner, name, AccessKey.Type.ACCESS_GRANT)


def test_it_lets_a_user_without_projects_start_one(page, live_server, db):
    user = make_user("dora@example.com")
    sign_in(page, live_server, user.email, PASSWORD)
    expect(page.get_by_role("heading", name="You are not in a project yet")).to_be_visible()
    page.get_by_role("link", name="Create a project").click()
    dialog = page.get_by_role("dialog", name="Create New Project")
    dialog.get_by_label("Name", exact=True).fill("Dora's files")
    dialog.get_by_role("button", name="Create Project").click()
    expect(page.get_by_role("heading", name="Access Keys", exact=True)).to_be_visible()
    expect(page.locator(".switcher-name")).to_have_text("Dora's files")
    assert Membership.objects.get(user=user).is_admin
