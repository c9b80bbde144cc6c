from datetime import UTC, datetime, timedelta, timezone

import pytest

from accesskeys.credential_types import BY_VALUE
from accesskeys.services.download import download_content, download_filename, iso_timestamp

S3_CREDENTIALS, ACCESS_GRANT, API_KEY, PASSPHRASE = (
    "S3-Credentials",
    "Access-Grant",
    "API-Key",
    "passphrase",
)


def items(type_value: str, **values) -> list[tuple[str, str]]:
    """The file's items as the credential types table lays them out."""
    return [(item.label, values[item.attribute]) for item in BY_VALUE[type_value].result]


NOW = datetime(2026, 1, 5, 10, 0, 0, 123456, tzinfo=UTC)


def test_it_formats_the_timestamp_like_javascript_to_iso_string():
    assert iso_timestamp(NOW) == "2026-01-05T10:00:00.123Z"
    assert iso_timestamp(datetime(2026, 1, 5, 10, 0, tzinfo=UTC)) == "2026-01-05T10:00:00.000Z"


def test_it_converts_the_timestamp_to_utc():
    cet = timezone(timedelta(hours=1))
    assert iso_timestamp(datetime(2026, 1, 5, 11, 0, tzinfo=cet)) == "2026-01-05T10:00:00.000Z"


def test_it_rejects_a_naive_timestamp():
    with pytest.raises(ValueError, match="timezone-aware"):
        iso_timestamp(datetime(2026, 1, 5, 10, 0))


@pytest.mark.parametrize(
    ("type_label", "expected"),
    [
        (S3_CREDENTIALS, "Storj-S3-Credentials-backup-2026-01-05T10:00:00.123Z.txt"),
        (ACCESS_GRANT, "Storj-Access-Grant-backup-2026-01-05T10:00:00.123Z.txt"),
        (API_KEY, "Storj-API-Key-backup-2026-01-05T10:00:00.123Z.txt"),
        (PASSPHRASE, "Storj-passphrase-backup-2026-01-05T10:00:00.123Z.txt"),
    ],
)
def test_it_names_each_type_of_file(type_label, expected):
    assert download_filename("Storj", type_label, "backup", NOW) == expected


def test_it_uses_the_name_as_given():
    name = "my app / prod"
    assert (
        download_filename("Acme", API_KEY, name, NOW)
        == "Acme-API-Key-my app / prod-2026-01-05T10:00:00.123Z.txt"
    )


def test_it_rejects_an_unknown_type():
    with pytest.raises(ValueError):
        download_filename("Storj", "Passphrase", "x", NOW)


def test_it_writes_the_s3_credentials_file():
    content = download_content(
        items(
            "s3",
            s3_access_key="jwkey",
            s3_secret_key="jysecret",
            s3_endpoint="https://gateway.storjshare.io",
        )
    )
    assert content == (
        "Access Key:\njwkey\n\nSecret Key:\njysecret\n\nEndpoint:\nhttps://gateway.storjshare.io"
    )


def test_it_writes_the_api_key_file():
    content = download_content(
        items("api_key", satellite_address="12abc@us1.storj.io:7777", api_key="13Yq")
    )
    assert content == "Satellite Address:\n12abc@us1.storj.io:7777\n\nAPI Key:\n13Yq"


def test_it_writes_the_access_grant_file_with_its_label():
    content = download_content(items("access_grant", access_grant="1Dv4grant"))
    assert content == "Access Grant:\n1Dv4grant"


def test_it_joins_mixed_items_without_a_trailing_newline():
    content = download_content([("A", "1"), "bare", ("B", "2")])
    assert content == "A:\n1\n\nbare\n\nB:\n2"
    assert not content.endswith("\n")
    assert download_content([]) == ""
