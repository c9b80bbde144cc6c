"""The "Download for" files, used by the real tools exactly as the result step says.

Each test saves a file the console offers, runs the commands shown beside it
(``ToolFile.commands``, as written, in bash, from the folder the file was saved
in, with a fresh HOME), and then uses the tool the same way for uploads and
downloads. The S3 tools talk to the test gateway (tests/helpers/s3_gateway.py), which
resolves every request's key through the live console's auth service and
checks its signature. The gateway is also the tools' proxy and catches
anything sent elsewhere: a tool that would take the keys to Amazon fails the
test, and nothing leaves loopback.

Tools: Debian's aws-cli 2.9 (/usr/bin/aws) and the current aws-cli from PyPI
(the dev extra installs it in the venv), Debian's rclone, boto3, bash; for
access grants Storj's uplink-c (storj-uplink) and rclone's storj backend. In CI
every tool is installed (bin/test installs aws-cli and rclone), so nothing
skips there.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from accesskeys.services import download
from accesskeys.services.access_create import CreateAccessRequest, create_access
from accesskeys.services.access_delete import delete_accesses
from tests.helpers import uplink_c
from tests.helpers.tools import DEBIAN_AWS, PYPI_AWS, bash, fresh_user_env, require, with_aws

NAME = "my key/../x"
SAFE = "my-key-x"
NAMES = ["backup-prod", "my key/../x", "2026 Q1 reports", "Ünïcode ☃ key", "-.-"]


@pytest.fixture
def downloads(tmp_path) -> Path:
    folder = tmp_path / "Downloads"
    folder.mkdir()
    return folder


@pytest.fixture
def tool_env(tmp_path, s3_gateway) -> dict[str, str]:
    return fresh_user_env(tmp_path / "home", s3_gateway)


def issue(project, admin, type_="s3", name=NAME):
    return create_access(
        project, admin, CreateAccessRequest(name=name, type=type_, passphrase="a passphrase")
    )


def s3_file(created, tool) -> download.ToolFile:
    files = download.s3_tool_files(
        created.key.name, created.s3_access_key, created.s3_secret_key, created.s3_endpoint
    )
    (found,) = [f for f in files if f.tool == tool]
    return found


def save(folder: Path, file: download.ToolFile) -> Path:
    path = folder / file.filename
    assert path.parent == folder  # a plain file name, never a path
    path.write_text(file.content)
    return path


def assert_all_verified(gateway, key_id: str, at_least: int = 1):
    assert gateway.caught == [], f"requests meant for elsewhere: {gateway.caught}"
    assert len(gateway.seen) >= at_least
    unverified = [s for s in gateway.seen if (s.key_id, s.verdict) != (key_id, "verified")]
    assert unverified == [], unverified
    assert all(gateway.is_own_host(s.host) for s in gateway.seen)


def hosts_in_debug_log(stderr: str) -> set[str]:
    """The hosts botocore opened connections to, from `aws --debug`."""
    return set(re.findall(r"Starting new HTTPS? connection \(\d+\): (\S+)", stderr))


@pytest.mark.parametrize("name", NAMES)
def test_it_gives_a_name_every_tool_accepts(name):
    safe = download.safe_name(name)
    assert safe[0].isalpha()
    assert all(c.isascii() and (c.isalnum() or c in "-_") for c in safe)
    assert "/" not in safe and ".." not in safe
    assert download.safe_name("my key/../x") == "my-key-x"


# --- AWS CLI ------------------------------------------------------------------


@pytest.mark.parametrize("aws", [DEBIAN_AWS, PYPI_AWS], ids=["debian-aws-cli-2.9", "pypi-aws-cli"])
def test_the_aws_cli_file_takes_aws_cli_to_the_gateway(
    project, admin, s3_gateway, tool_env, downloads, tmp_path, aws
):
    env = with_aws(tool_env, aws, tmp_path / "bin")
    created = issue(project, admin)
    file = s3_file(created, "AWS CLI")
    save(downloads, file)
    add_profile, list_buckets = file.commands
    assert file.filename in add_profile and f"--profile {SAFE}" in list_buckets

    listed = bash(file.commands, downloads, env).stdout
    assert re.search(r"\bphotos$", listed, re.M) and re.search(r"\bbackups$", listed, re.M)

    # Uploads and downloads, written the way the shown command is.
    (downloads / "hello.txt").write_text("hello from aws-cli\n")
    upload = list_buckets.replace("s3 ls", "s3 cp hello.txt s3://photos/notes/hello.txt")
    fetch = list_buckets.replace("s3 ls", "s3 cp s3://photos/notes/hello.txt back.txt")
    bash([upload, fetch], downloads, env)
    assert (downloads / "back.txt").read_text() == "hello from aws-cli\n"
    assert s3_gateway.buckets["photos"]["notes/hello.txt"].body == b"hello from aws-cli\n"

    debug = bash(list_buckets + " --debug", downloads, env).stderr
    assert hosts_in_debug_log(debug) == {s3_gateway.host}
    assert "amazonaws.com" not in "".join(hosts_in_debug_log(debug))
    assert_all_verified(s3_gateway, created.s3_access_key, at_least=4)
    paths = {(s.method, s.path) for s in s3_gateway.seen}
    assert {("GET", "/"), ("PUT", "/photos/notes/hello.txt")} <= paths
    assert ("GET", "/photos/notes/hello.txt") in paths

    # A deleted key is refused by the gateway on the very next request.
    delete_accesses(project, admin, [created.key.id])
    refused = bash(list_buckets, downloads, env, check=False)
    assert refused.returncode != 0 and "InvalidAccessKeyId" in refused.stderr
    assert s3_gateway.seen[-1].verdict == "unknown key"
    assert s3_gateway.caught == []


@pytest.mark.parametrize("aws", [DEBIAN_AWS, PYPI_AWS], ids=["debian-aws-cli-2.9", "pypi-aws-cli"])
def test_the_aws_cli_file_sends_nothing_when_used_as_a_credentials_file(
    project, admin, s3_gateway, tool_env, downloads, tmp_path, aws
):
    # The usual way to use a file of keys: AWS_SHARED_CREDENTIALS_FILE, no endpoint
    # given. Debian's aws-cli would send the keys to s3.amazonaws.com if the file
    # gave them there; the keys are under [profile NAME], which a credentials file
    # does not read, so aws-cli stops before sending anything.
    env = with_aws(tool_env, aws, tmp_path / "bin")
    created = issue(project, admin)
    path = save(downloads, s3_file(created, "AWS CLI"))
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(path)

    run = bash(f"aws s3 ls --profile {SAFE} --debug", downloads, env, check=False)

    assert s3_gateway.caught == [], "aws-cli sent the keys elsewhere"
    assert hosts_in_debug_log(run.stderr) == set()
    assert run.returncode != 0 and f"profile ({SAFE}) could not be found" in run.stderr
    assert s3_gateway.seen == []


def test_the_aws_cli_file_gives_boto3_the_keys_and_the_endpoint(
    project, admin, s3_gateway, tool_env, downloads
):
    created = issue(project, admin)
    file = s3_file(created, "AWS CLI")
    save(downloads, file)
    bash(file.commands[0], downloads, tool_env)  # the profile added to ~/.aws/config
    script = f"""
import boto3
s3 = boto3.Session(profile_name={SAFE!r}).client("s3")
print(s3.meta.endpoint_url)
print(sorted(b["Name"] for b in s3.list_buckets()["Buckets"]))
s3.put_object(Bucket="logs", Key="boto3.txt", Body=b"from boto3")
print(s3.get_object(Bucket="logs", Key="boto3.txt")["Body"].read().decode())
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=tool_env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.splitlines()

    assert out == [s3_gateway.url, "['backups', 'logs', 'photos']", "from boto3"]
    assert_all_verified(s3_gateway, created.s3_access_key, at_least=3)


# --- .env -----------------------------------------------------------------------


def test_the_env_file_gives_a_shell_aws_cli_and_boto3_the_keys(
    project, admin, s3_gateway, tool_env, downloads, tmp_path
):
    env = with_aws(tool_env, DEBIAN_AWS, tmp_path / "bin")
    created = issue(project, admin)
    file = s3_file(created, ".env")
    save(downloads, file)
    load, list_buckets = file.commands
    assert load == f"source {SAFE}.env"

    # `source` alone (no `set -a`) gives the variables to the programs run after it.
    exported = bash([load, "env -0"], downloads, env).stdout
    seen = dict(item.split("=", 1) for item in exported.split("\0") if item.startswith("AWS_"))
    assert {k: seen.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")} == {
        "AWS_ACCESS_KEY_ID": created.s3_access_key,
        "AWS_SECRET_ACCESS_KEY": created.s3_secret_key,
    }
    assert seen["AWS_ENDPOINT_URL"] == s3_gateway.url

    listed = bash(file.commands, downloads, env).stdout
    assert "photos" in listed

    boto3_script = (
        "import boto3; s3 = boto3.client('s3', region_name='us-east-1'); "
        "print(sorted(b['Name'] for b in s3.list_buckets()['Buckets']))"
    )
    out = bash([load, f'{sys.executable} -c "{boto3_script}"'], downloads, env).stdout
    assert out.strip() == "['backups', 'logs', 'photos']"
    assert_all_verified(s3_gateway, created.s3_access_key, at_least=2)


# --- rclone -----------------------------------------------------------------------


def test_the_rclone_file_takes_rclone_to_the_gateway(
    project, admin, s3_gateway, tool_env, downloads
):
    require("rclone")
    created = issue(project, admin)
    file = s3_file(created, "rclone")
    save(downloads, file)
    add_remote, list_buckets = file.commands
    assert list_buckets == f"rclone lsd {SAFE}:"

    listed = bash(file.commands, downloads, tool_env).stdout
    assert {"backups", "logs", "photos"} <= set(re.findall(r"(\S+)$", listed, re.M))

    (downloads / "up").mkdir()
    (downloads / "up" / "report.txt").write_text("from rclone\n")
    bash(
        [
            f"rclone copy up {SAFE}:photos/reports",
            f"rclone copy {SAFE}:photos/reports down",
        ],
        downloads,
        tool_env,
    )
    assert (downloads / "down" / "report.txt").read_text() == "from rclone\n"
    assert s3_gateway.buckets["photos"]["reports/report.txt"].body == b"from rclone\n"
    assert_all_verified(s3_gateway, created.s3_access_key, at_least=3)

    dump = json.loads(bash("rclone config dump", downloads, tool_env).stdout)
    assert dump[SAFE]["endpoint"] == s3_gateway.url


# --- MinIO Client ---------------------------------------------------------------------


def test_the_mc_file_is_what_mc_alias_import_reads(project, admin, s3_gateway):
    # MinIO's mc is not packaged by Debian; `mc alias import` reads exactly these
    # keys (mc's cmd/alias-import.go: url, accessKey, secretKey, api, path).
    created = issue(project, admin)
    file = s3_file(created, "MinIO Client (mc)")

    assert file.filename == f"{SAFE}-mc.json"
    assert file.commands == (f"mc alias import {SAFE} {SAFE}-mc.json", f"mc ls {SAFE}")
    assert "mc alias import" in file.where and "config.json" in file.where
    assert json.loads(file.content) == {
        "url": s3_gateway.url,
        "accessKey": created.s3_access_key,
        "secretKey": created.s3_secret_key,
        "api": "s3v4",
        "path": "auto",
    }


# --- access grants and API keys -------------------------------------------------------


def grant_files(created) -> dict[str, download.ToolFile]:
    files = download.access_grant_tool_files(created.key.name, created.access_grant)
    return {f.tool: f for f in files}


def test_the_grant_file_is_the_grant_uplink_reads(project, admin, downloads):
    created = issue(project, admin, "access_grant")
    file = grant_files(created)["uplink"]
    path = save(downloads, file)

    assert file.filename == f"{SAFE}-access-grant.txt"
    assert file.commands[0] == f"uplink access import {SAFE} {SAFE}-access-grant.txt"
    # `uplink access import NAME FILE` reads the file's content as the grant.
    assert uplink_c.parse(path.read_text()).serialized == created.access_grant


def test_the_grant_rclone_file_is_a_storj_remote_rclone_reads(project, admin, tool_env, downloads):
    require("rclone")
    created = issue(project, admin, "access_grant")
    file = grant_files(created)["rclone"]
    save(downloads, file)
    add_remote, list_buckets = file.commands
    assert list_buckets == f"rclone lsd {SAFE}:"

    bash(add_remote, downloads, tool_env)  # listing would dial the satellite
    dump = json.loads(bash("rclone config dump", downloads, tool_env).stdout)

    assert dump == {SAFE: {"type": "storj", "access_grant": created.access_grant}}
    assert uplink_c.parse(dump[SAFE]["access_grant"]).serialized == created.access_grant


def test_the_api_key_file_feeds_uplink_access_create(project, admin, tool_env, downloads, settings):
    created = issue(project, admin, "api_key")
    (file,) = download.api_key_tool_files(
        created.key.name, created.satellite_address, created.api_key
    )
    save(downloads, file)
    create, list_buckets = file.commands

    assert file.filename == f"{SAFE}-api-key.txt" and file.content == created.api_key
    assert create.startswith(f"uplink access create --import-as {SAFE} ")
    assert f"--satellite-address {settings.SATELLITE_ADDRESS}" in create
    assert list_buckets == f"uplink ls --access {SAFE}"
    # The passphrase is asked by uplink: not in the file, not on the command line.
    assert "passphrase" not in create.replace("asks for the encryption passphrase", "")
    assert "passphrase" in file.where and "not" in file.where
    # What the shell hands uplink for --api-key is the key, whole.
    api_key_argument = create.split("--api-key ", 1)[1]
    echoed = bash(f"printf %s {api_key_argument}", downloads, tool_env).stdout
    assert echoed == created.api_key
