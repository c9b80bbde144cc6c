"""A small disk of a test's own (a tmpfs), to fill up as a runaway log fills a real one.

Mounting needs root (CAP_SYS_ADMIN); CI runs as root. The filler is written only
after checking that the directory really is the small tmpfs just mounted, and never
more than that filesystem's size, so it cannot fill the machine's disk.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from pathlib import Path

CHUNK = b"runaway log line, written until the disk is full\n" * 20_000  # about 1 MB


class SmallDiskUnavailable(Exception):
    """The tmpfs could not be mounted here (not root, no CAP_SYS_ADMIN, no mount)."""


class SmallDisk:
    def __init__(self, path: Path, size_mb: int, uid: int, gid: int):
        self.path = path.resolve()  # as /proc/self/mounts names it
        self.size = size_mb * 1024 * 1024
        self.uid, self.gid = uid, gid
        self.filler = path / "runaway.log"
        self.mounted = False

    def mount(self) -> SmallDisk:
        self.path.mkdir(exist_ok=False)
        options = f"size={self.size // 1024}k,mode=0700,uid={self.uid},gid={self.gid}"
        try:
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(self.path)],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as error:
            detail = " ".join((getattr(error, "stderr", None) or str(error)).split())
            raise SmallDiskUnavailable(
                f"`mount -t tmpfs` failed as uid {os.geteuid()} "
                f"(it needs root or CAP_SYS_ADMIN, as CI runs): {detail.strip()}"
            ) from error
        self.mounted = True
        self._check_mounted()
        return self

    def _check_mounted(self) -> None:
        """The path is the small tmpfs, not a directory on the machine's disk."""
        entries = [
            line.split()
            for line in Path("/proc/self/mounts").read_text().splitlines()
            if line.split()[1] == str(self.path)
        ]
        if not os.path.ismount(self.path) or not entries or entries[-1][2] != "tmpfs":
            raise AssertionError(f"{self.path} is not a tmpfs mount: {entries}")
        stats = os.statvfs(self.path)
        if stats.f_blocks * stats.f_frsize > self.size:
            raise AssertionError(f"{self.path} is larger than {self.size} bytes")

    def free_bytes(self) -> int:
        stats = os.statvfs(self.path)
        return stats.f_bavail * stats.f_frsize

    def fill(self) -> int:
        """Write the filler until the disk refuses more (ENOSPC); the bytes written."""
        self._check_mounted()
        written = 0
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            while written < self.size:  # never more than the small disk holds
                try:
                    written += os.write(fd, CHUNK[: self.size - written])
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
        finally:
            os.close(fd)
        return written

    def free(self) -> None:
        """Delete the filler, as an operator cleans up after a runaway log."""
        self.filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        if self.mounted:
            done = subprocess.run(["umount", str(self.path)], capture_output=True, timeout=30)
            if done.returncode != 0:
                # Still busy (a server holding a file open): detach it now, freed on close.
                subprocess.run(["umount", "--lazy", str(self.path)], check=True, timeout=30)
            self.mounted = False
        with contextlib.suppress(OSError):
            self.path.rmdir()
