"""Write vectors/caveat-nanoseconds.json: grants with odd nanoseconds, made by uplink-c.

    .venv/bin/python -m tests.storjformat.make_nanosecond_vectors

uplink-c's ``uplink_access_share`` takes whole seconds (``time.Unix(n, 0)``),
so it cannot write a nanosecond itself; ``uplink share --not-after`` (the Go
CLI, which uses the current time) can, but is not packaged here. So a grant
carries one caveat with odd nanoseconds, whose protobuf bytes are written out
by hand below (not by our encoder), and uplink-c then shares that grant
further: the vector is uplink-c's output, with its own caveat (nonce, HMAC
chain and serialization by Storj's code) after ours.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from storjformat import grant, macaroon
from tests.helpers import uplink_c

OUT = Path(__file__).parent / "vectors" / "caveat-nanoseconds.json"
SHARED_FROM = datetime(2025, 1, 1, tzinfo=UTC)
SHARED_UNTIL = datetime(2026, 6, 1, 12, 30, 15, tzinfo=UTC)
SATELLITE = "12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S@us1.storj.io:7777"


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def message(number: int, body: bytes) -> bytes:
    """A length-delimited field: key (number << 3 | 2), length, body."""
    return varint(number << 3 | 2) + varint(len(body)) + body


def seconds_nanos(seconds: int, nanos: int) -> bytes:
    """google.protobuf.Timestamp / Duration: seconds (1), nanos (2), varints."""
    return b"\x08" + varint(seconds) + b"\x10" + varint(nanos)


# (name, caveat bytes, what `uplink access inspect` prints for it)
CASES = [
    (
        "not_after with 123456789 ns",
        # disallow_deletes (4) = true; not_after (20) = 2026-01-05T10:00:00.123456789Z;
        # nonce (30) = 01 02 03 04
        b"\x20\x01"
        + message(20, seconds_nanos(1767607200, 123_456_789))
        + message(30, b"\x01\x02\x03\x04"),
        {
            "disallow_deletes": True,
            "not_after": "2026-01-05T10:00:00.123456789Z",
            "nonce": "AQIDBA==",
        },
    ),
    (
        "not_before with 5 ns, max_object_ttl of 1 h + 5 ns",
        # not_before (21) = 2025-12-31T23:59:59.000000005Z; max_object_ttl (22) =
        # 3600 s + 5 ns; nonce (30) = 05 06 07 08
        message(21, seconds_nanos(1767225599, 5))
        + message(22, seconds_nanos(3600, 5))
        + message(30, b"\x05\x06\x07\x08"),
        {
            "not_before": "2025-12-31T23:59:59.000000005Z",
            "max_object_ttl": 3600000000005,
            "nonce": "BQYHCA==",
        },
    ),
    (
        "not_after with 100 ns (trailing zeros trimmed as Go does)",
        message(20, seconds_nanos(1767607200, 100)) + message(30, b"\x09"),
        {"not_after": "2026-01-05T10:00:00.0000001Z", "nonce": "CQ=="},
    ),
]


def make() -> list[dict]:
    vectors = []
    for index, (name, caveat_bytes, inspect) in enumerate(CASES):
        # A fixed root key, so the file is the same on every run up to uplink's nonce.
        head = hashlib.sha256(f"nanosecond vector {index} head".encode()).digest()
        secret = hashlib.sha256(f"nanosecond vector {index} secret".encode()).digest()
        api_key = macaroon.restrict(macaroon.from_parts(head, secret), caveat_bytes)
        scope = grant.Scope(
            satellite_addr=SATELLITE,
            api_key=macaroon.serialize(api_key),
            encryption_access=grant.EncryptionAccess(
                default_key=hashlib.sha256(f"key {index}".encode()).digest(),
                default_path_cipher=1,
            ),
        )
        ours = grant.serialize_grant(scope)
        # uplink-c's permission times are whole seconds (time.Unix(n, 0))
        shared = uplink_c.share(
            ours, download=True, list_=True, not_before=SHARED_FROM, not_after=SHARED_UNTIL
        )
        vectors.append(
            {
                "name": name,
                "grant": shared,
                "macaroon_secret": secret.hex(),
                "nanosecond_caveat": caveat_bytes.hex(),
                "inspect": inspect,
            }
        )
    return vectors


if __name__ == "__main__":
    OUT.write_text(json.dumps(make(), indent=2) + "\n")
    print(f"wrote {OUT}")
