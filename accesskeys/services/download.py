"""The text files the console offers to download, as Storj's console makes them.

Mirrors storj/storj ``web/satellite/src/components/dialogs/commonPassphraseSteps/
SaveButtons.vue``: file name ``{brand}-{type}-{name}-{new Date().toISOString()}.txt``
(made safe, with the timestamp in ISO 8601's basic format) and content where
each item is either ``"{label}:\\n{value}"`` or a bare value, joined by a blank
line with no trailing newline. What each credential type's file holds is in
the credential types table (`accesskeys.credential_types`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from accesskeys.credential_types import CREDENTIAL_TYPES, PASSPHRASE_DOWNLOAD_LABEL
from console import filenames

TYPE_LABELS = (*(t.download_label for t in CREDENTIAL_TYPES), PASSPHRASE_DOWNLOAD_LABEL)

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
