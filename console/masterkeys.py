"""Encryption at rest under rotating server master keys (plain Python, no Django).

The settings check MASTER_KEYS with it; `console.keyring` applies it to the
secrets kept at rest.

Master keys come from one setting such as ``"k2:BASE64KEY,k1:BASE64KEY"``;
the first key is current and encrypts new data, the rest are kept only so
that data encrypted before a rotation can still be read. Each blob is stored
with the id of the key that made it. Storj uses NaCl secretbox for its
managed passphrases; AES-256-GCM with a random nonce gives the same
guarantees and is what ``cryptography`` offers directly.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_LENGTH = 32
NONCE_LENGTH = 12
TAG_LENGTH = 16
# Ids are stored beside every blob and appear in settings and error
# messages, so keep them short and unambiguous.
_KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class MasterKeyError(ValueError):
    """A master key setting that is not valid, or a blob that does not decrypt.

    The message names key ids and positions, never key material or secrets.
    """


@dataclass(frozen=True)
class MasterKey:
    """A 32-byte AES-256 key and the id stored beside what it encrypts."""

    id: str
    # repr=False so the key never ends up in a log line or a traceback.
    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not _KEY_ID.fullmatch(self.id):
            raise MasterKeyError("A master key id must be 1-64 letters, digits, '.', '_' or '-'.")
        if len(self.key) != KEY_LENGTH:
            raise MasterKeyError(f"Master key {self.id!r} must be {KEY_LENGTH} bytes.")


def parse_master_keys(value: str) -> list[MasterKey]:
    """Parse ``"id:base64,id:base64"``; the first key is the current one.

    Error messages name the position and id but never the key material.
    """
    entries = [entry.strip() for entry in value.split(",")] if value.strip() else []
    if not entries:
        raise MasterKeyError("No master keys are configured; expected 'id:base64key,...'.")
    keys: list[MasterKey] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        if not entry:
            # A stray comma is easy to leave behind when removing a key.
            raise MasterKeyError(f"Master key #{position} is empty; check for a stray comma.")
        key_id, sep, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not sep:
            raise MasterKeyError(f"Master key #{position} is not in the form 'id:base64key'.")
        if not _KEY_ID.fullmatch(key_id):
            raise MasterKeyError(
                f"Master key #{position} has an invalid id; use 1-64 letters, "
                "digits, '.', '_' or '-'."
            )
        if key_id in seen:
            raise MasterKeyError(f"Master key id {key_id!r} appears more than once.")
        try:
            raw = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise MasterKeyError(f"Master key {key_id!r} is not valid base64.") from None
        if len(raw) != KEY_LENGTH:
            raise MasterKeyError(
                f"Master key {key_id!r} decodes to {len(raw)} bytes; it must be {KEY_LENGTH}."
            )
        seen.add(key_id)
        keys.append(MasterKey(key_id, raw))
    return keys


def generate_master_key_value(key_id: str) -> str:
    """A new ``id:base64key`` entry to put first in the master keys setting."""
    key = MasterKey(key_id, secrets.token_bytes(KEY_LENGTH))
    return f"{key.id}:{base64.b64encode(key.key).decode('ascii')}"


def encrypt(plaintext: bytes, key: MasterKey, associated_data: bytes = b"") -> bytes:
    """AES-256-GCM with a random nonce; returns ``nonce || ciphertext || tag``.

    ``associated_data`` binds the blob to its row and purpose (for example
    ``b"project-passphrase:" + public_id``) so it cannot be swapped onto
    another row.
    """
    nonce = secrets.token_bytes(NONCE_LENGTH)
    return nonce + AESGCM(key.key).encrypt(nonce, plaintext, associated_data)


def decrypt(
    blob: bytes, key_id: str, keys: Sequence[MasterKey], associated_data: bytes = b""
) -> bytes:
    """Decrypt a blob made by :func:`encrypt` with the key named ``key_id``."""
    key = next((k for k in keys if k.id == key_id), None)
    if key is None:
        raise MasterKeyError(f"Master key {key_id!r} is not configured; it may have been retired.")
    if len(blob) < NONCE_LENGTH + TAG_LENGTH:
        raise MasterKeyError("The encrypted value is too short to be valid.")
    try:
        return AESGCM(key.key).decrypt(blob[:NONCE_LENGTH], blob[NONCE_LENGTH:], associated_data)
    except InvalidTag:
        raise MasterKeyError(
            f"The encrypted value does not verify under master key {key_id!r}: "
            "it was altered or belongs to another record."
        ) from None
