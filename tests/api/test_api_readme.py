"""The README's curl example, run as written against the running app."""

import json
import re
import subprocess

import pytest

from accesskeys.models import AccessKey
from accesskeys.services.lookup import find_s3_credentials
from tests.helpers import PROJECT_DIR
from tests.helpers.factories import api_token_for

README = PROJECT_DIR / "README.md"


def readme_curl() -> str:
    section = README.read_text().split("## REST API", 1)[1]
    return re.search(r"```sh\n(curl .*?)\n```", section, re.S).group(1)


@pytest.mark.django_db(transaction=True)
def test_the_readmes_curl_example_creates_s3_credentials(live_server, project, admin):
    command = readme_curl().replace("https://console.example.com", live_server.url)
    env = {
        "PATH": "/usr/bin:/bin",
        "PROJECT_ID": str(project.public_id),
        "CONSOLE_API_TOKEN": api_token_for(admin, project),
        "PROJECT_PASSPHRASE": "it's my passphrase",
    }
    result = subprocess.run(
        ["bash", "-c", command], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert find_s3_credentials(values["access_key"]).secret_key == values["secret_key"]
    key = AccessKey.objects.get(name="backup-reader")
    assert key.permission_labels() == ["Read", "List"]
    assert [b.name for b in key.buckets.all()] == ["backups"]
    assert key.not_after.year == 2027


def readme_rotate_curl() -> str:
    section = README.read_text().split("## REST API", 1)[1]
    return re.findall(r"```sh\n(curl .*?)\n```", section, re.S)[1]


@pytest.mark.django_db(transaction=True)
def test_the_readmes_rotate_example_rotates_with_a_week_of_overlap(live_server, project, admin):
    from accesskeys.services.access_create import CreateAccessRequest, create_access

    phrase = "it's my passphrase"
    old = create_access(project, admin, CreateAccessRequest("backup", "s3", passphrase=phrase))
    command = readme_rotate_curl().replace("https://console.example.com", live_server.url)
    env = {
        "PATH": "/usr/bin:/bin",
        "PROJECT_ID": str(project.public_id),
        "ACCESS_ID": str(old.key.id),
        "CONSOLE_API_TOKEN": api_token_for(admin, project),
        "PROJECT_PASSPHRASE": phrase,
    }
    result = subprocess.run(
        ["bash", "-c", command], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert find_s3_credentials(values["access_key"]).secret_key == values["secret_key"]
    assert values["replaced"]["name"].startswith("backup (replaced ")
    assert find_s3_credentials(old.s3_access_key) is not None  # for a week yet
