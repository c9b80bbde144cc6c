"""The master keys from settings, and the secrets kept at rest under them.

This is the one place that reads settings.MASTER_KEYS. It encrypts the
projects' managed passphrases and the authenticator apps' TOTP secrets here;
`accesskeys.keyring` encrypts the keys' macaroon secrets with the same master keys.
"""

import base64
import secrets
from functools import cache

from django.conf import settings
from django.db import transaction

from console import masterkeys
from console.masterkeys import MasterKey, MasterKeyError
from console.models import EncryptedTOTPDevice, Project

MANAGED_PASSPHRASE_BYTES = 32
# As django-otp makes them (RFC 4226 recommends 160 bits).
TOTP_SECRET_BYTES = 20


@cache
def _parse(value: str) -> tuple[MasterKey, ...]:
    return tuple(masterkeys.parse_master_keys(value))


def master_keys() -> tuple[MasterKey, ...]:
    return _parse(settings.MASTER_KEYS)


def current_master_key() -> MasterKey:
    """The first key encrypts everything new."""
    return master_keys()[0]


def encrypt(plaintext: bytes, context: bytes) -> tuple[bytes, str]:
    """Encrypt under the current master key, bound to `context`; the blob and key id."""
    key = current_master_key()
    return masterkeys.encrypt(plaintext, key, context), key.id


def decrypt(blob: bytes, key_id: str, context: bytes) -> bytes:
    """Raises MasterKeyError when the key is gone or the blob was altered or moved."""
    return masterkeys.decrypt(bytes(blob), key_id, master_keys(), context)


def generate_managed_passphrase() -> str:
    """A Storj-managed passphrase: standard base64 of 32 random bytes, as the satellite makes."""
    return base64.b64encode(secrets.token_bytes(MANAGED_PASSPHRASE_BYTES)).decode("ascii")


def _passphrase_context(project: Project) -> bytes:
    # Binds the blob to its project, so it cannot be copied to another row.
    return b"project-passphrase:" + str(project.public_id).encode()


def set_managed_passphrase(project: Project, value: str) -> None:
    """Encrypt a Storj-managed passphrase onto the project (not saved here)."""
    blob, key_id = encrypt(value.encode(), _passphrase_context(project))
    project.managed_passphrase_encrypted = blob
    project.managed_passphrase_key_id = key_id


def new_managed_passphrase(project: Project) -> None:
    set_managed_passphrase(project, generate_managed_passphrase())


def managed_passphrase(project: Project) -> str:
    """Decrypt the project's managed passphrase, only to derive a root key."""
    return decrypt(
        project.managed_passphrase_encrypted,
        project.managed_passphrase_key_id,
        _passphrase_context(project),
    ).decode()


def rotate_managed_passphrases(failures: list[str]) -> int:
    """Re-encrypt every managed passphrase not under the current master key.

    Returns how many moved; appends what could not be decrypted to `failures`
    (naming the project and key id, never a secret).
    """
    current = current_master_key().id
    projects = Project.objects.filter(
        passphrase_mode=Project.PassphraseMode.MANAGED,
        managed_passphrase_encrypted__isnull=False,
    ).exclude(managed_passphrase_key_id=current)
    rotated = 0
    for pk in projects.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            project = Project.objects.select_for_update().get(pk=pk)
            try:
                value = managed_passphrase(project)
            except MasterKeyError as e:
                failures.append(f"project {project.public_id}: {e}")
                continue
            set_managed_passphrase(project, value)
            project.save(
                update_fields=["managed_passphrase_encrypted", "managed_passphrase_key_id"]
            )
            rotated += 1
    return rotated


def _totp_context(user_id: int) -> bytes:
    # Binds the blob to its user, so it cannot be copied to another account's device.
    return b"totp-secret:" + str(user_id).encode()


def generate_totp_secret() -> bytes:
    return secrets.token_bytes(TOTP_SECRET_BYTES)


def encrypt_totp_secret(user_id: int, secret: bytes) -> tuple[bytes, str]:
    """Encrypt an authenticator app's secret bound to its user; the blob and key id.

    Takes plain values so that migrations can use it on their historical models.
    """
    return encrypt(secret, _totp_context(user_id))


def decrypt_totp_secret(user_id: int, blob: bytes, key_id: str) -> bytes:
    return decrypt(blob, key_id, _totp_context(user_id))


def rotate_totp_secrets(failures: list[str]) -> int:
    """Re-encrypt every authenticator app secret not under the current master key.

    Returns how many moved; appends what could not be decrypted to `failures`.
    """
    devices = EncryptedTOTPDevice.objects.exclude(secret_key_id=current_master_key().id)
    rotated = 0
    for pk in devices.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            device = EncryptedTOTPDevice.objects.select_for_update().get(pk=pk)
            try:
                secret = device.bin_key
            except MasterKeyError as e:
                failures.append(f"TOTP device {device.pk} of user {device.user_id}: {e}")
                continue
            device.set_secret(secret)
            device.save(update_fields=["secret_encrypted", "secret_key_id"])
            rotated += 1
    return rotated
