"""Render pages on the second core while the site generator goes on with the first.

`Prerender` takes the page jobs of a build (key -> zero-argument function) and, where the
platform can fork, shares them with a forked worker process: the worker takes all but every
`worker_every`-th job and streams each result back through a pipe in job order, while the
caller runs its own share as it asks for results (`get`); what the worker sent early waits in
a buffer. Without fork, or with `parallel=False`, every job runs in-process on first request.
Either way each job runs once and gives the same result: the output does not depend on how it
was computed.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any

_ERROR = "\x00error"
_DONE = "\x00done"


class RenderError(Exception):
    """A job failed (in the worker or in-process); the message names the job."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def can_fork() -> bool:
    """True where a forked worker is available (Linux and other POSIX, not macOS/Windows)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class Prerender:
    """Results of page jobs, computed ahead by a forked worker when possible."""

    def __init__(self, jobs: Iterable[tuple[str, Callable[[], Any]]], *,
                 parallel: bool = True, expected: tuple[type[BaseException], ...] = (),
                 worker_every: int = 3) -> None:
        self._jobs = dict(jobs)
        # The worker takes every job but each `worker_every`-th, which the caller keeps.
        self._theirs = {k for i, k in enumerate(self._jobs) if worker_every < 2 or i % worker_every}
        self._expected = expected
        self._results: dict[str, Any] = {}
        self._conn: Any = None
        self._process: Any = None
        self._finished = False
        if parallel and can_fork() and len(self._jobs) > 1:
            self._start()

    @property
    def parallel(self) -> bool:
        return self._process is not None

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=self._work, args=(sender,), daemon=True,
                                  name="guidebook-render")
        process.start()
        sender.close()
        self._conn, self._process = receiver, process

    def _work(self, conn: Any) -> None:  # pragma: no cover - runs in the forked child
        code = 0
        try:
            for key, job in self._jobs.items():
                if key not in self._theirs:
                    continue
                try:
                    conn.send((key, job()))
                except self._expected as exc:
                    conn.send((_ERROR, (key, str(exc))))
                    break
            conn.send((_DONE, None))
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
        """The result of job `key` (raises RenderError if it failed)."""
        if key in self._results:
            return self._results.pop(key)
        if self._conn is None or self._finished or key not in self._theirs:
            return self._run(key)
        while True:
            try:
                got, value = self._conn.recv()
            except (EOFError, OSError):
                self._finished = True
                self.close()
                return self._run(key)  # the worker is gone: do the rest here
            if got == _DONE:
                self._finished = True
                self.close()
                return self._run(key)
            if got == _ERROR:
                failed, message = value
                self.close()
                raise RenderError(failed, message)
            self._jobs.pop(got, None)
            if got == key:
                return value
            self._results[got] = value

    def _run(self, key: str) -> Any:
        job = self._jobs.pop(key)
        try:
            return job()
        except self._expected as exc:
            raise RenderError(key, str(exc)) from None

    def close(self) -> None:
        """Stop the worker (if any) and release the pipe."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join(timeout=5)
            self._process = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
