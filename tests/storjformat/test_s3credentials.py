import base64
import hashlib
import re
import string

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storjformat.errors import FormatError
from storjformat.s3credentials import (
    access_key_id,
    decrypt_record,
    encrypt_record,
    generate_access_key_id,
    generate_secret_key,
    key_hash,
    parse_access_key_id,
    parse_secret_key,
)

LOWER_BASE32 = re.compile(r"[a-z2-7]+")
GRANT = "1Dv4dsd8RbbZzNNwUzb1zRhbSoKdt4gbXW66UPMHzSqKYVmFgwr7Qe8wPBWPQv6JDvSLWh"


def _b32decode(wire):
    upper = wire.upper()
    return base64.b32decode(upper + "=" * (-len(upper) % 8))


def test_it_generates_a_28_character_lowercase_access_key_id():
    k, wire = generate_access_key_id()
    assert len(k) == 16
    assert len(wire) == 28
    assert LOWER_BASE32.fullmatch(wire)
    assert _b32decode(wire) == b"\x4d" + k


def test_it_generates_a_53_character_lowercase_secret_key():
    wire = generate_secret_key()
    assert len(wire) == 53
    assert LOWER_BASE32.fullmatch(wire)
    raw = _b32decode(wire)
    assert len(raw) == 33
    assert raw[0] == 0x4E


def test_it_generates_different_keys_each_time():
    assert generate_access_key_id() != generate_access_key_id()
    assert generate_secret_key() != generate_secret_key()


def test_it_encodes_a_known_access_key():
    # 0x4D then sixteen zero bytes, by hand: 01001 -> "j", 101+00 -> "u", then "a"s.
    assert access_key_id(bytes(16)) == "juaaaaaaaaaaaaaaaaaaaaaaaaaa"


def test_it_parses_an_access_key_id_back_to_k():
    k, wire = generate_access_key_id()
    assert parse_access_key_id(wire) == k


def test_it_accepts_upper_case_like_edge_does():
    k, wire = generate_access_key_id()
    assert parse_access_key_id(wire.upper()) == k


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        ("jwaaaaaaaaaaaaaaaaaaaaaaaaa", "28 characters"),
        ("jwaaaaaaaaaaaaaaaaaaaaaaaaaaa", "28 characters"),
        ("", "28 characters"),
        ("jwaaaaaaaaaaaaaaaaaaaaaaaa0a", "a-z and digits 2-7"),
        ("jwaaaaaaaaaaaaaaaaaaaaaaaa=a", "a-z and digits 2-7"),
        # 0x4E (a secret key's version byte) in front of sixteen zero bytes.
        ("jyaaaaaaaaaaaaaaaaaaaaaaaaaa", "version byte"),
    ],
)
def test_it_rejects_malformed_access_key_ids(wire, message):
    with pytest.raises(FormatError, match=message):
        parse_access_key_id(wire)


def test_it_rejects_a_secret_key_given_as_an_access_key_id():
    with pytest.raises(FormatError):
        parse_access_key_id(generate_secret_key()[:28])


def test_it_parses_a_secret_key_and_rejects_bad_ones():
    wire = generate_secret_key()
    assert len(parse_secret_key(wire)) == 32
    with pytest.raises(FormatError, match="53 characters"):
        parse_secret_key(wire[:-1])
    with pytest.raises(FormatError, match="version byte"):
        parse_secret_key("j" + "w" + wire[2:])


def test_it_hashes_k_with_sha256():
    k, _ = generate_access_key_id()
    assert key_hash(k) == hashlib.sha256(k).digest()
    with pytest.raises(FormatError):
        key_hash(k + b"\x00")


def test_it_round_trips_a_record():
    k, _ = generate_access_key_id()
    secret = generate_secret_key()
    enc_secret, enc_grant = encrypt_record(k, secret, GRANT)
    assert decrypt_record(k, enc_secret, enc_grant) == (secret, GRANT)


def test_it_encrypts_exactly_as_edge_does():
    # edge authdb.Put: key = k || 16 zero bytes; the secret's 32 raw bytes with
    # an all-zero nonce; the grant text with nonce 01 00..00; no nonce stored,
    # no associated data.
    k = bytes(range(16))
    raw_secret = bytes(range(100, 132))
    secret = base64.b32encode(b"\x4e" + raw_secret).decode().rstrip("=").lower()
    aead = AESGCM(k + bytes(16))
    enc_secret, enc_grant = encrypt_record(k, secret, GRANT)
    assert enc_secret == aead.encrypt(bytes(12), raw_secret, None)
    assert enc_grant == aead.encrypt(b"\x01" + bytes(11), GRANT.encode(), None)
    assert len(enc_secret) == 32 + 16
    assert len(enc_grant) == len(GRANT) + 16


def test_it_stores_neither_secret_nor_grant_in_the_clear():
    k, wire = generate_access_key_id()
    secret = generate_secret_key()
    enc_secret, enc_grant = encrypt_record(k, secret, GRANT)
    stored = key_hash(k) + enc_secret + enc_grant
    assert secret.encode() not in stored
    assert parse_secret_key(secret) not in stored
    assert GRANT.encode() not in stored
    assert GRANT.encode()[:16] not in stored
    assert k not in stored
    assert wire.encode() not in stored


def test_it_fails_to_decrypt_with_a_different_k():
    k, _ = generate_access_key_id()
    other, _ = generate_access_key_id()
    enc_secret, enc_grant = encrypt_record(k, generate_secret_key(), GRANT)
    with pytest.raises(FormatError, match="do not decrypt"):
        decrypt_record(other, enc_secret, enc_grant)


def test_it_fails_to_decrypt_a_tampered_or_swapped_record():
    k, _ = generate_access_key_id()
    enc_secret, enc_grant = encrypt_record(k, generate_secret_key(), GRANT)
    with pytest.raises(FormatError):
        decrypt_record(k, enc_secret[:-1] + bytes([enc_secret[-1] ^ 1]), enc_grant)
    # Distinct nonces mean the two blobs cannot stand in for each other.
    with pytest.raises(FormatError):
        decrypt_record(k, enc_grant, enc_secret)


def test_it_rejects_an_empty_grant_or_malformed_secret():
    k, _ = generate_access_key_id()
    with pytest.raises(FormatError, match="empty"):
        encrypt_record(k, generate_secret_key(), "")
    with pytest.raises(FormatError):
        encrypt_record(k, "not-a-secret", GRANT)
    with pytest.raises(FormatError):
        encrypt_record(k[:8], generate_secret_key(), GRANT)


def test_it_uses_only_the_base32_alphabet():
    allowed = set(string.ascii_lowercase + "234567")
    assert set(generate_secret_key()) <= allowed
    assert set(generate_access_key_id()[1]) <= allowed
