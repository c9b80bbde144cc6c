"""Test data made directly in the database, without going through the service."""

import os

from django.utils import timezone

from accesskeys.models import AccessKey


def make_access_key(project, user, name: str, **fields) -> AccessKey:
    now = timezone.now()
    values = {
        "type": AccessKey.Type.S3_CREDENTIALS,
        "head": os.urandom(32),
        "secret_encrypted": b"x",
        "secret_key_id": "test",
        "created_at": now,
        "not_before": now,
        **fields,
    }
    return AccessKey.objects.create(project=project, created_by=user, name=name, **values)
