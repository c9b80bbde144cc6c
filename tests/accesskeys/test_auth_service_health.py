"""The auth service's health checks, as storj/edge answers them (pkg/auth/httpauth
resources.go: getStartup, getLive): GET only, no token, a status and no body."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", ["/v1/health/startup", "/v1/health/live"])
def test_it_is_healthy_without_a_token(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.content == b""
    assert "Content-Type" not in response


@pytest.mark.parametrize("path", ["/v1/health/startup", "/v1/health/live"])
def test_it_answers_get_only(client, db, path):
    # Edge's Method map has GET alone: anything else, HEAD included, is 405.
    assert client.post(path).status_code == 405
    assert client.head(path).status_code == 405


@pytest.fixture
def one_migration_unapplied(transactional_db):
    """The latest accesskeys migration rolled back, as after a deploy before `migrate`."""
    graph = MigrationLoader(connection).graph
    (leaf,) = [node for node in graph.leaf_nodes() if node[0] == "accesskeys"]
    (parent,) = [p for p in graph.node_map[leaf].parents if p.key[0] == "accesskeys"]
    call_command("migrate", "accesskeys", parent.key[1], verbosity=0)
    yield leaf
    call_command("migrate", "accesskeys", leaf[1], verbosity=0)


def test_it_has_not_started_up_while_migrations_are_pending(client, one_migration_unapplied):
    assert client.get("/v1/health/startup").status_code == 503
    assert client.get("/v1/health/live").status_code == 503

    call_command("migrate", "accesskeys", one_migration_unapplied[1], verbosity=0)
    assert client.get("/v1/health/startup").status_code == 200
    assert client.get("/v1/health/live").status_code == 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_of(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        return opener.open(url, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def test_it_is_unhealthy_when_the_database_is_down(tmp_path):
    # A real app server (gunicorn, as bin/start runs it) whose PostgreSQL does not
    # answer: nothing listens on the port its DATABASE_URL names.
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://ci:ci@127.0.0.1:{free_port()}/down",
        "DEBUG": "true",
        "LOCAL_DIR": str(tmp_path),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        + ["config.wsgi:application"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                startup = status_of(base + "/v1/health/startup")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("The server did not start.")
                time.sleep(0.2)
        assert startup == 503
        assert status_of(base + "/v1/health/live") == 503
        assert status_of(base + "/healthz") == 503
    finally:
        server.terminate()
        server.wait(timeout=30)
