""" "Last used": the Access Keys column (sortable), key details and the Audit page filter."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.helpers.factories import make_access_key


def names(response) -> list[str]:
    return [key.name for key in response.context["keys_page"].object_list]


@pytest.fixture
def used_keys(project, admin):
    now = timezone.now()
    old = now - timedelta(days=200)
    make_access_key(project, admin, "yesterday", last_used_at=now - timedelta(days=1))
    make_access_key(project, admin, "never", created_at=old)
    make_access_key(project, admin, "stale", created_at=old, last_used_at=now - timedelta(days=120))
    make_access_key(project, admin, "new-never")  # created now, not used yet
    make_access_key(project, admin, "just-now", last_used_at=now - timedelta(minutes=2))


def test_the_list_shows_when_each_key_was_last_used(admin_client, project, used_keys):
    html = admin_client.get(f"/projects/{project.public_id}/access-keys/").content.decode()

    assert 'id="sort-last_used"' in html
    assert ">Last used<" in html
    assert 'data-label="Last used">' in html
    assert html.count('<span class="muted">Never</span>') == 2


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        # Most recently used first; never-used keys last.
        ("-last_used", ["just-now", "yesterday", "stale", "new-never", "never"]),
        # Stalest first: never used, then the oldest use.
        ("last_used", ["never", "new-never", "stale", "yesterday", "just-now"]),
    ],
)
def test_the_list_sorts_by_last_used(admin_client, project, used_keys, sort, expected):
    response = admin_client.get(f"/projects/{project.public_id}/access-keys/?sort={sort}")
    assert names(response) == expected


def test_the_last_used_column_sorts_most_recent_first_on_the_first_click(
    admin_client, project, used_keys
):
    response = admin_client.get(f"/projects/{project.public_id}/access-keys/")
    column = next(c for c in response.context["columns"] if c["column"].key == "last_used")
    assert column["sort_url"].endswith("?sort=-last_used")


def test_key_details_show_last_used(admin_client, project, admin):
    used = timezone.now().replace(year=2026, month=3, day=4, hour=5, minute=6)
    key = make_access_key(project, admin, "k", last_used_at=used)

    html = admin_client.get(f"/projects/{project.public_id}/access-keys/{key.id}/").content
    assert "Mar 4, 2026, 05:06 UTC" in html.decode()


def test_the_audit_filter_finds_keys_not_used_in_90_days(admin_client, project, used_keys):
    response = admin_client.get(f"/projects/{project.public_id}/audit/?unused=on")

    assert [key.name for key in response.context["key_page"]] == ["never", "stale"]
    assert "Not used in 90 days" in response.content.decode()


def test_the_keys_csv_follows_the_not_used_filter(admin_client, project, used_keys):
    response = admin_client.get(f"/projects/{project.public_id}/audit/keys.csv?unused=on")
    rows = b"".join(response.streaming_content).decode().splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["never", "stale"]
