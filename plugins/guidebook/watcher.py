"""A save in the guides folder, seen as the kernel reports it: `mkdocs serve`'s own watcher
polls every half second (MkDocs chose polling so that network and VM shares work too), which
was up to half of the time from a save to the page served on a big site.

`QuickWatch` watches the guides folder with inotify (Linux; watchdog, MkDocs' own watcher
library) beside MkDocs' poller, and wakes the server's build loop the way the poller does. The
poller stays: where inotify sees nothing (a network mount) it still reports the save, and
where both report it the later report finds nothing changed (`building.UNCHANGED`), which
leaves the site and the open pages as they are.

The server is duck-typed (no MkDocs import): MkDocs 1.x's `LiveReloadServer` keeps its wake-up
in `_want_rebuild` under `_rebuild_cond`, and its pages' version in `_wanted_epoch` and
`_visible_epoch` under `_epoch_cond`. A server without them gets no quick watch (the poller
alone), and `keep_pages` does nothing.
"""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger("mkdocs.plugins.guidebook")

# Events of a file that changed, came or went. Not "opened" or "closed_no_write": the build
# reads every guide, and reading must not wake it again.
CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed"})


def _wakes(event: Any, folder: str) -> bool:
    """Whether a watchdog event is a change of a visible file below `folder` (the site is not
    built from hidden files and folders, such as an editor's swap files: `servecache.Inputs`)."""
    if event.is_directory or event.event_type not in CHANGES:
        return False
    paths = [os.fsdecode(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
    return any(not any(part.startswith(".") for part in os.path.relpath(p, folder).split(os.sep))
               for p in paths)


class QuickWatch:
    """An inotify watch of `folder` that wakes `server`'s build loop; made by `start`, ended by
    `stop` (the plugin starts it at `on_serve` and stops it at `on_shutdown`)."""

    def __init__(self, server: Any, folder: str, observer: Any) -> None:
        self.server, self.folder, self.observer = server, folder, observer

    @classmethod
    def start(cls, server: Any, folder: str) -> QuickWatch | None:
        """A running watch of `folder`, or None where there is no inotify (not Linux, no
        watches left: the poller then works alone) or the server is not MkDocs 1.x's."""
        if not all(hasattr(server, name) for name in ("_rebuild_cond", "_want_rebuild")):
            return None
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers.inotify import InotifyObserver
        except ImportError:  # (not Linux)
            return None
        watch = cls(server, os.path.abspath(folder), InotifyObserver())
        handler = FileSystemEventHandler()
        handler.on_any_event = watch._event  # type: ignore[method-assign]
        try:
            watch.observer.schedule(handler, watch.folder, recursive=True)
            watch.observer.start()
        except OSError as exc:  # (the user's inotify watches are used up, ...)
            log.debug(f"no inotify watch of {folder} ({exc}): MkDocs' poller alone sees saves")
            return None
        log.debug(f"watching {folder} with inotify beside MkDocs' poller")
        return watch

    def _event(self, event: Any) -> None:
        if _wakes(event, self.folder):
            log.debug(f"inotify: {event!r}")
            with self.server._rebuild_cond:
                self.server._want_rebuild = True
                self.server._rebuild_cond.notify_all()

    def stop(self) -> None:
        # (watchdog 6-7 logs an error when its reading thread is stopped between two reads,
        # a race of its own that loses nothing: not for the user's terminal at Ctrl-C)
        quiet = logging.getLogger("watchdog.observers.inotify")
        quiet.addFilter(_stopping)
        try:
            self.observer.stop()
            self.observer.join()
        finally:
            quiet.removeFilter(_stopping)


def _stopping(record: logging.LogRecord) -> bool:
    return "called when the thread is inactive" not in record.getMessage()


def keep_pages(server: Any) -> None:
    """Called by the build loop's builder when it changed nothing: the open pages are not
    told to reload (the loop marks every run as a new version of the site otherwise)."""
    cond = getattr(server, "_epoch_cond", None)
    if cond is None or not hasattr(server, "_visible_epoch"):
        return
    with cond:
        server._wanted_epoch = server._visible_epoch
        cond.notify_all()
