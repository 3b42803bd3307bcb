"""The MkDocs plugin: thin glue between MkDocs' build events and the guidebook core.

Each event handler hands its event to the build's `Build` (see `building`), made when a build
starts and closed when it ends; the plugin itself keeps only its configuration.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .building import ASSETS, SETTINGS, Build, options_of, packaged_assets, project_root
from .config import GuidebookConfig
from .hostconfig import negotiating_app
from .languages import LanguageBuild, language_build, move_handler
from .optioncheck import config_problems
from .pool import available_cpus
from .render import sibling_warnings
from .servecache import ServeCache
from .site import DEFAULT_BRAND, Options
from .watcher import QuickWatch, keep_pages
from .whitelabel import check_settings, format_leaks
from .words import WordsError

log = get_plugin_logger(__name__)

TRUTHY = ("1", "true", "yes", "on")
THEME_SETTINGS = ("palette", "font", "logo", "favicon", "icon")


def whitelabel_from_env() -> bool | None:
    """GUIDEBOOK_WHITELABEL=1 turns white-label mode on, =0 off; unset leaves the option."""
    value = os.environ.get("GUIDEBOOK_WHITELABEL")
    if value is None or not value.strip():
        return None
    return value.strip().lower() in TRUTHY


def _warn_template_siblings(options: GuidebookConfig, config: MkDocsConfig) -> None:
    """Warns of a `templates_dir` template that overrides one output's block while its
    siblings of the other output keep the packaged one (the page and its twin would differ)."""
    if not options.templates_dir:
        return
    folder = Path(options.templates_dir)
    try:
        shown = folder.resolve().relative_to(Path(config.config_file_path).parent.resolve())
    except ValueError:
        shown = folder
    twins = options.markdown_export if options.agent_outputs else None
    for warning in sibling_warnings(folder, twins, shown.as_posix()):
        log.warning(warning)


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

    is_guidebook = True  # (other plugins' handlers are told apart from ours by it)
    _default_nav_title = False  # nav_title comes from the catalog (of each language's pass)
    _languages: LanguageBuild | None = None  # this pass of a mkdocs-static-i18n build
    _dirty = False

    def __init__(self) -> None:
        self.build: Build | None = None  # the running build's state
        self.cache: ServeCache | None = None  # a serve session's, from on_startup to on_shutdown
        self.watch: QuickWatch | None = None  # a serve session's, from on_serve to on_shutdown
        self._server: Any = None  # `mkdocs serve`'s server, from on_serve to on_shutdown
        self._watched: list[str] = []  # the folders guidebook asked it to poll

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Once per MkDocs command (the plugin then lives as long as the command): under
        `mkdocs serve`, a cache of what each build made, so the next one renders only what
        changed (see `servecache`)."""
        self.cache = ServeCache() if command == "serve" else None
        self._dirty = dirty  # (`mkdocs serve --dirty`: MkDocs' own partial builds)

    def on_shutdown(self) -> None:
        """The serve session (or command) ends: its cache and its watch go."""
        self.cache = self._server = None
        self._watched = []
        if self.watch is not None:
            self.watch.stop()
            self.watch = None

    # -- configuration -------------------------------------------------------------------------

    def options(self, language: str | None = None) -> Options:
        """The core's options from the plugin config, the theme's language and the
        environment."""
        env = whitelabel_from_env()
        whitelabel = self.config.whitelabel if env is None else env
        if whitelabel and self.config.whitelabel_brand is None:
            raise PluginError("guidebook: white-label mode needs the whitelabel_brand option "
                              "(a mapping with at least name and hub)")
        return options_of(self.config, language, whitelabel)

    @property
    def workers(self) -> int:
        """Processes for the page work: the `workers` option, else every CPU this process
        may use (`parallel: false` is one)."""
        if not self.config.parallel:
            return 1
        return self.config.workers or available_cpus()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Priority 0. Checks the brand options and adds the stylesheet and script; in a
        serve session's later builds, watches the folders the options name now."""
        if self._server is not None:  # (a build of a serve session: its options may name
            self._watch_folders()  # other folders than the last build's)
        if not self.config.enabled:
            return None
        problems = config_problems(self.config, config.site_url)
        if problems:
            raise PluginError("guidebook: " + "\nguidebook: ".join(problems))
        self._options = self.options(config.theme.get("language"))
        self._options = self._follow_static_i18n(config, self._options)  # (languages.py)
        try:
            words = self._options.words
        except WordsError as exc:
            raise PluginError(f"guidebook: {exc}") from None
        if self.config.nav_title is None or self._default_nav_title:
            self.config.nav_title = words.text("index.title")
            self._default_nav_title = True
        if self._options.whitelabel:
            self._check_settings(config)
            _warn_whitelabel(self._options, config)
        _warn_template_siblings(self.config, config)
        theme = config.theme
        if self.config.prune_nav and theme.name == "material":
            features = theme.get("features") or []
            if "navigation.prune" not in features and "navigation.expand" not in features:
                theme["features"] = [*features, "navigation.prune"]
        for uri in packaged_assets():
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
        # (each a tag in every page's head; guidebook's own are added after this check)
        for key in ("extra_css", "extra_javascript"):
            settings[key] = [str(x) for x in config.get(key) or () if str(x) not in ASSETS]
        settings["theme"] = {k: theme.get(k) for k in THEME_SETTINGS if theme.get(k)}
        leaks = check_settings(settings, self.config.whitelabel_forbid or
                               [self._options.brand["name"], self._options.brand["hub"]],
                               config_file=Path(config.config_file_path)
                               if config.config_file_path else None, root=project_root(config))
        if leaks:
            raise PluginError(f"guidebook: {format_leaks(leaks)}")

    # -- the build -------------------------------------------------------------------------------

    def _open_build(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled:
            self._close_build()
            self.build = Build(self.config, self._options, config, self.workers, self.cache,
                               self._languages)

    def _start_loading(self, *, config: MkDocsConfig) -> None:
        if self.build is not None:
            self.build.start_loading(config)

    on_pre_build = CombinedEvent(event_priority(100)(_open_build),
                                 event_priority(-100)(_start_loading))
    """Priority 100, before MkDocs or another plugin touches the site folder: starts the
    build's state, which takes the lock on the site folder (a second build into the same
    folder stops with a clean error; see `workspace`). Priority -100, once other plugins are
    ready: starts loading the guides on the pool while MkDocs empties the site folder."""

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Priority 0. Loads every guide and adds its page, the connector pages, the
        connectors index, the agent outputs and the plugin's assets as generated files."""
        return self.build.add_files(files, config) if self.build is not None else None

    def _build_nav(self, nav: Navigation, *, config: MkDocsConfig,
                   files: Files) -> Navigation | None:
        if self.build is None or self.build.site is None:
            return None
        return self.build.build_nav(nav, files)

    @event_priority(-90)
    def _redirect_targets(self, nav: Navigation, *, config: MkDocsConfig,
                          files: Files) -> Navigation | None:
        if self.build is not None:
            self.build.redirect_targets(config, files)
        return nav

    @event_priority(-100)
    def _keep_nav(self, nav: Navigation, *, config: MkDocsConfig,
                  files: Files) -> Navigation | None:
        if self.build is not None:
            self.build.keep_nav(nav, config, files)
        return nav

    on_nav = CombinedEvent(event_priority(50)(_build_nav), _redirect_targets, _keep_nav)
    """Priority 50 adds the connectors section: after mkdocs-awesome-nav (100), which builds
    the navigation anew, and before mkdocs-awesome-pages-plugin (0), which orders what it
    finds, whatever the order of the plugins; priority -90, once mkdocs-redirects has read
    the files (in either plugin order), lets its `redirect_maps` name a guide page by its
    `…/index.md`, its URL (`…/<slug>/`) or its twin (`…/<slug>.md`); priority -100 keeps the
    final navigation for the page jobs and the final Files (a plugin after guidebook may have
    replaced the list in its `on_files`: mkdocs-exclude) and, in a mkdocs-static-i18n build,
    gives our pages its language alternates (see `Build.keep_nav`)."""

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        """Priority 0. Gives our (empty) pages their title and description."""
        if self.build is not None:
            self.build.page_markdown(page)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        """Priority 0. Replaces the (empty) Markdown body of our pages with the HTML rendered
        from the model, and gives the page its table of contents; captures the twin of a
        hand-written page."""
        return self.build.page_content(html, page) if self.build is not None else None

    @event_priority(-100)
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Priority -100, after every page has been read (their titles are known) and before
        static files are written: llms.txt and llms-full.txt, and the theme pages of our
        pages start rendering on the pool."""
        if self.build is not None:
            self.build.env(env, config, files)
        return env

    @event_priority(50)
    def _page_before(self, context: Any, *, page: Page, config: MkDocsConfig,
                     nav: Navigation) -> Any:
        if self.build is not None:
            self.build.page_context(page)
        return context

    @event_priority(-50)
    def _search_after(self, context: Any, *, page: Page, config: MkDocsConfig,
                      nav: Navigation) -> Any:
        if self.build is not None:
            self.build.search.after(page)
        return context

    on_page_context = CombinedEvent(_page_before, _search_after)
    """Priorities 50 and -50, around the search plugin (0): waits for the page's job and hands
    the search plugin the sections it parsed (see `searchindex`), so it does not parse our
    pages again."""

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Priority 0. Adds `<link rel="alternate" type="text/markdown">` to the head (pages
        built by a job got it there)."""
        return self.build.post_page(output, page) if self.build is not None else None

    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Priority -100, once every other plugin has written its files: the build's last
        checks (see `Build.finish`), and its end."""
        try:
            if self.build is not None:
                self.build.finish(config)
        finally:
            self._close_build()

    def on_build_error(self, *, error: Exception) -> None:
        """Priority 0. Stops the build's workers and lets the site folder's lock go."""
        self._close_build()

    def _close_build(self) -> None:
        if self.build is not None:
            self.build.close()

    # -- mkdocs-static-i18n (see languages.py) ---------------------------------------------------

    def _follow_static_i18n(self, config: MkDocsConfig, options: Options) -> Options:
        """In a mkdocs-static-i18n build, this pass's language: its catalog of words, its
        translations, its folder. static-i18n builds the default language, then calls MkDocs'
        build once per other language from its `on_post_build`, with the same plugin objects.

        Whatever the plugin order, guidebook adds its files after static-i18n has picked the
        language's docs files (it would drop or trip over generated ones), and finishes its
        build (lock, workers, white-label check) before static-i18n starts the next language."""
        i18n = config.plugins.get("i18n")
        self._languages = build = language_build(i18n)
        if build is None:
            return options
        events = config.plugins.events
        move_handler(events["files"], self.on_files, i18n, after=True)
        move_handler(events["post_build"], self.on_post_build, i18n, after=False)
        return dataclasses.replace(options, language=build.language,
                                   translation=build.language, languages=build.languages,
                                   url_prefix=build.prefix())

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Priority 0. Rebuilds when a guide or an override template changes (an edit of guide
        files alone is applied to the site in place when it can be: see `rebuild`; a save
        there is seen at once where inotify works, and the guides folder is not polled where it
        sees every change: see `watcher`), and answers agents that ask
        for Markdown with the twins, as `guidebook serve` does."""
        if self.config.enabled:
            self._server = server
            self._watch_folders()
            if self.config.agent_outputs and hasattr(server, "set_app"):
                server.set_app(negotiating_app(server.get_app(), lambda: server.root,
                                               getattr(server, "mount_path", "/")))
            if self.cache is not None and hasattr(server, "builder"):
                server.builder = functools.partial(self.rebuild, builder, server)
        return server

    def _watch_folders(self) -> None:
        """The server watches the folders the options name (from `on_serve`, and again at
        each later build's `on_config`: an edited mkdocs.yml may name others): the guides
        folder with inotify (`watcher.QuickWatch`), and with MkDocs' poller where that watch
        may miss a change; the template override folder with the poller. A folder the options
        no longer name is watched no more (its quick watch stopped, its polling ended)."""
        server, enabled = self._server, self.config.enabled
        guides = os.path.abspath(self.config.guides_dir) if enabled else None
        if self.watch is not None and self.watch.folder != guides:
            self.watch.stop()
            self.watch = None
        if self.cache is not None and self.watch is None and guides is not None:
            self.watch = QuickWatch.start(server, guides)
        wanted = [] if guides is None or (self.watch is not None
                                          and self.watch.sees_everything) else [guides]
        if enabled and self.config.templates_dir:
            wanted.append(os.path.abspath(self.config.templates_dir))
        for path in self._watched:
            if path not in wanted:
                server.unwatch(path)
        for path in wanted:
            if path not in self._watched:
                server.watch(path)
        self._watched = wanted

    def rebuild(self, builder: Callable[[], None], server: Any = None) -> None:
        """What `mkdocs serve` runs after a change: the last build applies an edit of guide
        files to its site in place (`Build.apply_edit`: a fraction of a second where a full
        build of a big site takes many), else MkDocs' `builder` builds the site again. Not
        with paths watched that guidebook does not know (`--watch-theme`), nor with `--dirty`."""
        last = self.cache.last if self.cache is not None else None
        if last is not None and not self._dirty and _watches_only(server, last):
            start = time.perf_counter()
            collecting = gc.isenabled()
            gc.disable()  # (the edit makes little garbage; a collection of the whole build's
            # objects would cost a third of its time: 0.80 -> 0.55 s at 2,000 guides)
            try:
                done = last.apply_edit()
            except Exception as exc:  # (a full build reports it as a build does)
                log.debug(f"the edit was not applied in place ({exc!r}); building the site")
                done = None
            finally:
                if collecting:
                    gc.enable()
            if done is not None:
                if not done.changed:
                    log.info("no file the site is built from changed (the change was to a "
                             "hidden file, or was reported twice): the site and the open pages "
                             "are left as they are")
                else:
                    kept = ": no page shows the change, the open pages are kept"
                    log.info(f"guide files changed: {done} in place "
                             f"({time.perf_counter() - start:.2f} s){'' if done.pages else kept}")
                if not done.pages:  # (live reload reloads HTML pages only: none changed)
                    keep_pages(server)
                return
        if self.cache is not None:
            self.cache.last = None
        builder()


def _watches_only(server: Any, build: Build) -> bool:
    """Whether `server` watches only what the build's inputs cover (MkDocs' own paths and
    guidebook's, not the theme's of `--watch-theme`)."""
    watched = getattr(server, "_watched_paths", None)
    if not isinstance(watched, dict):
        return server is None
    known = [os.path.abspath(build.options.guides_dir), *build.inputs.others]
    return all(any(p == k or p.startswith(k + os.sep) for k in known) for p in watched)


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


