"""The API tokens page in Chromium: from the user's corner of the side menu,
create a token that is shown once, use it, see it listed, revoke it."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.helpers.browser import sign_in
from tests.helpers.factories import PASSWORD, bearer

pytestmark = pytest.mark.e2e


def shoot(page, screenshot, name):
    screenshot(f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 860})


def test_a_user_creates_uses_and_revokes_a_token(page, live_server, admin, project, screenshot):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_role("link", name="API tokens").click()  # under the user's email
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    expect(page.get_by_text("You have no API tokens yet")).to_be_visible()
    shoot(page, screenshot, "api-tokens-empty")

    page.get_by_label("Name").fill("deploy script")
    page.get_by_label("Project").select_option(label="Alpha (Admin)")
    page.get_by_label("Expires").select_option(label="30 days")
    page.get_by_role("button", name="Create token").click()

    expect(page.get_by_text("it will not be shown again")).to_be_visible()
    token = page.get_by_label("New API token").input_value()
    assert re.fullmatch(r"akc_[A-Za-z0-9_-]{43}", token)
    row = page.get_by_role("row", name=re.compile("deploy script"))
    expect(row.get_by_role("cell", name="Alpha")).to_be_visible()
    expect(row.get_by_role("cell", name="Never")).to_be_visible()
    shoot(page, screenshot, "api-tokens-created")

    # The script uses it; the page then says when.
    response = Client().get(f"/api/v1/projects/{project.public_id}/buckets", **bearer(token))
    assert response.status_code == 200
    page.goto(page.url)  # a fresh GET: the token is not shown again
    expect(page.get_by_label("New API token")).to_have_count(0)
    row = page.get_by_role("row", name=re.compile("deploy script"))
    expect(row.get_by_role("cell", name="Never")).to_have_count(0)
    shoot(page, screenshot, "api-tokens-list")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke deploy script").click()
    expect(page.get_by_text("Revoked the API token “deploy script”.")).to_be_visible()
    expect(page.get_by_text("You have no API tokens yet")).to_be_visible()
    assert (
        Client().get(f"/api/v1/projects/{project.public_id}/buckets", **bearer(token)).status_code
        == 401
    )


def test_the_page_links_to_the_interactive_docs(page, live_server, admin, project, screenshot):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/account/api-tokens/")
    page.get_by_role("link", name="REST API").click()
    expect(page).to_have_url(re.compile(r"/api/v1/docs$"))
    expect(page.get_by_role("heading", name=re.compile("Access Keys console API"))).to_be_visible()
    expect(page.get_by_text("/api/v1/projects/{project_id}/accesses").first).to_be_visible()
    screenshot("api-docs-1280")


def test_a_member_without_two_factor_cannot_make_or_use_a_token(
    page, live_server, member, project, screenshot
):
    """Issue 19: a project's "require two-factor" held for its pages only; a Member
    without it made a token on this page and read and created keys with it."""
    from tests.helpers.factories import api_token_for

    old_token = api_token_for(member, project)  # made before the requirement
    project.require_two_factor = True
    project.save()

    sign_in(page, live_server, member.email, PASSWORD)
    page.goto(f"{live_server.url}/account/api-tokens/")
    expect(page.get_by_text("1 token is paused")).to_be_visible()
    expect(page.get_by_text("Paused: needs two-factor")).to_be_visible()
    page.get_by_label("Name").fill("sneaky")
    page.get_by_label("Project").select_option(label="Alpha (Member)")
    page.get_by_role("button", name="Create token").click()
    expect(
        page.get_by_text("“Alpha” requires two-factor authentication. Turn it on")
    ).to_be_visible()
    expect(page.get_by_label("New API token")).to_have_count(0)
    shoot(page, screenshot, "api-tokens-paused")

    response = Client().get(f"/api/v1/projects/{project.public_id}/accesses", **bearer(old_token))
    assert response.status_code == 401
    assert "requires two-factor authentication" in response.json()["detail"]
