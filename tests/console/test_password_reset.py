"""Forgot password: the same answer for every email, a mailed one-time link valid
for an hour, every session ended, two-factor still asked, and the request
counted by the sign-in throttling and the hourly mail quota (in the database)."""

import logging
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from console.log_redaction import redact
from console.models import AccountMail, AuditEvent
from tests.helpers.factories import PASSWORD, client_for
from tests.helpers.two_factor import turn_on

FORGOT = "/signin/forgot/"
NEW_PASSWORD = "a-brand-new-password-7"


def ask(client, email):
    return client.post(FORGOT, {"email": email})


def reset_path(mail_server, email) -> str:
    return urlparse(mail_server.last_link(email)).path


def set_new_password(client, path, password=NEW_PASSWORD):
    client.get(path)
    return client.post(reverse("password_reset"), {"password1": password, "password2": password})


def test_the_sign_in_page_links_to_it(client, db):
    html = client.get(reverse("signin")).content.decode()
    assert f'href="{FORGOT}"' in html and "Forgot your password?" in html


def test_it_answers_the_same_whether_or_not_an_account_exists(client, admin, mail_server):
    answers, queries = [], []
    for email in [admin.email, "nobody@example.com"]:
        with CaptureQueriesContext(connection) as captured:
            response = ask(Client(), email)
        queries.append(len(captured))
        assert response.status_code == 302 and response.url == reverse("signin")
        page = Client().get(response.url)  # (messages live in the asking client's session)
        assert page.status_code == 200
        answers.append(response.url)
    assert answers[0] == answers[1]
    # The same work either way: one mail each, the same number of queries.
    assert queries[0] == queries[1]
    assert [m.recipients for m in mail_server.messages] == [[admin.email], ["nobody@example.com"]]
    assert "/password-reset/" in mail_server.messages[0].text
    assert "no account uses this address" in mail_server.messages[1].text
    assert "http" in mail_server.messages[1].text and "/password-reset/" not in (
        mail_server.messages[1].text
    )


def test_it_says_what_happens_next(client, admin, mail_server):
    response = ask(client, admin.email.upper())
    page = client.get(response.url).content.decode()
    assert "If an account exists for alice@example.com, we sent it a link" in page
    assert "for 60 minutes" in page


def test_the_link_sets_a_new_password_once(client, admin, mail_server):
    ask(client, admin.email)
    path = reset_path(mail_server, admin.email)
    token = path.rstrip("/").rsplit("/", 1)[1]

    response = client.get(path)
    assert response.status_code == 302 and response.url == reverse("password_reset")
    assert token not in str(dict(client.session.items()))
    page = client.get(reverse("password_reset")).content.decode()
    assert "Set a new password" in page and admin.email in page and token not in page

    response = client.post(
        reverse("password_reset"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("signin")
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="password_reset", actor=admin).count() == 1

    # Once: the same link no longer opens the page.
    again = Client()
    again.get(path)
    assert again.get(reverse("password_reset")).status_code == 404
    assert "This link is not valid" in again.get(reverse("password_reset")).content.decode()


def test_the_link_expires_after_an_hour(client, admin, mail_server, monkeypatch):
    ask(client, admin.email)
    path = reset_path(mail_server, admin.email)
    later = default_token_generator._now() + timedelta(minutes=61)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    client.get(path)
    assert client.get(reverse("password_reset")).status_code == 404


def test_a_page_opened_in_time_expires_too(client, admin, mail_server, monkeypatch):
    ask(client, admin.email)
    client.get(reset_path(mail_server, admin.email))
    later = default_token_generator._now() + timedelta(minutes=61)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    response = client.post(
        reverse("password_reset"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 404
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)


def test_signing_in_meanwhile_ends_the_link(client, admin, mail_server):
    ask(client, admin.email)
    path = reset_path(mail_server, admin.email)
    Client().post(reverse("signin"), {"email": admin.email, "password": PASSWORD})
    client.get(path)
    assert client.get(reverse("password_reset")).status_code == 404


def test_it_ends_every_session_and_mails_a_notice(client, admin, mail_server):
    signed_in = client_for(admin)
    assert signed_in.get(reverse("account")).status_code == 200
    ask(client, admin.email)
    set_new_password(client, reset_path(mail_server, admin.email))
    assert signed_in.get(reverse("account")).status_code == 302
    assert "_auth_user_id" not in client.session  # the reset does not sign in
    notice = mail_server.to(admin.email)[-1]
    assert "password was changed" in notice.subject.lower()
    assert "/password-reset/" not in notice.text


def test_two_factor_is_still_asked_after_a_reset(client, admin, mail_server):
    turn_on(admin)
    ask(client, admin.email)
    set_new_password(client, reset_path(mail_server, admin.email))
    response = client.post(reverse("signin"), {"email": admin.email, "password": NEW_PASSWORD})
    assert response.status_code == 302 and response.url.startswith(reverse("signin_code"))
    assert "_auth_user_id" not in client.session


def test_the_new_password_must_pass_the_validators(client, admin, mail_server):
    ask(client, admin.email)
    client.get(reset_path(mail_server, admin.email))
    response = client.post(
        reverse("password_reset"), {"password1": "password1234", "password2": "password1234"}
    )
    assert "This password is too common." in response.content.decode()
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)


def test_it_mails_an_address_at_most_three_times_an_hour(client, admin, mail_server):
    for _ in range(5):
        assert ask(Client(), admin.email).status_code == 302
    assert len(mail_server.to(admin.email)) == 3
    # Counted in the database, where every app process sees it.
    assert AccountMail.objects.filter(email=admin.email).count() == 3
    assert len(mail_server.to("other@example.com")) == 0
    ask(Client(), "other@example.com")
    assert len(mail_server.to("other@example.com")) == 1


def test_it_counts_towards_the_sign_in_throttling(client, admin, mail_server, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        ask(client, admin.email)
    assert AccessAttempt.objects.get(username=admin.email).failures_since_start == 2
    third = ask(client, admin.email)
    assert third.status_code == 429
    assert "Too many failed sign-in attempts" in third.content.decode()
    assert len(mail_server.to(admin.email)) == 2
    # And sign-in itself is now refused for that email, right password or not.
    response = Client().post(reverse("signin"), {"email": admin.email, "password": PASSWORD})
    assert response.status_code == 429


def test_a_mail_server_that_is_down_is_said_and_not_counted(client, admin, mail_server_down):
    response = ask(client, admin.email)
    assert response.status_code == 503
    assert "We could not send the email; try again or ask an operator." in (
        response.content.decode()
    )
    assert not AccountMail.objects.exists()


def test_the_link_is_masked_in_logs(client, admin, mail_server, caplog):
    ask(client, admin.email)
    path = reset_path(mail_server, admin.email)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert token not in redact(f'"GET {path} HTTP/1.1" 302 0')
    assert "/password-reset/[redacted]/" in redact(f'"GET {path} HTTP/1.1" 302 0')
    with caplog.at_level(logging.DEBUG):
        client.get(path)
    assert token not in caplog.text


@pytest.mark.parametrize("token", ["x", "MQ.nope", "MQ.abc-def", "%00.%00", "9" * 40 + ".x"])
def test_a_bad_link_is_not_valid(client, db, token):
    response = client.get(f"/password-reset/{token}/", follow=True)
    assert response.status_code == 404
