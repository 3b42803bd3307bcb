"""Share a build's page jobs with a forked worker, so the second core does half of them.

`Prerender` takes the jobs of one build step (key -> zero-argument function), in the order the
caller will ask for them. Where the platform can fork, a worker process takes jobs from the back
of the list while the caller takes them from the front, as it asks (`get`); the two meet wherever
the work divides evenly, so neither waits for the other however the job costs vary. A lock
around two shared counters decides who runs a job, so each job runs exactly once.

The worker appends each result to a spool file (`Spool`) and sends only where it is through the
pipe: the pipe never fills while the caller is busy with its own jobs, and results wait on disk,
not in memory. Without fork, with `parallel=False`, or once the worker is gone, the caller runs what is
left itself. Either way each job gives the same result: the output does not depend on which
process computed it.

Jobs run for their effect alone (`results=False`, e.g. writing files) send nothing back:
`run_all` runs those the worker has not reached and returns once all have run. Such a worker
may run `idle`, at the lowest priority: it then works on whatever cores the build leaves
unused, and the caller does the rest when it asks. A job such a worker was running when it died
runs again in the caller. A `last` job runs once every other job has run: in the worker when it
ran them all, else in the caller at the end of `run_all`.

A worker dies with the process that forked it (`die_with_parent`): a build that is killed
leaves nothing running. Its spool lives in the build's temporary folder (`workspace`), and
the build stops its workers before that folder is removed.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import shutil
import signal
import sys
import time
import traceback
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from . import workspace

_ERROR = -1
_DONE = -2


class RenderError(Exception):
    """A job failed (in the worker or in-process); the message names the job."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def can_fork() -> bool:
    """True where a forked worker is available (Linux)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


_PR_SET_PDEATHSIG = 1
_PARENT: int | None = None  # in a worker: the process that forked it


def die_with_parent(parent: int) -> None:  # pragma: no cover - runs in the forked child
    """In a worker forked by `parent`, right after the fork: the kernel kills this process
    when its parent dies (Linux parent-death signal); if the parent died before that was
    set, exit now. Ctrl-C and SIGTERM are the parent's to handle: it stops its workers."""
    global _PARENT
    _PARENT = parent
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _orphaned() -> bool:
    """True in a worker whose parent is gone (where the parent-death signal is missing)."""
    return _PARENT is not None and os.getppid() != _PARENT


Record = tuple[str, int, int]  # (file, offset, length) of bytes in a Spool


class Spool:
    """Byte records appended to one file per process in a temporary folder of its own
    (creating a file per record costs more than writing it, on a big site).

    `write` gives the record's address, which any process can `read` once `write` returned.
    A forked child writes to its own file; `close` in the creating process removes them all.
    """

    def __init__(self, prefix: str = "spool-") -> None:
        self.folder = workspace.new_folder(prefix)
        self._owner = os.getpid()
        self._fd: int | None = None
        self._path = ""
        self._size = 0
        self._pid = 0

    def write(self, data: bytes) -> Record:
        # one system call a record: a descriptor of this process's own, and its own count of
        # where the file ends (no buffer to flush, no position to ask for)
        if self._fd is None or self._pid != os.getpid():  # a forked child opens its own
            self._pid = os.getpid()
            self._path = self.path(self._pid)
            self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self._size = 0
        offset = self._size
        write_all(self._fd, data)
        self._size += len(data)
        return self._path, offset, len(data)

    def path(self, pid: int) -> str:
        """The file the process `pid` writes its records to."""
        return str(self.folder / f"{pid}.spool")

    @staticmethod
    def read(record: Record) -> bytes:
        path, offset, length = record
        if not hasattr(os, "pread"):  # pragma: no cover - not on POSIX
            with open(path, "rb") as file:
                file.seek(offset)
                return file.read(length)
        fd = _READERS.get(path)  # one descriptor per spool file: a read is one system call
        if fd is None:
            fd = _READERS[path] = os.open(path, os.O_RDONLY)
        data = os.pread(fd, length, offset)
        while len(data) < length:  # pragma: no cover - short reads of regular files are rare
            more = os.pread(fd, length - len(data), offset + len(data))
            if not more:
                raise OSError(f"{path}: record at {offset} is cut short")
            data += more
        return data

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None
        inside = str(self.folder) + os.sep
        for path in [p for p in _READERS if p.startswith(inside)]:
            os.close(_READERS.pop(path))
        if os.getpid() == self._owner:
            shutil.rmtree(self.folder, ignore_errors=True)


_READERS: dict[str, int] = {}  # spool file -> a descriptor open for reading


class Board:
    """Spool records handed by slot from the processes that write them (the build and its page
    worker) to a worker forked with them: `publish` puts slot i's record up, `wait_for` returns
    it once it is up, or None once the board is closed without it. Made before the forks."""

    def __init__(self, size: int, spool: Spool) -> None:
        self._spool = spool
        if can_fork():
            context = multiprocessing.get_context("fork")
            self._lock: Any = context.Lock()
            self._pids: Any = context.RawArray("q", size)  # 0 until published
            self._offsets: Any = context.RawArray("q", size)
            self._lengths: Any = context.RawArray("q", size)
            self._closed: Any = context.RawValue("b", 0)
        else:  # pragma: no cover - without fork every slot is used in this process
            self._lock = contextlib.nullcontext()
            self._pids, self._offsets, self._lengths = [0] * size, [0] * size, [0] * size
            self._closed = _Flag()

    def publish(self, slot: int, record: Record) -> None:
        """Put up `record`, which this process has just written to the board's spool."""
        path, offset, length = record
        assert path == self._spool.path(os.getpid())
        with self._lock:  # (the lock orders the writes for the reader: the pid goes last)
            self._offsets[slot], self._lengths[slot] = offset, length
            self._pids[slot] = os.getpid()

    def get(self, slot: int) -> Record | None:
        """The record of `slot`, if it is up."""
        if not self._pids[slot]:
            return None
        with self._lock:
            return self._spool.path(self._pids[slot]), self._offsets[slot], self._lengths[slot]

    def wait_for(self, slot: int, poll: float = 0.002) -> Record | None:
        """The record of `slot` once it is up; None if the board is closed without it."""
        while True:
            closed = self._closed.value
            record = self.get(slot)
            if record is not None or closed:
                return record
            if _orphaned():  # pragma: no cover - the parent-death signal ends it first
                os._exit(1)
            time.sleep(poll)

    def close(self) -> None:
        """No more records will be put up: waiting ends."""
        self._closed.value = 1


class _Flag:  # pragma: no cover - the board's flag without fork
    value = 0


def write_all(fd: int, data: bytes) -> None:
    """`os.write` until every byte of `data` is written."""
    written = os.write(fd, data)
    if written < len(data):  # pragma: no cover - short writes to regular files are rare
        view = memoryview(data)[written:]
        while view:
            view = view[os.write(fd, view):]


class Prerender:
    """Results of page jobs; a forked worker computes those at the back of the list."""

    def __init__(self, jobs: Iterable[tuple[str, Callable[[], Any]]], *,
                 parallel: bool = True, expected: tuple[type[BaseException], ...] = (),
                 results: bool = True, idle: bool = False,
                 last: tuple[str, Callable[[], Any]] | None = None) -> None:
        """With `results=False` the jobs' results are dropped (see `run_all`); with `idle`
        the worker runs at the lowest priority, on what the other processes leave idle;
        `last` (a key and a job) runs after every other job (see `run_all`)."""
        self._jobs = dict(jobs)
        self._keys = list(self._jobs)
        self._index = {key: i for i, key in enumerate(self._keys)}
        self._expected = expected
        self._results = results
        self._idle = idle
        self._worker_done = False
        self._last = last
        self._last_ran = False  # by the worker
        self._ready: dict[int, Record] = {}  # jobs the worker has finished -> their results
        self._conn: Any = None
        self._process: Any = None
        self._spool: Spool | None = None
        if parallel and can_fork() and len(self._jobs) > 1:
            self._start()

    @property
    def parallel(self) -> bool:
        return self._process is not None

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        self._lock = context.Lock()
        # The caller has claimed every job up to `claimed`; the worker is at `worker_at`
        # (running it, or done with it and stopped), and has finished every job after it.
        self._claimed = context.RawValue("q", -1)
        self._worker_at = context.RawValue("q", len(self._keys))
        self._spool = Spool("render-")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=self._work, args=(sender, os.getpid()), daemon=True,
                                  name="guidebook-render")
        # The child's collections leave what it inherits alone (no copy-on-write of the
        # parent's objects); this process collects as before once the child is started.
        gc.freeze()
        try:
            process.start()
        finally:
            gc.unfreeze()
        sender.close()
        self._conn, self._process = receiver, process
        space = workspace.active()
        if space is not None:  # stopped before the build's folder is removed
            close = weakref.WeakMethod(self.close)
            space.on_close(lambda: (method := close()) is not None and method())

    def _work(self, conn: Any, parent: int) -> None:  # pragma: no cover - forked child
        die_with_parent(parent)
        code = 0
        spool = self._spool
        assert spool is not None
        if self._idle:
            with contextlib.suppress(OSError):
                os.nice(19)
        try:
            ran_last = False
            for i in reversed(range(len(self._keys))):
                with self._lock:
                    if self._claimed.value >= i:
                        break
                    self._worker_at.value = i
                key = self._keys[i]
                try:
                    result = self._jobs[key]()
                except self._expected as exc:
                    conn.send((_ERROR, (key, str(exc))))
                    break
                if self._results:
                    conn.send((i, spool.write(pickle.dumps(result,
                                                           protocol=pickle.HIGHEST_PROTOCOL))))
            else:  # it ran every job: the caller has none to finish
                if self._last is not None:
                    key, job = self._last
                    try:
                        job()
                        ran_last = True
                    except self._expected as exc:
                        conn.send((_ERROR, (key, str(exc))))
            conn.send((_DONE, ran_last))
        except BaseException:
            code = 1
            try:
                conn.send((_ERROR, ("", traceback.format_exc(limit=5))))
            except Exception:  # noqa: S110 - the parent sees the pipe close
                pass
        finally:
            conn.close()
            os._exit(code)

    def get(self, key: str) -> Any:
        """The result of job `key` (raises RenderError if it failed). Each key is asked for
        once; asking in job order lets the worker take the most."""
        i = self._index[key]
        while self._receive(block=False):  # keep the pipe empty
            pass
        if i in self._ready:
            return self._load(i)
        if self._conn is None:
            return self._run(key)
        with self._lock:
            mine = i < self._worker_at.value
            if mine and i > self._claimed.value:
                self._claimed.value = i
        if mine:
            return self._run(key)
        while i not in self._ready and self._receive(block=True):
            pass
        return self._load(i) if i in self._ready else self._run(key)  # else: the worker is gone

    def run_all(self) -> None:
        """Run every job, for jobs whose results are not wanted (`results=False`): this process
        takes them from the front while the worker goes on from the back; returns once every
        job has run (raises RenderError if one failed)."""
        started = self._conn is not None
        for i, key in enumerate(self._keys):
            if self._conn is not None:
                with self._lock:
                    mine = i < self._worker_at.value
                    if mine:
                        self._claimed.value = i
                if not mine:  # the worker has this job and every later one: wait for it
                    while self._receive(block=True):
                        pass
            if key not in self._jobs:
                continue
            if started and self._conn is None:  # the worker is gone
                at = self._worker_at.value
                if i > at or (i == at and self._worker_done):
                    continue  # it ran this one (a job it was running when it died runs again)
            self._run(key)
        # The worker runs `last` only after the first job, which the caller then waited for.
        if self._last is not None and not self._last_ran:
            key, job = self._last
            try:
                job()
            except self._expected as exc:
                raise RenderError(key, str(exc)) from None

    def _receive(self, *, block: bool) -> bool:
        """Take one message from the worker; False when there is none (or no worker)."""
        if self._conn is None:
            return False
        try:
            if not block and not self._conn.poll():
                return False
            got, value = self._conn.recv()
        except (EOFError, OSError):
            self._stop()
            return False
        if got == _DONE:
            self._worker_done = True
            self._last_ran = bool(value)
            self._stop()
            return False
        if got == _ERROR:
            failed, message = value
            self.close()
            raise RenderError(failed, message)
        self._ready[got] = value
        return True

    def _load(self, i: int) -> Any:
        self._jobs.pop(self._keys[i], None)
        data = Spool.read(self._ready.pop(i))
        return pickle.loads(data)  # noqa: S301 - our own worker's, in our mkdtemp

    def _run(self, key: str) -> Any:
        job = self._jobs.pop(key)
        try:
            return job()
        except self._expected as exc:
            raise RenderError(key, str(exc)) from None

    def _stop(self) -> None:
        """The worker has finished (or died): no more messages; its results stay readable."""
        if self._process is not None:
            self._process.join(timeout=5)
            if self._process.is_alive():  # pragma: no cover - it said it was done
                self._process.terminate()
            self._process = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def close(self) -> None:
        """Stop the worker (if any) and remove its spool."""
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
        self._stop()
        self._ready.clear()
        if self._spool is not None:
            self._spool.close()
            self._spool = None
