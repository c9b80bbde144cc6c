"""The macaroon Caveat protobuf message (storj/common ``macaroon/types.proto``)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from storjformat import protobuf as pb
from storjformat.errors import FormatError

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1

# bool fields by protobuf number, in the order Go's struct (and so its JSON) lists them
BOOL_FIELDS: dict[int, str] = {
    1: "disallow_reads",
    2: "disallow_writes",
    3: "disallow_lists",
    4: "disallow_deletes",
    5: "disallow_locks",
    6: "disallow_put_retention",
    7: "disallow_get_retention",
    8: "disallow_put_legal_hold",
    9: "disallow_get_legal_hold",
    11: "disallow_bypass_governance_retention",
    12: "disallow_put_bucket_object_lock_configuration",
    13: "disallow_get_bucket_object_lock_configuration",
    14: "disallow_put_bucket_notification_configuration",
    15: "disallow_get_bucket_notification_configuration",
}


@dataclass
class CaveatPath:
    """One allowed bucket and encrypted object-key prefix."""

    bucket: bytes = b""
    encrypted_path_prefix: bytes = b""


@dataclass
class Caveat:
    """Restrictions attached to a macaroon; every field of Storj's Caveat."""

    disallow_reads: bool = False
    disallow_writes: bool = False
    disallow_lists: bool = False
    disallow_deletes: bool = False
    disallow_locks: bool = False
    disallow_put_retention: bool = False
    disallow_get_retention: bool = False
    disallow_put_legal_hold: bool = False
    disallow_get_legal_hold: bool = False
    disallow_bypass_governance_retention: bool = False
    disallow_put_bucket_object_lock_configuration: bool = False
    disallow_get_bucket_object_lock_configuration: bool = False
    disallow_put_bucket_notification_configuration: bool = False
    disallow_get_bucket_notification_configuration: bool = False
    allowed_paths: list[CaveatPath] = field(default_factory=list)
    not_after: datetime | None = None
    not_before: datetime | None = None
    max_object_ttl: timedelta | None = None
    nonce: bytes = b""
    # Field numbers the decoder met and skipped (a newer Storj may restrict more):
    # not encoded, but a key carrying them is not what the console's fields say.
    unknown_fields: list[int] = field(default_factory=list, compare=False)
    # Python's datetime and timedelta stop at the microsecond; Go's time.Time and
    # time.Duration (and so uplink share --not-after, which uses the current time)
    # carry nanoseconds. These hold the nanoseconds below the microsecond (0-999)
    # of the field of the same name, so decode, inspect and encode keep them.
    not_after_extra_ns: int = 0
    not_before_extra_ns: int = 0
    max_object_ttl_extra_ns: int = 0

    @property
    def max_object_ttl_ns(self) -> int | None:
        """The maximum object TTL in nanoseconds, as Go's time.Duration holds it."""
        if self.max_object_ttl is None:
            return None
        return _timedelta_nanos(self.max_object_ttl) + self.max_object_ttl_extra_ns

    def to_inspect_dict(self) -> dict[str, Any]:
        """The JSON object ``uplink access inspect`` prints for this caveat.

        uplink uses Go's encoding/json (not protojson) on the picobuf struct:
        keys in struct order, false/empty omitted, ``nonce`` standard base64,
        times as RFC 3339 with trailing fractional zeros trimmed, the TTL as an
        integer of nanoseconds, and paths through Caveat_Path.MarshalJSON
        (bucket as text, prefix components URL-safe base64).
        """
        out: dict[str, Any] = {}
        for name in BOOL_FIELDS.values():
            if getattr(self, name):
                out[name] = True
        if self.allowed_paths:
            out["allowed_paths"] = [_path_json(p) for p in self.allowed_paths]
        if self.not_after is not None:
            out["not_after"] = format_go_time(self.not_after, self.not_after_extra_ns)
        if self.not_before is not None:
            out["not_before"] = format_go_time(self.not_before, self.not_before_extra_ns)
        if self.max_object_ttl is not None:
            out["max_object_ttl"] = self.max_object_ttl_ns
        if self.nonce:
            out["nonce"] = base64.b64encode(self.nonce).decode("ascii")
        return out


def go_string(data: bytes) -> str:
    """Text the way Go's JSON encoder prints ``string(bytes)``: bad UTF-8 becomes U+FFFD."""
    return data.decode("utf-8", errors="replace")


def null_base64url_path(data: bytes) -> str:
    """Storj's ``DecryptPathRaw(..., EncNullBase64URL)``: each '/' component base64url'd."""
    if not data:
        return ""
    return "/".join(
        base64.urlsafe_b64encode(part).decode("ascii") if part else "" for part in data.split(b"/")
    )


def _path_json(path: CaveatPath) -> dict[str, str]:
    out: dict[str, str] = {}
    if path.bucket:
        out["bucket"] = go_string(path.bucket)
    prefix = null_base64url_path(path.encrypted_path_prefix)
    if prefix:
        out["encrypted_path_prefix"] = prefix
    return out


def format_go_time(value: datetime, extra_ns: int = 0) -> str:
    """RFC 3339 as Go's time.Time.MarshalJSON writes a UTC time (RFC3339Nano): up to
    nine fractional digits, trailing zeros trimmed. ``extra_ns`` adds the
    nanoseconds below the microsecond that a datetime cannot hold."""
    value = _require_aware(value).astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    nanos = value.microsecond * 1000 + _extra(extra_ns)
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    return text + "Z"


def _extra(extra_ns: int) -> int:
    if not 0 <= extra_ns < 1000:
        raise ValueError("nanoseconds below the microsecond must be 0-999")
    return extra_ns


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("caveat times must be timezone-aware")
    return value


def _timedelta_nanos(value: timedelta) -> int:
    micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    return micros * 1000


def _encode_timestamp(value: datetime, extra_ns: int = 0) -> bytes:
    delta = _require_aware(value) - _EPOCH
    # floor seconds and non-negative nanos, as Go's time.Unix()/Nanosecond() give
    seconds = delta.days * 86_400 + delta.seconds
    nanos = delta.microseconds * 1000 + _extra(extra_ns)
    return pb.opt_varint_field(1, seconds) + pb.opt_varint_field(2, nanos)


def _encode_duration(value: timedelta, extra_ns: int = 0) -> bytes:
    n = _timedelta_nanos(value) + _extra(extra_ns)
    # Go divides toward zero, so nanos carries the same sign as seconds
    seconds = abs(n) // 1_000_000_000 * (1 if n >= 0 else -1)
    nanos = n - seconds * 1_000_000_000
    return pb.opt_varint_field(1, seconds) + pb.opt_varint_field(2, nanos)


def _decode_seconds_nanos(data: bytes, what: str) -> tuple[int, int]:
    seconds = nanos = 0
    for num, wire, value in pb.iter_fields(data):
        if num == 1:
            pb.expect(wire, pb.VARINT, f"{what}.seconds")
            seconds = pb.to_int64(value)  # type: ignore[arg-type]
        elif num == 2:
            pb.expect(wire, pb.VARINT, f"{what}.nanos")
            nanos = pb.to_int32(value)  # type: ignore[arg-type]
    return seconds, nanos


def _decode_timestamp(data: bytes) -> tuple[datetime, int]:
    """The time to the microsecond, and the nanoseconds below it (0-999)."""
    seconds, nanos = _decode_seconds_nanos(data, "timestamp")
    try:
        # time.Unix(seconds, nanos) normalizes nanos outside 0..999999999 the same way
        return _EPOCH + timedelta(seconds=seconds, microseconds=nanos // 1000), nanos % 1000
    except OverflowError as exc:
        raise FormatError("caveat timestamp is out of range") from exc


def _decode_duration(data: bytes) -> tuple[timedelta, int]:
    """The duration to the microsecond (rounded down), and the nanoseconds above it."""
    seconds, nanos = _decode_seconds_nanos(data, "duration")
    # Go stores a time.Duration (int64 nanoseconds) and saturates on overflow
    total = max(_INT64_MIN, min(_INT64_MAX, seconds * 1_000_000_000 + nanos))
    return timedelta(microseconds=total // 1000), total % 1000


def encode(caveat: Caveat) -> bytes:
    """Serialize exactly as Storj's encoder: number order, false/empty omitted."""
    out = bytearray()
    for num, name in BOOL_FIELDS.items():
        if num == 11:
            # allowed_paths (10) sits between the legal-hold and bypass flags
            for path in caveat.allowed_paths:
                body = pb.opt_bytes_field(1, path.bucket) + pb.opt_bytes_field(
                    2, path.encrypted_path_prefix
                )
                out += pb.bytes_field(10, body)  # always written, even when empty
        out += pb.bool_field(num, getattr(caveat, name))
    if caveat.not_after is not None:
        out += pb.bytes_field(20, _encode_timestamp(caveat.not_after, caveat.not_after_extra_ns))
    if caveat.not_before is not None:
        out += pb.bytes_field(21, _encode_timestamp(caveat.not_before, caveat.not_before_extra_ns))
    if caveat.max_object_ttl is not None:
        out += pb.bytes_field(
            22, _encode_duration(caveat.max_object_ttl, caveat.max_object_ttl_extra_ns)
        )
    out += pb.opt_bytes_field(30, caveat.nonce)
    return bytes(out)


def _decode_path(data: bytes) -> CaveatPath:
    path = CaveatPath()
    for num, wire, value in pb.iter_fields(data):
        if num == 1:
            pb.expect(wire, pb.BYTES, "allowed_paths.bucket")
            path.bucket = value  # type: ignore[assignment]
        elif num == 2:
            pb.expect(wire, pb.BYTES, "allowed_paths.encrypted_path_prefix")
            path.encrypted_path_prefix = value  # type: ignore[assignment]
    return path


def decode(data: bytes) -> Caveat:
    """Parse a caveat in any field order, skipping unknown fields."""
    caveat = Caveat()
    for num, wire, value in pb.iter_fields(data):
        if num in BOOL_FIELDS:
            pb.expect(wire, pb.VARINT, BOOL_FIELDS[num])
            setattr(caveat, BOOL_FIELDS[num], value != 0)
        elif num == 10:
            pb.expect(wire, pb.BYTES, "allowed_paths")
            caveat.allowed_paths.append(_decode_path(value))  # type: ignore[arg-type]
        elif num == 20:
            pb.expect(wire, pb.BYTES, "not_after")
            caveat.not_after, caveat.not_after_extra_ns = _decode_timestamp(value)  # type: ignore[arg-type]
        elif num == 21:
            pb.expect(wire, pb.BYTES, "not_before")
            caveat.not_before, caveat.not_before_extra_ns = _decode_timestamp(value)  # type: ignore[arg-type]
        elif num == 22:
            pb.expect(wire, pb.BYTES, "max_object_ttl")
            caveat.max_object_ttl, caveat.max_object_ttl_extra_ns = _decode_duration(value)  # type: ignore[arg-type]
        elif num == 30:
            pb.expect(wire, pb.BYTES, "nonce")
            caveat.nonce = value  # type: ignore[assignment]
        else:
            caveat.unknown_fields.append(num)
    return caveat


__all__ = ["Caveat", "CaveatPath", "decode", "encode"]
