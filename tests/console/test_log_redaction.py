"""Invitation tokens never reach the logs: the development server's request log
and gunicorn's access log, each run for real on a free local port."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.urls import reverse

from console.log_redaction import LINK_PREFIX, MAILED_LINK_PREFIXES, redact
from tests.helpers import PROJECT_DIR


def test_it_masks_the_token_of_the_links_url():
    token = secrets.token_urlsafe(32)
    link = reverse("invitation_link", args=[token])
    assert link.startswith(LINK_PREFIX)
    line = f'"GET {link} HTTP/1.1" 302 0'
    assert redact(line) == '"GET /invitations/[redacted]/ HTTP/1.1" 302 0'
    # The page the link moves on to has nothing to mask.
    assert redact(reverse("invitation")) == reverse("invitation")


@pytest.mark.parametrize(
    "name, page", [("password_reset_link", "password_reset"), ("signup_link", "signup_finish")]
)
def test_it_masks_the_token_of_every_mailed_link(name, page):
    token = "MQ." + secrets.token_urlsafe(20)
    link = reverse(name, args=[token])
    assert link.startswith(MAILED_LINK_PREFIXES)
    masked = redact(f'"GET {link} HTTP/1.1" 302 0')
    assert token not in masked and "[redacted]" in masked
    assert redact(reverse(page)) == reverse(page)


@pytest.fixture(scope="module")
def server_env(tmp_path_factory):
    """The environment of a console on its own migrated SQLite database."""
    folder = tmp_path_factory.mktemp("log-redaction")
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "LOCAL_DIR": str(folder / "local"),
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=PROJECT_DIR, env=env, check=True
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url: str, referer: str | None = None) -> int:
    headers = {"Referer": referer} if referer else {}
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(urllib.request.Request(url, headers=headers), timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


def serve_and_log(command: list[str], env: dict, port: int, paths: list[tuple[str, str]]) -> str:
    """Start the server, request each (path, referer), stop it; everything it printed."""
    server = subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                request(base + "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("The server did not start.")
                time.sleep(0.2)
        statuses = [request(base + path, referer and base + referer) for path, referer in paths]
        assert statuses[0] == 302  # the link moves on to the page without the token
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    return output


def link_requests():
    token = secrets.token_urlsafe(32)
    link = f"/invitations/{token}/"
    # The link itself, and the page after it as a browser asks for it, Referer and all.
    return token, [(link, None), ("/invitation/", link)]


def test_it_keeps_tokens_out_of_the_development_servers_log(server_env):
    token, paths = link_requests()
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    output = serve_and_log(command, server_env, port, paths)

    assert '"GET /invitations/[redacted]/ HTTP/1.1" 302' in output
    assert token not in output


def test_it_keeps_tokens_out_of_gunicorns_access_log(server_env):
    token, paths = link_requests()
    port = free_port()
    # gunicorn.conf.py, read from the directory gunicorn starts in, sets the logger.
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--access-logfile",
        "-",
    ]
    output = serve_and_log(command, server_env, port, paths)

    assert '"GET /invitations/[redacted]/ HTTP/1.1" 302' in output
    # The Referer of the next request is masked too.
    assert f'"http://127.0.0.1:{port}/invitations/[redacted]/"' in output
    assert token not in output
