import csv
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accesskeys.services.access_create import CreateAccessRequest, create_access
from console import audit
from console.models import AuditEvent, Membership
from tests.helpers.browser import SCREENSHOTS, assert_accessible, sign_in
from tests.helpers.factories import PASSWORD, make_key


def key_rows(page):
    """Rows of the Audit page's keys table (the event log names keys too)."""
    return page.get_by_role("table", name=re.compile("^Access keys")).get_by_role("row")


pytestmark = pytest.mark.e2e


def test_it_lets_an_admin_answer_who_can_delete_in_a_bucket(
    page, live_server, admin, member, project, screenshot
):
    # The Admin creates a key through the service the New Access dialog uses.
    created = create_access(
        project,
        admin,
        CreateAccessRequest(
            name="backup-cleaner",
            type="api_key",
            full_access=False,
            permissions=frozenset({"read", "list", "delete", "GetObjectRetention"}),
            buckets=("backups",),
            expires_at=timezone.now() + timedelta(days=5),
        ),
    )
    key = created.key
    # A Member cannot delete it: its row menu does not offer it, and a selection is
    # refused by the delete dialog; the key stays.
    sign_in(page, live_server, member.email, PASSWORD)
    page.get_by_role("button", name="Actions for backup-cleaner").click()
    expect(page.get_by_role("menuitem", name="Delete")).to_have_count(0)
    page.keyboard.press("Escape")
    page.get_by_role("checkbox", name="Select backup-cleaner").check()
    page.get_by_role("button", name="Delete 1 access key", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("alert")).to_contain_text("only the access keys they created")
    key.refresh_from_db()
    assert key.revoked_at is None
    page.context.clear_cookies()

    # An old full-access key of the Member's: it also reaches backups and can delete.
    make_key(
        project,
        member,
        name="old-root",
        full_access=True,
        created_at=timezone.now() - timedelta(days=120),
    )
    make_key(project, member, name="photos-only", buckets=["photos"])

    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", name="Audit", exact=True)).to_be_visible()
    old_root = key_rows(page).filter(has_text="old-root")
    expect(old_root).to_contain_text("Full access, no expiration")
    expect(old_root).to_contain_text("No expiration, older than 90 days")
    screenshot("audit-page")

    keys = page.get_by_role("form", name="Filter keys")
    keys.get_by_label("Bucket").select_option(label="backups")
    keys.get_by_label("Can").select_option(label="Delete")
    keys.get_by_label("Status").select_option(label="Active")
    keys.get_by_role("button", name="Filter keys").click()
    row = key_rows(page).filter(has_text="backup-cleaner")
    expect(row).to_contain_text("alice@example.com")
    expect(row).to_contain_text("Never")  # last used
    expect(key_rows(page).filter(has_text="old-root")).to_be_visible()
    expect(key_rows(page).filter(has_text="photos-only")).to_have_count(0)
    screenshot("audit-page-filtered")

    row.get_by_role("link", name="backup-cleaner").click()
    expect(page.get_by_role("heading", name="backup-cleaner")).to_be_visible()
    perms = page.get_by_role("list", name="Permissions", exact=True)
    expect(perms.get_by_role("listitem").filter(has_text="Delete")).to_have_class("allowed")
    expect(perms.get_by_role("listitem").filter(has_text="Write")).to_have_class("denied")
    lock = page.get_by_role("list", name="Object lock permissions")
    expect(lock.get_by_role("listitem").filter(has_text="GetObjectRetention")).to_have_class(
        "allowed"
    )
    expect(page.get_by_text("API Key").first).to_be_visible()
    screenshot("key-details")

    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export keys as CSV").click()
    assert download.value.suggested_filename.startswith("alpha-access-keys-")
    with open(download.value.path(), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    # The export follows the filters: keys that can delete in backups.
    assert [r["Name"] for r in rows] == ["backup-cleaner", "old-root"]
    cleaner = rows[0]
    assert cleaner["Permissions"] == "Read, List, Delete"
    assert cleaner["Buckets"] == "backups"
    assert cleaner["Created by"] == "alice@example.com"
    assert cleaner["Last used"] == "Never"
    assert cleaner["Expires"].startswith(key.not_after.date().isoformat())


def test_it_adds_a_member_who_sets_a_password(
    page, browser, live_server, admin, member, project, screenshot, mail_server
):
    """An Admin invites a new email; the invitee opens the mailed link (read from
    the SMTP server), sets a password and sees the project."""
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Team")).to_be_visible()
    expect(page.get_by_role("rowheader", name=re.compile("bob@example.com"))).to_be_visible()
    screenshot("team-page")

    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_label("Role", exact=True).select_option(label="Member")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("Invitation sent to dana@example.com.")).to_be_visible()
    mail_server.wait_for(1)
    link = mail_server.last_link("dana@example.com")
    assert "/invitations/" in link
    assert link not in page.content()
    expect(page.get_by_role("rowheader", name=re.compile("dana@example.com"))).to_be_visible()
    screenshot("team-added-with-link")
    page.set_viewport_size({"width": 390, "height": 800})
    # The page fits a phone: the tables scroll inside their cards, nothing past the edge.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("team-added-with-link-390")
    page.set_viewport_size({"width": 1280, "height": 860})

    # The only Admin is not offered what the rules refuse: stepping down or leaving.
    alice_row = page.get_by_role("row").filter(has_text="alice@example.com")
    expect(alice_row.get_by_text("The only Admin.")).to_be_visible()
    expect(alice_row.get_by_role("combobox")).to_have_count(0)
    expect(alice_row.get_by_role("button")).to_have_count(0)
    assert_accessible(page, "team with an invitation link")

    # Dana, in her own browser, follows the link.
    dana = browser.new_context(viewport={"width": 390, "height": 800})
    dana_page = dana.new_page()
    dana_page.goto(link)
    expect(dana_page.get_by_role("heading", name="Set your password")).to_be_visible()
    # The address bar no longer holds the token.
    assert dana_page.url.endswith("/invitation/")
    dana_page.get_by_label("New password").fill("dana-picks-a-good-one")
    dana_page.get_by_label("Confirm password").fill("dana-picks-a-good-one")
    SCREENSHOTS.mkdir(exist_ok=True)
    dana_page.screenshot(path=str(SCREENSHOTS / "set-password.png"), full_page=True)
    dana_page.get_by_role("button", name="Set password and join").click()
    expect(dana_page.get_by_role("heading", name="Access Keys", exact=True)).to_be_visible()
    expect(dana_page.get_by_text("dana@example.com")).to_be_visible()

    # The link works once.
    dana_page.goto(link)
    expect(dana_page.get_by_role("heading", name="This link is not valid")).to_be_visible()
    dana_page.screenshot(path=str(SCREENSHOTS / "invitation-invalid.png"), full_page=True)
    dana.close()


def test_it_invites_someone_who_has_an_account(
    page, browser, live_server, admin, outsider, project, screenshot, mail_server
):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/team/")
    page.get_by_label("Email").fill(outsider.email)
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text(f"Invitation sent to {outsider.email}.")).to_be_visible()
    mail_server.wait_for(1)
    link = mail_server.last_link(outsider.email)

    charlie = browser.new_context(viewport={"width": 390, "height": 800})
    charlie_page = charlie.new_page()
    charlie_page.goto(link)
    expect(charlie_page.get_by_role("heading", name="Sign in to join Alpha")).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    charlie_page.screenshot(path=str(SCREENSHOTS / "invitation-sign-in.png"), full_page=True)
    charlie_page.get_by_role("link", name=f"Sign in as {outsider.email}").click()
    charlie_page.get_by_label("Email").fill(outsider.email)
    charlie_page.get_by_label("Password").fill(PASSWORD)
    charlie_page.get_by_role("button", name="Sign in").click()
    expect(charlie_page.get_by_role("heading", name="Join Alpha")).to_be_visible()
    charlie_page.screenshot(path=str(SCREENSHOTS / "invitation-join.png"), full_page=True)
    charlie_page.get_by_role("button", name="Join Alpha").click()
    expect(charlie_page.get_by_role("heading", name="Access Keys", exact=True)).to_be_visible()
    expect(charlie_page.get_by_text("Welcome to Alpha.")).to_be_visible()
    charlie.close()

    page.reload()
    expect(page.get_by_role("rowheader", name=re.compile(outsider.email))).to_be_visible()


def test_it_offers_the_only_admin_nothing_until_another_admin_exists(
    page, live_server, admin, member, project, screenshot
):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/team/")
    alice_row = page.get_by_role("row").filter(has_text="alice@example.com")
    expect(alice_row.get_by_role("button", name="Remove alice@example.com")).to_have_count(0)
    expect(alice_row.get_by_label("Role of alice@example.com", exact=True)).to_have_count(0)
    expect(alice_row.get_by_text("Make another member an Admin")).to_be_visible()
    screenshot("team-only-admin")

    bob_row = page.get_by_role("row").filter(has_text="bob@example.com")
    bob_row.get_by_label("Role of bob@example.com", exact=True).select_option(label="Admin")
    bob_row.get_by_role("button", name="Save role of bob@example.com").click()
    expect(page.get_by_text("bob@example.com is now Admin.")).to_be_visible()
    # Two Admins: either may now step down or leave.
    expect(alice_row.get_by_role("button", name="Remove alice@example.com")).to_be_visible()
    expect(alice_row.get_by_label("Role of alice@example.com", exact=True)).to_be_visible()
    expect(page.get_by_text("The only Admin.")).to_have_count(0)
    assert_accessible(page, "team with two Admins")


CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)


def test_it_reads_the_audit_page_like_a_report(
    page, live_server, admin, member, project, screenshot
):
    for name in ["zeta", "Alpha-key", "beta", "Gamma"]:
        make_key(project, admin, name=name)
    for i in range(40):
        audit.write(
            AuditEvent.Action.ROLE_CHANGED,
            project=project,
            actor=admin,
            user_agent=CHROME_ON_WINDOWS,
            member=member.email,
            old_role="member",
            new_role="admin" if i % 2 else "member",
        )
    audit.write(
        AuditEvent.Action.PROJECT_CREATED,
        project=project,
        actor=admin,
        user_agent=CHROME_ON_WINDOWS,
        name="Alpha",
        passphrase_mode="user",
        path_encryption=True,
    )
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/audit/")

    # Names in the order a person expects, whatever their case.
    names = page.get_by_role("table", name=re.compile("^Access keys")).get_by_role("rowheader")
    expect(names).to_have_text(
        [re.compile(f"^{n}") for n in ["Alpha-key", "beta", "Gamma", "zeta"]]
    )

    # Details in sentences; the browser in a few words, the whole string on demand.
    events = page.get_by_role("table", name=re.compile("^Event log"))
    expect(
        events.get_by_text("Changed bob@example.com from Member to Admin.").first
    ).to_be_visible()
    expect(events).not_to_contain_text("True")
    expect(events).not_to_contain_text("None")
    agent = events.get_by_text("Chrome 120 on Windows").first
    expect(agent).to_be_visible()
    expect(events.get_by_text(CHROME_ON_WINDOWS).first).to_be_hidden()
    agent.click()
    expect(events.get_by_text(CHROME_ON_WINDOWS).first).to_be_visible()
    # The sign-in of this very browser.
    expect(events.get_by_text(re.compile(r"^Headless ?Chrome \d+ on Linux")).first).to_be_visible()
    assert_accessible(page, "audit, a user agent opened")
    screenshot("audit-report")

    # Paging a person can see: where they are, and every way on.
    pages = page.get_by_role("navigation", name="Event log pages")
    expect(pages).to_contain_text("Showing 1–25 of 42 events")
    expect(pages.get_by_role("link", name="Page 1, current")).to_have_attribute(
        "aria-current", "page"
    )
    pages.get_by_role("link", name="Page 2", exact=True).click()
    expect(pages).to_contain_text("Showing 26–42 of 42 events")
    expect(pages.get_by_role("link", name="Next")).to_have_count(0)
    pages.get_by_role("link", name="Previous").click()
    expect(pages).to_contain_text("Showing 1–25 of 42 events")
    pages.get_by_role("link", name="Next").click()
    expect(pages).to_contain_text("Showing 26–42 of 42 events")
    assert_accessible(page, "audit, page 2")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page, "audit, page 2, at 390 px")
    screenshot("audit-report-390")


@pytest.mark.parametrize("width", [1280, 390])
def test_it_asks_in_a_dialog_before_removing_a_member(
    page, live_server, admin, member, project, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 844})
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/team/")
    remove = page.get_by_role("button", name="Remove bob@example.com")
    remove.click()
    dialog = page.get_by_role("dialog", name="Remove bob@example.com?")
    expect(dialog).to_contain_text("They have no live access keys in Alpha.")
    screenshot(f"team-remove-dialog-{width}", full_page=False)
    assert_accessible(page, f"remove a member dialog at {width} px")

    # Cancel changes nothing and gives focus back to the button.
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(remove).to_be_focused()
    assert Membership.objects.filter(user=member, project=project).exists()

    remove.click()
    page.get_by_role("dialog", name="Remove bob@example.com?").get_by_role(
        "button", name="Remove"
    ).click()
    expect(page.get_by_text("bob@example.com was removed from Alpha.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="bob@example.com")).to_have_count(0)


def test_it_asks_in_a_dialog_before_cancelling_an_invitation(page, live_server, admin, project):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/team/")
    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_role("button", name="Add member").click()
    page.get_by_role("button", name="Cancel the invitation of dana@example.com").click()
    dialog = page.get_by_role("dialog", name="Cancel the invitation of dana@example.com?")
    assert_accessible(page, "cancel an invitation dialog")
    dialog.get_by_role("button", name="Cancel invitation").click()
    expect(page.get_by_text("The invitation of dana@example.com no longer works.")).to_be_visible()
