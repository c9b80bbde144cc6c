"""Re-encrypt the secrets kept at rest under the current master key.

Rotation: put a new key first in MASTER_KEYS (keep the old ones after it),
restart, run this command, and once it reports nothing left under the old
keys, remove them from the setting.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accesskeys import keyring
from accesskeys.models import AccessKey
from accesskeys.services.errors import FormatError
from console.models import Project


class Command(BaseCommand):
    help = (
        "Re-encrypt managed project passphrases and access key secrets under the current "
        "(first) master key in MASTER_KEYS."
    )

    def handle(self, *args, **options):
        current = keyring.current_master_key().id
        failures: list[str] = []

        projects = Project.objects.filter(
            passphrase_mode=Project.PassphraseMode.MANAGED,
            managed_passphrase_encrypted__isnull=False,
        ).exclude(managed_passphrase_key_id=current)
        rotated_projects = 0
        for pk in projects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                project = Project.objects.select_for_update().get(pk=pk)
                try:
                    value = keyring.managed_passphrase(project)
                except FormatError as e:
                    # The message names the key id, never key material or the secret.
                    failures.append(f"project {project.public_id}: {e}")
                    continue
                keyring.set_managed_passphrase(project, value)
                project.save(
                    update_fields=["managed_passphrase_encrypted", "managed_passphrase_key_id"]
                )
                rotated_projects += 1

        keys = AccessKey.objects.exclude(secret_key_id=current)
        rotated_keys = 0
        for pk in keys.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                key = AccessKey.objects.select_for_update().get(pk=pk)
                head = bytes(key.head)
                try:
                    secret = keyring.decrypt_macaroon_secret(
                        head, key.secret_encrypted, key.secret_key_id
                    )
                except FormatError as e:
                    failures.append(f"access key {key.pk}: {e}")
                    continue
                key.secret_encrypted, key.secret_key_id = keyring.encrypt_macaroon_secret(
                    head, secret
                )
                key.save(update_fields=["secret_encrypted", "secret_key_id"])
                rotated_keys += 1

        self.stdout.write(
            f"Re-encrypted under master key {current!r}: {rotated_projects} managed "
            f"passphrase(s), {rotated_keys} access key secret(s)."
        )
        if failures:
            for failure in failures:
                self.stderr.write(failure)
            raise CommandError(
                f"{len(failures)} secret(s) could not be decrypted; keep the old master keys "
                "configured until they are resolved."
            )
        self.stdout.write(
            self.style.SUCCESS("Nothing is left under older master keys; they can be removed.")
        )
