"""Storj macaroon API keys: binary format, HMAC chain and action checks.

Mirrors storj/common ``macaroon/`` (serialize.go, macaroon.go, apikey.go).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

from storjformat import base58check
from storjformat import caveat as caveat_mod
from storjformat.errors import FormatError

VERSION = 0x02

# packet types of the binary format
EOS = 0
LOCATION = 1
IDENTIFIER = 2
VERIFICATION_ID = 4
SIGNATURE = 6

# Storj's parser rejects varints above int32 max rather than trusting them as lengths
_MAX_VARINT = 0x7FFFFFFF


@dataclass
class Macaroon:
    """A parsed macaroon: root identifier, caveats (raw bytes) and signature."""

    head: bytes
    caveats: list[bytes] = field(default_factory=list)
    tail: bytes = b""


def _sign(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def new_root_key() -> tuple[Macaroon, bytes]:
    """A new unrestricted macaroon and the secret the server keeps for it."""
    head = secrets.token_bytes(32)
    secret = secrets.token_bytes(32)
    return from_parts(head, secret), secret


def from_parts(head: bytes, secret: bytes) -> Macaroon:
    """The unrestricted macaroon for a known head and secret."""
    return Macaroon(head=bytes(head), caveats=[], tail=_sign(secret, head))


def restrict(macaroon: Macaroon, caveat_bytes: bytes) -> Macaroon:
    """Append one caveat, signing it with the previous tail (no secret needed)."""
    # the caveat is signed as given; it must never be re-encoded afterwards
    return Macaroon(
        head=macaroon.head,
        caveats=[*macaroon.caveats, bytes(caveat_bytes)],
        tail=_sign(macaroon.tail, caveat_bytes),
    )


def all_tails(macaroon: Macaroon, secret: bytes) -> list[bytes]:
    """Every tail along the chain, root first; revoking any one revokes the key."""
    tail = _sign(secret, macaroon.head)
    tails = [tail]
    for cav in macaroon.caveats:
        tail = _sign(tail, cav)
        tails.append(tail)
    return tails


def verify(macaroon: Macaroon, secret: bytes) -> bool:
    """Whether the signature matches the chain recomputed from ``secret``."""
    return hmac.compare_digest(all_tails(macaroon, secret)[-1], macaroon.tail)


# --- binary format ---------------------------------------------------------


def _uvarint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _packet(kind: int, data: bytes) -> bytes:
    return _uvarint(kind) + _uvarint(len(data)) + data


def serialize(m: Macaroon) -> bytes:
    """The binary form: version, header section, caveat sections, signature."""
    out = bytearray([VERSION])
    out += _packet(IDENTIFIER, m.head) + b"\x00"
    for cav in m.caveats:
        out += _packet(IDENTIFIER, cav) + b"\x00"
    out += b"\x00"
    out += _packet(SIGNATURE, m.tail)
    return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise FormatError("macaroon is truncated (varint)")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if value > _MAX_VARINT:
            raise FormatError("macaroon varint is too large")
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift >= 70:
            raise FormatError("macaroon varint is too long")


def _read_packet(data: bytes, pos: int) -> tuple[int, bytes, int]:
    kind, pos = _read_varint(data, pos)
    if kind == EOS:
        return kind, b"", pos
    length, pos = _read_varint(data, pos)
    if length > len(data) - pos:
        raise FormatError("macaroon packet length runs past the end of the data")
    return kind, data[pos : pos + length], pos + length


def _read_section(data: bytes, pos: int) -> tuple[list[tuple[int, bytes]], int]:
    packets: list[tuple[int, bytes]] = []
    previous = -1
    while True:
        if pos >= len(data):
            raise FormatError("macaroon section extends past the end of the data")
        kind, payload, pos = _read_packet(data, pos)
        if kind == EOS:
            return packets, pos
        if kind <= previous:
            raise FormatError("macaroon packets are out of order")
        packets.append((kind, payload))
        previous = kind


def parse(data: bytes) -> Macaroon:
    """Parse the binary form; anything malformed raises FormatError."""
    data = bytes(data)
    if len(data) < 2:
        raise FormatError("macaroon is empty")
    if data[0] != VERSION:
        raise FormatError("unsupported macaroon version")
    section, pos = _read_section(data, 1)
    if section and section[0][0] == LOCATION:
        section = section[1:]
    if len(section) != 1 or section[0][0] != IDENTIFIER:
        raise FormatError("invalid macaroon header")
    head = section[0][1]
    caveats: list[bytes] = []
    while True:
        section, pos = _read_section(data, pos)
        if not section:
            break  # an empty section ends the caveats
        if section[0][0] == LOCATION:
            section = section[1:]
        if not section or section[0][0] != IDENTIFIER:
            raise FormatError("macaroon caveat has no identifier")
        if len(section) > 2:
            raise FormatError("extra fields in macaroon caveat")
        if len(section) == 2 and section[1][0] != VERIFICATION_ID:
            raise FormatError("invalid field in macaroon caveat")
        caveats.append(section[0][1])  # a VerificationID is accepted and ignored
    if pos >= len(data):
        raise FormatError("macaroon has no signature")
    kind, tail, _ = _read_packet(data, pos)
    if kind != SIGNATURE:
        raise FormatError("expected the macaroon signature")
    if len(tail) != 32:
        raise FormatError("macaroon signature must be 32 bytes")
    # bytes after the signature are ignored, as Storj's parser does
    return Macaroon(head=head, caveats=caveats, tail=tail)


def to_api_key_string(m: Macaroon) -> str:
    """The API key string: base58check of the binary form, version 0."""
    return base58check.encode(serialize(m), 0)


def from_api_key_string(text: str) -> Macaroon:
    """Parse an API key string (base58check version 0)."""
    data, version = base58check.decode(text.strip())
    if version != 0:
        raise FormatError("invalid api key format: wrong version byte")
    return parse(data)


# --- action checks -----------------------------------------------------------


class Op(IntEnum):
    """Storj's ActionType values (persisted numbers, not iota)."""

    READ = 1
    WRITE = 2
    LIST = 3
    DELETE = 4
    PROJECT_INFO = 5
    LOCK = 6  # legacy: checked only against disallow_locks
    PUT_OBJECT_RETENTION = 7
    GET_OBJECT_RETENTION = 8
    PUT_OBJECT_LEGAL_HOLD = 9
    GET_OBJECT_LEGAL_HOLD = 10
    BYPASS_GOVERNANCE_RETENTION = 11
    PUT_BUCKET_OBJECT_LOCK_CONFIGURATION = 12
    GET_BUCKET_OBJECT_LOCK_CONFIGURATION = 13
    PUT_BUCKET_NOTIFICATION_CONFIGURATION = 14
    GET_BUCKET_NOTIFICATION_CONFIGURATION = 15


# the flag that denies each operation (Op.GET_OBJECT_RETENTION is special-cased)
_DENYING_FLAG: dict[Op, str] = {
    Op.READ: "disallow_reads",
    Op.WRITE: "disallow_writes",
    Op.LIST: "disallow_lists",
    Op.DELETE: "disallow_deletes",
    Op.LOCK: "disallow_locks",
    Op.PUT_OBJECT_RETENTION: "disallow_put_retention",
    Op.PUT_OBJECT_LEGAL_HOLD: "disallow_put_legal_hold",
    Op.GET_OBJECT_LEGAL_HOLD: "disallow_get_legal_hold",
    Op.BYPASS_GOVERNANCE_RETENTION: "disallow_bypass_governance_retention",
    Op.PUT_BUCKET_OBJECT_LOCK_CONFIGURATION: "disallow_put_bucket_object_lock_configuration",
    Op.GET_BUCKET_OBJECT_LOCK_CONFIGURATION: "disallow_get_bucket_object_lock_configuration",
    Op.PUT_BUCKET_NOTIFICATION_CONFIGURATION: "disallow_put_bucket_notification_configuration",
    Op.GET_BUCKET_NOTIFICATION_CONFIGURATION: "disallow_get_bucket_notification_configuration",
}


@dataclass
class Action:
    """An operation to authorize: what, when, on which bucket and encrypted key."""

    op: Op
    time: datetime | None
    bucket: bytes = b""
    encrypted_path: bytes = b""


class ActionDenied(Exception):  # noqa: N818 - reads better at call sites than ...Error
    """The key does not authorize the action; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def caveat_allows(cav: caveat_mod.Caveat, action: Action) -> str | None:
    """None when ``cav`` allows ``action``, else the reason it does not."""
    assert action.time is not None
    # the validity window is inclusive at both ends
    if cav.not_after is not None and action.time > cav.not_after:
        return "access has expired"
    if cav.not_before is not None and (
        cav.not_before > action.time
        # the action's time has no nanoseconds below the microsecond; the caveat may
        or (cav.not_before == action.time and cav.not_before_extra_ns > 0)
    ):
        return "access is not valid yet"

    # bucket metadata reads ignore disallow_reads; only the bucket list applies
    if action.op == Op.READ and not action.encrypted_path:
        if not cav.allowed_paths or not action.bucket:
            return None
        if any(p.bucket == action.bucket for p in cav.allowed_paths):
            return None
        return "bucket is not allowed"

    if action.op == Op.GET_OBJECT_RETENTION:
        # reading retention stays allowed while either retention permission is kept
        if cav.disallow_put_retention and cav.disallow_get_retention:
            return "operation is disallowed"
    elif action.op == Op.PROJECT_INFO:
        return None  # always allowed, and skips the path check
    elif action.op in _DENYING_FLAG:
        if getattr(cav, _DENYING_FLAG[action.op]):
            return "operation is disallowed"
    else:
        return "unknown operation"

    if cav.allowed_paths and not any(
        p.bucket == action.bucket and action.encrypted_path.startswith(p.encrypted_path_prefix)
        for p in cav.allowed_paths
    ):
        return "path is not allowed"
    return None


def check(
    m: Macaroon, secret: bytes, action: Action, revoked_tails: Collection[bytes] = ()
) -> None:
    """Raise ActionDenied unless the key authorizes ``action`` (as Storj's APIKey.Check)."""
    tails = all_tails(m, secret)
    if not hmac.compare_digest(tails[-1], m.tail):
        raise ActionDenied("macaroon signature is invalid")
    if action.time is None:
        raise ActionDenied("no timestamp provided")
    if action.time.tzinfo is None or action.time.utcoffset() is None:
        raise ValueError("action time must be timezone-aware")
    for raw in m.caveats:
        try:
            cav = caveat_mod.decode(raw)
        except FormatError as exc:
            raise ActionDenied("invalid caveat format") from exc
        reason = caveat_allows(cav, action)
        if reason is not None:
            raise ActionDenied(reason)
    if any(tail in revoked_tails for tail in tails):
        raise ActionDenied("api key has been revoked")
