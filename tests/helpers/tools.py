"""Running the real tools (aws-cli, rclone, bash) as a user would, on loopback only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEBIAN_AWS = "/usr/bin/aws"  # Debian 12's aws-cli 2.9, which ignores endpoint_url
PYPI_AWS = str(Path(sys.executable).parent / "aws")  # aws-cli from PyPI (dev extra)


def require(program: str) -> str:
    """The tool's path; in CI a missing tool fails the test instead of skipping it."""
    path = program if os.path.isabs(program) else shutil.which(program)
    if path and os.access(path, os.X_OK):
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{program} is missing: bin/test installs it")
    pytest.skip(f"{program} is not installed (bin/test installs it)")


def fresh_user_env(home: Path, gateway) -> dict[str, str]:
    """A user's shell on a fresh machine: a new HOME, no AWS or rclone settings,
    and every request that is not for loopback sent to the gateway, which refuses it."""
    home.mkdir(exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "RCLONE_", "XDG_"))
        and k.lower() not in {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    }
    env.update(gateway.proxy_environment())
    env["HOME"] = str(home)
    # No instance metadata lookups: the keys come from the files under test.
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return env


def with_aws(env: dict[str, str], aws: str, bin_dir: Path) -> dict[str, str]:
    """The environment with `aws` on the PATH being this aws-cli."""
    require(aws)
    bin_dir.mkdir(exist_ok=True)
    link = bin_dir / "aws"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(aws)
    return {**env, "PATH": f"{bin_dir}:{env['PATH']}"}


def bash(commands, cwd: Path, env: dict[str, str], check: bool = True):
    """Run shell lines as a user types them (stopping at the first that fails)."""
    lines = commands if isinstance(commands, list | tuple) else [commands]
    script = "set -e\n" + "\n".join(lines)
    run = subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    if check and run.returncode != 0:
        raise AssertionError(f"{script}\nexit {run.returncode}\n{run.stdout}\n{run.stderr}")
    return run
