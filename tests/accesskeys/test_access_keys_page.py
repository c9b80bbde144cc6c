"""The Access Keys page: the table, search, sort, paging and what it shows."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accesskeys.models import AccessKey
from console.models import Membership
from tests.helpers.factories import make_access_key, make_user


def url(project, query=""):
    return f"/projects/{project.public_id}/access-keys/{query}"


def names(response) -> list[str]:
    return [key.name for key in response.context["keys_page"].object_list]


def htmx(client, path, target="access-table"):
    return client.get(path, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=target)


@pytest.fixture
def three_keys(project, admin, member):
    now = timezone.now()
    make_access_key(project, admin, "beta", created_at=now - timedelta(days=1))
    make_access_key(project, member, "Alpha-backup", created_at=now - timedelta(days=3))
    make_access_key(project, admin, "gamma", created_at=now - timedelta(days=2))


def test_it_shows_the_title_button_and_columns(admin_client, project, three_keys):
    response = admin_client.get(url(project))
    html = response.content.decode()
    assert "<h1>Access Keys</h1>" in html
    assert f'hx-get="/projects/{project.public_id}/access-keys/new/"' in html
    assert "New Access Key" in html
    for column in ["Name", "Type", "Creator", "Date Created", "Expires"]:
        assert column in html
    beta = AccessKey.objects.get(name="beta")
    assert f'href="/projects/{project.public_id}/access-keys/{beta.id}/">beta</a>' in html
    assert "S3 Credentials" in html


def test_it_sorts_by_name_ascending_by_default(admin_client, project, three_keys):
    response = admin_client.get(url(project))
    assert names(response) == ["Alpha-backup", "beta", "gamma"]
    assert 'aria-sort="ascending"' in response.content.decode()


def test_it_sorts_names_without_regard_to_case(admin_client, project, admin, three_keys):
    make_access_key(project, admin, "Zeta")
    assert names(admin_client.get(url(project))) == ["Alpha-backup", "beta", "gamma", "Zeta"]
    descending = admin_client.get(url(project), {"sort": "-name"})
    assert names(descending) == ["Zeta", "gamma", "beta", "Alpha-backup"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-name", ["gamma", "beta", "Alpha-backup"]),
        ("created", ["Alpha-backup", "gamma", "beta"]),
        ("-created", ["beta", "gamma", "Alpha-backup"]),
        ("creator", ["beta", "gamma", "Alpha-backup"]),
        ("-creator", ["Alpha-backup", "beta", "gamma"]),
    ],
)
def test_it_sorts_each_column_both_ways(admin_client, project, three_keys, sort, expected):
    response = admin_client.get(url(project, f"?sort={sort}"))
    assert names(response) == expected
    direction = "descending" if sort.startswith("-") else "ascending"
    assert f'aria-sort="{direction}"' in response.content.decode()


def test_its_sort_links_toggle_the_direction_and_keep_the_search(admin_client, project, three_keys):
    html = admin_client.get(url(project, "?q=a&sort=name")).content.decode()

    def query_of(link_id):
        href = re.search(rf'id="{link_id}" href="([^"]*)"', html).group(1)
        return parse_qs(urlsplit(unescape(href)).query)

    assert query_of("sort-name") == {"q": ["a"], "sort": ["-name"]}
    # Dates sort newest first on the first click.
    assert query_of("sort-created") == {"q": ["a"], "sort": ["-created"]}


def test_it_searches_names_and_creator_emails_without_case(admin_client, project, three_keys):
    assert names(admin_client.get(url(project, "?q=ALPHA"))) == ["Alpha-backup"]
    assert names(admin_client.get(url(project, "?q=BOB@"))) == ["Alpha-backup"]
    assert names(admin_client.get(url(project, "?q=alice"))) == ["beta", "gamma"]


def test_it_says_when_a_search_matches_nothing(admin_client, project, three_keys):
    html = admin_client.get(url(project, "?q=zebra")).content.decode()
    assert "No access keys match “zebra”" in html
    assert "Clear search" in html
    assert "No access keys yet" not in html


def test_it_explains_access_keys_when_there_are_none(admin_client, project):
    html = admin_client.get(url(project)).content.decode()
    assert "No access keys yet" in html
    assert "S3 Credentials" in html and "Access Grant" in html and "API Key" in html
    assert html.count(f'hx-get="/projects/{project.public_id}/access-keys/new/"') == 2
    assert 'id="access-search"' not in html


def test_it_pages_ten_keys_at_a_time_by_default(admin_client, project, admin):
    for i in range(23):
        make_access_key(project, admin, f"key-{i:02d}")
    first = admin_client.get(url(project))
    assert names(first) == [f"key-{i:02d}" for i in range(10)]
    assert "Showing 1–10 of 23" in first.content.decode()
    assert first.context["next_url"].endswith("?page=2")
    assert first.context["previous_url"] == ""

    last = admin_client.get(url(project, "?page=3"))
    assert names(last) == ["key-20", "key-21", "key-22"]
    assert "Showing 21–23 of 23" in last.content.decode()
    assert last.context["next_url"] == ""


@pytest.mark.parametrize("size", [25, 50, 100])
def test_it_shows_the_chosen_page_size(admin_client, project, admin, size):
    for i in range(60):
        make_access_key(project, admin, f"key-{i:02d}")
    response = admin_client.get(url(project, f"?size={size}"))
    assert len(names(response)) == min(size, 60)
    assert f'<option value="{size}" selected>' in response.content.decode()


def test_it_honours_all_url_parameters_together(admin_client, project, admin):
    for i in range(30):
        make_access_key(project, admin, f"photos-{i:02d}")
        make_access_key(project, admin, f"logs-{i:02d}")
    response = admin_client.get(url(project, "?q=PHOTOS&sort=-name&size=25&page=2"))
    assert names(response) == ["photos-04", "photos-03", "photos-02", "photos-01", "photos-00"]
    html = response.content.decode()
    assert 'value="PHOTOS"' in html
    assert "Showing 26–30 of 30" in html
    assert parse_qs(urlsplit(response.context["previous_url"]).query) == {
        "q": ["PHOTOS"],
        "sort": ["-name"],
        "size": ["25"],
    }


@pytest.mark.parametrize(
    "query",
    ["?sort=password", "?size=7", "?size=abc", "?page=abc", "?page=-3", "?sort=&size=&page="],
)
def test_it_falls_back_to_defaults_on_bad_parameters(admin_client, project, admin, query):
    for i in range(12):
        make_access_key(project, admin, f"key-{i:02d}")
    response = admin_client.get(url(project, query))
    assert response.status_code == 200
    assert len(names(response)) == 10
    assert names(response)[0] == "key-00"


def test_it_shows_the_last_page_for_a_page_past_the_end(admin_client, project, admin):
    for i in range(12):
        make_access_key(project, admin, f"key-{i:02d}")
    assert names(admin_client.get(url(project, "?page=99"))) == ["key-10", "key-11"]


def test_it_answers_htmx_with_the_table_fragment_only(admin_client, project, three_keys):
    response = htmx(admin_client, url(project, "?q=beta"))
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="access-table"')
    assert "<h1>" not in html and "sidebar" not in html
    assert "beta" in html and "gamma" not in html
    assert "HX-Request" in response["Vary"]


def test_it_answers_a_refresh_with_the_whole_section(admin_client, project, three_keys):
    html = htmx(admin_client, url(project), target="access-keys").content.decode()
    assert html.lstrip().startswith('<section id="access-keys"')
    assert 'id="access-search"' in html and 'id="access-table"' in html
    assert "accessesChanged from:body" in html


def test_it_gives_a_history_restore_the_whole_page(admin_client, project, three_keys):
    response = admin_client.get(
        url(project), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<h1>Access Keys</h1>" in response.content.decode()


def test_it_is_a_404_for_outsiders(outsider_client, project, three_keys):
    assert outsider_client.get(url(project)).status_code == 404
    assert htmx(outsider_client, url(project)).status_code == 404


def test_it_hides_revoked_keys(admin_client, project, admin):
    make_access_key(project, admin, "kept")
    make_access_key(project, admin, "revoked", revoked_at=timezone.now())
    response = admin_client.get(url(project))
    assert names(response) == ["kept"]
    assert "revoked" not in response.content.decode()


def test_it_hides_other_projects_keys(admin_client, project, other_project, admin, outsider):
    make_access_key(other_project, outsider, "not-here")
    assert "not-here" not in admin_client.get(url(project)).content.decode()


def test_it_hides_the_creator_column_for_a_project_of_one(admin_client, project, admin):
    make_access_key(project, admin, "mine")
    response = admin_client.get(url(project))
    assert response.context["show_creator"] is False
    html = response.content.decode()
    assert "Creator" not in html
    assert "alice@example.com</td>" not in html


def test_it_shows_creators_when_the_project_has_several_members(admin_client, project, three_keys):
    html = admin_client.get(url(project)).content.decode()
    assert "Creator" in html
    assert "bob@example.com" in html
    assert "(former member)" not in html


def test_it_marks_keys_of_former_members(admin_client, project, admin):
    carol = make_user("carol@example.com")
    make_access_key(project, carol, "left-behind")
    make_access_key(project, admin, "mine")
    # Carol never was (or no longer is) a member: the only member is Alice,
    # yet two people made keys, so the column shows.
    html = admin_client.get(url(project)).content.decode()
    assert "Creator" in html
    assert 'carol@example.com <span class="muted">(former member)</span>' in html


def test_it_marks_a_removed_member_after_they_leave(admin_client, project, member, admin):
    make_access_key(project, member, "bobs-key")
    Membership.objects.filter(user=member, project=project).delete()
    html = admin_client.get(url(project)).content.decode()
    assert 'bob@example.com <span class="muted">(former member)</span>' in html


def test_it_shows_expiry_and_marks_expired_keys(admin_client, project, admin):
    now = timezone.now()
    make_access_key(project, admin, "forever")
    make_access_key(project, admin, "later", not_after=now.replace(year=now.year + 1))
    make_access_key(project, admin, "old", not_after=now - timedelta(days=1))
    response = admin_client.get(url(project))
    html = response.content.decode()
    assert "No expiration" in html
    assert (now.replace(year=now.year + 1)).strftime("%b %-d, %Y") in html
    assert html.count('<span class="badge badge-danger">Expired</span>') == 1
    rows = html.split("<tr")
    expired_row = next(r for r in rows if ">old<" in r)
    assert "Expired" in expired_row and 'class="is-expired"' in expired_row


def test_it_formats_the_creation_date(admin_client, project, admin):
    make_access_key(project, admin, "dated", created_at=datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
    assert "Jan 5, 2026" in admin_client.get(url(project)).content.decode()


def test_members_see_every_key_of_the_project(member_client, project, three_keys):
    assert len(names(member_client.get(url(project)))) == 3


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", ["", "?q=key", "?sort=-creator&size=50&page=2"])
def test_it_runs_the_same_number_of_queries_for_3_or_300_keys(
    admin_client, project, admin, member, query, django_assert_num_queries
):
    carol = make_user("carol@example.com")  # a former member, to exercise that path
    for i in range(3):
        make_access_key(project, [admin, member, carol][i % 3], f"key-{i:03d}")
    few = count_queries(admin_client, url(project, query))
    for i in range(3, 300):
        make_access_key(project, [admin, member, carol][i % 3], f"key-{i:03d}")
    with django_assert_num_queries(few):
        response = admin_client.get(url(project, query))
    assert response.status_code == 200
    assert few <= 9


def test_it_runs_the_same_number_of_queries_for_10_or_100_rows(
    admin_client, project, admin, member
):
    for i in range(120):
        make_access_key(project, [admin, member][i % 2], f"key-{i:03d}")
    assert count_queries(admin_client, url(project, "?size=10")) == count_queries(
        admin_client, url(project, "?size=100")
    )


def test_it_counts_up_to_a_bound_and_pages_as_far_as_it(admin_client, project, admin, monkeypatch):
    # Counting a million keys on every view costs as much as reading them: beyond
    # the bound the page says "more than" and pages reach as far as the bound.
    monkeypatch.setattr("console.paging.COUNT_BOUND", 20)
    for i in range(23):
        make_access_key(project, admin, f"key-{i:02d}")
    first = admin_client.get(url(project))
    html = first.content.decode()
    assert "Showing 1–10 of more than 20" in html
    assert "Page 1 of 2+" in html
    assert "Pages go as far as" not in html

    last = admin_client.get(url(project, "?page=99"))
    assert names(last) == [f"key-{i:02d}" for i in range(10, 20)]
    assert last.context["next_url"] == ""
    assert "Pages go as far as the first 20 keys in this order" in last.content.decode()
    # Sorting the other way reaches the keys past the bound.
    assert names(admin_client.get(url(project, "?sort=-name")))[:3] == [
        "key-22",
        "key-21",
        "key-20",
    ]


def test_it_counts_exactly_at_the_bound(admin_client, project, admin, monkeypatch):
    monkeypatch.setattr("console.paging.COUNT_BOUND", 20)
    for i in range(20):
        make_access_key(project, admin, f"key-{i:02d}")
    html = admin_client.get(url(project, "?page=2")).content.decode()
    assert "Showing 11–20 of 20" in html and "Page 2 of 2<" in html


def test_it_sorts_and_searches_creators_by_their_current_email(
    admin_client, project, admin, member, three_keys
):
    member.email = "zed@example.com"
    member.save()
    assert names(admin_client.get(url(project, "?sort=creator"))) == [
        "beta",
        "gamma",
        "Alpha-backup",
    ]
    assert names(admin_client.get(url(project, "?q=zed@"))) == ["Alpha-backup"]
    assert names(admin_client.get(url(project, "?q=bob@"))) == []


def test_it_sorts_keys_of_deleted_users_last_both_ways(admin_client, project, admin, three_keys):
    gone = make_user("dora@example.com")
    make_access_key(project, gone, "orphan")
    gone.delete()
    assert names(admin_client.get(url(project, "?sort=creator")))[-1] == "orphan"
    assert names(admin_client.get(url(project, "?sort=-creator")))[-1] == "orphan"
    assert names(admin_client.get(url(project, "?q=dora"))) == []


def test_it_counts_search_matches_up_to_a_smaller_bound(admin_client, project, admin, monkeypatch):
    monkeypatch.setattr("accesskeys.views.SEARCH_COUNT_BOUND", 12)
    for i in range(15):
        make_access_key(project, admin, f"key-{i:02d}")
    html = admin_client.get(url(project, "?q=key&page=2")).content.decode()
    assert "Showing 11–12 of more than 12" in html
    assert "Pages go as far as the first 12 matching keys in this order" in html
    assert "Showing 1–10 of 15" in admin_client.get(url(project)).content.decode()
