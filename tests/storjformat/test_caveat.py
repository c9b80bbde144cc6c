import contextlib
import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from storjformat import caveat as cav
from storjformat import protobuf as pb
from storjformat.caveat import Caveat, CaveatPath
from storjformat.errors import FormatError

NOT_AFTER = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)

# Checked by hand, field by field:
#   10 01                      disallow_writes (2, varint) = true
#   52 08 0a 06 70686f746f73   allowed_paths (10, bytes) { bucket (1) = "photos" }
#   a2 01 06 08 a097eeca06     not_after (20) { seconds (1) = 1767607200 }
#   f2 01 04 01020304          nonce (30)
EXAMPLE_HEX = "100152080a0670686f746f73a2010608a097eeca06f2010401020304"


def example() -> Caveat:
    return Caveat(
        disallow_writes=True,
        allowed_paths=[CaveatPath(bucket=b"photos")],
        not_after=NOT_AFTER,
        nonce=b"\x01\x02\x03\x04",
    )


def test_it_encodes_fields_in_number_order_omitting_defaults():
    assert cav.encode(example()).hex() == EXAMPLE_HEX


def test_it_encodes_an_empty_caveat_as_no_bytes():
    assert cav.encode(Caveat()) == b""


def test_it_always_writes_a_path_even_when_empty():
    assert cav.encode(Caveat(allowed_paths=[CaveatPath()])) == bytes.fromhex("5200")


def test_it_places_allowed_paths_between_field_9_and_field_11():
    data = cav.encode(
        Caveat(
            disallow_get_legal_hold=True,
            disallow_bypass_governance_retention=True,
            allowed_paths=[CaveatPath(b"b", b"p")],
        )
    )
    assert data.hex() == "4801" + "5206" + "0a0162" + "120170" + "5801"


def test_it_encodes_every_flag_with_its_field_number():
    for number, name in cav.BOOL_FIELDS.items():
        assert cav.encode(Caveat(**{name: True})) == pb.key(number, pb.VARINT) + b"\x01"


def test_it_encodes_sub_second_times_and_durations():
    data = cav.encode(
        Caveat(
            not_before=datetime(1970, 1, 1, 0, 0, 1, 500000, tzinfo=UTC),
            max_object_ttl=timedelta(seconds=-1.5),
        )
    )
    # not_before {seconds 1, nanos 500000000}; ttl {seconds -1, nanos -500000000}
    assert data == (
        bytes.fromhex("aa010808011080cab5ee01")
        + bytes.fromhex("b20116")
        + pb.varint_field(1, -1)
        + pb.varint_field(2, -500_000_000)
    )


def test_it_decodes_what_it_encodes():
    full = Caveat(
        **{name: True for name in cav.BOOL_FIELDS.values()},
        allowed_paths=[CaveatPath(b"a", b"x/y"), CaveatPath(b"b")],
        not_after=NOT_AFTER,
        not_before=datetime(2025, 12, 31, 23, 59, 59, 123456, tzinfo=UTC),
        max_object_ttl=timedelta(days=3, microseconds=7),
        nonce=b"\xde\xad\xbe\xef",
    )
    assert cav.decode(cav.encode(full)) == full


def test_it_decodes_fields_in_shuffled_order():
    fields = [
        pb.bytes_field(30, b"\x01\x02\x03\x04"),
        pb.bytes_field(20, pb.varint_field(1, 1767607200)),
        pb.bytes_field(10, pb.bytes_field(1, b"photos")),
        pb.varint_field(2, 1),
    ]
    random.Random(7).shuffle(fields)
    assert cav.decode(b"".join(fields)) == example()


def test_it_skips_unknown_fields_of_every_wire_type():
    unknown = (
        pb.varint_field(16, 5)
        + pb.key(17, pb.FIXED64)
        + b"12345678"
        + pb.key(18, pb.FIXED32)
        + b"1234"
        + pb.bytes_field(19, b"ignored")
        + pb.key(23, pb.START_GROUP)
        + pb.varint_field(1, 1)
        + pb.key(23, pb.END_GROUP)
    )
    data = unknown + bytes.fromhex(EXAMPLE_HEX) + pb.bytes_field(99, b"x")
    assert cav.decode(data) == example()


def test_it_skips_unknown_fields_inside_a_path():
    data = pb.bytes_field(10, pb.varint_field(3, 9) + pb.bytes_field(1, b"photos"))
    assert cav.decode(data).allowed_paths == [CaveatPath(b"photos")]


@pytest.mark.parametrize(
    "data",
    [
        bytes.fromhex(EXAMPLE_HEX)[:-1],  # truncated nonce
        bytes.fromhex("10"),  # tag without value
        bytes.fromhex("1080"),  # unfinished varint
        bytes.fromhex("52ff"),  # length runs past the end
        bytes.fromhex("1200"),  # bool field sent as bytes
        bytes.fromhex("f00101"),  # nonce sent as a varint
        bytes.fromhex("a2010208ff"),  # truncated varint inside the timestamp
        bytes.fromhex("0f"),  # wire type 7
        bytes.fromhex("00"),  # field number 0
        bytes.fromhex("ff" * 11),  # varint longer than 10 bytes
    ],
)
def test_it_rejects_malformed_caveats_with_format_error(data):
    with pytest.raises(FormatError):
        cav.decode(data)


def test_it_only_ever_raises_format_error_on_garbage():
    rng = random.Random(1234)
    for _ in range(3000):
        data = rng.randbytes(rng.randrange(0, 40))
        with contextlib.suppress(FormatError):
            cav.decode(data)  # any other exception fails the test


def test_it_rejects_out_of_range_timestamps():
    data = pb.bytes_field(20, pb.varint_field(1, 1 << 62))
    with pytest.raises(FormatError, match="out of range"):
        cav.decode(data)


def test_it_prints_inspect_json_like_uplink():
    caveat = example()
    caveat.disallow_bypass_governance_retention = True
    caveat.not_before = datetime(2026, 1, 1, 8, 30, 0, 250000, tzinfo=UTC)
    caveat.max_object_ttl = timedelta(hours=1)
    caveat.allowed_paths.append(CaveatPath(b"docs", b"\x02ab/\x02cd/"))
    assert caveat.to_inspect_dict() == {
        "disallow_writes": True,
        "disallow_bypass_governance_retention": True,
        "allowed_paths": [
            {"bucket": "photos"},
            {"bucket": "docs", "encrypted_path_prefix": "AmFi/AmNk/"},
        ],
        "not_after": "2026-01-05T10:00:00Z",
        "not_before": "2026-01-01T08:30:00.25Z",
        "max_object_ttl": 3_600_000_000_000,
        "nonce": "AQIDBA==",
    }


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2026, 1, 5, 10, 0, tzinfo=UTC), "2026-01-05T10:00:00Z"),
        (datetime(2026, 1, 5, 10, 0, 0, 100000, tzinfo=UTC), "2026-01-05T10:00:00.1Z"),
        (datetime(2026, 1, 5, 10, 0, 0, 123000, tzinfo=UTC), "2026-01-05T10:00:00.123Z"),
        (datetime(2026, 1, 5, 10, 0, 0, 123450, tzinfo=UTC), "2026-01-05T10:00:00.12345Z"),
        (datetime(2026, 1, 5, 10, 0, 0, 1, tzinfo=UTC), "2026-01-05T10:00:00.000001Z"),
        (
            datetime(2026, 1, 5, 12, 0, tzinfo=UTC).astimezone(timezone(timedelta(hours=2))),
            "2026-01-05T12:00:00Z",
        ),
    ],
)
def test_it_formats_times_like_go_rfc3339nano_in_utc(value, text):
    assert cav.format_go_time(value) == text


def test_it_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        cav.encode(Caveat(not_after=datetime(2026, 1, 5)))
