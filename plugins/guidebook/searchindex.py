"""Material's search entries for guidebook's pages, computed with the page itself.

Material's search plugin parses every page's HTML in the main process; for the pages we render
that parse can run in the render worker instead (`sections`), beside the page. `SearchShortcut`
then hands the parsed sections to the search plugin's own `create_entry_for_section`, so the
index is exactly what the plugin would have built, and the plugin skips its parse for those
pages. The caller only hands over sections of the page's content as it is (another plugin may have
changed it); otherwise, or without Material's search, nothing changes.
"""

from __future__ import annotations

import html
import json
import os
import re
from types import SimpleNamespace
from typing import Any

try:  # Material for MkDocs 9.x
    from material.plugins.search.plugin import Parser as _Parser
    from material.plugins.search.plugin import SearchPlugin as _SearchPlugin
except ImportError:  # pragma: no cover - Material without its search plugin
    _Parser = _SearchPlugin = None

Sections = list[tuple[str | None, list[str], list[str]]]


def sections(content: str) -> Sections | None:
    """The search sections Material's parser finds in `content` (None without Material).

    HTML in the plain shape our templates write (lowercase tags, double-quoted attributes, no
    comments, scripts or styles) goes through `_Sections`, which follows Material's parser step
    by step but tokenises with one regular expression; anything else goes to Material's own
    parser. The results are the same (tests compare them on every page shape we write).
    """
    if _Parser is None:
        return None
    try:
        return _Sections(content).run()
    except _Unsupported:
        return material_sections(content)


def material_sections(content: str) -> Sections:
    """The search sections of `content`, from Material's own parser."""
    assert _Parser is not None
    parser = _Parser()
    parser.feed(content)
    parser.close()
    return [(s.id, list(s.title), list(s.text)) for s in parser.data if not s.is_excluded()]


class _Unsupported(Exception):
    """HTML outside the shape `_Sections` reads exactly: Material's parser takes it."""


_TAG = re.compile(r'<(?:([a-z][a-z0-9]*)((?:\s+[a-z_:][-a-z0-9_:.]*(?:="[^"<]*")?)*)\s*(/?)'
                  r'|/([a-z][a-z0-9]*))>')
_ATTR = re.compile(r'([a-z_:][-a-z0-9_:.]*)(="([^"<]*)")?')
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_KEEP = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
_PERMANENT = frozenset({"script", "style", "object"})


class _Section:
    __slots__ = ("depth", "excluded", "id", "tag", "text", "title")

    def __init__(self, tag: str, depth: float = 0, excluded: bool = False) -> None:
        self.tag, self.depth, self.excluded = tag, depth, excluded
        self.title: list[str] = []
        self.text: list[str] = []
        self.id: str | None = None


class _Sections:
    """Material's search `Parser` (9.x) over strictly shaped HTML. Like Material, elements
    compare by tag name: an excluded `div` mutes every open `div`, a heading's section takes
    text while any element with the heading's tag is open."""

    def __init__(self, content: str) -> None:
        self.content = content
        self.tags: list[str] = []  # open elements, outermost first
        self.attrs: list[dict[str, str | None]] = []
        self.skip = set(_PERMANENT)
        self.section: _Section | None = None
        self.data: list[_Section] = []

    def run(self) -> Sections:
        content, pos = self.content, 0
        find, match = content.find, _TAG.match
        while True:
            j = find("<", pos)
            if j < 0:
                rest = content[pos:]
                if "&" in rest:  # Material's parser may hold back text that ends in an entity
                    raise _Unsupported
                if rest:
                    self.handle_data(html.unescape(rest))
                break
            if j > pos:
                self.handle_data(html.unescape(content[pos:j]) if "&" in content[pos:j]
                                 else content[pos:j])
            m = match(content, j)
            if m is None:
                raise _Unsupported
            tag = m.group(1)
            if tag is None:
                self.handle_endtag(m.group(4))
            else:
                if tag in _PERMANENT:
                    raise _Unsupported
                raw = m.group(2)
                attrs: dict[str, str | None] = {}
                if raw:
                    for a in _ATTR.finditer(raw):
                        value = a.group(3)
                        attrs[a.group(1)] = None if value is None else (
                            html.unescape(value) if "&" in value else value)
                self.handle_starttag(tag, attrs)
                if m.group(3):
                    self.handle_endtag(tag)
            pos = m.end()
        return [(s.id, s.title, s.text) for s in self.data if not s.excluded]

    def _muted(self) -> bool:
        return not self.skip.isdisjoint(self.tags)

    def handle_starttag(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag in _VOID:
            return
        if tag == "pre" and "pre" in self.tags:  # never in our pages; Material's versions
            raise _Unsupported  # differ on it (9.2 keeps the nested block's white space twice)
        self.tags.append(tag)
        self.attrs.append(attrs)
        if tag in _HEADINGS:
            depth = len(self.tags)
            if "id" in attrs:
                if tag != "h1" and not self.data:
                    self.section = _Section("hx", depth)
                    self.data.append(self.section)
                self.section = _Section(tag, depth, "data-search-exclude" in attrs)
                if len(self.data):
                    self.section.id = attrs["id"]
                self.data.append(self.section)
        if self.section is None:
            self.section = _Section("hx")
            self.data.append(self.section)
        if "data-search-exclude" in attrs or attrs.get("class") == "linenodiv":
            self.skip.add(tag)
            return
        if tag in _KEEP and not self._muted():
            section = self.section
            (section.title if section.tag in self.tags else section.text).append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        tags = self.tags
        if not tags or tags[-1] != tag:
            return
        section = self.section
        assert section is not None
        if section.depth > len(tags):
            for other in reversed(self.data):
                if other.depth <= len(tags):
                    section.depth = float("inf")
                    self.section = section = other
                    break
        tags.pop()
        self.attrs.pop()
        if tag in self.skip:
            if tag not in _PERMANENT:
                self.skip.discard(tag)
            return
        if tag in _KEEP and not self._muted():
            data = section.title if section.tag in tags else section.text
            try:
                index = data.index(f"<{tag}>")
            except ValueError:  # Material's parser fails here: let it say so
                raise _Unsupported from None
            for i in range(index + 1, len(data)):
                if not data[i].isspace():
                    index = len(data)
                    break
            if len(data) > index:
                del data[index:]
            else:
                data.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        tags = self.tags
        if self._muted():
            return
        if "pre" not in tags:
            data = data.replace("\n", " ") if not data.isspace() else " "
        if self.section is None:
            self.section = _Section("hx")
            self.data.append(self.section)
        section = self.section
        if section.tag in tags:
            permalink = any(t == "a" and a.get("class") == "headerlink"
                            for t, a in zip(tags, self.attrs, strict=True))
            if not permalink:
                section.title.append(html.escape(data, quote=False))
        elif data.isspace():
            if "pre" in tags and section.text and section.text[-1].isspace():
                raise _Unsupported  # (white space after white space in a <pre>, split by
                # tags: Material 9.2 keeps one of them, later versions both)
            if not section.text or not section.text[-1].isspace() or "pre" in tags:
                section.text.append(data)
        else:
            section.text.append(html.escape(data, quote=False))


_REWRITTEN = re.compile(r'data-search-\w+="[^"]+"')


def rewritten(content: str) -> bool:
    """Whether Material's search plugin changes `content` before the theme renders it: at
    `on_page_context` it removes every `data-search-*="..."` attribute (those without a value,
    such as our `data-search-exclude`, stay)."""
    return _REWRITTEN.search(content) is not None


def _entry_json(entry: Any) -> str:
    """One entry of the index as the search plugin writes it (compact JSON)."""
    return json.dumps(entry, separators=(",", ":"), default=str)


def plugin_enabled(plugin: Any) -> bool:
    """The search plugin's `enabled` option; Material before 9.3.2 has none (always on)."""
    return bool(getattr(plugin.config, "enabled", True))


class SearchShortcut:
    """Feeds precomputed sections to Material's search plugin for our pages."""

    def __init__(self, plugins: Any) -> None:
        self.plugin: Any = None
        if _SearchPlugin is not None:
            for plugin in plugins.values():
                if isinstance(plugin, _SearchPlugin) and plugin_enabled(plugin) and hasattr(
                        getattr(plugin, "search_index", None), "create_entry_for_section"):
                    self.plugin = plugin
        self._taken: dict[str, tuple[Sections, str]] = {}  # sections and content, by page
        self._json: list[str] | None = None  # each entry of the index as JSON (`write_index`)

    def before(self, page: Any, found: Sections | None) -> None:
        """Before the search plugin (priority > 0): claim the page, with the sections parsed
        from its content. The caller makes sure nothing has changed that content since, and
        has rendered the page's theme page from a content the plugin leaves as it is
        (`rewritten`): the plugin gets an empty content until `after`, for the rewrite it
        still runs over every page (a regular expression tried at every character: 0.34 ms a
        guide page, in the build's own process)."""
        if self.plugin is None or found is None or "search" in page.meta:
            return
        page.meta["search"] = {"exclude": True}  # the plugin's own switch: skip the parse
        self._taken[page.file.src_uri] = (found, page.content)
        page.content = ""

    def replace(self, page: Any, found: Sections | None) -> None:
        """The page's entries in the index of the last build made again from `found` (its
        content changed: an edit under `mkdocs serve`), where they were (a page's entries are
        together, in the order of the pages)."""
        if self.plugin is None or found is None:
            return
        entries = self.plugin.search_index.entries
        url = page.url
        mine = [i for i, e in enumerate(entries)
                if e["location"] == url or e["location"].startswith(url + "#")]
        at = mine[0] if mine else len(entries)
        del entries[at:at + len(mine)]
        rest = entries[at:]
        del entries[at:]
        self._add(page, found)
        if self._json is not None:
            self._json[at:at + len(mine)] = [_entry_json(e) for e in entries[at:]]
        entries.extend(rest)

    def keep_json(self) -> None:
        """Turn every entry of the index into JSON now (at the end of a serve build that may
        take an edit in place: 0.2 s at 2,000 guides), so `write_index` needs only the
        entries `replace` makes."""
        if self.plugin is not None:
            self._json = [_entry_json(e) for e in self.plugin.search_index.entries]

    def write_index(self, config: Any) -> None:
        """Write the index into the site as the search plugin's `on_post_build` does (after
        `replace`: an edit under `mkdocs serve`). The plugin writes `{"config": …, "docs":
        [entries]}` as compact JSON; the config part comes from the plugin itself (its index
        made without entries), and only the entries `replace` made are turned into JSON again
        (the whole index: 0.1 s of 0.55 at 2,000 guides)."""
        index = self.plugin.search_index
        entries, index.entries = index.entries, []
        try:
            empty = index.generate_search_index(None)
        finally:
            index.entries = entries
        if not empty.endswith('"docs":[]}'):  # not the layout this knows: the plugin writes it
            self.plugin.on_post_build(config=config)
            return
        if self._json is None:
            self._json = [_entry_json(e) for e in entries]
        data = f"{empty[:-3]}[{','.join(self._json)}]}}"
        path = os.path.join(config.site_dir, "search", "search_index.json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(data.encode("utf-8"))

    def after(self, page: Any) -> None:
        """After the search plugin (priority < 0): add the page's entries, as it would have."""
        taken = self._taken.pop(page.file.src_uri, None)
        if taken is None:
            return
        found, page.content = taken
        del page.meta["search"]
        self._add(page, found)

    def _add(self, page: Any, found: Sections) -> None:
        index = self.plugin.search_index
        for ident, title, text in found:
            index.create_entry_for_section(SimpleNamespace(id=ident, title=title, text=text),
                                           page.toc, page.url, page)
