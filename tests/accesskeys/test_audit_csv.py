"""CSV exports of the Audit page: readable by Python's csv module, safe in spreadsheets."""

import csv
import io
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from accesskeys.services.key_audit import KEYS_CSV_HEADER
from console.exports import safe_cell
from console.models import AuditEvent, Bucket
from tests.helpers.factories import make_key, make_user


def download(client, name, project, **params):
    response = client.get(reverse(name, args=[project.public_id]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="alpha-')
    # Streamed: rows go out as they are read, never built into one string first.
    assert response.streaming
    return b"".join(response.streaming_content)


class KeyCells(HTMLParser):
    """The Audit page's rows of keys as a person reads them: each cell by its
    column, as its lines of text (a block or list item starts a line)."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[dict[str, list[str]]] = []
        self.in_keys = self.in_body = False
        self.cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.in_keys = "audit-keys-table" in attrs.get("class", "")
        elif self.in_keys and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append({})
        elif self.in_body and tag in ("th", "td"):
            self.cell = self.rows[-1].setdefault(attrs.get("data-label", "Name"), [""])
        elif self.cell is not None and tag in ("div", "li"):
            self.cell.append("")

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self.cell = None
        elif tag == "table":
            self.in_keys = self.in_body = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[-1] = " ".join((self.cell[-1] + data).split())
            if not self.cell[0] and len(self.cell) > 1:
                self.cell.pop(0)  # a cell that opens with a block


def as_shown(value: str, format: str) -> str:
    """A CSV time (ISO 8601) as the page writes it."""
    return dateformat.format(datetime.fromisoformat(value), format) if value != "Never" else value


def rows_of(content: bytes) -> list[list[str]]:
    assert not content.startswith(b"\xef\xbb\xbf")  # no byte-order mark
    text = content.decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_it_exports_keys_with_last_use(admin_client, project, admin):
    used = timezone.now() - timedelta(days=2)
    expires = timezone.now() + timedelta(days=20)
    make_key(
        project,
        admin,
        name="backup, nightly",
        description='He said "hi"\nsecond line',
        can_delete=False,
        buckets=["backups"],
        not_after=expires,
        last_used_at=used,
    )
    make_key(project, admin, name="root", full_access=True)
    content = download(admin_client, "audit_keys_csv", project)
    assert b"\r\n" in content  # RFC 4180 line ends
    header, *rows = rows_of(content)
    assert header == KEYS_CSV_HEADER
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    nightly = by_name["backup, nightly"]
    assert nightly["Created by"] == "alice@example.com"
    assert nightly["Permissions"] == "Read, Write, List"
    assert nightly["Buckets"] == "backups"
    assert nightly["Expires"] == expires.isoformat(timespec="seconds")
    assert nightly["Last used"] == used.isoformat(timespec="seconds")
    assert nightly["Description"] == 'He said "hi"\nsecond line'
    assert nightly["Status"] == "Active"
    root = by_name["root"]
    assert root["Last used"] == "Never" and root["Expires"] == "Never"
    assert root["Buckets"] == "All buckets"
    assert "Full access, no expiration" in root["Risks"]


def test_it_exports_the_filtered_keys(admin_client, project, admin):
    make_key(project, admin, name="photos-only", buckets=["photos"])
    make_key(project, admin, name="everywhere")
    backups = Bucket.objects.get(project=project, name="backups")
    _, *rows = rows_of(download(admin_client, "audit_keys_csv", project, bucket=backups.id))
    assert [row[0] for row in rows] == ["everywhere"]


def test_it_escapes_formula_cells(admin_client, project, admin):
    for name in ["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "plain"]:
        make_key(project, admin, name=name, description="=cmd|' /C calc'!A0")
    _, *rows = rows_of(download(admin_client, "audit_keys_csv", project))
    names = sorted(row[0] for row in rows)
    assert names == ["'+1", "'-2", "'=HYPERLINK(1)", "'@SUM(A1)", "plain"]
    assert all(row[-1] == "'=cmd|' /C calc'!A0" for row in rows)


def test_it_escapes_only_the_dangerous_start():
    assert safe_cell("a=b") == "a=b"
    assert safe_cell("\t=1") == "'\t=1"
    assert safe_cell(None) == ""


def test_it_exports_events(admin_client, project, admin):
    AuditEvent.objects.create(
        project=project,
        actor=admin,
        actor_email=admin.email,
        action="bucket_created",
        ip_address="192.0.2.4",
        user_agent="-evil-agent",
        details={"bucket": "média"},
    )
    AuditEvent.objects.create(
        project=project, actor=admin, actor_email=admin.email, action="sign_out"
    )
    header, *rows = rows_of(download(admin_client, "audit_events_csv", project))
    assert header == ["Time", "Action", "Actor", "IP address", "User agent", "Details"]
    assert [row[1] for row in rows] == ["Signed out", "Bucket created"]
    bucket = rows[1]
    assert bucket[2:5] == ["alice@example.com", "192.0.2.4", "'-evil-agent"]
    assert bucket[5] == '{"bucket": "média"}'


def test_it_exports_filtered_events(admin_client, project, admin):
    AuditEvent.objects.create(
        project=project, actor=admin, actor_email=admin.email, action="bucket_created"
    )
    AuditEvent.objects.create(
        project=project, actor=admin, actor_email=admin.email, action="sign_out"
    )
    _, *rows = rows_of(download(admin_client, "audit_events_csv", project, action="sign_out"))
    assert [row[1] for row in rows] == ["Signed out"]


def test_it_refuses_exports_to_members(member_client, project):
    for name in ["audit_keys_csv", "audit_events_csv"]:
        assert member_client.get(reverse(name, args=[project.public_id])).status_code == 403


def export_queries(client, name, project) -> tuple[int, int]:
    """(queries, rows) of one export, counting the queries run while it streams."""
    with CaptureQueriesContext(connection) as queries:
        content = download(client, name, project)
    return len(queries), len(rows_of(content)) - 1


@pytest.mark.parametrize("name", ["audit_keys_csv", "audit_events_csv"])
def test_it_exports_300_rows_in_as_many_queries_as_3(admin_client, project, admin, member, name):
    def add(count, start):
        for i in range(start, start + count):
            make_key(
                project,
                admin if i % 2 else member,
                name=f"key-{i:03d}",
                buckets=["photos", "logs"] if i % 3 == 0 else (),
            )
            AuditEvent.objects.create(
                project=project, actor=admin, actor_email=admin.email, action="access_created"
            )

    add(3, 0)
    few = export_queries(admin_client, name, project)
    add(297, 3)
    many = export_queries(admin_client, name, project)
    assert few[1] == 3 and many[1] == 300
    assert many[0] == few[0]


def test_it_exports_the_buckets_of_each_key(admin_client, project, admin):
    make_key(project, admin, name="two", buckets=["photos", "logs"])
    make_key(project, admin, name="all")
    _, *rows = rows_of(download(admin_client, "audit_keys_csv", project))
    buckets = {row[0]: row[KEYS_CSV_HEADER.index("Buckets")] for row in rows}
    assert buckets == {"two": "logs, photos", "all": "All buckets"}


def test_it_exports_each_key_as_the_audit_page_shows_it(admin_client, project, admin, member):
    now = timezone.now()
    leaver = make_user("leaver@example.com")
    gone = make_user("gone@example.com")
    make_key(
        project,
        admin,
        name="active",
        buckets=["photos"],
        not_after=now + timedelta(days=3),
        last_used_at=now - timedelta(hours=5),
        prefixes=[["photos", "2026/"]],
    )
    make_key(project, member, name="expired", not_after=now - timedelta(days=1))
    make_key(project, admin, name="revoked", revoked_at=now, full_access=True)
    make_key(project, admin, name="root", full_access=True)
    make_key(
        project,
        leaver,
        name="locker",
        created_at=now - timedelta(days=200),
        can_put_object_retention=True,
        can_bypass_governance_retention=True,
        can_get_bucket_notification_configuration=True,
    )
    make_key(project, gone, name="orphan")
    gone.delete()

    header, *rows = rows_of(download(admin_client, "audit_keys_csv", project))
    exported = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    page = admin_client.get(reverse("audit", args=[project.public_id])).content.decode()
    shown = KeyCells(page).rows
    assert len(shown) == len(exported) == 6
    for cells in shown:
        (name, status) = cells["Name"]
        line = exported[name]
        # The page's words: its status badge, its comma-separated lists.
        assert line["Status"] == status
        assert [line["Type"]] == cells["Type"]
        assert line["Created by"] == cells["Created by"][0]
        permissions, *more = cells["Permissions"]
        if permissions == "Full access":
            assert line["Permissions"] == "Read, Write, List, Delete" and not more
        else:
            assert line["Permissions"] == permissions
            others = {line["Object lock permissions"], line["Bucket notification permissions"]}
            assert set(more) == others - {""}
        buckets, *notes = cells["Buckets"]
        assert line["Buckets"] == buckets
        assert line["Restrictions"] == "; ".join(notes)
        assert cells["Expires"] == [as_shown(line["Expires"], "M j, Y H:i T")]
        assert cells["Last used"] == [as_shown(line["Last used"], "M j, Y H:i")]
        assert line["Risks"] == ("; ".join(cells["Risks"]) if cells["Risks"] != ["None"] else "")
    assert [exported[name]["Status"] for name in ("active", "expired", "revoked")] == [
        "Active",
        "Expired",
        "Revoked",
    ]
    assert exported["locker"]["Created by"] == "leaver@example.com (former member)"
    assert exported["orphan"]["Created by"] == "Deleted user (former member)"
    assert exported["locker"]["Risks"] == (
        "Can bypass governance retention; No expiration, older than 90 days; "
        "Created by a former member"
    )
    assert exported["orphan"]["Risks"] == "Created by a former member"
    former = {
        name for name, line in exported.items() if line["Created by a former member"] == "yes"
    }
    assert former == {"locker", "orphan"}
    assert {line["Created by a former member"] for line in exported.values()} == {"yes", "no"}
    assert exported["root"]["Risks"] == "Full access, no expiration"
