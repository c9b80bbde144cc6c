"""Load the public Storj test vectors copied into tests/storjformat/vectors/."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from tests.helpers import PROJECT_DIR

VECTORS_DIR = PROJECT_DIR / "tests" / "storjformat" / "vectors"


@cache
def access_grants() -> dict[str, Any]:
    """access-grants.json: grant name -> {"access": str, "decoded": {...}}."""
    return json.loads((VECTORS_DIR / "access-grants.json").read_text())


def grant_named(fragment: str) -> dict[str, Any]:
    """The one grant whose name contains ``fragment``."""
    (match,) = [v for k, v in access_grants().items() if fragment in k]
    return match


@cache
def readme() -> str:
    return (VECTORS_DIR / "README.md").read_text()


def readme_json_block() -> str:
    """The ```json block of the README (uplink access inspect output for TestAccessA)."""
    found = re.search(r"```json\n(.*?)\n```", readme(), re.DOTALL)
    assert found, "README has no json block"
    return found.group(1)


def readme_path_encryption_hex() -> str:
    """The expected hex from the README's "Path encryption" section."""
    section = readme().split("## Path encryption", 1)[1]
    found = re.search(r"```\n([0-9a-f]+)\n```", section)
    assert found, "README has no path encryption hex"
    return found.group(1)
