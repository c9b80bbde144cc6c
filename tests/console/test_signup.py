"""Sign-up: off by default; when open, an email gets a mailed link, only that link
sets the password, and the new account gets its own first project. The same
answer whether or not the email has an account; SIGNUP_EMAIL_DOMAINS limits it."""

import subprocess
import sys
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse

from console import signup
from console.log_redaction import redact
from console.models import AuditEvent, Membership, Project, User
from tests.helpers.factories import PASSWORD

NEW_PASSWORD = "a-brand-new-password-7"


@pytest.fixture
def open_signup(settings, db):
    settings.SIGNUP = "open"
    settings.SIGNUP_EMAIL_DOMAINS = []
    return settings


def start(client, email):
    return client.post("/signup/", {"email": email})


def finish(client, link, password=NEW_PASSWORD, project_name="Photos"):
    client.get(urlparse(link).path)
    return client.post(
        reverse("signup_finish"),
        {"password1": password, "password2": password, "project_name": project_name},
    )


def test_it_is_closed_by_default(client, db, settings):
    assert settings.SIGNUP == "closed"
    assert client.get("/signup/").status_code == 404
    assert "Create account" not in client.get(reverse("signin")).content.decode()


def test_the_sign_in_page_offers_it_when_open(client, open_signup, db):
    html = client.get(reverse("signin")).content.decode()
    assert 'href="/signup/"' in html and "Create account" in html


def test_it_mails_a_link_that_creates_the_account_and_a_first_project(
    client, open_signup, mail_server
):
    response = start(client, "Newbie@Example.com")
    assert response.status_code == 302
    assert not User.objects.filter(email="newbie@example.com").exists()
    [mail] = mail_server.messages
    assert mail.recipients == ["newbie@example.com"]
    assert mail.subject == "Finish creating your Storj Console account"
    link = mail.links()[0]
    token = urlparse(link).path.rstrip("/").rsplit("/", 1)[1]

    client.get(urlparse(link).path)
    assert token not in str(dict(client.session.items()))
    response = finish(client, link)
    user = User.objects.get(email="newbie@example.com")
    assert user.check_password(NEW_PASSWORD)
    project = Project.objects.get(name="Photos")
    assert Membership.objects.get(user=user).project == project
    assert Membership.objects.get(user=user).role == "admin"
    assert response.url == reverse("accesskeys:index", args=[project.public_id])
    assert client.get(response.url).status_code == 200  # signed in
    assert AuditEvent.objects.filter(action="signed_up", actor=user).exists()
    assert AuditEvent.objects.filter(action="project_created", actor=user).exists()

    # Used: the link does not work again.
    again = Client()
    again.get(urlparse(link).path)
    assert again.get(reverse("signup_finish")).status_code == 404


def test_it_answers_the_same_for_an_existing_account(client, open_signup, admin, mail_server):
    known = start(Client(), admin.email)
    unknown = start(Client(), "nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    [exists] = mail_server.to(admin.email)
    assert "already" in exists.subject
    assert "/signup/verify/" not in exists.text and "/signin/forgot/" in exists.text
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)


def test_only_the_mailed_link_sets_the_password(client, open_signup, db):
    # No link, a forged one, one signed for another purpose: nothing.
    assert client.get(reverse("signup_finish")).status_code == 404
    for token in ["forged", signup.make_token("x@example.com")[:-3] + "abc"]:
        client.get(f"/signup/verify/{token}/")
        assert client.get(reverse("signup_finish")).status_code == 404
    assert not User.objects.exists()


def test_the_link_expires_after_a_day(client, open_signup, mail_server, monkeypatch):
    start(client, "newbie@example.com")
    link = mail_server.last_link("newbie@example.com")
    import time

    later = time.time() + signup.VALID_FOR_SECONDS + 60
    monkeypatch.setattr(time, "time", lambda: later)
    client.get(urlparse(link).path)
    assert client.get(reverse("signup_finish")).status_code == 404


def test_it_keeps_to_the_allowed_domains(client, open_signup, mail_server):
    open_signup.SIGNUP_EMAIL_DOMAINS = ["example.com", "example.org"]
    response = start(client, "someone@elsewhere.net")
    assert response.status_code == 200
    assert "Sign-up is open to addresses at @example.com or @example.org only." in (
        response.content.decode()
    )
    assert not mail_server.messages
    assert start(client, "someone@EXAMPLE.org").status_code == 302
    assert len(mail_server.messages) == 1


def test_it_mails_an_address_at_most_three_times_an_hour(open_signup, mail_server):
    for _ in range(4):
        start(Client(), "newbie@example.com")
    assert len(mail_server.messages) == 3


def test_the_password_must_pass_the_validators(client, open_signup, mail_server):
    start(client, "newbie@example.com")
    response = finish(client, mail_server.last_link("newbie@example.com"), password="newbie1234")
    assert response.status_code == 200
    assert "too similar" in response.content.decode() or "too common" in (response.content.decode())
    assert not User.objects.exists()


def test_a_mail_server_that_is_down_is_said(client, open_signup, mail_server_down):
    response = start(client, "newbie@example.com")
    assert response.status_code == 503
    assert "We could not send the email" in response.content.decode()


def test_the_link_is_masked_in_logs():
    token = signup.make_token("newbie@example.com")
    line = redact(f'"GET /signup/verify/{token}/ HTTP/1.1" 302 0')
    assert token not in line and "/signup/verify/[redacted]/" in line


@pytest.mark.parametrize(
    "env, message",
    [
        ({"SIGNUP": "maybe"}, "SIGNUP must be closed or open"),
    ],
)
def test_it_refuses_a_bad_setting(tmp_path, env, message):
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOCAL_DIR": str(tmp_path),
            "PATH": "/usr/bin:/bin",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and message in done.stderr
