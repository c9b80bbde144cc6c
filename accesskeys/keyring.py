"""The master keys from settings, and the secrets of a project kept under them.

This is the one place that reads settings.MASTER_KEYS; the service modules
take keys as arguments.
"""

from functools import cache

from django.conf import settings

from accesskeys.services import masterkeys, passphrase
from accesskeys.services.masterkeys import MasterKey


@cache
def _parse(value: str) -> tuple[MasterKey, ...]:
    return tuple(masterkeys.parse_master_keys(value))


def master_keys() -> tuple[MasterKey, ...]:
    return _parse(settings.MASTER_KEYS)


def current_master_key() -> MasterKey:
    """The first key encrypts everything new."""
    return master_keys()[0]


def _passphrase_context(project) -> bytes:
    # Binds the blob to its project, so it cannot be copied to another row.
    return b"project-passphrase:" + str(project.public_id).encode()


def set_managed_passphrase(project, value: str) -> None:
    """Encrypt a Storj-managed passphrase onto the project (not saved here)."""
    key = current_master_key()
    project.managed_passphrase_encrypted = masterkeys.encrypt(
        value.encode(), key, _passphrase_context(project)
    )
    project.managed_passphrase_key_id = key.id


def new_managed_passphrase(project) -> None:
    set_managed_passphrase(project, passphrase.generate_managed_passphrase())


def managed_passphrase(project) -> str:
    """Decrypt the project's managed passphrase, only to derive a root key."""
    blob = bytes(project.managed_passphrase_encrypted)
    return masterkeys.decrypt(
        blob, project.managed_passphrase_key_id, master_keys(), _passphrase_context(project)
    ).decode()


def encrypt_macaroon_secret(head: bytes, secret: bytes) -> tuple[bytes, str]:
    """Encrypt a macaroon secret bound to its head; returns the blob and key id."""
    key = current_master_key()
    return masterkeys.encrypt(secret, key, b"macaroon-secret:" + head), key.id


def decrypt_macaroon_secret(head: bytes, blob: bytes, key_id: str) -> bytes:
    return masterkeys.decrypt(bytes(blob), key_id, master_keys(), b"macaroon-secret:" + head)
