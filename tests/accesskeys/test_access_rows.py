"""The Access Keys table's rows, written in Python (accesskeys/access_rows.py): every
text a row shows comes out escaped, and a row says what the template said."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.helpers.factories import make_access_key, make_user

MARKUP = '<script>alert("x")</script>&\''
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;"


def page(client, project) -> str:
    return client.get(reverse("accesskeys:index", args=[project.public_id])).text


def test_it_escapes_every_text_a_row_shows(admin_client, project, admin):
    stranger = make_user(f"{MARKUP}@example.com".replace(" ", ""))  # a former member's email
    make_access_key(
        project,
        stranger,
        f"name {MARKUP}",
        prefixes=[["photos", f"2026/{MARKUP}/"]],
        other_restrictions=[f"Only from {MARKUP}"],
        share_url="https://link.example/s/x",
    )
    html = page(admin_client, project)
    assert "<script>" not in html
    assert f"name {ESCAPED}" in html  # the name: its link, its box's and its menu's labels
    assert html.count(f"name {ESCAPED}") == 4
    assert f"Only objects under photos/2026/{ESCAPED}/" in html
    assert f"Only from {ESCAPED}" in html
    assert f"{ESCAPED}@example.com" in html
    assert "(former member)" in html
    assert "Public link" in html


def test_it_shows_dates_expiry_and_last_use_as_the_page_said(admin_client, project, admin):
    created = timezone.now().replace(year=2026, month=3, day=7, hour=9, minute=5)
    make_access_key(
        project,
        admin,
        "expired-key",
        created_at=created,
        not_after=timezone.now() - timedelta(days=1),
        last_used_at=created,
    )
    make_access_key(project, admin, "fresh-key")
    html = page(admin_client, project)
    assert f'<time datetime="{created.isoformat()}">Mar 7, 2026</time>' in html
    assert 'title="Mar 7, 2026, 09:05 UTC">Mar 7, 2026</time>' in html
    assert '<tr class="is-expired">' in html
    assert '<span class="badge badge-danger">Expired</span>' in html
    assert '<span class="muted">No expiration</span>' in html
    assert '<span class="muted">Never</span>' in html


def test_a_member_sees_changes_offered_only_for_their_own_keys(
    member_client, project, admin, member
):
    mine = make_access_key(project, member, "mine")
    theirs = make_access_key(project, admin, "theirs")
    html = page(member_client, project)
    base = reverse("accesskeys:index", args=[project.public_id])
    assert f'href="{base}{mine.id}/edit/"' in html
    assert f'hx-get="{base}{mine.id}/rotate/"' in html
    assert f'href="{base}{theirs.id}/"' in html  # Details, for every key
    assert f"{base}{theirs.id}/edit/" not in html
    assert f"{base}{theirs.id}/rotate/" not in html
    assert f"ids={theirs.id}" not in html
