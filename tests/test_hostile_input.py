"""Odd or forged input gets a clear answer where it was made, never a server error.

Each case was a 500 (or a wrong answer) found by attacking a running console
(issue 9, item 6).
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accesskeys.models import AccessKey
from accesskeys.services import access
from console.models import AuditEvent
from tests.helpers.dialog import advanced
from tests.helpers.factories import make_access_key

SECRET_PHRASE = "forged request passphrase"


@pytest.fixture
def client_500():
    """A client that answers a server error with the 500 page, as a browser sees it."""
    return Client(raise_request_exception=False)


def test_it_refuses_an_overlong_email_at_sign_in(client_500, db):
    email = "a" * 248 + "@example.com"  # 260 characters: longer than the column
    response = client_500.post("/signin/", {"email": email, "password": "whatever"})

    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters (it has 260)." in response.content.decode()
    assert "_auth_user_id" not in client_500.session


@pytest.mark.parametrize("step", ["buckets", "expiration", "confirm"])
def test_it_sends_a_forged_type_back_to_the_name_step(client_500, admin, project, step):
    client_500.force_login(admin)
    url = reverse("accesskeys:new", args=[project.public_id])
    data = advanced(step=step, type="S3", passphrase=SECRET_PHRASE)
    data["seen"] = data["seen"] + ["expiration", "confirm"]

    response = client_500.post(url, data, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Step 1 of" in html
    assert access.MESSAGES["type_unknown"] in html
    assert SECRET_PHRASE not in html
    assert not AccessKey.objects.exists()


def delete_url(project):
    return reverse("accesskeys:delete", args=[project.public_id])


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("ids", ["99999999999999999999999", "9223372036854775808", "-1", "1e3"])
def test_it_selects_nothing_for_ids_out_of_range(client_500, admin, project, method, ids):
    make_access_key(project, admin, "kept")
    client_500.force_login(admin)

    response = getattr(client_500, method)(delete_url(project), {"ids": ids})

    assert response.status_code in (200, 302)
    assert AccessKey.objects.not_revoked().filter(name="kept").exists()


def test_it_takes_only_ascii_digits_as_ids(admin_client, admin, project):
    key = make_access_key(project, admin, "kept")
    # int() reads these as the key's id; a form must not.
    arabic_indic = "".join(chr(0x660 + int(d)) for d in str(key.id))
    fullwidth = "".join(chr(0xFF10 + int(d)) for d in str(key.id))

    for ids in (arabic_indic, "0" + fullwidth):
        confirm = admin_client.get(delete_url(project), {"ids": ids})
        assert "kept" not in confirm.content.decode()
        admin_client.post(delete_url(project), {"ids": ids})
        assert AccessKey.objects.not_revoked().filter(pk=key.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DELETED).exists()


def create_from_command(admin, *args):
    out = StringIO()
    base = ["--project", "Alpha", "--user", admin.email, "--type", "api-key"]
    call_command("create_access", *base, *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "k", "--permissions", ",,,"], "permissions: Choose at least one permission."),
        (["--name", "k", "--permissions", " , "], "permissions: Choose at least one permission."),
        (["--name", "k", "--buckets", ",,,"], "buckets: Choose at least one bucket"),
        (["--name", "a\x00b"], "name: The name cannot contain control characters."),
        (["--name", "a\x1b[31mred"], "name: The name cannot contain control characters."),
        (["--name", "invoice\u202etxt.exe"], "name: The name cannot contain control characters."),
        (
            ["--name", "k", "--description", "a\x00b"],
            "description: The description cannot contain control characters.",
        ),
    ],
)
def test_it_refuses_empty_lists_and_control_characters_on_the_command_line(
    project, admin, args, message
):
    with pytest.raises(CommandError) as error:
        create_from_command(admin, *args)

    assert message in str(error.value)
    assert not AccessKey.objects.exists()


def test_it_keeps_line_breaks_in_a_description_from_the_command_line(project, admin):
    create_from_command(admin, "--name", "k", "--description", "first line\nsecond\tline")
    assert AccessKey.objects.get().description == "first line\nsecond\tline"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "a\x1bb", "The name cannot contain control characters."),
        ("name", "a\u202eb", "The name cannot contain control characters."),
        ("description", "bell\x07", "The description cannot contain control characters."),
    ],
)
def test_it_refuses_control_characters_in_the_dialog(admin_client, project, field, value, message):
    url = reverse("accesskeys:new", args=[project.public_id])
    data = {"step": "name", "name": "ok", "type": "api_key", "description": "", field: value}
    response = admin_client.post(url, data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Step 1 of" in html
    assert message in html


def test_it_asks_for_both_fields_when_a_sign_in_post_is_empty(client_500, db):
    # Found by the fuzz test: an empty POST left the form unbound, then read its data.
    response = client_500.post("/signin/", {})
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 2


@pytest.mark.parametrize("email", ["", "not-an-email", "a\x00b@example.com", "a" * 250 + "@x.io"])
def test_it_refuses_a_bad_demo_email(db, email):
    # Found by the fuzz test: an empty --email was a ValueError traceback.
    with pytest.raises(CommandError, match="is not a valid email address"):
        call_command("seed_demo", "--email", email, stdout=StringIO())


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Team\x1b[2J", "The name cannot contain control characters."),
        ("name", "evil\u202egnp.exe", "The name cannot contain control characters."),
        ("description", "ring\x07", "The description cannot contain control characters."),
    ],
)
def test_it_refuses_control_characters_in_project_names(
    admin_client, project, field, value, message
):
    data = {"name": "Renamed", "description": "", field: value}
    response = admin_client.post(reverse("project_settings", args=[project.public_id]), data)
    assert message in response.content.decode()
    project.refresh_from_db()
    assert project.name == "Alpha"


@pytest.mark.parametrize("right_password", [False, True])
def test_it_signs_in_or_refuses_whatever_the_user_agent_holds(client_500, admin, right_password):
    # PostgreSQL refuses NUL in text: the audit log and the throttling records both
    # keep the User-Agent, and a NUL in it was a 500 at sign-in (found while fixing
    # issue 9's throttling). Control characters are dropped before anything stores it.
    from tests.helpers.factories import PASSWORD

    password = PASSWORD if right_password else "wrong password"
    response = client_500.post(
        "/signin/",
        {"email": admin.email, "password": password},
        headers={"User-Agent": "Mozilla/5.0\x00\x1b[31m evil"},
    )

    assert response.status_code == (302 if right_password else 200)
    stored = AuditEvent.objects.latest("id").user_agent
    assert stored == "Mozilla/5.0[31m evil"


@pytest.mark.parametrize("htmx", [False, True])
def test_it_leaves_a_nul_byte_out_of_a_search(client_500, admin, project, htmx):
    """`?q=%00` was a 500 on PostgreSQL (psycopg.DataError), page and fragment."""
    make_access_key(project, admin, "backup-reader")
    client_500.force_login(admin)
    url = reverse("accesskeys:index", args=[project.public_id])
    headers = {"HX-Request": "true"} if htmx else {}
    response = client_500.get(url, {"q": "backup\x00"}, headers=headers)
    assert response.status_code == 200
    assert "backup-reader" in response.content.decode()
    assert client_500.get(url, {"q": "\x00"}, headers=headers).status_code == 200
