"""A project that requires two-factor holds its rule everywhere: API tokens of its
members without two-factor are refused and paused, and turning two-factor on
ends the account's other sessions (signed in with a password alone)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from tests.console.test_two_factor import is_signed_in, verified_client
from tests.helpers.factories import api_token_for, bearer
from tests.helpers.two_factor import app_code, turn_on

PAGE = "/account/api-tokens/"


@pytest.fixture
def strict_project(project):
    project.require_two_factor = True
    project.save()
    return project


def accesses_url(project):
    return f"/api/v1/projects/{project.public_id}/accesses"


def test_a_member_without_two_factor_cannot_make_a_token_on_the_page(member_client, strict_project):
    response = member_client.post(
        PAGE, {"name": "deploy", "project": str(strict_project.public_id), "expires": "90"}
    )
    assert response.status_code == 400
    assert "“Alpha” requires two-factor authentication" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_session_without_the_code_cannot_make_one_either(member, strict_project):
    turn_on(member)
    client = Client()
    client.force_login(member)  # the password alone
    response = client.post(
        PAGE, {"name": "deploy", "project": str(strict_project.public_id), "expires": "90"}
    )
    assert response.status_code == 400
    assert "sign in again with a code" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_member_with_two_factor_makes_one(member, strict_project):
    device, _ = turn_on(member)
    client = verified_client(member, device)
    response = client.post(
        PAGE, {"name": "deploy", "project": str(strict_project.public_id), "expires": "90"}
    )
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=member).count() == 1


def test_the_command_refuses_too(member, strict_project):
    with pytest.raises(CommandError, match="requires two-factor authentication"):
        call_command(
            "create_api_token", "--user", member.email, "--project", "Alpha", stdout=io.StringIO()
        )
    assert not ApiToken.objects.exists()


def test_a_token_made_before_the_requirement_is_paused(member, project):
    token = api_token_for(member, project)
    client = Client()
    assert client.get(accesses_url(project), **bearer(token)).status_code == 200

    project.require_two_factor = True
    project.save()
    for response in [
        client.get(accesses_url(project), **bearer(token)),
        client.post(
            accesses_url(project),
            {"name": "k", "type": "api-key"},
            content_type="application/json",
            **bearer(token),
        ),
        client.get(f"/api/v1/projects/{project.public_id}/buckets", **bearer(token)),
    ]:
        assert response.status_code == 401
        assert "requires two-factor authentication" in response.json()["detail"]
        assert "paused" in response.json()["detail"]


def test_the_token_works_again_once_two_factor_is_on(member, project):
    token = api_token_for(member, project)
    project.require_two_factor = True
    project.save()
    turn_on(member)
    assert Client().get(accesses_url(project), **bearer(token)).status_code == 200


def test_an_admins_token_with_two_factor_keeps_working(admin, project):
    turn_on(admin)
    token = api_token_for(admin, project)
    project.require_two_factor = True
    project.save()
    assert Client().get(accesses_url(project), **bearer(token)).status_code == 200


def test_the_token_list_says_which_are_paused(member_client, member, project, other_project):
    api_token_for(member, project)
    project.require_two_factor = True
    project.save()
    html = member_client.get(PAGE).content.decode()
    assert "Paused: needs two-factor" in html
    assert "1 token is paused" in html


def test_no_token_is_paused_without_a_requirement(member_client, member, project):
    api_token_for(member, project)
    html = member_client.get(PAGE).content.decode()
    assert "Paused" not in html


def test_turning_on_two_factor_ends_the_other_sessions(member):
    other = Client()
    other.force_login(member)
    this = Client()
    this.force_login(member)
    this.get(reverse("two_factor_setup"))
    from console.models import EncryptedTOTPDevice

    device = EncryptedTOTPDevice.objects.get(user=member)
    response = this.post(reverse("two_factor_setup"), {"code": app_code(device)})
    assert response.status_code == 200
    assert is_signed_in(this)
    assert this.get(reverse("account")).status_code == 200
    # The other session, signed in with the password alone, is signed out.
    response = other.get(reverse("account"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("signin"))
    assert other.post(PAGE, {"name": "x"}).status_code == 302
