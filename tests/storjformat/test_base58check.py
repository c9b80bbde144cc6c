import pytest

from storjformat import base58check
from storjformat.errors import FormatError

# storj/common base58/base58check_test.go, version 20
VECTORS = [
    (b"", "3MNQE1X"),
    (b" ", "B2Kr6dBE"),
    (b"abc", "4QiVtDjUdeq"),
    (b"1234598760", "ZmNb8uQn5zvnUohNCEPP"),
    (b"abcdefghijklmnopqrstuvwxyz", "K2RYDcKfupxwXdWhSAxQPCeiULntKm63UXyx5MvEH2"),
]


@pytest.mark.parametrize(("payload", "encoded"), VECTORS)
def test_it_encodes_storj_vectors(payload, encoded):
    assert base58check.encode(payload, 20) == encoded


@pytest.mark.parametrize(("payload", "encoded"), VECTORS)
def test_it_decodes_storj_vectors(payload, encoded):
    assert base58check.decode(encoded) == (payload, 20)


def test_it_rejects_a_wrong_checksum():
    with pytest.raises(FormatError, match="checksum"):
        base58check.decode("3MNQE1Y")


@pytest.mark.parametrize("text", ["", "1", "1111", "2", "3MNQE"])
def test_it_rejects_strings_shorter_than_five_bytes(text):
    with pytest.raises(FormatError, match="too short"):
        base58check.decode(text)


@pytest.mark.parametrize("text", ["3MNQE1X0", "O3MNQE1X", "3MNQ lE1X", "3MNQE1Xé"])
def test_it_rejects_characters_outside_the_alphabet(text):
    with pytest.raises(FormatError, match="invalid base58 character"):
        base58check.decode(text)


def test_it_writes_leading_zero_bytes_as_ones():
    encoded = base58check.encode(b"\x00\x00abc", 0)
    assert encoded.startswith("111")
    assert base58check.decode(encoded) == (b"\x00\x00abc", 0)


@pytest.mark.parametrize("version", [0, 1, 20, 255])
def test_it_round_trips_every_version(version):
    payload = bytes(range(40))
    assert base58check.decode(base58check.encode(payload, version)) == (payload, version)
