"""inspect_access prints what ``uplink access inspect`` prints, for the rarer grants too.

uplink does not print the grant it is given: ``cmd_access_inspect.go`` opens
it with ``grant.ParseAccess``, serializes it again and prints that. Each case
below is a grant where parsing changes something, built here from fixed
bytes; the reasoning from Storj's sources is in each case's ``why``. Storj's
own library (uplink-c) checks every case: the grant it serializes after
parsing must be the one we print (up to the order of bucket keys, which Storj
writes in Go's random map order).

The cases and our output for them are kept in vectors/inspect-rare-cases.json
for anyone writing another implementation; this test fails if either drifts.
"""

import base64
import json
from datetime import UTC, datetime

import pytest

from storjformat import caveat as cav
from storjformat import grant, path_encryption, uplink_inspect
from storjformat import macaroon as mac
from storjformat.errors import FormatError
from storjformat.grant import ENC_AESGCM, ENC_NULL, EncryptionAccess, Scope, StoreEntry
from storjformat.path_encryption import encrypt_path, encrypt_path_with_key
from tests.helpers import uplink_c
from tests.helpers.storj_vectors import VECTORS_DIR

ROOT = bytes(range(32))
SATELLITE = "12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S@us1.storj.io:7777"
NONCE = b"\xbf\x53\x26\x58"
WHEN = datetime(2026, 1, 5, 10, tzinfo=UTC)
VECTORS = VECTORS_DIR / "inspect-rare-cases.json"


def key_with(*caveats: cav.Caveat) -> bytes:
    """A macaroon from a fixed head and secret, restricted by each caveat in turn."""
    m = mac.from_parts(bytes(32), b"fixed secret")
    for c in caveats:
        m = mac.restrict(m, cav.encode(c))
    return mac.serialize(m)


def buckets(*names: str, prefix: bytes = b"") -> cav.Caveat:
    paths = [cav.CaveatPath(n.encode(), prefix) for n in names]
    return cav.Caveat(allowed_paths=paths, not_before=WHEN, nonce=NONCE)


def bucket_key(name: str) -> str:
    return base64.urlsafe_b64encode(path_encryption.bucket_key(ROOT, name)).decode()


def default(cipher=ENC_AESGCM) -> EncryptionAccess:
    return EncryptionAccess(default_key=ROOT, default_path_cipher=cipher)


def case_grants() -> dict[str, tuple[str, str]]:
    """name -> (why, grant)."""
    bad_caveat = mac.serialize(
        mac.restrict(mac.from_parts(bytes(32), b"fixed secret"), b"\x52\x01\xff")
    )
    photos_key = path_encryption.bucket_key(ROOT, "photos")
    cases = {
        "unspecified default path cipher": (
            "grant/access.go parseEncryptionAccessFromProto: an unspecified default path "
            "cipher (grants made before the field existed) is read as ENC_AESGCM, and "
            "Serialize writes what was read.",
            Scope(SATELLITE, key_with(), EncryptionAccess(default_key=ROOT)),
        ),
        "default key limited to bucket caveats": (
            "grant/access.go ParseAccess calls EncryptionAccess.LimitTo: with allowed "
            "paths in a caveat the default key is dropped and each allowed bucket gets "
            "HMAC-SHA512(root, 'path:'+bucket)[:32] (encryption.DerivePathKey on the "
            "default base), with the default path cipher (LookupEncrypted's default base).",
            Scope(SATELLITE, key_with(buckets("photos", "logs")), default()),
        ),
        "caveats collapse to the paths every caveat allows": (
            "grant/access.go collapsePrefixes: a path is kept only if every caveat with "
            "allowed paths allows it (same bucket, prefix under one of its prefixes).",
            Scope(SATELLITE, key_with(buckets("photos", "logs"), buckets("photos")), default()),
        ),
        "no bucket allowed by every caveat": (
            "collapsePrefixes keeps nothing when the caveats share no bucket, yet the grant "
            "is still restricted: LimitTo writes an empty store with only the default "
            "path cipher, so the grant carries no key at all.",
            Scope(SATELLITE, key_with(buckets("photos"), buckets("logs")), default()),
        ),
        "encrypted prefix under the default key": (
            "LimitTo decrypts the caveat's encrypted prefix (DecryptPathWithStoreCipher, "
            "AES-GCM component by component from the bucket key) and stores a key for "
            "that unencrypted path: bucket, unencrypted_path and encrypted_path all appear.",
            Scope(
                SATELLITE,
                key_with(buckets("photos", prefix=encrypt_path(ROOT, "photos", "docs/2026"))),
                default(),
            ),
        ),
        "plain prefix with path encryption off": (
            "With the null path cipher (a project without path encryption) the prefix in "
            "the caveat is the object key itself; LimitTo keeps ENC_NULL on the entry.",
            Scope(SATELLITE, key_with(buckets("photos", prefix=b"docs")), default(ENC_NULL)),
        ),
        "store entry with an unspecified cipher": (
            "Only the default cipher is defaulted; a bucket entry's unspecified cipher is "
            "kept (AddWithCipher as given) and printed by omission.",
            Scope(
                SATELLITE,
                key_with(),
                EncryptionAccess(
                    store_entries=[StoreEntry(bucket=b"photos", key=photos_key)],
                    default_path_cipher=ENC_AESGCM,
                ),
            ),
        ),
        "bucket key narrowed to a prefix": (
            "A restricted grant with a key for its bucket, shared further under a prefix: "
            "LimitTo decrypts the prefix from the bucket's entry (not a default key) and "
            "replaces the bucket's key by the prefix's key.",
            Scope(
                SATELLITE,
                key_with(
                    buckets("photos"),
                    buckets("photos", prefix=encrypt_path_with_key(photos_key, "docs")),
                ),
                grant.encryption_access_for(ROOT, ["photos"]),
            ),
        ),
        "caveat that cannot be read": (
            "LimitTo: when a caveat does not unmarshal, 'any errors ... cause no keys to "
            "be stored': an empty store, not even a default path cipher. uplink access "
            "inspect itself then stops with the caveat's error, so there is no output.",
            Scope(SATELLITE, bad_caveat, default()),
        ),
        "text Go's JSON encoder escapes": (
            "encoding/json writes <, >, & (and U+2028, U+2029) as \\u escapes and every "
            "other character as raw UTF-8. (A satellite address with such characters is "
            "refused by uplink.ParseAccess itself, so bucket names carry them here.)",
            Scope(SATELLITE, key_with(buckets("café", "<a&b>", "line\u2028sep")), default()),
        ),
    }
    return {name: (why, grant.serialize_grant(scope)) for name, (why, scope) in cases.items()}


CASES = case_grants()


def entries_by_bucket(scope: Scope) -> list[StoreEntry]:
    return sorted(scope.encryption_access.store_entries, key=lambda e: (e.bucket, e.key))


@pytest.mark.parametrize("name", CASES)
def test_it_reads_each_rare_grant_as_storjs_library_does(name):
    _, access = CASES[name]
    ours = uplink_inspect.as_uplink_reads(grant.parse_grant(access))
    theirs = grant.parse_grant(uplink_c.parse(access).serialized)

    assert ours.encryption_access.default_key == theirs.encryption_access.default_key
    assert (
        ours.encryption_access.default_path_cipher == theirs.encryption_access.default_path_cipher
    )
    assert entries_by_bucket(ours) == entries_by_bucket(theirs)
    assert (ours.satellite_addr, ours.api_key) == (theirs.satellite_addr, theirs.api_key)


def test_it_prints_the_default_cipher_of_an_old_grant_as_aes_gcm():
    printed = uplink_inspect.inspect(CASES["unspecified default path cipher"][1])
    assert printed["encryption_access"]["default_path_cipher"] == "ENC_AESGCM"


def test_it_prints_per_bucket_keys_for_a_default_key_with_bucket_caveats():
    printed = uplink_inspect.inspect(CASES["default key limited to bucket caveats"][1])
    assert printed["encryption_access"] == {
        "store_entries": [
            {"bucket": "photos", "key": bucket_key("photos"), "path_cipher": "ENC_AESGCM"},
            {"bucket": "logs", "key": bucket_key("logs"), "path_cipher": "ENC_AESGCM"},
        ],
        "default_path_cipher": "ENC_AESGCM",
    }


def test_it_prints_only_the_paths_every_caveat_allows():
    printed = uplink_inspect.inspect(CASES["caveats collapse to the paths every caveat allows"][1])
    assert [e["bucket"] for e in printed["encryption_access"]["store_entries"]] == ["photos"]
    nothing = uplink_inspect.inspect(CASES["no bucket allowed by every caveat"][1])
    assert nothing["encryption_access"] == {"default_path_cipher": "ENC_AESGCM"}


def test_it_prints_the_decrypted_prefix_of_an_encrypted_caveat():
    printed = uplink_inspect.inspect(CASES["encrypted prefix under the default key"][1])
    (entry,) = printed["encryption_access"]["store_entries"]
    assert entry["bucket"] == "photos"
    assert entry["unencrypted_path"] == "docs/2026"
    assert entry["encrypted_path"].count("/") == 1


def test_it_keeps_no_keys_and_prints_nothing_when_a_caveat_cannot_be_read():
    access = CASES["caveat that cannot be read"][1]
    assert uplink_inspect.as_uplink_reads(grant.parse_grant(access)).encryption_access == (
        EncryptionAccess()
    )
    with pytest.raises(FormatError):
        uplink_inspect.inspect(access)


def printed_or_none(access: str) -> str | None:
    try:
        return uplink_inspect.inspect_json(access)
    except FormatError:
        return None


def test_it_escapes_text_as_go_does():
    text = uplink_inspect.inspect_json(CASES["text Go's JSON encoder escapes"][1])
    assert '"bucket": "café"' in text
    assert '"bucket": "\\u003ca\\u0026b\\u003e"' in text
    assert '"bucket": "line\\u2028sep"' in text
    caveat = json.loads(text)["macaroon"]["caveats"][0]
    assert [p["bucket"] for p in caveat["allowed_paths"]] == ["café", "<a&b>", "line\u2028sep"]


def test_it_keeps_the_vectors_file_in_step():
    stored = json.loads(VECTORS.read_text())
    current = {
        name: {"why": why, "access": access, "inspect": printed_or_none(access)}
        for name, (why, access) in CASES.items()
    }
    assert stored == current, "regenerate with: python -m tests.services.test_uplink_inspect"


if __name__ == "__main__":
    # Writes the vectors file from the cases above (run from the project root).
    out = {
        name: {"why": why, "access": access, "inspect": printed_or_none(access)}
        for name, (why, access) in CASES.items()
    }
    VECTORS.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
