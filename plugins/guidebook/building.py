"""One build of the plugin: everything guidebook carries from one MkDocs event to the next.

`Build` is made when a build starts (`on_pre_build`) and closed when it ends, with success or
with an error (`close`): it owns the build's lock on the site folder, its process pools and its
logging filter, and nothing of it outlives the build. The plugin's event handlers call one
method each; the order of the steps, and what flows between them:

1. `start_loading` (pre_build): the guide files are read on the pool while MkDocs empties
   the site folder.
2. `add_files` (files): the loaded site becomes generated Files (pages, twins, llms files,
   redirects, host files); the page *bodies* start rendering on the pool, each job writing its
   page's Markdown twin beside (`ExportFiles.write_twin`).
3. `build_nav` (nav): the connectors section.
4. `page_markdown` / `page_content` (per page): title and meta; the body the pool rendered.
5. `env` (env, every page read): llms.txt, llms-full.txt; the *theme pages* of our pages start
   rendering on a pool forked now (it inherits the navigation and every page's content); each
   job writes its page's HTML itself and sends back the page's search sections.
6. `page_context` (per page, around the search plugin): the search plugin gets the sections
   the job parsed; MkDocs' own render of the page is a one-line template that writes nothing.
7. `finish` (post_build): checks (missing twins, the white-label leak check).
"""

from __future__ import annotations

import copy
import dataclasses
import gc
import html
import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.theme import Theme
from mkdocs.utils import clean_directory, get_build_date

from .config import GuidebookConfig
from .errors import Problem
from .export_files import ExportFiles, write_bytes
from .exports import ExportError
from .hostconfig import published_files
from .languages import Alternate, LanguageBuild, find_in_language, mark_alternates, strings_for
from .load import GUIDE_SUFFIXES, GuideFiles
from .pool import Jobs, RenderError
from .redirects import redirect_page, redirects
from .render import Heading, Renderer, TemplateProblem
from .searchindex import SearchShortcut, plugin_enabled, rewritten
from .searchindex import sections as search_sections
from .servecache import Inputs, ServeCache, config_files, digest, folder_stamps
from .site import ConnectorEntry, GuidePage, GuideSite, Options, SiteLoader, sidebar_groups
from .validate import check_references
from .whitelabel import (
    check_build,
    forbidden_terms,
    format_leaks,
    hidden_assets,
    unpublished_warnings,
    vendored_files,
    without_terms,
)
from .workspace import BuildSpace, SiteBusy

log = get_plugin_logger(__name__)

ASSETS = ("assets/guidebook/guidebook.css", "assets/guidebook/guidebook.js",
          "assets/guidebook/guidebook-export.css", "assets/guidebook/guidebook-export.js")
INDEX_URI = "connectors/index.md"
PAGE_TEMPLATE = "guidebook/page.html"  # MkDocs' template for our pages built by a job

# Settings the theme writes into pages (white-label builds check them before building).
SETTINGS = ("site_name", "site_description", "site_url", "site_author", "repo_url", "repo_name",
            "copyright")


@dataclasses.dataclass(frozen=True)
class Edit:
    """What `Build.apply_edit` did: the theme pages it wrote again (none when the changed files
    change no page: a YAML comment; twins and llms files may still have changed), or nothing
    at all when no file the site is built from changed (`UNCHANGED`)."""

    pages: int
    changed: bool = True

    def __str__(self) -> str:
        return f"{self.pages} page{'s' if self.pages != 1 else ''} written again"


UNCHANGED = Edit(0, changed=False)


def packaged_assets() -> dict[str, str]:
    """Site path -> packaged file of the stylesheet and script the plugin adds."""
    from importlib import resources

    folder = resources.files("guidebook.assets")
    found = {}
    for uri in ASSETS:
        path = folder / uri.rsplit("/", 1)[1]
        if path.is_file():
            found[uri] = str(path)
    return found


def format_problems(problems: list[Problem]) -> str:
    files = sorted({p.source.file for p in problems})
    head = (f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in "
            f"{len(files)} guide file{'s' if len(files) != 1 else ''}:")
    return "\n".join([head, *(f"  {p}" for p in problems)])


def project_root(config: MkDocsConfig) -> Path:
    """The project folder (of mkdocs.yml): file names in messages are relative to it."""
    return (Path(config.config_file_path).resolve().parent if config.config_file_path
            else Path.cwd())


class _QuietSkips(logging.Filter):
    """Drops MkDocs' "Page skipped ... empty output" line for pages whose job wrote them."""

    def __init__(self, uris: set[str]) -> None:
        super().__init__()
        self.uris = uris

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Page skipped: '") and message.endswith("'. Generated empty output."):
            return message[len("Page skipped: '"):-len("'. Generated empty output.")] not in self.uris
        return True


_BUILD_LOG = logging.getLogger("mkdocs.commands.build")
_PAGES_LOG = logging.getLogger("mkdocs.structure.pages")


class Build:
    """The state of one build, from `on_pre_build` to `close`."""

    def __init__(self, cfg: GuidebookConfig, options: Options, config: MkDocsConfig,
                 workers: int, cache: ServeCache | None = None,
                 languages: LanguageBuild | None = None) -> None:
        if languages is not None:
            cfg, options = in_language(cfg, options, languages)
        self.cfg = cfg
        self.languages = languages  # this pass of a mkdocs-static-i18n build
        self.cache = cache  # the serve session's (see `servecache`), else None
        self.inputs: Inputs | None = None  # what it reads, for an edit applied in place
        if cache is not None:
            cache.begin(session_key(cfg, options, config))
            if languages is None:
                self.inputs = Inputs(options.guides_dir, _other_inputs(cfg, config), _guide_name)
        self.options = options
        self.workers = workers
        try:
            self.space = BuildSpace(config.site_dir).open()
        except SiteBusy as exc:
            raise PluginError(f"guidebook: {exc}; wait until it ends, or build into another "
                              f"site_dir") from None
        self.site: GuideSite | None = None
        self.shape: Any = None  # the site's `_shape` (an edit keeps it), once one asked
        self.renderer: Renderer | None = None
        self.loader: SiteLoader | None = None
        self.guide_files: GuideFiles | None = None  # what the loader found in the guides folder
        # src_uri -> GuidePage | ConnectorEntry | "index" (None once the model is let go)
        self.pages: dict[str, Any] = {}
        self.meta: dict[str, dict[str, str]] = {}  # src_uri -> title and description
        self.exports: ExportFiles | None = None
        self.bodies: Jobs | None = None  # page bodies (and twins), from on_files
        self.themed: Jobs | None = None  # theme pages, from on_env
        self.jobbed: set[str] = set()  # pages whose theme page a job renders (and writes)
        self.outputs: dict[str, str] = {}  # theme pages a job rendered, for MkDocs to write
        self.search = SearchShortcut({})
        self.nav: Navigation | None = None
        self.host_files: dict[str, File] = {}  # host_configs files, by path
        self.kept: dict[str, Any] = {}  # bodies (and twins) the serve cache had
        self.kept_pages: dict[str, Any] = {}  # theme pages and sections the serve cache had
        self.keys: dict[str, bytes] = {}  # cache keys of what the pool renders
        self.config = config
        self.files: Files | None = None
        self.added: list[str] = []  # the src_uris of the files we added (`add_files`)
        self.theme_env: Any = None  # the theme's Jinja environment (from on_env)
        self._quiet = _QuietSkips(self.jobbed)
        _BUILD_LOG.addFilter(self._quiet)
        self._collecting = False  # the garbage collector is paused while the model is made
        self._frozen = False  # what was made until then is out of its reach to the end

    def close(self) -> None:
        """Stop the pools, let the site folder's lock go (on success and on error)."""
        if self._collecting:
            self._collecting = False
            gc.enable()
        if self._frozen:  # (it may be garbage now: the next build of a serve session)
            self._frozen = False
            gc.unfreeze()
        self._close_pools()
        if self.loader is not None:
            self.loader.close()
            self.loader = None
        _BUILD_LOG.removeFilter(self._quiet)
        self.space.close()

    def _close_pools(self) -> None:
        for jobs in (self.bodies, self.themed):
            if jobs is not None:
                jobs.close()
        self.bodies = self.themed = None

    # -- loading and files -----------------------------------------------------------------

    def start_loading(self, config: MkDocsConfig) -> None:
        # Until the model and the files are made (`add_files`), nearly every object made here
        # lives to the end of the build, and a full collection of a growing heap finds nothing:
        # 9 of them took 1 s of a 1,200-guide `workers: 1` build. The load's workers fork
        # with it paused too: what they make is sent here and let go (no cycles), and they
        # spent 1 s each of a 5,000-guide build in collections that found nothing.
        self._collecting = gc.isenabled()
        gc.disable()
        self.loader = SiteLoader(self.options, display_root=Path(config.config_file_path).parent,
                                 workers=self.workers, cache=self.cache)

    def _resume_collecting(self) -> None:
        """Once the files are added: the collector runs again, and never walks what was made
        until now (frozen to the end of the build). The first collection would walk the whole
        model and find nothing (0.7 s at 5,000 guides, every core but one waiting)."""
        if self._collecting:
            self._collecting = False
            gc.freeze()
            self._frozen = True
            gc.enable()

    def add_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Loads every guide and adds its page, the connector pages, the connectors index, the
        agent outputs and the plugin's assets as generated files; starts rendering bodies."""
        loader, self.loader = self.loader, None
        if loader is None:
            self.start_loading(config)
            loader, self.loader = self.loader, None
        assert loader is not None
        before = set(files.src_uris)  # (what we add is ours: see `mark_languages`)
        site = loader.site()
        self.guide_files = loader.found
        self._report(site, config)
        hidden = hidden_assets(site, _texts_naming_files(files, config)) \
            if self.options.whitelabel else ()
        for uri in hidden:
            image = files.get_file_from_path(uri)  # shown only by hidden parts
            if image is not None:
                files.remove(image)
        self.site = site
        templates = self.cfg.templates_dir
        self.renderer = Renderer(site, Path(templates) if templates else None,
                                 directory_urls=config.use_directory_urls)
        pages = _PageAdder(files, config, self.cfg.nav_title)
        title = self.cfg.nav_title
        for page in site.pages:
            pages.add(page.src_uri, page, _page_meta(page, title, site), page.file)
        for entry in site.connectors:
            source = entry.file or (entry.guides[0].file if entry.guides else None)
            pages.add(entry.src_uri, entry, _page_meta(entry, title, site), source)  # (without
            # a connector file: its first guide's)
        if self._index_file(files) is None:  # a hand-written one wins
            # (its Page is made with the navigation, which gives it the title your nav
            # names it by: see `build_nav`)
            pages.add(site.index_uri, "index", _page_meta("index", title, site), None,
                      page=False)
            _dated_by_guides(files.get_file_from_path(site.index_uri), self.options.guides_dir)
            if "awesome-nav" in config.plugins:  # its globs and folders see pages in the nav
                files.get_file_from_path(site.index_uri).inclusion = InclusionLevel.INCLUDED
        if pages.clashes:
            raise PluginError("guidebook: " + "\n".join(pages.clashes))
        self.pages, self.meta = pages.pages, pages.meta
        for uri, path in packaged_assets().items():
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=path))
        self._add_redirects(files, config, site)
        if self.cfg.agent_outputs:
            self.exports = ExportFiles(self.cfg)
            if self.inputs is not None:  # (it may take an edit: see `apply_edit`)
                self.exports.full_parts = {}
            self.exports.add(files, config, site, self.pages, self.cfg.templates_dir)
        self._add_host_configs(files, config)
        self._check_references(files, config, pages.docs_dir)
        self.search = SearchShortcut(config.plugins)
        self.files = files
        jobs = []
        for uri, what in self.pages.items():
            if self.cache is not None:
                key = self.keys[uri] = self._body_key(uri, what, files)
                kept = self.cache.body(uri, key)
                if kept is not None:
                    self.kept[uri] = kept
                    continue
            jobs.append((uri, self._body_job(uri, what, files)))
        if self.cache is not None:
            self.cache.forget_pages(self.pages)
            # Edits render in this process (`apply_edit`): every template compiled now, and the
            # connectors index (in every edit) as the job that runs here before the workers
            # fork (see `Jobs`), so the first edit finds its links escaped already.
            self.renderer.compile()
            if self.exports is not None and self.exports.exporter is not None:
                self.exports.exporter.compile()
            jobs.sort(key=lambda job: job[0] != site.index_uri)
        self.added = [uri for uri in files.src_uris if uri not in before]
        if self.languages is not None:  # docs pages' links find ours (see `mark_languages`)
            find_in_language(files, self.languages, self.added)
        self._resume_collecting()  # (before the body workers fork)
        self.bodies = Jobs(jobs, workers=self.workers, expected=(TemplateProblem, ExportError))
        return files

    def _body_key(self, src_uri: str, what: Any, files: Files) -> bytes:
        """What a page's body and twin are made of (for the serve cache): the stamps of the
        files its model comes from (the session's key covers the options and templates)."""
        assert self.site is not None and self.cache is not None
        tokens = self.cache.tokens
        file = files.get_file_from_path(src_uri)
        url = file.url if file is not None else ""
        sources = _sources(what)
        if sources is None:  # the connectors index: every file
            made_of: Any = (sorted(tokens.items()), [(name, [e.key for e in entries])
                                                     for name, entries in self.site.placements])
        else:
            made_of = [tokens.get(f) for f in sources]
            if isinstance(what, ConnectorEntry):
                made_of = (made_of, what.name, what.categories, [g.url for g in what.guides])
        return digest(src_uri, url, made_of)

    def _report(self, site: GuideSite, config: MkDocsConfig) -> None:
        if site.problems:
            message = format_problems(site.problems)
            if config.strict:
                raise PluginError(f"guidebook: {message}")
            for line in message.splitlines():
                log.warning(line.strip())
            log.warning("the guides above were skipped")
        for warning in site.warnings:
            log.warning(f"{warning}")
        for note in site.notes:
            log.info(note)
        for line in unpublished_warnings(site):
            log.warning(line)

    def _body_job(self, src_uri: str, what: Any, files: Files) -> Callable[[], Any]:
        """The job of one of our pages: its body (and table of contents), and its twin,
        written into the site."""
        renderer, exports, title = self.renderer, self.exports, self.cfg.nav_title
        assert renderer is not None
        file = files.get_file_from_path(src_uri)
        page_url = file.url if file is not None else ""
        base_url = "../" * page_url.count("/")

        keep = self.cache is not None  # (the serve cache keeps the twin too)

        def run() -> tuple[str, list[Heading], bytes | None]:
            if isinstance(what, GuidePage):
                content, headings = renderer.guide(what, base_url=base_url)
            elif isinstance(what, ConnectorEntry):
                content, headings = renderer.connector(what, base_url=base_url)
            else:
                content, headings = renderer.index(title=title, base_url=base_url)
            twin = None
            if exports is not None:
                content = exports.decorate_uri(src_uri, page_url, content)
                twin = exports.write_twin(src_uri)
            return content, headings, twin if keep else None

        return run

    def _add_redirects(self, files: Files, config: MkDocsConfig, site: GuideSite) -> None:
        """A redirect page at each old URL a guide lists in `redirect_from`."""
        found, problems = redirects(site)
        for problem in problems:
            log.warning(f"{problem}")
        mapped = _redirects_plugin_map(config)
        for redirect in found:
            if (redirect.dest in mapped or files.get_file_from_path(redirect.dest) is not None
                    or any(f.dest_uri == redirect.dest for f in files)):
                log.warning(f"{redirect.source}: redirect_from '{redirect.old}' is "
                            f"already a file of the site or a redirect of mkdocs-redirects; "
                            f"remove one of them")
                continue
            text = redirect_page(redirect.dest, redirect.target, config.site_url, site.options.words,
                                 site.options.language)
            files.append(File.generated(config, redirect.dest, content=text,
                                        inclusion=InclusionLevel.INCLUDED))

    def _check_references(self, files: Files, config: MkDocsConfig, docs_dir: Path) -> None:
        """Guide images and links that match no file of the site, logged at the level of
        MkDocs' `validation.links.not_found` (warn by default, so `--strict` fails)."""
        if self.site is not None:
            for level, message in _references(self.site.pages, files, config, docs_dir):
                log.log(level, message)

    def _add_host_configs(self, files: Files, config: MkDocsConfig) -> None:
        """The `host_configs` files that live in the site (.htaccess, _worker.js, ...)."""
        if not self.cfg.host_configs or self.options.url_prefix:  # (the default language's)
            return
        twins = [f.dest_uri for f in files if f.dest_uri.endswith(".html.md")]
        for path, text in published_files(self.cfg.host_configs, twins).items():
            if any(f.dest_uri == path for f in files):
                log.warning(f"the site already has {path}; guidebook does not write one "
                            f"(remove it to get the generated file)")
                continue
            file = File.generated(config, path, content=text, inclusion=InclusionLevel.INCLUDED)
            files.append(file)
            self.host_files[path] = file

    def _refresh_host_configs(self, files: Files) -> None:
        """The host files again, once every twin is where its page ended up (a plugin may
        have moved a page after `on_files`: vercel.json lists the pages)."""
        if not self.host_files:
            return
        twins = [f.dest_uri for f in files if f.dest_uri.endswith(".html.md")]
        for path, text in published_files(self.cfg.host_configs, twins).items():
            if path in self.host_files:
                self.host_files[path].content_string = text

    # -- navigation --------------------------------------------------------------------------

    def build_nav(self, nav: Navigation, files: Files) -> Navigation:
        """Adds the connectors section (categories -> connectors -> guides)."""
        assert self.site is not None
        index = self._index_file(files)
        if index is not None and index.src_uri in self.pages:  # ours
            _generated_index(index, self.config)
        children: list[Any] = [index.page] if index and index.page else []
        for category, entries in self.site.placements:
            sections: list[Any] = []  # keep every sidebar short: A–Z groups of nav_group_size
            for title, group in sidebar_groups(entries, self.cfg.nav_group_size):
                made = [_connector_section(e, files) for e in group]
                sections += made if title is None else [NavSection(html.escape(title), made)]
            children.append(NavSection(html.escape(category), sections))
        section = NavSection(html.escape(self.cfg.nav_title), children)
        # An entry of the user's nav for the connectors index is expanded where it stands
        if index is None or not _replace_page(nav.items, index, section):
            nav.items.append(section)
        return _navigation(nav.items)

    def _index_file(self, files: Files) -> File | None:
        """The connectors index: ours, or a hand-written `connectors/index.md` (static-i18n
        keeps its src_uri and moves it to the language's folder)."""
        assert self.site is not None
        return files.get_file_from_path(self.site.index_uri) or (
            files.get_file_from_path(INDEX_URI) if self.languages is not None else None)

    def keep_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> None:
        """The navigation every page is built with, and the Files the site is built from (a
        plugin after guidebook's `on_files` may have replaced the list it added to)."""
        self.nav = nav
        self.files = files
        if self.exports is not None:
            self.exports.use_files(files)
        self.mark_languages(config, files)

    def mark_languages(self, config: MkDocsConfig, files: Files) -> None:
        """In a mkdocs-static-i18n build, our pages get the alternates static-i18n gives the
        docs' pages (its language switcher lands on the same guide in each language) and join
        its sitemap."""
        if self.languages is None:
            return
        find_in_language(files, self.languages, self.added)
        ours = [f for f in (files.get_file_from_path(uri) for uri in self.pages)
                if f is not None]
        mark_alternates(ours, self.languages)
        i18n = config.plugins.get("i18n")
        listed = getattr(i18n, "i18n_files_per_language", {}).get(self.languages.language)
        if isinstance(listed, list):
            listed.extend(f for f in ours if f not in listed)

    def redirect_targets(self, config: MkDocsConfig, files: Files) -> None:
        """Lets mkdocs-redirects' `redirect_maps` name a guide page by its `…/index.md`, its
        URL or its twin. In a mkdocs-static-i18n pass of another language (whose pages are
        named `de/…`), mkdocs-redirects runs again with the same `redirect_maps` and writes the
        same files: there the unprefixed names lead to the default language's page, as
        they do for a docs page (`about.md` is the default language's in every pass)."""
        plugin = config.plugins.get("redirects")
        pages = getattr(plugin, "doc_pages", None)
        if not isinstance(pages, dict):  # (it reads the files in its on_files)
            return
        prefix = self.options.url_prefix
        for src_uri in self.pages:
            file = files.get_file_from_path(src_uri)
            if file is None:
                continue
            for name in (src_uri, file.url, file.url.rstrip("/") + ".md"):
                pages.setdefault(name, file)
                if prefix and name.startswith(prefix):  # (mkdocs-redirects reads its url)
                    pages.setdefault(name.removeprefix(prefix),
                                     Alternate(file.url.removeprefix(prefix)))

    # -- pages -------------------------------------------------------------------------------

    def page_markdown(self, page: Page) -> None:
        """Gives our (empty) pages their title and description (and tags)."""
        meta = self.meta.get(page.file.src_uri)
        if meta is not None:
            page.meta.update(meta)

    def page_content(self, content: str, page: Page) -> str | None:
        """Our pages' body, from the pool; a hand-written page's twin and page actions."""
        if page.file.src_uri not in self.pages:
            if self.exports is None:
                return None
            self.exports.capture(page)  # its twin: the Markdown other plugins made
            return self.exports.decorate(page, content)
        src_uri = page.file.src_uri
        kept = self.kept.pop(src_uri, None)
        if kept is not None:
            self._write_kept_twin(src_uri, kept)
        else:
            assert self.bodies is not None
            try:
                kept = self.bodies.get(src_uri)
            except RenderError as exc:
                raise PluginError(f"guidebook: a template failed on {exc.key or src_uri}: "
                                  f"{exc.message}") from None
            if self.cache is not None:
                self.cache.keep_body(src_uri, self.keys[src_uri], kept)
        body, headings, _ = kept
        page.toc = get_toc(_toc_tokens(headings))
        return body

    def _write_kept_twin(self, src_uri: str, kept: Any) -> None:
        if self.exports is not None and kept[2] is not None:
            self.exports.write_twin(src_uri, kept[2])

    def env(self, env: Any, config: MkDocsConfig, files: Files) -> None:
        """Every page is read: every twin is written, llms.txt and llms-full.txt are filled
        in, and the theme pages of our pages start rendering."""
        bodies, self.bodies = self.bodies, None
        if bodies is not None:
            try:
                bodies.run_all()  # the twins of pages MkDocs did not read (another plugin
                # took them out)
            except RenderError as exc:
                raise PluginError(f"guidebook: a template failed on {exc.key}: "
                                  f"{exc.message}") from None
            finally:
                bodies.close()
        for src_uri, kept in self.kept.items():  # pages MkDocs did not read
            self._write_kept_twin(src_uri, kept)
        self.kept = {}
        if self.exports is not None:
            self.exports.finish()
            self.exports.write_full()
            self._refresh_host_configs(files)
        if self.cache is None and not self.options.whitelabel:
            self._let_model_go()
        self._start_theme_pages(env, config, files)

    def _let_model_go(self) -> None:
        """Once the pages are read and the llms files written, a build that neither checks
        its site for leaks (white-label) nor keeps it for an edit (serve) needs nothing more of
        the guide model: it goes before the theme pages' workers fork (about 25 KB a guide,
        a tenth of the peak memory of a 5,000-guide build)."""
        self.site = self.renderer = None
        self.pages = dict.fromkeys(self.pages)  # (which pages are ours is still asked)
        if self.exports is not None:
            self.exports.let_model_go()

    def _start_theme_pages(self, env: Any, config: MkDocsConfig, files: Files) -> None:
        """Render the theme's page for each of our pages on the pool.

        MkDocs renders the theme template of each page in turn, in one process. Our pages get
        a one-line template instead; a job renders the page with the theme's own template and
        MkDocs' own context, and writes it (`written`), or hands it back for MkDocs to write
        when another plugin post-processes pages. Only done when no plugin but the search
        plugins and this one changes the page context, which a worker could not see.
        """
        searches = _search_plugins(config)
        if self.nav is None or not _quiet_plugins(config, "page_context", allowed=searches):
            return
        # (in a serve session MkDocs writes the pages: their outputs are kept)
        write = self.cache is None and _quiet_plugins(config, "post_page")
        head = self.exports.head_uri if self.exports is not None else None
        block = self.exports.actions_block if self.exports is not None else None
        doc_files = files.documentation_pages()
        search = self.search.plugin is not None
        shape = (digest(_nav_shape(self.nav.items), [f.src_uri for f in doc_files],
                        get_build_date()) if self.cache is not None else b"")
        jobs = []
        for file in doc_files:
            page = file.page
            if (file.src_uri not in self.pages or page is None or "template" in page.meta
                    or (search and rewritten(page.content or ""))):
                continue  # (MkDocs renders it: the search plugin rewrites its content first)
            if self.cache is not None:
                # (what the theme's template reads of the page; the Edit button's link
                # comes from its source file, which a renamed guide file changes alone)
                key = self.keys[file.src_uri] = digest(
                    shape, file.src_uri, page.url, page.canonical_url, page.abs_url,
                    page.edit_url, page.title, repr(page.meta), page.content)
                kept = self.cache.page(file.src_uri, key)
                if kept is not None:
                    self.kept_pages[file.src_uri] = kept
                    continue
            jobs.append((file.src_uri, _page_job(page, self.nav, doc_files, config, env, search,
                                                 head, block, write)))
        if not jobs and not self.kept_pages:
            return
        self.theme_env = env
        env.loader = jinja2.ChoiceLoader(
            [jinja2.DictLoader({PAGE_TEMPLATE: "{{ guidebook_page() }}"}), env.loader])
        env.globals["guidebook_page"] = self._page_output
        self.themed = Jobs(jobs, workers=self.workers, expected=(jinja2.TemplateError,))
        for src_uri in [uri for uri, _ in jobs] + list(self.kept_pages):
            files.get_file_from_path(src_uri).page.meta["template"] = PAGE_TEMPLATE
            self.jobbed.add(src_uri)

    @jinja2.pass_context
    def _page_output(self, context: Any) -> str:
        """The global behind PAGE_TEMPLATE: "" for a page its job wrote (MkDocs writes
        nothing), else the page its job rendered."""
        page = context.get("page")
        return self.outputs.pop(page.file.src_uri, "") if page is not None else ""

    def page_context(self, page: Page) -> None:
        """Before the search plugin sees one of our pages: the page's job is done; the search
        plugin gets the sections it parsed."""
        src_uri = page.file.src_uri
        if src_uri not in self.jobbed:
            return
        kept = self.kept_pages.pop(src_uri, None)
        if kept is not None:
            output, found = kept
        else:
            assert self.themed is not None
            try:
                output, found = self.themed.get(src_uri)
            except RenderError as exc:
                raise PluginError(f"guidebook: the theme failed on {exc.key or src_uri}: "
                                  f"{exc.message}") from None
            if self.cache is not None:
                self.cache.keep_page(src_uri, self.keys[src_uri], (output, found))
        if output is not None:
            self.outputs[src_uri] = output
        self.search.before(page, found)

    def post_page(self, output: str, page: Page) -> str | None:
        """`<link rel="alternate" type="text/markdown">` in the head of pages MkDocs built."""
        if self.exports is None or page.file.src_uri in self.jobbed:  # (the job added it)
            return None
        return self.exports.head(page, output)

    # -- the end ---------------------------------------------------------------------------------

    def finish(self, config: MkDocsConfig) -> None:
        """The build's last checks: no other plugin wrote over the agent outputs (an error),
        twins llms.txt links that are missing, and in white-label builds the leak check of
        every file of the site (a site that fails it is emptied)."""
        self._close_pools()  # (no thread of theirs may be running when the check forks)
        if self.exports is not None:
            _check_not_replaced(self.exports.replaced(), config)
            for path in self.exports.missing_twins(config.site_dir):
                log.warning(f"llms.txt links {path}, which is not in the built site (a "
                            f"plugin moved or removed its page after guidebook saw it; "
                            f"see 'Works with' in guidebook's README)")
        if self.site is None or not self.options.whitelabel:
            if self.cache is not None and self._takes_edits(config):
                self.search.keep_json()
                self.cache.last = self  # (closed when the build ends; its site stays)
            return
        root = project_root(config)
        site_dir = Path(config.site_dir).resolve()
        shown = os.path.relpath(site_dir, root) if root in site_dir.parents else str(site_dir)
        custom = os.path.realpath(config.theme.custom_dir) if config.theme.custom_dir else None
        theme_dirs = [Path(d) for d in config.theme.dirs if os.path.realpath(d) != custom]
        leaks = check_build(self.site, site_dir, forbid=self.cfg.whitelabel_forbid,
                            settings={k: config.get(k) for k in SETTINGS}, display_dir=shown,
                            root=root, docs_dir=Path(config.docs_dir),
                            docs_pages={f.src_uri for f in self.files.documentation_pages()
                                        if f.src_uri not in self.pages} if self.files else None,
                            vendored=vendored_files(site_dir, theme_dirs)
                            | _unchanged_assets(site_dir),
                            chrome=_theme_chrome(config, theme_dirs, self.cfg.whitelabel_forbid
                                                 or forbidden_terms(self.site)),
                            parallel=self.workers > 1)
        if leaks:
            raise PluginError(f"guidebook: {format_leaks(leaks)}{self._withdraw(site_dir, shown)}")
        log.info(f"white-label leak check passed ({shown})")

    def _withdraw(self, site_dir: Path, shown: str) -> str:
        """A `mkdocs build` whose white-label site leaks leaves no site behind: it empties the
        folder as MkDocs does before a build (names starting with "." stay, such as a `.git`),
        so no later step can publish it; under `mkdocs serve` the preview keeps it."""
        if self.cache is not None:
            return ""
        clean_directory(str(site_dir))
        return (f"\nNothing of this build is left in {shown}: a white-label site that leaks is "
                f"not kept, so that no later step publishes it. Fix the lines above and build "
                f"again.")


    # -- an edit under mkdocs serve ----------------------------------------------------------

    def _takes_edits(self, config: MkDocsConfig) -> bool:
        """Whether this (serve) build can apply a later edit of guide files to its site in
        place: our pages' theme pages were rendered by jobs, and no plugin but this one and
        Material's search plugin (which takes our pages' sections from us) writes anything
        that a guide's text could change."""
        if self.inputs is None or self.theme_env is None or self.nav is None:
            return False
        searches = _search_plugins(config)
        return (all(getattr(p, "is_guidebook", False) or p in searches
                    for p in config.plugins.values())
                and all(s is self.search.plugin or not plugin_enabled(s) for s in searches))

    def apply_edit(self) -> Edit | None:
        """Under `mkdocs serve`, once this build has succeeded (see `ServeCache.last`): apply
        an edit of guide files to its site in place, and say what it wrote; None when the edit
        needs a full build (then it may have written part of it: the full build starts by
        emptying the folder); `UNCHANGED` when no file it reads changed (the watcher saw a
        hidden file of the guides folder, such as an editor's swap file, or reported one save
        twice): the site is already the clean build's.

        It applies when only guide files changed and every page keeps its place and title
        (so no other page's navigation changes): the pages whose model changed get their body,
        twin, theme page and search sections again, and llms.txt, llms-full.txt and the search
        index are written again, each by the code that writes it in a full build, so the site
        is the clean build's."""
        assert self.cache is not None and self.inputs is not None
        assert self.site is not None and self.renderer is not None and self.files is not None
        config, files, cache = self.config, self.files, self.cache
        now = self.inputs.again()
        if self.inputs.same(now):
            return UNCHANGED
        if not self.inputs.guides_alone_changed(now):
            return None
        tokens = dict(cache.tokens)
        loader = SiteLoader(self.options, display_root=Path(config.config_file_path).parent,
                            cache=cache, found=self.guide_files)  # (the same files, by name)
        try:
            site = loader.site()
        finally:
            loader.close()
        self.guide_files = loader.found
        edited = {file for file, token in cache.tokens.items() if tokens.get(file) != token}
        if self.shape is None:
            self.shape = _shape(self.site)
        pages = _same_pages(self.shape, site, self.pages)
        if pages is None:
            return None
        meta = {uri: _page_meta(what, self.cfg.nav_title, site) for uri, what in pages.items()}
        if any(meta[uri]["title"] != self.meta[uri]["title"] for uri in pages):
            return None  # (every page's navigation shows the title)
        self.site = site
        self.renderer.rebind(site)
        if self.exports is not None:
            self.exports.rebind(site, pages)
        self.pages, old_meta, self.meta = pages, self.meta, meta
        redo = []  # (pages made of no edited file keep their body's key: see `_body_key`)
        for uri, what in pages.items():
            if _made_of(what, edited):
                key = self._body_key(uri, what, files)
                before = cache.body_entry(uri)
                if before is None or before[0] != key:
                    redo.append((uri, what, key, before))
        if _references([w for _, w, _, _ in redo if isinstance(w, GuidePage)], files, config,
                       Path(config.docs_dir).resolve()):
            return None  # (a full build reports them)
        changed = []
        for uri, what, key, before in redo:
            body = self._body_job(uri, what, files)()  # (writes the twin)
            cache.keep_body(uri, key, body)
            if before is None or before[1][:2] != body[:2] or old_meta[uri] != meta[uri]:
                changed.append((uri, body))
        search = self.search.plugin is not None
        if search and any(rewritten(content) for _, (content, _, _) in changed):
            return None  # (its theme page is MkDocs' to render; the full build reports)
        self._report(site, config)
        doc_files = files.documentation_pages()
        head = self.exports.head_uri if self.exports is not None else None
        block = self.exports.actions_block if self.exports is not None else None
        for uri, (content, headings, _) in changed:
            page = files.get_file_from_path(uri).page
            page.meta = {**meta[uri], "template": PAGE_TEMPLATE}
            page.content = content
            page.toc = get_toc(_toc_tokens(headings))
            _, found = _page_job(page, self.nav, doc_files, config, self.theme_env, search,
                                 head, block, write=True)()
            if search:
                self.search.replace(page, found)
        if search:
            self.search.write_index(config)
        if self.exports is not None:
            if self.exports.finish():
                self.exports.write_llms()
            self.exports.write_full()
        self.inputs = now
        return Edit(len(changed))


class GeneratedPage(Page):
    """One of our pages. Its body comes from the model (`Build.page_content`), so MkDocs'
    conversion of its empty Markdown source is skipped: `render` leaves the page as that
    conversion would (no content, no headings, no anchors), without making a Python-Markdown
    instance with every extension for each page."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()
        if _PAGES_LOG.getEffectiveLevel() > logging.DEBUG:  # as MkDocs decides it
            self.links_to_anchors = {}


class _PageAdder:
    """Adds our pages to `files` as generated Files (`on_files`), and finds hand-written files
    that would land where one of them does."""

    def __init__(self, files: Files, config: MkDocsConfig, nav_title: str) -> None:
        self.files, self.config, self.nav_title = files, config, nav_title
        self.pages: dict[str, Any] = {}
        self.meta: dict[str, dict[str, str]] = {}
        self.clashes: list[str] = []
        # hand-written files by where they land in the site, in any letter case (a file
        # system that ignores case would give a generated page and one of them one file)
        self.existing = {f.dest_uri.casefold(): f for f in files if not f.inclusion.is_excluded()}
        self.docs_dir = Path(config.docs_dir).resolve()
        self.root = Path(config.config_file_path).parent.resolve()  # guide files are named
        # relative to it (see load_site's display_root)

    def add(self, src_uri: str, what: Any, meta: dict[str, Any],
            source_file: str | None, *, page: bool = True) -> None:
        """Add the page of `src_uri`; with `page` False its Page is left to the navigation
        (see `_generated_index`)."""
        file = File.generated(self.config, src_uri, content="",
                              inclusion=InclusionLevel.NOT_IN_NAV)
        other = self.existing.get(file.dest_uri.casefold())
        if other is not None:
            self.clashes.append(self._clash(other, file.dest_uri, what, source_file))
            return
        # The page's source is empty; its meta is set once MkDocs has read it (page_markdown).
        self.meta[src_uri] = meta
        if source_file is not None:
            source = os.path.join(self.root, source_file)
            rel = os.path.relpath(source, self.docs_dir)
            file.edit_uri = Path(rel).as_posix()
            # The page's source is its YAML file, for plugins that ask git about it (dates,
            # authors); MkDocs still reads the page from its content (empty until rendered).
            file.abs_src_path = os.path.normpath(source)
            file.generated_by = None
        self.files.append(file)
        if page:
            GeneratedPage(None, file, self.config)  # (becomes file.page)
        self.pages[src_uri] = what

    def _clash(self, other: File, dest_uri: str, what: Any, source_file: str | None) -> str:
        """The error for a hand-written file that lands where a generated page does."""
        mine = (Path(os.path.relpath(other.abs_src_path, self.root)).as_posix()
                if other.abs_src_path else other.src_uri)
        if isinstance(what, ConnectorEntry):
            ours = f"the page of connector {what.key!r}" + (f" ({what.guides[0].file})"
                                                           if what.guides else "")
        elif source_file is not None:
            ours = f"the page of {source_file}"
        else:
            ours = f"the generated {self.nav_title!r} index"
        case = ("" if other.dest_uri == dest_uri else
                f" ({other.dest_uri} and {dest_uri} differ only in letter case: one file where "
                f"case does not count, as on Windows and macOS)")
        fix = f"rename or move {mine}"
        if what == "index":
            docs = Path(os.path.relpath(self.docs_dir, self.root)).as_posix()
            fix += f", or name it {docs}/{INDEX_URI} to replace the generated index"
        return f"{mine} and {ours} would both be written to {dest_uri}{case}; {fix}"


def _strings(cfg: GuidebookConfig, language: str | None, default: str | None) -> dict[str, str]:
    """The `strings` (and the older pattern options) of one language (see `strings_for`)."""
    from .words import pattern_strings

    return strings_for(cfg.strings, language, default, pattern_strings(cfg))


def in_language(cfg: GuidebookConfig, options: Options,
                languages: LanguageBuild) -> tuple[GuidebookConfig, Options]:
    """The plugin config and options of one pass of a mkdocs-static-i18n build: the `strings`
    of its language (the top-level ones, `nav_title` and the pattern options are the default
    language's words); another language's connectors index is titled by its message
    `index.title` (its `strings` entry, else its catalog)."""
    from .words import WordsError

    options = dataclasses.replace(options, strings=_strings(cfg, languages.language,
                                                             languages.default))
    try:
        words = options.words
    except WordsError as exc:
        raise PluginError(f"guidebook: {exc} (in the strings of {languages.language!r})") \
            from None
    if languages.language == languages.default:
        return cfg, options
    cfg = copy.copy(cfg)  # (this pass's: the next starts from the plugin's own config)
    cfg.nav_title = words.text("index.title")
    return cfg, options


def options_of(cfg: GuidebookConfig, language: str | None, whitelabel: bool) -> Options:
    """The core's options from the plugin config and the theme's language (the site's
    language: the `strings` at the top level and those under its code)."""
    return Options(
        guides_dir=Path(cfg.guides_dir),
        brand={str(k): str(v) for k, v in cfg.brand.items()},
        whitelabel=whitelabel,
        whitelabel_brand=({str(k): str(v) for k, v in cfg.whitelabel_brand.items()}
                          if cfg.whitelabel_brand else None),
        whitelabel_replace={str(k): str(v) for k, v in cfg.whitelabel_replace.items()},
        language=language,
        strings=_strings(cfg, language, language),
        max_guide_bytes=cfg.max_guide_bytes,
        categories={str(k): str(v) for k, v in cfg.categories.items()},
    )


def session_key(cfg: GuidebookConfig, options: Options, config: MkDocsConfig) -> bytes:
    """What every page of a build depends on (for the serve cache): the plugin's options,
    mkdocs.yml and every file it inherits from (a setting such as site_name may come from
    any of them), the template override folders, the build date."""
    text = []
    for path in config_files(config.config_file_path):
        try:
            text.append(Path(path).read_bytes())
        except OSError:
            text.append(b"")
    return digest(json.dumps(dict(cfg), default=str, sort_keys=True),
                  [(f.name, getattr(options, f.name)) for f in dataclasses.fields(options)],
                  text, folder_stamps(cfg.templates_dir), folder_stamps(config.theme.custom_dir),
                  str(config.site_url), get_build_date())


def _nav_shape(items: list[Any]) -> list[Any]:
    """The navigation as every page shows it, nested as it is: each entry's titles, URL and
    what a theme's sidebar and tabs show of it (Material: the icon, subtitle and status of
    its page's meta, `is_index`, its typeset title, `encrypted`)."""
    shape: list[Any] = []
    for item in items:
        children = getattr(item, "children", None)
        meta = getattr(item, "meta", None) or {}
        shown = {k: repr(meta[k]) for k in ("icon", "subtitle", "status") if k in meta}
        shape.append((type(item).__name__, item.title, getattr(item, "url", None), shown,
                      getattr(item, "is_index", None), repr(getattr(item, "typeset", None)),
                      repr(getattr(item, "encrypted", None)),
                      _nav_shape(children) if children else None))
    return shape


def _unchanged_assets(site_dir: Path) -> set[str]:
    """The plugin's stylesheets and scripts the site holds as packaged (the white-label check
    does not read them: nothing a user writes is in them)."""
    found = set()
    for uri, source in packaged_assets().items():
        try:
            if (site_dir / uri).read_bytes() == Path(source).read_bytes():
                found.add(uri)
        except OSError:
            continue
    return found


# Files of the site (beside its pages) that may name an image: `_texts_naming_files`.
_NAMING_SUFFIXES = (".html", ".htm", ".css", ".js", ".mjs", ".svg", ".json", ".xml")


def _texts_naming_files(files: Files, config: MkDocsConfig) -> Iterator[str]:
    """What the site says beside its guides, for `hidden_assets` (an image one of these
    names stays in a white-label site): the docs folder's pages (as written: their Markdown
    and HTML), its stylesheets, scripts and HTML files, the template overrides (custom_dir)
    and the settings (theme.logo, extra, ...). Read lazily, only when a hidden part shows an
    image."""
    custom = os.path.realpath(config.theme.custom_dir) if config.theme.custom_dir else None
    theme_dirs = {os.path.realpath(d) for d in config.theme.dirs} - {custom}
    for file in list(files):
        if not file.inclusion.is_included():
            continue
        if file.src_dir is not None and os.path.realpath(file.src_dir) in theme_dirs:
            continue  # the theme's own files
        if file.is_documentation_page() or file.src_uri.lower().endswith(_NAMING_SUFFIXES):
            try:
                yield file.content_string
            except (OSError, ValueError):
                continue
    if custom is not None:
        for path in sorted(Path(custom).rglob("*.html")):
            try:
                yield path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
    settings = {k: config.get(k) for k in (*SETTINGS, "extra", "extra_css", "extra_javascript")}
    yield json.dumps({**settings, "theme": dict(config.theme)}, default=str, ensure_ascii=False)


def _theme_chrome(config: MkDocsConfig, theme_dirs: list[Path],
                  terms: list[str] | None = None) -> str | None:
    """The theme's 404 page rendered with no page, no navigation and only the theme's own
    templates (`theme_dirs`, without the user's custom_dir): the words the theme writes by
    itself, which the white-label check does not count as leaks (see `theme_fragments`).
    Every setting of the user's (site_name, copyright, extra, extra_css, extra_javascript,
    the theme's palette, ...) that holds one of the forbidden `terms` is masked first (see
    `without_terms`), so that none of them becomes a theme word. None if the theme cannot
    render it so (then every word counts)."""
    try:
        env = config.theme.get_env().overlay(
            loader=jinja2.FileSystemLoader([str(d) for d in theme_dirs]))
        neutral = _without_terms_config(config, terms or [])
        context = get_context(Navigation([], []), Files([]), neutral)
        return env.get_template("404.html").render(context)
    except Exception as exc:  # a theme without a 404 page, or one that needs a page
        log.debug(f"white-label check: the theme's page could not be rendered alone ({exc})")
        return None


def _without_terms_config(config: MkDocsConfig, terms: list[str]) -> MkDocsConfig:
    """A copy of `config` whose settings (the theme's too) hold none of `terms` (see
    `without_terms`); the plugins are the same objects."""
    neutral = copy.copy(config)
    for key, value in config.items():
        if key not in ("theme", "plugins"):
            masked = without_terms(value, terms)
            if masked is not value:
                neutral[key] = masked
    theme = config.theme
    values = {k: v for k, v in theme.items() if k not in ("name", "locale")}
    masked_values = without_terms(values, terms)
    if masked_values is not values:
        neutral["theme"] = Theme(theme.name, locale=str(theme.locale), **masked_values)
    return neutral


def _check_not_replaced(paths: list[str], config: MkDocsConfig) -> None:
    """A plugin that wrote over guidebook's agent outputs after it (mkdocs-llmstxt writes
    llms.txt, llms-full.txt and a `.md` file per page in its `on_post_build`) stops the
    build: the site would publish a mix of both, and which one wins depends on the order of
    events, not on a choice."""
    if not paths:
        return
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    culprit = ("mkdocs-llmstxt (llmstxt)" if "llmstxt" in config.plugins
               else "another plugin or hook")
    raise PluginError(f"guidebook: {culprit} wrote over {shown}, which guidebook writes; "
                      f"remove one of them from plugins (or set guidebook's agent_outputs: "
                      f"false to keep the other's)")


def _dated_by_guides(index: File | None, guides_dir: Path) -> None:
    """The connectors index has no file of its own. For plugins that date a page by its
    source (git-revision-date-localized asks git for the last commit of a path, which may be a
    folder) its source is the guides folder: it is dated by its newest guide, not by the time of
    the build. MkDocs still reads the page from its content; it gets no edit button."""
    if index is None or not guides_dir.is_dir():
        return
    index.edit_uri = None
    index.abs_src_path = os.path.normpath(guides_dir.resolve())
    index.generated_by = None


def _redirects_plugin_map(config: MkDocsConfig) -> set[str]:
    """The files mkdocs-redirects writes for its `redirect_maps` (if it is in the build)."""
    plugin = config.plugins.get("redirects")
    maps = plugin.config.get("redirect_maps") if plugin is not None else None
    if not isinstance(maps, dict):
        return set()
    return {File(str(old), "", "", config.use_directory_urls).dest_uri for old in maps}


def _page_meta(what: Any, nav_title: str, site: GuideSite) -> dict[str, Any]:
    """The title and description (and tags, for Material's tags plugin) of one of our pages.
    MkDocs and Material treat page titles and meta as HTML and print them unescaped (<title>,
    nav, <meta content>, search index): guide text is data, so it is escaped here."""
    if isinstance(what, GuidePage):
        title, description = what.title, what.description
    elif isinstance(what, ConnectorEntry):
        title, description = what.name, what.summary
    else:  # the connectors index
        title, description = nav_title, site.options.words.text("index.description")
    meta: dict[str, Any] = {"title": html.escape(title), "description": html.escape(description)}
    if isinstance(what, GuidePage) and what.guide.tags:
        meta["tags"] = [html.escape(t) for t in what.guide.tags]
    return meta


def _sources(what: Any) -> list[str] | None:
    """The files (as named in messages) the model of the page of `what` comes from: its
    guide's file; its connector's file and its guides'; None for the connectors index, which
    is made of every file."""
    if isinstance(what, GuidePage):
        return [what.file]
    if isinstance(what, ConnectorEntry):
        return [f for f in (what.file, *(g.file for g in what.guides)) if f]
    return None


def _made_of(what: Any, files: set[str]) -> bool:
    """Whether the model of the page of `what` comes from one of `files`."""
    sources = _sources(what)
    return sources is None or not files.isdisjoint(sources)


def _references(pages: list[GuidePage], files: Files, config: MkDocsConfig,
                docs_dir: Path) -> list[tuple[int, str]]:
    """The images and links of `pages` that match no file of the site, each with the level of
    MkDocs' `validation.links.not_found` (none when it ignores them)."""
    level = config.validation.links.not_found
    if level < logging.INFO or not pages:  # ignore
        return []
    paths = {f.dest_uri for f in files}
    prefix = pages[0].url_prefix  # guide text resolves from its unprefixed URL
    paths |= {p.removeprefix(prefix) for p in paths} if prefix else set()
    return [(level, f"{p.source}: {p.message} ({p.hint})")
            for page in pages for p in check_references(page.guide, paths, docs_dir,
                                                        site_url=config.site_url)]


def _shape(site: GuideSite) -> Any:
    """The site's pages, places, order and problems (what an edit applied in place keeps)."""
    return ([(p.src_uri, p.url) for p in site.pages],
            [(e.src_uri, e.url) for e in site.connectors],
            [(name, [e.key for e in entries]) for name, entries in site.placements],
            [str(p) for p in site.problems], [str(p) for p in site.warnings], site.notes,
            [p.src_uri for p in site.unpublished],
            [(r.dest, r.target) for r in redirects(site)[0]])


def _same_pages(old: Any, new: GuideSite, pages: dict[str, Any]) -> dict[str, Any] | None:
    """`pages` (src_uri -> what the page shows) from the site `new`, when it has the `_shape`
    `old`; else None."""
    if _shape(new) != old:
        return None
    found: dict[str, Any] = {p.src_uri: p for p in new.pages}
    found |= {e.src_uri: e for e in new.connectors}
    return {uri: found[uri] if what != "index" else what for uri, what in pages.items()}


def _other_inputs(cfg: GuidebookConfig, config: MkDocsConfig) -> list[str]:
    """What a build reads besides the guides (for an edit under mkdocs serve): mkdocs.yml and
    the files it inherits from, the docs folder, the template override folders, the paths of
    the `watch` setting."""
    found = [str(x) for x in (config.docs_dir, cfg.templates_dir, config.theme.custom_dir,
                              *config.watch) if x]
    return found + config_files(config.config_file_path)


def _guide_name(name: str) -> bool:
    """The names of the files of the guides folder a build reads."""
    return name.endswith(GUIDE_SUFFIXES) and not name.startswith(".")


def _search_plugins(config: MkDocsConfig) -> tuple[Any, ...]:
    """MkDocs' and Material's search plugins of this build."""
    return tuple(p for p in config.plugins.values() if type(p).__name__ == "SearchPlugin")


def _quiet_plugins(config: MkDocsConfig, *events: str, allowed: tuple[Any, ...] = ()) -> bool:
    """True when every handler of these events belongs to guidebook or to an `allowed`
    plugin: no other plugin changes a page's context (a worker renders with MkDocs' own
    context) or its output."""
    for event in events:
        for handler in config.plugins.events.get(event, []):
            owner = getattr(handler, "__self__", None)
            if owner is None or not (getattr(owner, "is_guidebook", False)
                                     or any(owner is a for a in allowed)):
                return False
    return True


def _page_job(page: Page, nav: Navigation, doc_files: Any, config: MkDocsConfig, env: Any,
              search: bool, head: Callable[[str, str, str], str] | None,
              block: Callable[[str, str], str] | None, write: bool) -> Callable[[], Any]:
    """Render `page` with the theme's template, as MkDocs' `_build_page` does, and write it
    (with `write`; else hand it back); parse its content for the search index. `head` adds
    what `post_page` would add to the page's head; the page actions `block` (excluded from
    search) is left out of the parse."""

    def run() -> tuple[str | None, Any]:
        previous, was_active = config._current_page, page.active
        config._current_page = page
        page.active = True
        try:
            context = get_context(nav, doc_files, config, page)
            output = env.get_template("main.html").render(context)
            if head is not None:
                output = head(page.file.src_uri, page.url, output)
        finally:
            page.active = was_active
            config._current_page = previous
        content = page.content or ""
        found = search_sections(_without(content, page, block)) if search else None
        if not write:
            return output, found
        # the bytes MkDocs writes (its folder is often there already: made for the twin)
        write_bytes(page.file.abs_dest_path, output.encode("utf-8", errors="xmlcharrefreplace"))
        return None, found

    return run


def _without(content: str, page: Page, block: Callable[[str, str], str] | None) -> str:
    """`content` without its page actions block (search excludes it: no need to parse it)."""
    found = block(page.file.src_uri, page.url) if block is not None else ""
    at = content.find(found) if found else -1
    return content if at < 0 else content[:at] + content[at + len(found):]


def _connector_section(entry: ConnectorEntry, files: Files) -> Section:
    pages = [files.get_file_from_path(entry.src_uri)]
    pages += [files.get_file_from_path(p.src_uri) for p in entry.guides]
    return NavSection(html.escape(entry.name), [f.page for f in pages if f is not None and f.page])


class NavSection(Section):
    """A section of the connectors nav. Material's sidebar template reads `meta`, `typeset`
    and `pages` of every item it shows, and a `Section` has none of them: each read of a
    missing attribute costs Jinja two caught exceptions and an `Undefined` (about 350 a guide
    page). Here they are present and empty, which the template reads as the same false: a
    guide page renders 0.83x as long. (Not on pages: Material's typeset plugin sets
    `page.typeset` only where it is missing.)"""

    meta = None
    typeset = None
    pages = None


def _generated_index(file: File, config: MkDocsConfig) -> None:
    """The connectors index's Page, made once the navigation is: MkDocs (or a plugin that
    builds the navigation: mkdocs-awesome-nav, mkdocs-literate-nav) made it a plain Page
    titled as the user's nav names it (`- Integrations: connectors/index.md`), which it
    keeps only for a file that has no Page yet; the GeneratedPage that replaces it keeps
    that title (the connectors section's, see `_replace_page`)."""
    made = file.page
    if isinstance(made, GeneratedPage):
        return
    title = vars(made).get("title") if made is not None else None  # (set by the nav only)
    GeneratedPage(title, file, config)  # (becomes file.page)


def _replace_page(items: list[Any], file: File, section: Section) -> bool:
    """Put `section` where the page of `file` stands in `items` (searched depth first), with
    the title the nav gave that page; False if it is not there."""
    for i, item in enumerate(items):
        if isinstance(item, Page) and item.file is file:
            if item.title:
                section.title = item.title
            items[i] = section
            return True
        if (isinstance(item, Section) and len(item.children) == 1
                and isinstance(item.children[0], Page) and item.children[0].file is file):
            section.title = item.title  # a folder section of it alone (mkdocs-awesome-nav)
            items[i] = section
            return True
        if isinstance(item, Section) and _replace_page(item.children, file, section):
            return True
    return False


def _toc_tokens(headings: list[Heading]) -> list[dict[str, Any]]:
    tokens: list[dict[str, Any]] = []
    for h in headings:
        # MkDocs prints toc names as HTML: escape the (plain text) heading
        token = {"level": h.level, "id": h.id, "name": html.escape(h.title), "children": []}
        if h.level > 2 and tokens:
            tokens[-1]["children"].append(token)
        else:
            tokens.append(token)
    return tokens


def _navigation(items: list[Any]) -> Navigation:
    """A Navigation with parents and previous/next links set, as MkDocs would."""
    pages: list[Page] = []

    def walk(children: list[Any], parent: Section | None) -> None:
        for item in children:
            item.parent = parent
            if isinstance(item, Page):
                pages.append(item)
            elif isinstance(item, Section):
                walk(item.children, item)

    walk(items, None)
    for prev, nxt in zip([None, *pages], [*pages, None], strict=False):
        if prev is not None:
            prev.next_page = nxt
        if nxt is not None:
            nxt.previous_page = prev
    return Navigation(items, pages)
