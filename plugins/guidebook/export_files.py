"""MkDocs glue for the agent-readable outputs of `exports`: Markdown twins, llms.txt,
llms-full.txt, the `<link rel="alternate">` of each page and the page action menu.

Every output is a generated `File` (so `mkdocs serve` and other plugins see it). A generated
File whose `src_uri` ends in `.md` would be treated as a page, so twins get a `src_uri` with an
extra suffix and their `dest_uri` is set to the real target. The twins of our pages are written
straight to that target (each File's source is its destination, which MkDocs does not copy):
on a big site, a temporary file and a copy for each would cost more than rendering them.

The twin of each of our pages is rendered and written by the job that renders the page's body
(`write_twin`, in a worker of the build's pool: see `pool`), right after the body, while the
Markdown conversions they share are in that process's caches.
"""

from __future__ import annotations

import functools
import html
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .config import GuidebookConfig
from .exports import (
    Export,
    Exporter,
    ExportError,
    LlmsPage,
    LlmsSettings,
    alias_path,
    arrange,
    directive_html,
    llms_entries,
    llms_full_part,
    llms_txt,
    page_actions,
    page_actions_block,
    page_twin_path,
    relative_url,
    site_url_of,
    twin_path,
    under_title,
    write_llms_parts,
)
from .markdown import link_scheme, outside
from .site import ConnectorEntry, GuidePage, GuideSite
from .words import Words

log = get_plugin_logger(__name__)

LLMS_TXT = "llms.txt"
LLMS_FULL = "llms-full.txt"
SRC_SUFFIX = ".guidebook-export"


class WrittenFile(File):
    """A file guidebook writes straight into the site (its source is its destination): MkDocs
    would find it is the same file and copy nothing, after a few system calls per file."""

    def copy_file(self, dirty: bool = False) -> None:
        pass

    @property
    def src_path(self) -> str:
        return os.path.normpath(self.src_uri)

    @src_path.setter
    def src_path(self, value: str) -> None:
        # guidebook's names are '/'-separated already: MkDocs' setter would parse each one
        # with pathlib (thousands of files on a big site)
        self.src_uri = value


class ExportFiles:
    """The export outputs of one build: added in on_files, llms files filled in on_env."""

    def __init__(self, options: GuidebookConfig) -> None:
        self.options = options
        self.twins: dict[str, str] = {}  # page src_uri -> its twin's path in the site
        self._ours: Mapping[str, Any] = {}  # page src_uri -> what the page shows
        self._guides: list[tuple[GuidePage, str]] = []
        self._connector_twins: dict[str, str] = {}  # connector key -> its twin
        self._handwritten: list[tuple[File, str]] = []
        # hand-written page src_uri -> its twin Files (twin, alias), filled when it is read
        self._handwritten_files: dict[str, list[File]] = {}
        self._linked: list[str] = []  # the twins llms.txt links
        self._index_twin: str | None = None
        self._llms: dict[str, File] = {}
        self._used: set[str] = set()
        self._url = site_urls(None)  # a site path (as on disk) -> its URL in the exports
        self._prefix = ""  # the language's folder of the llms files ('de/', static-i18n)
        self.site: GuideSite | None = None
        self.exporter: Exporter | None = None
        # page src_uri -> the files to write its twin to (not written yet)
        self._pending: dict[str, list[str]] = {}
        self._full_twins: dict[str, str] = {}  # a guide's twin path -> its page's src_uri
        self._llms_pages: list[LlmsPage] | None = None  # the lines llms.txt was made of
        self._entries: list[LlmsPage] | None = None  # (`_guide_entries`, for `site`)
        # under `mkdocs serve`: each guide's part of llms-full.txt, by its twin's file, kept
        # from one writing to the next (a twin written again drops its part)
        self.full_parts: dict[str, str] | None = None
        self._captured: list[File] = []  # the twins of hand-written pages, filled in
        self._full_stamp: tuple[int, int] | None = None  # llms-full.txt's size and mtime

    # -- on_files ----------------------------------------------------------------------------

    def add(self, files: Files, config: MkDocsConfig, site: GuideSite,
            ours: Mapping[str, Any], templates_dir: str | None) -> None:
        """Add every twin (and the llms placeholders) to `files`."""
        opts = self.options
        self.site = site
        self._words: Words = site.options.words
        self._config = config
        self._url = site_urls(config.site_url)
        self._escaped_url = site_url_of(config.site_url)  # the same, for escaped paths
        self._prefix = prefix = site.options.url_prefix
        try:
            exporter = Exporter(site, fmt=opts.markdown_export, site_url=config.site_url,
                                templates_dir=Path(templates_dir) if templates_dir else None,
                                llms_path=prefix + LLMS_TXT if opts.llms.enabled else None)
        except ExportError as exc:
            raise PluginError(f"guidebook: a Markdown template failed: {exc}") from None
        self._used = {f.dest_uri for f in files}
        by_uri = {f.src_uri: f for f in files}  # Files rebuilds its own map after each append
        handwritten = [f for f in files if f.is_documentation_page()
                       and f.src_uri not in ours and not f.inclusion.is_excluded()]
        self.exporter = exporter
        self._ours = ours
        bodies: dict[str, str] = {}  # twin path of a guide -> its page's src_uri
        for src_uri, what in ours.items():
            page_file = by_uri.get(src_uri)
            if page_file is None:
                continue
            if isinstance(what, GuidePage):
                twin = twin_path(what.url)
                self._guides.append((what, twin))
            elif isinstance(what, ConnectorEntry):
                twin = twin_path(what.url)
                self._connector_twins[what.key] = twin
            else:
                twin = twin_path(PurePosixPath(src_uri).parent.as_posix() + "/")
                self._index_twin = twin
            # the page's job writes the twin straight into the site (`write_twin`), where its
            # Files point: MkDocs leaves a file whose source is its destination alone.
            added = self._twin(files, config, page_file, twin, direct=True)
            if not added:
                continue
            self._pending[src_uri] = [f.abs_dest_path for f in added]
            if isinstance(what, GuidePage):  # in llms-full.txt
                bodies[twin] = src_uri
        self._files = files
        for file in handwritten:  # their Markdown and URL are known once read: see `capture`
            twin = page_twin_path(unquote(file.url))
            added = self._twin(files, config, file, twin, content="")
            if file.src_uri in self.twins:
                self._handwritten.append((file, twin))
                self._handwritten_files[file.src_uri] = added
        if opts.llms.enabled:
            names = [LLMS_TXT] + ([LLMS_FULL] if opts.llms.full else [])
            for name in names:
                if files.get_file_from_path(prefix + name) is not None:
                    log.warning(f"the docs folder has its own {name}; guidebook does not "
                                f"write one (remove it to get the generated file)")
                    continue
                if name == LLMS_FULL:  # written by `write_full`, never held in memory
                    target = os.path.normpath(os.path.join(config.site_dir, prefix + name))
                    file = WrittenFile.generated(config, prefix + name, abs_src_path=target)
                else:
                    file = File.generated(config, prefix + name, content="")
                files.append(file)
                self._llms[name] = file
        self._full_twins = bodies

    def _export(self, what: Any) -> Export:
        exporter = self.exporter
        assert exporter is not None
        if isinstance(what, GuidePage):
            return exporter.guide(what)
        if isinstance(what, ConnectorEntry):
            return exporter.connector(what)
        return exporter.index(self.options.nav_title)

    def write_twin(self, src_uri: str, data: bytes | None = None) -> bytes | None:
        """Render the twin of our page `src_uri` (unless its `data` is given) and write it
        where its Files point (run by the page's job, maybe in a worker): the first path gets
        the bytes, the others are hard links to it. Returns the bytes (None: no twin)."""
        paths = self._pending.get(src_uri)
        if not paths:
            return None
        if data is None:
            data = self._export(self._ours[src_uri]).text.encode("utf-8")
        if self.full_parts is not None:
            self.full_parts.pop(paths[0], None)
        write_bytes(paths[0], data)
        for path in paths[1:]:  # the alias: the same bytes, a second name for them
            _link(paths[0], path, data)
        return data

    def _twin(self, files: Files, config: MkDocsConfig, page_file: File, twin: str,
              direct: bool = False, **source: Any) -> list[File]:
        """The twin at `twin` and its alias `<page dest>.md` (the files added). With `direct`,
        each is its own source: written into the site by the caller."""
        added: list[File] = []
        wrote = False
        for dest in dict.fromkeys((twin, alias_path(page_file.dest_uri))):
            if dest in self._used:
                if dest == twin:
                    log.warning(f"{page_file.src_uri}: its Markdown twin {dest} would replace "
                                f"another file of the site, so it is not written; rename one "
                                f"of them")
                continue
            kind: type[File] = File
            if direct:
                source = {"abs_src_path": os.path.normpath(os.path.join(config.site_dir, dest))}
                kind = WrittenFile
            # included (a twin exists because its page is): MkDocs need not match it against
            # exclude_docs / not_in_nav
            file = kind.generated(config, dest + SRC_SUFFIX, inclusion=InclusionLevel.INCLUDED,
                                  **source)
            file.dest_uri = dest
            files.append(file)
            added.append(file)
            self._used.add(dest)
            wrote = wrote or dest == twin
        if wrote:
            self.twins[page_file.src_uri] = twin
        return added

    def use_files(self, files: Files) -> None:
        """The Files MkDocs builds the site from: a plugin after guidebook may have replaced
        the list `add` added to (mkdocs-exclude returns a new one without the pages it
        drops), and a twin leaves the list its page left."""
        self._files = files

    # -- hand-written pages -------------------------------------------------------------------

    def capture(self, page: Page) -> None:
        """The twin of a hand-written page: its Markdown as MkDocs has it once every plugin's
        `on_page_markdown` ran (front matter stripped, macros rendered), at the page's final
        URL (a plugin such as Material's blog may have moved it after `on_files`)."""
        added = self._handwritten_files.get(page.file.src_uri)
        if not added:
            return
        src_uri = page.file.src_uri
        self._handwritten_files[src_uri] = []  # done
        if filled_when_rendered(page, self._config):  # (its Markdown is a placeholder)
            for file in added:
                self._files.remove(file)
                self._used.discard(file.dest_uri)
            self.twins.pop(src_uri, None)
            self._handwritten = [(f, t) for f, t in self._handwritten if f.src_uri != src_uri]
            return
        twin = page_twin_path(unquote(page.file.url))
        dests = [twin, alias_path(page.file.dest_uri)][:len(added)]  # (an alias may be taken)
        for dest, file in zip(dests, added, strict=True):
            if file.dest_uri != dest:
                self._used.discard(file.dest_uri)
                if dest in self._used:
                    log.warning(f"{src_uri}: its Markdown twin {dest} would replace another "
                                f"file of the site, so it is not written; rename one of them")
                    self._files.remove(file)
                    if file is added[0]:
                        self.twins.pop(src_uri, None)
                    continue
                self._used.add(dest)
                _move(file, dest)
            file.content_string = self._absolute_links(page.markdown or "", src_uri)
            self._captured.append(file)
        if src_uri in self.twins:
            self.twins[src_uri] = twin
        self._handwritten = [(f, self.twins[f.src_uri]) for f, _ in self._handwritten
                             if f.src_uri in self.twins]

    def _absolute_links(self, text: str, src_uri: str) -> str:
        """A hand-written page's Markdown with its relative links and images that name a file
        of the site (relative to the page's source, as MkDocs reads them) made absolute: a
        page's source (`x.md`) becomes its twin's URL, any other file (an image, a download)
        its own URL. The twin is served at more than one URL (`x.md`, `x/index.html.md`, the
        page's own URL to agents), so only absolute targets load from all of them. External
        links, anchors, paths from the root, unknown targets and code are left as they are."""
        if "](" not in text and "]:" not in text:
            return text
        folder = PurePosixPath(src_uri).parent

        def absolute(target: str) -> str | None:
            if target.startswith(("/", "#")) or link_scheme(target) is not None:
                return None
            cut = min((i for i in (target.find("#"), target.find("?")) if i >= 0),
                      default=len(target))
            path = posixpath.normpath((folder / unquote(target[:cut])).as_posix())
            twin = self.twins.get(path)
            found = self._files.get_file_from_path(path) if twin is None else None
            if found is not None:
                twin = self.twins.get(found.src_uri)
            if twin is not None:
                return self._url(twin) + target[cut:]
            if found is None or found.inclusion.is_excluded():
                return None
            where = (unquote(found.url).removeprefix("./") if found.is_documentation_page()
                     else found.dest_uri)
            return self._url(where) + target[cut:]

        def link(m: re.Match[str]) -> str:
            raw = m.group("target")
            url = absolute(raw[1:-1] if raw.startswith("<") else raw)
            if url is None:
                return m.group(0)
            return m.group(0)[:m.start("target") - m.start()] + url + \
                m.group(0)[m.end("target") - m.start():]

        return outside(_CODE, text, lambda part: _LINK.sub(link, part))

    def _drop_unread(self) -> None:
        """Take out the twins of hand-written pages MkDocs never read (another plugin left
        them out of the build, e.g. blog drafts)."""
        unread = {uri for uri, added in self._handwritten_files.items() if added}
        for uri in unread:
            for file in self._handwritten_files.pop(uri):
                self._files.remove(file)
            self.twins.pop(uri, None)
        self._handwritten = [(f, t) for f, t in self._handwritten if f.src_uri not in unread]

    # -- on_env ------------------------------------------------------------------------------

    def finish(self) -> bool:
        """Fill llms.txt (page titles are known once pages are read); False when it holds
        the text it had (its lines are the same)."""
        self._drop_unread()
        if LLMS_TXT not in self._llms or self.site is None:
            return False
        opts = self.options.llms
        pages: list[LlmsPage] = []
        for file, twin in self._handwritten:
            page = file.page
            title = (page.title if page is not None and page.title else
                     PurePosixPath(file.src_uri).stem.replace("-", " ").capitalize())
            meta = page.meta if page is not None else {}
            pages.append(LlmsPage(title, twin, str(meta.get("description") or ""),
                                  url=unquote(file.url)))
        if self._index_twin:
            pages.append(LlmsPage(self.options.nav_title, self._index_twin,
                                  self.site.options.words.text("index.description"),
                                  url=self._index_twin[:-3] + "/"))
        pages += self._guide_entries()
        if pages == self._llms_pages:
            return False
        self._llms_pages = pages
        words = self._words
        groups = arrange(pages, self._settings(), self._categories(),
                         docs=words.text("llms.docs"))
        self._linked = [p.path for _, items in groups for p in items]
        cfg = self._config
        text = llms_txt(cfg.site_name, cfg.site_description, opts.details, groups, self._url,
                        words.md("llms.details"))
        self._llms[LLMS_TXT].content_string = text
        if len(text) > opts.budget:
            log.warning(f"llms.txt is {len(text):,} characters, over the budget of "
                        f"{opts.budget:,}; list fewer pages (llms.optional globs move pages "
                        f"to '## Optional', or raise llms.budget)")
        return True

    def missing_twins(self, site_dir: str) -> list[str]:
        """The twins llms.txt links that are not in the built site (after `wait`)."""
        return [path for path in self._linked
                if not os.path.isfile(os.path.join(site_dir, *path.split("/")))]

    def replaced(self) -> list[str]:
        """The files of the site guidebook wrote through MkDocs (llms.txt, the twins of
        hand-written pages) or itself (llms-full.txt) that hold something else once every
        plugin's `on_post_build` ran: another plugin wrote them (mkdocs-llmstxt writes
        llms.txt, llms-full.txt and `<page>.md` files there)."""
        found = []
        for file in [self._llms.get(LLMS_TXT), *self._captured]:
            if file is None:
                continue
            try:
                with open(file.abs_dest_path, "rb") as held:
                    same = held.read() == file.content_string.encode("utf-8")
            except OSError:
                continue  # (missing: see `missing_twins`)
            if not same:
                found.append(file.dest_uri)
        full = self._llms.get(LLMS_FULL)
        if full is not None and self._full_stamp is not None and full.abs_src_path:
            try:
                stat = os.stat(full.abs_src_path)
            except OSError:
                stat = None
            if stat is not None and (stat.st_size, stat.st_mtime_ns) != self._full_stamp:
                found.append(full.dest_uri)
        return found

    def _guide_entries(self) -> list[LlmsPage]:
        """The guides' lines of llms.txt (llms-full.txt has their twins in the same order),
        made once for the site they are made of."""
        assert self.site is not None
        if self._entries is None:
            self._entries = llms_entries(self.site, self._connector_twins, self._guides)
        return self._entries

    def _settings(self) -> LlmsSettings:
        """The `llms` options; in a language's pass (static-i18n) a glob matches that
        language's pages too (`connectors/x/*` also `de/connectors/x/*`)."""
        opts = self.options.llms

        def globs(written: Iterable[str]) -> list[str]:
            written = [str(g) for g in written]
            return written + [self._prefix + g for g in written if self._prefix]

        return LlmsSettings(sections={str(k): globs([v] if isinstance(v, str) else v)
                                      for k, v in opts.sections.items()},
                            optional=globs(opts.optional), details=opts.details)

    def _categories(self) -> list[str]:
        assert self.site is not None
        return [name for name, _ in self.site.placements]

    def write_full(self) -> None:
        """Write llms-full.txt into the site from the guides' twins (once every twin is
        written), in the order of llms.txt."""
        file = self._llms.get(LLMS_FULL)
        if file is None or self.exporter is None:
            return
        bodies, kept = self._full_twins, self.full_parts
        body = self.exporter.body_of

        def part(twin: str) -> str:
            path = self._pending[bodies[twin]][0]
            found = kept.get(path) if kept is not None else None
            if found is None:
                found = llms_full_part(self._url(twin), body(_read(path)))
                if kept is not None:
                    kept[path] = found
            return found

        parts = (part(p.path) for _, items in arrange(self._guide_entries(), self._settings(),
                                                      self._categories())
                 for p in items if p.path in bodies)
        assert file.abs_src_path is not None
        os.makedirs(os.path.dirname(file.abs_src_path), exist_ok=True)
        with open(file.abs_src_path, "w", encoding="utf-8", newline="") as out:
            write_llms_parts(out, parts)
        stat = os.stat(file.abs_src_path)
        self._full_stamp = (stat.st_size, stat.st_mtime_ns)

    def let_model_go(self) -> None:
        """Drop the guide model (see `Build._let_model_go`): every twin and the llms files
        are written; the pages' heads and actions need only the twins' paths."""
        self.site = self.exporter = self._entries = None
        self._guides, self._ours = [], {}

    def write_llms(self) -> None:
        """Write llms.txt into the site (MkDocs writes it in a build: an edit under `mkdocs
        serve` applied in place writes it here)."""
        file = self._llms.get(LLMS_TXT)
        if file is not None:
            file.copy_file()

    def rebind(self, site: GuideSite, ours: Mapping[str, Any]) -> None:
        """The same pages, from `site` loaded again after an edit (see `Build.apply_edit`):
        their twins and the llms files are made from it from now on."""
        assert self.exporter is not None
        by_uri = {p.src_uri: p for p in site.pages}
        self._guides = [(by_uri[page.src_uri], twin) for page, twin in self._guides]
        self.site = self.exporter.site = site
        self._entries = None
        self._ours = ours

    # -- pages -------------------------------------------------------------------------------

    def decorate(self, page: Page, body: str) -> str:
        """The page action menu and a visually hidden index directive, under the page's
        title: after the content's leading `<h1>` (so the title stays the first thing the
        search index reads, and the page's main entry keeps its text), else first."""
        return self.decorate_uri(page.file.src_uri, page.url, body)

    def decorate_uri(self, src_uri: str, page_url: str, body: str) -> str:
        """`decorate` for the page of `src_uri` served at `page_url` (no Page needed)."""
        return under_title(body, self.actions_block(src_uri, page_url))

    def actions_block(self, src_uri: str, page_url: str) -> str:
        """The page actions block `decorate_uri` adds to the page of `src_uri` ("" if none)."""
        twin = self.twins.get(src_uri)
        if twin is None:
            return ""
        return page_actions_block(self._actions, page_url, _escaped(twin),
                                  self._escaped_url)

    @functools.cached_property
    def _directive(self) -> str:
        """The index directive as a visually hidden paragraph (first in each page's body, so
        agents that read only the start of a page still find llms.txt); "" without it."""
        if not self.options.llms.enabled:
            return ""
        return directive_html(self._words, self._url(self._prefix + LLMS_TXT))

    @functools.cached_property
    def _actions(self) -> tuple[str, str]:
        """The page actions block of every page (see `exports.page_actions`)."""
        opts = self.options.page_actions
        if not opts.enabled:
            return "", ""
        return page_actions(self._words, chatgpt=opts.chatgpt, claude=opts.claude)

    def head(self, page: Page, output: str) -> str:
        """`<link rel="alternate" type="text/markdown">` in the page's head."""
        return self.head_uri(page.file.src_uri, page.url, output)

    def head_uri(self, src_uri: str, page_url: str, output: str) -> str:
        """`head` for the page of `src_uri` served at `page_url` (no Page needed); the index
        directive goes first into the body."""
        twin = self.twins.get(src_uri)
        if twin is None or "</head>" not in output:
            return output
        link = (f'<link rel="alternate" type="text/markdown" '
                f'href="{html.escape(relative_url(page_url, _escaped(twin)))}">')
        output = output.replace("</head>", link + "\n</head>", 1)
        body = output.find("<body", output.index("</head>"))
        end = output.find(">", body) + 1 if body >= 0 else 0
        if self._directive and end:
            output = f"{output[:end]}\n{self._directive}{output[end:]}"
        return output


def filled_when_rendered(page: Page, config: MkDocsConfig) -> bool:
    """Whether another plugin fills in the body of `page` when it renders it, from other
    pages: Material's blog index, archive and category pages (the posts' excerpts), a page
    with a listing of Material's tags plugin (9.6 and later: a placeholder heading where the
    listing goes). Its Markdown holds none of what the page shows, so it gets no twin (and
    no line in llms.txt); the pages it lists have theirs."""
    for cls in type(page).__mro__:
        if cls.__name__ == "View" and cls.__module__.startswith("material.plugins.blog"):
            return True
    for plugin in config.plugins.values():
        if not type(plugin).__module__.startswith("material.plugins.tags"):
            continue
        listings = getattr(getattr(plugin, "listings", None), "data", None) or ()
        if any(getattr(listing, "page", None) is page for listing in listings):
            return True
    return False


def _move(file: File, dest: str) -> None:
    """Point a twin's File at another place in the site (before static files are written)."""
    file.dest_uri = dest
    file.url = dest
    file.abs_dest_path = os.path.normpath(os.path.join(file.dest_dir, dest))


def site_urls(site_url: str | None) -> Callable[[str], str]:
    """`exports.site_url_of` for site paths as they are on disk (`100% done.md`): their `%`
    is a character, not the start of an escape, so it is escaped too."""
    url = site_url_of(site_url)
    return lambda path: url(_escaped(path))


def _escaped(path: str) -> str:
    """A site path as `exports`' URL helpers take it (they keep `%` as the start of an
    escape): its own `%` escaped."""
    return path.replace("%", "%25")


# The target of a link or image (`[text](target "title")`, `![alt](<a b.png>)`, and as
# Python-Markdown reads them `[a](a b.md)`) or of a link reference definition (`[id]: target`)
# in Markdown written by hand (code is skipped).
_LINK = re.compile(r"""(?:\]\(\s*|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*)"""
                   r"""(?P<target><[^<>\n]*>|[^\s()<>]+(?:[ ]+[^\s()<>"']+)*?)"""
                   r"""(?=[ \t]*(?:\)|["'(]|$))""", re.MULTILINE)
_CODE = re.compile(r"^(`{3,}|~{3,}).*?^\1[ \t]*$|`+[^`\n]*`+", re.MULTILINE | re.DOTALL)


def _read(path: str) -> str:
    with open(path, encoding="utf-8", newline="") as file:
        return file.read()


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def write_bytes(path: str, data: bytes) -> None:
    """Write `data` to the file `path`, making its folder if it is missing.

    A few system calls a file (`open()` would add three more, and asking for the folder first
    two or three): on a big site most folders exist by the time their files are written.
    """
    try:
        fd = os.open(path, _CREATE, 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, _CREATE, 0o666)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """`os.write` until every byte of `data` is written."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _link(first: str, path: str, data: bytes) -> None:
    """Make `path` a second name of the file `first` (which holds `data`), or a copy of it
    where the file system has no hard links."""
    try:
        try:
            os.link(first, path)
        except FileNotFoundError:  # its folder is not made yet
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.link(first, path)
        except FileExistsError:  # a --dirty build's old alias
            os.unlink(path)
            os.link(first, path)
    except OSError:
        write_bytes(path, data)
