"""Names for downloaded files that are safe and portable, and their HTTP header.

Names of keys and projects are typed by users and may hold anything: path
separators ("../../tmp/evil"), control characters, bidirectional overrides
(U+202E makes "evil\u202etxt.exe" read as "evilexe.txt"), quotes, or
characters Windows refuses. Every download's name goes through
`safe_filename`, and every server response names it with `content_disposition`.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# Refused by Windows, or a path separator somewhere; Chromium also rewrites ":"
# to "_" when it saves, so a name with none is saved exactly as given.
UNSAFE_CHARACTERS = frozenset("/\\:*?\"<>|`'")
# Control, format (bidi overrides, zero-width), separator, private-use,
# surrogate and unassigned code points.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
WINDOWS_DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)
# Most file systems allow 255 bytes for a name.
MAX_BYTES = 255
REPLACEMENT = "_"


def safe_text(text: str) -> str:
    """`text` with every unsafe character replaced and spaces of any kind made plain."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if char in "\t\n\r" or category == "Zs":
            out.append(" ")
        elif char in UNSAFE_CHARACTERS or category in UNSAFE_CATEGORIES:
            out.append(REPLACEMENT)
        else:
            out.append(char)
    return re.sub(" +", " ", "".join(out))


def truncate_bytes(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` whose UTF-8 form fits in `max_bytes`."""
    encoded = text.encode("utf-8")[: max(max_bytes, 0)]
    return encoded.decode("utf-8", errors="ignore")


def safe_filename(filename: str, default: str = "download") -> str:
    """A file name that every common system saves as given, with no path in it.

    Keeps letters of any script; replaces separators, control and format
    characters and what Windows refuses with "_"; trims leading dots and
    spaces (hidden files, "..") and trailing ones (Windows drops them);
    avoids Windows device names; and fits in 255 bytes, keeping the extension.
    """
    name = safe_text(filename).strip(" .")
    extension = re.search(r"\.[A-Za-z0-9]{1,10}$", name)
    suffix = extension.group() if extension else ""
    stem = name[: len(name) - len(suffix)]
    if stem.split(".")[0].upper() in WINDOWS_DEVICE_NAMES:
        stem = REPLACEMENT + stem
    stem = truncate_bytes(stem, MAX_BYTES - len(suffix.encode("utf-8"))).rstrip(" .")
    return (stem + suffix) if stem else default + suffix


def content_disposition(filename: str) -> str:
    """`attachment` with the safe name: quoted ASCII for every client, and the
    UTF-8 name as RFC 5987 `filename*` when it has other characters."""
    filename = safe_filename(filename)
    fallback = "".join(c if c.isascii() else REPLACEMENT for c in filename)
    header = f'attachment; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header
