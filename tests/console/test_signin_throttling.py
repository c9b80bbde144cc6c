"""Sign-in throttling (django-axes, state in the database): after too many wrong
passwords the email and the address are refused, even with the right password,
with a message on the sign-in page and an audit event, until the cool-off."""

import os
import subprocess
import sys

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import reverse

from console.models import AuditEvent
from tests.helpers import PROJECT_DIR
from tests.helpers.factories import PASSWORD

ROOT = PROJECT_DIR
HOME = "198.51.100.7"
ELSEWHERE = "203.0.113.50"
LOCKED_OUT = "Too many failed sign-in attempts. Sign-in is paused for up to 15 minutes"


def sign_in(email, password, address=HOME, client=None, **headers):
    client = client or Client()
    return client.post(
        reverse("signin"), {"email": email, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(times, email, address=HOME, **headers):
    for _ in range(times):
        sign_in(email, "wrong-password-000", address, **headers)


def is_refused(response) -> bool:
    refused = response.status_code == 429
    if refused:
        assert LOCKED_OUT in response.content.decode()
    return refused


def test_it_refuses_the_right_password_after_30_wrong_ones(admin):
    fail(30, admin.email)
    response = sign_in(admin.email, PASSWORD)

    assert is_refused(response)
    body = response.content.decode()
    # The sign-in page itself, with its form and the email kept.
    assert "<h1>Sign in</h1>" in body and 'value="alice@example.com"' in body
    assert '<div class="alert alert-error" role="alert">' in body
    assert "_auth_user_id" not in response.wsgi_request.session


def test_it_answers_as_usual_below_the_limit(admin):
    fail(settings.AXES_FAILURE_LIMIT - 1, admin.email)
    assert sign_in(admin.email, PASSWORD).status_code == 302


def test_it_locks_at_the_limit_and_records_it(admin):
    fail(settings.AXES_FAILURE_LIMIT - 1, admin.email)
    reaching = sign_in(admin.email, "wrong-password-000")
    assert is_refused(reaching)
    refused = sign_in(admin.email, PASSWORD)
    assert is_refused(refused)

    failed = AuditEvent.objects.filter(action="sign_in_failed", actor_email=admin.email)
    assert failed.count() == settings.AXES_FAILURE_LIMIT - 1
    locked = AuditEvent.objects.filter(action="sign_in_locked_out").order_by("id")
    assert locked.count() == 2
    assert {e.actor_email for e in locked} == {admin.email}
    assert {e.ip_address for e in locked} == {HOME}
    for event in AuditEvent.objects.all():
        assert PASSWORD not in str(event.details) and "wrong-password" not in str(event.details)
    # Refused attempts do not push the lockout further out.
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT


def test_it_says_the_same_for_an_email_without_an_account(db):
    fail(settings.AXES_FAILURE_LIMIT, "nobody@example.com")
    assert is_refused(sign_in("nobody@example.com", PASSWORD, ELSEWHERE))


def test_it_counts_an_email_in_any_case_as_one_account(admin):
    fail(settings.AXES_FAILURE_LIMIT, "ALICE@Example.com")
    assert is_refused(sign_in(admin.email, PASSWORD, ELSEWHERE))


def test_it_locks_the_account_from_another_address_and_the_address_for_another_account(
    admin, member
):
    fail(settings.AXES_FAILURE_LIMIT, admin.email, HOME)
    # Per account: Alice from anywhere.
    assert is_refused(sign_in(admin.email, PASSWORD, ELSEWHERE))
    # Per address: anyone from there.
    assert is_refused(sign_in(member.email, PASSWORD, HOME))
    # Others elsewhere are untouched.
    assert sign_in(member.email, PASSWORD, ELSEWHERE).status_code == 302


def test_it_can_lock_only_the_pair_of_account_and_address(admin, member, settings):
    settings.AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # SIGNIN_LOCKOUT_BY
    fail(settings.AXES_FAILURE_LIMIT, admin.email, HOME)
    assert is_refused(sign_in(admin.email, PASSWORD, HOME))
    assert sign_in(admin.email, PASSWORD, ELSEWHERE).status_code == 302
    assert sign_in(member.email, PASSWORD, HOME).status_code == 302


def test_it_ends_the_lockout_after_the_cool_off(admin):
    fail(settings.AXES_FAILURE_LIMIT, admin.email)
    assert is_refused(sign_in(admin.email, PASSWORD))
    # The failures were made a cool-off ago.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME)
    assert sign_in(admin.email, PASSWORD).status_code == 302


def test_it_takes_the_address_the_trusted_proxy_added(admin, member, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    # The attacker writes a new address in front of the proxy's each time.
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(
            f"guess{n}@example.com",
            "wrong-password-000",
            address="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {HOME}",
        )
    refused = sign_in(member.email, PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR=HOME)
    assert is_refused(refused)
    assert AuditEvent.objects.filter(action="sign_in_failed").first().ip_address == HOME
    # Garbage in the header falls back to the connection's address, not to an error.
    response = sign_in(admin.email, PASSWORD, ELSEWHERE, HTTP_X_FORWARDED_FOR="not-an-address")
    assert response.status_code == 302


def test_it_throttles_the_sign_in_an_invitation_sends_to(outsider):
    # An invitation for an existing account sends the person to the same sign-in page.
    fail(settings.AXES_FAILURE_LIMIT, outsider.email)
    response = Client().post(
        "/signin/?next=/invitation/",
        {"email": outsider.email, "password": PASSWORD, "next": "/invitation/"},
        REMOTE_ADDR=ELSEWHERE,
    )
    assert is_refused(response)
    assert 'name="next" value="/invitation/"' in response.content.decode()


def configured(tmp_path, **env) -> subprocess.CompletedProcess:
    """The throttling settings Django starts with under this environment."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME, s.AXES_LOCKOUT_PARAMETERS)"
    )
    env = {**os.environ, "DEBUG": "true", "LOCAL_DIR": str(tmp_path / "local"), **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_it_reads_its_configuration_from_the_environment(tmp_path):
    defaults = configured(tmp_path)
    assert defaults.stdout.strip() == "10 0:15:00 ['username', 'ip_address']"
    chosen = configured(
        tmp_path,
        SIGNIN_FAILURE_LIMIT="5",
        SIGNIN_LOCKOUT_MINUTES="60",
        SIGNIN_LOCKOUT_BY="account+address",
    )
    assert chosen.stdout.strip() == "5 1:00:00 [['username', 'ip_address']]"


def test_it_refuses_a_configuration_it_does_not_understand(tmp_path):
    by = configured(tmp_path, SIGNIN_LOCKOUT_BY="account,browser")
    assert by.returncode != 0
    assert "SIGNIN_LOCKOUT_BY takes account, address or account+address" in by.stderr
    limit = configured(tmp_path, SIGNIN_FAILURE_LIMIT="0")
    assert limit.returncode != 0
    assert "SIGNIN_FAILURE_LIMIT must be a whole number of at least 1" in limit.stderr
