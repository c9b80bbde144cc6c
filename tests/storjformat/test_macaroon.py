import contextlib
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from storjformat import base58check
from storjformat import caveat as cav
from storjformat import macaroon as mac
from storjformat.caveat import Caveat, CaveatPath
from storjformat.errors import FormatError
from storjformat.macaroon import Action, ActionDenied, Macaroon, Op

# storj/common macaroon/macaroon_test.go: empty secret, one caveat "cav1"
CHAIN_HEAD = bytes.fromhex("10af1ac3d9c973463b14ab4201456707b48fdb674b56b9dc413c11063cfca8b9")
CHAIN_BYTES = bytes.fromhex(
    "02" + "0220" + CHAIN_HEAD.hex() + "00"
    "02" + "0463617631" + "00"
    "00"
    "0620" + "9f8386e124ebaecfb864f16e764094d0ee9ead837e9d32b8c1f84fbda43f977a"
)

# storj/storj cmd/uplink/cmd_access_inspect_test.go, TestAccessB's API key
ACCESS_B_KEY = (
    "1dfJRDAYwLTD3Repgzg6DS1gABme4BQXTp8mmQ56penApYPJ8bMLmF6125scmj7PVKezhSraMGnU6"
    "WiwGwPpe6u9Vq5tqZMJD13bnUB4hykKaTaNptRY"
)

SECRET = bytes(range(32))
HEAD = bytes(range(100, 132))
NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def test_it_reproduces_the_storj_hmac_chain_vector():
    m = mac.restrict(mac.from_parts(CHAIN_HEAD, b""), b"cav1")
    assert mac.serialize(m) == CHAIN_BYTES
    assert mac.verify(m, b"")
    assert not mac.verify(m, b"x")


def test_it_parses_the_storj_chain_vector():
    m = mac.parse(CHAIN_BYTES)
    assert m == Macaroon(head=CHAIN_HEAD, caveats=[b"cav1"], tail=CHAIN_BYTES[-32:])


def test_it_parses_a_real_restricted_api_key():
    m = mac.from_api_key_string(ACCESS_B_KEY)
    assert mac.to_api_key_string(m) == ACCESS_B_KEY
    assert [cav.decode(c).to_inspect_dict() for c in m.caveats] == [{"nonce": "v1MmWA=="}]


def test_it_makes_random_root_keys_that_verify():
    m, secret = mac.new_root_key()
    other, other_secret = mac.new_root_key()
    assert len(m.head) == len(secret) == len(m.tail) == 32
    assert m.head != other.head and secret != other_secret
    assert mac.verify(m, secret)
    assert mac.parse(mac.serialize(m)) == m


def test_it_round_trips_through_bytes_and_strings():
    m = mac.restrict(mac.restrict(mac.from_parts(HEAD, SECRET), b"one"), b"\x00two")
    assert mac.parse(mac.serialize(m)) == m
    text = mac.to_api_key_string(m)
    assert text.startswith("1")
    assert mac.from_api_key_string(text) == m


def test_it_lists_every_tail_of_the_chain():
    root = mac.from_parts(HEAD, SECRET)
    first = mac.restrict(root, b"a")
    second = mac.restrict(first, b"b")
    assert mac.all_tails(second, SECRET) == [root.tail, first.tail, second.tail]


def test_it_accepts_location_verification_id_and_trailing_bytes():
    data = bytes.fromhex(
        "02" + "0103" + b"loc".hex() + "0220" + CHAIN_HEAD.hex() + "00"
        "0103" + b"loc".hex() + "0204" + b"cav1".hex() + "0402" + "abcd" + "00"
        "00"
        "0620" + CHAIN_BYTES[-32:].hex() + "deadbeef"
    )
    assert mac.parse(data) == mac.parse(CHAIN_BYTES)


def test_it_rejects_an_api_key_with_the_wrong_version():
    text = base58check.encode(CHAIN_BYTES, 1)
    with pytest.raises(FormatError, match="version"):
        mac.from_api_key_string(text)


def test_it_rejects_an_api_key_with_a_bad_checksum():
    text = mac.to_api_key_string(mac.parse(CHAIN_BYTES))
    bad = text[:-1] + ("2" if text[-1] != "2" else "3")
    with pytest.raises(FormatError):
        mac.from_api_key_string(bad)


def test_it_rejects_every_truncation():
    for length in range(len(CHAIN_BYTES)):
        with pytest.raises(FormatError):
            mac.parse(CHAIN_BYTES[:length])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x01" + CHAIN_BYTES[1:], "version"),
        (b"\x03" + CHAIN_BYTES[1:], "version"),
        (bytes.fromhex("0202ffffffff07"), "too large|past the end"),
        (bytes.fromhex("02020a") + b"short", "past the end"),
        (bytes.fromhex("0202") + b"\xff" * 12, "too large|too long"),
        (CHAIN_BYTES[:-33] + bytes.fromhex("061f") + bytes(31), "32 bytes"),
        (CHAIN_BYTES[:-33] + bytes.fromhex("0621") + bytes(33), "32 bytes"),
        (CHAIN_BYTES[:-34] + bytes.fromhex("0520") + bytes(32), "signature"),
        (bytes.fromhex("020201aa0201bb00"), "out of order"),
        (bytes.fromhex("020401aa00"), "header"),
        (bytes.fromhex("0200"), "header"),
        (bytes.fromhex("020201aa000401bb00"), "no identifier"),
        (bytes.fromhex("020201aa000201bb0301cc00"), "invalid field"),
        (bytes.fromhex("020201aa000201bb0401cc0601dd00"), "extra fields"),
    ],
)
def test_it_rejects_malformed_macaroons(data, message):
    with pytest.raises(FormatError, match=message):
        mac.parse(data)


def test_it_only_ever_raises_format_error_on_garbage():
    rng = random.Random(2024)
    for _ in range(3000):
        data = b"\x02" + rng.randbytes(rng.randrange(0, 60))
        with contextlib.suppress(FormatError):
            mac.parse(data)  # any other exception fails the test


# --- action checks -----------------------------------------------------------

ALL_LOCK_FLAGS = [
    (Op.PUT_OBJECT_RETENTION, "disallow_put_retention"),
    (Op.PUT_OBJECT_LEGAL_HOLD, "disallow_put_legal_hold"),
    (Op.GET_OBJECT_LEGAL_HOLD, "disallow_get_legal_hold"),
    (Op.BYPASS_GOVERNANCE_RETENTION, "disallow_bypass_governance_retention"),
    (Op.PUT_BUCKET_OBJECT_LOCK_CONFIGURATION, "disallow_put_bucket_object_lock_configuration"),
    (Op.GET_BUCKET_OBJECT_LOCK_CONFIGURATION, "disallow_get_bucket_object_lock_configuration"),
    (Op.PUT_BUCKET_NOTIFICATION_CONFIGURATION, "disallow_put_bucket_notification_configuration"),
    (Op.GET_BUCKET_NOTIFICATION_CONFIGURATION, "disallow_get_bucket_notification_configuration"),
    (Op.LOCK, "disallow_locks"),
]
PERMISSIONS = [
    (Op.READ, "disallow_reads"),
    (Op.WRITE, "disallow_writes"),
    (Op.LIST, "disallow_lists"),
    (Op.DELETE, "disallow_deletes"),
]


OBJECT = {"bucket": b"b", "encrypted_path": b"\x02k"}


def _flag_cases():
    # each flag denies its own operation, and every other flag leaves it allowed
    for op, flag in PERMISSIONS + ALL_LOCK_FLAGS:
        yield pytest.param(Caveat(**{flag: True}), op, OBJECT, "operation", id=f"{op.name}-denied")
        others = {f: True for _, f in PERMISSIONS + ALL_LOCK_FLAGS if f != flag}
        yield pytest.param(Caveat(**others), op, OBJECT, None, id=f"{op.name}-allowed")


PHOTOS = [CaveatPath(b"photos", b"\x02enc")]

CHECK_CASES = [
    *_flag_cases(),
    pytest.param(
        Caveat(not_before=NOW + timedelta(seconds=1)),
        Op.READ,
        {},
        "not valid yet",
        id="before-not-before",
    ),
    pytest.param(Caveat(not_before=NOW), Op.READ, {}, None, id="at-not-before"),
    pytest.param(
        Caveat(not_after=NOW - timedelta(microseconds=1)),
        Op.READ,
        {},
        "expired",
        id="after-not-after",
    ),
    pytest.param(Caveat(not_after=NOW), Op.READ, {}, None, id="at-not-after"),
    pytest.param(
        Caveat(not_after=NOW - timedelta(days=1)),
        Op.PROJECT_INFO,
        {},
        "expired",
        id="project-info-still-expires",
    ),
    pytest.param(
        Caveat(allowed_paths=PHOTOS),
        Op.WRITE,
        {"bucket": b"photos", "encrypted_path": b"\x02enc/\x02x"},
        None,
        id="allowed-bucket-and-prefix",
    ),
    pytest.param(
        Caveat(allowed_paths=PHOTOS),
        Op.WRITE,
        {"bucket": b"photos", "encrypted_path": b"\x02other"},
        "path is not allowed",
        id="allowed-bucket-wrong-prefix",
    ),
    pytest.param(
        Caveat(allowed_paths=PHOTOS),
        Op.WRITE,
        {"bucket": b"photos2", "encrypted_path": b"\x02enc"},
        "path is not allowed",
        id="forbidden-bucket",
    ),
    pytest.param(
        Caveat(allowed_paths=[CaveatPath(b"photos")]),
        Op.LIST,
        {"bucket": b"photo", "encrypted_path": b""},
        "path is not allowed",
        id="bucket-must-be-equal-not-prefix",
    ),
    pytest.param(
        Caveat(disallow_reads=True),
        Op.READ,
        {"bucket": b"photos"},
        None,
        id="bucket-metadata-read-ignores-disallow-reads",
    ),
    pytest.param(
        Caveat(disallow_reads=True),
        Op.READ,
        {"bucket": b"photos", "encrypted_path": b"\x02k"},
        "operation",
        id="object-read-honours-disallow-reads",
    ),
    pytest.param(
        Caveat(disallow_reads=True, allowed_paths=PHOTOS),
        Op.READ,
        {"bucket": b"photos"},
        None,
        id="bucket-metadata-read-allowed-bucket",
    ),
    pytest.param(
        Caveat(allowed_paths=PHOTOS),
        Op.READ,
        {"bucket": b"music"},
        "bucket is not allowed",
        id="bucket-metadata-read-other-bucket",
    ),
    pytest.param(
        Caveat(allowed_paths=PHOTOS), Op.READ, {}, None, id="bucket-listing-read-without-bucket"
    ),
    pytest.param(
        Caveat(disallow_put_retention=True),
        Op.GET_OBJECT_RETENTION,
        {},
        None,
        id="get-retention-put-only-disallowed",
    ),
    pytest.param(
        Caveat(disallow_get_retention=True),
        Op.GET_OBJECT_RETENTION,
        {},
        None,
        id="get-retention-get-only-disallowed",
    ),
    pytest.param(
        Caveat(disallow_put_retention=True, disallow_get_retention=True),
        Op.GET_OBJECT_RETENTION,
        {},
        "operation",
        id="get-retention-both-disallowed",
    ),
    pytest.param(
        Caveat(disallow_get_retention=True),
        Op.PUT_OBJECT_RETENTION,
        {},
        None,
        id="put-retention-ignores-get-flag",
    ),
    pytest.param(
        Caveat(disallow_locks=True),
        Op.PUT_OBJECT_RETENTION,
        {},
        None,
        id="legacy-disallow-locks-only-affects-lock",
    ),
    pytest.param(
        Caveat(**{f: True for _, f in PERMISSIONS + ALL_LOCK_FLAGS}, allowed_paths=PHOTOS),
        Op.PROJECT_INFO,
        {"bucket": b"music"},
        None,
        id="project-info-always-allowed-skips-paths",
    ),
]


@pytest.mark.parametrize(("caveat", "op", "where", "denied"), CHECK_CASES)
def test_it_checks_actions_like_storj(caveat, op, where, denied):
    m = mac.restrict(mac.from_parts(HEAD, SECRET), cav.encode(caveat))
    action = Action(op=op, time=NOW, **where)
    if denied is None:
        mac.check(m, SECRET, action)
    else:
        with pytest.raises(ActionDenied, match=denied):
            mac.check(m, SECRET, action)


def test_it_requires_every_caveat_to_allow():
    m = mac.from_parts(HEAD, SECRET)
    m = mac.restrict(m, cav.encode(Caveat(disallow_deletes=True)))
    m = mac.restrict(m, cav.encode(Caveat(disallow_writes=True)))
    mac.check(m, SECRET, Action(Op.READ, NOW, b"b", b"k"))
    for op in (Op.WRITE, Op.DELETE):
        with pytest.raises(ActionDenied):
            mac.check(m, SECRET, Action(op, NOW, b"b", b"k"))


def _chain():
    root = mac.from_parts(HEAD, SECRET)
    middle = mac.restrict(root, cav.encode(Caveat(disallow_deletes=True, nonce=b"1234")))
    return mac.restrict(middle, cav.encode(Caveat(nonce=b"5678")))


@pytest.mark.parametrize("index", [0, 1, 2], ids=["root-tail", "middle-tail", "own-tail"])
def test_it_denies_keys_with_any_revoked_tail(index):
    m = _chain()
    revoked = {mac.all_tails(m, SECRET)[index]}
    with pytest.raises(ActionDenied, match="revoked"):
        mac.check(m, SECRET, Action(Op.READ, NOW, b"b", b"k"), revoked_tails=revoked)


def test_it_ignores_revocations_of_other_keys():
    m = _chain()
    other, _ = mac.new_root_key()
    mac.check(m, SECRET, Action(Op.READ, NOW, b"b", b"k"), revoked_tails=[other.tail])


def test_it_denies_a_tampered_tail():
    m = _chain()
    tampered = replace(m, tail=m.tail[:-1] + bytes([m.tail[-1] ^ 1]))
    with pytest.raises(ActionDenied, match="signature"):
        mac.check(tampered, SECRET, Action(Op.READ, NOW))


def test_it_denies_a_swapped_caveat():
    m = _chain()
    tampered = replace(m, caveats=[m.caveats[0], cav.encode(Caveat())])
    with pytest.raises(ActionDenied, match="signature"):
        mac.check(tampered, SECRET, Action(Op.READ, NOW))


def test_it_denies_the_wrong_secret():
    with pytest.raises(ActionDenied, match="signature"):
        mac.check(_chain(), bytes(32), Action(Op.READ, NOW))


def test_it_denies_an_action_without_a_time():
    with pytest.raises(ActionDenied, match="timestamp"):
        mac.check(_chain(), SECRET, Action(Op.READ, None))


def test_it_denies_a_signed_but_malformed_caveat():
    m = mac.restrict(mac.from_parts(HEAD, SECRET), b"\xff")
    with pytest.raises(ActionDenied, match="invalid caveat"):
        mac.check(m, SECRET, Action(Op.READ, NOW))
