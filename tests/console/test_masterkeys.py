import base64

import pytest

from console import masterkeys
from console.masterkeys import (
    MasterKey,
    MasterKeyError,
    decrypt,
    encrypt,
    generate_master_key_value,
    parse_master_keys,
)

K1 = bytes(range(32))
K2 = bytes(range(32, 64))
B1 = base64.b64encode(K1).decode()
B2 = base64.b64encode(K2).decode()
AD = b"project-passphrase:abc123"


def test_it_parses_keys_with_the_first_as_current():
    keys = parse_master_keys(f"k2:{B2}, k1:{B1}")
    assert [k.id for k in keys] == ["k2", "k1"]
    assert keys[0].key == K2
    assert keys[1].key == K1


def test_it_round_trips_with_associated_data():
    key = MasterKey("k1", K1)
    blob = encrypt(b"secret passphrase", key, AD)
    assert b"secret passphrase" not in blob
    assert decrypt(blob, "k1", [key], AD) == b"secret passphrase"


def test_it_uses_a_fresh_nonce_each_time():
    key = MasterKey("k1", K1)
    a = encrypt(b"same", key)
    b = encrypt(b"same", key)
    assert a != b
    assert len(a) == 12 + 4 + 16


def test_it_decrypts_with_an_older_key_after_rotation():
    old = parse_master_keys(f"k1:{B1}")
    blob = encrypt(b"before rotation", old[0], AD)
    rotated = parse_master_keys(f"k2:{B2},k1:{B1}")
    assert rotated[0].id == "k2"
    assert decrypt(blob, "k1", rotated, AD) == b"before rotation"
    new_blob = encrypt(b"after rotation", rotated[0], AD)
    assert decrypt(new_blob, "k2", rotated, AD) == b"after rotation"


def test_it_names_an_unknown_key_id():
    blob = encrypt(b"x", MasterKey("k1", K1))
    with pytest.raises(MasterKeyError, match="'k9'"):
        decrypt(blob, "k9", [MasterKey("k1", K1)])


def test_it_rejects_tampered_ciphertext():
    key = MasterKey("k1", K1)
    blob = bytearray(encrypt(b"secret", key, AD))
    blob[-1] ^= 1
    with pytest.raises(MasterKeyError, match="does not verify"):
        decrypt(bytes(blob), "k1", [key], AD)


def test_it_rejects_a_truncated_blob():
    with pytest.raises(MasterKeyError, match="too short"):
        decrypt(b"\x00" * 20, "k1", [MasterKey("k1", K1)])


def test_it_rejects_the_wrong_associated_data():
    key = MasterKey("k1", K1)
    blob = encrypt(b"secret", key, AD)
    with pytest.raises(MasterKeyError):
        decrypt(blob, "k1", [key], b"project-passphrase:other")
    with pytest.raises(MasterKeyError):
        decrypt(blob, "k1", [key])


def test_it_rejects_a_key_with_the_same_id_but_other_bytes():
    blob = encrypt(b"secret", MasterKey("k1", K1))
    with pytest.raises(MasterKeyError):
        decrypt(blob, "k1", [MasterKey("k1", K2)])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "No master keys"),
        (" , ", "is empty"),
        (f"k1:{B1},", "#2 is empty"),
        (B1, "form 'id:base64key'"),
        (f"bad id:{B1}", "invalid id"),
        (f":{B1}", "invalid id"),
        (f"k1:{B1[:-4]}!!!!", "not valid base64"),
        (f"k1:{base64.b64encode(K1[:16]).decode()}", "16 bytes"),
        (f"k1:{B1},k1:{B2}", "more than once"),
    ],
)
def test_it_rejects_malformed_settings_without_echoing_key_material(value, message):
    with pytest.raises(MasterKeyError, match=message) as info:
        parse_master_keys(value)
    text = str(info.value)
    for secret in (B1, B2, B1[:20], B2[:20], B1[:-4]):
        assert secret not in text


def test_it_keeps_key_bytes_out_of_the_repr():
    assert repr(K1) not in repr(MasterKey("k1", K1))
    assert "k1" in repr(MasterKey("k1", K1))


def test_it_rejects_a_master_key_of_the_wrong_length():
    with pytest.raises(MasterKeyError, match="32 bytes"):
        MasterKey("k1", b"short")


def test_it_generates_a_parseable_master_key_value():
    value = generate_master_key_value("2026-01")
    keys = parse_master_keys(value)
    assert keys[0].id == "2026-01"
    assert len(keys[0].key) == masterkeys.KEY_LENGTH
    assert generate_master_key_value("2026-01") != value


def test_it_refuses_to_generate_a_value_for_a_bad_id():
    with pytest.raises(MasterKeyError):
        generate_master_key_value("has,comma")
