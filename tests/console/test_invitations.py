"""Following an invitation link: a new email sets a password, an existing account
signs in and joins; a link joins only its own project, once, within 72 hours."""

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from console import invitations
from console.models import AuditEvent, Invitation, Membership, User
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.mail_server import mailed_link

pytestmark = pytest.mark.usefixtures("mail_server")

NEW_PASSWORD = "a-long-fresh-password-9"


def invite(client, project, email, role="member") -> tuple[str, str]:
    """Add `email` on the Team page: the link's path and its token."""
    client.post(reverse("team", args=[project.public_id]), {"email": email, "role": role})
    path = urlparse(mailed_link(email)).path
    return path, path.rstrip("/").rsplit("/", 1)[1]


def set_password(client, password, confirm=None):
    data = {"password1": password, "password2": password if confirm is None else confirm}
    return client.post(reverse("invitation"), data)


def index_of(project) -> str:
    return reverse("accesskeys:index", args=[project.public_id])


def test_it_swaps_the_token_for_a_page_without_it(admin_client, project, client):
    path, token = invite(admin_client, project, "erin@example.com")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("invitation")
    assert token not in response["Location"]
    # The session holds which invitation, never the token.
    assert client.session[invitations.SESSION_KEY] == Invitation.objects.get().id
    assert token not in str(dict(client.session.items()))

    page = client.get(reverse("invitation"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Set your password" in body and "erin@example.com" in body and "Alpha" in body
    assert token not in body


def test_it_makes_the_account_when_the_password_is_set(admin_client, project, client):
    path, token = invite(admin_client, project, "erin@example.com", role="admin")
    # Nothing exists for the email until the link is used.
    assert not User.objects.filter(email="erin@example.com").exists()

    client.get(path)
    done = set_password(client, NEW_PASSWORD)
    assert done.status_code == 302 and done["Location"] == index_of(project)
    erin = User.objects.get(email="erin@example.com")
    assert erin.check_password(NEW_PASSWORD)
    assert Membership.objects.get(project=project, user=erin).role == "admin"
    assert client.get(index_of(project)).status_code == 200
    assert invitations.SESSION_KEY not in client.session

    for action in ["password_set", "member_joined"]:
        event = AuditEvent.objects.get(action=action)
        assert event.actor == erin and event.project == project
    joined = AuditEvent.objects.get(action="member_joined")
    assert joined.details == {"role": "admin", "invited_by": "alice@example.com"}
    for event in AuditEvent.objects.all():
        assert token not in str(event.details)

    # The link works once, in this browser or any other.
    assert client.get(path, follow=True).status_code == 404
    other = Client()
    assert other.get(path, follow=True).status_code == 404
    assert set_password(other, "another-pass-77x").status_code == 404
    erin.refresh_from_db()
    assert erin.check_password(NEW_PASSWORD)


def test_it_signs_in_with_the_new_password_later(admin_client, project, client):
    path, _ = invite(admin_client, project, "jay@example.com")
    client.get(path)
    set_password(client, NEW_PASSWORD)
    client.logout()
    response = client.post(
        reverse("signin"), {"email": "jay@example.com", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "password, message",
    [
        (" " * 8, "too short"),
        ("98765432101", "too short"),
        ("987654321012", "entirely numeric"),
        ("password1234", "too common"),
        ("gina@example.com", "too similar"),
    ],
)
def test_it_refuses_a_weak_password(admin_client, project, client, password, message):
    path, _ = invite(admin_client, project, "gina@example.com")
    client.get(path)
    response = set_password(client, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="gina@example.com").exists()
    # A refused attempt does not use up the link.
    assert set_password(client, NEW_PASSWORD).status_code == 302


def test_it_asks_for_the_same_password_twice(admin_client, project, client):
    path, _ = invite(admin_client, project, "gina@example.com")
    client.get(path)
    response = set_password(client, NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert "do not match" in response.content.decode()
    assert not User.objects.filter(email="gina@example.com").exists()


def test_it_expires_the_link_after_72_hours(admin_client, project, client):
    path, _ = invite(admin_client, project, "frank@example.com")
    client.get(path)  # opened in time...
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # ...used too late, whether from the open page or by opening the link again.
    posted = set_password(client, NEW_PASSWORD)
    assert posted.status_code == 404 and "expired" in posted.content.decode()
    assert client.get(path, follow=True).status_code == 404
    assert not User.objects.filter(email="frank@example.com").exists()


def test_it_rejects_an_unknown_token_and_a_bare_visit(client, db):
    response = client.get(reverse("invitation_link", args=["nope"]), follow=True)
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert Client().get(reverse("invitation")).status_code == 404


def test_it_asks_an_existing_account_to_sign_in_and_join(admin_client, project, outsider, client):
    path, _ = invite(admin_client, project, outsider.email, role="admin")
    client.get(path)
    page = client.get(reverse("invitation"))
    body = page.content.decode()
    assert "Sign in to join Alpha" in body
    assert "Set your password" not in body

    # A password posted to the page sets nothing and signs nobody in.
    set_password(client, NEW_PASSWORD)
    outsider.refresh_from_db()
    assert outsider.check_password(PASSWORD)
    assert "_auth_user_id" not in client.session

    sign_in = page.context["sign_in"]
    assert sign_in == "/signin/?next=%2Finvitation%2F"
    signed_in = client.post(
        sign_in, {"email": outsider.email, "password": PASSWORD, "next": reverse("invitation")}
    )
    assert signed_in["Location"] == reverse("invitation")
    assert "Join Alpha" in client.get(reverse("invitation")).content.decode()
    # Signing in alone joined nothing.
    assert not Membership.objects.filter(project=project, user=outsider).exists()

    joined = client.post(reverse("invitation"))
    assert joined["Location"] == index_of(project)
    assert Membership.objects.get(project=project, user=outsider).role == "admin"
    event = AuditEvent.objects.get(action="member_joined")
    assert event.actor == outsider and event.project == project
    assert client.get(path, follow=True).status_code == 404


def test_it_offers_to_switch_accounts(admin_client, project, outsider, member_client):
    path, _ = invite(admin_client, project, outsider.email)
    member_client.get(path)
    page = member_client.get(reverse("invitation")).content.decode()
    assert "This invitation is for another account" in page
    # Bob cannot join in Charlie's place.
    member_client.post(reverse("invitation"))
    assert not Membership.objects.filter(project=project, user=outsider).exists()
    assert "_auth_user_id" not in member_client.session
    # He was signed out, and the invitation waits for Charlie to sign in.
    assert "Sign in to join Alpha" in member_client.get(reverse("invitation")).content.decode()


def test_it_joins_only_its_own_project(admin_client, project, other_project, outsider_client):
    ours, _ = invite(admin_client, project, "kim@example.com")
    theirs, _ = invite(outsider_client, other_project, "kim@example.com")
    kim = Client()
    kim.get(theirs)
    set_password(kim, NEW_PASSWORD)
    user = User.objects.get(email="kim@example.com")
    assert list(user.memberships.values_list("project__name", flat=True)) == ["Other"]

    # Our link, opened by Kim, now asks her to sign in, and then joins ours too.
    kim.get(ours)
    assert kim.get(reverse("invitation")).context["step"] == "accept"
    kim.post(reverse("invitation"))
    assert sorted(user.memberships.values_list("project__name", flat=True)) == ["Alpha", "Other"]


def test_it_sets_a_first_password_only_on_an_account_that_never_had_one(
    admin_client, project, client
):
    # An account made without a password by an earlier version of the console.
    legacy = User.objects.create_user(email="lee@example.com", password=None)
    path, _ = invite(admin_client, project, legacy.email)
    client.get(path)
    assert set_password(client, NEW_PASSWORD)["Location"] == index_of(project)
    legacy.refresh_from_db()
    assert legacy.check_password(NEW_PASSWORD)

    # An account whose password was taken away after use is not an account without one.
    used = make_user("max@example.com")
    used.last_login = timezone.now()
    used.set_unusable_password()
    used.save()
    path, _ = invite(admin_client, project, used.email)
    other = Client()
    other.get(path)
    assert other.get(reverse("invitation")).context["step"] == "sign_in"
    set_password(other, NEW_PASSWORD)
    used.refresh_from_db()
    assert not used.has_usable_password()


def test_it_tells_a_member_they_are_already_in(admin_client, project, member, member_client):
    path, _ = invite(admin_client, project, "x@example.com")
    invitation = Invitation.objects.get()
    invitation.email = member.email
    invitation.save()
    member_client.get(path)
    response = member_client.post(reverse("invitation"), follow=True)
    assert "You are already a member of Alpha." in response.content.decode()
    assert not AuditEvent.objects.filter(action="member_joined").exists()
