"""Prefixes and the maximum object lifetime, checked against Storj's own library.

For each case the console restricts a key to prefixes, and Storj's uplink-c
(`uplink_access_share`, as `uplink share --prefix` does) restricts a Full
Access grant of the same project with the same prefixes and permissions. The
two grants must agree field by field: satellite, permissions, the caveat's
allowed paths (bucket and encrypted prefix bytes) and every encryption store
entry. Only the caveat nonce and the macaroon (head and tail) may differ.
"""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from accesskeys.services.access_create import CreateAccessRequest, create_access
from console.models import Bucket
from storjformat import caveat, grant, macaroon
from tests.accesskeys.test_uplink_library import PHRASE, SHARE_ARGUMENTS, make_project
from tests.helpers import uplink_c
from tests.helpers.satellite import authorize

BASIC_FLAGS = {
    "read": "disallow_reads",
    "write": "disallow_writes",
    "list": "disallow_lists",
    "delete": "disallow_deletes",
}

CASES = {
    "one prefix": ({"read", "list"}, [("photos", "2026/invoices")], True),
    "prefix ending in a slash": ({"read", "write", "list"}, [("photos", "2026/")], True),
    "two buckets with a prefix each": (
        {"read", "write", "list", "delete"},
        [("photos", "2026/"), ("logs", "web/nginx/")],
        True,
    ),
    "non-ASCII prefix": ({"read"}, [("photos", "Fotos/Grüße/東京/")], True),
    "EncNull project": ({"read", "list"}, [("photos", "2026/"), ("logs", "a")], False),
}


def new_access(
    project, admin, name, *, full=False, perms=(), prefixes=(), ttl=None, type_="access_grant"
):
    return create_access(
        project,
        admin,
        CreateAccessRequest(
            name=name,
            type=type_,
            full_access=full,
            permissions=frozenset(perms),
            buckets=None if full else (),
            prefixes=tuple(prefixes),
            max_object_ttl=ttl,
            passphrase=None if project.is_managed else PHRASE,
        ),
        now=timezone.now(),
    )


def effective_flags(scope) -> dict[str, bool]:
    """Whether every caveat of the grant's key allows each basic action."""
    caveats = [caveat.decode(raw) for raw in macaroon.parse(scope.api_key).caveats]
    return {name: not any(getattr(c, flag) for c in caveats) for name, flag in BASIC_FLAGS.items()}


def path_caveat(scope) -> caveat.Caveat:
    """The one caveat that names paths (uplink adds its own after the key's)."""
    caveats = [caveat.decode(raw) for raw in macaroon.parse(scope.api_key).caveats]
    with_paths = [c for c in caveats if c.allowed_paths]
    assert len(with_paths) == 1
    return with_paths[0]


def entries(scope) -> list[tuple]:
    # uplink's store keeps entries in a Go map: its order is random, so compare sorted
    return sorted(
        (e.bucket, e.unencrypted_path, e.encrypted_path, e.key, e.path_cipher)
        for e in scope.encryption_access.store_entries
    )


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_it_restricts_to_prefixes_as_uplink_share_does(admin, case):
    perms, prefixes, path_encryption = case
    project = make_project(admin, managed=False, path_encryption=path_encryption)
    full = new_access(project, admin, "full", full=True)
    theirs = grant.parse_grant(
        uplink_c.share(
            full.access_grant,
            **{SHARE_ARGUMENTS[name]: True for name in perms},
            prefixes=prefixes,
        )
    )
    ours = grant.parse_grant(
        new_access(project, admin, "narrow", perms=perms, prefixes=prefixes).access_grant
    )

    assert ours.satellite_addr == theirs.satellite_addr == settings.SATELLITE_ADDRESS
    assert effective_flags(ours) == effective_flags(theirs) == {n: n in perms for n in BASIC_FLAGS}
    ours_paths = [(p.bucket, p.encrypted_path_prefix) for p in path_caveat(ours).allowed_paths]
    theirs_paths = [(p.bucket, p.encrypted_path_prefix) for p in path_caveat(theirs).allowed_paths]
    assert ours_paths == theirs_paths
    # the prefix bytes are encrypted, or plain in a project without path encryption
    plain = [(b.encode(), p.rstrip("/").encode()) for b, p in prefixes]
    assert (ours_paths == plain) is (not path_encryption)
    assert ours.encryption_access.default_key is None
    assert theirs.encryption_access.default_key is None
    assert (
        ours.encryption_access.default_path_cipher == theirs.encryption_access.default_path_cipher
    )
    assert entries(ours) == entries(theirs)
    assert [e[:2] for e in entries(ours)] == sorted(
        (b.encode(), p.rstrip("/").encode()) for b, p in prefixes
    )


@pytest.mark.parametrize("managed", [True, False], ids=["managed", "self-managed"])
@pytest.mark.parametrize("path_encryption", [True, False], ids=["encrypted", "EncNull"])
@pytest.mark.parametrize("type_", ["s3", "access_grant"])
def test_it_issues_prefix_and_ttl_grants_uplink_parses_and_shares_further(
    admin, managed, path_encryption, type_
):
    project = make_project(admin, managed=managed, path_encryption=path_encryption)
    ttl = timedelta(days=30)
    created = new_access(
        project,
        admin,
        "ttl",
        perms={"read", "write", "list"},
        prefixes=[("photos", "2026/"), ("backups", "db/")],
        ttl=ttl,
        type_=type_,
    )
    parsed = uplink_c.parse(created.access_grant)
    assert parsed.satellite_address == settings.SATELLITE_ADDRESS
    a, b = grant.parse_grant(created.access_grant), grant.parse_grant(parsed.serialized)
    assert (a.satellite_addr, a.api_key) == (b.satellite_addr, b.api_key)
    assert entries(a) == entries(b)
    assert caveat.decode(macaroon.parse(a.api_key).caveats[0]).max_object_ttl == ttl

    # Share further, narrower: uplink keeps only what both caveats allow.
    shared = grant.parse_grant(
        uplink_c.share(created.access_grant, download=True, prefixes=[("photos", "2026/05/")])
    )
    assert [e[:2] for e in entries(shared)] == [(b"photos", b"2026/05")]
    # ... and our satellite check agrees with what the grant says
    key = macaroon.parse(shared.api_key)
    inside = entries(shared)[0][2] + b"/a.jpg"
    now = timezone.now()
    assert (
        authorize(
            macaroon.to_api_key_string(key),
            macaroon.Action(macaroon.Op.READ, now, b"photos", inside),
        )
        == created.key
    )
    with pytest.raises(macaroon.ActionDenied):
        authorize(
            macaroon.to_api_key_string(key),
            macaroon.Action(macaroon.Op.READ, now, b"backups", inside),
        )


def test_it_allows_only_objects_under_the_prefix(admin):
    project = make_project(admin, managed=True)
    created = new_access(project, admin, "p", perms={"read"}, prefixes=[("photos", "2026/")])
    api_key = grant.parse_grant(created.access_grant).api_key
    encrypted = entries(grant.parse_grant(created.access_grant))[0][2]
    key_string = macaroon.to_api_key_string(macaroon.parse(api_key))
    now = timezone.now()
    read = macaroon.Op.READ
    assert authorize(key_string, macaroon.Action(read, now, b"photos", encrypted + b"/x"))
    for bucket, path in ((b"photos", b"\x02other"), (b"logs", encrypted + b"/x")):
        with pytest.raises(macaroon.ActionDenied):
            authorize(key_string, macaroon.Action(read, now, bucket, path))


def test_it_keeps_the_prefixes_in_plain_text(admin):
    project = make_project(admin, managed=True)
    created = new_access(
        project, admin, "p", perms={"read"}, prefixes=[("photos", "2026/")], type_="s3"
    )
    key = created.key
    key.refresh_from_db()
    assert key.prefixes == [["photos", "2026/"]]
    assert sorted(b.name for b in key.buckets.all()) == ["photos"]
    assert key.restriction_notes() == ["Only objects under photos/2026/"]
    assert Bucket.objects.filter(project=project).count() == 3


def inspected(access_grant: str) -> dict:
    out = StringIO()
    call_command("inspect_access", access_grant, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("path_encryption", [True, False], ids=["encrypted", "EncNull"])
def test_inspect_access_prints_both_grants_alike(admin, path_encryption):
    prefixes = [("photos", "2026/"), ("logs", "web/nginx")]
    project = make_project(admin, managed=False, path_encryption=path_encryption)
    full = new_access(project, admin, "full", full=True)
    theirs = inspected(uplink_c.share(full.access_grant, download=True, prefixes=prefixes))
    ours = inspected(
        new_access(project, admin, "narrow", perms={"read"}, prefixes=prefixes).access_grant
    )

    def by_bucket(out):
        return sorted(out["encryption_access"]["store_entries"], key=lambda e: e["bucket"])

    assert ours["satellite_addr"] == theirs["satellite_addr"]
    assert by_bucket(ours) == by_bucket(theirs)
    assert [e["unencrypted_path"] for e in by_bucket(ours)] == ["web/nginx", "2026"]
    paths = [[c.get("allowed_paths") for c in out["macaroon"]["caveats"]] for out in (ours, theirs)]
    assert paths[0][-1] == paths[1][-1]
