"""Access grants: the serialized Scope (satellite, API key, encryption access).

Mirrors storj/common ``grant/`` and ``pb/`` (scope.proto, encryption_access.proto).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storjformat import base58check, path_encryption
from storjformat import protobuf as pb
from storjformat.errors import FormatError

# CipherSuite values
ENC_UNSPECIFIED = 0
ENC_NULL = 1
ENC_AESGCM = 2
ENC_SECRETBOX = 3
CIPHER_NAMES = {0: "ENC_UNSPECIFIED", 1: "ENC_NULL", 2: "ENC_AESGCM", 3: "ENC_SECRETBOX"}


@dataclass
class StoreEntry:
    """A key for one bucket (and path) in the encryption store."""

    bucket: bytes = b""
    unencrypted_path: bytes = b""
    encrypted_path: bytes = b""
    key: bytes = b""
    path_cipher: int = ENC_UNSPECIFIED


@dataclass
class EncryptionAccess:
    """How the holder derives encryption keys: a default key and/or per-bucket keys."""

    default_key: bytes | None = None
    store_entries: list[StoreEntry] = field(default_factory=list)
    default_path_cipher: int = ENC_UNSPECIFIED


@dataclass
class Scope:
    """The content of an access grant. ``api_key`` is the RAW macaroon bytes."""

    satellite_addr: str
    api_key: bytes
    encryption_access: EncryptionAccess = field(default_factory=EncryptionAccess)


# --- encoding ---------------------------------------------------------------


def _encode_store_entry(entry: StoreEntry) -> bytes:
    return (
        pb.opt_bytes_field(1, entry.bucket)
        + pb.opt_bytes_field(2, entry.unencrypted_path)
        + pb.opt_bytes_field(3, entry.encrypted_path)
        + pb.opt_bytes_field(4, entry.key)
        + pb.opt_varint_field(5, entry.path_cipher)
    )


def encode_encryption_access(access: EncryptionAccess) -> bytes:
    """Serialize an EncryptionAccess message as Storj's encoder does."""
    out = pb.opt_bytes_field(1, access.default_key or b"")
    for entry in access.store_entries:
        out += pb.bytes_field(2, _encode_store_entry(entry))  # always written
    return out + pb.opt_varint_field(3, access.default_path_cipher)


def encode_scope(scope: Scope) -> bytes:
    """Serialize a Scope; the encryption access message is written even when empty."""
    return (
        pb.opt_bytes_field(1, scope.satellite_addr.encode("utf-8"))
        + pb.opt_bytes_field(2, scope.api_key)
        + pb.bytes_field(3, encode_encryption_access(scope.encryption_access))
    )


# --- decoding ---------------------------------------------------------------


def _cipher(value: int) -> int:
    # enums are int32 on the wire; keep unknown values rather than guessing
    return pb.to_int32(value)


def _decode_store_entry(data: bytes) -> StoreEntry:
    entry = StoreEntry()
    names = {1: "bucket", 2: "unencrypted_path", 3: "encrypted_path", 4: "key"}
    for num, wire, value in pb.iter_fields(data):
        if num in names:
            pb.expect(wire, pb.BYTES, f"store_entries.{names[num]}")
            setattr(entry, names[num], value)
        elif num == 5:
            pb.expect(wire, pb.VARINT, "store_entries.path_cipher")
            entry.path_cipher = _cipher(value)  # type: ignore[arg-type]
    return entry


def decode_encryption_access(data: bytes) -> EncryptionAccess:
    """Parse an EncryptionAccess message in any field order, skipping unknown fields."""
    access = EncryptionAccess()
    for num, wire, value in pb.iter_fields(data):
        if num == 1:
            pb.expect(wire, pb.BYTES, "default_key")
            access.default_key = value or None  # type: ignore[assignment]
        elif num == 2:
            pb.expect(wire, pb.BYTES, "store_entries")
            access.store_entries.append(_decode_store_entry(value))  # type: ignore[arg-type]
        elif num == 3:
            pb.expect(wire, pb.VARINT, "default_path_cipher")
            access.default_path_cipher = _cipher(value)  # type: ignore[arg-type]
    return access


def decode_scope(data: bytes) -> Scope:
    """Parse a Scope message in any field order, skipping unknown fields."""
    scope = Scope(satellite_addr="", api_key=b"")
    for num, wire, value in pb.iter_fields(data):
        if num == 1:
            pb.expect(wire, pb.BYTES, "satellite_addr")
            try:
                scope.satellite_addr = value.decode("utf-8")  # type: ignore[union-attr]
            except UnicodeDecodeError as exc:
                raise FormatError("satellite address is not valid UTF-8") from exc
        elif num == 2:
            pb.expect(wire, pb.BYTES, "api_key")
            scope.api_key = value  # type: ignore[assignment]
        elif num == 3:
            pb.expect(wire, pb.BYTES, "encryption_access")
            scope.encryption_access = decode_encryption_access(value)  # type: ignore[arg-type]
    return scope


def serialize_grant(scope: Scope) -> str:
    """The access grant string: base58check of the Scope, version 0."""
    return base58check.encode(encode_scope(scope), 0)


def parse_grant(text: str) -> Scope:
    """Parse an access grant string into its Scope (the API key is not validated)."""
    data, version = base58check.decode(text.strip())
    if version != 0:
        raise FormatError("invalid access grant format: wrong version byte")
    return decode_scope(data)


# --- keys -------------------------------------------------------------------


def encryption_access_for(
    root_key: bytes,
    buckets: list[str] | None,
    path_cipher: int = ENC_AESGCM,
    prefixes: list[tuple[str, str]] = (),
) -> EncryptionAccess:
    """Encryption access for all buckets (None) or only the listed ones.

    ``path_cipher`` is ENC_AESGCM when the project encrypts object keys, and
    ENC_NULL when its path encryption is off (storj/storj ``console/access.go``
    and ``consolewasm/access.go`` set the default path cipher so; ``LimitTo``
    then gives each bucket's key the same cipher).

    ``prefixes`` are (bucket, prefix) pairs: such a bucket gets no key of its
    own, only one entry per prefix with the key derived down to it, as
    ``uplink share --prefix`` writes (see `prefix_entry`).
    """
    if buckets is None and not prefixes:
        return EncryptionAccess(default_key=bytes(root_key), default_path_cipher=path_cipher)
    # restricted grants carry no root key, only keys derived per bucket or prefix
    prefixed = {bucket for bucket, _ in prefixes}
    entries = [
        StoreEntry(
            bucket=name.encode("utf-8"),
            key=path_encryption.bucket_key(root_key, name),
            path_cipher=path_cipher,
        )
        for name in buckets or ()
        if name not in prefixed
    ]
    entries += [prefix_entry(root_key, bucket, prefix, path_cipher) for bucket, prefix in prefixes]
    return EncryptionAccess(
        default_key=None, store_entries=entries, default_path_cipher=path_cipher
    )


def prefix_entry(root_key: bytes, bucket: str, prefix: str, path_cipher: int) -> StoreEntry:
    """The store entry for one shared prefix; its encrypted path is also the caveat's
    ``encrypted_path_prefix`` (storj/common ``grant.Restrict``)."""
    unencrypted, encrypted, key = path_encryption.shared_prefix(
        root_key, bucket, prefix, encrypt=path_cipher != ENC_NULL
    )
    return StoreEntry(
        bucket=bucket.encode("utf-8"),
        unencrypted_path=unencrypted,
        encrypted_path=encrypted,
        key=key,
        path_cipher=path_cipher,
    )
