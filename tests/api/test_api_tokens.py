"""The API tokens page, create_api_token, and what a token may do."""

import hashlib
import io
import logging
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from console.models import AuditEvent, Membership
from tests.helpers.factories import bearer

PAGE = "/account/api-tokens/"


def accesses_url(project):
    return f"/api/v1/projects/{project.public_id}/accesses"


def create_on_page(client, project, name="deploy", expires="90"):
    return client.post(PAGE, {"name": name, "project": str(project.public_id), "expires": expires})


def token_shown(response) -> str:
    html = response.content.decode()
    start = html.index('value="akc_') + len('value="')
    return html[start : html.index('"', start)]


def test_it_is_reachable_from_the_user_menu_on_every_page(admin_client, project):
    html = admin_client.get(reverse("accesskeys:index", args=[project.public_id])).content
    assert b'href="/account/api-tokens/"' in html
    assert b"API tokens" in html


def test_it_shows_an_empty_state(admin_client, project):
    response = admin_client.get(PAGE)
    assert response.status_code == 200
    assert "You have no API tokens yet" in response.content.decode()


def test_it_creates_a_token_shows_it_once_and_stores_only_its_hash(admin_client, admin, project):
    response = create_on_page(admin_client, project)
    assert response.status_code == 200
    plaintext = token_shown(response)
    assert plaintext.startswith("akc_") and len(plaintext) > 40
    assert "it will not be shown again" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")

    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert token.last_four == plaintext[-4:]
    assert token.expires_at - timezone.now() > timedelta(days=89)

    listed = admin_client.get(PAGE).content.decode()
    assert "deploy" in listed and "Alpha" in listed and "Never" in listed
    assert plaintext not in listed

    event = AuditEvent.objects.get(action=AuditEvent.Action.API_TOKEN_CREATED)
    assert event.actor == admin and event.project == project
    assert event.details["token"] == "deploy"
    assert plaintext not in str(event.details)


def test_the_token_is_nowhere_in_the_database_in_plaintext(admin_client, project):
    plaintext = token_shown(create_on_page(admin_client, project))
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    text = (
                        bytes(value).decode("latin-1")
                        if isinstance(value, (bytes, memoryview))
                        else str(value)
                    )
                    assert plaintext not in text, f"token in plaintext in {table}"
                    assert plaintext[4:] not in text, f"token's random part in {table}"


def test_the_token_never_reaches_the_logs(admin_client, project, caplog, settings):
    settings.DEBUG = True  # the most talkative setting
    caplog.set_level(logging.DEBUG)
    plaintext = token_shown(create_on_page(admin_client, project))
    client = Client()
    client.get(accesses_url(project), **bearer(plaintext))
    # A malformed header, a wrong scheme and an unknown token are logged by nobody either.
    client.get(accesses_url(project), HTTP_AUTHORIZATION=f"Token {plaintext}")
    client.get(accesses_url(project), HTTP_AUTHORIZATION=f"Bearer {plaintext}x")
    client.get(accesses_url(project), HTTP_AUTHORIZATION=plaintext)
    assert caplog.records, "nothing was logged: the check would prove nothing"
    for record in caplog.records:
        assert plaintext not in record.getMessage()
        assert plaintext[4:] not in record.getMessage()


def test_it_refuses_a_project_the_user_is_not_in(admin_client, other_project):
    response = create_on_page(admin_client, other_project)
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_it_asks_for_a_name(admin_client, project):
    response = create_on_page(admin_client, project, name="  ")
    assert response.status_code == 400
    assert "Enter a name for the token." in response.content.decode()


@pytest.mark.parametrize("expires, days", [("30", 30), ("365", 365), ("none", None)])
def test_it_sets_the_expiry_chosen(admin_client, project, expires, days):
    create_on_page(admin_client, project, expires=expires)
    token = ApiToken.objects.get()
    if days is None:
        assert token.expires_at is None
    else:
        assert abs(token.expires_at - timezone.now() - timedelta(days=days)) < timedelta(minutes=1)


def test_it_revokes_a_token_which_then_stops_working(admin_client, admin, project):
    plaintext = token_shown(create_on_page(admin_client, project))
    token = ApiToken.objects.get()
    response = admin_client.post(reverse("api_token_revoke", args=[token.id]))
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "Revoked the API token “deploy”." in page
    assert "You have no API tokens yet" in page
    assert Client().get(accesses_url(project), **bearer(plaintext)).status_code == 401
    event = AuditEvent.objects.get(action=AuditEvent.Action.API_TOKEN_REVOKED)
    assert event.actor == admin and event.details == {"token": "deploy"}


def test_nobody_revokes_someone_elses_token(admin_client, member_client, project):
    create_on_page(admin_client, project)
    token = ApiToken.objects.get()
    response = member_client.post(reverse("api_token_revoke", args=[token.id]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_lists_only_the_users_own_tokens(admin_client, member_client, project):
    create_on_page(admin_client, project, name="alices-token")
    assert "alices-token" not in member_client.get(PAGE).content.decode()


def test_an_expired_token_is_refused(admin_token, project):
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get(accesses_url(project), **bearer(admin_token))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_token_stops_working_when_its_user_leaves_the_project(member_token, member, project):
    Membership.objects.filter(user=member).delete()
    assert Client().get(accesses_url(project), **bearer(member_token)).status_code == 404


def test_a_token_works_only_in_its_own_project(admin, project, other_project):
    Membership.objects.create(user=admin, project=other_project, role=Membership.Role.ADMIN)
    from tests.helpers.factories import api_token_for

    token = api_token_for(admin, project)
    assert Client().get(accesses_url(other_project), **bearer(token)).status_code == 404
    assert Client().get(accesses_url(project), **bearer(token)).status_code == 200


def test_a_token_takes_the_users_current_role(member_token, member, project):
    events = f"/api/v1/projects/{project.public_id}/audit-events"
    assert Client().get(events, **bearer(member_token)).status_code == 403
    Membership.objects.filter(user=member).update(role=Membership.Role.ADMIN)
    assert Client().get(events, **bearer(member_token)).status_code == 200


def test_it_records_when_a_token_was_last_used_at_most_once_a_minute(admin_token, project):
    client = Client()
    client.get(accesses_url(project), **bearer(admin_token))
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get(accesses_url(project), **bearer(admin_token))
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - timedelta(minutes=2))
    client.get(accesses_url(project), **bearer(admin_token))
    assert ApiToken.objects.get().last_used_at > first


def test_the_session_does_not_authenticate_the_api(admin_client, project):
    response = admin_client.get(accesses_url(project))
    assert response.status_code == 401


def test_the_command_prints_a_token_that_works(admin, project):
    out = io.StringIO()
    call_command(
        "create_api_token",
        user="ALICE@example.com",
        project="Alpha",
        name="ci",
        expires=30,
        stdout=out,
    )
    plaintext = out.getvalue().strip()
    assert plaintext.startswith("akc_")
    assert Client().get(accesses_url(project), **bearer(plaintext)).status_code == 200
    token = ApiToken.objects.get()
    assert token.name == "ci" and token.expires_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.API_TOKEN_CREATED)
    assert event.actor == admin and event.user_agent == "manage.py create_api_token"


def test_the_command_refuses_a_project_the_user_is_not_in(admin, other_project):
    with pytest.raises(CommandError, match="not a member of a project named 'Other'"):
        call_command("create_api_token", user="alice@example.com", project="Other")
    with pytest.raises(CommandError, match="from 1 to 3650"):
        call_command("create_api_token", user="alice@example.com", project="Alpha", expires=0)
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", user="nobody@example.com", project="Alpha")
    assert not ApiToken.objects.exists()
