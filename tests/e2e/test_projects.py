"""Creating projects in the browser, and the project settings page."""

import re

import pytest
from playwright.sync_api import expect

from console.models import Membership, Project
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in

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

    expect(page.get_by_role("heading", name="Access Keys")).to_be_visible()
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
    expect(page.get_by_role("link", name="New Project")).to_be_focused()

    # It opens afresh, and Cancel closes it too.
    page.get_by_role("link", name="New Project").click()
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
