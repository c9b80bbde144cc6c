import hashlib
import hmac
import threading
import time

import pytest
from mnemonic import Mnemonic

from storjformat.errors import FormatError
from storjformat.passphrase import (
    argon2id_key,
    derive_root_key,
    generate_mnemonic,
    is_valid_mnemonic,
    mixed_salt,
    path_salt,
)

SALT = bytes(range(16))
PASSPHRASE = "correct horse battery staple"
# Computed once with this module and pinned, so a change to any step shows up.
# The Argon2id primitive itself is checked against RFC 9106 below and the HMAC
# steps by hand, so this pins how the steps are wired together.
# RFC 9106's Argon2id parameters without its secret and associated data; the
# same from cryptography's Argon2id (which we used before) and argon2-cffi.
PINNED_RFC_PARAMETERS_TAG = "03aab965c12001c9d7d0d2de33192c0494b684bb148196d73c1df1acaf6d0c2e"
PINNED_ROOT_KEY = "a44a5100258be6fcec24cb7a3a5845f417db91038752e15fa58027190246bf18"


def test_it_matches_the_rfc_9106_argon2id_test_vector():
    # RFC 9106 section 5.3: Argon2id, version 0x13, t=3, m=32 KiB, p=4,
    # password 32 x 0x01, salt 16 x 0x02, secret 8 x 0x03, ad 12 x 0x04.
    # argon2id_key passes no secret or associated data, so the RFC vector is
    # checked against the argon2 C library it calls, through argon2-cffi's
    # low-level binding that accepts both.
    from argon2.low_level import ARGON2_VERSION, Type, ffi, lib

    password, salt, secret, ad = b"\x01" * 32, b"\x02" * 16, b"\x03" * 8, b"\x04" * 12
    out = ffi.new("uint8_t[]", 32)
    keep = [ffi.new("uint8_t[]", v) for v in (password, salt, secret, ad)]
    ctx = ffi.new(
        "argon2_context *",
        {
            "out": out,
            "outlen": 32,
            "pwd": keep[0],
            "pwdlen": 32,
            "salt": keep[1],
            "saltlen": 16,
            "secret": keep[2],
            "secretlen": 8,
            "ad": keep[3],
            "adlen": 12,
            "t_cost": 3,
            "m_cost": 32,
            "lanes": 4,
            "threads": 4,
            "version": ARGON2_VERSION,
            "allocate_cbk": ffi.NULL,
            "free_cbk": ffi.NULL,
            "flags": lib.ARGON2_DEFAULT_FLAGS,
        },
    )
    assert lib.argon2_ctx(ctx, Type.ID.value) == lib.ARGON2_OK
    tag = bytes(ffi.buffer(out, 32))
    assert tag.hex() == "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"


def test_it_matches_argon2id_without_secret_or_associated_data():
    # The same RFC parameters without secret and ad, as computed by the
    # reference implementation (and by cryptography's Argon2id before we left it).
    got = argon2id_key(b"\x01" * 32, b"\x02" * 16, lanes=4, iterations=3, memory_kib=32)
    assert got.hex() == PINNED_RFC_PARAMETERS_TAG


def test_it_computes_the_mixed_salt_as_hmac_keyed_by_the_passphrase():
    expected = hmac.new(PASSPHRASE.encode(), SALT, hashlib.sha256).digest()
    assert mixed_salt(PASSPHRASE.encode(), SALT) == expected


def test_it_computes_the_path_salt_as_hmac_of_the_empty_path():
    mixed = hmac.new(PASSPHRASE.encode(), SALT, hashlib.sha256).digest()
    expected = hmac.new(mixed, b"", hashlib.sha256).digest()
    assert path_salt(mixed) == expected


def test_it_derives_the_root_key_from_the_three_steps():
    secret = PASSPHRASE.encode()
    salt = hmac.new(hmac.new(secret, SALT, hashlib.sha256).digest(), b"", hashlib.sha256).digest()
    assert derive_root_key(PASSPHRASE, SALT) == argon2id_key(
        secret, salt, lanes=8, iterations=1, memory_kib=65536
    )


def test_it_derives_the_pinned_root_key():
    key = derive_root_key(PASSPHRASE, SALT)
    assert len(key) == 32
    assert key.hex() == PINNED_ROOT_KEY


def test_it_uses_eight_lanes_which_change_the_key():
    secret = PASSPHRASE.encode()
    salt = path_salt(mixed_salt(secret, SALT))
    one_lane = argon2id_key(secret, salt, lanes=1)
    assert one_lane != derive_root_key(PASSPHRASE, SALT)
    assert argon2id_key(secret, salt, lanes=8).hex() == PINNED_ROOT_KEY


def test_it_depends_on_the_project_salt_and_the_passphrase():
    base = derive_root_key(PASSPHRASE, SALT)
    assert derive_root_key(PASSPHRASE, bytes(16)) != base
    assert derive_root_key(PASSPHRASE + " ", SALT) != base


def test_it_encodes_non_ascii_passphrases_as_utf8():
    phrase = "pässwörd ünïcode"
    secret = phrase.encode("utf-8")
    expected = argon2id_key(secret, path_salt(mixed_salt(secret, SALT)))
    assert derive_root_key(phrase, SALT) == expected


def test_it_rejects_an_empty_passphrase_or_salt():
    with pytest.raises(FormatError):
        derive_root_key("", SALT)
    with pytest.raises(FormatError):
        derive_root_key(PASSPHRASE, b"")


def test_it_generates_a_valid_twelve_word_mnemonic():
    words = generate_mnemonic()
    assert len(words.split(" ")) == 12
    assert Mnemonic("english").check(words)
    assert is_valid_mnemonic(words)


def test_it_generates_a_different_mnemonic_each_time():
    assert generate_mnemonic() != generate_mnemonic()


def test_it_rejects_invalid_mnemonics():
    words = generate_mnemonic().split(" ")
    assert not is_valid_mnemonic("abandon " * 11 + "abandon")
    assert not is_valid_mnemonic("not a bip39 phrase at all")
    assert not is_valid_mnemonic(" ".join(words[:11]))
    assert is_valid_mnemonic("abandon " * 11 + "about")


def test_it_derives_keys_in_parallel_threads():
    # cryptography's Argon2id hung here when two threads derived at once.
    phrases = [f"passphrase {i}" for i in range(4)]
    expected = {phrase: derive_root_key(phrase, SALT) for phrase in phrases}
    got = {}
    barrier = threading.Barrier(len(phrases))

    def derive(phrase):
        barrier.wait()
        got[phrase] = derive_root_key(phrase, SALT)

    threads = [threading.Thread(target=derive, args=(p,), daemon=True) for p in phrases]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60  # each takes well under a second; a hang never ends
    for thread in threads:
        thread.join(max(0, deadline - time.monotonic()))
    assert not [t for t in threads if t.is_alive()], "a derivation hung"
    assert got == expected
