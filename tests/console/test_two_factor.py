"""Two-factor sign-in: setting it up from the account page, signing in with a
code or a recovery code, new recovery codes, turning it off, and projects that
require it of their members."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from console import two_factor
from console.models import AuditEvent, EncryptedTOTPDevice
from tests.helpers.factories import PASSWORD
from tests.helpers.two_factor import app_code, turn_on

# 80 random bits, shown in four groups.
RECOVERY_CODE = r"<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>"


def sign_in_with_password(client, user, next_url=None):
    data = {"email": user.email, "password": PASSWORD}
    url = reverse("signin")
    if next_url:
        data["next"] = next_url
        url += f"?next={next_url}"
    return client.post(url, data)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# ----- Setting it up -----


def test_it_shows_two_factor_off_on_the_account_page(admin_client):
    response = admin_client.get(reverse("account"))
    html = response.content.decode()
    assert "alice@example.com" in html
    assert "Set up two-factor authentication" in html


def test_it_is_reached_from_the_email_in_the_menu(admin_client, project):
    response = admin_client.get(reverse("accesskeys:index", args=[project.public_id]))
    assert f'href="{reverse("account")}"' in response.content.decode()


def test_it_shows_the_secret_as_qr_code_uri_and_text(admin_client, admin):
    response = admin_client.get(reverse("two_factor_setup"))
    html = response.content.decode()
    device = EncryptedTOTPDevice.objects.get(user=admin)
    assert not device.confirmed
    assert "<svg" in html and "QR code" in html
    assert "otpauth://totp/" in html and "issuer=Storj%20Console" in html
    secret = re.search(r'id="two-factor-secret"[^>]*>([A-Z2-7 ]+)<', html).group(1)
    assert secret.replace(" ", "") in device.config_url
    # Reloading keeps the same secret, so a scanned code stays valid.
    again = admin_client.get(reverse("two_factor_setup")).content.decode()
    assert secret in again
    assert EncryptedTOTPDevice.objects.filter(user=admin).count() == 1


def test_it_stays_off_until_a_code_confirms_it(admin_client, admin):
    admin_client.get(reverse("two_factor_setup"))
    assert not two_factor.has_two_factor(admin)
    client = Client()
    response = sign_in_with_password(client, admin)
    assert is_signed_in(client), "an unconfirmed device must not ask for a code"
    assert response.status_code == 302


def test_it_refuses_a_wrong_code_at_setup(admin_client, admin):
    admin_client.get(reverse("two_factor_setup"))
    device = EncryptedTOTPDevice.objects.get(user=admin)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"
    response = admin_client.post(reverse("two_factor_setup"), {"code": wrong})
    assert response.status_code == 200
    assert "That code does not match" in response.content.decode()
    assert not two_factor.has_two_factor(admin)
    assert not AuditEvent.objects.filter(action="two_factor_enabled").exists()


def test_it_says_a_code_is_six_digits(admin_client):
    response = admin_client.post(reverse("two_factor_setup"), {"code": "12ab"})
    assert "The code is 6 digits" in response.content.decode()


def test_it_turns_on_with_the_apps_code_and_shows_recovery_codes_once(admin_client, admin):
    admin_client.get(reverse("two_factor_setup"))
    device = EncryptedTOTPDevice.objects.get(user=admin)
    response = admin_client.post(reverse("two_factor_setup"), {"code": app_code(device)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Two-factor authentication is on" in html
    codes = re.findall(RECOVERY_CODE, html)
    assert len(codes) == 10 and len(set(codes)) == 10
    # Only their hashes are stored.
    stored = set(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {two_factor.normalize(code) for code in codes}
    assert not any(code.replace("-", "")[:8] in token for code in codes for token in stored)
    assert two_factor.has_two_factor(admin)
    event = AuditEvent.objects.get(action="two_factor_enabled")
    assert event.actor == admin
    assert not any(code in str(event.details) for code in codes)
    # The codes are never shown again, nor kept in the session.
    account = admin_client.get(reverse("account")).content.decode()
    assert not any(code in account for code in codes)
    assert "10 of 10 left" in account
    assert not any(code in str(dict(admin_client.session)) for code in codes)


def test_setup_goes_back_to_the_account_when_it_is_already_on(admin_client, admin):
    turn_on(admin)
    response = admin_client.get(reverse("two_factor_setup"))
    assert response.url == reverse("account")


# ----- Signing in -----


def test_it_asks_for_a_code_after_the_password(client, admin):
    turn_on(admin)
    response = sign_in_with_password(client, admin)
    assert response.url == reverse("signin_code")
    assert not is_signed_in(client)
    assert not AuditEvent.objects.filter(action="sign_in").exists()
    # The session holds who is signing in, never the password.
    assert PASSWORD not in str(dict(client.session))


def test_it_signs_in_with_the_apps_code(client, admin, project):
    device, _ = turn_on(admin)
    sign_in_with_password(client, admin)
    response = client.post(reverse("signin_code"), {"code": app_code(device, 1)})
    assert response.status_code == 302
    assert is_signed_in(client)
    event = AuditEvent.objects.get(action="sign_in")
    assert event.details == {"two_factor": "authenticator app"}


def test_it_keeps_the_next_page_through_the_code_step(client, admin, project):
    device, _ = turn_on(admin)
    buckets = reverse("buckets", args=[project.public_id])
    response = sign_in_with_password(client, admin, next_url=buckets)
    assert response.url == f"{reverse('signin_code')}?next={buckets.replace('/', '%2F')}"
    response = client.post(response.url, {"code": app_code(device, 1), "next": buckets})
    assert response.url == buckets


def test_it_refuses_a_wrong_code(client, admin):
    device, _ = turn_on(admin)
    sign_in_with_password(client, admin)
    wrong = f"{(int(app_code(device, 1)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("signin_code"), {"code": wrong})
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    assert not is_signed_in(client)
    failed = AuditEvent.objects.get(action="sign_in_failed")
    assert failed.actor_email == admin.email
    assert failed.details == {"reason": "wrong two-factor code"}


def test_it_refuses_a_code_that_was_already_used(client, admin):
    device, _ = turn_on(admin)  # used the current step
    sign_in_with_password(client, admin)
    response = client.post(reverse("signin_code"), {"code": app_code(device)})
    assert "That code is not valid" in response.content.decode()
    assert not is_signed_in(client)


def test_it_slows_down_guessing(client, admin):
    turn_on(admin)
    sign_in_with_password(client, admin)
    first = client.post(reverse("signin_code"), {"code": "000000"})
    assert "That code is not valid" in first.content.decode()
    response = client.post(reverse("signin_code"), {"code": "000000"})
    assert "Too many wrong codes: wait a second, then try again." in response.content.decode()


def test_it_signs_in_with_a_recovery_code_once(client, admin):
    _, codes = turn_on(admin)
    sign_in_with_password(client, admin)
    # Typed without dashes and in capitals, as people do.
    typed = codes[0].replace("-", "").upper()
    response = client.post(reverse("signin_code"), {"code": typed}, follow=True)
    assert is_signed_in(client)
    assert "You signed in with a recovery code; 9 left." in response.content.decode()
    assert AuditEvent.objects.get(action="sign_in").details == {"two_factor": "recovery code"}

    other = Client()
    sign_in_with_password(other, admin)
    response = other.post(reverse("signin_code"), {"code": codes[0]})
    assert "That code is not valid" in response.content.decode()
    assert not is_signed_in(other)


def test_the_code_step_needs_the_password_step_first(client, admin):
    turn_on(admin)
    response = client.get(reverse("signin_code"))
    assert response.url == reverse("signin")


def test_the_code_step_expires(client, admin, monkeypatch):
    device, _ = turn_on(admin)
    sign_in_with_password(client, admin)
    monkeypatch.setattr(two_factor, "PENDING_SIGN_IN_SECONDS", -1)
    response = client.post(reverse("signin_code"), {"code": app_code(device, 1)})
    assert response.url == reverse("signin")
    assert not is_signed_in(client)


# ----- Recovery codes and turning it off -----


def test_it_makes_new_recovery_codes_with_a_current_code(admin_client, admin):
    device, old_codes = turn_on(admin)
    response = admin_client.post(
        reverse("two_factor_recovery_codes"), {"regenerate-code": app_code(device, 1)}
    )
    html = response.content.decode()
    new_codes = re.findall(RECOVERY_CODE, html)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert "Your earlier codes no longer work" in html
    assert two_factor.verify(admin, old_codes[0]) is None
    assert AuditEvent.objects.filter(action="recovery_codes_regenerated", actor=admin).exists()


def test_it_needs_a_current_code_for_new_recovery_codes(admin_client, admin):
    _, codes = turn_on(admin)
    response = admin_client.post(reverse("two_factor_recovery_codes"), {"regenerate-code": "1"})
    assert "That code is not valid" in response.content.decode()
    assert two_factor.recovery_codes_left(admin) == 10
    assert not AuditEvent.objects.filter(action="recovery_codes_regenerated").exists()


def test_it_turns_off_with_a_current_code(admin_client, admin):
    device, _ = turn_on(admin)
    response = admin_client.post(
        reverse("two_factor_turn_off"), {"turn_off-code": app_code(device, 1)}, follow=True
    )
    assert "Two-factor authentication is off." in response.content.decode()
    assert not two_factor.has_two_factor(admin)
    assert two_factor.recovery_codes_left(admin) == 0
    assert AuditEvent.objects.filter(action="two_factor_disabled", actor=admin).exists()
    client = Client()
    sign_in_with_password(client, admin)
    assert is_signed_in(client)


def test_it_does_not_turn_off_with_a_wrong_code(admin_client, admin):
    turn_on(admin)
    response = admin_client.post(reverse("two_factor_turn_off"), {"turn_off-code": "000000"})
    assert "That code is not valid" in response.content.decode()
    assert two_factor.has_two_factor(admin)
    assert not AuditEvent.objects.filter(action="two_factor_disabled").exists()


# ----- A project that requires it -----


def verified_client(user, device) -> Client:
    client = Client()
    sign_in_with_password(client, user)
    client.post(reverse("signin_code"), {"code": app_code(device, 1)})
    assert is_signed_in(client)
    return client


def test_an_admin_requires_two_factor_for_the_project(client, admin, project):
    device, _ = turn_on(admin)
    client = verified_client(admin, device)
    response = client.post(
        reverse("project_two_factor", args=[project.public_id]),
        {"require_two_factor": "on"},
        follow=True,
    )
    assert "Members now need two-factor authentication." in response.content.decode()
    project.refresh_from_db()
    assert project.require_two_factor
    event = AuditEvent.objects.get(action="two_factor_requirement")
    assert event.project == project and event.details == {"required": True}

    client.post(reverse("project_two_factor", args=[project.public_id]), {})
    project.refresh_from_db()
    assert not project.require_two_factor
    assert AuditEvent.objects.filter(action="two_factor_requirement").count() == 2


def test_an_admin_without_two_factor_cannot_require_it(admin_client, project):
    response = admin_client.post(
        reverse("project_two_factor", args=[project.public_id]),
        {"require_two_factor": "on"},
        follow=True,
    )
    assert "Turn on two-factor authentication for your own account" in response.content.decode()
    project.refresh_from_db()
    assert not project.require_two_factor


def test_a_member_cannot_change_the_requirement(member_client, project):
    response = member_client.post(
        reverse("project_two_factor", args=[project.public_id]), {"require_two_factor": "on"}
    )
    assert response.status_code == 403
    project.refresh_from_db()
    assert not project.require_two_factor


@pytest.fixture
def strict_project(project):
    project.require_two_factor = True
    project.save()
    return project


def test_a_member_without_two_factor_is_sent_to_set_it_up(member_client, strict_project):
    url = reverse("accesskeys:index", args=[strict_project.public_id])
    response = member_client.get(url, follow=True)
    setup = reverse("two_factor_setup")
    assert response.redirect_chain[0][0] == f"{setup}?next={url.replace('/', '%2F')}"
    assert "“Alpha” requires two-factor authentication" in response.content.decode()


def test_every_page_of_the_project_is_closed_to_them(member_client, strict_project):
    for url in [
        reverse("buckets", args=[strict_project.public_id]),
        reverse("team", args=[strict_project.public_id]),
        reverse("accesskeys:new", args=[strict_project.public_id]),
        reverse("project_settings", args=[strict_project.public_id]),
    ]:
        response = member_client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("two_factor_setup")), url
    htmx = member_client.get(
        reverse("accesskeys:new", args=[strict_project.public_id]), headers={"HX-Request": "true"}
    )
    assert htmx["HX-Redirect"] == reverse("two_factor_setup")


def test_after_setting_it_up_the_member_gets_in(member_client, member, strict_project):
    url = reverse("accesskeys:index", args=[strict_project.public_id])
    member_client.get(reverse("two_factor_setup"))
    device = EncryptedTOTPDevice.objects.get(user=member)
    response = member_client.post(
        f"{reverse('two_factor_setup')}?next={url}", {"code": app_code(device), "next": url}
    )
    assert f'href="{url}"' in response.content.decode()
    assert member_client.get(url).status_code == 200


def test_a_session_signed_in_without_the_code_must_sign_in_again(member, strict_project):
    turn_on(member)
    client = Client()
    client.force_login(member)  # e.g. signed in before two-factor was turned on elsewhere
    response = client.get(reverse("accesskeys:index", args=[strict_project.public_id]))
    assert response.url.startswith(reverse("signin"))
    assert not is_signed_in(client)


def test_a_signed_in_member_with_the_code_opens_the_project(member, strict_project):
    device, _ = turn_on(member)
    client = verified_client(member, device)
    assert (
        client.get(reverse("accesskeys:index", args=[strict_project.public_id])).status_code == 200
    )


def test_other_projects_do_not_ask(outsider_client, strict_project, other_project):
    response = outsider_client.get(reverse("accesskeys:index", args=[other_project.public_id]))
    assert response.status_code == 200


def test_it_says_when_setup_is_slowed_down_by_wrong_codes(admin_client, admin):
    admin_client.get(reverse("two_factor_setup"))
    device = EncryptedTOTPDevice.objects.get(user=admin)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"
    admin_client.post(reverse("two_factor_setup"), {"code": wrong})
    response = admin_client.post(reverse("two_factor_setup"), {"code": app_code(device)})
    assert "Too many wrong codes: wait a second, then try again." in response.content.decode()
    assert not two_factor.has_two_factor(admin)


def test_what_is_stored_for_a_recovery_code_does_not_sign_in(client, admin):
    turn_on(admin)
    stored = StaticToken.objects.filter(device__user=admin).first().token
    sign_in_with_password(client, admin)
    response = client.post(reverse("signin_code"), {"code": stored})
    assert "That code is not valid" in response.content.decode()
    assert not is_signed_in(client)
