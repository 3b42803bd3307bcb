"""What `mkdocs serve` keeps from one build to the next, so that an edit re-renders only what
it changed.

Under `mkdocs serve` MkDocs rebuilds the whole site after every change. guidebook keeps, for
the length of the serve session (the plugin makes one `ServeCache` at `on_startup` and drops it
at `on_shutdown`), what the expensive steps made from their inputs, each under a digest of
everything that step reads:

- a loaded file (its guides, connector and problems), by its path, size and modification time
  and those of the partials it read;
- a page's body and twin, by the stamps of the files its model comes from (its guide's file,
  or its connector's files and its guides', or every file for the connectors index) and URL;
- a page's theme page and search sections, by its content, title, meta, URLs (its canonical
  URL, its Edit button's link to its source file) and the navigation every page shows (titles,
  URLs, the icons and statuses of its pages' meta).

All of it sits under the session's key: the plugin options, mkdocs.yml and the files it
inherits from, the template override folders, the build date. When that key changes,
everything is rebuilt (the honest answer to an edited template or brand). An entry whose
digest differs is rendered again; the output is the same as a clean build's, because every
entry is what the same code made from the same inputs.

The cache also holds the session's last successful build (`last`), with the `Inputs` it read:
when only guide files changed since, that build applies the edit to its site in place instead
of MkDocs building the whole site again (see `Build.apply_edit`).

This module must not import mkdocs.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


def digest(*parts: Any) -> bytes:
    """A short digest of picklable `parts` (a tree: no object may contain itself). Equal
    values give equal digests whether or not they are the same objects: the pickler keeps no
    memo (which would write a repeated object as a reference to its first place)."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo
    pickler.dump(parts)
    return hashlib.blake2b(out.getbuffer(), digest_size=16).digest()


def stamp(path: Path | str) -> tuple[int, int] | None:
    """A file's modification time and size (None if it is gone)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def folder_stamps(folder: Path | str | None, wanted: Callable[[str], bool] | None = None,
                  others: list[tuple[str, tuple[int, int] | None]] | None = None,
                  ) -> list[tuple[str, tuple[int, int] | None]]:
    """`stamp` of every file below `folder` (sorted), or of those whose name is `wanted` (in
    folders whose name does not start with a dot; the others' whose name does not start with
    a dot go to `others`).

    Without `wanted` (the docs folder, template folders), links to folders are followed, as
    MkDocs' `get_files` walks the docs folder; a link back to a folder it is inside of (a
    loop, which MkDocs walks again and again until the path is too long) is not entered: what
    it leads to is walked already. With `wanted` (the guides folder) they are not, as the
    guides' loader does not enter them (`load.find_guide_files`)."""
    if not folder or not os.path.isdir(folder):
        return []
    follow = wanted is None
    inside = {str(folder): {os.path.realpath(folder)}}  # a folder -> the real folders it is in
    found = []
    for root, dirs, files in os.walk(folder, followlinks=follow):
        if wanted is not None:
            dirs[:] = [d for d in dirs if not d.startswith(".")]
        dirs.sort()
        if follow:
            above = inside.pop(root)
            for name in list(dirs):
                real = os.path.realpath(os.path.join(root, name))
                if real in above:
                    dirs.remove(name)
                else:
                    inside[os.path.join(root, name)] = above | {real}
        for name in sorted(files):
            path = os.path.join(root, name)
            if wanted is not None and not wanted(name):
                if others is not None and not name.startswith("."):
                    others.append((path, stamp(path)))
                continue
            found.append((path, stamp(path)))
    return found


def config_files(path: Path | str | None) -> list[str]:
    """The config file `path` and the files it inherits from (`INHERIT:`, which may inherit
    again, each relative to the file that names it): what MkDocs reads the config from."""
    found: list[str] = []
    while path and os.path.isfile(path) and os.path.abspath(path) not in found:
        found.append(os.path.abspath(path))
        parent = None
        with open(path, encoding="utf-8", errors="replace") as file:
            for line in file:
                if line.startswith("INHERIT:"):
                    parent = line.partition(":")[2].partition(" #")[0].strip().strip("'\"")
        path = os.path.join(os.path.dirname(path), parent) if parent else None
    return found


class Inputs:
    """The stamps of the files a build reads, taken before it reads them: the files below the
    guides folder whose names are `wanted`, and every file of the other files and folders it
    depends on (mkdocs.yml, the docs folder, template overrides...; the guides folder left out
    of them when it is inside one)."""

    def __init__(self, guides_dir: Path, others: Iterable[Path | str],
                 wanted: Callable[[str], bool]) -> None:
        self.guides_dir, self.wanted = guides_dir, wanted
        self.others = sorted({os.path.abspath(p) for p in others})
        # (and the guides folder's other files: an image MkDocs copies when the guides are in
        # the docs folder; not hidden ones, such as an editor's swap files)
        self.unread: list[tuple[str, tuple[int, int] | None]] = []
        self.guides = dict(folder_stamps(guides_dir, wanted, self.unread))
        skip = os.path.abspath(guides_dir)
        self.rest = [(p, [s for s in folder_stamps(p)
                          if not s[0].startswith(skip + os.sep)] if os.path.isdir(p) else stamp(p))
                     for p in self.others]

    def again(self) -> Inputs:
        """The same files' stamps now."""
        return Inputs(self.guides_dir, self.others, self.wanted)

    def same(self, now: Inputs) -> bool:
        """Whether no file changed, came or went between `self` and `now` (but hidden ones
        of the guides folder: a watcher also reports an editor's temporary files)."""
        return now.guides == self.guides and self._others_same(now)

    def guides_alone_changed(self, now: Inputs) -> bool:
        """Whether files of the guides folder changed between `self` and `now` and nothing
        else did: no other input, and no file came or went (the site's files are others
        then)."""
        return (now.guides.keys() == self.guides.keys() and now.guides != self.guides
                and self._others_same(now))

    def _others_same(self, now: Inputs) -> bool:
        return now.rest == self.rest and now.unread == self.unread


class ServeCache:
    """The outputs of one serve session's last build, by the digest of their inputs."""

    def __init__(self) -> None:
        self.session: bytes | None = None
        self.last: Any = None  # the last successful build (a closed `building.Build`)
        self._loaded: dict[Path, tuple[list[tuple[Path, Any]], Any]] = {}
        self._bodies: dict[str, tuple[bytes, Any]] = {}
        self._pages: dict[str, tuple[bytes, Any]] = {}
        # a loaded file's name (as in messages) -> the stamps it was loaded at: what the pages
        # made from it are keyed by
        self.tokens: dict[str, Any] = {}

    def begin(self, session: bytes) -> None:
        """Start a build whose settings give the key `session`: a new key drops everything.
        The last build's site is about to go: it cannot take an edit any more."""
        self.last = None
        if session != self.session:
            self._loaded.clear()
            self._bodies.clear()
            self._pages.clear()
            self.tokens.clear()
            self.session = session

    # -- loaded files ------------------------------------------------------------------------

    def loaded(self, path: Path) -> Any | None:
        """What `path` gave last time, if it and the partials it read are unchanged."""
        entry = self._loaded.get(path)
        if entry is None:
            return None
        stamps, value = entry
        if any(stamp(p) != s for p, s in stamps):
            del self._loaded[path]
            return None
        return value

    def keep_loaded(self, path: Path, partials: Iterable[Path], value: Any,
                    before: tuple[int, int] | None) -> None:
        """Keep what `path` gave; `before` is its stamp taken before it was read (an edit
        while it was read is seen next time)."""
        self._loaded[path] = ([(path, before), *((p, stamp(p)) for p in partials)], value)

    def token(self, path: Path) -> Any:
        """The stamps `path` (and the partials it read) were loaded at."""
        entry = self._loaded.get(path)
        return entry[0] if entry is not None else None

    def forget_files(self, live: Iterable[Path]) -> None:
        """Drop the files that are gone."""
        keep = set(live)
        for path in [p for p in self._loaded if p not in keep]:
            del self._loaded[path]

    # -- pages -------------------------------------------------------------------------------

    def body(self, src_uri: str, key: bytes) -> Any | None:
        entry = self._bodies.get(src_uri)
        return entry[1] if entry is not None and entry[0] == key else None

    def body_entry(self, src_uri: str) -> tuple[bytes, Any] | None:
        """The key and value of the body kept for `src_uri`."""
        return self._bodies.get(src_uri)

    def keep_body(self, src_uri: str, key: bytes, value: Any) -> None:
        self._bodies[src_uri] = (key, value)

    def page(self, src_uri: str, key: bytes) -> Any | None:
        entry = self._pages.get(src_uri)
        return entry[1] if entry is not None and entry[0] == key else None

    def keep_page(self, src_uri: str, key: bytes, value: Any) -> None:
        self._pages[src_uri] = (key, value)

    def forget_pages(self, live: Iterable[str]) -> None:
        """Drop the pages that are gone."""
        keep = set(live)
        for table in (self._bodies, self._pages):
            for src_uri in [u for u in table if u not in keep]:
                del table[src_uri]


__all__ = ["Inputs", "ServeCache", "config_files", "digest", "folder_stamps", "stamp"]
