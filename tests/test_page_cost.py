"""What a request costs, counted rather than timed (benchmarks.page_cost times it):
the queries of the main views, the middleware the auth service API path runs, and
the weight of the static files of the Access Keys page and the New Access dialog."""

import re
from html.parser import HTMLParser

import brotli
import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from accesskeys.access_table import COLUMNS
from accesskeys.models import AccessKey
from accesskeys.services.access_create import CreateAccessRequest, create_access
from console.middleware import MACHINE_PATH_PREFIXES
from tests.helpers.factories import make_access_key, make_user

# Of these, two are every signed-in page's: the session and the user.
PAGE_QUERIES = {
    # + the user's memberships (the project and the switcher), the project's members,
    # the page's rows (a first page: no ids first, console/paging.py). No count: the
    # project row carries it (Project.access_key_count).
    "keys": 5,
    "keys fragment": 5,
    # + memberships, the key with its creator, its replacement, the project's members
    # (a key of all buckets, neither replacing nor registered from another).
    "key details": 6,
    # + memberships.
    "new access": 3,
    # + memberships, the project's members, invitations.
    "team": 5,
}


@pytest.fixture
def keys(project, admin, member):
    carol = make_user("carol@example.com")  # a former member with a key
    return [
        make_access_key(project, [admin, member, carol][i % 3], f"key-{i:03d}") for i in range(30)
    ]


def urls(project, keys) -> dict[str, tuple[str, dict]]:
    base = reverse("accesskeys:index", args=[project.public_id])
    htmx = {"HX-Request": "true"}
    return {
        "keys": (base, {}),
        "keys fragment": (base + "?page=2", {**htmx, "HX-Target": "access-table"}),
        "key details": (reverse("accesskeys:detail", args=[project.public_id, keys[4].id]), {}),
        "new access": (reverse("accesskeys:new", args=[project.public_id]), htmx),
        "team": (reverse("team", args=[project.public_id]), {}),
    }


@pytest.mark.parametrize("view", PAGE_QUERIES)
def test_it_answers_each_main_view_in_its_number_of_queries(
    admin_client, project, keys, view, django_assert_num_queries
):
    url, headers = urls(project, keys)[view]
    with django_assert_num_queries(PAGE_QUERIES[view]):
        assert admin_client.get(url, headers=headers).status_code == 200


def test_it_answers_the_audit_page_in_as_many_queries_for_3_or_60_keys(
    admin_client, project, admin, member, django_assert_num_queries
):
    url = reverse("audit", args=[project.public_id])
    for i in range(3):
        make_access_key(project, [admin, member][i % 2], f"key-{i:03d}")
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    for i in range(3, 60):
        make_access_key(project, [admin, member][i % 2], f"key-{i:03d}")
    with django_assert_num_queries(len(few)):
        assert admin_client.get(url + "?type=s3").status_code == 200


def test_no_view_scans_every_key_once_sqlite_has_counted_them(
    admin_client, project, admin, member, admin_token
):
    """SQLite plans from the statistics ANALYZE keeps (which `PRAGMA optimize` writes
    too): a join to a key's replacement, whose column is NULL for nearly every key,
    then read every key for each row. No view's query may scan the keys' table."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner; PostgreSQL keeps a column's share of NULLs")
    keys = [make_access_key(project, [admin, member][i % 2], f"key-{i:03d}") for i in range(200)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    base = reverse("accesskeys:index", args=[project.public_id])
    api = f"/api/v1/projects/{project.public_id}/accesses"
    token = {"Authorization": f"Bearer {admin_token}"}
    views = [
        (admin_client, base, {}),
        (admin_client, f"{base}{keys[5].id}/", {}),
        (admin_client, reverse("audit", args=[project.public_id]), {}),
        (Client(), api, token),
        (Client(), f"{api}/{keys[5].id}", token),
    ]
    for client, url, headers in views:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, headers=headers).status_code == 200, url
        for query in queries:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                plan = [row[-1] for row in cursor.fetchall()]
            scans = [step for step in plan if re.match(r"SCAN (accesskeys_accesskey|T\d)", step)]
            assert not scans, f"{url}: {scans} in {query['sql'][-400:]}"


class RowCells(HTMLParser):
    """The header texts of the keys table and each row's data-label attributes."""

    def __init__(self):
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.in_th = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "th" and attrs.get("scope") == "col":
            self.in_th = True
            self.headers.append("")
        elif tag == "tr":
            self.rows.append([])
        elif tag == "td" and self.rows:
            self.rows[-1].append(attrs.get("data-label") or attrs.get("class", ""))

    def handle_endtag(self, tag):
        if tag == "th":
            self.in_th = False

    def handle_data(self, data):
        if self.in_th:
            self.headers[-1] += data.strip()


def test_each_rows_cells_follow_the_columns(admin_client, project, keys):
    parser = RowCells()
    parser.feed(admin_client.get(reverse("accesskeys:index", args=[project.public_id])).text)
    # The select box, the columns of access_table.COLUMNS (the Creator shows: several people),
    # and the row menu.
    expected = [column.header for column in COLUMNS]
    assert parser.headers[1:-1] == expected
    rows = [row for row in parser.rows if row]
    assert len(rows) == 10
    for row in rows:
        # The name cell has no data-label (its link names it); the others carry their header.
        assert row[1:-1] == ["col-name", *expected[1:]]


def test_each_row_links_to_its_keys_pages(admin_client, project, keys):
    html = admin_client.get(reverse("accesskeys:index", args=[project.public_id])).text
    key = keys[0]
    detail = reverse("accesskeys:detail", args=[project.public_id, key.id])
    assert html.count(f'href="{detail}"') == 2  # its name, and Details in its menu
    assert f'href="{reverse("accesskeys:edit", args=[project.public_id, key.id])}"' in html
    assert f'hx-get="{reverse("accesskeys:rotate", args=[project.public_id, key.id])}"' in html
    delete = reverse("accesskeys:delete", args=[project.public_id])
    assert f'hx-get="{delete}?ids={key.id}"' in html


# --- The auth service API path (/v1/): no browser-session middleware -----------------

TOKEN = "gateway-token-0123456789"


def protected(request):
    """A view under /v1/ that forgot login_not_required."""
    raise AssertionError("must not be reached")


urlpatterns = [path("v1/protected", protected), path("", include("config.urls"))]


@pytest.fixture
def s3_key_id(project, admin, settings):
    settings.AUTH_SERVICE_TOKENS = [TOKEN]
    request = CreateAccessRequest(name="gateway", type="s3", passphrase="a project passphrase")
    return create_access(project, admin, request).s3_access_key


def test_the_auth_lookup_reads_no_session_even_with_a_session_cookie(
    admin_client, s3_key_id, django_assert_num_queries
):
    # A browser's session cookie on a gateway's request: neither the session nor the
    # user is read, and no cookie is set; the lookup itself is one statement (once
    # "Last used" is fresh).
    url, headers = f"/v1/access/{s3_key_id}", {"Authorization": f"Bearer {TOKEN}"}
    assert admin_client.get(url, headers=headers).status_code == 200
    with django_assert_num_queries(1):
        response = admin_client.get(url, headers=headers)
    assert response.status_code == 200
    assert not response.cookies
    assert "Vary" not in response.headers or "Cookie" not in response.headers["Vary"]


def test_postgresql_plans_the_auth_lookup_once_a_connection(admin_client, s3_key_id):
    """Planning the lookup's join took eight times as long as running it: the lookup
    is a statement each connection prepares once; the console prepares nothing else."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's; SQLite plans its own way")
    url, headers = f"/v1/access/{s3_key_id}", {"Authorization": f"Bearer {TOKEN}"}
    for _ in range(3):
        assert admin_client.get(url, headers=headers).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert len(statements) == 1, statements
    assert "key_hash" in statements[0]


def test_a_machine_path_view_without_login_not_required_is_refused(admin, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.force_login(admin)  # a signed-in person's cookie changes nothing there
    assert client.get("/v1/protected").status_code == 403
    assert "/v1/protected".startswith(MACHINE_PATH_PREFIXES)


def test_pages_still_have_their_session_and_messages(admin_client, project, keys):
    # A page beside /v1/ in the URLs: signed in through the session, as ever.
    response = admin_client.get(reverse("accesskeys:index", args=[project.public_id]))
    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated
    assert hasattr(response.wsgi_request, "_messages")
    assert hasattr(response.wsgi_request, "htmx")


# --- Weight: the static files of the Access Keys page and one New Access flow ------------

STATIC_BUDGET = 36 * 1024  # Brotli bytes (about 30 KB in December 2026, htmx 15 KB of it)
STATIC_URL = re.compile(r'(?:src|href)="/static/([^"?#]+)"')


def static_paths(html: str) -> set[str]:
    return set(STATIC_URL.findall(html))


def test_the_access_keys_page_and_a_new_access_flow_stay_within_36_kb_of_brotli(
    admin_client, project
):
    """Every static file the page and each step of a New Access flow refer to, each
    compressed as WhiteNoise serves it (Brotli); fails when a change makes them heavier."""
    new = reverse("accesskeys:new", args=[project.public_id])
    htmx = {"HX-Request": "true", "HX-Target": "dialog-host"}
    pages = [
        admin_client.get(reverse("accesskeys:index", args=[project.public_id])),
        admin_client.get(new, headers=htmx),
        admin_client.post(new, {"step": "name", "name": "flow", "type": "s3"}, headers=htmx),
        admin_client.post(
            new,
            {"step": "access", "name": "flow", "type": "s3", "access": "full", "seen": ["name"]},
            headers=htmx,
        ),
        admin_client.post(
            new,
            {
                "step": "encryption",
                "name": "flow",
                "type": "s3",
                "access": "full",
                "encryption": "current",
                "new_choice": "enter",
                "passphrase": "correct horse battery staple",
                "seen": ["name", "access"],
            },
            headers=htmx,
        ),
        admin_client.post(
            new,
            {
                "step": "confirm",
                "name": "flow",
                "type": "s3",
                "access": "full",
                "encryption": "current",
                "new_choice": "enter",
                "passphrase": "correct horse battery staple",
                "seen": ["name", "access", "encryption"],
            },
            headers=htmx,
        ),
    ]
    assert all(page.status_code == 200 for page in pages)
    assert "Save these credentials now" in pages[-1].text  # the flow went through
    assert AccessKey.objects.filter(name="flow").exists()
    files = set().union(*(static_paths(page.text) for page in pages))
    assert {"css/console.css", "js/new_access.js"} <= files
    assert any(name.startswith("django_htmx/htmx") for name in files)
    sizes = {}
    for name in files:
        found = finders.find(name)
        assert found, name
        with open(found, "rb") as file:
            sizes[name] = len(brotli.compress(file.read()))
    total = sum(sizes.values())
    listing = ", ".join(f"{name} {size:,}" for name, size in sorted(sizes.items()))
    assert total <= STATIC_BUDGET, f"{total:,} bytes with Brotli: {listing}"
