"""Removing a member and leaving a project in Chromium, at 1280 and 390 px: the
person's live keys are listed first, and the choice decides which of them go."""

import pytest
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from accesskeys.services.access import CreateAccessRequest, create_access
from console.models import Membership
from tests.helpers.browser import assert_accessible, sign_in, wait_for_htmx
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e

PHRASE = "correct horse battery staple"


def bobs_keys(project, member):
    for name, type_ in [("bob-s3", "s3"), ("bob-grant", "access_grant"), ("bob-api", "api_key")]:
        create_access(project, member, CreateAccessRequest(name, type_, passphrase=PHRASE))


@pytest.mark.parametrize("width", [1280, 390])
def test_an_admin_removes_a_member_and_chooses_which_keys_go(
    page, live_server, project, admin, member, screenshot, width
):
    bobs_keys(project, member)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/team/")
    page.wait_for_load_state("load")

    page.get_by_role("button", name="Remove bob@example.com").click()
    dialog = page.get_by_role("dialog", name="Remove bob@example.com?")
    expect(dialog).to_be_visible()
    wait_for_htmx(page)
    keys = dialog.get_by_role("table")
    expect(keys.get_by_role("rowheader")).to_have_text(["bob-api", "bob-grant", "bob-s3"])
    expect(keys).to_contain_text("S3 Credentials")
    expect(keys).to_contain_text("Never")
    screenshot(f"offboarding-dialog-{width}")
    assert_accessible(page, "the offboarding dialog")

    # Nothing chosen: the page says so and removes nobody.
    dialog.get_by_role("button", name="Remove").click()
    expect(page.get_by_text("Choose what becomes of the access keys.")).to_be_visible()
    assert Membership.objects.filter(user=member).exists()
    screenshot(f"offboarding-error-{width}")
    assert_accessible(page, "the offboarding step with an error")

    # Ticking a key chooses "Choose which to delete".
    page.get_by_role("checkbox", name="Delete bob-s3").check()
    expect(page.get_by_role("radio", name="Choose which to delete")).to_be_checked()
    page.get_by_role("checkbox", name="Delete bob-grant").check()
    page.get_by_role("button", name="Remove").click()

    expect(
        page.get_by_text("bob@example.com was removed from Alpha. Deleted 2 access keys.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Team")).to_be_visible()
    live = AccessKey.objects.not_revoked().filter(created_by=member)
    assert list(live.values_list("name", flat=True)) == ["bob-api"]
    screenshot(f"offboarding-done-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_member_leaves_and_deletes_their_keys(
    page, live_server, project, admin, member, screenshot, width
):
    bobs_keys(project, member)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, member.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/team/")
    page.wait_for_load_state("load")

    page.get_by_role("button", name="Leave project").click()
    dialog = page.get_by_role("dialog", name="Leave Alpha?")
    expect(dialog).to_contain_text("Your 3 live access keys in Alpha keep working")
    wait_for_htmx(page)
    screenshot(f"offboarding-leave-{width}")
    assert_accessible(page, "leaving a project")
    dialog.get_by_role("radio", name="Delete them all now").check()
    dialog.get_by_role("button", name="Leave project").click()

    expect(page.get_by_text("You left Alpha. Deleted 3 access keys.")).to_be_visible()
    assert not AccessKey.objects.not_revoked().filter(created_by=member).exists()
    assert not Membership.objects.filter(user=member).exists()
