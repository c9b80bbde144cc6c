"""After a full-page form comes back with errors, focus is on the first field in error."""

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import assert_accessible, sign_in
from tests.helpers.factories import PASSWORD, make_key

pytestmark = pytest.mark.e2e


def test_a_wrong_password_focuses_the_password(page, live_server, admin):
    sign_in(page, live_server, admin.email, "not the password")
    expect(page.get_by_text("Incorrect email or password.")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_focused()
    expect(page.get_by_label("Email")).to_have_value(admin.email)
    assert_accessible(page, "sign-in, wrong password")


def test_an_api_token_without_a_name_focuses_the_name(page, live_server, project, admin):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/account/api-tokens/")
    page.get_by_label("Name").fill(" ")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("Enter a name for the token.")).to_be_visible()
    expect(page.get_by_label("Name")).to_be_focused()


def test_a_rename_to_nothing_focuses_the_name(page, live_server, project, admin):
    key = make_key(project, admin, "to-rename")
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/{key.id}/edit/")
    page.get_by_label("Description").fill("something")
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_label("Name", exact=True)).to_be_focused()


def test_a_bad_member_email_focuses_the_email(page, live_server, project, admin):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/team/")
    form = page.get_by_role("region", name="Add a member")
    form.get_by_label("Email").fill(admin.email)
    form.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("is already a member of this project")).to_be_visible()
    expect(page.get_by_role("region", name="Add a member").get_by_label("Email")).to_be_focused()
