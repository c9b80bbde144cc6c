"""Minimal proto3 wire-format helpers: just what the Storj formats need."""

from __future__ import annotations

from collections.abc import Iterator

from storjformat.errors import FormatError

VARINT = 0
FIXED64 = 1
BYTES = 2
START_GROUP = 3
END_GROUP = 4
FIXED32 = 5

_MAX_UVARINT = (1 << 64) - 1


def encode_uvarint(value: int) -> bytes:
    """Unsigned LEB128 varint of a value in [0, 2**64)."""
    if not 0 <= value <= _MAX_UVARINT:
        raise ValueError("uvarint out of range")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_uvarint(data: bytes, pos: int = 0) -> tuple[int, int]:
    """Read a uvarint at ``pos``; returns ``(value, new_pos)``."""
    result = 0
    shift = 0
    # a 64-bit varint needs at most 10 bytes; more is malformed, not big
    for i in range(10):
        if pos + i >= len(data):
            raise FormatError("truncated varint")
        byte = data[pos + i]
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if result > _MAX_UVARINT:
                raise FormatError("varint overflows 64 bits")
            return result, pos + i + 1
        shift += 7
    raise FormatError("varint is too long")


def encode_int64(value: int) -> bytes:
    """Varint of a signed int64/int32 (negative values as 64-bit two's complement)."""
    return encode_uvarint(value & _MAX_UVARINT)


def to_int64(value: int) -> int:
    """Interpret a decoded uvarint as a signed int64."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_int32(value: int) -> int:
    """Interpret a decoded uvarint as a signed int32 (proto3 truncates)."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def key(field: int, wire_type: int) -> bytes:
    """The tag that precedes a field."""
    return encode_uvarint((field << 3) | wire_type)


def bytes_field(field: int, value: bytes) -> bytes:
    """A length-delimited field, written even when empty."""
    return key(field, BYTES) + encode_uvarint(len(value)) + value


def varint_field(field: int, value: int) -> bytes:
    """A varint field (signed values are sign-extended to 64 bits)."""
    return key(field, VARINT) + encode_int64(value)


def bool_field(field: int, value: bool) -> bytes:
    """A bool field, omitted when false as proto3 does."""
    return varint_field(field, 1) if value else b""


def opt_bytes_field(field: int, value: bytes) -> bytes:
    """A bytes/string field, omitted when empty as proto3 does."""
    return bytes_field(field, value) if value else b""


def opt_varint_field(field: int, value: int) -> bytes:
    """A varint/enum field, omitted when zero as proto3 does."""
    return varint_field(field, value) if value else b""


def iter_fields(data: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """Yield ``(field_number, wire_type, value)`` for every field in ``data``.

    Varints yield ints, length-delimited fields yield bytes, fixed32/64 yield
    their raw bytes. Callers skip fields they don't know; groups are skipped
    here since nothing we read uses them.
    """
    data = bytes(data)
    pos = 0
    depth = 0
    while pos < len(data):
        tag, pos = decode_uvarint(data, pos)
        field, wire_type = tag >> 3, tag & 7
        if field == 0:
            raise FormatError("invalid protobuf field number 0")
        if wire_type == VARINT:
            value, pos = decode_uvarint(data, pos)
            if depth == 0:
                yield field, wire_type, value
        elif wire_type == BYTES:
            length, pos = decode_uvarint(data, pos)
            if length > len(data) - pos:
                raise FormatError("truncated length-delimited protobuf field")
            if depth == 0:
                yield field, wire_type, data[pos : pos + length]
            pos += length
        elif wire_type in (FIXED32, FIXED64):
            size = 4 if wire_type == FIXED32 else 8
            if size > len(data) - pos:
                raise FormatError("truncated fixed-size protobuf field")
            if depth == 0:
                yield field, wire_type, data[pos : pos + size]
            pos += size
        elif wire_type == START_GROUP:
            depth += 1
        elif wire_type == END_GROUP:
            if depth == 0:
                raise FormatError("unexpected protobuf end-group")
            depth -= 1
        else:
            raise FormatError(f"invalid protobuf wire type {wire_type}")
    if depth:
        raise FormatError("unterminated protobuf group")


def expect(wire_type: int, want: int, name: str) -> None:
    """Reject a known field that arrives with the wrong wire type."""
    if wire_type != want:
        raise FormatError(f"protobuf field {name} has the wrong wire type")
