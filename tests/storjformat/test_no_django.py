"""storjformat is plain Python: it imports without Django's settings and loads no Django."""

import os
import subprocess
import sys

from tests.helpers import PROJECT_DIR

MODULES = [
    "base58check",
    "caveat",
    "errors",
    "grant",
    "macaroon",
    "passphrase",
    "path_encryption",
    "protobuf",
    "s3credentials",
    "uplink_inspect",
]

SCRIPT = f"""
import importlib, sys
for name in {MODULES!r}:
    importlib.import_module("storjformat." + name)
ours = {{"django", "accesskeys", "console", "api", "config"}}
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ours)
print(",".join(loaded))
"""


def test_it_imports_in_a_fresh_interpreter_without_django_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"storjformat loaded {result.stdout.strip()}"


def test_it_lists_every_module_of_the_package():
    present = {p.stem for p in (PROJECT_DIR / "storjformat").glob("*.py")} - {"__init__"}
    assert present == set(MODULES)
