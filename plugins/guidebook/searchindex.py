"""Material's search entries for guidebook's pages, computed with the page itself.

Material's search plugin parses every page's HTML in the main process; for the pages we render
that parse can run in the render worker instead (`sections`), beside the page. `SearchShortcut`
then hands the parsed sections to the search plugin's own `create_entry_for_section`, so the
index is exactly what the plugin would have built, and the plugin skips its parse for those
pages. It only steps in when the page's content is byte for byte what was parsed (another
plugin may have changed it); otherwise, or without Material's search, nothing changes.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

try:  # Material for MkDocs 9.x
    from material.plugins.search.plugin import Parser as _Parser
    from material.plugins.search.plugin import SearchPlugin as _SearchPlugin
except ImportError:  # pragma: no cover - Material without its search plugin
    _Parser = _SearchPlugin = None

Sections = list[tuple[str | None, list[str], list[str]]]


def sections(content: str) -> Sections | None:
    """The search sections Material's parser finds in `content` (None without Material)."""
    if _Parser is None:
        return None
    parser = _Parser()
    parser.feed(content)
    parser.close()
    return [(s.id, list(s.title), list(s.text)) for s in parser.data if not s.is_excluded()]


class SearchShortcut:
    """Feeds precomputed sections to Material's search plugin for our pages."""

    def __init__(self, plugins: Any) -> None:
        self.plugin: Any = None
        if _SearchPlugin is not None:
            for plugin in plugins.values():
                if isinstance(plugin, _SearchPlugin) and plugin.config.enabled and hasattr(
                        getattr(plugin, "search_index", None), "create_entry_for_section"):
                    self.plugin = plugin
        self._taken: dict[str, Sections] = {}

    def before(self, page: Any, found: Sections | None, content_hash: int) -> None:
        """Before the search plugin (priority > 0): claim the page, with the sections parsed
        from the content whose hash is `content_hash`, if nothing has changed that content."""
        if (self.plugin is None or found is None or "search" in page.meta
                or hash(page.content) != content_hash):
            return
        page.meta["search"] = {"exclude": True}  # the plugin's own switch: skip the parse
        self._taken[page.file.src_uri] = found

    def after(self, page: Any) -> None:
        """After the search plugin (priority < 0): add the page's entries, as it would have."""
        found = self._taken.pop(page.file.src_uri, None)
        if found is None:
            return
        del page.meta["search"]
        index = self.plugin.search_index
        for ident, title, text in found:
            index.create_entry_for_section(SimpleNamespace(id=ident, title=title, text=text),
                                           page.toc, page.url, page)
