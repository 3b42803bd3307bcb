"""What one build owns outside the site: its lock on the site folder, and the stopping of its
workers however it ends.

A build writes no temporary files (its workers send their results back or write into the site
itself). Older versions kept a folder per build, `guidebook-build-<pid>-*` in the temporary
directory: `sweep` removes those whose process is gone, with lock files no build holds. The
build's workers die with the process that forked them (see `pool`), and `BuildSpace.close`
stops them on every exit the process can see (normal end, an error, Ctrl-C, SIGTERM,
interpreter exit).

Two builds writing into one site folder at once would empty it under each other: the second
one stops with a clean error instead (`SiteBusy`). The lock is an `fcntl.flock` on a file in
the temporary directory named after the site folder; the kernel lets it go when its holder dies.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: no lock (and no forked workers)
    fcntl = None  # type: ignore[assignment]

PREFIX = "guidebook-build-"
_FOLDER_RE = re.compile(re.escape(PREFIX) + r"(\d+)-")
_LOCK_RE = re.compile(r"guidebook-site-[0-9a-f]+\.lock$")


class SiteBusy(Exception):
    """Another build holds the lock on the site folder."""


def pid_alive(pid: int) -> bool:
    """True while a process `pid` exists (also one of another user)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(root: str | None = None) -> list[Path]:
    """Remove the build folders in `root` (default: the temporary directory) whose process is
    gone (builds that were killed), and lock files no build holds; returns what it removed."""
    folder = Path(root or tempfile.gettempdir())
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if _LOCK_RE.match(name):
            if _remove_free_lock(folder / name):
                removed.append(folder / name)
            continue
        match = _FOLDER_RE.match(name)
        if match is None or pid_alive(int(match.group(1))):
            continue
        path = folder / name
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            removed.append(path)
    return removed


def _remove_free_lock(path: Path) -> bool:
    """Remove the lock file `path` if no build holds it (one killed left it)."""
    if fcntl is None:  # pragma: no cover - not on POSIX
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.unlink(path)  # while locked (see SiteLock.acquire)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


class SiteLock:
    """An exclusive lock on a site folder, held from `acquire` to `release` (or the death of
    the process and of the workers it forked)."""

    def __init__(self, site_dir: str | os.PathLike[str]) -> None:
        self.site_dir = os.path.realpath(site_dir)
        digest = hashlib.sha256(os.fsencode(self.site_dir)).hexdigest()[:20]
        self.path = os.path.join(tempfile.gettempdir(), f"guidebook-site-{digest}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise SiteBusy naming the process that holds it."""
        if fcntl is None or self._fd is not None:  # pragma: no cover - not on POSIX
            return
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            # (a build that held the lock, or `sweep`, may remove the file meanwhile)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                os.close(fd)
                raise SiteBusy(f"another guidebook build is writing {self.site_dir} "
                               f"(pid {holder})") from None
            try:  # the holder before may have removed the file: lock the file that is there
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        """Let the lock go (and remove its file)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)  # while locked: a build waiting on it tries the path again
        os.close(fd)


class BuildSpace:
    """One build's lock on its site folder and the closing of its workers (see the module
    docstring).

    `open` removes what killed builds of older versions left, and takes the lock; `close`
    (also run at interpreter exit and on SIGTERM) stops the workers and lets the lock go.
    """

    def __init__(self, site_dir: str | os.PathLike[str] | None = None) -> None:
        self.owner = os.getpid()
        self._lock = SiteLock(site_dir) if site_dir is not None else None
        self._closers: list[Callable[[], None]] = []
        self._sigterm: Any = None
        self._open = False

    def open(self) -> BuildSpace:
        """Start the build (raises SiteBusy when another build writes the same site)."""
        global _ACTIVE
        sweep()
        if self._lock is not None:
            self._lock.acquire()
        self._open = True
        atexit.register(self.close)
        self._catch_sigterm()
        _ACTIVE = self
        return self

    def on_close(self, closer: Callable[[], None]) -> None:
        """Run `closer` (stopping a worker) when the build ends."""
        self._closers.append(closer)

    def close(self) -> None:
        """Stop the workers, let the lock go (once; only in its process)."""
        global _ACTIVE
        if not self._open or os.getpid() != self.owner:
            return
        self._open = False
        closers, self._closers = self._closers, []
        for closer in reversed(closers):
            with contextlib.suppress(Exception):
                closer()
        if self._lock is not None:
            self._lock.release()
        if _ACTIVE is self:
            _ACTIVE = None
        atexit.unregister(self.close)
        self._restore_sigterm()

    def _catch_sigterm(self) -> None:
        """While the build runs, SIGTERM ends it as Ctrl-C would (cleaning up on the way),
        unless someone else handles SIGTERM."""
        if threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            return
        signal.signal(signal.SIGTERM, _terminate)
        self._sigterm = signal.SIG_DFL

    def _restore_sigterm(self) -> None:
        if self._sigterm is None or threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGTERM) is _terminate:
            signal.signal(signal.SIGTERM, self._sigterm)
        self._sigterm = None


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


_ACTIVE: BuildSpace | None = None


def active() -> BuildSpace | None:
    """The build running in this process, if any."""
    space = _ACTIVE
    return space if space is not None and space.owner == os.getpid() else None
