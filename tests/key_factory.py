"""Access keys made directly in the database, for tests of showing and auditing them."""

from accesskeys import permissions
from accesskeys.models import AccessKey
from tests.factories import make_access_key


def make_key(project, created_by, name="key", buckets=(), **fields) -> AccessKey:
    """A key row; `buckets` limits it to those, `full_access` sets what the service sets."""
    if fields.get("full_access"):
        # As create_access stores Full Access.
        for permission in permissions.PERMISSIONS:
            fields.setdefault(permission.field, permission.in_full_access)
    if buckets:
        fields["all_buckets"] = False
    key = make_access_key(project, created_by, name, **fields)
    if buckets:
        key.buckets.set(project.buckets.filter(name__in=buckets))
    return key
