"""The Confirm step says what will be created: dates, encryption, description."""

import html as html_lib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from console import keyring
from console.models import Project
from tests.helpers.dialog import advanced

HX = {"HX-Request": "true"}


@pytest.fixture
def url(project):
    return reverse("accesskeys:new", args=[project.public_id])


def summary(client, url, **choices) -> dict[str, str]:
    """The Confirm step's rows, reached from the Expiration step."""
    html = client.post(url, advanced(step="expiration", **choices), headers=HX).content.decode()
    assert 'data-step="confirm"' in html, html[:3000]
    rows = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html, re.S)
    return {label: html_lib.unescape(value.strip()) for label, value in rows}


def on(moment) -> str:
    return dateformat.format(moment, "M j, Y")


@pytest.mark.parametrize(
    ("choice", "days", "label"),
    [("1d", 1, "1 day"), ("1w", 7, "1 week"), ("1y", 365, "1 year")],
)
def test_it_shows_the_expiration_as_a_date(admin_client, url, choice, days, label):
    rows = summary(admin_client, url, expiration=choice)
    expected = on(timezone.now() + timedelta(days=days))
    if choice == "1y":  # a leap day in the year ahead makes 366
        expected = on(timezone.now().replace(year=timezone.now().year + 1))
    assert rows["Expiration"] == f"{expected} ({label} from now)"


def test_it_shows_a_custom_date_as_it_was_chosen(admin_client, url):
    rows = summary(admin_client, url, expiration="custom", expiration_date="2031-12-31")
    assert rows["Expiration"] == "Dec 31, 2031"


def test_it_says_no_expiration(admin_client, url):
    assert summary(admin_client, url, expiration="none")["Expiration"] == "No expiration"


@pytest.mark.parametrize(
    ("choices", "shown"),
    [
        ({"encryption": "current"}, "The current passphrase"),
        ({"encryption": "advanced", "new_choice": "enter"}, "A new passphrase you entered"),
        (
            {"encryption": "advanced", "new_choice": "generate"},
            "A generated 12-word passphrase",
        ),
    ],
)
def test_it_names_the_passphrase_chosen(admin_client, url, choices, shown):
    rows = summary(admin_client, url, type="access_grant", **choices)
    assert rows["Encryption"] == shown
    assert rows["Path encryption"] == "On: object keys are encrypted (AES-GCM)"


def test_it_says_s3_credentials_mean_server_side_encryption(admin_client, url):
    rows = summary(admin_client, url, type="s3")
    assert rows["Encryption"] == ("The current passphrase; server-side encryption by the gateway")


def test_it_names_the_managed_passphrase_and_the_path_setting(admin_client, url, project):
    project.passphrase_mode = Project.PassphraseMode.MANAGED
    project.path_encryption = False
    keyring.new_managed_passphrase(project)
    project.save()
    rows = summary(admin_client, url, type="access_grant")
    assert rows["Encryption"] == "The project's passphrase, kept by the server (Automatic)"
    assert rows["Path encryption"] == "Off: object keys are stored readable (null path cipher)"


def test_it_says_an_api_key_carries_no_encryption(admin_client, url):
    rows = summary(admin_client, url, type="api_key")
    assert rows["Encryption"] == "None in the key: the tool that uses it asks for a passphrase"
    assert "Path encryption" not in rows


def test_it_shows_the_description_only_when_there_is_one(admin_client, url):
    rows = summary(admin_client, url, description="  Nightly backups  ")
    assert rows["Description"] == "Nightly backups"
    assert "Description" not in summary(admin_client, url, description="")
