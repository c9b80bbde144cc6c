"""The Audit page's event rows, written in Python: every text escaped, every cell there."""

from datetime import UTC, datetime

from django.urls import reverse

from console import audit, event_rows
from console.models import AuditEvent

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def test_it_escapes_every_text_an_event_row_shows(admin_client, project, admin):
    audit.write(
        AuditEvent.Action.BUCKET_CREATED,
        project=project,
        email=f"{HOSTILE}@example.com",
        ip_address="203.0.113.9",
        user_agent=f"{FIREFOX} {HOSTILE}",
        bucket=HOSTILE,
    )
    audit.write(AuditEvent.Action.BUCKET_CREATED, project=project, user_agent=HOSTILE)
    body = admin_client.get(reverse("audit", args=[project.public_id])).content.decode()
    assert HOSTILE not in body
    assert f'<td data-label="Who">{ESCAPED}@example.com</td>' in body
    assert f"“{ESCAPED}”" in body  # in the details' sentence
    assert "<summary>Firefox 133 on Linux<span" in body
    assert f'<p class="mono small">{FIREFOX} {ESCAPED}</p>' in body
    # A user agent that names no browser: shown as it is, escaped.
    assert f'<td data-label="User agent" class="ua">{ESCAPED}</td>' in body


def test_it_writes_each_cell_of_a_row(db):
    event = AuditEvent(
        action="sign_in",
        actor_email="",
        ip_address=None,
        user_agent="",
        details={},
        created_at=datetime(2026, 3, 1, 9, 5, 7, 250, tzinfo=UTC),
    )
    html = event_rows.rows([event])
    assert (
        '<td data-label="When (UTC)"><time datetime="2026-03-01T09:05:07.000250+00:00">'
        "Mar 1, 2026 09:05:07</time></td>"
    ) in html
    assert '<td data-label="Action" class="strong">Signed in</td>' in html
    for label in ("Who", "Details", "IP address", "User agent"):
        assert f'data-label="{label}"' in html
    assert html.count(">—</td>") == 4
