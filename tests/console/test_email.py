"""Outgoing email: EMAIL_URL and EMAIL_FROM, a real SMTP server (STARTTLS and a
password), the console's printed mails by default, and a mail server that is
down or refuses."""

import logging
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from console.email_url import email_settings
from console.models import AuditEvent, Invitation
from tests.helpers.mail_server import USER

SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "smtp://user:p%40ss@mail.example.com:587",
            {"EMAIL_HOST": "mail.example.com", "EMAIL_PORT": 587, "EMAIL_USE_TLS": True},
        ),
        (
            "smtps://user:pass@mail.example.com",
            {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True, "EMAIL_USE_TLS": False},
        ),
        ("smtp://relay.internal:25", {"EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False}),
        ("smtp://relay.internal:2525?tls=true", {"EMAIL_USE_TLS": True}),
        ("smtp://relay.internal:587?tls=false", {"EMAIL_USE_TLS": False}),
    ],
)
def test_it_reads_email_url(url, expected):
    conf = email_settings(url)
    assert conf["EMAIL_BACKEND"] == SMTP
    for name, value in expected.items():
        assert conf[name] == value, name


def test_it_unquotes_the_user_and_password():
    conf = email_settings("smtp://me%40example.com:p%40ss@mail.example.com:587")
    assert conf["EMAIL_HOST_USER"] == "me@example.com"
    assert conf["EMAIL_HOST_PASSWORD"] == "p@ss"


@pytest.mark.parametrize("url", ["http://mail.example.com", "smtp://", "smtp://host:port"])
def test_it_refuses_a_bad_email_url(url):
    with pytest.raises(ValueError):
        email_settings(url)


def run_settings(env: dict) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings as s; " + (
        "print(s.EMAIL_BACKEND, s.EMAIL_FROM, sep='|')"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_prints_mails_by_default_and_says_when_email_url_is_wrong(tmp_path):
    base = {"LOCAL_DIR": str(tmp_path)}
    done = run_settings(base)
    assert done.stdout.strip() == (
        "django.core.mail.backends.console.EmailBackend|Storj Console <console@localhost>"
    )
    done = run_settings({**base, "EMAIL_FROM": "Keys <keys@example.com>"})
    assert done.stdout.strip().endswith("|Keys <keys@example.com>")
    done = run_settings({**base, "EMAIL_URL": "http://mail.example.com"})
    assert done.returncode != 0
    assert "EMAIL_URL is not valid" in done.stderr
    assert ImproperlyConfigured.__name__ in done.stderr


def invite(client, project, email="newbie@example.com", role="member"):
    return client.post(reverse("team", args=[project.public_id]), {"email": email, "role": role})


def test_it_sends_through_the_smtp_server_with_starttls_and_a_password(
    admin_client, project, mail_server, settings
):
    settings.EMAIL_FROM = "Keys Console <keys@example.com>"
    assert invite(admin_client, project).status_code == 302
    [mail] = mail_server.messages
    assert mail.tls  # STARTTLS before the password and the mail
    assert mail.recipients == ["newbie@example.com"]
    assert mail.sender == "keys@example.com"
    assert mail.message["From"] == "Keys Console <keys@example.com>"


def test_the_server_refuses_a_wrong_password(admin_client, project, mail_server, settings):
    """The server takes mail only after a password (so the one above was given)."""
    settings.EMAIL_HOST_PASSWORD = "wrong"
    assert settings.EMAIL_HOST_USER == USER
    assert invite(admin_client, project).status_code == 503
    assert not mail_server.messages and not Invitation.objects.exists()


def test_a_mail_is_plain_text_with_an_html_alternative(admin_client, project, mail_server):
    invite(admin_client, project)
    [mail] = mail_server.messages
    assert mail.message.get_content_type() == "multipart/alternative"
    assert "Storj Console" in mail.subject and "Alpha" in mail.subject
    link = mail.links()[0]
    assert link in mail.text and f'href="{link}"' in mail.html
    assert "Storj Console" in mail.text and "Alpha" in mail.text
    assert "<strong>Alpha</strong>" in mail.html


def test_the_console_backend_prints_each_mail(admin_client, project, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    response = invite(admin_client, project)
    printed = capsys.readouterr().out
    assert "To: newbie@example.com" in printed
    assert "/invitations/" in printed
    page = admin_client.get(response.url).content.decode()
    assert "No mail server is set up: the console printed the mail in its terminal." in page


@pytest.mark.usefixtures("mail_server_down")
def test_a_mail_server_that_is_down_leaves_nothing_half_done(admin_client, project, caplog):
    with caplog.at_level(logging.ERROR, logger="console.mail"):
        response = invite(admin_client, project)
    assert response.status_code == 503
    assert "We could not send the email; try again or ask an operator." in (
        response.content.decode()
    )
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(action="member_invited").exists()
    [record] = [r for r in caplog.records if r.name == "console.mail"]
    assert "invitation" in record.getMessage() and "newbie@example.com" in record.getMessage()
    assert "/invitations/" not in caplog.text


def test_a_refused_mail_keeps_the_earlier_invitation(admin_client, project, mail_server):
    invite(admin_client, project, role="admin")
    earlier = Invitation.objects.get()
    mail_server.handler.refuse = True
    response = admin_client.post(
        reverse("team_invitation_resend", args=[project.public_id, earlier.id]), follow=True
    )
    assert "We could not send the email" in response.content.decode()
    # The first link still works: nothing was replaced.
    assert Invitation.objects.get() == earlier
    assert len(mail_server.messages) == 1


def test_names_are_not_html_escaped_in_text_and_subject(admin_client, project, mail_server):
    project.name = "R&D's <lab>"
    project.save()
    invite(admin_client, project)
    [mail] = mail_server.messages
    assert "R&D's <lab>" in mail.subject and "R&D's <lab>" in mail.text
    assert "R&amp;D&#x27;s &lt;lab&gt;" in mail.html
