"""Changing the password on the account page, and the security notices mailed
to the account: password changed, two-factor on or off, recovery codes, API token."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from console.models import AuditEvent, EncryptedTOTPDevice
from tests.helpers.factories import PASSWORD, client_for
from tests.helpers.two_factor import app_code

NEW_PASSWORD = "a-brand-new-password-7"
URL = "/account/password/"


def change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(
        URL,
        {"current_password": current, "password1": new, "password2": confirm or new},
    )


def test_the_account_page_offers_it(admin_client):
    html = admin_client.get(reverse("account")).content.decode()
    assert "Current password" in html and "New password" in html and "Confirm password" in html
    assert f'action="{URL}"' in html


def test_it_changes_the_password_and_ends_the_other_sessions(admin, mail_server):
    other = client_for(admin)
    this = client_for(admin)
    response = change(this)
    assert response.status_code == 302 and response.url == reverse("account")
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)
    # This browser stays signed in; the other is signed out.
    page = this.get(reverse("account"))
    assert page.status_code == 200
    assert "Every other browser signed in to your account was signed out." in (
        page.content.decode()
    )
    assert other.get(reverse("account")).status_code == 302
    event = AuditEvent.objects.get(action="password_changed")
    assert event.actor == admin and NEW_PASSWORD not in str(event.details)


def test_it_mails_a_notice_without_a_link_that_undoes_anything(admin_client, admin, mail_server):
    change(admin_client)
    [notice] = mail_server.to(admin.email)
    assert notice.subject == "Your Storj Console password was changed"
    assert "changed from the account page" in notice.text
    assert NEW_PASSWORD not in notice.text and NEW_PASSWORD not in notice.html
    # Its only link is the console's address: nothing in it acts without signing in.
    assert notice.links() == ["http://testserver/"]


@pytest.mark.parametrize(
    "current, new, confirm, field, message",
    [
        ("wrong-password-123", NEW_PASSWORD, None, "current_password", "not your current"),
        (PASSWORD, "password1234", None, "password1", "too common"),
        (PASSWORD, NEW_PASSWORD, "something-else-123", "password2", "do not match"),
        (PASSWORD, PASSWORD, None, "password1", "other than your current one"),
    ],
)
def test_it_refuses_what_is_wrong_under_its_field(
    admin_client, admin, current, new, confirm, field, message
):
    response = change(admin_client, current, new, confirm)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="password_changed").exists()


def test_a_wrong_current_password_counts_as_a_failed_sign_in(admin_client, admin, settings):
    settings.AXES_FAILURE_LIMIT = 2
    change(admin_client, current="wrong-password-123")
    change(admin_client, current="wrong-password-124")
    response = Client().post(reverse("signin"), {"email": admin.email, "password": PASSWORD})
    assert response.status_code == 429


def test_a_notice_that_cannot_be_sent_leaves_the_change_done(admin_client, admin, mail_server_down):
    assert change(admin_client).status_code == 302
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)


# --- security notices -------------------------------------------------------------


def test_turning_two_factor_on_and_off_mails_notices(admin_client, admin, mail_server):
    admin_client.get(reverse("two_factor_setup"))
    device = EncryptedTOTPDevice.objects.get(user=admin)
    admin_client.post(reverse("two_factor_setup"), {"code": app_code(device)})
    admin_client.post(
        reverse("two_factor_recovery_codes"), {"regenerate-code": app_code(device, 1)}
    )
    admin_client.post(reverse("two_factor_turn_off"), {"turn_off-code": app_code(device, 2)})
    subjects = [m.subject for m in mail_server.to(admin.email)]
    assert subjects == [
        "Two-factor authentication was turned on on your Storj Console account",
        "New recovery codes were made on your Storj Console account",
        "Two-factor authentication was turned off on your Storj Console account",
    ]
    for notice in mail_server.to(admin.email):
        assert notice.links() == ["http://testserver/"]


def test_a_new_api_token_mails_a_notice(admin_client, admin, project, mail_server):
    response = admin_client.post(
        "/account/api-tokens/",
        {"name": "deploy", "project": str(project.public_id), "expires": "90"},
    )
    html = response.content.decode()
    token = html[html.index('value="akc_') + 7 : html.index('"', html.index('value="akc_') + 7)]
    [notice] = mail_server.to(admin.email)
    assert notice.subject == "A new API token was created on your Storj Console account"
    assert '"deploy"' in notice.text and '"Alpha"' in notice.text
    assert token not in notice.text and token not in notice.html


def test_a_token_made_by_the_command_mails_a_notice(admin, project, mail_server, settings):
    settings.CONSOLE_URL = "https://console.example.com"
    out = io.StringIO()
    call_command("create_api_token", "--user", admin.email, "--project", "Alpha", stdout=out)
    [notice] = mail_server.to(admin.email)
    assert "A new API token" in notice.subject
    assert out.getvalue().strip() not in notice.text
    assert notice.links() == ["https://console.example.com/"]


def test_two_factor_turns_on_with_the_mail_server_down(admin_client, admin, mail_server_down):
    admin_client.get(reverse("two_factor_setup"))
    device = EncryptedTOTPDevice.objects.get(user=admin)
    response = admin_client.post(reverse("two_factor_setup"), {"code": app_code(device)})
    assert "Two-factor authentication is on" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
