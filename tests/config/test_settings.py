"""The console's configuration from the environment."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.helpers import PROJECT_DIR

ROOT = PROJECT_DIR
KEY = "k1:" + "A" * 43 + "="


def start(env_overrides: dict, tmp_path) -> subprocess.CompletedProcess:
    """Start Django with this environment, as the server would, and report."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "MASTER_KEYS", "DEBUG"}}
    env.update({"LOCAL_DIR": str(tmp_path / "local"), **env_overrides})
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print('DEBUG', settings.DEBUG)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    result = start({"DEBUG": "false", "MASTER_KEYS": KEY}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_refuses_to_start_in_production_without_a_master_key(tmp_path):
    result = start({"DEBUG": "False", "SECRET_KEY": "s" * 50}, tmp_path)
    assert result.returncode != 0
    assert "MASTER_KEYS is not set" in result.stderr


def test_it_starts_in_production_with_both(tmp_path):
    result = start({"DEBUG": "0", "SECRET_KEY": "s" * 50, "MASTER_KEYS": KEY}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout
    assert not (tmp_path / "local").exists()


@pytest.mark.parametrize(("value", "expected"), [("TRUE", True), ("1", True), ("fAlSe", False)])
def test_it_reads_debug_in_any_case(tmp_path, value, expected):
    result = start({"DEBUG": value, "SECRET_KEY": "s" * 50, "MASTER_KEYS": KEY}, tmp_path)
    assert f"DEBUG {expected}" in result.stdout


def test_it_refuses_a_debug_value_it_does_not_understand(tmp_path):
    result = start({"DEBUG": "maybe"}, tmp_path)
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_it_generates_development_secrets_into_a_private_local_folder(tmp_path):
    result = start({"DEBUG": "true"}, tmp_path)
    assert result.returncode == 0, result.stderr
    master_keys = tmp_path / "local" / "master_keys"
    assert master_keys.read_text().startswith("dev1:")
    assert oct(master_keys.stat().st_mode & 0o777) == "0o600"
    assert (tmp_path / "local" / "secret_key").exists()


def test_it_keeps_the_local_folder_out_of_git():
    assert ".local/" in (ROOT / ".gitignore").read_text().splitlines()


@pytest.mark.skipif(
    not shutil.which("docker")
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="the docker compose client is not installed",
)
def test_it_has_a_valid_docker_compose_file():
    result = subprocess.run(
        ["docker", "compose", "--env-file", ".env.example", "config", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_it_refuses_a_placeholder_secret_key_in_production(tmp_path):
    result = start({"DEBUG": "false", "SECRET_KEY": "change-me", "MASTER_KEYS": KEY}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_it_refuses_a_master_key_that_is_not_32_bytes(tmp_path):
    env = {"DEBUG": "false", "SECRET_KEY": "s" * 50, "MASTER_KEYS": "k1:c2hvcnQ="}
    result = start(env, tmp_path)
    assert result.returncode != 0
    assert "MASTER_KEYS is not valid" in result.stderr
    assert "c2hvcnQ" not in result.stderr  # never echo key material


@pytest.mark.django_db
def test_it_starts_without_warnings_on_either_database():
    # bin/run prints the system checks' warnings to a new user; there should be none.
    from django.core import checks

    found = checks.run_checks(databases=["default"])
    warnings = [m for m in found if m.level >= checks.WARNING and not m.is_silenced()]
    assert warnings == []
