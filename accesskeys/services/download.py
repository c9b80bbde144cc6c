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
    """One "Download for" file: the tool's name as users know it, file name, content."""

    tool: str
    filename: str
    content: str


def aws_cli_file(profile: str, access_key: str, secret_key: str, endpoint: str) -> str:
    """One file both ``~/.aws/credentials`` and ``~/.aws/config`` read.

    The credentials file takes the keys from ``[NAME]``; the config file takes
    ``endpoint_url`` from ``[profile NAME]`` and ignores the other section. So
    pointing AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE at it works, and
    so does pasting each section into its usual file.
    """
    return (
        f"[{profile}]\n"
        f"aws_access_key_id = {access_key}\n"
        f"aws_secret_access_key = {secret_key}\n"
        "\n"
        f"[profile {profile}]\n"
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


def mc_file(access_key: str, secret_key: str, endpoint: str) -> str:
    """The JSON ``mc alias import ALIAS FILE`` reads (MinIO Console's credentials.json)."""
    fields = {
        "url": endpoint,
        "accessKey": access_key,
        "secretKey": secret_key,
        "api": "s3v4",
        "path": "auto",
    }
    return json.dumps(fields, indent=2) + "\n"


def env_file(access_key: str, secret_key: str, endpoint: str) -> str:
    """``KEY=value`` lines that shells, Docker and dotenv libraries read; AWS SDKs use them."""
    return (
        f"AWS_ACCESS_KEY_ID={access_key}\n"
        f"AWS_SECRET_ACCESS_KEY={secret_key}\n"
        f"AWS_ENDPOINT_URL={endpoint}\n"
    )


def s3_tool_files(name: str, access_key: str, secret_key: str, endpoint: str) -> list[ToolFile]:
    """The "Download for" files of a set of S3 credentials, named after the access."""
    safe = safe_name(name)
    return [
        ToolFile(
            "AWS CLI", f"{safe}-aws-cli.ini", aws_cli_file(safe, access_key, secret_key, endpoint)
        ),
        ToolFile(
            "rclone", f"{safe}-rclone.conf", rclone_file(safe, access_key, secret_key, endpoint)
        ),
        ToolFile("MinIO Client (mc)", f"{safe}-mc.json", mc_file(access_key, secret_key, endpoint)),
        ToolFile(".env", f"{safe}.env", env_file(access_key, secret_key, endpoint)),
    ]


def access_grant_tool_files(name: str, grant: str) -> list[ToolFile]:
    """The "Download for" file of an access grant: the bare grant for uplink."""
    return [ToolFile("uplink", f"{safe_name(name)}-access-grant.txt", grant)]
