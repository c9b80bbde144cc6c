"""Base58Check encoding with a version byte, as used by Storj and Bitcoin."""

from __future__ import annotations

import hashlib

from storjformat.errors import FormatError

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}


def _checksum(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()[:4]


def b58encode(data: bytes) -> str:
    """Plain base58 of ``data``; each leading zero byte becomes a '1'."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    num = int.from_bytes(data, "big")
    out = []
    while num:
        num, rem = divmod(num, 58)
        out.append(ALPHABET[rem])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Plain base58 decode; raises FormatError on characters outside the alphabet."""
    num = 0
    for pos, char in enumerate(text):
        digit = _INDEX.get(char)
        if digit is None:
            raise FormatError(f"invalid base58 character at position {pos}")
        num = num * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    return b"\0" * zeros + body


def encode(payload: bytes, version: int) -> str:
    """Encode ``version || payload || checksum`` in base58."""
    if not 0 <= version <= 255:
        raise ValueError("version must fit in one byte")
    data = bytes([version]) + payload
    return b58encode(data + _checksum(data))


def decode(text: str) -> tuple[bytes, int]:
    """Decode a base58check string into ``(payload, version)``."""
    if not isinstance(text, str):
        raise FormatError("base58check input must be text")
    raw = b58decode(text)
    # version byte plus four checksum bytes is the smallest valid value
    if len(raw) < 5:
        raise FormatError("invalid base58check format: too short")
    data, check = raw[:-4], raw[-4:]
    if _checksum(data) != check:
        raise FormatError("invalid base58check checksum")
    return data[1:], data[0]
