"""The text files the console offers to download, as Storj's console makes them.

Mirrors storj/storj ``web/satellite/src/components/dialogs/commonPassphraseSteps/
SaveButtons.vue``: file name ``{brand}-{type}-{name}-{new Date().toISOString()}.txt``
(made safe, with the timestamp in ISO 8601's basic format) and content where
each item is either ``"{label}:\\n{value}"`` or a bare value, joined by a blank
line with no trailing newline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from console import filenames

S3_CREDENTIALS = "S3-Credentials"
ACCESS_GRANT = "Access-Grant"
API_KEY = "API-Key"
PASSPHRASE = "passphrase"  # lower case in Storj's console too
TYPE_LABELS = (S3_CREDENTIALS, ACCESS_GRANT, API_KEY, PASSPHRASE)

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


def s3_items(access_key: str, secret_key: str, endpoint: str) -> list[Item]:
    """What the S3 credentials file holds."""
    return [("Access Key", access_key), ("Secret Key", secret_key), ("Endpoint", endpoint)]


def access_grant_items(grant: str) -> list[Item]:
    """What the access grant file holds: the labelled grant.

    Our product spec (storj-formats.md) labels every item, the grant too;
    Storj's own AccessCreatedStep.vue writes the bare grant.
    """
    return [("Access Grant", grant)]


def api_key_items(satellite_address: str, api_key: str) -> list[Item]:
    """What the API key file holds."""
    return [("Satellite Address", satellite_address), ("API Key", api_key)]


def passphrase_items(passphrase: str) -> list[Item]:
    """What the passphrase file holds: the passphrase alone, with no label.

    Storj's PassphraseGeneratedStep.vue passes ``[ passphrase ]``.
    """
    return [passphrase]
