"""The database fails as the New Access dialog creates a key: the dialog says so,
and nothing was created (the server side: tests/console/test_database_errors.py)."""

from unittest import mock

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from console.views import DATABASE_DOWN
from tests.helpers.browser import assert_accessible, name_step, open_dialog, wait_for_htmx

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dialog_says_the_database_is_unavailable(
    page, live_server, project, admin, screenshot, no_console_errors, width
):
    page.set_viewport_size({"width": width, "height": 900})
    dialog = open_dialog(page, live_server, project, admin)
    name_step(dialog, "ci-key", "API Key")
    dialog.get_by_label("Full Access").check()
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Confirm", exact=True)).to_be_visible()
    wait_for_htmx(page)
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch("console.audit.AuditEvent.objects.create", side_effect=lost):
        dialog.get_by_role("button", name="Create Access").click()
        expect(dialog.get_by_role("alert")).to_have_text(DATABASE_DOWN)
    # The dialog stays on its step, so the person can try again.
    expect(dialog.get_by_role("button", name="Create Access")).to_be_visible()
    screenshot(f"new-access-database-unavailable-{width}", full_page=False)
    assert_accessible(page, "database unavailable")
    assert not AccessKey.objects.exists()
    # The 503 was the point of the test: the browser logged it.
    no_console_errors[:] = [e for e in no_console_errors if "503" not in e]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_page_says_the_database_is_unavailable(
    page, live_server, project, admin, screenshot, no_console_errors, width
):
    page.set_viewport_size({"width": width, "height": 700})
    open_dialog(page, live_server, project, admin)
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch("accesskeys.views.render", side_effect=lost):
        response = page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/")
    assert response.status == 503
    expect(page.get_by_role("heading", name="Database unavailable")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(DATABASE_DOWN)
    screenshot(f"database-unavailable-page-{width}")
    assert_accessible(page, "database unavailable page")
    no_console_errors[:] = [e for e in no_console_errors if "503" not in e]
