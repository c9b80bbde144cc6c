"""``uplink access inspect``: a grant as Storj's uplink reads it, printed as Go prints it.

``uplink access inspect`` does not print the grant it was given: it parses it
(storj/common ``grant/access.go``), serializes that again, and prints the
result. Parsing changes three things, mirrored here:

1. an unspecified default path cipher becomes AES-GCM
   (``parseEncryptionAccessFromProto``: "most probably access was serialized
   before path cipher was moved to encryption access");
2. the encryption access is limited to what the API key's caveats allow
   (``EncryptionAccess.LimitTo``): when any caveat lists allowed paths, the
   default key is dropped and each allowed (bucket, prefix) gets its own key,
   derived from the key that covered it, with that key's path cipher;
3. a grant whose caveats cannot be read keeps no keys at all.

Storj keeps the keys in a Go map, so it writes them in a random order; we keep
the order in which they were added (the caveat's order), one of Storj's orders.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storjformat import caveat as caveat_mod
from storjformat import grant as grant_mod
from storjformat import macaroon as macaroon_mod
from storjformat.errors import FormatError
from storjformat.path_encryption import derive_key

KEY_SIZE = 32
_AESGCM_NONCE_SIZE = 12


class _Skip(Exception):
    """LimitTo drops an allowed path it cannot decrypt or derive a key for."""


class UnsupportedCipher(FormatError):
    """A path cipher no console writes (secretbox): we cannot decrypt with it."""


def _components(path: bytes) -> list[bytes]:
    # storj/common paths.Iterator: "" has no components, "a/" has "a" and "".
    return path.split(b"/") if path else []


@dataclass
class _Base:
    unencrypted: bytes
    encrypted: bytes
    key: bytes
    path_cipher: int
    default: bool = False


class _Store:
    """encryption.Store: keys by bucket and path, plus a default key and cipher."""

    def __init__(self, default_key: bytes | None = None, default_path_cipher: int = 0):
        self.default_key = default_key
        self.default_path_cipher = default_path_cipher
        # (bucket, unencrypted components) -> entry; a later add replaces an earlier one
        self.entries: dict[tuple[bytes, tuple[bytes, ...]], grant_mod.StoreEntry] = {}

    def add(self, bucket: bytes, unenc: bytes, enc: bytes, key: bytes, cipher: int) -> None:
        plain, secret = _components(unenc), _components(enc)
        if len(plain) != len(secret):
            raise FormatError("encrypted and unencrypted paths had different number of components")
        for (b, known), entry in self.entries.items():
            # the store is a bijection between plain and encrypted components
            theirs = _components(entry.encrypted_path)
            for depth in range(min(len(known), len(plain))):
                if b != bucket or known[:depth] != tuple(plain[:depth]):
                    break
                if (known[depth] == plain[depth]) != (theirs[depth] == secret[depth]):
                    raise FormatError("conflicting encrypted parts for unencrypted path")
        self.entries[(bucket, tuple(plain))] = grant_mod.StoreEntry(
            bucket=bucket, unencrypted_path=unenc, encrypted_path=enc, key=key, path_cipher=cipher
        )

    def lookup(self, bucket: bytes, path: bytes, encrypted: bool) -> tuple[_Base | None, list]:
        """The deepest entry whose path starts the given one, and the components left."""
        wanted = _components(path)
        best: grant_mod.StoreEntry | None = None
        for (b, _), entry in self.entries.items():
            own = _components(entry.encrypted_path if encrypted else entry.unencrypted_path)
            deeper = best is None or len(own) >= len(_components(best.encrypted_path))
            if b == bucket and wanted[: len(own)] == own and deeper:
                best = entry
        if best is not None:
            base = _Base(
                best.unencrypted_path,
                best.encrypted_path,
                best.key,
                best.path_cipher,
            )
            return base, wanted[len(_components(best.encrypted_path)) :]
        if self.default_key is not None:
            return _Base(b"", b"", self.default_key, self.default_path_cipher, True), wanted
        return None, wanted


def _decode_segment(segment: bytes) -> bytes:
    """Undo Storj's encodeSegment, refusing what validateEncodedSegment refuses."""
    if not segment or segment[0] not in (1, 2):
        raise _Skip
    if segment[0] == 1:
        if len(segment) > 1:
            raise _Skip
        return b""
    if len(segment) == 1:
        raise _Skip
    out, i = bytearray(), 1
    while i < len(segment):
        byte = segment[i]
        if byte in (0x2E, 0xFE, 0x01):
            if i + 1 >= len(segment) or segment[i + 1] not in (1, 2):
                raise _Skip
            out.append(byte + segment[i + 1] - 1 if byte != 0x01 else segment[i + 1] - 1)
            i += 2
            continue
        if byte in (0x00, 0xFF, 0x2F):
            raise _Skip
        out.append(byte)
        i += 1
    return bytes(out)


def _decrypt_component(component: bytes, cipher: int, key: bytes) -> bytes:
    if not component:
        return b""
    if cipher == grant_mod.ENC_NULL:
        return component
    if cipher != grant_mod.ENC_AESGCM:
        # secretbox (and anything newer) is not written by any console; say so
        name = grant_mod.CIPHER_NAMES.get(cipher, str(cipher))
        raise UnsupportedCipher(f"path cipher {name} is not supported")
    data = _decode_segment(component)
    nonce, sealed = data[:_AESGCM_NONCE_SIZE], data[_AESGCM_NONCE_SIZE:]
    if len(nonce) < _AESGCM_NONCE_SIZE or not sealed:
        raise _Skip  # Go: "empty cipher data" for a component with no ciphertext
    try:
        return AESGCM(key).decrypt(nonce, sealed, None)
    except InvalidTag as exc:
        raise _Skip from exc


def _bucket_key(base: _Base, bucket: bytes) -> bytes:
    # a default key covers every bucket: the bucket name is its first derivation
    return derive_key(base.key, b"path:" + bucket) if base.default else base.key


def _limited(store: _Store, caveats: list[caveat_mod.Caveat]) -> _Store:
    """EncryptionAccess.LimitTo with the caveats' collapsed allowed paths."""
    groups = [c.allowed_paths for c in caveats if c.allowed_paths]
    if not groups:
        return store

    def allowed_by(path, group):
        return any(
            path.bucket == other.bucket
            and path.encrypted_path_prefix.startswith(other.encrypted_path_prefix)
            for other in group
        )

    prefixes = [p for group in groups for p in group if all(allowed_by(p, g) for g in groups)]
    limited = _Store(default_path_cipher=store.default_path_cipher)
    for prefix in prefixes:
        bucket, enc = prefix.bucket, prefix.encrypted_path_prefix
        try:
            base, remaining = store.lookup(bucket, enc, encrypted=True)
            if base is None:
                continue
            # DecryptPathWithStoreCipher
            key = _bucket_key(base, bucket)
            plain = [base.unencrypted] if base.unencrypted else []
            for component in remaining:
                clear = _decrypt_component(component, base.path_cipher, key)
                key = derive_key(key, b"path:" + clear)
                plain.append(clear)
            unenc = b"/".join(plain) if enc else b""
            # DerivePathKey
            key_base, rest = store.lookup(bucket, unenc, encrypted=False)
            if key_base is None:
                continue
            key = _bucket_key(key_base, bucket)
            for component in rest:
                key = derive_key(key, b"path:" + component)
            limited.add(bucket, unenc, enc, key, base.path_cipher)
        except UnsupportedCipher:
            raise
        except (_Skip, FormatError):
            continue  # as Storj: a path it cannot decrypt or add is left out
    return limited


def as_uplink_reads(scope: grant_mod.Scope) -> grant_mod.Scope:
    """The Scope uplink serializes after parsing ``scope`` (see the module docstring)."""
    if not scope.satellite_addr:
        raise FormatError("access grant is missing satellite address")
    mac = macaroon_mod.parse(scope.api_key)
    access = scope.encryption_access
    if access.default_key is not None and len(access.default_key) != KEY_SIZE:
        raise FormatError("invalid default key in encryption access")
    cipher = access.default_path_cipher or grant_mod.ENC_AESGCM
    store = _Store(access.default_key, cipher)
    for entry in access.store_entries:
        if len(entry.key) != KEY_SIZE:
            raise FormatError("invalid key in encryption access entry")
        store.add(
            entry.bucket, entry.unencrypted_path, entry.encrypted_path, entry.key, entry.path_cipher
        )
    try:
        caveats = [caveat_mod.decode(c) for c in mac.caveats]
    except FormatError:
        store = _Store()  # LimitTo keeps no keys when the key's caveats are unreadable
    else:
        store = _limited(store, caveats)
    return grant_mod.Scope(
        satellite_addr=scope.satellite_addr,
        api_key=scope.api_key,
        encryption_access=grant_mod.EncryptionAccess(
            default_key=store.default_key,
            store_entries=list(store.entries.values()),
            default_path_cipher=store.default_path_cipher,
        ),
    )


# --- printing -------------------------------------------------------------------


def _cipher_name(value: int) -> str:
    # Go's proto.EnumName prints unknown values as their number
    return grant_mod.CIPHER_NAMES.get(value, str(value))


def _store_entry_json(entry: grant_mod.StoreEntry) -> dict[str, Any]:
    # mirrors pb.EncryptionAccess_StoreEntry.MarshalJSON (omitempty on every field)
    out: dict[str, Any] = {}
    if entry.bucket:
        out["bucket"] = caveat_mod.go_string(entry.bucket)
    if entry.unencrypted_path:
        out["unencrypted_path"] = caveat_mod.go_string(entry.unencrypted_path)
    encrypted = caveat_mod.null_base64url_path(entry.encrypted_path)
    if encrypted:
        out["encrypted_path"] = encrypted
    if entry.key:
        out["key"] = base64.urlsafe_b64encode(entry.key).decode("ascii")
    if entry.path_cipher:
        out["path_cipher"] = _cipher_name(entry.path_cipher)
    return out


def _encryption_access_json(access: grant_mod.EncryptionAccess) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if access.default_key:
        out["default_key"] = base64.b64encode(access.default_key).decode("ascii")
    if access.store_entries:
        out["store_entries"] = [_store_entry_json(e) for e in access.store_entries]
    if access.default_path_cipher:
        out["default_path_cipher"] = _cipher_name(access.default_path_cipher)
    return out


def _urlsafe(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def inspect(grant: str) -> dict[str, Any]:
    """The JSON object ``uplink access inspect`` prints for ``grant``."""
    scope = as_uplink_reads(grant_mod.parse_grant(grant))
    mac = macaroon_mod.parse(scope.api_key)
    return {
        "satellite_addr": scope.satellite_addr,
        "encryption_access": _encryption_access_json(scope.encryption_access),
        # uplink re-serializes the parsed key, so this is the canonical form
        "api_key": macaroon_mod.to_api_key_string(mac),
        "macaroon": {
            "head": _urlsafe(mac.head),
            "caveats": [caveat_mod.decode(c).to_inspect_dict() for c in mac.caveats],
            "tail": _urlsafe(mac.tail),
        },
    }


# Go's encoding/json escapes these even inside strings (HTML safety), and
# writes every other character as raw UTF-8.
_GO_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def inspect_json(grant: str) -> str:
    """``inspect(grant)`` as ``json.MarshalIndent(v, "", "  ")`` writes it."""
    text = json.dumps(inspect(grant), indent=2, ensure_ascii=False)
    # keys are fixed ASCII, so these characters can only be inside string values
    for char, escaped in _GO_ESCAPES.items():
        text = text.replace(char, escaped)
    return text
