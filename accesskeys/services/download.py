"""The text files the console offers to download, as Storj's console makes them.

Mirrors storj/storj ``web/satellite/src/components/dialogs/commonPassphraseSteps/
SaveButtons.vue``: file name ``{brand}-{type}-{name}-{new Date().toISOString()}.txt``
(made safe, with the timestamp in ISO 8601's basic format) and content where
each item is either ``"{label}:\\n{value}"`` or a bare value, joined by a blank
line with no trailing newline. What each credential type's file holds is in
the credential types table (`accesskeys.credential_types`).
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from accesskeys.credential_types import (
    BY_VALUE,
    CREDENTIAL_TYPES,
    PASSPHRASE_DOWNLOAD_LABEL,
    SEVERAL_KEYS_DOWNLOAD_LABEL,
)
from console import filenames

TYPE_LABELS = (
    *(t.download_label for t in CREDENTIAL_TYPES),
    PASSPHRASE_DOWNLOAD_LABEL,
    SEVERAL_KEYS_DOWNLOAD_LABEL,
)

# A labelled item, or a bare value as Storj writes for a grant or passphrase.
Item = tuple[str, str] | str


def filename_timestamp(now: datetime) -> str:
    """``now`` in UTC with milliseconds, in ISO 8601's basic format: ``20260105T100000.123Z``.

    Storj writes ``Date.toISOString()``, whose ":" Windows refuses and Chromium
    rewrites to "_"; the basic format is the same instant without them.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        # A naive time would silently be local time in some places and UTC in others.
        raise ValueError("The download timestamp must be timezone-aware.")
    utc = now.astimezone(UTC)
    # JS dates hold whole milliseconds, so truncate rather than round.
    return utc.strftime("%Y%m%dT%H%M%S.") + f"{utc.microsecond // 1000:03d}Z"


def download_filename(brand: str, type_label: str, name: str, now: datetime) -> str:
    """``{Brand}-{Type}-{Name}-{timestamp}.txt``, a safe and portable file name.

    The key's name is whatever a user typed: it is made safe (no path, control
    or bidi characters, nothing Windows refuses) and shortened so the whole
    name fits in 255 bytes with its timestamp.
    """
    if type_label not in TYPE_LABELS:
        raise ValueError(f"Unknown download type {type_label!r}.")
    head, tail = f"{brand}-{type_label}-", f"-{filename_timestamp(now)}.txt"
    room = filenames.MAX_BYTES - len((head + tail).encode("utf-8"))
    return filenames.safe_filename(head + filenames.truncate_bytes(name, room) + tail)


def download_content(items: Sequence[Item]) -> str:
    """Items as ``Label:\\nvalue`` (or a bare value), blank-line separated."""
    parts = [item if isinstance(item, str) else f"{item[0]}:\n{item[1]}" for item in items]
    return "\n\n".join(parts)


def file_items(type_value: str, values: Sequence[tuple[str, str]]) -> list[Item]:
    """What a type's "Download all" file holds: its (label, value) pairs, or the bare
    values for a type Storj writes bare (the access grant, for ``uplink access import``)."""
    if BY_VALUE[type_value].bare_download:
        return [value for _, value in values]
    return list(values)


# --- files for the tools people use ("Download for") --------------------------

_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9_-]+")
_SAFE_NAME_MAX = 63


def safe_name(name: str, fallback: str = "access") -> str:
    """A name every tool accepts as a profile, remote, alias and file name.

    Letters, digits, '_' and '-' only (runs of anything else become one '-'),
    starting with a letter (MinIO's alias rule, the strictest), at most 63
    characters: "my key/../x" becomes "my-key-x". Never empty, never a path.
    """
    cleaned = _UNSAFE_RUN.sub("-", name).strip("-_")[:_SAFE_NAME_MAX].rstrip("-_")
    if not cleaned:
        return fallback
    if not cleaned[0].isalpha():
        cleaned = f"{fallback}-{cleaned}"[:_SAFE_NAME_MAX].rstrip("-_")
    return cleaned


@dataclass(frozen=True)
class ToolFile:
    """One "Download for" file and how to use it, as the result step shows it.

    ``commands`` are the exact shell lines to run from the folder the file was
    saved in, with the real file name and the profile, remote or alias name;
    tests/test_tool_files.py runs them, as written, with the real tools.
    """

    tool: str
    filename: str
    content: str
    # Where the file goes, in one sentence ending with ":" before the commands.
    where: str
    commands: tuple[str, ...]
    docs_url: str
    docs_label: str
    # What the user must know to stay safe, or "".
    note: str = ""


# aws-cli reads endpoint_url from a config file and AWS_ENDPOINT_URL only from
# version 2.13 (v2) / 1.29 (v1) on; older ones, Debian 12's 2.9 among them, send
# the keys to Amazon unless the command says --endpoint-url.
AWS_ENDPOINT_NOTE = (
    "Keep --endpoint-url in every aws command: aws-cli before 2.13 (Debian 12 ships 2.9) "
    "ignores the endpoint in the file and would send your keys to Amazon."
)


def aws_cli_file(profile: str, access_key: str, secret_key: str, endpoint: str) -> str:
    """A ``[profile NAME]`` section of the AWS CLI config file, keys and endpoint together.

    The keys live only under ``[profile NAME]``, which the config file reads
    and the credentials file does not (there it would be a profile called
    "profile NAME"): a file put in the wrong place fails with "profile not
    found" rather than sending the keys to Amazon's default endpoint.
    """
    return (
        f"[profile {profile}]\n"
        f"aws_access_key_id = {access_key}\n"
        f"aws_secret_access_key = {secret_key}\n"
        f"endpoint_url = {endpoint}\n"
    )


def rclone_file(remote: str, access_key: str, secret_key: str, endpoint: str) -> str:
    """An ``rclone.conf`` section: an S3 remote of provider Storj."""
    return (
        f"[{remote}]\n"
        "type = s3\n"
        "provider = Storj\n"
        f"access_key_id = {access_key}\n"
        f"secret_access_key = {secret_key}\n"
        f"endpoint = {endpoint}\n"
    )


def rclone_storj_file(remote: str, grant: str) -> str:
    """An ``rclone.conf`` section for rclone's native Storj backend, which reads a grant."""
    return f"[{remote}]\ntype = storj\naccess_grant = {grant}\n"


def mc_file(access_key: str, secret_key: str, endpoint: str) -> str:
    """The JSON ``mc alias import ALIAS FILE`` reads (not mc's own config.json)."""
    fields = {
        "url": endpoint,
        "accessKey": access_key,
        "secretKey": secret_key,
        "api": "s3v4",
        "path": "auto",
    }
    return json.dumps(fields, indent=2) + "\n"


def env_file(access_key: str, secret_key: str, endpoint: str) -> str:
    """``export KEY=value`` lines: ``source FILE`` gives them to every program run after."""
    return (
        f"export AWS_ACCESS_KEY_ID={access_key}\n"
        f"export AWS_SECRET_ACCESS_KEY={secret_key}\n"
        f"export AWS_ENDPOINT_URL={shlex.quote(endpoint)}\n"
    )


def _rclone_commands(remote: str, filename: str) -> tuple[str, ...]:
    return (
        f"mkdir -p ~/.config/rclone && cat {filename} >> ~/.config/rclone/rclone.conf",
        f"rclone lsd {remote}:",
    )


RCLONE_WHERE = "Add the remote {name} to rclone's config file, then list its buckets:"


def s3_tool_files(name: str, access_key: str, secret_key: str, endpoint: str) -> list[ToolFile]:
    """The "Download for" files of a set of S3 credentials, named after the access."""
    safe = safe_name(name)
    url = shlex.quote(endpoint)
    aws = f"{safe}-aws-cli.ini"
    rclone = f"{safe}-rclone.conf"
    mc = f"{safe}-mc.json"
    env = f"{safe}.env"
    return [
        ToolFile(
            tool="AWS CLI",
            filename=aws,
            content=aws_cli_file(safe, access_key, secret_key, endpoint),
            where=f"Add the profile {safe} to your AWS CLI config file (~/.aws/config, "
            "not the credentials file), then list your buckets:",
            commands=(
                f"mkdir -p ~/.aws && cat {aws} >> ~/.aws/config",
                f"aws s3 ls --profile {safe} --endpoint-url {url}",
            ),
            docs_url="https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html",
            docs_label="AWS CLI: configuration files",
            note=AWS_ENDPOINT_NOTE,
        ),
        ToolFile(
            tool="rclone",
            filename=rclone,
            content=rclone_file(safe, access_key, secret_key, endpoint),
            where=RCLONE_WHERE.format(name=safe),
            commands=_rclone_commands(safe, rclone),
            docs_url="https://rclone.org/s3/#storj",
            docs_label="rclone: Amazon S3 (Storj)",
        ),
        ToolFile(
            tool="MinIO Client (mc)",
            filename=mc,
            content=mc_file(access_key, secret_key, endpoint),
            where=f"Import the file as the alias {safe} (it is the format of mc alias import, "
            "not mc's config.json), then list your buckets:",
            commands=(f"mc alias import {safe} {mc}", f"mc ls {safe}"),
            docs_url="https://min.io/docs/minio/linux/reference/minio-mc/mc-alias-import.html",
            docs_label="MinIO Client: mc alias import",
        ),
        ToolFile(
            tool=".env",
            filename=env,
            content=env_file(access_key, secret_key, endpoint),
            where="Load the variables into your shell; AWS SDKs such as boto3 then use "
            "the keys and the endpoint. With aws-cli:",
            commands=(f"source {env}", 'aws s3 ls --endpoint-url "$AWS_ENDPOINT_URL"'),
            docs_url="https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html",
            docs_label="AWS SDKs: service endpoints",
            note=AWS_ENDPOINT_NOTE,
        ),
    ]


UPLINK_IMPORT_DOCS = "https://docs.storj.io/dcs/api/uplink-cli/access-command/access-import"
UPLINK_DOCS = "https://docs.storj.io/dcs/api/uplink-cli"


def access_grant_tool_files(name: str, grant: str) -> list[ToolFile]:
    """The "Download for" files of an access grant: the bare grant for uplink, and an
    rclone remote of its native Storj backend."""
    safe = safe_name(name)
    grant_file = f"{safe}-access-grant.txt"
    rclone = f"{safe}-rclone.conf"
    return [
        ToolFile(
            tool="uplink",
            filename=grant_file,
            content=grant,
            where=f"Import the grant into uplink as the access {safe}, then list its buckets:",
            commands=(f"uplink access import {safe} {grant_file}", f"uplink ls --access {safe}"),
            docs_url=UPLINK_IMPORT_DOCS,
            docs_label="Storj: uplink access import",
        ),
        ToolFile(
            tool="rclone",
            filename=rclone,
            content=rclone_storj_file(safe, grant),
            where=RCLONE_WHERE.format(name=safe),
            commands=_rclone_commands(safe, rclone),
            docs_url="https://rclone.org/storj/",
            docs_label="rclone: Storj",
        ),
    ]


def api_key_tool_files(name: str, satellite_address: str, api_key: str) -> list[ToolFile]:
    """The "Download for" file of an API key: the bare key, which ``uplink access create``
    turns into an access with a passphrase it asks for (never written to a file)."""
    safe = safe_name(name)
    key_file = f"{safe}-api-key.txt"
    return [
        ToolFile(
            tool="uplink",
            filename=key_file,
            content=api_key,
            where=f"Create an access {safe} from the API key; uplink asks for the encryption "
            "passphrase (type it, do not keep it in a file), then list its buckets:",
            commands=(
                f"uplink access create --import-as {safe} "
                f"--satellite-address {shlex.quote(satellite_address)} "
                f'--api-key "$(cat {key_file})"',
                f"uplink ls --access {safe}",
            ),
            docs_url=UPLINK_DOCS,
            docs_label="Storj: the uplink CLI",
        )
    ]


def tool_files(type_value: str, name: str, values: Sequence[str]) -> list[ToolFile]:
    """A type's "Download for" files, from the access's name and its result's values
    in order, by the function the credential types table names for the type."""
    return globals()[BY_VALUE[type_value].tool_files](name, *values)
