"""MkDocs glue for the agent-readable outputs of `exports`: Markdown twins, llms.txt,
llms-full.txt, the `<link rel="alternate">` of each page and the page action menu.

Every output is a generated `File` (so `mkdocs serve` and other plugins see it). A generated
File whose `src_uri` ends in `.md` would be treated as a page, so twins get a `src_uri` with an
extra suffix and their `dest_uri` is set to the real target. The twins of our pages are written
straight to that target (each File's source is its destination, which MkDocs does not copy):
on a big site, a temporary file and a copy for each would cost more than rendering them.

The twins of our pages are rendered and written by a worker on what the build leaves of the
machine's cores (see `start`); a guide's page job hands it the Markdown conversions its page has
just made (`seed_job`), so the worker need not parse the guide's text again.
"""

from __future__ import annotations

import functools
import html
import os
import pickle
import posixpath
import re
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from . import markdown
from .config import GuidebookConfig
from .exports import (
    Export,
    Exporter,
    ExportError,
    LlmsPage,
    LlmsSettings,
    alias_path,
    arrange,
    llms_txt,
    page_twin_path,
    site_url_of,
    twin_path,
    write_llms_full,
)
from .markdown import outside
from .prerender import Board, Prerender, RenderError, Spool, write_all
from .site import ConnectorEntry, GuidePage, GuideSite
from .twin import conversions
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
        self._url = site_url_of(None)
        self._prefix = ""  # the language's folder of the llms files ('de/', static-i18n)
        self.site: GuideSite | None = None
        self.exporter: Exporter | None = None
        # page src_uri -> the files to write its twin to (not written yet)
        self._pending: dict[str, list[str]] = {}
        self._full: list[tuple[str, str]] | None = None  # llms-full.txt's (URL, twin file)
        self._writer: Prerender | None = None
        self._spool: Spool | None = None  # conversions handed from page jobs to the writer
        self._board: Board | None = None  # where they are in the spool, by slot
        self._slots: dict[str, int] = {}  # guide page src_uri -> its slot on the board

    # -- on_files ----------------------------------------------------------------------------

    def add(self, files: Files, config: MkDocsConfig, site: GuideSite,
            ours: Mapping[str, Any], templates_dir: str | None) -> None:
        """Add every twin (and the llms placeholders) to `files`."""
        opts = self.options
        self.site = site
        self._config = config
        self._url = site_url_of(config.site_url)
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
        self._spool = Spool("twins-")
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
            # the twin writer (see `start`) writes the twin straight into the site, where its
            # Files point: MkDocs leaves a file whose source is its destination alone.
            added = self._twin(files, config, page_file, twin, direct=True)
            if not added:
                continue
            self._pending[src_uri] = [f.abs_dest_path for f in added]
            if isinstance(what, GuidePage):  # its conversions are handed over; in llms-full.txt
                self._slots[src_uri] = len(self._slots)
                bodies[twin] = src_uri
        self._board = Board(len(self._slots), self._spool)
        self._files = files
        for file in handwritten:  # their Markdown and URL are known once read: see `capture`
            twin = page_twin_path(file.url)
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
        if LLMS_FULL in self._llms:
            self._full = [(self._url(p.path), self._pending[bodies[p.path]][0])
                          for _, items in arrange(self._guide_entries(), self._settings(),
                                                  self._categories())
                          for p in items if p.path in bodies]

    def seed_job(self, src_uri: str, what: Any) -> Callable[[], None] | None:
        """For a guide page, a function that hands the twin writer the Markdown conversions
        its twin makes (run by the page's job, right after its body, while they are in the
        caches: the writer then renders the twin without parsing the guide's text again)."""
        slot = self._slots.get(src_uri)  # (guides only; `add` made the spool and board)
        if slot is None:
            return None
        spool, board = self._spool, self._board
        assert spool is not None and board is not None

        def run() -> None:
            exporter, site = self.exporter, self.site
            assert exporter is not None and site is not None
            found = pickle.dumps(conversions(what.guide, site.options.words,
                                             site.options.active_brand, exporter.link),
                                 protocol=pickle.HIGHEST_PROTOCOL)
            board.publish(slot, spool.write(found))

        return run

    def _export(self, what: Any) -> Export:
        exporter = self.exporter
        assert exporter is not None
        if isinstance(what, GuidePage):
            return exporter.guide(what)
        if isinstance(what, ConnectorEntry):
            return exporter.connector(what)
        return exporter.index(self.options.nav_title)

    def _write_job(self, paths: list[str], what: Any, slot: int | None) -> Callable[[], None]:
        """A function that renders a twin and writes it where its Files point (runs once,
        maybe in the twin writer): the first path gets the bytes, the others are hard links to
        it. A guide's twin waits for the conversions its page job hands over at `slot` (until
        every page is read: see `pages_read`)."""
        board = self._board

        def run() -> None:
            record = board.wait_for(slot) if board is not None and slot is not None else None
            found = pickle.loads(Spool.read(record)) if record is not None else {}  # noqa: S301 - ours
            with markdown.seeded(found):
                data = self._export(what).text.encode("utf-8")
            first = None
            for path in paths:
                if first is None:
                    _create(path, data)
                    first = path
                else:  # the alias: the same bytes, a second name for them
                    _link(first, path, data)

        return run

    def start(self, *, parallel: bool) -> None:
        """Start rendering and writing the twins, then llms-full.txt (once the page jobs are
        queued). With `parallel`, a worker at the lowest priority does it while MkDocs reads
        and builds the pages, on what the build leaves of the machine's cores: it takes the
        twins in the order the page worker renders the pages (from the back), each once its
        page's conversions are handed over; `wait` does what is left."""
        if self._writer is not None:
            self._writer.close()
        jobs = [(src_uri, self._write_job(paths, self._ours[src_uri], self._slots.get(src_uri)))
                for src_uri, paths in self._pending.items()]
        self._writer = Prerender(jobs, parallel=parallel, expected=(ExportError,),
                                 results=False, idle=True, last=(LLMS_FULL, self.write_full))

    def pages_read(self) -> None:
        """Every page MkDocs reads has been read: the twins of pages it did not read (another
        plugin took them out) are written without handed conversions."""
        if self._board is not None:
            self._board.close()

    def wait(self) -> None:
        """Return once every twin and llms-full.txt is written into the site."""
        writer, self._writer = self._writer, None
        if writer is None:
            return
        try:
            writer.run_all()
        except RenderError as exc:
            what = (f"writing {LLMS_FULL}" if exc.key == LLMS_FULL
                    else f"the Markdown twin of {exc.key}")
            raise PluginError(f"guidebook: {what} failed: {exc.message}") from None
        finally:
            writer.close()
        self._pending.clear()

    def close(self) -> None:
        """Stop the twin writer, remove the spooled conversions (at the end of a build)."""
        if self._board is not None:
            self._board.close()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._spool is not None:
            self._spool.close()
            self._spool = None

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
        twin = page_twin_path(page.file.url)
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
        if src_uri in self.twins:
            self.twins[src_uri] = twin
        self._handwritten = [(f, self.twins[f.src_uri]) for f, _ in self._handwritten
                             if f.src_uri in self.twins]

    def _absolute_links(self, text: str, src_uri: str) -> str:
        """A hand-written page's Markdown with its links to other pages' sources (`x.md`,
        relative to the page) pointing at their twins' absolute URLs, so an agent reading the
        twin can follow them (code blocks and spans are left as they are)."""
        if ".md" not in text:
            return text
        folder = PurePosixPath(src_uri).parent

        def link(m: re.Match[str]) -> str:
            target, anchor = m.group(2), m.group(3) or ""
            if "://" in target or target.startswith(("/", "#", "mailto:")):
                return m.group(0)
            path = posixpath.normpath((folder / target).as_posix())
            twin = self.twins.get(path)
            if twin is None and self._files is not None:
                found = self._files.get_file_from_path(path)
                twin = self.twins.get(found.src_uri) if found is not None else None
            if twin is None:
                return m.group(0)
            return f"{m.group(1)}({self._url(twin)}{anchor})"

        return outside(_CODE, text, lambda part: _MD_LINK.sub(link, part))

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

    def finish(self) -> None:
        """Fill llms.txt (page titles are known once pages are read)."""
        self._drop_unread()
        if LLMS_TXT not in self._llms or self.site is None:
            return
        opts = self.options.llms
        pages: list[LlmsPage] = []
        for file, twin in self._handwritten:
            page = file.page
            title = (page.title if page is not None and page.title else
                     PurePosixPath(file.src_uri).stem.replace("-", " ").capitalize())
            meta = page.meta if page is not None else {}
            pages.append(LlmsPage(title, twin, str(meta.get("description") or ""),
                                  url=file.url))
        if self._index_twin:
            pages.append(LlmsPage(self.options.nav_title, self._index_twin,
                                  self.site.options.words.text("index.description"),
                                  url=self._index_twin[:-3] + "/"))
        pages += self._guide_entries()
        words = self._words
        groups = arrange(pages, self._settings(), self._categories(),
                         docs=words.text("llms.docs"), optional_name=words.text("llms.optional"))
        self._linked = [p.path for _, items in groups for p in items]
        cfg = self._config
        text = llms_txt(cfg.site_name, cfg.site_description, opts.details, groups, self._url,
                        words.text("llms.details"))
        self._llms[LLMS_TXT].content_string = text
        if len(text) > opts.budget:
            log.warning(f"llms.txt is {len(text):,} characters, over the budget of "
                        f"{opts.budget:,}; list fewer pages (llms.optional globs move pages "
                        f"to '## Optional', or raise llms.budget)")

    def missing_twins(self, site_dir: str) -> list[str]:
        """The twins llms.txt links that are not in the built site (after `wait`)."""
        return [path for path in self._linked
                if not os.path.isfile(os.path.join(site_dir, *path.split("/")))]

    def _guide_entries(self) -> list[LlmsPage]:
        """The guides' lines of llms.txt (llms-full.txt has their twins in the same order: a
        page's section depends on that page alone, so the other pages do not change it)."""
        assert self.site is not None
        guides: dict[str, list[tuple[GuidePage, str]]] = {}
        for guide, twin in self._guides:
            guides.setdefault(guide.key, []).append((guide, twin))
        out = []
        for entry in self.site.connectors:  # each connector's page, then its guides
            twin = self._connector_twins.get(entry.key)
            if twin is not None:
                optional = entry.info is None and all(g.guide.optional for g in entry.guides)
                out.append(LlmsPage(entry.name, twin, entry.summary, section=entry.category,
                                    optional=optional, url=entry.url))
            out += [LlmsPage(guide.title, twin, guide.description, section=entry.category,
                             optional=guide.guide.optional, url=guide.url)
                    for guide, twin in guides.get(entry.key, ())]
        return out

    def _settings(self) -> LlmsSettings:
        opts = self.options.llms
        return LlmsSettings(sections={str(k): [str(g) for g in (v or [])]
                                      for k, v in opts.sections.items()},
                            optional=list(opts.optional), details=opts.details)

    def _categories(self) -> list[str]:
        assert self.site is not None
        return [name for name, _ in self.site.placements]

    def write_full(self) -> None:
        """Write llms-full.txt into the site from the guides' twins (once every twin is
        written; maybe in the twin writer)."""
        file = self._llms.get(LLMS_FULL)
        if file is None or self._full is None or self.exporter is None:
            return
        body = self.exporter.body_of
        entries = ((url, body(_read(path))) for url, path in self._full)
        assert file.abs_src_path is not None
        os.makedirs(os.path.dirname(file.abs_src_path), exist_ok=True)
        with open(file.abs_src_path, "w", encoding="utf-8", newline="") as out:
            write_llms_full(out, entries)
        self._full = None

    # -- pages -------------------------------------------------------------------------------

    def _relative(self, page_url: str, path: str) -> str:
        return "../" * page_url.count("/") + quote(path, safe="/:#%~@!$'*+,;=")

    def decorate(self, page: Page, body: str) -> str:
        """The page action menu and a visually hidden index directive, under the page's
        title: after the content's leading `<h1>` (so the title stays the first thing the
        search index reads, and the page's main entry keeps its text), else first."""
        return self.decorate_uri(page.file.src_uri, page.url, body)

    def decorate_uri(self, src_uri: str, page_url: str, body: str) -> str:
        """`decorate` for the page of `src_uri` served at `page_url` (no Page needed)."""
        block = self.actions_block(src_uri, page_url)
        if not block:
            return body
        if body.lstrip().startswith("<h1"):
            end = body.find("</h1>")
            if end >= 0:
                end += len("</h1>")
                return f"{body[:end]}\n{block}{body[end:]}"
        return f"{block}\n{body}"

    def actions_block(self, src_uri: str, page_url: str) -> str:
        """The page actions block `decorate_uri` adds to the page of `src_uri` ("" if none)."""
        twin = self.twins.get(src_uri)
        if twin is None:
            return ""
        start, menu = self._actions
        if not menu:
            return start
        href = html.escape(self._relative(page_url, twin))
        return start + menu.format(href=href, absolute=quote(self._url(twin), safe=""))

    @functools.cached_property
    def _directive(self) -> str:
        """The index directive as a visually hidden paragraph (first in each page's body, so
        agents that read only the start of a page still find llms.txt); "" without it."""
        if not self.options.llms.enabled:
            return ""
        words = self._words
        llms = self._url(self._prefix + LLMS_TXT)
        text = words.html("directive.text", llms_url=f"<{llms}>")
        return (f'<p class="gb-visually-hidden" data-gb-directive data-search-exclude>'
                f'{words.html("directive.title")}: {text} {words.html("directive.hint")}</p>')

    @property
    def _words(self) -> Words:
        assert self.site is not None
        return self.site.options.words

    @functools.cached_property
    def _actions(self) -> tuple[str, str]:
        """The page actions block of every page, before and after the part that names the
        page; the latter a `str.format` template of `href` (the twin, relative to the page)
        and `absolute` (its URL, quoted for a query string)."""
        start = '<div class="gb-page-actions" data-gb-page-actions data-search-exclude>'
        if not self.options.page_actions.enabled:
            return "", ""
        words = self._words
        items = [
            '<button type="button" class="gb-page-actions__item" '
            'data-gb-copy-markdown="{href}" data-gb-copied="'
            + _braces(html.escape(words.text("actions.copied"))) + '" data-gb-failed="'
            + _braces(html.escape(words.text("actions.copy_failed"))) + '" hidden>'
            + _braces(str(words.html("actions.copy")))
            + '</button>',
            '<a class="gb-page-actions__item" href="{href}" type="text/markdown" '
            'data-gb-view-markdown>' + _braces(str(words.html("actions.view"))) + '</a>',
        ]
        for label, template in (("ChatGPT", self.options.page_actions.chatgpt),
                                ("Claude", self.options.page_actions.claude)):
            if not template:
                continue
            url = "{absolute}".join(_braces(html.escape(part)) for part in template.split("{url}"))
            items.append(
                f'<a class="gb-page-actions__item" href="{url}" target="_blank" '
                f'rel="noopener noreferrer" data-gb-open-template="'
                f'{_braces(html.escape(template))}" data-gb-markdown="{{href}}">'
                f'{_braces(str(words.html("actions.open", assistant=label)))}</a>')
        return start, ('<details class="gb-page-actions__menu"><summary>'
                       + _braces(str(words.html("actions.menu"))) + '</summary>'
                       '<div class="gb-page-actions__list">' + "".join(items)
                       + "</div></details></div>")

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
                f'href="{html.escape(self._relative(page_url, twin))}">')
        output = output.replace("</head>", link + "\n</head>", 1)
        body = output.find("<body", output.index("</head>"))
        end = output.find(">", body) + 1 if body >= 0 else 0
        if self._directive and end:
            output = f"{output[:end]}\n{self._directive}{output[end:]}"
        return output


def _move(file: File, dest: str) -> None:
    """Point a twin's File at another place in the site (before static files are written)."""
    file.dest_uri = dest
    file.url = dest
    file.abs_dest_path = os.path.normpath(os.path.join(file.dest_dir, dest))


# `[text](target.md#anchor)` of Markdown written by hand; code blocks and spans are skipped.
_MD_LINK = re.compile(r"(!?\[[^\]\n]*\])\(<?([^)\s<>#]+\.md)(#[^)\s>]*)?>?\)")
_CODE = re.compile(r"^(`{3,}|~{3,}).*?^\1[ \t]*$|`+[^`\n]*`+", re.MULTILINE | re.DOTALL)


def _read(path: str) -> str:
    with open(path, encoding="utf-8", newline="") as file:
        return file.read()


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def _create(path: str, data: bytes) -> None:
    """Write `data` to the file `path`, making its folder if it is missing.

    A few system calls a file (`open()` would add three more, and asking for the folder first
    two or three): on a big site most folders exist by the time their twins are written.
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
        _create(path, data)


def _braces(text: str) -> str:
    """Text kept as it is by `str.format`."""
    return text.replace("{", "{{").replace("}", "}}")
