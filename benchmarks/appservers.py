"""Several production app servers on 127.0.0.1, sharing one PostgreSQL database.

Each server is started exactly as the Dockerfile starts one (`bin/start`:
migrations, then gunicorn) with production settings: DEBUG off, real
secrets, static files collected beforehand and served by WhiteNoise. Used by
the test of several app servers and by `python -m benchmarks.load`.

A small HTTP client with cookies (the standard library's) stands in for a
browser: it signs in, posts forms with the CSRF token, and reads pages.
"""

import base64
import html
import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg

PROJECT_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_url(url: str) -> tuple[str, str]:
    """(connection string of the server's maintenance database, database name)."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    return urllib.parse.urlunsplit(parts._replace(path="/postgres")), name


def recreate_database(url: str) -> None:
    """Drop and create the database of `url`: the servers start on an empty one."""
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(database_url: str, static_root: Path) -> dict[str, str]:
    """The environment of a production server (see the README's Configuration)."""
    master_key = base64.b64encode(secrets.token_bytes(32)).decode()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MASTER_KEYS": f"prod1:{master_key}",
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback here; behind TLS in a real deployment.
        "SECURE_COOKIES": "false",
        "STATIC_ROOT": str(static_root),
        # The virtual environment's python and gunicorn first, as in the image.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


class AppServers:
    """`count` app servers, each `bin/start` on its own port; use as a context manager."""

    def __init__(
        self,
        database_url: str,
        count: int = 2,
        workers: int = 2,
        env: dict | None = None,
        static_root: Path | None = None,
    ):
        self.database_url = database_url
        self.count = count
        self.workers = workers
        self.dir = Path(tempfile.mkdtemp(prefix="appservers-"))
        # Several groups of servers may share the static files one of them collected.
        self.static_root = static_root or self.dir / "static"
        self.env = {**production_env(database_url, self.static_root), **(env or {})}
        self.processes: list[subprocess.Popen] = []
        self.urls: list[str] = []
        self.logs: list[Path] = []

    def manage(self, *args: str, timeout: float = 300) -> str:
        """Run a management command with the servers' settings; its output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def start(self, timeout: float = 180) -> "AppServers":
        # As the image is built: collect (and compress) the static files once.
        if not (self.static_root / "staticfiles.json").exists():
            self.manage("collectstatic", "--noinput", "-v0")
        # All servers at once, as a deploy starts them: each applies migrations first.
        for number in range(self.count):
            port = free_port()
            log = self.dir / f"server-{number}.log"
            env = {**self.env, "BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(self.workers)}
            self.processes.append(
                subprocess.Popen(
                    [str(PROJECT_DIR / "bin" / "start")],
                    cwd=PROJECT_DIR,
                    env=env,
                    stdout=log.open("wb"),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            self.urls.append(f"http://127.0.0.1:{port}")
            self.logs.append(log)
        deadline = time.monotonic() + timeout
        for process, url, log in zip(self.processes, self.urls, self.logs, strict=True):
            while not self._healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{url} did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        return self

    @staticmethod
    def _healthy(url: str) -> bool:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()  # gunicorn stops its workers gracefully
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []

    def __enter__(self) -> "AppServers":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@dataclass
class Response:
    status: int
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies, CSRF tokens and forms over urllib, like a browser without JavaScript."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(
        self, url: str, data: dict | list | None = None, headers: dict | None = None
    ) -> Response:
        body = None
        headers = dict(headers or {})
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["X-CSRFToken"] = self.cookie("csrftoken") or ""
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return Response(
                    response.status, response.url, dict(response.headers), response.read()
                )
        except urllib.error.HTTPError as error:
            return Response(error.code, url, dict(error.headers), error.read())

    def get(self, url: str, **headers) -> Response:
        return self.request(url, headers=headers)

    def post(self, url: str, data, **headers) -> Response:
        return self.request(url, data=data, headers=headers)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def share_session_with(self, other: "Browser") -> None:
        """Carry this browser's cookies over to another (same host, other port)."""
        for cookie in self.cookies:
            other.cookies.set_cookie(cookie)

    def sign_in(self, base: str, email: str, password: str) -> Response:
        self.get(base + "/signin/")  # sets the CSRF cookie
        return self.post(base + "/signin/", {"email": email, "password": password})


def project_path(page_html: str) -> str:
    """The first project's Access Keys path, from a page's menu."""
    match = re.search(r'href="(/projects/[0-9a-f-]{36}/access-keys/)"', page_html)
    if not match:
        raise AssertionError("no Access Keys link on the page")
    return match.group(1)


def create_api_key(browser: Browser, base: str, keys_path: str, name: str) -> Response:
    """The New Access dialog's last POST for a Full Access API key (no passphrase)."""
    return create_full_access(browser, base, keys_path, name, "api_key")


def create_full_access(
    browser: Browser, base: str, keys_path: str, name: str, type_: str = "api_key"
) -> Response:
    """The New Access dialog's last POST for Full Access of a type (s3, access_grant or
    api_key) in a project whose passphrase the console manages, or an API key in any."""
    # Full Access ends on the Confirm step, like every choice.
    data = {
        "step": "confirm",
        "name": name,
        "type": type_,
        "access": "full",
        "seen": ["name", "access"],
    }
    return browser.post(base + keys_path + "new/", data, **{"HX-Request": "true"})


def created(response: Response) -> bool:
    """Whether the dialog answered with a new access (it tells the page to reload the list)."""
    return response.status == 200 and "accessesChanged" in response.headers.get("HX-Trigger", "")


def key_ids(page_html: str) -> list[str]:
    return re.findall(r'name="ids" value="(\d+)"', page_html)


def shown_values(page_html: str) -> dict[str, str]:
    """The one-time values the dialog's result shows, by label ("Access Key", ...)."""
    pairs = re.findall(
        r'<label for="na-value-\d+">([^<]+)</label>.*?value="([^"]*)"', page_html, re.DOTALL
    )
    return {html.unescape(label): html.unescape(value) for label, value in pairs}
