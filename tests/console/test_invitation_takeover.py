"""The attacks of issue 9, items 1 and 2, replayed: an invitation link is the only
proof a person has, so another project's link, an old link or a bare account
must never reach our project or someone's password."""

from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse

from console.models import Membership, Project, User
from tests.helpers.mail_server import mailed_link

pytestmark = pytest.mark.usefixtures("mail_server")

VICTIM = "victim@example.com"
VICTIM_PASSWORD = "victims-own-passphrase-1"
ATTACKER_PASSWORD = "attackers-chosen-pass-2"


def invite(client, project, email, role="member") -> str:
    """Add `email` on the Team page; the one-time link's path."""
    client.post(reverse("team", args=[project.public_id]), {"email": email, "role": role})
    return urlparse(mailed_link(email)).path


def open_link(client, path):
    """Follow a link as a browser does; the page it ends on."""
    return client.get(path, follow=True)


def set_password(client, path, password):
    page = open_link(client, path)
    return client.post(page.request["PATH_INFO"], {"password1": password, "password2": password})


def index_of(project) -> str:
    return reverse("accesskeys:index", args=[project.public_id])


def test_it_does_not_let_another_projects_admin_take_over_an_invited_user(
    admin_client, project, outsider_client, other_project
):
    invite(admin_client, project, VICTIM)
    # The outsider is Admin of their own project and invites the same email there.
    theirs = invite(outsider_client, other_project, VICTIM)

    attacker = Client()
    set_password(attacker, theirs, ATTACKER_PASSWORD)

    # Whatever account the outsider now holds, it is not in our project.
    assert attacker.get(index_of(project)).status_code in (302, 404)
    assert not Membership.objects.filter(project=project, user__email=VICTIM).exists()


def test_it_keeps_an_outsiders_account_out_of_our_project(
    admin_client, project, outsider_client, other_project
):
    ours = invite(admin_client, project, VICTIM)
    theirs = invite(outsider_client, other_project, VICTIM)
    attacker = Client()
    set_password(attacker, theirs, ATTACKER_PASSWORD)

    # Signed in as the email they made, nothing offers our invitation without our link.
    home = attacker.get("/", follow=True)
    assert "Alpha" not in home.content.decode()
    assert attacker.get(index_of(project)).status_code == 404

    # The real person, with our link, cannot set a password on the outsider's account:
    # they are told to sign in, and the account keeps the outsider's password.
    victim = Client()
    page = open_link(victim, ours)
    victim.post(
        page.request["PATH_INFO"], {"password1": VICTIM_PASSWORD, "password2": VICTIM_PASSWORD}
    )
    assert User.objects.get(email=VICTIM).check_password(ATTACKER_PASSWORD)
    assert "_auth_user_id" not in victim.session


def test_it_refuses_an_old_link_after_activation(
    admin_client, project, outsider_client, other_project
):
    ours = invite(admin_client, project, VICTIM)
    theirs = invite(outsider_client, other_project, VICTIM)

    victim = Client()
    set_password(victim, ours, VICTIM_PASSWORD)
    assert victim.get(index_of(project)).status_code == 200

    # The earlier-issued link of the other project neither overwrites the password
    # nor signs anyone in.
    attacker = Client()
    set_password(attacker, theirs, ATTACKER_PASSWORD)
    user = User.objects.get(email=VICTIM)
    assert user.check_password(VICTIM_PASSWORD)
    assert not user.check_password(ATTACKER_PASSWORD)
    assert "_auth_user_id" not in attacker.session
    assert attacker.get(index_of(project)).status_code == 302


def test_it_does_not_put_an_existing_user_into_a_project_without_consent(
    admin_client, project, outsider
):
    # Charlie has an account (Admin of another project); Alice only types his email.
    response = admin_client.post(
        reverse("team", args=[project.public_id]), {"email": outsider.email, "role": "admin"}
    )
    assert not Membership.objects.filter(project=project, user=outsider).exists()
    assert response.status_code == 302
    assert mailed_link(outsider.email)
    assert Project.objects.filter(memberships__user=outsider).count() == 1
