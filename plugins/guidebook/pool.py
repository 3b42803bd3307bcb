"""Page work on every core: the keyed jobs of one build step, run by a standard-library
process pool.

`Jobs` takes the jobs of one step (key -> zero-argument function) in the order the caller will
ask for their results. With more than one worker it hands them, in chunks and in that order, to
a `concurrent.futures.ProcessPoolExecutor` whose workers are forked from this process when the
step starts. The jobs themselves are never pickled: a forked worker finds them in the table it
inherited (`_TABLES`), so a job may use anything this process held at the fork (the site model,
the navigation, the Jinja environment, page contents). Only results come back, pickled; a job
whose output is a file writes it itself and returns little or nothing. With one worker (or
where there is no fork) a job runs in this process when its result is asked for. Either way a
job gives the same result: the output does not depend on where it ran.

Workers die with this process (Linux parent-death signal) and leave Ctrl-C to it; a build stops
its pool when it ends, fails or is interrupted (see `workspace`).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import itertools
import math
import multiprocessing
import os
import signal
import sys
import weakref
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from . import workspace


class RenderError(Exception):
    """A job failed (in a worker or here); the message names the job."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def available_cpus() -> int:
    """The CPUs this process may use, at least 1: those it may run on (its affinity mask), or
    fewer when its cgroup has a CPU quota (a container started with `--cpus 2` on a 64-core
    host may run on every core, but gets two cores' time: 64 workers would share it)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cpus = os.cpu_count() or 1
    quota = cgroup_cpus()
    return max(1, min(cpus, quota) if quota is not None else cpus)


def cgroup_cpus(root: str = "/sys/fs/cgroup", cgroups: str = "/proc/self/cgroup") -> int | None:
    """The CPU quota of this process's cgroup and the cgroups above it, rounded up to whole
    CPUs; None without one. cgroup v2: `cpu.max` ("max" is none); v1: `cpu.cfs_quota_us`
    (-1 is none) over `cpu.cfs_period_us`."""
    limits: list[float] = []
    for line in _read(cgroups).splitlines():
        _, controllers, path = line.split(":", 2)
        parts = [part for part in path.split("/") if part]
        folders = ["/".join(parts[:i]) for i in range(len(parts), -1, -1)]  # then each parent
        if controllers == "":  # v2 (mounted at root, or at root/unified beside v1)
            v2 = root if os.path.exists(os.path.join(root, "cgroup.controllers")) \
                else os.path.join(root, "unified")
            pairs = [_read(os.path.join(v2, f, "cpu.max")).split() for f in folders]
        elif "cpu" in controllers.split(","):  # v1
            v1 = os.path.join(root, controllers)
            v1 = v1 if os.path.isdir(v1) else os.path.join(root, "cpu")
            pairs = [[_read(os.path.join(v1, f, "cpu.cfs_quota_us")),
                      _read(os.path.join(v1, f, "cpu.cfs_period_us"))] for f in folders]
        else:
            continue
        limits += [int(quota) / int(period) for quota, period in (p for p in pairs if len(p) == 2)
                   if quota.isdigit() and period.isdigit() and int(quota) > 0 and int(period) > 0]
    return max(1, math.ceil(min(limits))) if limits else None


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read().strip()
    except OSError:
        return ""


def can_fork() -> bool:
    """True where forked workers are available (Linux)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


_PR_SET_PDEATHSIG = 1
_STOPS = {signal.SIGINT, signal.SIGTERM}  # the signals that stop a build


def _start_worker(parent: int) -> None:  # pragma: no cover - runs in the forked worker
    """Right after the fork: the kernel kills this worker when its parent dies (parent-death
    signal; if the parent died before that was set, exit now). Ctrl-C and SIGTERM are the
    parent's to handle: it stops its pool. The worker's collections leave what it inherits
    alone (frozen: no copy-on-write of the parent's objects)."""
    gc.freeze()
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)  # (held by the parent as it forked)


# The job tables of the steps running now, by id: a forked worker inherits them.
_TABLES: dict[int, dict[str, Callable[[], Any]]] = {}
_IDS = itertools.count(1)


class _Failed:
    """A job's expected error, sent back in place of its result."""

    def __init__(self, message: str) -> None:
        self.message = message


def _run_chunk(table: int, keys: list[str],
               expected: tuple[type[BaseException], ...]) -> list[Any]:
    """In a worker: the results of the jobs `keys` of the inherited table `table`."""
    jobs = _TABLES[table]
    results: list[Any] = []
    for key in keys:
        try:
            results.append(jobs[key]())
        except expected as exc:
            results.append(_Failed(str(exc)))
    return results


class Jobs:
    """The results of one step's jobs, computed by `workers` forked processes (or here)."""

    def __init__(self, jobs: Iterable[tuple[str, Callable[[], Any]]], *, workers: int = 1,
                 expected: tuple[type[BaseException], ...] = ()) -> None:
        self._jobs = dict(jobs)
        self._expected = expected
        self._table = next(_IDS)
        self._pool: ProcessPoolExecutor | None = None
        self._chunks: dict[str, Future[list[Any]]] = {}  # key -> the chunk computing it
        self._keys: dict[int, list[str]] = {}  # id(chunk future) -> its keys
        self._results: dict[str, Any] = {}  # results of finished chunks, not yet taken
        workers = min(workers, len(self._jobs) - 1)
        if workers > 1 and can_fork():
            self._start(workers)

    @property
    def parallel(self) -> bool:
        return self._pool is not None

    def _start(self, workers: int) -> None:
        # The first job runs here, before the fork: the workers inherit what it warmed (the
        # compiled templates, the Markdown parser, the caches) instead of each making them.
        first = next(iter(self._jobs))
        try:
            self._results[first] = self._jobs.pop(first)()
        except self._expected as exc:
            self._results[first] = _Failed(str(exc))
        _TABLES[self._table] = self._jobs
        keys = list(self._jobs)
        # chunks small enough to keep every worker busy to the end, big enough to make the
        # round trips few
        size = max(1, min(64, len(keys) // (workers * 8)))
        space = workspace.active()
        if space is not None:  # stopped before the build's folder is removed (registered
            # first: a build stopped while the pool starts stops what it started of it)
            close = weakref.WeakMethod(self.close)
            space.on_close(lambda: (method := close()) is not None and method())
        # The workers fork at the first submit. A Ctrl-C or SIGTERM that lands while Python
        # runs its fork callbacks is lost (an exception there is printed and ignored: the
        # build went on and exited 0), so both wait until the workers are forked.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        try:
            self._pool = ProcessPoolExecutor(max_workers=workers,
                                             mp_context=multiprocessing.get_context("fork"),
                                             initializer=_start_worker, initargs=(os.getpid(),))
            for at in range(0, len(keys), size):
                chunk = keys[at:at + size]
                future = self._pool.submit(_run_chunk, self._table, chunk, self._expected)
                self._keys[id(future)] = chunk
                for key in chunk:
                    self._chunks[key] = future
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def get(self, key: str) -> Any:
        """The result of job `key` (raises RenderError if it failed). Each key is asked for
        once; asking in job order keeps the fewest results waiting here."""
        if key not in self._results:
            future = self._chunks.pop(key, None)
            if future is None:
                return self._run(key)
            chunk = self._keys.pop(id(future), [])
            try:
                results = future.result()
            except BrokenProcessPool:  # a worker died: what it had left runs here
                self.close()
                return self._run(key)
            except Exception as exc:
                self.close()
                raise RenderError(key, f"{type(exc).__name__}: {exc}") from None
            for other, result in zip(chunk, results, strict=True):
                self._jobs.pop(other, None)
                self._chunks.pop(other, None)
                self._results[other] = result
        result = self._results.pop(key)
        if isinstance(result, _Failed):
            raise RenderError(key, result.message)
        return result

    def run_all(self) -> None:
        """Every job that has not been asked for, run (for jobs run for their effect)."""
        for key in list(self._chunks) + [k for k in self._jobs if k not in self._chunks]:
            if key in self._chunks or key in self._jobs:
                self.get(key)
        self._results.clear()

    def _run(self, key: str) -> Any:
        job = self._jobs.pop(key)
        try:
            return job()
        except self._expected as exc:
            raise RenderError(key, str(exc)) from None

    def close(self) -> None:
        """Stop the workers (jobs not yet run are dropped: they run here if asked for)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pending = [f for f in set(self._chunks.values()) if not f.done()]
            self._chunks.clear()
            self._keys.clear()
            if not pending:  # the usual end: the workers and the pool's thread exit now
                pool.shutdown(wait=True)
            else:  # a failed or abandoned step: busy workers are not waited for
                processes = list((getattr(pool, "_processes", None) or {}).values())
                pool.shutdown(wait=False, cancel_futures=True)
                for process in processes:
                    if process.is_alive():
                        process.terminate()
                for process in processes:
                    process.join(timeout=5)
        _TABLES.pop(self._table, None)


__all__ = ["Jobs", "RenderError", "available_cpus", "can_fork"]
