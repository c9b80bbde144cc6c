"""Faults the console survives, each on a PostgreSQL server of the test's own.

Production app servers (bin/start: gunicorn, DEBUG off) run against a private
PostgreSQL (tests/helpers/private_postgres.py) that the tests crash, restart, make
read-only and fill (its database on a small tmpfs, tests/helpers/small_disk.py, which
needs root to mount, as CI runs); CI's shared server is untouched. A request is
held in the middle of a creation by locking the audit log's table: the key and its
S3 record are written, the audit event waits, so a fault then strikes mid-transaction.
These run on the PostgreSQL run of the suite (DATABASE_URL=postgresql://…).
"""

import contextlib
import http.client
import os
import pwd
import signal
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from benchmarks.appservers import AppServers, Browser, create_full_access, created
from console.views import DATABASE_DOWN
from tests.helpers.private_postgres import PrivatePostgres, unavailable_reason
from tests.helpers.small_disk import SmallDisk, SmallDiskUnavailable

EMAIL = "faults@example.com"
PASSWORD = "faults-password-12345"


@pytest.fixture(scope="module")
def pg():
    if connection.vendor != "postgresql":
        pytest.skip(
            "fault tests run on the PostgreSQL run of the suite (DATABASE_URL=postgresql://…); "
            "they start a PostgreSQL server of their own"
        )
    reason = unavailable_reason()
    if reason:
        pytest.fail(f"cannot start a private PostgreSQL server: {reason}")
    server = PrivatePostgres().init().start()
    yield server
    server.destroy()


@pytest.fixture(scope="module")
def static_root(collected_static) -> Path:
    return collected_static


@contextlib.contextmanager
def servers_on(
    pg,
    static_root,
    database: str,
    count: int = 1,
    env: dict | None = None,
    tablespace: str | None = None,
):
    url = pg.create_database(database, tablespace=tablespace)
    with AppServers(url, count=count, workers=2, static_root=static_root, env=env) as servers:
        servers.manage("seed_demo", "--email", EMAIL, "--password", PASSWORD)
        yield servers


def keys_path(pg, database: str) -> str:
    """The Access Keys page of "Demo (Automatic)": its passphrase is the console's,
    so the dialog creates S3 credentials in one POST."""
    public_id = pg.query(
        database, "SELECT public_id FROM console_project WHERE name = %s", ["Demo (Automatic)"]
    )[0][0]
    return f"/projects/{public_id}/access-keys/"


def signed_in(base: str) -> Browser:
    browser = Browser()
    response = browser.sign_in(base, EMAIL, PASSWORD)
    assert "/signin/" not in response.url, response.text[:300]
    return browser


def health(base: str) -> int:
    return Browser().get(base + "/healthz").status


def rows_named(pg, database: str, name: str) -> dict[str, int]:
    """What a creation of `name` left: keys, S3 records, audit events."""
    return {
        "keys": pg.query(
            database, "SELECT count(*) FROM accesskeys_accesskey WHERE name = %s", [name]
        )[0][0],
        "s3": pg.query(
            database,
            "SELECT count(*) FROM accesskeys_s3credential c "
            "JOIN accesskeys_accesskey k ON k.id = c.access_key_id WHERE k.name = %s",
            [name],
        )[0][0],
        "events": pg.query(
            database,
            "SELECT count(*) FROM console_auditevent "
            "WHERE action = 'access_created' AND details->>'access' = %s",
            [name],
        )[0][0],
    }


@contextlib.contextmanager
def audit_log_locked(url: str):
    """Hold creations at their audit event (the last write of their transaction)."""
    locker = psycopg.connect(url)
    locker.execute("LOCK TABLE console_auditevent IN ACCESS EXCLUSIVE MODE")
    try:
        yield locker
    finally:
        with contextlib.suppress(psycopg.Error):
            locker.rollback()
        with contextlib.suppress(psycopg.Error):
            locker.close()


def in_thread(function, *args) -> tuple[threading.Thread, dict]:
    result = {}

    def run():
        try:
            result["response"] = function(*args)
        except Exception as error:  # an answer that never came is a result too
            result["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def wait_until(check, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_a_database_that_stops_mid_creation_comes_back_without_a_restart(pg, static_root):
    with servers_on(pg, static_root, "stops") as servers:
        base, path = servers.urls[0], keys_path(pg, "stops")
        browser = signed_in(base)
        assert created(create_full_access(browser, base, path, "before", "s3"))

        with audit_log_locked(servers.database_url):
            thread, result = in_thread(
                create_full_access, browser, base, path, "mid-creation", "s3"
            )
            pg.wait_for_waiters("stops", 1)
            pg.stop("immediate")  # the database crashes mid-transaction
            thread.join(timeout=60)

        response = result["response"]
        assert response.status == 503
        assert response.text == DATABASE_DOWN  # the dialog shows it (static/js/dialog.js)
        assert health(base) == 503
        page = browser.get(base + path)
        assert page.status == 503 and "Database unavailable" in page.text
        assert DATABASE_DOWN in page.text

        pg.start()
        # The same server processes, not restarted, serve again.
        pids = [process.pid for process in servers.processes]
        assert wait_until(lambda: health(base) == 200)
        assert created(create_full_access(browser, base, path, "after", "s3"))
        assert browser.get(base + path).status == 200
        assert [p.pid for p in servers.processes] == pids
        assert all(process.poll() is None for process in servers.processes)

    assert rows_named(pg, "stops", "mid-creation") == {"keys": 0, "s3": 0, "events": 0}
    assert rows_named(pg, "stops", "before") == {"keys": 1, "s3": 1, "events": 1}
    assert rows_named(pg, "stops", "after") == {"keys": 1, "s3": 1, "events": 1}


def test_the_other_server_keeps_serving_when_one_is_killed_under_load(pg, static_root):
    with servers_on(pg, static_root, "killed", count=2) as servers:
        path = keys_path(pg, "killed")
        killed = threading.Event()
        stop = threading.Event()
        outcomes: dict[str, str] = {}  # name -> "created" or "taken" (committed earlier)
        survivor_statuses: list[int] = []
        created_after_kill = []

        def browsers_for_both() -> list[Browser]:
            # One sign-in (a deliberately slow hash), one session valid on both servers.
            on_survivor = signed_in(servers.urls[1])
            on_victim = Browser()
            on_survivor.share_session_with(on_victim)
            return [on_victim, on_survivor]

        sessions = [browsers_for_both() for _ in range(4)]

        def client(number: int):
            browsers = sessions[number]
            attempt = 0
            while not stop.is_set():
                name = f"load-{number}-{attempt}"
                attempt += 1
                first = 0 if (attempt % 2 and not killed.is_set()) else 1
                try:
                    response = create_full_access(
                        browsers[first], servers.urls[first], path, name, "api_key"
                    )
                except (OSError, http.client.HTTPException):
                    # No answer (the server died): a balancer sends the retry to the other.
                    assert first == 0
                    response = create_full_access(
                        browsers[1], servers.urls[1], path, name, "api_key"
                    )
                    survivor_statuses.append(response.status)
                    if "This name is already in use" in response.text:
                        outcomes[name] = "taken"
                        continue
                else:
                    if first == 1:
                        survivor_statuses.append(response.status)
                assert created(response), response.text[:300]
                outcomes[name] = "created"
                if killed.is_set():
                    created_after_kill.append(name)

        failures = []

        def guarded(number: int):
            try:
                client(number)
            except Exception as error:  # a wrong answer fails the test, not just the thread
                failures.append(repr(error))

        threads = [threading.Thread(target=guarded, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        # Under load: each client has created on both servers before the kill.
        assert wait_until(lambda: len(outcomes) >= 12, timeout=60)
        os.killpg(servers.processes[0].pid, signal.SIGKILL)  # master and workers at once
        killed.set()
        wait_until(lambda: len(created_after_kill) >= 12, timeout=60)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

        assert not failures, failures
        assert servers.processes[0].wait(timeout=10) == -signal.SIGKILL
        assert health(servers.urls[1]) == 200
        assert created_after_kill, "the surviving server created nothing after the kill"
        assert survivor_statuses and set(survivor_statuses) == {200}

    live = pg.query(
        "killed",
        "SELECT name, count(*) FROM accesskeys_accesskey "
        "WHERE name LIKE 'load-%%' AND revoked_at IS NULL GROUP BY name",
    )
    # Every name a client was told about is there once; nothing else is.
    assert {name: n for name, n in live} == {name: 1 for name in outcomes}
    events = pg.query(
        "killed",
        "SELECT count(*) FROM console_auditevent WHERE action = 'access_created' "
        "AND details->>'access' LIKE 'load-%%'",
    )[0][0]
    assert events == len(outcomes)


def test_sigterm_lets_the_creations_in_flight_finish(pg, static_root):
    with servers_on(pg, static_root, "sigterm") as servers:
        base, path = servers.urls[0], keys_path(pg, "sigterm")
        browsers = [signed_in(base), signed_in(base)]
        with audit_log_locked(servers.database_url):
            running = [
                in_thread(create_full_access, browser, base, path, f"in-flight-{n}", "s3")
                for n, browser in enumerate(browsers)
            ]
            pg.wait_for_waiters("sigterm", 2)  # one creation in each worker
            master = servers.processes[0]
            master.send_signal(signal.SIGTERM)
            # The workers finish what they hold, within gunicorn's graceful timeout.
            time.sleep(1.5)
        for thread, _ in running:
            thread.join(timeout=60)
        assert master.wait(timeout=30) == 0
        assert _refused(base)
        for _, result in running:
            assert "response" in result, result
            assert created(result["response"]), result["response"].text[:300]
    for n in range(2):
        assert rows_named(pg, "sigterm", f"in-flight-{n}") == {"keys": 1, "s3": 1, "events": 1}


def _refused(base: str) -> bool:
    try:
        Browser().get(base + "/healthz")
    except OSError:
        return True
    return False


def test_a_read_only_database_refuses_creation_clearly_and_writes_nothing(pg, static_root):
    with servers_on(pg, static_root, "readonly") as servers:
        base, path = servers.urls[0], keys_path(pg, "readonly")
        browser = signed_in(base)
        read_only(pg, True)
        try:
            response = create_full_access(browser, base, path, "while-read-only", "s3")
            assert response.status == 503
            assert response.text == DATABASE_DOWN
            assert health(base) == 200  # reads still work: the server stays in the pool
        finally:
            read_only(pg, False)
        assert created(create_full_access(browser, base, path, "writable-again", "s3"))
    assert rows_named(pg, "readonly", "while-read-only") == {"keys": 0, "s3": 0, "events": 0}
    assert rows_named(pg, "readonly", "writable-again") == {"keys": 1, "s3": 1, "events": 1}


def read_only(pg, on: bool) -> None:
    """Every session of the server, open ones included (a reload), read-only or not."""
    with psycopg.connect(pg.url(), autocommit=True) as conn:
        conn.execute("SET default_transaction_read_only = off")
        if on:
            conn.execute("ALTER SYSTEM SET default_transaction_read_only = on")
        else:
            conn.execute("ALTER SYSTEM RESET default_transaction_read_only")
        conn.execute("SELECT pg_reload_conf()")
    time.sleep(0.3)  # the backends read the configuration between statements


@pytest.fixture
def small_disk(pg):
    """A 16 MB tmpfs holding a tablespace: the disk of the app's database, to fill.

    The database's files live there; the server's own directory (its WAL among them)
    stays on the machine's disk, as when pg_wal has a volume of its own. (A full WAL
    disk is a PANIC and a restart of PostgreSQL, which the database-stops test covers.)
    """
    owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    disk = SmallDisk(pg.dir / "small-disk", size_mb=16, uid=owner.pw_uid, gid=owner.pw_gid)
    try:
        try:
            disk.mount()
        except SmallDiskUnavailable as error:
            pytest.fail(f"cannot make a small disk to fill: {error}")
        pg.create_tablespace("small_disk", disk.path)
        yield disk
    finally:
        with contextlib.suppress(psycopg.Error):  # a server that is gone holds nothing
            pg.drop_tablespace("small_disk")
        disk.unmount()


def test_a_full_disk_refuses_creation_clearly_and_writes_nothing(pg, static_root, small_disk):
    with servers_on(pg, static_root, "diskfull", tablespace="small_disk") as servers:
        base, path = servers.urls[0], keys_path(pg, "diskfull")
        browser = signed_in(base)
        assert created(create_full_access(browser, base, path, "before", "s3"))

        assert small_disk.fill() > 0  # a runaway log takes all the space left
        assert small_disk.free_bytes() == 0
        # Rows that fit in the pages the tables already have are still written; the
        # first creation that needs a new page is refused, whichever write needs it.
        fitted = []
        for number in range(100):
            response = create_full_access(browser, base, path, f"while-full-{number}", "s3")
            if not created(response):
                break
            fitted.append(f"while-full-{number}")
        else:
            pytest.fail("100 creations fitted on a full disk")
        refused = f"while-full-{len(fitted)}"
        assert response.status == 503, response.text[:300]
        assert response.headers["Content-Type"].startswith("text/plain")
        assert response.text == DATABASE_DOWN  # the dialog shows it (static/js/dialog.js)
        # Trying again while the disk is still full: the same answer.
        again = create_full_access(browser, base, path, refused, "s3")
        assert again.status == 503 and again.text == DATABASE_DOWN
        # Reads still work: the server stays in the pool, the list still shows.
        assert health(base) == 200
        assert browser.get(base + path).status == 200
        # The operator reads the cause in the app server's log (and PostgreSQL's).
        assert "No space left on device" in servers.logs[0].read_text()

        small_disk.free()
        assert rows_named(pg, "diskfull", refused) == {"keys": 0, "s3": 0, "events": 0}
        # The same server processes, not restarted, create again: the person's retry
        # of the same name too (nothing half-written holds the name).
        pids = [process.pid for process in servers.processes]
        assert created(create_full_access(browser, base, path, refused, "s3"))
        assert created(create_full_access(browser, base, path, "after", "s3"))
        assert [p.pid for p in servers.processes] == pids
        assert all(process.poll() is None for process in servers.processes)

    for name in ["before", *fitted, refused, "after"]:
        assert rows_named(pg, "diskfull", name) == {"keys": 1, "s3": 1, "events": 1}, name
