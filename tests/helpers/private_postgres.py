"""A PostgreSQL server of a test's own, from the installed server binaries.

The fault and backup tests stop, crash, restart and fill this server, so it is
never CI's shared one: `initdb` in a temporary directory, on a free port of
127.0.0.1, trust authentication for the loopback. The server refuses to run as
root: as root, every server command runs as the `postgres` user that Debian's
package creates (through `runuser`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from benchmarks.appservers import free_port

BIN = Path(os.environ.get("POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


def unavailable_reason() -> str | None:
    """Why no private server can run here, or None."""
    if not (BIN / "initdb").exists():
        return f"no PostgreSQL server binaries in {BIN}"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run the server as"
    return None


class PrivatePostgres:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="private-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=True, cwd=self.dir
        )

    def init(self) -> PrivatePostgres:
        self.run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.dir}'\n"
                # A throwaway server: speed over durability.
                # (commits stay synchronous: a test crashes the server and counts what survived)
                "fsync = off\nfull_page_writes = off\n"
                "max_connections = 40\nshared_buffers = 16MB\n"
            )
        return self

    def start(self) -> PrivatePostgres:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        """`fast` closes connections and shuts down cleanly; `immediate` is a crash."""
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, tablespace: str | None = None) -> str:
        """A new database; with `tablespace`, all its files live there (WAL does not)."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            where = f' TABLESPACE "{tablespace}"' if tablespace else ""
            conn.execute(f'CREATE DATABASE "{name}"{where}')
        return self.url(name)

    def create_tablespace(self, name: str, location: Path) -> None:
        """A tablespace in `location`, an empty directory the server's user owns."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE TABLESPACE \"{name}\" LOCATION '{location}'")

    def drop_tablespace(self, name: str) -> None:
        """Drop the tablespace and every database in it."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            databases = conn.execute(
                "SELECT d.datname FROM pg_database d JOIN pg_tablespace t "
                "ON t.oid = d.dattablespace WHERE t.spcname = %s",
                [name],
            ).fetchall()
            for (database,) in databases:
                conn.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
            conn.execute(f'DROP TABLESPACE IF EXISTS "{name}"')

    def query(self, database: str, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(self.url(database)) as conn:
            return conn.execute(sql, params).fetchall()

    def wait_for_waiters(self, database: str, count: int, timeout: float = 30) -> None:
        """Until `count` connections wait for a lock (a request held mid-transaction)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = self.query(
                database,
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = %s AND wait_event_type = 'Lock'",
                [database],
            )[0][0]
            if waiting >= count:
                return
            time.sleep(0.05)
        raise AssertionError(f"{count} requests never waited for the lock")

    def destroy(self) -> None:
        if self.running():
            with contextlib.suppress(subprocess.CalledProcessError):
                self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
