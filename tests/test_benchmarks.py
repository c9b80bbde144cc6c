"""The benchmarks still run: each at a tiny size, as a smoke test (figures unchecked).

Their figures belong in the closing notes, not in tests; this only keeps the
scripts working as the code under them changes. The load benchmark needs
PostgreSQL (two app servers share it).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.helpers import PROJECT_DIR


def run(*args: str, timeout: float = 900) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()


def database_url(suffix: str) -> str:
    """A database of this run's own: the benchmarks recreate and drop it, so its name
    must not be one a developer keeps figures in (say ci_bench beside ci)."""
    params = connection.settings_dict
    return (
        f"postgresql://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:{params['PORT']}/"
        f"{params['NAME']}_{suffix}_smoke_{os.getpid()}"
    )


def test_the_page_benchmark_runs_at_a_tiny_size(tmp_path):
    args = ["benchmarks.access_keys_page", "--sizes", "20,40", "--runs", "1"]
    if connection.vendor == "postgresql":
        from benchmarks.appservers import drop_database, recreate_database

        url = database_url("bench")
        recreate_database(url)
        args += ["--database", url, "--explain"]
    else:
        args += ["--database", f"sqlite:///{tmp_path / 'bench.sqlite3'}"]
    try:
        lines = run(*args)
    finally:
        if connection.vendor == "postgresql":
            drop_database(url)
    output = "\n".join(lines)
    assert re.fullmatch(r"worst growth: \d+\.\d\dx \(.+\)", lines[-1])
    for view in ["keys: search creator 'bob@'", "audit: risky", "event log: far page"]:
        assert view in output
    assert re.search(r"^keys\s+40\s", output, re.MULTILINE)  # the export's line


def test_the_load_benchmark_runs_briefly():
    if connection.vendor != "postgresql":
        pytest.skip("the load benchmark runs app servers on a shared PostgreSQL")
    lines = run(
        "benchmarks.load",
        *["--database", database_url("load"), "--clients", "2", "--seconds", "3"],
        *["--keys", "50", "--credentials", "20", "--lookups-per-second", "10"],
    )
    match = re.fullmatch(r"errors: (\d+), p95: \d+ ms", lines[-1])
    assert match, lines[-5:]
    assert match.group(1) == "0", "\n".join(lines)
    assert re.search(r"^lookup\s+\d+\s+0\s", "\n".join(lines), re.MULTILINE), lines
    assert any(line.startswith("gateways: ") for line in lines), lines


def test_the_page_cost_benchmark_runs_at_a_tiny_size(tmp_path):
    args = ["benchmarks.page_cost", "--size", "30", "--runs", "2"]
    if connection.vendor == "postgresql":
        from benchmarks.appservers import drop_database, recreate_database

        url = database_url("cost")
        recreate_database(url)
        args += ["--database", url]
    else:
        args += ["--database", f"sqlite:///{tmp_path / 'cost.sqlite3'}"]
    try:
        lines = run(*args)
    finally:
        if connection.vendor == "postgresql":
            drop_database(url)
    output = "\n".join(lines)
    assert re.fullmatch(
        r"worst page/bare: \d+\.\d\dx \((keys|key details|new access|audit|team).*\)", lines[-1]
    )
    assert re.search(r"^auth lookup/bare JSON: \d+\.\d\dx$", output, re.MULTILINE)
    for view in ["bare", "keys: default view", "keys: table fragment (htmx)", "key details",
                 "new access: first step", "audit: default", "audit: filter type", "team",
                 "GET /v1/access/{id}"]:  # fmt: skip
        assert re.search(rf"^{re.escape(view)}.*\s\d+\.\d+x\s", output, re.MULTILINE), view
