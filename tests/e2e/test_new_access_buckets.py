"""The New Access dialog's Object lock and Buckets steps in a browser: the
BypassGovernanceRetention warning comes into view, the filter neither submits nor
hides what stays chosen, and a bucket can be created without leaving the dialog."""

import pytest
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from console.models import AuditEvent, Bucket
from tests.helpers.browser import assert_accessible, name_step, open_dialog, wait_for_htmx

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def next_(dialog, heading: str):
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    wait_for_htmx(dialog.page)


def back(dialog, heading: str):
    dialog.get_by_role("button", name="Back").click()
    expect(dialog.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    wait_for_htmx(dialog.page)


def to_step(dialog, heading: str, name="scoped"):
    """An Advanced API key (no Encryption step) up to `heading`."""
    name_step(dialog, name, "API Key")
    dialog.get_by_label("Advanced").check()
    for step in ("Permissions", "Object lock permissions", "Bucket notification permissions"):
        next_(dialog, step)
        if step == heading:
            return
    next_(dialog, "Buckets")


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 667}, {"width": 1280, "height": 600}], ids=["390", "1280"]
)
def test_the_bypass_governance_warning_comes_into_view(
    page, live_server, project, admin, screenshot, viewport
):
    page.set_viewport_size(viewport)
    dialog = open_dialog(page, live_server, project, admin)
    to_step(dialog, "Object lock permissions")
    warning = dialog.get_by_text("lets this access delete objects under governance-mode retention")
    expect(warning).to_be_hidden()
    dialog.get_by_label("BypassGovernanceRetention").check()
    expect(warning).to_be_visible()
    expect(warning).to_be_in_viewport(ratio=1)
    screenshot(f"new-access-5-object-lock-bypass-{viewport['width']}", full_page=False)
    assert_accessible(page, "Object lock step with the warning")


def test_enter_in_the_filter_stays_on_the_step_and_hidden_choices_are_shown(
    page, live_server, project, admin, screenshot
):
    dialog = open_dialog(page, live_server, project, admin)
    to_step(dialog, "Buckets")
    dialog.get_by_label("Select Buckets").check()
    count = dialog.get_by_text("None selected")
    expect(count).to_be_visible()
    dialog.get_by_label("photos").check()
    dialog.get_by_label("logs").check()
    expect(dialog.get_by_text("2 selected", exact=True)).to_be_visible()

    search = dialog.get_by_role("searchbox", name="Filter buckets")
    search.fill("back")
    search.press("Enter")
    wait_for_htmx(page)
    expect(dialog.get_by_role("heading", name="Buckets", exact=True)).to_be_visible()
    expect(search).to_be_focused()
    expect(search).to_have_value("back")
    expect(dialog.get_by_label("photos")).to_be_hidden()
    # What the filter hides stays chosen, and the step says so.
    status = dialog.get_by_text("2 selected, 2 hidden by the filter")
    expect(status).to_be_visible()
    dialog.get_by_label("backups").check()
    expect(dialog.get_by_text("3 selected, 2 hidden by the filter")).to_be_visible()
    screenshot("new-access-6-buckets-filter-hidden")
    assert_accessible(page, "Buckets step, filtered")
    page.set_viewport_size(PHONE)
    screenshot("new-access-mobile-6-buckets-filter-hidden", full_page=False)
    assert_accessible(page, "Buckets step, filtered")

    dialog.get_by_role("button", name="Clear filter").click()
    expect(search).to_have_value("")
    expect(search).to_be_focused()
    expect(dialog.get_by_label("photos")).to_be_checked()
    expect(dialog.get_by_text("3 selected", exact=True)).to_be_visible()
    expect(dialog.get_by_role("button", name="Clear filter")).to_be_hidden()

    next_(dialog, "Expiration")
    next_(dialog, "Confirm")
    expect(dialog.locator(".na-summary")).to_contain_text("backups, logs, photos")


def test_it_creates_a_bucket_from_an_empty_project_keeping_the_choices(
    page, live_server, project, admin, screenshot
):
    project.buckets.all().delete()
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "first-bucket", "API Key")
    dialog.get_by_label("Advanced").check()
    next_(dialog, "Permissions")
    dialog.get_by_label("Delete", exact=True).uncheck()
    for step in ("Object lock permissions", "Bucket notification permissions", "Buckets"):
        next_(dialog, step)
    dialog.get_by_label("Select Buckets").check()
    expect(dialog.get_by_text("This project has no buckets yet. Create one below")).to_be_visible()
    screenshot("new-access-6-buckets-empty")
    assert_accessible(page, "Buckets step, no buckets")

    bucket_name = dialog.get_by_label("Bucket name")
    bucket_name.fill("Media_Files")
    bucket_name.press("Enter")
    wait_for_htmx(page)
    expect(dialog.get_by_role("alert")).to_contain_text("only lowercase letters")
    expect(dialog.get_by_label("Bucket name")).to_have_value("Media_Files")
    expect(dialog.get_by_label("Bucket name")).to_be_focused()
    expect(dialog.get_by_label("Select Buckets")).to_be_checked()
    assert not Bucket.objects.filter(project=project).exists()
    screenshot("new-access-6-buckets-new-error")
    page.set_viewport_size(PHONE)
    screenshot("new-access-mobile-6-buckets-new-error", full_page=False)

    dialog.get_by_label("Bucket name").fill("media")
    dialog.get_by_label("Enable object lock").check()
    dialog.get_by_role("button", name="Create bucket").click()
    wait_for_htmx(page)
    created = dialog.get_by_label("media")
    expect(created).to_be_checked()
    expect(created).to_be_focused()
    notice = dialog.get_by_text("Bucket “media” created and selected.", exact=True)
    expect(notice).to_be_visible()
    screenshot("new-access-mobile-6-buckets-created", full_page=False)
    assert_accessible(page, "Buckets step, bucket created")
    page.set_viewport_size({"width": 1280, "height": 860})
    screenshot("new-access-6-buckets-created")
    bucket = Bucket.objects.get(project=project, name="media")
    assert bucket.object_lock
    assert AuditEvent.objects.filter(action="bucket_created", actor=admin).count() == 1

    # The dialog's other choices survived: Delete is still off.
    for step in ("Bucket notification permissions", "Object lock permissions", "Permissions"):
        back(dialog, step)
    expect(dialog.get_by_label("Delete", exact=True)).not_to_be_checked()
    for step in ("Object lock permissions", "Bucket notification permissions", "Buckets"):
        next_(dialog, step)
    expect(dialog.get_by_label("media")).to_be_checked()
    next_(dialog, "Expiration")
    next_(dialog, "Confirm")
    dialog.get_by_role("button", name="Create Access").click()
    expect(dialog.get_by_role("heading", name="Access created")).to_be_visible()
    key = AccessKey.objects.get(name="first-bucket")
    assert [b.name for b in key.buckets.all()] == ["media"] and not key.can_delete


def test_new_bucket_opens_from_a_button_when_buckets_exist(
    page, live_server, project, admin, screenshot
):
    dialog = open_dialog(page, live_server, project, admin)
    to_step(dialog, "Buckets")
    dialog.get_by_label("Select Buckets").check()
    dialog.get_by_label("logs").check()
    toggle = dialog.get_by_role("button", name="New bucket")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(dialog.get_by_label("Bucket name")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(dialog.get_by_label("Bucket name")).to_be_focused()
    page.keyboard.type("photos")
    page.keyboard.press("Enter")
    wait_for_htmx(page)
    expect(dialog.get_by_role("alert")).to_have_text(
        "A bucket with this name already exists in the project."
    )
    dialog.get_by_label("Bucket name").fill("videos")
    dialog.get_by_label("Bucket name").press("Enter")
    wait_for_htmx(page)
    expect(dialog.get_by_label("videos")).to_be_checked()
    expect(dialog.get_by_label("logs")).to_be_checked()
    expect(dialog.get_by_text("2 selected", exact=True)).to_be_visible()
    screenshot("new-access-6-buckets-new-from-list")
    assert_accessible(page, "Buckets step, bucket created")


def test_a_member_is_told_to_ask_an_admin(page, live_server, project, member):
    project.buckets.all().delete()
    dialog = open_dialog(page, live_server, project, member)
    to_step(dialog, "Buckets")
    dialog.get_by_label("Select Buckets").check()
    expect(dialog.get_by_text("Ask a project Admin to create one")).to_be_visible()
    expect(dialog.get_by_role("button", name="Create bucket")).to_have_count(0)
    assert_accessible(page, "Buckets step, member, no buckets")


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 860}], ids=["390", "1280"])
def test_the_bucket_name_error_passes_axe(page, live_server, project, admin, viewport):
    project.buckets.all().delete()
    page.set_viewport_size(viewport)
    dialog = open_dialog(page, live_server, project, admin)
    to_step(dialog, "Buckets")
    dialog.get_by_label("Select Buckets").check()
    dialog.get_by_label("Bucket name").fill("ab")
    dialog.get_by_role("button", name="Create bucket").click()
    expect(dialog.get_by_role("alert")).to_contain_text("between 3 and 63 characters")
    assert_accessible(page, "Buckets step, bucket name error")
