"""Caveat times and max_object_ttl keep their nanoseconds, as Go's do.

``uplink share --not-after`` writes the current time, nanoseconds and all, and
``uplink access inspect`` prints them (RFC3339Nano, trailing zeros trimmed;
the TTL as an integer of nanoseconds). Python's datetime stops at the
microsecond, so the caveat keeps the nanoseconds below it beside each field.

The vectors (vectors/caveat-nanoseconds.json, made by make_nanosecond_vectors.py)
are grants serialized by Storj's uplink-c: a caveat with odd nanoseconds,
written byte by byte, then uplink-c's own caveat after it.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest

from storjformat import caveat as cav
from storjformat import grant, macaroon, uplink_inspect
from storjformat.caveat import Caveat
from tests.helpers import uplink_c
from tests.helpers.storj_vectors import VECTORS_DIR

VECTORS = json.loads((VECTORS_DIR / "caveat-nanoseconds.json").read_text())
IDS = [v["name"] for v in VECTORS]


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_storjs_library_reads_and_writes_the_vector_as_it_is(vector):
    assert uplink_c.parse(vector["grant"]).serialized == vector["grant"]


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_it_reads_and_writes_the_grant_byte_for_byte(vector):
    scope = grant.parse_grant(vector["grant"])
    assert grant.serialize_grant(scope) == vector["grant"]

    key = macaroon.parse(scope.api_key)
    ours, uplinks = key.caveats  # the nanosecond caveat, then the one uplink-c added
    assert ours.hex() == vector["nanosecond_caveat"]
    assert macaroon.verify(key, bytes.fromhex(vector["macaroon_secret"]))
    for raw in (ours, uplinks):
        assert cav.encode(cav.decode(raw)) == raw


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_it_inspects_the_nanoseconds_as_uplink_prints_them(vector):
    printed = uplink_inspect.inspect(vector["grant"])["macaroon"]["caveats"]
    assert printed[0] == vector["inspect"]
    # uplink-c's share writes whole seconds: no fraction at all.
    assert printed[1]["not_before"] == "2025-01-01T00:00:00Z"
    assert printed[1]["not_after"] == "2026-06-01T12:30:15Z"


def test_it_decodes_the_nanoseconds_below_the_microsecond():
    first, second, _ = (bytes.fromhex(v["nanosecond_caveat"]) for v in VECTORS)

    decoded = cav.decode(first)
    assert decoded.not_after == datetime(2026, 1, 5, 10, 0, 0, 123456, tzinfo=UTC)
    assert decoded.not_after_extra_ns == 789

    decoded = cav.decode(second)
    assert decoded.not_before == datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert decoded.not_before_extra_ns == 5
    assert decoded.max_object_ttl == timedelta(hours=1)
    assert decoded.max_object_ttl_extra_ns == 5
    assert decoded.max_object_ttl_ns == 3_600_000_000_005


@pytest.mark.parametrize(
    "seconds_nanos",
    [(-1, -5), (0, 999), (0, -1), (3600, 5), (-3600, -999_999_999)],
)
def test_it_keeps_the_nanoseconds_of_any_duration(seconds_nanos):
    seconds, nanos = seconds_nanos
    # zero fields are left out, as Storj's encoder does
    body = (b"\x08" + _varint(seconds) if seconds else b"") + (
        b"\x10" + _varint(nanos) if nanos else b""
    )
    raw = b"\xb2\x01" + bytes([len(body)]) + body  # max_object_ttl (22)
    decoded = cav.decode(raw)
    assert decoded.max_object_ttl_ns == seconds * 1_000_000_000 + nanos
    assert cav.encode(decoded) == raw


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int64s are ten bytes in protobuf
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def test_it_formats_nanoseconds_like_go():
    moment = datetime(2026, 1, 5, 10, 0, 0, 123456, tzinfo=UTC)
    assert cav.format_go_time(moment, 789) == "2026-01-05T10:00:00.123456789Z"
    assert cav.format_go_time(moment, 0) == "2026-01-05T10:00:00.123456Z"
    assert cav.format_go_time(moment.replace(microsecond=0), 100) == "2026-01-05T10:00:00.0000001Z"
    with pytest.raises(ValueError):
        cav.format_go_time(moment, 1000)


def test_it_holds_a_not_before_until_its_last_nanosecond():
    not_before = datetime(2026, 1, 5, 10, tzinfo=UTC)
    caveat = Caveat(not_before=not_before, not_before_extra_ns=5)
    at = macaroon.Action(op=macaroon.Op.READ, time=not_before)
    assert macaroon.caveat_allows(caveat, at) == "access is not valid yet"
    later = macaroon.Action(op=macaroon.Op.READ, time=not_before + timedelta(microseconds=1))
    assert macaroon.caveat_allows(caveat, later) is None
