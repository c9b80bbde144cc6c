"""Invitations by email: the link goes to the address only, so nobody can claim
an email they cannot read; asking again keeps the role; expired invitations stay
listed to be sent again; the password's errors sit under its own field."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from console import invitations
from console.models import Invitation, Membership, User

VICTIM = "victim@example.com"
SQUATTER_PASSWORD = "squatters-chosen-pass-2"


def team_url(project):
    return reverse("team", args=[project.public_id])


def invite(client, project, email, role="member", **extra):
    return client.post(team_url(project), {"email": email, "role": role, **extra})


def test_a_squatter_cannot_claim_an_email_they_cannot_read(
    outsider_client, other_project, mail_server
):
    """Issue 19: any user made a project, invited an email without an account,
    opened their own link and set its password. The link now goes only to the
    mailbox: the page that invites shows no link, and the database holds a hash."""
    response = invite(outsider_client, other_project, VICTIM)
    page = outsider_client.get(response.url).content.decode()
    link = mail_server.last_link(VICTIM)
    token = urlparse(link).path.rstrip("/").rsplit("/", 1)[1]
    assert "Invitation sent to victim@example.com." in page
    assert token not in page
    assert not re.search(r"/invitations/[\w-]{20,}/", page)
    assert mail_server.to(VICTIM)[-1].recipients == [VICTIM]
    assert Invitation.objects.get().token_hash != token
    # Nothing else opens a way to the email's password.
    squatter = Client()
    assert squatter.get(reverse("invitation")).status_code == 404
    assert not User.objects.filter(email=VICTIM).exists()


def test_a_link_that_was_not_mailed_cannot_set_a_first_password(project, admin, client):
    """Links handed over by hand (made before invitations were mailed) can still
    be accepted by a signed-in account, but never give an email its password."""
    _, token = invitations.issue(VICTIM, project, "member", admin)
    client.get(f"/invitations/{token}/")
    page = client.get(reverse("invitation")).content.decode()
    assert "Ask for a new invitation" in page
    assert "New password" not in page
    client.post(
        reverse("invitation"), {"password1": SQUATTER_PASSWORD, "password2": SQUATTER_PASSWORD}
    )
    assert not User.objects.filter(email=VICTIM).exists()
    assert "_auth_user_id" not in client.session
    with pytest.raises(invitations.NotMailed):
        invitations.set_first_password(Invitation.objects.get(), SQUATTER_PASSWORD)


def test_the_invitee_sets_a_password_from_the_mailed_link(admin_client, project, mail_server):
    invite(admin_client, project, "newbie@example.com", role="admin")
    invitee = Client()
    invitee.get(mail_server.last_link("newbie@example.com"))
    response = invitee.post(
        reverse("invitation"),
        {"password1": "a-long-fresh-password-9", "password2": "a-long-fresh-password-9"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="newbie@example.com")
    assert membership.project == project and membership.role == "admin"


def fields_of(html: str) -> list[str]:
    """Each form field's block (label, input, help, errors), in order."""
    return re.split(r'<div class="field(?=[ "])', html)[1:]


@pytest.mark.parametrize(
    "password, message",
    [
        ("short", "This password is too short"),
        ("password1234", "This password is too common"),
        ("987654321012", "This password is entirely numeric"),
    ],
)
def test_the_validators_speak_under_new_password(
    admin_client, project, mail_server, password, message
):
    """Issue 23, point 6: they appeared under "Confirm password", with its red border."""
    invite(admin_client, project, "newbie@example.com")
    invitee = Client()
    invitee.get(mail_server.last_link("newbie@example.com"))
    html = invitee.post(
        reverse("invitation"), {"password1": password, "password2": password}
    ).content.decode()
    new, confirm = fields_of(html)
    assert 'id="id_password1"' in new and 'id="id_password2"' in confirm
    assert new.startswith(" has-error") and message in new
    assert not confirm.startswith(" has-error") and message not in confirm


def test_a_mismatch_speaks_under_confirm_password(admin_client, project, mail_server):
    invite(admin_client, project, "newbie@example.com")
    invitee = Client()
    invitee.get(mail_server.last_link("newbie@example.com"))
    html = invitee.post(
        reverse("invitation"),
        {"password1": "a-long-fresh-password-9", "password2": "a-long-fresh-password-8"},
    ).content.decode()
    new, confirm = fields_of(html)
    assert not new.startswith(" has-error")
    assert confirm.startswith(" has-error") and "The two passwords do not match." in confirm


def test_inviting_a_pending_email_again_asks_first_and_keeps_its_role(
    admin_client, project, mail_server
):
    """Issue 23, point 7: it silently replaced the link and reset the role to Member."""
    invite(admin_client, project, "gina@example.com", role="admin")
    first = mail_server.last_link("gina@example.com")

    # The select's default (Member) is sent: the console asks before replacing anything.
    response = invite(admin_client, project, "gina@example.com", role="member")
    html = response.content.decode()
    assert response.status_code == 200
    assert "gina@example.com was already invited as Admin" in html
    assert "makes the link of the earlier one stop working" in html
    assert re.search(r'<option value="admin" selected>Admin</option>', html)
    assert Invitation.objects.get().role == "admin"
    assert len(mail_server.to("gina@example.com")) == 1

    # Sent as asked: the role stays Admin, the first link stops working.
    response = invite(admin_client, project, "gina@example.com", role="admin", again="True")
    page = admin_client.get(response.url).content.decode()
    assert "The link of the earlier invitation no longer works." in page
    assert Invitation.objects.get().role == "admin"
    second = mail_server.last_link("gina@example.com")
    assert second != first
    assert Client().get(first, follow=True).status_code == 404
    assert Client().get(second, follow=True).status_code == 200


def test_an_expired_invitation_stays_listed_with_resend(admin_client, project, mail_server):
    invite(admin_client, project, "hank@example.com", role="admin")
    old_link = mail_server.last_link("hank@example.com")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(hours=1))

    page = admin_client.get(team_url(project)).content.decode()
    assert "hank@example.com" in page and "Expired" in page
    assert "Resend the invitation of hank@example.com" in page

    invitation = Invitation.objects.get()
    response = admin_client.post(
        reverse("team_invitation_resend", args=[project.public_id, invitation.id]), follow=True
    )
    assert "Invitation sent to hank@example.com." in response.content.decode()
    renewed = Invitation.objects.get()
    assert renewed.role == "admin" and not renewed.is_expired
    new_link = mail_server.last_link("hank@example.com")
    assert new_link != old_link
    assert Client().get(new_link, follow=True).status_code == 200


def test_a_member_cannot_resend(member_client, admin_client, project, mail_server):
    invite(admin_client, project, "ivy@example.com")
    invitation = Invitation.objects.get()
    url = reverse("team_invitation_resend", args=[project.public_id, invitation.id])
    assert member_client.post(url).status_code == 403
    assert len(mail_server.messages) == 1
