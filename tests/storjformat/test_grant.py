import base64
import contextlib
import json
import random
from datetime import UTC, datetime

import pytest

from storjformat import base58check, grant, path_encryption, uplink_inspect
from storjformat import caveat as cav
from storjformat import macaroon as mac
from storjformat import protobuf as pb
from storjformat.errors import FormatError
from storjformat.grant import EncryptionAccess, Scope, StoreEntry
from storjformat.path_encryption import encrypt_path, encrypt_path_with_key
from tests.helpers.storj_vectors import access_grants, grant_named, readme_json_block

GRANTS = list(access_grants().items())
ROOT = bytes(range(32))


@pytest.mark.parametrize(("name", "vector"), GRANTS, ids=[n for n, _ in GRANTS])
def test_it_parses_every_vector_grant_to_the_recorded_fields(name, vector):
    decoded = vector["decoded"]
    scope = grant.parse_grant(vector["access"])
    assert scope.satellite_addr == decoded["satellite_addr"]
    assert scope.api_key.hex() == decoded["api_key_raw_hex"]
    m = mac.parse(scope.api_key)
    assert m.head.hex() == decoded["macaroon"]["head"]
    assert m.tail.hex() == decoded["macaroon"]["tail"]
    assert [c.hex() for c in m.caveats] == decoded["macaroon"]["caveats"]
    assert mac.to_api_key_string(m) == decoded["api_key_string"]
    expected_access = decoded["encryption_access"]
    access = scope.encryption_access
    assert (access.default_key.hex() if access.default_key else None) == expected_access.get(
        "default_key"
    )
    assert access.default_path_cipher == expected_access.get("default_path_cipher", 0)
    assert [vars(e) for e in access.store_entries] == [
        {k: bytes.fromhex(v) if isinstance(v, str) else v for k, v in e.items()}
        for e in expected_access.get("store_entries", [])
    ]
    assert grant.encode_encryption_access(access).hex() == decoded["encryption_access_raw_hex"]


@pytest.mark.parametrize(("name", "vector"), GRANTS, ids=[n for n, _ in GRANTS])
def test_it_reserializes_every_vector_grant_identically(name, vector):
    scope = grant.parse_grant(vector["access"])
    assert grant.encode_scope(scope).hex() == vector["decoded"]["scope_hex"]
    assert grant.serialize_grant(scope) == vector["access"]


def test_it_inspects_test_access_a_exactly_like_uplink():
    inspected = uplink_inspect.inspect(grant_named("TestAccessA")["access"])
    assert json.dumps(inspected, indent=2) == readme_json_block()


def test_it_inspects_store_entries_and_caveats():
    m = mac.restrict(
        mac.from_parts(bytes(32), b"s"),
        cav.encode(
            cav.Caveat(
                disallow_deletes=True,
                allowed_paths=[cav.CaveatPath(b"photos")],
                not_after=datetime(2026, 1, 5, 10, tzinfo=UTC),
                nonce=b"\xbf\x53\x26\x58",
            )
        ),
    )
    scope = Scope("sat@host:7777", mac.serialize(m), grant.encryption_access_for(ROOT, ["photos"]))
    inspected = uplink_inspect.inspect(grant.serialize_grant(scope))
    key = path_encryption.bucket_key(ROOT, "photos")
    assert inspected["encryption_access"] == {
        "store_entries": [
            {
                "bucket": "photos",
                "key": base64.urlsafe_b64encode(key).decode(),
                "path_cipher": "ENC_AESGCM",
            }
        ],
        "default_path_cipher": "ENC_AESGCM",
    }
    assert inspected["macaroon"]["caveats"] == [
        {
            "disallow_deletes": True,
            "allowed_paths": [{"bucket": "photos"}],
            "not_after": "2026-01-05T10:00:00Z",
            "nonce": "v1MmWA==",
        }
    ]
    assert list(inspected) == ["satellite_addr", "encryption_access", "api_key", "macaroon"]


def test_it_builds_full_access_with_the_root_key():
    access = grant.encryption_access_for(ROOT, None)
    assert access == EncryptionAccess(default_key=ROOT, default_path_cipher=2)
    assert grant.encode_encryption_access(access).hex() == "0a20" + ROOT.hex() + "1802"


def test_it_builds_bucket_restricted_access_without_the_root_key():
    access = grant.encryption_access_for(ROOT, ["a", "b"])
    assert access.default_key is None
    assert access.default_path_cipher == 2
    assert access.store_entries == [
        StoreEntry(bucket=b"a", key=path_encryption.bucket_key(ROOT, "a"), path_cipher=2),
        StoreEntry(bucket=b"b", key=path_encryption.bucket_key(ROOT, "b"), path_cipher=2),
    ]
    assert ROOT not in grant.encode_encryption_access(access)


def test_it_derives_bucket_keys_that_encrypt_like_the_root_key():
    # Storj's path vector pins the derivation: a bucket key must encrypt the same paths
    bucket_key = path_encryption.bucket_key(ROOT, "bucket")
    path = "fold1/fold2/fold3/file.txt"
    assert encrypt_path_with_key(bucket_key, path) == encrypt_path(ROOT, "bucket", path)
    assert len(bucket_key) == 32


def test_it_round_trips_a_restricted_scope():
    scope = Scope("sat@host:1", b"\x02raw", grant.encryption_access_for(ROOT, ["x"]))
    scope.encryption_access.store_entries[0].unencrypted_path = b"dir/"
    scope.encryption_access.store_entries[0].encrypted_path = b"\x02enc/"
    assert grant.parse_grant(grant.serialize_grant(scope)) == scope


def test_it_decodes_a_scope_in_any_field_order_with_unknown_fields():
    access = grant.encode_encryption_access(grant.encryption_access_for(ROOT, ["x"]))
    fields = [
        pb.bytes_field(3, pb.varint_field(9, 1) + access),
        pb.bytes_field(2, b"key"),
        pb.key(7, pb.FIXED32) + b"abcd",
        pb.bytes_field(1, b"sat@h:1"),
        pb.key(8, pb.FIXED64) + b"abcdefgh",
    ]
    random.Random(3).shuffle(fields)
    scope = grant.decode_scope(b"".join(fields))
    assert scope == Scope("sat@h:1", b"key", grant.encryption_access_for(ROOT, ["x"]))


def test_it_rejects_a_grant_with_the_wrong_version():
    data = bytes.fromhex(grant_named("TestAccessA")["decoded"]["scope_hex"])
    with pytest.raises(FormatError, match="version"):
        grant.parse_grant(base58check.encode(data, 1))


def test_it_rejects_a_grant_with_a_bad_checksum():
    text = grant_named("TestAccessA")["access"]
    bad = text[:-2] + ("zz" if text[-2:] != "zz" else "yy")
    with pytest.raises(FormatError, match="checksum"):
        grant.parse_grant(bad)


def test_it_rejects_truncated_scopes_with_format_error_only():
    data = bytes.fromhex(grant_named("TestAccessA")["decoded"]["scope_hex"])
    boundaries = {0x44, 0x44 + 0x49, len(data)}  # ends of the three fields
    for length in range(1, len(data)):
        if length in boundaries:
            grant.decode_scope(data[:length])  # a cut between fields is a shorter message
        else:
            with pytest.raises(FormatError):
                grant.decode_scope(data[:length])


def test_it_rejects_inspecting_a_grant_with_a_broken_api_key():
    scope = Scope("sat@h:1", b"\x02\x02\x01", EncryptionAccess())
    with pytest.raises(FormatError):
        uplink_inspect.inspect(grant.serialize_grant(scope))


def test_it_only_ever_raises_format_error_on_garbage():
    rng = random.Random(99)
    for _ in range(3000):
        data = rng.randbytes(rng.randrange(0, 60))
        with contextlib.suppress(FormatError):
            grant.decode_scope(data)
        with contextlib.suppress(FormatError):
            uplink_inspect.inspect(base58check.encode(data, 0))
