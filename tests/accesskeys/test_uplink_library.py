"""Every grant the console issues, read by Storj's own uplink library (uplink-c).

Storj's library must parse each grant, serialize it back to the same string,
and restrict it further the way any holder of a grant can; the satellite
check must then accept the further-restricted key for what it still allows.
"""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accesskeys import forms as f
from accesskeys.services.access_create import CreateAccessRequest, create_access
from console import keyring
from console.models import Bucket, Project
from storjformat import caveat, grant, macaroon, passphrase
from storjformat.path_encryption import encrypt_path
from tests.helpers import uplink_c
from tests.helpers.satellite import authorize

PHRASE = "correct horse battery staple"

# Each kind of restriction the New Access dialog can choose.
RESTRICTIONS = {
    "full access": {},
    "read only": {"permissions": {"read"}},
    "write only": {"permissions": {"write"}},
    "list only": {"permissions": {"list"}},
    "delete only": {"permissions": {"delete"}},
    "object lock": {"extra": {"PutObjectRetention", "GetObjectLegalHold"}},
    "bypass governance": {"extra": {"BypassGovernanceRetention"}},
    "bucket notification": {"extra": {"GetBucketNotificationConfiguration"}},
    "one bucket": {"buckets": ("photos",)},
    "three buckets": {"buckets": ("photos", "backups", "logs")},
}

SHARE_ARGUMENTS = {"read": "download", "write": "upload", "list": "list_", "delete": "delete"}
DISALLOW = {
    "read": "disallow_reads",
    "write": "disallow_writes",
    "list": "disallow_lists",
    "delete": "disallow_deletes",
}
OPS = {
    "read": macaroon.Op.READ,
    "write": macaroon.Op.WRITE,
    "list": macaroon.Op.LIST,
    "delete": macaroon.Op.DELETE,
}


def make_project(admin, *, managed: bool, path_encryption: bool = True) -> Project:
    mode = Project.PassphraseMode.MANAGED if managed else Project.PassphraseMode.USER
    project = Project(name="Real clients", passphrase_mode=mode, path_encryption=path_encryption)
    if managed:
        keyring.new_managed_passphrase(project)
    project.save()
    project.memberships.create(user=admin, role="admin")
    for name in ("photos", "backups", "logs"):
        Bucket.objects.create(project=project, name=name)
    return project


def issue(project, admin, type_="access_grant", expiration="none", **restriction):
    advanced = bool(restriction) or expiration != "none"
    now = timezone.now()
    custom = date.today() + timedelta(days=40)
    return create_access(
        project,
        admin,
        CreateAccessRequest(
            name=f"key-{type_}-{expiration}",
            type=type_,
            full_access=not advanced,
            permissions=frozenset(
                restriction.get("permissions", {"read", "write", "list", "delete"})
            )
            | frozenset(restriction.get("extra", ())),
            buckets=restriction.get("buckets"),
            expires_at=f.expiration_moment(expiration, custom, now) if advanced else None,
            passphrase=None if project.is_managed else PHRASE,
        ),
        now=now,
    )


def assert_same_grant(ours: str, theirs: str) -> None:
    """Byte for byte; with several buckets, up to the order of the bucket keys.

    Storj's encryption store keeps bucket keys in a Go map, so its serializer
    writes them in a random order (seen here: three orders in twenty runs of the
    same grant). Everything else must be identical.
    """
    if ours == theirs:
        return
    a, b = grant.parse_grant(ours), grant.parse_grant(theirs)
    assert len(a.encryption_access.store_entries) > 1, "only the bucket order may differ"
    assert (a.satellite_addr, a.api_key) == (b.satellite_addr, b.api_key)
    assert a.encryption_access.default_key == b.encryption_access.default_key
    assert a.encryption_access.default_path_cipher == b.encryption_access.default_path_cipher

    def by_bucket(scope):
        return sorted(scope.encryption_access.store_entries, key=lambda e: e.bucket)

    assert by_bucket(a) == by_bucket(b)


def check_with_uplink(project, created) -> None:
    parsed = uplink_c.parse(created.access_grant)
    assert parsed.satellite_address == settings.SATELLITE_ADDRESS
    assert_same_grant(created.access_grant, parsed.serialized)

    # Share further: one permission the key has, under "docs/" of one bucket it allows.
    key_row = created.key
    kept = next(
        name for name in ("read", "write", "list", "delete") if getattr(key_row, f"can_{name}")
    )
    bucket = "photos"
    shared = uplink_c.share(
        created.access_grant, **{SHARE_ARGUMENTS[kept]: True}, prefixes=[(bucket, "docs/")]
    )
    scope = grant.parse_grant(shared)
    key = macaroon.parse(scope.api_key)
    assert key.head == key_row.head
    assert len(key.caveats) == 2
    added = caveat.decode(key.caveats[-1])
    for name, flag in DISALLOW.items():
        assert getattr(added, flag) == (name != kept)

    # The shared prefix is encrypted with the project's path cipher; uplink drops
    # the trailing "/" before encrypting (grant/restrict.go).
    root_key = passphrase.derive_root_key(
        keyring.managed_passphrase(project) if project.is_managed else PHRASE,
        bytes(project.salt),
    )
    plain = b"docs"  # the null cipher leaves object keys as they are
    expected_prefix = encrypt_path(root_key, bucket, "docs") if project.path_encryption else plain
    assert [(p.bucket, p.encrypted_path_prefix) for p in added.allowed_paths] == [
        (bucket.encode(), expected_prefix)
    ]

    # Our satellite check accepts the shared key for what it still allows.
    api_key = macaroon.to_api_key_string(key)
    inside = expected_prefix + b"/report.pdf"
    for name, op in OPS.items():
        action = macaroon.Action(op, timezone.now(), bucket.encode(), inside)
        if name == kept:
            assert authorize(api_key, action) == key_row
        else:
            with pytest.raises(macaroon.ActionDenied):
                authorize(api_key, action)
    outside = macaroon.Action(OPS[kept], timezone.now(), bucket.encode(), b"elsewhere")
    with pytest.raises(macaroon.ActionDenied):
        authorize(api_key, outside)


@pytest.mark.parametrize("restriction", RESTRICTIONS.values(), ids=RESTRICTIONS.keys())
def test_it_issues_grants_uplink_reads_for_each_restriction(admin, restriction):
    project = make_project(admin, managed=False)
    created = issue(project, admin, **restriction)
    check_with_uplink(project, created)


@pytest.mark.parametrize("expiration", [value for value, _ in f.EXPIRATION_CHOICES])
def test_it_issues_grants_uplink_reads_for_each_expiration(admin, expiration):
    project = make_project(admin, managed=False)
    created = issue(project, admin, expiration=expiration)
    check_with_uplink(project, created)

    shared = grant.parse_grant(uplink_c.parse(created.access_grant).serialized)
    restriction = caveat.decode(macaroon.parse(shared.api_key).caveats[0])
    assert restriction.not_after == created.key.not_after


@pytest.mark.parametrize("managed", [True, False], ids=["managed", "self-managed"])
@pytest.mark.parametrize("path_encryption", [True, False], ids=["paths-encrypted", "paths-plain"])
@pytest.mark.parametrize("type_", ["access_grant", "s3"])
@pytest.mark.parametrize("buckets", [None, ("photos", "logs")], ids=["all-buckets", "two-buckets"])
def test_it_issues_grants_uplink_reads_in_every_kind_of_project(
    admin, managed, path_encryption, type_, buckets
):
    project = make_project(admin, managed=managed, path_encryption=path_encryption)
    restriction = {"buckets": buckets} if buckets else {}
    created = issue(project, admin, type_=type_, **restriction)
    check_with_uplink(project, created)
