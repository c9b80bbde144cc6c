"""Upgrading a database whose authenticator app secrets django-otp kept in plain
text: they move under the master keys, the plaintext rows go, and the apps set up
before keep signing in."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_otp.oath import totp

from console import two_factor
from console.models import EncryptedTOTPDevice
from tests.helpers.secrets import authenticator_secret_forms, dump_every_table

BEFORE = [("console", "0003_project_require_two_factor"), ("otp_totp", "0003_add_timestamps")]
AFTER = [("console", "0004_encryptedtotpdevice")]
SECRET = bytes(range(1, 21))


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_it_encrypts_plaintext_secrets_and_drops_them():
    old = migrate(BEFORE)
    User = old.get_model("console", "User")
    PlainDevice = old.get_model("otp_totp", "TOTPDevice")
    user = User.objects.create(email="alice@example.com", password="pbkdf2_sha256$x")
    PlainDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True, key=SECRET.hex(), drift=1, last_t=7
    )

    new = migrate(AFTER)
    assert not new.get_model("otp_totp", "TOTPDevice").objects.exists()
    for value in authenticator_secret_forms(SECRET):
        assert value not in dump_every_table()

    # The console's models read the latest schema (later migrations add columns).
    call_command("migrate", verbosity=0)
    device = EncryptedTOTPDevice.objects.get()
    assert (device.user_id, device.name, device.confirmed) == (user.pk, "Authenticator app", True)
    assert (device.drift, device.last_t) == (1, 7)
    assert device.bin_key == SECRET
    assert two_factor.verify(device.user, f"{totp(SECRET):06d}") == device


@pytest.mark.django_db(transaction=True)
def test_it_goes_back_to_plaintext_devices_on_rollback():
    new = migrate(AFTER)
    User = new.get_model("console", "User")
    user = User.objects.create(email="alice@example.com", password="pbkdf2_sha256$x")
    device = EncryptedTOTPDevice(user_id=user.pk, name="Authenticator app", confirmed=True)
    device.set_secret(SECRET)
    device.save()

    old = migrate(BEFORE)
    plain = old.get_model("otp_totp", "TOTPDevice").objects.get()
    assert (plain.user_id, plain.key, plain.confirmed) == (user.pk, SECRET.hex(), True)


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    yield
    call_command("migrate", verbosity=0)
