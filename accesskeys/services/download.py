"""The text files the console offers to download, as Storj's console makes them.

Mirrors storj/storj ``web/satellite/src/components/dialogs/commonPassphraseSteps/
SaveButtons.vue``: file name ``{brand}-{type}-{name}-{new Date().toISOString()}.txt``
and content where each item is either ``"{label}:\\n{value}"`` or a bare value,
joined by a blank line with no trailing newline. What each credential type's
file holds is in the credential types table (`accesskeys.credential_types`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from accesskeys.credential_types import CREDENTIAL_TYPES, PASSPHRASE_DOWNLOAD_LABEL

TYPE_LABELS = (*(t.download_label for t in CREDENTIAL_TYPES), PASSPHRASE_DOWNLOAD_LABEL)

# A labelled item, or a bare value as Storj writes for a grant or passphrase.
Item = tuple[str, str] | str


def iso_timestamp(now: datetime) -> str:
    """``now`` as JavaScript's ``Date.toISOString()``: UTC, milliseconds, ``Z``."""
    if now.tzinfo is None or now.utcoffset() is None:
        # A naive time would silently be local time in some places and UTC in others.
        raise ValueError("The download timestamp must be timezone-aware.")
    utc = now.astimezone(UTC)
    # JS dates hold whole milliseconds, so truncate rather than round.
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def download_filename(brand: str, type_label: str, name: str, now: datetime) -> str:
    """``{Brand}-{Type}-{Name}-{timestamp}.txt``; the name is used as given.

    Storj does not sanitize the name; the browser (or the HTTP response's
    Content-Disposition encoding) deals with characters a file system refuses.
    """
    if type_label not in TYPE_LABELS:
        raise ValueError(f"Unknown download type {type_label!r}.")
    return f"{brand}-{type_label}-{name}-{iso_timestamp(now)}.txt"


def download_content(items: Sequence[Item]) -> str:
    """Items as ``Label:\\nvalue`` (or a bare value), blank-line separated."""
    parts = [item if isinstance(item, str) else f"{item[0]}:\n{item[1]}" for item in items]
    return "\n\n".join(parts)
