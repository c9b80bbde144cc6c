"""rotate_master_keys: secrets move to the new master key and stay the same."""

import base64
import os
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from accesskeys.macaroon_secrets import decrypt_macaroon_secret, encrypt_macaroon_secret
from accesskeys.models import AccessKey
from accesskeys.services.access import CreateAccessRequest, create_access
from accesskeys.services.lookup import authorize
from console import keyring, two_factor
from console.models import EncryptedTOTPDevice, Project
from storjformat import grant, macaroon
from storjformat.passphrase import derive_root_key
from tests.helpers.two_factor import app_code, turn_on

NEW_KEY = "k-new:" + base64.b64encode(os.urandom(32)).decode()


def managed_project(name="Managed") -> Project:
    project = Project(name=name, passphrase_mode=Project.PassphraseMode.MANAGED)
    keyring.new_managed_passphrase(project)
    project.save()
    return project


def access_key(project, secret: bytes) -> AccessKey:
    head = os.urandom(32)
    blob, key_id = encrypt_macaroon_secret(head, secret)
    return AccessKey.objects.create(
        project=project,
        name="old key",
        type=AccessKey.Type.API_KEY,
        head=head,
        secret_encrypted=blob,
        secret_key_id=key_id,
        not_before=timezone.now(),
    )


def rotate() -> str:
    out = StringIO()
    call_command("rotate_master_keys", stdout=out)
    return out.getvalue()


def test_it_reencrypts_under_the_new_key_and_keeps_the_same_secrets(db):
    old_id = keyring.current_master_key().id
    project = managed_project()
    passphrase = keyring.managed_passphrase(project)
    root_key = derive_root_key(passphrase, bytes(project.salt))
    old_blob = bytes(project.managed_passphrase_encrypted)
    secret = os.urandom(32)
    key = access_key(project, secret)

    with override_settings(MASTER_KEYS=f"{NEW_KEY},{settings.MASTER_KEYS}"):
        out = rotate()
        project.refresh_from_db()
        key.refresh_from_db()
        assert "1 managed passphrase(s), 1 access key secret(s)" in out
        assert project.managed_passphrase_key_id == "k-new" != old_id
        assert bytes(project.managed_passphrase_encrypted) != old_blob
        assert keyring.managed_passphrase(project) == passphrase
        assert key.secret_key_id == "k-new"

    # The old key can now be retired: everything reads with the new one alone.
    with override_settings(MASTER_KEYS=NEW_KEY):
        assert keyring.managed_passphrase(project) == passphrase
        assert derive_root_key(keyring.managed_passphrase(project), bytes(project.salt)) == root_key
        assert (
            decrypt_macaroon_secret(bytes(key.head), key.secret_encrypted, key.secret_key_id)
            == secret
        )
        # Run again: nothing left to do.
        assert "0 managed passphrase(s), 0 access key secret(s)" in rotate()


def test_it_keeps_grants_before_and_after_on_the_same_root_key(admin):
    project = managed_project()
    project.memberships.create(user=admin, role="admin")
    before = create_access(project, admin, CreateAccessRequest(name="before", type="access_grant"))

    with override_settings(MASTER_KEYS=f"{NEW_KEY},{settings.MASTER_KEYS}"):
        rotate()
    with override_settings(MASTER_KEYS=NEW_KEY):
        project.refresh_from_db()
        after = create_access(
            project, admin, CreateAccessRequest(name="after", type="access_grant")
        )
        # The key made before the rotation still authorizes requests.
        authorize(
            macaroon.to_api_key_string(
                macaroon.parse(grant.parse_grant(before.access_grant).api_key)
            ),
            macaroon.Action(
                op=macaroon.Op.READ, time=timezone.now(), bucket=b"photos", encrypted_path=b"a"
            ),
        )

    key_before = grant.parse_grant(before.access_grant).encryption_access.default_key
    key_after = grant.parse_grant(after.access_grant).encryption_access.default_key
    assert key_before == key_after


def test_it_leaves_self_managed_projects_alone(db, project):
    with override_settings(MASTER_KEYS=f"{NEW_KEY},{settings.MASTER_KEYS}"):
        rotate()
    project.refresh_from_db()
    assert project.managed_passphrase_encrypted is None
    assert project.managed_passphrase_key_id == ""


def test_it_reports_what_it_cannot_decrypt_and_rotates_the_rest(db):
    readable = managed_project("Readable")
    passphrase = keyring.managed_passphrase(readable)
    orphan = managed_project("Orphan")
    Project.objects.filter(pk=orphan.pk).update(managed_passphrase_key_id="retired")

    err = StringIO()
    with override_settings(MASTER_KEYS=f"{NEW_KEY},{settings.MASTER_KEYS}"):
        with pytest.raises(CommandError, match="1 secret"):
            call_command("rotate_master_keys", stdout=StringIO(), stderr=err)
        readable.refresh_from_db()
        assert readable.managed_passphrase_key_id == "k-new"
        assert keyring.managed_passphrase(readable) == passphrase
    assert str(orphan.public_id) in err.getvalue()
    assert "'retired' is not configured" in err.getvalue()


def test_it_reencrypts_authenticator_app_secrets_and_their_codes_still_work(admin):
    device, _ = turn_on(admin)
    secret = device.bin_key
    old_blob = bytes(device.secret_encrypted)

    with override_settings(MASTER_KEYS=f"{NEW_KEY},{settings.MASTER_KEYS}"):
        assert "1 authenticator app secret(s)" in rotate()
        device.refresh_from_db()
        assert device.secret_key_id == "k-new"
        assert bytes(device.secret_encrypted) != old_blob

    with override_settings(MASTER_KEYS=NEW_KEY):
        device = EncryptedTOTPDevice.objects.get(pk=device.pk)
        assert device.bin_key == secret
        # The app set up before the rotation signs in after it (next step: the
        # current one was used to turn two-factor on).
        assert two_factor.verify(admin, app_code(device, steps_ahead=1)) == device
        assert "0 authenticator app secret(s)" in rotate()


def test_it_reports_an_authenticator_app_secret_it_cannot_decrypt(admin):
    device, _ = turn_on(admin)
    EncryptedTOTPDevice.objects.filter(pk=device.pk).update(secret_key_id="retired")
    err = StringIO()
    with (
        override_settings(MASTER_KEYS=f"{NEW_KEY},{settings.MASTER_KEYS}"),
        pytest.raises(CommandError, match="1 secret"),
    ):
        call_command("rotate_master_keys", stdout=StringIO(), stderr=err)
    assert f"TOTP device {device.pk} of user {admin.pk}" in err.getvalue()
    assert "'retired' is not configured" in err.getvalue()
