"""Access keys made directly in the database, for tests of showing and auditing them."""

from accesskeys.models import NOTIFICATION_PERMISSIONS, OBJECT_LOCK_PERMISSIONS, AccessKey
from tests.factories import make_access_key


def make_key(project, created_by, name="key", buckets=(), **fields) -> AccessKey:
    """A key row; `buckets` limits it to those, `full_access` sets what the service sets."""
    if fields.get("full_access"):
        # As create_access stores Full Access: every object-lock permission but bypass.
        for field, label, _ in OBJECT_LOCK_PERMISSIONS:
            fields.setdefault(field, label != "BypassGovernanceRetention")
        for field, _, _ in NOTIFICATION_PERMISSIONS:
            fields.setdefault(field, True)
    if buckets:
        fields["all_buckets"] = False
    key = make_access_key(project, created_by, name, **fields)
    if buckets:
        key.buckets.set(project.buckets.filter(name__in=buckets))
    return key
