"""S3 credentials in storj/edge's formats (``pkg/auth/authdb/db.go``).

The access key ID carries a random 16-byte key ``k``. The auth record is
stored under ``sha256(k)`` and its secret key and access grant are encrypted
under ``k`` itself, so the database alone yields neither: whoever asks must
present the access key ID.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storjformat.errors import FormatError

ACCESS_KEY_VERSION = 0x4D  # edge's encKeyVersionByte (77)
SECRET_KEY_VERSION = 0x4E  # edge's secKeyVersionByte (78)
ACCESS_KEY_BYTES = 16
SECRET_KEY_BYTES = 32
ACCESS_KEY_ID_LENGTH = 28  # edge's EncKeySizeEncoded
SECRET_KEY_LENGTH = 53
# Edge reuses fixed nonces because every k encrypts exactly one record:
# storj.Nonce{} for the secret key and storj.Nonce{1} for the grant, of which
# AES-GCM uses the first 12 bytes. The nonce is not stored with the blob.
SECRET_NONCE = bytes(12)
GRANT_NONCE = b"\x01" + bytes(11)

_BASE32 = re.compile(r"[A-Z2-7]+")


def _to_base32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=").lower()


def _from_base32(wire: str, length: int, version: int, what: str) -> bytes:
    if not isinstance(wire, str) or len(wire) != length:
        raise FormatError(f"{what} must be {length} characters long.")
    # Edge upper-cases before decoding, so it accepts either case; so do we.
    upper = wire.upper()
    if not _BASE32.fullmatch(upper):
        raise FormatError(f"{what} may contain only the letters a-z and digits 2-7.")
    try:
        data = base64.b32decode(upper + "=" * (-len(upper) % 8))
    except (binascii.Error, ValueError):
        raise FormatError(f"{what} is not valid base32.") from None
    if data[0] != version:
        raise FormatError(f"{what} does not start with the expected version byte.")
    return data[1:]


def generate_access_key_id() -> tuple[bytes, str]:
    """A new random ``k`` and its 28-character access key ID."""
    k = secrets.token_bytes(ACCESS_KEY_BYTES)
    return k, access_key_id(k)


def access_key_id(k: bytes) -> str:
    """The access key ID for ``k``: lowercase base32 (no padding) of 0x4D || k."""
    if len(k) != ACCESS_KEY_BYTES:
        raise FormatError(f"An access key must be {ACCESS_KEY_BYTES} bytes.")
    return _to_base32(bytes([ACCESS_KEY_VERSION]) + k)


def parse_access_key_id(wire: str) -> bytes:
    """The 16-byte ``k`` inside an access key ID."""
    return _from_base32(wire, ACCESS_KEY_ID_LENGTH, ACCESS_KEY_VERSION, "An access key ID")


def edge_access_key_id_error(wire: str) -> str | None:
    """The message edge's ``EncryptionKey.FromBase32`` gives for a malformed ID, or None.

    The auth service answers 400 with this text (``pkg/auth/authdb/db.go``):
    the length first, then Go's base32 error at the first bad character
    (after upper-casing), then the version byte.
    """
    if len(wire) == ACCESS_KEY_ID_LENGTH and _BASE32.fullmatch(wire.upper()):
        try:
            parse_access_key_id(wire)
        except FormatError:
            return "encryption key did not start with expected byte"
        return None
    # Go counts bytes, not characters.
    data = wire.upper().encode("utf-8", "replace")
    if len(wire.encode("utf-8", "replace")) != ACCESS_KEY_ID_LENGTH:
        return (
            f"alphanumeric encryption key length expected to be {ACCESS_KEY_ID_LENGTH}, "
            f"was {len(wire.encode('utf-8', 'replace'))}"
        )
    position = next(i for i, byte in enumerate(data) if not _BASE32.fullmatch(chr(byte)))
    return f"illegal base32 data at input byte {position}"


def generate_secret_key() -> str:
    """A new 53-character secret key: base32 of 0x4E || 32 random bytes."""
    return _to_base32(bytes([SECRET_KEY_VERSION]) + secrets.token_bytes(SECRET_KEY_BYTES))


def parse_secret_key(wire: str) -> bytes:
    """The 32 random bytes inside a secret key."""
    return _from_base32(wire, SECRET_KEY_LENGTH, SECRET_KEY_VERSION, "A secret key")


def key_hash(k: bytes) -> bytes:
    """The record's lookup key: sha256 of ``k`` (without the version byte)."""
    if len(k) != ACCESS_KEY_BYTES:
        raise FormatError(f"An access key must be {ACCESS_KEY_BYTES} bytes.")
    return hashlib.sha256(k).digest()


def _aead(k: bytes) -> AESGCM:
    if len(k) != ACCESS_KEY_BYTES:
        raise FormatError(f"An access key must be {ACCESS_KEY_BYTES} bytes.")
    # Edge copies the 16-byte key into a 32-byte storj.Key, leaving the rest zero.
    return AESGCM(k + bytes(32 - ACCESS_KEY_BYTES))


def encrypt_record(k: bytes, secret_key: str, access_grant: str) -> tuple[bytes, bytes]:
    """Encrypt a record's secret key and access grant as edge stores them.

    Edge encrypts the secret key's 32 raw bytes (not its base32 text) and the
    grant's UTF-8 text, each as ``ciphertext || tag`` with no nonce prepended
    and no associated data.
    """
    if not access_grant:
        # Edge's encryption.Encrypt turns empty input into empty output, which
        # would store an unauthenticated blank; there is no valid empty grant.
        raise FormatError("The access grant is empty.")
    aead = _aead(k)
    enc_secret = aead.encrypt(SECRET_NONCE, parse_secret_key(secret_key), None)
    enc_grant = aead.encrypt(GRANT_NONCE, access_grant.encode("utf-8"), None)
    return enc_secret, enc_grant


def decrypt_record(k: bytes, enc_secret: bytes, enc_grant: bytes) -> tuple[str, str]:
    """The secret key and access grant of a record, given its ``k``."""
    aead = _aead(k)
    try:
        secret = aead.decrypt(SECRET_NONCE, enc_secret, None)
        grant = aead.decrypt(GRANT_NONCE, enc_grant, None)
    except InvalidTag:
        raise FormatError(
            "The stored credentials do not decrypt with this access key ID."
        ) from None
    if len(secret) != SECRET_KEY_BYTES:
        raise FormatError("The stored secret key has the wrong length.")
    try:
        grant_text = grant.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError("The stored access grant is not text.") from None
    return _to_base32(bytes([SECRET_KEY_VERSION]) + secret), grant_text
