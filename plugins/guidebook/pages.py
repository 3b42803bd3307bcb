"""Standalone pages, for generators that run no plugin (Zensical, ProperDocs, MkDocs without
guidebook): every guide page, connector page and the connectors index as a Markdown file that
such a generator builds as an ordinary page, and the agent files of those pages for the built
site.

A page is YAML front matter (`title`, `description`, and a guide's `tags`) and the HTML the
plugin would put into the page, as one raw HTML block (Python-Markdown, which those generators
use, passes it through byte for byte). The block links the picker's stylesheet and script,
written beside the pages (`connectors/guidebook.css`, `connectors/guidebook.js`): the pages
work without any setting in the generator's configuration, and the script starts once however
often a page loads it. The HTML comes from `render.Renderer`, the twins and llms files from
`exports`: the same code paths as the plugin's.

This module must not import mkdocs.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from io import StringIO
from typing import Any

import yaml

from .exports import (
    Exporter,
    LlmsPage,
    LlmsSettings,
    alias_path,
    arrange,
    directive_html,
    llms_entries,
    llms_txt,
    page_actions_block,
    relative_url,
    site_url_of,
    twin_path,
    under_title,
    write_llms_full,
)
from .render import Renderer
from .site import ConnectorEntry, GuidePage, GuideSite

FOLDER = "connectors"  # the site folder the pages' URLs start with
INDEX = "connectors/"  # the connectors index's URL
ASSETS = ("guidebook.css", "guidebook.js")  # written beside the pages, in FOLDER
EXPORT_ASSETS = ("guidebook-export.css", "guidebook-export.js")  # the page action menu's
LLMS_TXT = "llms.txt"
LLMS_FULL = "llms-full.txt"


def _front_matter(title: str, description: str, tags: Iterable[str] = ()) -> str:
    """YAML front matter. MkDocs, Material and Zensical print titles and meta as HTML,
    unescaped (<title>, the navigation, <meta content>): guide text is data, so it is escaped
    here, as the plugin does."""
    meta: dict[str, Any] = {"title": html.escape(title), "description": html.escape(description)}
    if tags:
        meta["tags"] = [html.escape(t) for t in tags]
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{dumped}---\n"


def page_text(title: str, description: str, body: str, url: str, tags: Iterable[str] = (),
              *, head: str = "", assets: Iterable[str] = ASSETS) -> str:
    """The Markdown file of the page served at `url` (site-relative, `connectors/...`) with
    the HTML `body`: one raw HTML block that links the `assets` (files of the `connectors`
    folder), starting with `head` (the hidden index directive)."""
    base = f"{relative_url(url, FOLDER)}/"
    styles = "".join(f'<link rel="stylesheet" href="{base}{name}">\n'
                     for name in assets if name.endswith(".css"))
    scripts = "".join(f'<script src="{base}{name}"></script>\n'
                      for name in assets if name.endswith(".js"))
    return (f"{_front_matter(title, description, tags)}\n"
            f'<div class="gb-standalone">\n{head + chr(10) if head else ""}{styles}'
            f"{body.rstrip()}\n{scripts}</div>\n")


def _page_path(url: str) -> str:
    """A page's file below the `connectors` folder: `connectors/x/` -> `x/index.md`. In the
    folder the page is served from (with directory URLs), so the relative links of its HTML
    mean the same from the file as from the page (Zensical resolves them from the file)."""
    return url.removeprefix(FOLDER + "/") + "index.md"


def page_files(site: GuideSite, renderer: Renderer, *, title: str,
               url: Callable[[str], str] | None = None,
               actions: tuple[str, str] = ("", ""), llms_url: str | None = None
               ) -> dict[str, bytes]:
    """Path below the `connectors` folder -> bytes of every page and asset, sorted: the
    guides, the connector pages, the index titled `title`, and the assets. With `actions`
    (`exports.page_actions`) each page carries the page action menu for its twin (`url` makes
    site paths absolute, as for the twins) and its script and stylesheet; with `llms_url`
    the hidden index directive."""
    words = site.options.words
    absolute = url or site_url_of(None)
    head = directive_html(words, llms_url) if llms_url else ""
    assets = ASSETS + (EXPORT_ASSETS if actions[1] else ())
    files: dict[str, str | bytes] = {}

    def add(path: str, page_url: str, name: str, summary: str, body: str,
            tags: Iterable[str] = ()) -> None:
        block = page_actions_block(actions, page_url, twin_path(page_url), absolute,
                                   absolute_link=True)
        files[path] = page_text(name, summary, under_title(body, block), page_url, tags,
                                head=head, assets=assets)

    for page in site.pages:
        body, _ = renderer.guide(page, base_url=relative_url(page.url, ""))
        add(_page_path(page.url), page.url, page.title, page.description, body,
            page.guide.tags)
    for entry in site.connectors:
        body, _ = renderer.connector(entry, base_url=relative_url(entry.url, ""))
        add(_page_path(entry.url), entry.url, entry.name, entry.summary, body)
    body, _ = renderer.index(title=title, base_url=relative_url(INDEX, ""))
    add(_page_path(INDEX), INDEX, title, words.text("index.description"), body)
    folder = resources.files("guidebook.assets")
    for name in assets:
        files[name] = (folder / name).read_bytes()
    return {path: data.encode("utf-8") if isinstance(data, str) else data
            for path, data in sorted(files.items())}


def agent_files(site: GuideSite, exporter: Exporter, *, title: str, site_name: str,
                site_description: str | None = None, llms: LlmsSettings | None = None,
                full: bool = True) -> dict[str, bytes]:
    """Site path -> bytes of the agent outputs of the standalone pages, for the built site:
    each page's Markdown twin (at `<url>.md` and `<url>index.html.md`, as the plugin writes
    them), and, when the exporter has an llms path, llms.txt (the connectors index, each
    connector and its guides) and llms-full.txt (with `full`)."""
    words = site.options.words
    settings = llms or LlmsSettings()
    twins: dict[str, str] = {}
    pages: list[tuple[str, Any]] = [(p.url, p) for p in site.pages]
    pages += [(c.url, c) for c in site.connectors]
    pages.append((INDEX, None))
    for url, what in pages:
        if isinstance(what, GuidePage):
            export = exporter.guide(what)
        elif isinstance(what, ConnectorEntry):
            export = exporter.connector(what)
        else:
            export = exporter.index(title)
        twins[twin_path(url)] = export.text
        twins[alias_path(url + "index.html")] = export.text
    files: dict[str, str] = dict(twins)
    if exporter.directive:  # the exporter links llms.txt: there is one
        entries = llms_entries(site, {c.key: twin_path(c.url) for c in site.connectors},
                               [(p, twin_path(p.url)) for p in site.pages])
        index = LlmsPage(title, twin_path(INDEX), words.text("index.description"), url=INDEX)
        categories = [name for name, _ in site.placements]
        groups = arrange([index, *entries], settings, categories,
                         docs=words.text("llms.docs"))
        files[LLMS_TXT] = llms_txt(site_name, site_description, settings.details, groups,
                                   exporter.url, words.md("llms.details"))
        if full:
            guides = {twin_path(p.url) for p in site.pages}
            out = StringIO()
            write_llms_full(out, ((exporter.url(p.path), exporter.body_of(twins[p.path]))
                                   for _, items in arrange(entries, settings, categories)
                                   for p in items if p.path in guides))
            files[LLMS_FULL] = out.getvalue()
    return {path: text.encode("utf-8") for path, text in sorted(files.items())}


def settings_of(llms: Mapping[str, Any] | None) -> LlmsSettings:
    """LlmsSettings from the plugin's `llms` option as mkdocs.yml writes it."""
    llms = llms or {}
    sections = llms.get("sections") if isinstance(llms.get("sections"), dict) else {}
    optional = llms.get("optional") if isinstance(llms.get("optional"), list) else []
    details = llms.get("details")
    return LlmsSettings(sections={str(k): [str(g) for g in (v or [])] for k, v in sections.items()},
                        optional=[str(g) for g in optional],
                        details=str(details) if details is not None else None)
