"""The master keys from settings, and the secrets kept at rest under them.

This is the one place that reads settings.MASTER_KEYS. It encrypts the
projects' managed passphrases and the authenticator apps' TOTP secrets here;
`accesskeys.macaroon_secrets` encrypts the keys' macaroon secrets with the same master keys,
and `console.master_key_rotation` moves them all under a new one. No model import here:
console.models uses this module.
"""

from __future__ import annotations

import base64
import secrets
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

from console import masterkeys
from console.masterkeys import MasterKey

if TYPE_CHECKING:
    # Only for type hints: console.models uses this module for the TOTP secrets.
    from console.models import Project

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
