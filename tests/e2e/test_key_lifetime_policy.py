"""The project expiry policy in Chromium: an Admin sets it on the Settings page, and
the New Access dialog then offers only the expirations it allows."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from console.models import AuditEvent
from tests.helpers.browser import assert_accessible, sign_in, wait_for_htmx
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 390])
def test_an_admin_limits_how_long_new_keys_last(
    page, live_server, admin, project, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/settings/")
    section = page.get_by_role("region", name="Access key lifetime")
    limit = section.get_by_label("Maximum lifetime of new access keys")
    expect(limit).to_have_value("")
    limit.select_option(label="1 month")
    section.get_by_role("button", name="Save limit").click()
    expect(page.get_by_text("New access keys now last at most 1 month.")).to_be_visible()
    expect(page.get_by_label("Maximum lifetime of new access keys")).to_have_value("1m")
    screenshot(f"settings-key-lifetime-{width}")
    assert_accessible(page, "settings with a key lifetime")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PROJECT_UPDATED).count() == 1


def advance_to_expiration(page, live_server, project, user):
    sign_in(page, live_server, user.email, PASSWORD)
    page.get_by_role("button", name="New Access Key").first.click()
    dialog = page.get_by_role("dialog", name="New Access")
    dialog.get_by_label("Name", exact=True).fill("ci-deploy")
    dialog.get_by_label("API Key", exact=True).check()
    dialog.get_by_role("button", name="Next").click()
    wait_for_htmx(page)
    expect(dialog.get_by_text("expiring in")).to_be_visible()
    dialog.get_by_label("Advanced").check()
    dialog.get_by_role("button", name="Next").click()
    for heading in ("Permissions", "Object lock permissions", "Bucket notification permissions"):
        expect(dialog.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_label("All Buckets")).to_be_checked()
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Expiration")).to_be_visible()
    return dialog


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dialog_offers_only_allowed_expirations(
    page, live_server, admin, project, screenshot, width
):
    project.max_key_lifetime = "1m"
    project.save()
    page.set_viewport_size({"width": width, "height": 900})
    dialog = advance_to_expiration(page, live_server, project, admin)

    expect(dialog.get_by_label("No expiration")).to_have_count(0)
    expect(dialog.get_by_label("6 months")).to_have_count(0)
    expect(dialog.get_by_label("1 year")).to_have_count(0)
    expect(dialog.get_by_label("1 month")).to_be_checked()
    expect(dialog.get_by_text("can last at most 1 month")).to_be_visible()
    screenshot(f"new-access-expiration-limited-{width}", full_page=False)
    assert_accessible(page, "expiration step with a limit")

    dialog.get_by_label("1 week").check()
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Confirm")).to_be_visible()
    dialog.get_by_role("button", name="Create Access").click()
    expect(dialog.get_by_role("heading", name="Access created")).to_be_visible()
    key = AccessKey.objects.get(name="ci-deploy")
    assert timedelta(days=6, hours=23) < key.not_after - key.created_at <= timedelta(days=7)


def test_a_custom_date_past_the_limit_is_refused_on_the_step(
    page, live_server, admin, project, screenshot
):
    project.max_key_lifetime = "1w"
    project.save()
    dialog = advance_to_expiration(page, live_server, project, admin)
    dialog.get_by_label("Custom date").check()
    date = dialog.get_by_label("Expiration date")
    latest = (datetime.now(UTC) + timedelta(days=7)).date()
    expect(date).to_have_attribute("max", latest.isoformat())
    date.fill((latest + timedelta(days=30)).isoformat())
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("alert")).to_contain_text("can last at most 1 week")
    screenshot("new-access-expiration-refused")
    assert not AccessKey.objects.exists()
    assert_accessible(page, "expiration step refusing a date past the limit")
