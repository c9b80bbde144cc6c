import inspect
from datetime import UTC, datetime, timedelta, timezone

import pytest

from accesskeys.credential_types import BY_VALUE, CREDENTIAL_TYPES
from accesskeys.services import download
from accesskeys.services.download import (
    download_content,
    download_filename,
    file_items,
    filename_timestamp,
    tool_files,
)

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


def test_it_formats_the_timestamp_in_iso_8601_basic_format():
    # Storj writes toISOString(), whose ":" Chromium rewrites to "_" and Windows
    # refuses; the basic format is the same instant with no ":".
    assert filename_timestamp(NOW) == "20260105T100000.123Z"
    assert filename_timestamp(datetime(2026, 1, 5, 10, 0, tzinfo=UTC)) == "20260105T100000.000Z"


def test_it_converts_the_timestamp_to_utc():
    cet = timezone(timedelta(hours=1))
    assert filename_timestamp(datetime(2026, 1, 5, 11, 0, tzinfo=cet)) == "20260105T100000.000Z"


def test_it_rejects_a_naive_timestamp():
    with pytest.raises(ValueError, match="timezone-aware"):
        filename_timestamp(datetime(2026, 1, 5, 10, 0))


@pytest.mark.parametrize(
    ("type_label", "expected"),
    [
        (S3_CREDENTIALS, "Storj-S3-Credentials-backup-20260105T100000.123Z.txt"),
        (ACCESS_GRANT, "Storj-Access-Grant-backup-20260105T100000.123Z.txt"),
        (API_KEY, "Storj-API-Key-backup-20260105T100000.123Z.txt"),
        (PASSPHRASE, "Storj-passphrase-backup-20260105T100000.123Z.txt"),
    ],
)
def test_it_names_each_type_of_file(type_label, expected):
    assert download_filename("Storj", type_label, "backup", NOW) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("my app / prod", "my app _ prod"),
        ("../../tmp/evil", ".._.._tmp_evil"),
        ("invoice\u202etxt.exe", "invoice_txt.exe"),
        ("tab\there\x00nul\x1besc", "tab here_nul_esc"),
        ('say "hi" it\'s a:b*c?<d>|e\\f`g', "say _hi_ it_s a_b_c__d__e_f_g"),
        ("équipe 日本", "équipe 日本"),
    ],
)
def test_it_makes_the_name_safe_in_a_file_name(name, expected):
    assert download_filename("Acme", API_KEY, name, NOW) == (
        f"Acme-API-Key-{expected}-20260105T100000.123Z.txt"
    )


def test_it_shortens_a_long_name_to_fit_a_file_name_keeping_the_timestamp():
    filename = download_filename("Acme", API_KEY, "日" * 100, NOW)
    assert len(filename.encode()) <= 255
    assert filename.startswith("Acme-API-Key-日日")
    assert filename.endswith("-20260105T100000.123Z.txt")


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


def test_it_writes_the_access_grant_file_as_the_bare_grant():
    # Storj's AccessCreatedStep.vue: `uplink access import NAME FILE` reads it as it is.
    grant_items = items("access_grant", access_grant="1Dv4grant")
    assert download_content(file_items("access_grant", grant_items)) == "1Dv4grant"
    s3 = items("s3", s3_access_key="a", s3_secret_key="s", s3_endpoint="https://e")
    assert (
        download_content(file_items("s3", s3))
        == "Access Key:\na\n\nSecret Key:\ns\n\nEndpoint:\nhttps://e"
    )


def test_it_joins_mixed_items_without_a_trailing_newline():
    content = download_content([("A", "1"), "bare", ("B", "2")])
    assert content == "A:\n1\n\nbare\n\nB:\n2"
    assert not content.endswith("\n")
    assert download_content([]) == ""


@pytest.mark.parametrize("credential_type", CREDENTIAL_TYPES, ids=lambda t: t.value)
def test_each_type_names_a_tool_files_function_that_takes_its_result(credential_type):
    function = getattr(download, credential_type.tool_files)
    parameters = list(inspect.signature(function).parameters)
    assert len(parameters) == 1 + len(credential_type.result)  # the name, then each value


def test_it_gives_each_type_its_own_tools_files():
    s3 = tool_files("s3", "ci", ["AKID", "SECRET", "https://gateway.example"])
    assert {f.tool for f in s3} >= {"AWS CLI", "rclone"}
    assert "SECRET" in next(f for f in s3 if f.tool == "AWS CLI").content
    (grant, *_) = tool_files("access_grant", "ci", ["1Dv4grant"])
    assert (grant.tool, grant.content) == ("uplink", "1Dv4grant")
    (api_key,) = tool_files("api_key", "ci", ["12abc@us1.storj.io:7777", "13Yq"])
    assert api_key.content == "13Yq"
    assert "--satellite-address 12abc@us1.storj.io:7777" in api_key.commands[0]
