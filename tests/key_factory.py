"""Access keys made directly in the database, for tests of showing and auditing them."""

import os

from django.utils import timezone

from accesskeys.models import AccessKey


def make_key(project, created_by, name="key", buckets=(), **fields) -> AccessKey:
    """A key row with a unique head and a dummy secret; `buckets` limits it to those."""
    fields.setdefault("type", AccessKey.Type.S3_CREDENTIALS)
    fields.setdefault("not_before", timezone.now())
    if buckets:
        fields["all_buckets"] = False
    key = AccessKey.objects.create(
        project=project,
        created_by=created_by,
        name=name,
        head=os.urandom(32),
        secret_encrypted=b"x",
        secret_key_id="test",
        **fields,
    )
    if buckets:
        key.buckets.set(project.buckets.filter(name__in=buckets))
    return key
