"""Every downloaded file gets a safe, portable name and a correct Content-Disposition."""

import pytest
from django.urls import reverse

from console.filenames import content_disposition, safe_filename


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../tmp/evil", "_.._tmp_evil"),
        ("..", "download"),
        ("  .hidden.txt  ", "hidden.txt"),
        ("report.txt.", "report.txt"),
        ("evil\u202etxt.exe", "evil_txt.exe"),
        ("a\x00b\x07c\x1b.txt", "a_b_c_.txt"),
        ("a\u200bb\u2028c.txt", "a_b_c.txt"),
        ("q\"u'o`te:s.txt", "q_u_o_te_s.txt"),
        ("C:\\Windows\\win.ini", "C__Windows_win.ini"),
        ("CON.txt", "_CON.txt"),
        ("nul", "_nul"),
        ("tab\tand  spaces\u00a0here.txt", "tab and spaces here.txt"),
        ("cafe\u0301.txt", "caf\u00e9.txt"),  # one normal form: NFC
        ("日本語.txt", "日本語.txt"),
        ("", "download"),
    ],
)
def test_it_makes_a_safe_portable_file_name(given, expected):
    assert safe_filename(given) == expected


def test_it_fits_a_file_name_in_255_bytes_keeping_the_extension():
    name = safe_filename("é" * 300 + ".csv")
    assert len(name.encode()) <= 255
    assert name.endswith("é.csv")


def test_it_names_an_ascii_file_in_a_quoted_string():
    assert content_disposition('my "report".csv') == 'attachment; filename="my _report_.csv"'


def test_it_adds_the_utf8_name_for_other_characters():
    header = content_disposition("équipe\u202e.csv")
    assert header == ("attachment; filename=\"_quipe_.csv\"; filename*=UTF-8''%C3%A9quipe_.csv")


def test_it_names_a_csv_export_after_a_non_ascii_project(admin_client, project):
    project.name = "Équipe ../日本"
    project.save()
    response = admin_client.get(reverse("audit_keys_csv", args=[project.public_id]))
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="_quipe-__-access-keys-')
    assert "filename*=UTF-8''%C3%A9quipe-%E6%97%A5%E6%9C%AC-access-keys-" in header
