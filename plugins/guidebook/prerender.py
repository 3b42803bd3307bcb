"""Render pages on the second core while the site generator goes on with the first.

`Prerender` takes the page jobs of a build (key -> zero-argument function) and, where the
platform can fork, shares them with a forked worker process. The worker takes all but every
`worker_every`-th job and streams each result back through a pipe in job order; the caller runs
its own share when it asks for a result (`get`), and what the worker sent early waits in a
buffer. Once its share is done, the worker runs the optional `late` step on each of its results
(for example: parse the page for the search index) and sends those too; `late_result` hands one
over only if it has already arrived, so the caller never waits for it and does that work itself
otherwise.

Without fork, or with `parallel=False`, every job runs in-process on first request. Either way
each job runs once and gives the same result: the output does not depend on how it was computed.
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
_LATE = "\x00late"


class RenderError(Exception):
    """A job failed (in the worker or in-process); the message names the job."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def can_fork() -> bool:
    """True where a forked worker is available (Linux)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class Prerender:
    """Results of page jobs, computed ahead by a forked worker when possible."""

    def __init__(self, jobs: Iterable[tuple[str, Callable[[], Any]]], *,
                 parallel: bool = True, expected: tuple[type[BaseException], ...] = (),
                 worker_every: int = 3, late: Callable[[Any], Any] | None = None,
                 late_input: Callable[[Any], Any] = lambda result: result) -> None:
        self._jobs = dict(jobs)
        # The worker takes every job but each `worker_every`-th, which the caller keeps.
        self._theirs = {k for i, k in enumerate(self._jobs) if worker_every < 2 or i % worker_every}
        self._expected = expected
        self._late = late
        self._late_input = late_input  # what of a result the late step needs (kept till then)
        self._results: dict[str, Any] = {}
        self._late_results: dict[str, Any] = {}
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
        done: list[tuple[str, Any]] = []
        try:
            for key, job in self._jobs.items():
                if key not in self._theirs:
                    continue
                try:
                    result = job()
                except self._expected as exc:
                    conn.send((_ERROR, (key, str(exc))))
                    break
                conn.send((key, result))
                if self._late is not None:
                    done.append((key, self._late_input(result)))
                del result
            else:
                done.reverse()  # pop from the end, in job order, dropping each when sent
                while done:
                    key, kept = done.pop()
                    conn.send((_LATE, (key, self._late(kept))))
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
        while self._receive(block=True):
            if key in self._results:
                return self._results.pop(key)
        return self._run(key)  # the worker is gone: do the rest here

    def late_result(self, key: str) -> tuple[bool, Any]:
        """(True, value) if the worker already sent the late step's value for `key`;
        (False, None) otherwise: never waits."""
        while key not in self._late_results and self._receive(block=False):
            pass
        if key in self._late_results:
            return True, self._late_results.pop(key)
        return False, None

    def _receive(self, *, block: bool) -> bool:
        """Take one message from the worker; False when there is none (or no worker)."""
        if self._conn is None or self._finished:
            return False
        try:
            if not block and not self._conn.poll():
                return False
            got, value = self._conn.recv()
        except (EOFError, OSError):
            self._finished = True
            self.close()
            return False
        if got == _DONE:
            self._finished = True
            self.close()
            return False
        if got == _ERROR:
            failed, message = value
            self.close()
            raise RenderError(failed, message)
        if got == _LATE:
            self._late_results[value[0]] = value[1]
        else:
            self._jobs.pop(got, None)
            self._results[got] = value
        return True

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
