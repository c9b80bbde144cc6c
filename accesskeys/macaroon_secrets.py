"""The keys' macaroon secrets at rest, under the console's master keys."""

from django.db import transaction

from accesskeys.models import AccessKey
from console import keyring
from console.masterkeys import MasterKeyError


def _secret_context(head: bytes) -> bytes:
    # Binds the blob to its macaroon head, so it cannot be copied to another key.
    return b"macaroon-secret:" + bytes(head)


def encrypt_macaroon_secret(head: bytes, secret: bytes) -> tuple[bytes, str]:
    """Encrypt a macaroon secret bound to its head; returns the blob and key id."""
    return keyring.encrypt(secret, _secret_context(head))


def decrypt_macaroon_secret(head: bytes, blob: bytes, key_id: str) -> bytes:
    return keyring.decrypt(blob, key_id, _secret_context(head))


def rotate_macaroon_secrets(failures: list[str]) -> int:
    """Re-encrypt every key's secret not under the current master key.

    Returns how many moved; appends what could not be decrypted to `failures`.
    """
    # S3 credentials registered through the API hold no macaroon secret of their own.
    keys = AccessKey.objects.filter(secret_encrypted__isnull=False).exclude(
        secret_key_id=keyring.current_master_key().id
    )
    rotated = 0
    for pk in keys.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            key = AccessKey.objects.select_for_update().get(pk=pk)
            try:
                secret = decrypt_macaroon_secret(key.head, key.secret_encrypted, key.secret_key_id)
            except MasterKeyError as e:
                failures.append(f"access key {key.pk}: {e}")
                continue
            key.secret_encrypted, key.secret_key_id = encrypt_macaroon_secret(key.head, secret)
            key.save(update_fields=["secret_encrypted", "secret_key_id"])
            rotated += 1
    return rotated
