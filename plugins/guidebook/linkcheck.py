"""An internal link check over a built site: every `href`/`src` that points at a site path
resolves to a file, and every `#anchor` exists in the page it points at.

External links (any URL scheme, `//host/...`, or outside `site_url`) are not fetched. Pure
Python (standard library only), so the CLI and the tests can run it on any built folder.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = frozenset({"href", "src"})
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True, order=True)
class BrokenLink:
    """A link in `file` (site-relative, `/`-separated) at `line` that does not resolve."""

    file: str
    line: int
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}: {self.target}"


@dataclass
class _Page:
    ids: set[str]
    links: list[tuple[int, str]]  # (line, target)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Page(set(), [])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.page.ids.add(value)
            elif name in LINK_ATTRS:
                self.page.links.append((line, value))

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _Page:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    collector.close()
    return collector.page


class LinkChecker:
    """Checks the HTML files of one built site; pages are parsed once and cached."""

    def __init__(self, site_dir: Path | str, *, site_url: str | None = None) -> None:
        self.root = Path(site_dir).resolve()
        parts = urlsplit(site_url or "")
        self.origin = f"{parts.scheme}://{parts.netloc}".lower() if parts.netloc else None
        self.base_path = base_path(site_url)
        self._pages: dict[str, _Page] = {}

    def page(self, rel: str) -> _Page:
        """The parsed page at a site-relative path."""
        if rel not in self._pages:
            self._pages[rel] = _parse(self.root / rel)
        return self._pages[rel]

    def html_files(self) -> list[str]:
        """Every HTML file of the site, site-relative and sorted."""
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html"))

    def check(self) -> list[BrokenLink]:
        """Every broken internal link of every HTML file, sorted."""
        broken: list[BrokenLink] = []
        for rel in self.html_files():
            for line, target in self.page(rel).links:
                reason = self.problem(rel, target)
                if reason:
                    broken.append(BrokenLink(rel, line, target, reason))
        return sorted(broken)

    def _site_path(self, target: str) -> str | None:
        """The path part of a link that stays inside the site, or None for an external one."""
        if target.startswith("//"):
            return None
        if _SCHEME.match(target):
            parts = urlsplit(target)
            if self.origin is None or f"{parts.scheme}://{parts.netloc}".lower() != self.origin:
                return None
            target = parts.path or "/"
            if parts.fragment:
                target += "#" + parts.fragment
        return target

    def problem(self, rel: str, target: str) -> str | None:
        """Why `target`, linked from the page `rel`, does not resolve (None when it does)."""
        link = self._site_path(target.strip())
        if link is None:
            return None
        path, _, fragment = link.partition("#")
        path = unquote(path.split("?", 1)[0])
        if not path:
            dest = rel
        else:
            if path.startswith("/"):
                if not (path + "/").startswith(self.base_path) and path != self.base_path.rstrip("/"):
                    return "outside the site"
                joined = path[len(self.base_path):] if len(path) >= len(self.base_path) else ""
            else:
                joined = posixpath.join(posixpath.dirname(rel), path)
            dest = posixpath.normpath(joined) if joined else "."
            if dest == ".." or dest.startswith("../"):
                return "outside the site"
            full = self.root / dest if dest != "." else self.root
            if full.is_dir():
                dest = posixpath.normpath(posixpath.join(dest, "index.html"))
                full = self.root / dest
            if not full.is_file():
                return "missing file"
            if self.root not in full.resolve().parents:
                return "outside the site"
        fragment = unquote(fragment)
        if fragment and dest.endswith(".html") and fragment not in self.page(dest).ids:
            return "missing anchor"
        return None


def base_path(site_url: str | None) -> str:
    """The path the site is served at, from `site_url` (`https://x.test/connect/` gives
    `/connect/`); `/` for a site at the host's root or without a `site_url`."""
    path = unquote(urlsplit((site_url or "").strip()).path).strip("/")
    return f"/{path}/" if path else "/"


def link_path(page_url: str, target: str, *, base: str = "/") -> str | None:
    """The site path (`/`-separated, no leading `/`) that `target`, written on the page at
    `page_url` (`connectors/x/`), points at, as a browser resolves it: `/...` from the root of
    the host, where the site's root is `base` (`base_path`), anything else from the page. None
    for external links and links within the page; a path starting with `../` leaves the site
    (`/images/a.png` on a site served at `/connect/` is `../images/a.png`)."""
    target = target.strip()
    if not target or target.startswith(("#", "//")) or _SCHEME.match(target):
        return None
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return None
    if path.startswith("/") and base != "/":
        return posixpath.relpath(posixpath.normpath(path), base)
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(page_url, path)
    return posixpath.normpath(joined) if joined else "."


def from_page(page_url: str, path: str) -> str:
    """The site path `path` written relative to the page at `page_url` (a directory URL), as
    a link in that page's text: `../../images/a.png` from `connectors/x/`."""
    if path in ("", "."):
        return "../" * page_url.count("/") or "./"
    return "../" * page_url.count("/") + path


def path_exists(path: str, site_paths: Collection[str]) -> bool:
    """True when the site path names a file of the site (`site_paths`: every file's path),
    or a folder with an index.html."""
    if path in ("", "."):
        return "index.html" in site_paths
    return path in site_paths or posixpath.join(path, "index.html") in site_paths


def check_site(site_dir: Path | str, *, site_url: str | None = None) -> list[BrokenLink]:
    """Every broken internal link of the site built in `site_dir` (empty when all resolve)."""
    return LinkChecker(site_dir, site_url=site_url).check()


__all__ = ["BrokenLink", "LinkChecker", "base_path", "check_site", "from_page", "link_path",
           "path_exists"]
