"""The "Download for" files, read by the real tools: aws-cli, rclone, boto3, a
shell for .env, and Storj's uplink library for the bare grant.

Each tool must give back exactly the values the console issued. In CI every
tool is installed (bin/test installs aws-cli and rclone), so nothing skips there.
"""

import json
import os
import shutil
import subprocess

import boto3
import pytest
from django.conf import settings

from accesskeys.services import download
from accesskeys.services.access import CreateAccessRequest, create_access
from tests.helpers import uplink_c

AWS = "/usr/bin/aws"  # Debian's aws-cli v2; an unrelated `aws` may come first on the PATH
NAMES = ["backup-prod", "my key/../x", "2026 Q1 reports", "Ünïcode ☃ key", "-.-"]


def require(program: str) -> str:
    path = program if os.path.isabs(program) else shutil.which(program)
    if path and os.access(path, os.X_OK):
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{program} is missing: bin/test installs it from Debian's packages")
    pytest.skip(f"{program} is not installed (bin/test installs it)")


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    """No AWS settings from the machine: only the files under test count."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    env = {k: v for k, v in os.environ.items()}
    return env


def issue_s3(project, admin, name):
    return create_access(
        project, admin, CreateAccessRequest(name=name, type="s3", passphrase="a passphrase")
    )


def tool_file(created, tool) -> download.ToolFile:
    files = download.s3_tool_files(
        created.access_key.name, created.s3_access_key, created.s3_secret_key, created.s3_endpoint
    )
    (found,) = [f for f in files if f.tool == tool]
    return found


def write(tmp_path, file: download.ToolFile):
    path = tmp_path / file.filename
    assert path.parent == tmp_path  # the name is a plain file name, never a path
    path.write_text(file.content)
    return path


@pytest.mark.parametrize("name", NAMES)
def test_it_gives_a_name_every_tool_accepts(name):
    safe = download.safe_name(name)
    assert safe[0].isalpha()
    assert all(c.isascii() and (c.isalnum() or c in "-_") for c in safe)
    assert "/" not in safe and ".." not in safe
    assert download.safe_name("my key/../x") == "my-key-x"


def aws_cli(path, clean_env, *args) -> str:
    env = {**clean_env, "AWS_SHARED_CREDENTIALS_FILE": str(path), "AWS_CONFIG_FILE": str(path)}
    run = subprocess.run([require(AWS), *args], env=env, capture_output=True, text=True, check=True)
    return run.stdout.strip()


@pytest.mark.parametrize("name", NAMES)
def test_it_names_the_aws_cli_profile_after_the_access(project, admin, tmp_path, clean_env, name):
    require(AWS)
    created = issue_s3(project, admin, name)
    path = write(tmp_path, tool_file(created, "AWS CLI"))
    profile = download.safe_name(name)

    # aws-cli is slow to start: one call per name here, every setting below.
    got = aws_cli(path, clean_env, "configure", "get", "aws_access_key_id", "--profile", profile)
    assert got == created.s3_access_key


def test_it_writes_an_aws_cli_profile_aws_cli_reads(project, admin, tmp_path, clean_env):
    require(AWS)
    created = issue_s3(project, admin, "my key/../x")
    path = write(tmp_path, tool_file(created, "AWS CLI"))
    profile = "my-key-x"

    def get(setting):
        return aws_cli(path, clean_env, "configure", "get", setting, "--profile", profile)

    assert get("aws_access_key_id") == created.s3_access_key
    assert get("aws_secret_access_key") == created.s3_secret_key
    assert get("endpoint_url") == settings.S3_ENDPOINT

    listed = aws_cli(path, clean_env, "configure", "list", "--profile", profile)
    # `list` masks keys but says where they came from: the shared credentials file.
    assert created.s3_access_key[-4:] in listed
    assert "shared-credentials-file" in listed


@pytest.mark.parametrize("name", NAMES[:2])
def test_it_writes_an_aws_profile_boto3_reads(project, admin, tmp_path, clean_env, name):
    created = issue_s3(project, admin, name)
    path = write(tmp_path, tool_file(created, "AWS CLI"))
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(path)
    os.environ["AWS_CONFIG_FILE"] = str(path)

    session = boto3.Session(profile_name=download.safe_name(name))
    credentials = session.get_credentials().get_frozen_credentials()
    assert credentials.access_key == created.s3_access_key
    assert credentials.secret_key == created.s3_secret_key
    client = session.client("s3", region_name="us-east-1")
    assert client.meta.endpoint_url == settings.S3_ENDPOINT


@pytest.mark.parametrize("name", NAMES)
def test_it_writes_an_rclone_remote_rclone_reads(project, admin, tmp_path, clean_env, name):
    rclone = require("rclone")
    created = issue_s3(project, admin, name)
    path = write(tmp_path, tool_file(created, "rclone"))
    remote = download.safe_name(name)

    dump = subprocess.run(
        [rclone, "config", "dump", "--config", str(path)],
        env=clean_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(dump) == {
        remote: {
            "type": "s3",
            "provider": "Storj",
            "access_key_id": created.s3_access_key,
            "secret_access_key": created.s3_secret_key,
            "endpoint": settings.S3_ENDPOINT,
        }
    }
    shown = subprocess.run(
        [rclone, "config", "show", remote, "--config", str(path)],
        env=clean_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"[{remote}]" in shown and created.s3_secret_key in shown


def test_it_writes_a_dotenv_file_a_shell_and_boto3_read(project, admin, tmp_path, clean_env):
    created = issue_s3(project, admin, "my key/../x")
    path = write(tmp_path, tool_file(created, ".env"))

    # `set -a; . FILE` is how shells (and so many scripts) load a .env file.
    script = f'set -a; . "{path}"; env -0'
    out = subprocess.run(
        ["bash", "-c", script], env=clean_env, capture_output=True, text=True, check=True
    ).stdout
    loaded = dict(item.split("=", 1) for item in out.split("\0") if item.startswith("AWS_"))
    assert loaded == {
        "AWS_ACCESS_KEY_ID": created.s3_access_key,
        "AWS_SECRET_ACCESS_KEY": created.s3_secret_key,
        "AWS_ENDPOINT_URL": settings.S3_ENDPOINT,
    }

    os.environ.update(loaded)
    session = boto3.Session()
    assert session.get_credentials().access_key == created.s3_access_key
    assert session.client("s3", region_name="us-east-1").meta.endpoint_url == settings.S3_ENDPOINT


def test_it_writes_the_json_mc_alias_import_reads(project, admin):
    # MinIO's mc is not packaged by Debian; its import reads exactly these keys
    # (mc's cmd/alias-import.go: url, accessKey, secretKey, api, path).
    created = issue_s3(project, admin, "my key/../x")
    file = tool_file(created, "MinIO Client (mc)")

    assert file.filename == "my-key-x-mc.json"
    assert json.loads(file.content) == {
        "url": settings.S3_ENDPOINT,
        "accessKey": created.s3_access_key,
        "secretKey": created.s3_secret_key,
        "api": "s3v4",
        "path": "auto",
    }


def test_it_writes_the_bare_grant_uplink_reads(project, admin, tmp_path):
    created = create_access(
        project, admin, CreateAccessRequest(name="my key/../x", type="access_grant", passphrase="p")
    )
    (file,) = download.access_grant_tool_files("my key/../x", created.access_grant)
    path = write(tmp_path, file)

    assert file.filename == "my-key-x-access-grant.txt"
    # `uplink access import NAME FILE` reads the file's content as the grant.
    assert uplink_c.parse(path.read_text()).serialized == created.access_grant
