"""Storj's AES-GCM object-key ("path") encryption (storj/common ``encryption/path.go``).

Each '/'-separated component is encrypted on its own with the key of its
parent, so a prefix of components encrypts to a prefix of the result; that is
what lets a caveat restrict access to an encrypted path prefix.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_AESGCM_NONCE_SIZE = 12


def derive_key(key: bytes, message: bytes) -> bytes:
    """Storj's DeriveKey: HMAC-SHA512 truncated to a 32-byte key."""
    return hmac.new(key, message, hashlib.sha512).digest()[:32]


def _path_component_key(key: bytes, component: bytes) -> bytes:
    return derive_key(key, b"path:" + component)


def encode_segment(segment: bytes) -> bytes:
    """Escape an encrypted component so it contains no '/', 0x00 or 0xff.

    Empty is 0x01; anything else is 0x02 followed by the escaped bytes.
    """
    if not segment:
        return b"\x01"
    out = bytearray(b"\x02")
    escapes = {0x2E: b"\x2e\x01", 0x2F: b"\x2e\x02", 0xFE: b"\xfe\x01", 0xFF: b"\xfe\x02"}
    escapes |= {0x00: b"\x01\x01", 0x01: b"\x01\x02"}
    for byte in segment:
        out += escapes.get(byte, bytes([byte]))
    return bytes(out)


def _encrypt_component(component: bytes, key: bytes) -> bytes:
    # the nonce comes from the component's own derived key: deterministic, so
    # equal paths encrypt equally, yet unique per component
    derived = _path_component_key(key, component)
    nonce = hmac.new(derived, b"nonce", hashlib.sha512).digest()[:_AESGCM_NONCE_SIZE]
    # Storj leaves empty plaintext unencrypted (no tag)
    ciphertext = AESGCM(key).encrypt(nonce, component, None) if component else b""
    return encode_segment(nonce + ciphertext)


def encrypt_path_with_key(key: bytes, path: str | bytes) -> bytes:
    """Encrypt ``path`` component by component starting from ``key`` (EncryptPathRaw)."""
    raw = path.encode("utf-8") if isinstance(path, str) else path
    if not raw:
        return b""
    parts = []
    for component in raw.split(b"/"):
        parts.append(_encrypt_component(component, key))
        key = _path_component_key(key, component)
    return b"/".join(parts)


def bucket_key(root_key: bytes, bucket: str | bytes) -> bytes:
    """The key of one bucket's object keys: the bucket name is the first derivation step.

    A grant limited to some buckets carries these keys instead of the root key.
    """
    name = bucket.encode("utf-8") if isinstance(bucket, str) else bucket
    return _path_component_key(root_key, name)


def encrypt_path(root_key: bytes, bucket: str | bytes, path: str | bytes) -> bytes:
    """Encrypt an object key for ``bucket`` under a default (root) key, AES-GCM."""
    return encrypt_path_with_key(bucket_key(root_key, bucket), path)


def encrypt_prefix(root_key: bytes, bucket: str | bytes, prefix: str | bytes) -> bytes:
    """Encrypt a key prefix (EncryptPrefixWithStoreCipher): a trailing '/' stays plain.

    A prefix "photos/" must match every key under it, so its trailing empty
    component is not encrypted; the '/' is appended after encryption instead.
    """
    raw = prefix.encode("utf-8") if isinstance(prefix, str) else prefix
    if raw.endswith(b"/"):
        return encrypt_path(root_key, bucket, raw[:-1]) + b"/"
    return encrypt_path(root_key, bucket, raw)


def derive_path_key(key: bytes, path: bytes) -> bytes:
    """The key of ``path``'s last component, derived component by component (DerivePathKey)."""
    for component in path.split(b"/") if path else ():
        key = _path_component_key(key, component)
    return key


def share_path(prefix: str | bytes) -> bytes:
    """The unencrypted path a shared prefix is encrypted and keyed at.

    ``uplink share --prefix`` (storj/common ``grant.Restrict``) drops one
    trailing '/' first: "invoices/2026/" is shared as the path
    "invoices/2026", whose encryption is a byte prefix of every object key
    under it, and whose key decrypts them.
    """
    raw = prefix.encode("utf-8") if isinstance(prefix, str) else prefix
    return raw[:-1] if raw.endswith(b"/") else raw


def shared_prefix(
    root_key: bytes, bucket: str | bytes, prefix: str | bytes, encrypt: bool = True
) -> tuple[bytes, bytes, bytes]:
    """(unencrypted path, encrypted path, key) for sharing ``prefix`` of ``bucket``.

    With path encryption off (EncNull) the encrypted path is the plain path;
    the key is derived down to the path either way, as Storj does.
    """
    path = share_path(prefix)
    key = bucket_key(root_key, bucket)
    encrypted = encrypt_path_with_key(key, path) if encrypt else path
    return path, encrypted, derive_path_key(key, path)
