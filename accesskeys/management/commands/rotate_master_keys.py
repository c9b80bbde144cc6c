"""Re-encrypt the secrets kept at rest under the current master key.

Rotation: put a new key first in MASTER_KEYS (keep the old ones after it),
restart, run this command, and once it reports nothing left under the old
keys, remove them from the setting.
"""

from django.core.management.base import BaseCommand, CommandError

from accesskeys.macaroon_secrets import rotate_macaroon_secrets
from console.keyring import current_master_key
from console.master_key_rotation import rotate_managed_passphrases, rotate_totp_secrets


class Command(BaseCommand):
    help = (
        "Re-encrypt managed project passphrases, access key secrets and authenticator app "
        "secrets under the current (first) master key in MASTER_KEYS."
    )

    def handle(self, *args, **options):
        failures: list[str] = []
        rotated_projects = rotate_managed_passphrases(failures)
        rotated_keys = rotate_macaroon_secrets(failures)
        rotated_apps = rotate_totp_secrets(failures)
        self.stdout.write(
            f"Re-encrypted under master key {current_master_key().id!r}: {rotated_projects} "
            f"managed passphrase(s), {rotated_keys} access key secret(s), {rotated_apps} "
            "authenticator app secret(s)."
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
