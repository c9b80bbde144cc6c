"""axe-core on every page of the console, as a person first sees it and in its
error states, at desktop and phone widths. Dialog steps are checked in the
tests that walk through them (test_new_access_*.py, test_projects.py)."""

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import assert_accessible, sign_in
from tests.helpers.factories import PASSWORD, make_key

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(params=WIDTHS.values(), ids=WIDTHS.keys())
def width(request, page):
    page.set_viewport_size({"width": request.param, "height": 844})
    return request.param


@pytest.fixture
def signed_in(page, live_server, admin, member, project, width):
    key = make_key(project, admin, name="backup-cleaner", buckets=("backups",), can_read=True)
    make_key(project, member, name="Deploy-bot", full_access=True)
    sign_in(page, live_server, admin.email, PASSWORD)
    expect(page.get_by_role("heading", name="Access Keys")).to_be_visible()
    return {"key": key, "base": f"{live_server.url}/projects/{project.public_id}"}


def test_it_finds_no_violation_on_the_sign_in_page(page, live_server, admin, width):
    page.goto(f"{live_server.url}/signin/")
    assert_accessible(page, "sign-in")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Incorrect email or password", exact=False)).to_be_visible()
    assert_accessible(page, "sign-in with an error")


PAGES = {
    "access keys": "/access-keys/",
    "access keys searched, no match": "/access-keys/?search=nothing-like-this",
    "buckets": "/buckets/",
    "team": "/team/",
    "audit": "/audit/",
    "audit filtered": "/audit/?risky=on&permission=can_delete",
    "settings": "/settings/",
    "audit with a filter it cannot apply": "/audit/?permission=no-such-thing",
}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_it_finds_no_violation_on_the_project_pages(page, signed_in, path):
    page.goto(signed_in["base"] + path)
    assert_accessible(page)


def test_it_finds_no_violation_on_key_details(page, signed_in):
    page.goto(f"{signed_in['base']}/access-keys/{signed_in['key'].pk}/")
    assert_accessible(page, "key details")


def test_it_finds_no_violation_on_the_account_pages(page, live_server, signed_in):
    page.goto(f"{live_server.url}/account/")
    assert_accessible(page, "account")
    page.goto(f"{live_server.url}/account/two-factor/")
    assert_accessible(page, "two-factor setup")
    page.get_by_label("Code from your app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, "two-factor setup with a wrong code")
    page.goto(f"{live_server.url}/account/api-tokens/")
    assert_accessible(page, "API tokens")


def test_it_finds_no_violation_on_a_form_error(page, signed_in):
    page.goto(signed_in["base"] + "/buckets/")
    page.get_by_label("Bucket name").fill("No_Such Name!")
    page.get_by_role("button", name="Create bucket", exact=False).click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, "buckets with a name error")
