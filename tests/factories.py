"""Rows made directly, for tests that need many keys or a key of a given shape."""

import os

from django.utils import timezone

from accesskeys.models import AccessKey


def make_access_key(project, user, name, **fields) -> AccessKey:
    values = {
        "type": AccessKey.Type.S3_CREDENTIALS,
        "head": os.urandom(32),
        "secret_encrypted": b"x",
        "secret_key_id": "test",
        "not_before": timezone.now(),
        **fields,
    }
    return AccessKey.objects.create(project=project, created_by=user, name=name, **values)
