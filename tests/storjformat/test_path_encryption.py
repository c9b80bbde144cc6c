from storjformat.path_encryption import encode_segment, encrypt_path, encrypt_prefix
from tests.helpers.storj_vectors import readme_path_encryption_hex

ROOT = bytes(range(32))


def test_it_matches_storj_path_encryption_example():
    encrypted = encrypt_path(ROOT, "bucket", "fold1/fold2/fold3/file.txt")
    assert encrypted.hex() == readme_path_encryption_hex()


def test_it_encrypts_a_prefix_of_components_to_a_prefix():
    full = encrypt_path(ROOT, "bucket", "fold1/fold2/fold3/file.txt")
    assert full.startswith(encrypt_path(ROOT, "bucket", "fold1/fold2") + b"/")
    assert encrypt_prefix(ROOT, "bucket", "fold1/fold2/") == (
        encrypt_path(ROOT, "bucket", "fold1/fold2") + b"/"
    )


def test_it_is_deterministic_and_depends_on_bucket():
    assert encrypt_path(ROOT, "a", "x") == encrypt_path(ROOT, "a", "x")
    assert encrypt_path(ROOT, "a", "x") != encrypt_path(ROOT, "b", "x")


def test_it_escapes_reserved_bytes_in_segments():
    assert encode_segment(b"") == b"\x01"
    assert encode_segment(b"a./\xfe\xff\x00\x01") == (
        b"\x02a\x2e\x01\x2e\x02\xfe\x01\xfe\x02\x01\x01\x01\x02"
    )


def test_it_never_emits_a_slash_inside_a_component():
    encrypted = encrypt_path(ROOT, "bucket", "a/b/c/d/e/f/g")
    assert encrypted.count(b"/") == 6


def test_it_maps_an_empty_path_to_empty():
    assert encrypt_path(ROOT, "bucket", "") == b""
