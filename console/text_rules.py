"""Rules for text users type into names and descriptions, shared by every form and command."""

from __future__ import annotations

import unicodedata

# Bidirectional formatting characters: they make a name read differently from
# what it is ("invoice\u202etxt.exe" shows as "invoiceexe.txt").
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
LINE_BREAKS_AND_TABS = frozenset("\n\r\t")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether `text` holds control characters (C0, DEL, C1) or bidi formatting.

    Multiline text (a description) may hold line breaks and tabs.
    """
    for char in text:
        if multiline and char in LINE_BREAKS_AND_TABS:
            continue
        if unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS:
            return True
    return False


def without_control_characters(text: str) -> str:
    """`text` with its control characters (NUL among them, which PostgreSQL refuses)
    left out: what a search box searches for, since no name holds any."""
    return "".join(char for char in text if unicodedata.category(char) != "Cc")
