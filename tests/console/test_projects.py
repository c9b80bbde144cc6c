"""Creating a project: the "Create New Project" dialog."""

import base64
import logging

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accesskeys.services.access import CreateAccessRequest, create_access
from console import keyring
from console.models import AuditEvent, Membership, Project
from storjformat import grant
from tests.helpers.factories import client_for, make_user

HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/projects/new/"


def create(client, htmx=True, **data):
    data = {
        "name": "Gamma",
        "description": "",
        "passphrase_mode": "managed",
        "path_encryption": "on",
        **data,
    }
    data = {k: v for k, v in data.items() if v is not None}  # None: leave the field out
    return client.post(URL, data, **(HTMX if htmx else {}))


def test_it_opens_the_dialog(admin_client):
    r = admin_client.get(URL, **HTMX)
    html = r.content.decode()
    assert "<dialog" in html
    assert "Create New Project" in html
    assert "Description (optional)" in html
    assert "Passphrase management" in html
    assert "Automatic (Default)" in html
    assert "ideal for S3 compatibility" in html
    assert "Self-Managed" in html
    assert "we never store it" in html
    # Automatic is the default choice.
    assert 'value="managed" checked' in html
    assert "<html" not in html


def test_it_shows_a_page_without_javascript(admin_client):
    r = admin_client.get(URL)
    html = r.content.decode()
    assert "<html" in html
    assert "<dialog" not in html
    assert "Create Project" in html


def test_it_offers_new_project_in_the_switcher(admin_client, project):
    r = admin_client.get(reverse("accesskeys:index", args=[project.public_id]))
    html = r.content.decode()
    assert f'hx-get="{URL}"' in html
    assert "New Project" in html


def test_it_creates_an_automatic_project_and_lands_on_its_access_keys(admin_client, admin):
    r = create(admin_client, name="Gamma", description="Media archive")
    project = Project.objects.get(name="Gamma")
    assert r.status_code == 200
    assert r["HX-Redirect"] == reverse("accesskeys:index", args=[project.public_id])
    assert project.description == "Media archive"
    assert project.is_managed
    membership = Membership.objects.get(project=project)
    assert membership.user == admin
    assert membership.is_admin
    assert project.managed_passphrase_key_id == keyring.current_master_key().id
    # Base64 of 32 random bytes, recoverable only through the keyring.
    assert len(base64.b64decode(keyring.managed_passphrase(project), validate=True)) == 32

    page = admin_client.get(r["HX-Redirect"])
    assert page.status_code == 200
    assert "Project “Gamma” created." in page.content.decode()


def test_it_creates_a_self_managed_project_without_a_passphrase(admin_client):
    r = create(admin_client, htmx=False, passphrase_mode="user")
    project = Project.objects.get(name="Gamma")
    assert r.status_code == 302
    assert r["Location"] == reverse("accesskeys:index", args=[project.public_id])
    assert not project.is_managed
    assert project.managed_passphrase_encrypted is None
    assert project.managed_passphrase_key_id == ""


def test_it_gives_each_project_its_own_passphrase_and_salt(admin_client):
    create(admin_client, name="One")
    create(admin_client, name="Two")
    one, two = Project.objects.get(name="One"), Project.objects.get(name="Two")
    assert keyring.managed_passphrase(one) != keyring.managed_passphrase(two)
    assert bytes(one.salt) != bytes(two.salt)
    assert len(bytes(one.salt)) == 16


def test_it_records_the_creation_in_the_audit(admin_client, admin):
    create(admin_client, name="Gamma")
    project = Project.objects.get(name="Gamma")
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROJECT_CREATED)
    assert event.project == project
    assert event.actor == admin
    assert event.details == {
        "name": "Gamma",
        "passphrase_mode": "managed",
        "path_encryption": True,
    }


def test_it_offers_path_encryption_on_by_default_with_its_trade_off(admin_client):
    html = admin_client.get(URL, **HTMX).content.decode()
    assert "Encrypt object keys (path encryption)" in html
    assert 'name="path_encryption" id="id_path_encryption"\n               checked' in html
    assert "listings then come back sorted by name" in html


def test_it_creates_a_project_without_path_encryption_whose_grants_use_the_null_cipher(
    admin_client, admin
):
    create(admin_client, name="Plain", path_encryption=None)  # the box left unticked
    project = Project.objects.get(name="Plain")
    assert not project.path_encryption

    created = create_access(project, admin, CreateAccessRequest(name="k", type="access_grant"))
    access = grant.parse_grant(created.access_grant).encryption_access
    assert access.default_path_cipher == grant.ENC_NULL

    settings_page = admin_client.get(f"/projects/{project.public_id}/settings/").content.decode()
    assert "Path encryption" in settings_page
    assert "New grants use the null path cipher." in settings_page


def test_it_requires_a_name(admin_client):
    r = create(admin_client, name="   ")
    html = r.content.decode()
    assert r.status_code == 200
    assert "HX-Redirect" not in r
    assert "Enter a name for the project." in html
    assert 'aria-invalid="true"' in html
    # Only the form is re-rendered, inside the open dialog.
    assert "<dialog" not in html and "<form" in html
    assert list(Project.objects.values_list("name", flat=True)) == ["Alpha"]


def test_it_refuses_a_name_too_long(admin_client):
    r = create(admin_client, name="x" * 101)
    assert "The name can be at most 100 characters (it has 101)." in r.content.decode()
    assert not Project.objects.filter(name="x" * 101).exists()


def test_it_accepts_a_name_of_exactly_100_characters(admin_client):
    create(admin_client, name="x" * 100)
    assert Project.objects.filter(name="x" * 100).exists()


def test_it_refuses_a_description_too_long(admin_client):
    r = create(admin_client, description="d" * 101)
    assert "The description can be at most 100 characters (it has 101)." in r.content.decode()
    assert not Project.objects.filter(name="Gamma").exists()


def test_it_refuses_an_unknown_passphrase_mode(admin_client):
    r = create(admin_client, passphrase_mode="both")
    assert "Select a valid choice" in r.content.decode()
    assert not Project.objects.filter(name="Gamma").exists()


def test_it_lets_two_projects_share_a_name_and_the_switcher_tells_them_apart(admin_client):
    create(admin_client, name="Backups", description="Office NAS")
    create(admin_client, name="Backups", description="")
    first, second = Project.objects.filter(name="Backups").order_by("id")
    r = admin_client.get(reverse("accesskeys:index", args=[first.public_id]))
    html = r.content.decode()
    assert html.count("<span>Backups</span>") == 2
    assert "Office NAS" in html
    # Without a description, the creation date tells them apart.
    assert f"created {second.created_at:%b} {second.created_at.day}, {second.created_at.year}" in (
        html
    )
    assert str(first.public_id) in html and str(second.public_id) in html


def test_it_creates_everything_or_nothing(admin_client, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("console.project_views.audit.record", fail)
    with pytest.raises(RuntimeError):
        create(admin_client, name="Gamma")
    assert not Project.objects.filter(name="Gamma").exists()
    assert not Membership.objects.filter(project__name="Gamma").exists()


def test_it_offers_to_create_a_project_when_the_user_has_none(db):
    client = client_for(make_user("dora@example.com"))
    html = client.get("/").content.decode()
    assert "You are not in a project yet" in html
    assert "Create a project" in html
    assert f'hx-get="{URL}"' in html


def test_it_lets_a_user_without_projects_create_one(db):
    user = make_user("dora@example.com")
    client = client_for(user)
    create(client, name="First")
    assert Membership.objects.get(user=user).project.name == "First"


def test_it_needs_a_signed_in_user(client, db):
    r = client.post(URL, {"name": "Gamma", "passphrase_mode": "managed"})
    assert r.status_code == 302
    assert "/signin/" in r["Location"]
    assert not Project.objects.exists()


def _cells():
    """Every value of every row of every table, as text and as bytes."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = bytes(value)
                    yield table, value


def test_it_never_stores_or_shows_the_managed_passphrase_in_plaintext(
    admin_client, caplog, monkeypatch
):
    # Log everything, SQL statements with their parameters included, as DEBUG does.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    monkeypatch.setattr(connections["default"], "force_debug_cursor", True)
    with CaptureQueriesContext(connection) as queries:
        r = create(admin_client, name="Secretive")
    assert "INSERT" in caplog.text
    project = Project.objects.get(name="Secretive")
    passphrase = keyring.managed_passphrase(project)
    forms = {passphrase.encode(), base64.b64decode(passphrase)}

    # Only the encrypted form and the key id are stored on the project.
    assert bytes(project.managed_passphrase_encrypted) not in forms
    assert project.managed_passphrase_key_id == keyring.current_master_key().id
    for table, value in _cells():
        if isinstance(value, bytes):
            assert not any(f in value for f in forms), table
        else:
            assert passphrase not in str(value), table

    # Not in what the database was sent either.
    for query in queries.captured_queries:
        assert passphrase not in query["sql"]

    pages = [
        r,
        admin_client.get(reverse("accesskeys:index", args=[project.public_id])),
        admin_client.get(reverse("project_settings", args=[project.public_id])),
        admin_client.get(reverse("buckets", args=[project.public_id])),
        admin_client.get(reverse("project_salt", args=[project.public_id])),
    ]
    for page in pages:
        assert passphrase.encode() not in page.content
        assert all(passphrase not in value for _, value in page.items())
    assert passphrase not in caplog.text
    assert admin_client.session.get("passphrase") is None
    assert passphrase not in str(dict(admin_client.session.items()))


def test_it_generates_a_managed_passphrase_of_32_random_bytes():
    value = keyring.generate_managed_passphrase()
    assert len(value) == 44
    assert len(base64.b64decode(value, validate=True)) == 32
    assert keyring.generate_managed_passphrase() != value
