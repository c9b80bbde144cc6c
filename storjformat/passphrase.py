"""Encryption passphrases and the root key Storj derives from them.

The derivation follows storj/common ``encryption/password.go``
(``DeriveRootKey``) as called by the satellite console and uplink's
``RequestAccessWithPassphrase``: path ``""`` and 8 Argon2 lanes.
"""

from __future__ import annotations

import hashlib
import hmac

from argon2.low_level import ARGON2_VERSION, Type, hash_secret_raw
from mnemonic import Mnemonic

from storjformat.errors import FormatError

ROOT_KEY_LENGTH = 32
# Go's argon2.IDKey takes memory in KiB: uint32(64*memory.MiB/memory.KiB) = 65536.
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_ITERATIONS = 1
# The lanes value changes the output; Storj's console and uplink use 8.
ARGON2_LANES = 8

_ENGLISH = Mnemonic("english")


def mixed_salt(passphrase: bytes, project_salt: bytes) -> bytes:
    """First HMAC step: HMAC-SHA256 keyed by the passphrase over the project salt."""
    return hmac.new(passphrase, project_salt, hashlib.sha256).digest()


def path_salt(mixed: bytes, path: bytes = b"") -> bytes:
    """Second HMAC step: HMAC-SHA256 keyed by the mixed salt over the path.

    Project root keys always use the empty path, as the console and uplink do.
    """
    return hmac.new(mixed, path, hashlib.sha256).digest()


def argon2id_key(
    passphrase: bytes,
    salt: bytes,
    *,
    lanes: int = ARGON2_LANES,
    iterations: int = ARGON2_ITERATIONS,
    memory_kib: int = ARGON2_MEMORY_KIB,
    length: int = ROOT_KEY_LENGTH,
) -> bytes:
    """Argon2id step with Storj's parameters unless told otherwise.

    argon2-cffi, not cryptography's Argon2id: the latter hangs when two
    threads derive at once (threaded servers create accesses in parallel).
    """
    return hash_secret_raw(
        secret=passphrase,
        salt=salt,
        time_cost=iterations,
        memory_cost=memory_kib,
        parallelism=lanes,
        hash_len=length,
        type=Type.ID,
        version=ARGON2_VERSION,
    )


def derive_root_key(passphrase: str, project_salt: bytes) -> bytes:
    """Derive a project's 32-byte root encryption key exactly as Storj does."""
    if not passphrase:
        # Storj's console refuses an empty passphrase; a key derived from one
        # would protect nothing.
        raise FormatError("The encryption passphrase is empty.")
    if not project_salt:
        raise FormatError("The project salt is empty.")
    secret = passphrase.encode("utf-8")
    return argon2id_key(secret, path_salt(mixed_salt(secret, project_salt)))


def generate_mnemonic() -> str:
    """A new 12-word BIP39 English passphrase (128 bits of entropy).

    Storj's console generates the same kind with ``bip39-english``'s
    ``generateMnemonic()``.
    """
    return _ENGLISH.generate(strength=128)


def is_valid_mnemonic(words: str) -> bool:
    """Whether ``words`` is a BIP39 English phrase with a correct checksum."""
    try:
        return bool(_ENGLISH.check(words))
    except (ValueError, LookupError):
        return False
