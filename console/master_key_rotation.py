"""Moving the console's secrets at rest under the current master key (rotate_master_keys).

Walks the projects' managed passphrases and the authenticator apps' secrets; the
keys' macaroon secrets are `accesskeys.macaroon_secrets.rotate_macaroon_secrets`.
"""

from django.db import transaction

from console.keyring import current_master_key, managed_passphrase, set_managed_passphrase
from console.masterkeys import MasterKeyError
from console.models import EncryptedTOTPDevice, Project


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
