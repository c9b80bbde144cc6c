"""A system check for a restore: does MASTER_KEYS hold every key the stored secrets need?

Secrets at rest (access keys' macaroon secrets, managed project passphrases,
authenticator app secrets) are encrypted under a master key whose id is stored
beside each. A database restored with a MASTER_KEYS that lacks one of those
keys would fail on the first use of each such secret; this check refuses to
start instead, naming the key and how many secrets need it.

It reads the database, so it is a database check, as Django's own are: it runs
with `manage.py check --database default`, and bin/start runs it (through
migrate_on_start) before gunicorn serves anything. It lives here because it
reads both apps' tables (accesskeys may use console, not the reverse).
"""

from collections import Counter

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connections
from django.db.models import Count

from console.masterkeys import MasterKeyError, parse_master_keys


def _stored_key_ids(alias: str) -> Counter:
    """How many stored secrets each master key id encrypts."""
    from accesskeys.models import AccessKey
    from console.models import EncryptedTOTPDevice, Project

    needed: Counter = Counter()
    for model, field in [
        (AccessKey, "secret_key_id"),
        (Project, "managed_passphrase_key_id"),
        (EncryptedTOTPDevice, "secret_key_id"),
    ]:
        rows = (
            model.objects.using(alias)
            .exclude(**{field: ""})
            .order_by()
            .values(field)
            .annotate(secrets=Count("pk"))
            .values_list(field, "secrets")
        )
        for key_id, count in rows:
            needed[key_id] += count
    return needed


@register(Tags.database)
def master_keys_cover_stored_secrets(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    try:
        configured = {key.id for key in parse_master_keys(settings.MASTER_KEYS)}
    except MasterKeyError:
        return []  # settings refuse to load with an invalid MASTER_KEYS already
    errors = []
    for alias in databases:
        try:
            needed = _stored_key_ids(alias)
        except DatabaseError:
            # Not migrated yet (no tables): nothing is stored.
            connections[alias].close()
            continue
        for key_id, count in sorted(needed.items()):
            if key_id not in configured:
                errors.append(
                    Error(
                        f"MASTER_KEYS lacks the master key {key_id!r}: {count} stored "
                        f"secret(s) are encrypted under it and could not be used.",
                        hint="Start with the MASTER_KEYS the data was written with (keep old "
                        "keys after the current one), as the README's Backups section says.",
                        id="accesskeys.E001",
                    )
                )
    return errors
