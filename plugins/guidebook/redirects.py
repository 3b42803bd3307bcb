"""Redirects from a guide's old URLs (`redirect_from:`) and the check that no guide URL of a
previous build disappeared without one (`guidebook validate --against`)."""

from __future__ import annotations

import html
import posixpath
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .errors import Problem
from .model import Source
from .site import GuideSite
from .words import Words

GUIDE_URL = re.compile(r"(?:^|/)(connectors/[^/]+/guides/[^/]+/[^/]+)(?:/|/index\.html|\.md)$")


@dataclass(frozen=True)
class Redirect:
    """A page at `dest` (a file of the site) sending readers to the guide at `target`."""

    old: str  # as written in redirect_from
    dest: str  # e.g. harvest/token/index.html
    target: str  # the guide's URL, site-relative, e.g. connectors/harvest/guides/.../
    source: Source  # where it was written


def redirect_dest(old: str) -> str:
    """The file serving an old URL: `a/b/` and `a/b` -> `a/b/index.html`, `a/b.html` stays."""
    if old.endswith(".html"):
        return old
    return posixpath.join(old.rstrip("/"), "index.html")


def redirects(site: GuideSite) -> tuple[list[Redirect], list[Problem]]:
    """Every guide's redirects, and the problems among them (an old URL that is a guide's
    current URL, or that two guides claim)."""
    current = {p.url for p in site.pages}
    found: dict[str, Redirect] = {}
    problems: list[Problem] = []
    for page in site.pages:
        at = page.guide.source_of("redirect_from")
        for old in page.guide.redirect_from:
            dest = site.options.url_prefix + redirect_dest(old)  # (a language's folder)
            if posixpath.dirname(dest) + "/" in current:
                problems.append(Problem(at, f"redirect_from '{old}' is the URL of a guide "
                                            f"of this site", "remove it from redirect_from"))
                continue
            if dest in found:
                problems.append(Problem(at, f"redirect_from '{old}' is claimed by another "
                                            f"guide too ({found[dest].target})",
                                        "keep it in one guide"))
                continue
            found[dest] = Redirect(old, dest, page.url, at)
    return list(found.values()), problems


def redirect_page(dest: str, target: str, site_url: str | None, words: Words | None = None,
                  language: str | None = None) -> str:
    """A small HTML page sending the reader at `dest` to `target` (both site-relative), in
    the site's words (the messages `redirect.title` and `redirect.text`; English without
    them) and `language` (the site's, its `lang`; the words' catalog's without it)."""
    words = words or Words()
    relative = posixpath.relpath(target.rstrip("/") or ".", posixpath.dirname(dest) or ".")
    relative = relative + "/" if target.endswith("/") else relative
    canonical = (site_url.rstrip("/") + "/" + target) if site_url else relative
    url, canon = html.escape(relative), html.escape(canonical)
    lang = html.escape(language or words.language)
    title = html.escape(words.text("redirect.title"))
    moved = words.html("redirect.text", page=relative, page_url=relative)
    return (f"<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title}</title>\n"
            f"<link rel=\"canonical\" href=\"{canon}\">\n"
            "<meta name=\"robots\" content=\"noindex\">\n"
            f"<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n"
            f"<p>{moved}</p>\n</body>\n</html>\n")


def previous_guide_urls(against: str) -> list[str]:
    """The guide URLs of a previous build: a site folder (its guide pages), an llms.txt file
    or an http(s) URL of one (its links)."""
    if against.startswith(("http://", "https://")):
        with urllib.request.urlopen(against, timeout=30) as response:  # noqa: S310 - http(s) only
            return _from_llms(response.read().decode("utf-8", "replace"))
    path = Path(against)
    if path.is_dir():
        found = (p.relative_to(path).as_posix() for p in path.glob("connectors/*/guides/*/*/index.html"))
    elif path.is_file():
        return _from_llms(path.read_text(encoding="utf-8"))
    else:
        raise FileNotFoundError(against)
    return sorted({m.group(1) + "/" for m in map(GUIDE_URL.search, found) if m})


def _from_llms(text: str) -> list[str]:
    urls = re.findall(r"\]\(([^)\s]+)\)", text)
    found = (GUIDE_URL.search(urlparse(u).path) for u in urls)
    return sorted({m.group(1) + "/" for m in found if m})


def gone(previous: list[str], site: GuideSite) -> list[str]:
    """Guide URLs of `previous` that this site neither has nor redirects."""
    kept = {p.url for p in site.pages}
    kept |= {posixpath.dirname(redirect_dest(old)) + "/"
             for p in site.pages for old in p.guide.redirect_from}
    return [url for url in previous if url not in kept]
