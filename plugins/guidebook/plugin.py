"""The MkDocs plugin: thin glue between MkDocs' build events and the guidebook core."""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .config import GuidebookConfig, config_problems
from .errors import Problem
from .export_files import ExportFiles
from .hostconfig import negotiating_app, published_files
from .prerender import Prerender, Record, RenderError, Spool
from .redirects import redirect_page, redirects
from .render import Heading, Renderer, TemplateProblem
from .searchindex import SearchShortcut
from .searchindex import sections as search_sections
from .site import DEFAULT_BRAND, ConnectorEntry, GuidePage, GuideSite, Options, SiteLoader
from .validate import check_references
from .whitelabel import (
    check_build,
    check_settings,
    format_leaks,
    hidden_assets,
    unpublished_warnings,
    vendored_files,
)
from .words import PATTERNS, WordsError
from .workspace import BuildSpace, SiteBusy

log = get_plugin_logger(__name__)

ASSETS = ("assets/guidebook/guidebook.css", "assets/guidebook/guidebook.js",
          "assets/guidebook/guidebook-export.css", "assets/guidebook/guidebook-export.js")
INDEX_URI = "connectors/index.md"
TRUTHY = ("1", "true", "yes", "on")
PAGE_TEMPLATE = "guidebook/page.html"  # our pages' template while the page worker runs
SPILLED = "<!-- guidebook: this page's content waits in a temporary file -->"
# Settings the theme writes into pages (white-label builds check them before building).
SETTINGS = ("site_name", "site_description", "site_url", "site_author", "repo_url", "repo_name",
            "copyright")
THEME_SETTINGS = ("palette", "font", "logo", "favicon", "icon")


def _packaged_assets() -> dict[str, str]:
    """Site path -> packaged file of the stylesheet and script the plugin adds."""
    folder = resources.files("guidebook.assets")
    found = {}
    for uri in ASSETS:
        path = folder / uri.rsplit("/", 1)[1]
        if path.is_file():
            found[uri] = str(path)
    return found


def _unchanged_assets(site_dir: Path) -> set[str]:
    """The plugin's stylesheets and scripts the site holds as packaged (the white-label check
    does not read them: nothing a user writes is in them)."""
    found = set()
    for uri, source in _packaged_assets().items():
        try:
            if (site_dir / uri).read_bytes() == Path(source).read_bytes():
                found.add(uri)
        except OSError:
            continue
    return found


def _theme_chrome(config: MkDocsConfig, theme_dirs: list[Path]) -> str | None:
    """The theme's 404 page rendered with no page, no navigation and only the theme's own
    templates (`theme_dirs`, without the user's custom_dir): the words the theme writes by
    itself, which the white-label check does not count as leaks (see `theme_fragments`).
    None if the theme cannot render it so (then every word counts)."""
    try:
        env = config.theme.get_env().overlay(
            loader=jinja2.FileSystemLoader([str(d) for d in theme_dirs]))
        context = get_context(Navigation([], []), Files([]), config)
        return env.get_template("404.html").render(context)
    except Exception as exc:  # (a theme without a 404 page, or one that needs a page)
        log.debug(f"white-label check: the theme's page could not be rendered alone ({exc})")
        return None


def whitelabel_from_env() -> bool | None:
    """GUIDEBOOK_WHITELABEL=1 turns white-label mode on, =0 off; unset leaves the option."""
    value = os.environ.get("GUIDEBOOK_WHITELABEL")
    if value is None or not value.strip():
        return None
    return value.strip().lower() in TRUTHY


def pattern_strings(cfg: Any) -> dict[str, str]:
    """The older pattern options as the messages they set (`strings` wins over them)."""
    return {message: str(cfg[option]) for option, message in PATTERNS.items()
            if cfg[option] is not None}


def format_problems(problems: list[Problem]) -> str:
    files = sorted({p.source.file for p in problems})
    head = (f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in "
            f"{len(files)} guide file{'s' if len(files) != 1 else ''}:")
    return "\n".join([head, *(f"  {p}" for p in problems)])


def _warn_whitelabel(options: Options, config: MkDocsConfig) -> None:
    """Warns of a white-label build that would publish the vendor's brand or lost its search
    (a `plugins:` list in mkdocs.yml is replaced, not merged, by the INHERIT file's mapping)."""
    if options.brand == DEFAULT_BRAND or options.whitelabel_brand == options.brand:
        log.warning("white-label build with the default brands: set brand (the vendor) and "
                    "whitelabel_brand (the partner) to different names; a plugins: list in "
                    "mkdocs.yml is replaced by a white-label file's plugins: mapping, not merged")
    path = config.config_file_path
    inherits = bool(path) and Path(path).is_file() and any(
        line.startswith("INHERIT:") for line in Path(path).read_text(encoding="utf-8").splitlines())
    if inherits and not any(name.rpartition("/")[2] == "search" for name in config.plugins):
        log.warning(f"{Path(path).name} uses INHERIT and the merged config has no search "
                    "plugin: write plugins: as a mapping in both files (INHERIT merges mappings "
                    "and replaces lists), or list search again here")


class GuidebookPlugin(BasePlugin[GuidebookConfig]):
    """Turns the guide files of `guides_dir` into pages of the site."""

    site: GuideSite | None = None
    renderer: Renderer | None = None

    def __init__(self) -> None:
        self._pages: dict[str, Any] = {}  # src_uri -> GuidePage | ConnectorEntry | "index"
        self._meta: dict[str, dict[str, str]] = {}  # src_uri -> title and description
        self._prerender: Prerender | None = None
        self._search = SearchShortcut({})
        self._nav: Navigation | None = None
        self._pages_out: Prerender | None = None  # theme pages, see _build_pages
        self._built: dict[str, str | None] = {}
        self._headed: set[str] = set()  # pages whose job added the twin's link to the head
        self._spool: Spool | None = None  # page contents between reading and building
        self._spilled: dict[str, Record] = {}
        self._exports: ExportFiles | None = None
        self._loader: SiteLoader | None = None
        self._space: BuildSpace | None = None  # this build's temporary folder and site lock
        self._host_files: dict[str, File] = {}  # host_configs files, by path

    # -- configuration -------------------------------------------------------------------------

    def options(self, language: str | None = None) -> Options:
        """The core's options from the plugin config, the theme's language and the
        environment."""
        cfg = self.config
        env = whitelabel_from_env()
        whitelabel = cfg.whitelabel if env is None else env
        if whitelabel and cfg.whitelabel_brand is None:
            raise PluginError("guidebook: white-label mode needs the whitelabel_brand option "
                              "(a mapping with at least name and hub)")
        return Options(
            guides_dir=Path(cfg.guides_dir),
            brand={str(k): str(v) for k, v in cfg.brand.items()},
            whitelabel=whitelabel,
            whitelabel_brand=({str(k): str(v) for k, v in cfg.whitelabel_brand.items()}
                              if cfg.whitelabel_brand else None),
            whitelabel_replace={str(k): str(v) for k, v in cfg.whitelabel_replace.items()},
            language=language,
            strings=pattern_strings(cfg) | {str(k): str(v) for k, v in cfg.strings.items()},
            max_guide_bytes=cfg.max_guide_bytes,
            categories={str(k): str(v) for k, v in cfg.categories.items()},
        )

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Priority 0. Checks the brand options and adds the stylesheet and script."""
        if not self.config.enabled:
            return None
        for key in ("name", "hub"):
            if key not in self.config.brand:
                raise PluginError(f"guidebook: the brand option needs a '{key}' key")
        problems = config_problems(self.config, config.site_url)
        if problems:
            raise PluginError("guidebook: " + "\nguidebook: ".join(problems))
        self._options = self.options(config.theme.get("language"))
        try:
            words = self._options.words
        except WordsError as exc:
            raise PluginError(f"guidebook: {exc}") from None
        if self.config.nav_title is None:
            self.config.nav_title = words.text("index.title")
        if self._options.whitelabel:
            self._check_settings(config)
            _warn_whitelabel(self._options, config)
        theme = config.theme
        if self.config.prune_nav and theme.name == "material":
            features = theme.get("features") or []
            if "navigation.prune" not in features and "navigation.expand" not in features:
                theme["features"] = [*features, "navigation.prune"]
        for uri in _packaged_assets():
            target = config.extra_css if uri.endswith(".css") else config.extra_javascript
            if uri not in [str(x) for x in target]:
                target.append(uri)
        _unlist_from_cache_safe_minify(config)
        return config

    def _check_settings(self, config: MkDocsConfig) -> None:
        """White-label builds: the settings the theme writes into the site must not name the
        vendor (checked here, so the theme's own files need no reading after the build)."""
        theme = config.theme
        settings = {k: config.get(k) for k in SETTINGS}
        settings["extra"] = dict(config.extra or {})
        settings["theme"] = {k: theme.get(k) for k in THEME_SETTINGS if theme.get(k)}
        leaks = check_settings(settings, self.config.whitelabel_forbid or
                               [self._options.brand["name"], self._options.brand["hub"]],
                               config_file=Path(config.config_file_path)
                               if config.config_file_path else None, root=_root(config))
        if leaks:
            raise PluginError(f"guidebook: {format_leaks(leaks)}")

    def _open_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        self._close_space()
        try:
            self._space = BuildSpace(config.site_dir).open()
        except SiteBusy as exc:
            raise PluginError(f"guidebook: {exc}; wait until it ends, or build into another "
                              f"site_dir") from None

    def _start_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        self._close_loader()
        self._loader = self._start_loading(config)

    on_pre_build = CombinedEvent(event_priority(100)(_open_build),
                                 event_priority(-100)(_start_build))
    """Priority 100, before MkDocs or another plugin touches the site folder: takes the lock
    on it (a second build into the same folder stops with a clean error), removes the
    temporary folders of killed builds and makes this build's (see `workspace`). Priority
    -100, once other plugins are ready: starts loading the guides, so a worker reads the files
    at the back of the list while MkDocs empties the site folder (`on_files` loads the rest)."""

    def _start_loading(self, config: MkDocsConfig) -> SiteLoader:
        return SiteLoader(self._options, display_root=Path(config.config_file_path).parent,
                          parallel=self.config.parallel)

    def _close_loader(self) -> None:
        if self._loader is not None:
            self._loader.close()
            self._loader = None

    # -- files and navigation --------------------------------------------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Priority 0. Loads every guide and adds its page, the connector pages, the
        connectors index and the plugin's assets as generated files."""
        if not self.config.enabled:
            return None
        loader, self._loader = self._loader or self._start_loading(config), None
        site = loader.site()
        if site.problems:
            message = format_problems(site.problems)
            if config.strict:
                raise PluginError(f"guidebook: {message}")
            for line in message.splitlines():
                log.warning(line.strip())
            log.warning("guidebook: the guides above were skipped")
        for warning in site.warnings:
            log.warning(f"guidebook: {warning}")
        for line in unpublished_warnings(site):
            log.warning(line)
        for uri in hidden_assets(site) if self._options.whitelabel else ():
            image = files.get_file_from_path(uri)  # shown only by hidden parts
            if image is not None:
                files.remove(image)
        self.site = site
        templates = self.config.templates_dir
        self.renderer = Renderer(site, Path(templates) if templates else None)
        self._pages, self._meta = {}, {}
        # hand-written files by where they land in the site, in any letter case (a file
        # system that ignores case would give a generated page and one of them one file)
        self._existing = {f.dest_uri.casefold(): f for f in files
                          if not f.inclusion.is_excluded()}
        self._clashes: list[str] = []
        self._docs_dir = Path(config.docs_dir).resolve()
        self._root = Path(config.config_file_path).parent.resolve()  # guide files are named
        # relative to it (see load_site's display_root)
        for page in site.pages:
            self._add(files, config, page.src_uri, page, page.title, page.description, page.file)
        for entry in site.connectors:
            source = entry.file or (entry.guides[0].file if entry.guides else None)
            self._add(files, config, entry.src_uri, entry, entry.name, entry.summary,
                      source)  # (without a connector file: its first guide's)
        if files.get_file_from_path(INDEX_URI) is None:  # a hand-written one wins
            self._add(files, config, INDEX_URI, "index", self.config.nav_title,
                      site.options.words.text("index.description"), None)
            if "awesome-nav" in config.plugins:  # its globs and folders see pages in the nav
                files.get_file_from_path(INDEX_URI).inclusion = InclusionLevel.INCLUDED
        if self._clashes:
            raise PluginError("guidebook: " + "\n".join(self._clashes))
        for uri, path in _packaged_assets().items():
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=path))
        self._add_redirects(files, config, site)
        self._exports = None
        if self.config.agent_outputs:
            self._exports = ExportFiles(self.config)
            self._exports.add(files, config, site, self._pages, self.config.templates_dir)
        self._add_host_configs(files, config)
        self._check_references(files, config)
        self._search = SearchShortcut(config.plugins)
        self._close_spill()
        # Spilled pages are read back only by our page jobs: every other handler of a later
        # event would see the placeholder, except Material's search, which `searchindex`
        # hands the sections of the real content.
        known = (self._search.plugin,) if self._search.plugin is not None else ()
        if _quiet_plugins(config, "page_context", "post_page", "post_build", allowed=known):
            self._spool = Spool("pages-")
        self._start_rendering(files)
        if self._exports is not None:  # on what the build leaves idle
            self._exports.start(parallel=self.config.parallel)
        return files

    def _add_redirects(self, files: Files, config: MkDocsConfig, site: GuideSite) -> None:
        """A redirect page at each old URL a guide lists in `redirect_from`."""
        found, problems = redirects(site)
        for problem in problems:
            log.warning(f"guidebook: {problem}")
        mapped = _redirects_plugin_map(config)
        for redirect in found:
            if (redirect.dest in mapped or files.get_file_from_path(redirect.dest) is not None
                    or any(f.dest_uri == redirect.dest for f in files)):
                log.warning(f"guidebook: {redirect.source}: redirect_from '{redirect.old}' is "
                            f"already a file of the site or a redirect of mkdocs-redirects; "
                            f"remove one of them")
                continue
            text = redirect_page(redirect.dest, redirect.target, config.site_url)
            files.append(File.generated(config, redirect.dest, content=text,
                                        inclusion=InclusionLevel.INCLUDED))

    def _check_references(self, files: Files, config: MkDocsConfig) -> None:
        """Guide images and links that match no file of the site, logged at the level of
        MkDocs' `validation.links.not_found` (warn by default, so `--strict` fails)."""
        level = config.validation.links.not_found
        if self.site is None or level < logging.INFO:  # ignore
            return
        paths = {f.dest_uri for f in files}
        for page in self.site.pages:
            for p in check_references(page.guide, paths, self._docs_dir):
                log.log(level, f"{p.source}: {p.message} ({p.hint})")

    def _add_host_configs(self, files: Files, config: MkDocsConfig) -> None:
        """The `host_configs` files that live in the site (.htaccess, _worker.js, ...)."""
        self._host_files = {}
        if not self.config.host_configs:
            return
        twins = [f.dest_uri for f in files if f.dest_uri.endswith(".html.md")]
        for path, text in published_files(self.config.host_configs, twins).items():
            if any(f.dest_uri == path for f in files):
                log.warning(f"the site already has {path}; guidebook does not write one "
                            f"(remove it to get the generated file)")
                continue
            file = File.generated(config, path, content=text, inclusion=InclusionLevel.INCLUDED)
            files.append(file)
            self._host_files[path] = file

    def _refresh_host_configs(self, files: Files) -> None:
        """The host files again, once every twin is where its page ended up (a plugin may
        have moved a page after `on_files`: vercel.json lists the pages)."""
        if not self._host_files:
            return
        twins = [f.dest_uri for f in files if f.dest_uri.endswith(".html.md")]
        for path, text in published_files(self.config.host_configs, twins).items():
            if path in self._host_files:
                self._host_files[path].content_string = text

    def _start_rendering(self, files: Files) -> None:
        """Queue every page body, rendered on the second core if possible (a guide's job also
        hands the twin writer the page's Markdown conversions: see `ExportFiles.start`)."""
        renderer, exports = self.renderer, self._exports
        assert renderer is not None
        title = self.config.nav_title

        def job(src_uri: str, what: Any) -> Any:
            file = files.get_file_from_path(src_uri)
            page_url = file.url if file is not None else ""
            base_url = "../" * page_url.count("/")
            seeds = exports.seed_job(src_uri, what) if exports is not None else None
            if isinstance(what, GuidePage):
                body = lambda: renderer.guide(what, base_url=base_url)  # noqa: E731
            elif isinstance(what, ConnectorEntry):
                body = lambda: renderer.connector(what, base_url=base_url)  # noqa: E731
            else:
                body = lambda: renderer.index(title=title, base_url=base_url)  # noqa: E731

            def run() -> tuple[str, list[Heading]]:
                content, headings = body()
                if exports is not None:
                    content = exports.decorate_uri(src_uri, page_url, content)
                if seeds is not None:
                    seeds()
                return content, headings

            return run

        if self._prerender is not None:
            self._prerender.close()
        self._prerender = Prerender(((uri, job(uri, what)) for uri, what in self._pages.items()),
                                    parallel=self.config.parallel,
                                    expected=(TemplateProblem,))

    def _rendered(self, src_uri: str) -> tuple[str, list[Heading]]:
        """The content and headings of one of our pages."""
        assert self._prerender is not None
        try:
            body, headings = self._prerender.get(src_uri)
        except RenderError as exc:
            raise PluginError(f"guidebook: a template failed on {exc.key or src_uri}: "
                              f"{exc.message}") from None
        return body, headings

    def _add(self, files: Files, config: MkDocsConfig, src_uri: str, what: Any, title: str,
             description: str, source_file: str | None) -> None:
        file = File.generated(config, src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
        other = self._existing.get(file.dest_uri.casefold())
        if other is not None:
            self._clashes.append(self._clash(other, file.dest_uri, what, source_file))
            return
        # MkDocs and Material treat page titles and meta as HTML and print them unescaped
        # (<title>, nav, <meta content>, search index): guide text is data, so escape it here.
        # The page's source is empty; its meta is set once MkDocs has read it (on_page_markdown).
        self._meta[src_uri] = {"title": html.escape(title), "description": html.escape(description)}
        if source_file is not None:
            source = os.path.join(self._root, source_file)
            rel = os.path.relpath(source, self._docs_dir)
            file.edit_uri = Path(rel).as_posix()
            # The page's source is its YAML file, for plugins that ask git about it (dates,
            # authors); MkDocs still reads the page from its content (empty until rendered).
            file.abs_src_path = os.path.normpath(source)
            file.generated_by = None
        files.append(file)
        self._pages[src_uri] = what

    def _clash(self, other: File, dest_uri: str, what: Any, source_file: str | None) -> str:
        """The error for a hand-written file that lands where a generated page does."""
        mine = (Path(os.path.relpath(other.abs_src_path, self._root)).as_posix()
                if other.abs_src_path else other.src_uri)
        if isinstance(what, ConnectorEntry):
            ours = f"the page of connector {what.key!r}" + (f" ({what.guides[0].file})"
                                                           if what.guides else "")
        elif source_file is not None:
            ours = f"the page of {source_file}"
        else:
            ours = f"the generated {self.config.nav_title!r} index"
        case = ("" if other.dest_uri == dest_uri else
                f" ({other.dest_uri} and {dest_uri} differ only in letter case: one file where "
                f"case does not count, as on Windows and macOS)")
        fix = f"rename or move {mine}"
        if what == "index":
            docs = Path(os.path.relpath(self._docs_dir, self._root)).as_posix()
            fix += f", or name it {docs}/{INDEX_URI} to replace the generated index"
        return f"{mine} and {ours} would both be written to {dest_uri}{case}; {fix}"

    def _build_nav(self, nav: Navigation, *, config: MkDocsConfig,
                   files: Files) -> Navigation | None:
        """Adds the connectors section (categories -> connectors -> guides)."""
        if not self.config.enabled or self.site is None:
            return None
        index = files.get_file_from_path(INDEX_URI)
        children: list[Any] = [index.page] if index and index.page else []
        size = max(self.config.nav_group_size, 1)
        for category, entries in self.site.placements:
            sections = [self._connector_section(e, files) for e in entries]
            if len(sections) > size:  # keep every sidebar short: A–Z groups of `size`
                sections = [Section(f"{group[0].title} – {group[-1].title}", group)
                            for group in (sections[i:i + size]
                                          for i in range(0, len(sections), size))]
            children.append(Section(html.escape(category), sections))
        section = Section(html.escape(self.config.nav_title), children)
        # An entry of the user's nav for the connectors index is expanded where it stands
        if index is None or not _replace_page(nav.items, index, section):
            nav.items.append(section)
        return _navigation(nav.items)

    @event_priority(-100)
    def _keep_nav(self, nav: Navigation, *, config: MkDocsConfig,
                  files: Files) -> Navigation | None:
        self._nav = nav  # the navigation every page is built with
        return nav

    @event_priority(-90)
    def _redirect_targets(self, nav: Navigation, *, config: MkDocsConfig,
                          files: Files) -> Navigation | None:
        plugin = config.plugins.get("redirects")
        pages = getattr(plugin, "doc_pages", None)
        if self.config.enabled and isinstance(pages, dict):  # it read the files by now
            for src_uri in self._pages:
                file = files.get_file_from_path(src_uri)
                if file is not None:
                    pages.setdefault(src_uri, file)
                    pages.setdefault(file.url, file)
                    pages.setdefault(file.url.rstrip("/") + ".md", file)
        return nav

    on_nav = CombinedEvent(event_priority(50)(_build_nav), _redirect_targets, _keep_nav)
    """Priority 50 adds the connectors section: after mkdocs-awesome-nav (100), which builds
    the navigation anew, and before mkdocs-awesome-pages-plugin (0), which orders what it
    finds, whatever the order of the plugins; priority -90, once mkdocs-redirects has read
    the files (in either plugin order), lets its `redirect_maps` name a guide page by its
    `…/index.md`, its URL (`…/<slug>/`) or its twin (`…/<slug>.md`); priority -100 keeps the
    final navigation for the page worker."""

    def _connector_section(self, entry: ConnectorEntry, files: Files) -> Section:
        pages = [files.get_file_from_path(entry.src_uri)]
        pages += [files.get_file_from_path(p.src_uri) for p in entry.guides]
        section = Section(html.escape(entry.name), [f.page for f in pages if f is not None and f.page])
        return section

    # -- pages -----------------------------------------------------------------------------------

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        """Priority 0. Gives our (empty) pages their title and description."""
        meta = self._meta.get(page.file.src_uri)
        if meta is not None:
            page.meta.update(meta)
            what = self._pages.get(page.file.src_uri)
            if isinstance(what, GuidePage) and what.guide.tags:  # for Material's tags plugin
                page.meta["tags"] = [html.escape(t) for t in what.guide.tags]
        return markdown

    def _content(self, html: str, *, page: Page, config: MkDocsConfig,
                 files: Files) -> str | None:
        if not self.config.enabled or self.renderer is None:
            return None
        what = self._pages.get(page.file.src_uri)
        if what is None:
            if self._exports is None:
                return None
            self._exports.capture(page)  # its twin: the Markdown other plugins made
            return self._exports.decorate(page, html)
        content, headings = self._rendered(page.file.src_uri)
        page.toc = get_toc(_toc_tokens(headings))
        return content

    @event_priority(-100)
    def _spill(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        src_uri = page.file.src_uri
        if self._spool is None or src_uri not in self._pages:
            return None
        self._spilled[src_uri] = self._spool.write(html.encode("utf-8", "surrogatepass"))
        return SPILLED

    on_page_content = CombinedEvent(event_priority(0)(_content), _spill)
    """Priority 0 replaces the (empty) Markdown body of our pages with the HTML rendered from
    the model, and gives the page its table of contents. Priority -100, once every plugin has
    seen the content, moves it to a temporary file until the page is built (when no other
    plugin looks at pages later: see `_quiet_plugins`), so a big site's pages do not all wait
    in memory."""

    @event_priority(50)
    def _page_before(self, context: Any, *, page: Page, config: MkDocsConfig,
                     nav: Navigation) -> Any:
        src_uri = page.file.src_uri
        if self.config.enabled and self._pages_out is not None and src_uri in self._built:
            try:
                output, found, content_hash = self._pages_out.get(src_uri)
            except RenderError as exc:
                raise PluginError(f"guidebook: the theme failed on {exc.key or src_uri}: "
                                  f"{exc.message}") from None
            self._built[src_uri] = output
            if src_uri in self._spilled or hash(page.content) == content_hash:
                self._search.before(page, found)
        return context

    @event_priority(-50)
    def _search_after(self, context: Any, *, page: Page, config: MkDocsConfig,
                      nav: Navigation) -> Any:
        if self.config.enabled:
            self._search.after(page)
        return context

    on_page_context = CombinedEvent(_page_before, _search_after)
    """Priorities 50 and -50, around the search plugin (0): takes the page built by
    `_build_pages` and hands the search plugin the sections parsed with it (see
    `searchindex`), so it does not parse our pages again."""

    @event_priority(-100)
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Priority -100, after every page has been read (their titles are known) and before
        static files are written: fills in llms.txt and tells the twin writer every page is
        read."""
        if self.config.enabled and self._exports is not None:
            self._exports.finish()
            self._exports.pages_read()
            self._refresh_host_configs(files)
        if self.config.enabled and self._prerender is not None:
            self._prerender.close()  # every page body is in
            self._build_pages(env, config, files)
        return env

    def _build_pages(self, env: Any, config: MkDocsConfig, files: Files) -> None:
        """Render the theme's page for each of our pages, on both cores.

        MkDocs renders the theme template of each page in turn, in one process. Our pages get a
        one-line template instead, whose output is the page the theme's own template renders
        with MkDocs' own context: by the render worker (from the back of the list) or by this
        process (from the front) when MkDocs gets to the page; without the worker, all here.
        Only done when no plugin but the search plugins and this one changes the page context,
        which the worker could not see.
        """
        self._pages_out, self._built, self._headed = None, {}, set()
        nav = self._nav
        exports = self._exports
        head = exports.head_uri if exports is not None else None
        block = exports.actions_block if exports is not None else None
        jobs = []
        searches = _search_plugins(config)
        if nav is not None and _quiet_plugins(config, "page_context", allowed=searches):
            doc_files = files.documentation_pages()
            search = self._search.plugin is not None
            for file in doc_files:
                page = file.page
                if file.src_uri not in self._pages or page is None or "template" in page.meta:
                    continue
                jobs.append((file.src_uri, _page_job(page, nav, doc_files, config, env, search,
                                                     self._spilled.get(file.src_uri), head,
                                                     block)))
                self._built[file.src_uri] = None
                if head is not None:
                    self._headed.add(file.src_uri)
        for src_uri, record in list(self._spilled.items()):  # pages MkDocs will build itself
            if src_uri not in self._built:
                file = files.get_file_from_path(src_uri)
                if file is not None and file.page is not None:
                    file.page.content = Spool.read(record).decode("utf-8", "surrogatepass")
                del self._spilled[src_uri]
        if not jobs:
            return
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({PAGE_TEMPLATE: "{{ guidebook_page() }}"}),
                                          env.loader])
        env.globals["guidebook_page"] = self._page_output
        self._pages_out = Prerender(jobs, parallel=self.config.parallel,
                                    expected=(jinja2.TemplateError,))
        for src_uri in self._built:
            files.get_file_from_path(src_uri).page.meta["template"] = PAGE_TEMPLATE

    @jinja2.pass_context
    def _page_output(self, context: Any) -> str:
        """The global behind PAGE_TEMPLATE: the page `_page_before` fetched."""
        page = context.get("page")
        output = self._built.pop(page.file.src_uri, None) if page is not None else None
        if output is None:  # pragma: no cover - MkDocs always runs on_page_context first
            raise PluginError(f"guidebook: no page was built for {page.file.src_uri}")
        return output  # the theme's environment does not autoescape

    def on_build_error(self, *, error: Exception) -> None:
        """Priority 0. Stops the workers of a failed build, removes its temporary folder and
        lets the site folder's lock go."""
        self._close_workers()
        self._close_space()

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Priority 0. Adds `<link rel="alternate" type="text/markdown">` to the head (pages
        built by `_build_pages` jobs got it there)."""
        if not self.config.enabled or self._exports is None or page.file.src_uri in self._headed:
            return None
        return self._exports.head(page, output)

    @event_priority(100)
    def _agent_outputs_written(self, *, config: MkDocsConfig) -> None:
        if (self.config.enabled and self._exports is not None
                and not _quiet_plugins(config, "post_build", allowed=_search_plugins(config))):
            self._exports.wait()  # before other plugins, which may read the site

    @event_priority(-100)
    def _check_build(self, *, config: MkDocsConfig) -> None:
        try:
            self._finish_build(config)
        finally:
            self._close_space()

    def _finish_build(self, config: MkDocsConfig) -> None:
        if self.config.enabled and self._exports is not None:
            self._exports.wait()  # (if not done before other plugins)
            for path in self._exports.missing_twins(config.site_dir):
                log.warning(f"llms.txt links {path}, which is not in the built site (a "
                            f"plugin moved or removed its page after guidebook saw it; "
                            f"see 'Works with' in guidebook's README)")
        self._close_workers()
        if not self.config.enabled or self.site is None or not self._options.whitelabel:
            return
        root = _root(config)
        site_dir = Path(config.site_dir).resolve()
        shown = os.path.relpath(site_dir, root) if root in site_dir.parents else str(site_dir)
        custom = os.path.realpath(config.theme.custom_dir) if config.theme.custom_dir else None
        theme_dirs = [Path(d) for d in config.theme.dirs if os.path.realpath(d) != custom]
        leaks = check_build(self.site, site_dir, forbid=self.config.whitelabel_forbid,
                            settings={k: config.get(k) for k in SETTINGS}, display_dir=shown,
                            root=root, docs_dir=Path(config.docs_dir),
                            vendored=vendored_files(site_dir, theme_dirs)
                            | _unchanged_assets(site_dir),
                            chrome=_theme_chrome(config, theme_dirs),
                            parallel=self.config.parallel)
        if leaks:
            raise PluginError(f"guidebook: {format_leaks(leaks)}")
        log.info(f"white-label leak check passed ({shown})")

    on_post_build = CombinedEvent(_agent_outputs_written, _check_build)
    """Priority 100, before other plugins (which may read the site): writes whatever of the
    twins and llms-full.txt the twin writer has not written yet (see `ExportFiles.start`); when
    the only other plugins here are search plugins, this waits until priority -100, so the
    writer goes on while the search index is written. Priority -100, once every other plugin
    has written its files: in white-label builds, reads every file of the site dir (but the
    theme's own, unchanged ones: their settings were checked in `on_config`) and fails the
    build on a forbidden term (the normal brand) or on text of a `whitelabel: hide` part."""

    def _close_workers(self) -> None:
        for worker in (self._prerender, self._pages_out):
            if worker is not None:
                worker.close()
        self._prerender = self._pages_out = None
        if self._exports is not None:
            self._exports.close()
        self._built = {}
        self._close_spill()
        self._close_loader()

    def _close_space(self) -> None:
        if self._space is not None:
            self._space.close()
            self._space = None

    def _close_spill(self) -> None:
        if self._spool is not None:
            self._spool.close()
        self._spool, self._spilled = None, {}

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Priority 0. Rebuilds when a guide or an override template changes, and answers
        agents that ask for Markdown with the twins, as `guidebook serve` does."""
        if self.config.enabled:
            server.watch(str(self.config.guides_dir))
            if self.config.templates_dir:
                server.watch(str(self.config.templates_dir))
            if self.config.agent_outputs and hasattr(server, "set_app"):
                server.set_app(negotiating_app(server.get_app(), lambda: server.root,
                                               getattr(server, "mount_path", "/")))
        return server


def _root(config: MkDocsConfig) -> Path:
    """The project folder (of mkdocs.yml): file names in messages are relative to it."""
    return (Path(config.config_file_path).resolve().parent if config.config_file_path
            else Path.cwd())


def _unlist_from_cache_safe_minify(config: MkDocsConfig) -> None:
    """mkdocs-minify-plugin's `cache_safe` reads `js_files`/`css_files` from the docs folder
    before the build, where guidebook's (packaged) assets are not: it would stop the build
    with FileNotFoundError, so they leave its lists (they ship small; plain minify works)."""
    plugin = config.plugins.get("minify")
    options = getattr(plugin, "config", None)
    if options is None or not options.get("cache_safe"):
        return
    for key in ("js_files", "css_files"):
        listed = options.get(key)
        listed = [listed] if isinstance(listed, str) else list(listed or [])
        kept = [p for p in listed if p not in ASSETS]
        if len(kept) != len(listed):
            options[key] = kept
            log.info(f"guidebook's assets left minify's {key}: cache_safe reads them from the "
                     f"docs folder, where they are not (see 'Works with' in the README)")


def _redirects_plugin_map(config: MkDocsConfig) -> set[str]:
    """The files mkdocs-redirects writes for its `redirect_maps` (if it is in the build)."""
    plugin = config.plugins.get("redirects")
    maps = plugin.config.get("redirect_maps") if plugin is not None else None
    if not isinstance(maps, dict):
        return set()
    return {File(str(old), "", "", config.use_directory_urls).dest_uri for old in maps}


def _search_plugins(config: MkDocsConfig) -> tuple[Any, ...]:
    """MkDocs' and Material's search plugins of this build."""
    return tuple(p for p in config.plugins.values() if type(p).__name__ == "SearchPlugin")


def _quiet_plugins(config: MkDocsConfig, *events: str, allowed: tuple[Any, ...] = ()) -> bool:
    """True when every handler of these events belongs to us or to an `allowed` plugin: no
    other plugin changes a page's context (the page worker renders with MkDocs' own context)
    or looks at pages after their content is read."""
    for event in events:
        for handler in config.plugins.events.get(event, []):
            owner = getattr(handler, "__self__", None)
            if owner is None or not (isinstance(owner, GuidebookPlugin)
                                     or any(owner is a for a in allowed)):
                return False
    return True


def _page_job(page: Page, nav: Navigation, doc_files: Any, config: MkDocsConfig, env: Any,
              search: bool, spilled: Record | None,
              head: Callable[[str, str, str], str] | None,
              block: Callable[[str, str], str] | None) -> Any:
    """Render `page` with the theme's template, as MkDocs' `_build_page` does, and parse its
    content for the search index (in the worker, or in this process); `head` adds what
    `on_post_page` would add to the page's head; the page actions `block` (excluded from
    search) is left out of the parse."""

    def run() -> tuple[str, Any, int]:
        previous, was_active, kept = config._current_page, page.active, page.content
        content = (Spool.read(spilled).decode("utf-8", "surrogatepass") if spilled is not None
                   else page.content or "")
        config._current_page = page
        page.active = True
        page.content = content
        try:
            context = get_context(nav, doc_files, config, page)
            output = env.get_template("main.html").render(context)
            if head is not None:
                output = head(page.file.src_uri, page.url, output)
        finally:
            page.active = was_active
            page.content = kept
            config._current_page = previous
        found = search_sections(_without(content, page, block)) if search else None
        return output, found, hash(content)

    return run


def _without(content: str, page: Page, block: Callable[[str, str], str] | None) -> str:
    """`content` without its page actions block (search excludes it: no need to parse it)."""
    found = block(page.file.src_uri, page.url) if block is not None else ""
    at = content.find(found) if found else -1
    return content if at < 0 else content[:at] + content[at + len(found):]


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
