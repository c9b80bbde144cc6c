"""Issue 23, point 14: the Audit page at 1280 px: the event log fits its card,
key names wrap between words, expiry times name their time zone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from console import audit
from console.models import AuditEvent
from tests.helpers.browser import assert_accessible, sign_in
from tests.helpers.factories import PASSWORD, make_key

pytestmark = pytest.mark.e2e

FIREFOX_ON_LINUX = (
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 "
    "SomeCorporateProxy/4.2.1 (compatible; +https://proxy.example.com/about)"
)
LONG_NAME = "nightly backup of the photos bucket for the archive team"


def fill(project, admin, member):
    make_key(
        project,
        admin,
        name=LONG_NAME,
        buckets=["photos", "backups"],
        not_after=timezone.now() + timedelta(days=30),
    )
    for i in range(5):
        audit.write(
            AuditEvent.Action.ROLE_CHANGED,
            project=project,
            actor=admin,
            ip_address="2001:db8:85a3::8a2e:370:7334",
            user_agent=FIREFOX_ON_LINUX,
            member=member.email,
            old_role="member",
            new_role="admin" if i % 2 else "member",
        )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_audit_page_fits_and_reads_well(
    page, live_server, admin, member, project, screenshot, width
):
    fill(project, admin, member)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/audit/")

    events = page.get_by_role("table", name=re.compile("^Event log"))
    expect(events).to_be_visible()
    # The whole table fits in its card: nothing (the User agent column) is cut or
    # hidden behind a scrollbar.
    card = page.locator("section.audit-section").filter(has=events)
    table_width = events.evaluate("t => t.scrollWidth")
    card_width = card.evaluate("c => c.clientWidth")
    assert table_width <= card_width, f"event log {table_width} px wide in a {card_width} px card"
    wrap = card.locator(".table-wrap")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")
    agent = events.get_by_text(re.compile("^Firefox 133 on")).first
    agent.scroll_into_view_if_needed()
    expect(agent).to_be_in_viewport(ratio=1)

    # The key's name wraps between words, never inside one.
    name = page.get_by_role("link", name=LONG_NAME)
    lines = name.evaluate(
        """a => {
            const range = document.createRange(), text = a.firstChild, tops = [];
            const words = [];
            let start = 0;
            for (const word of text.data.split(' ')) {
                range.setStart(text, start); range.setEnd(text, start + word.length);
                const rects = [...range.getClientRects()];
                words.push({word, lines: new Set(rects.map(r => Math.round(r.top))).size});
                start += word.length + 1;
            }
            return words;
        }"""
    )
    assert all(w["lines"] == 1 for w in lines), lines

    # Expiry times say which time zone they are in.
    keys = page.get_by_role("table", name=re.compile("^Access keys"))
    expires = keys.get_by_role("row", name=re.compile(LONG_NAME)).get_by_role("cell").nth(4)
    expect(expires).to_have_text(re.compile(r"\d{2}:\d{2} UTC$"))

    screenshot(f"audit-{width}")
    assert_accessible(page, f"Audit at {width} px")
