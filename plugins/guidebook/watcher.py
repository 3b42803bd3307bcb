"""A save in the guides folder, seen as the kernel reports it: `mkdocs serve`'s own watcher
polls every half second (MkDocs chose polling so that network and VM shares work too), which
was up to half of the time from a save to the page served on a big site.

`QuickWatch` watches the guides folder with inotify (Linux; watchdog, MkDocs' own watcher
library) and wakes the server's build loop the way the poller does. Where the folder is on a
local file system (`sees_everything`: the kernel makes every change there itself, and no link
below the folder leads elsewhere) it replaces the poller for that folder, which at 5,000 guides
took 0.12 s of the serve process every half second, idle or not. Elsewhere (a network or VM
share, where a change made on the other side reaches no inotify watch) the poller stays beside
it; where both report a save, the later report finds nothing changed (`building.UNCHANGED`),
which leaves the site and the open pages as they are.

The server is duck-typed (no MkDocs import): MkDocs 1.x's `LiveReloadServer` keeps its wake-up
in `_want_rebuild` under `_rebuild_cond`, and its pages' version in `_wanted_epoch` and
`_visible_epoch` under `_epoch_cond`. A server without them gets no quick watch (the poller
alone), and `keep_pages` does nothing.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

log = logging.getLogger("mkdocs.plugins.guidebook")

# File systems where inotify reports every change: the kernel makes each of them itself. Not
# NFS, SMB, 9p, FUSE, virtiofs or VirtualBox shares: a change made on the server's or the host's
# side of those reaches no watch here.
LOCAL_FILESYSTEMS = frozenset({"ext2", "ext3", "ext4", "xfs", "btrfs", "bcachefs", "zfs", "f2fs",
                               "jfs", "reiserfs", "nilfs2", "tmpfs", "ramfs", "overlay"})

# Events of a file that changed, came, went or was touched ("attrib": `touch` asks for a build,
# as it does of MkDocs' poller). Not "opened" or "closed_no_write": the build reads every guide,
# and reading must not wake it again.
CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed", "attrib"})


def _wakes(event: Any, folder: str) -> bool:
    """Whether a watchdog event is a change of a visible file below `folder` (the site is not
    built from hidden files and folders, such as an editor's swap files: `servecache.Inputs`)."""
    if event.is_directory or event.event_type not in CHANGES:
        return False
    paths = [os.fsdecode(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
    return any(not any(part.startswith(".") for part in os.path.relpath(p, folder).split(os.sep))
               for p in paths)


def filesystem(path: str, mountinfo: str | None = None) -> str | None:
    """The type of the file system `path` is on, from the mount table (`mountinfo`: the text of
    /proc/self/mountinfo, read when not given); None where there is none (not Linux)."""
    if mountinfo is None:
        try:
            with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as f:
                mountinfo = f.read()
        except OSError:
            return None
    path = os.path.realpath(path)
    found, longest = None, -1
    for line in mountinfo.splitlines():
        fields, _, rest = line.partition(" - ")
        parts, kind = fields.split(" "), rest.split(" ")[0]
        if len(parts) < 5 or not kind:
            continue
        point = _unescape(parts[4])
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= longest:  # (the later of two mounts on one point is on top)
            found, longest = kind, len(point)
    return found


def _unescape(field: str) -> str:
    """A mount table field: space, tab, newline and backslash are written as octal escapes."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _shown(folder: str) -> str:
    """`folder` as MkDocs shows the paths it watches: relative to the working folder when it is
    inside it."""
    relative = os.path.relpath(folder)
    return folder if relative == ".." or relative.startswith(".." + os.sep) else relative


def _has_links(folder: str) -> bool:
    """Whether some entry below `folder` is a symbolic link (MkDocs' poller follows them; an
    inotify watch of the folder does not see what changes where they lead)."""
    try:
        with os.scandir(folder) as entries:
            return any(e.is_symlink() or (e.is_dir() and _has_links(e.path)) for e in entries)
    except OSError:
        return True  # (unreadable: let the poller watch it as before)


class QuickWatch:
    """An inotify watch of `folder` that wakes `server`'s build loop; made by `start`, ended by
    `stop` (the plugin starts it at `on_serve`, and again when a build's options name another
    guides folder, and stops it then and at `on_shutdown`)."""

    def __init__(self, server: Any, folder: str, observer: Any) -> None:
        self.server, self.folder, self.observer = server, folder, observer
        # Whether this watch sees every change below the folder: then MkDocs' poller need not
        # watch it too.
        self.sees_everything = (filesystem(folder) in LOCAL_FILESYSTEMS
                                and not _has_links(folder))

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
        if watch.sees_everything:  # (MkDocs' list of the paths it watches leaves it out)
            log.info(f"guidebook: watching '{_shown(watch.folder)}' for changes (inotify)")
        else:
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
