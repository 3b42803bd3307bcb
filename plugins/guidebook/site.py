"""The set of guides a site publishes: loading, checking, defaults, URLs and grouping.

`load_site()` is the one entry point the MkDocs plugin, the CLI and the tests share. It never
raises for bad guides: every problem is collected in `GuideSite.problems` and the guides that
had none are published.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path

from . import markdown
from .documents import load_document
from .errors import GuideError, Problem
from .languages import ignored_note, select, split_language, translated
from .load import DEFAULT_MAX_BYTES, PARTIAL_SUFFIX, GuideFiles, find_guide_files
from .load import display_path as load_display_path
from .model import Action, AuthMethod, ConnectorInfo, Guide, HasActions, Source
from .pool import Jobs
from .servecache import ServeCache, stamp
from .text import expand_guide
from .validate import check_connector, check_guide, hub_repeats
from .whitelabel import Withheld, select_variant, withheld
from .words import Words

DEFAULT_BRAND: dict[str, str] = {"name": "Integrations", "hub": "Integration Hub"}
DEFAULT_CATEGORY = "Other"
PARALLEL_LOAD_MIN = 100  # below this many files, a worker costs more than it saves
# Display names of the unified category ids connector files use (the `categories` option adds
# to and overrides these). An id not listed shows as written, its first letter capitalised.
CATEGORY_NAMES: dict[str, str] = {
    "accounting": "Accounting", "ats": "ATS", "crm": "CRM", "documents": "Documents",
    "hris": "HRIS", "iam": "IAM", "lms": "LMS", "marketing": "Marketing",
    "messaging": "Messaging", "scheduling": "Scheduling", "screening": "Screening",
    "ticketing": "Ticketing",
}


def category_name(category: str, names: Mapping[str, str]) -> str:
    """The display name of a category: 'hris' -> 'HRIS', 'file_storage' -> 'File storage';
    a name written for people ('Time tracking') stays as it is."""
    category = unicodedata.normalize("NFC", category.strip())
    found = names.get(category) or names.get(category.lower())
    if found:
        return found
    if category == category.lower():  # an id ('zubehör' -> 'Zubehör')
        words = category.replace("_", " ").replace("-", " ").split()
        return " ".join(words)[:1].upper() + " ".join(words)[1:] if words else category
    return category


@dataclass(frozen=True)
class Options:
    """What the site needs to know beyond the guide files (the plugin's options)."""

    guides_dir: Path = Path("guides")
    brand: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_BRAND))
    whitelabel: bool = False
    whitelabel_brand: Mapping[str, str] | None = None
    whitelabel_replace: Mapping[str, str] = field(default_factory=dict)
    language: str | None = None  # the theme's language: picks the catalog of words
    strings: Mapping[str, str] = field(default_factory=dict)  # message id -> the site's text
    max_guide_bytes: int = DEFAULT_MAX_BYTES
    categories: Mapping[str, str] = field(default_factory=dict)  # id -> display name
    # mkdocs-static-i18n (see `languages`): the language whose `<name>.<lang>.yaml`
    # translations this pass publishes (None: no static-i18n, translations are ignored), the
    # languages it configures, and the folder of this language's pages ('' or 'de/').
    translation: str | None = None
    languages: tuple[str, ...] = ()
    url_prefix: str = ""

    @property
    def category_names(self) -> dict[str, str]:
        """The default category names with the `categories` option applied."""
        return {**CATEGORY_NAMES, **{k.lower(): v for k, v in self.categories.items()}}

    @cached_property
    def words(self) -> Words:
        """The generator's words for this build (raises WordsError for bad `strings`)."""
        return Words(self.language, self.strings, self.active_brand)

    @property
    def active_brand(self) -> Mapping[str, str]:
        """The brand this build renders with."""
        if self.whitelabel and self.whitelabel_brand is not None:
            return self.whitelabel_brand
        return self.brand


@dataclass(frozen=True)
class GuidePage:
    """A guide as the site publishes it: brand filled in, variant selected, defaults applied."""

    guide: Guide
    title: str
    description: str
    file: str  # the source file, as shown in messages
    kind_label: str = ""  # "Link account", in the site's language
    withheld: Withheld | None = None  # in white-label builds: what its hidden parts hold
    url_prefix: str = ""  # the language's folder ('de/') in a mkdocs-static-i18n build

    @cached_property  # (asked for every page in every edit under `mkdocs serve`)
    def url(self) -> str:
        return self.url_prefix + self.guide.url

    @cached_property
    def src_uri(self) -> str:
        """The page's path among the site's documentation files."""
        return self.url + "index.md"

    @property
    def key(self) -> str:
        return self.guide.connector.key



@dataclass
class ConnectorEntry(HasActions):
    """A connector, its reference data (from its connector file, if any) and its guides."""

    key: str
    name: str
    categories: list[str] = field(default_factory=list)  # display names; [] -> "Other"
    guides: list[GuidePage] = field(default_factory=list)
    url_prefix: str = ""  # the language's folder ('de/') in a mkdocs-static-i18n build
    info: ConnectorInfo | None = None  # brand filled in, as published
    file: str | None = None  # the connector file, as shown in messages
    # The actions catalogue by display category (an action under its first category).
    action_groups: list[tuple[str, list[Action]]] = field(default_factory=list)
    other: str = DEFAULT_CATEGORY  # the category of connectors without one

    @property
    def category(self) -> str:
        """The first category: where the sidebar and llms.txt place the connector."""
        return self.categories[0] if self.categories else self.other

    @property
    def all_categories(self) -> list[str]:
        """Every category the connectors index lists the connector under."""
        return self.categories or [self.other]

    @property
    def description(self) -> str | None:
        return self.info.description if self.info else None

    @property
    def icon(self) -> str | None:
        return self.info.icon if self.info else None

    @property
    def auth_methods(self) -> tuple[AuthMethod, ...]:
        return self.info.auth_methods if self.info else ()

    @property
    def actions(self) -> tuple[Action, ...]:
        """The actions catalogue: every non-internal action of the connector file."""
        return self.info.actions if self.info else ()

    def guides_of(self, method: AuthMethod) -> list[GuidePage]:
        """The published guides of one authentication method."""
        return [p for p in self.guides if p.guide.auth_slug == method.slug]

    @property
    def other_guides(self) -> list[GuidePage]:
        """The guides of no authentication method of the connector file (all of them for a
        connector without one)."""
        slugs = {m.slug for m in self.auth_methods}
        return [p for p in self.guides if p.guide.auth_slug not in slugs]


    @property
    def summary(self) -> str:
        """One sentence for the page description and llms.txt."""
        if self.info is not None and self.info.description:
            first = self.info.description.strip().split("\n\n", 1)[0]
            return " ".join(markdown.plain(first).split())
        return self.lead

    lead: str = ""  # "Connection guides for X." in the site's language

    @property
    def auth_labels(self) -> list[str]:
        """Every authentication method's label (from the file, else from the guides)."""
        labels = [m.label for m in self.auth_methods] + [p.guide.auth_label for p in self.guides]
        return list(dict.fromkeys(labels))

    def __post_init__(self) -> None:
        # one spelling of a name that looks the same (é or e + ◌́): one section, one name
        self.name = nfc(self.name)
        self.categories = [nfc(c) for c in self.categories]

    @property
    def url(self) -> str:
        return f"{self.url_prefix}connectors/{self.key}/"

    @property
    def src_uri(self) -> str:
        return self.url + "index.md"


@dataclass
class GuideSite:
    """Everything the renderers need, in a stable order."""

    options: Options
    pages: list[GuidePage]
    connectors: list[ConnectorEntry]
    problems: list[Problem]
    files: list[str]
    warnings: list[Problem] = field(default_factory=list)  # worth a look, never fatal
    # White-label builds: guides with no section left, published nowhere (see whitelabel.py).
    unpublished: list[GuidePage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth an info line (ignored translations)

    @property
    def index_uri(self) -> str:
        """The connectors index among the site's documentation files."""
        return f"{self.options.url_prefix}connectors/index.md"

    @property
    def categories(self) -> list[tuple[str, list[ConnectorEntry]]]:
        """(category, connectors) pairs, each connector under every one of its categories;
        named categories A-Z, the default one last (the connectors index)."""
        return _by_category(self.connectors, every=True)

    @property
    def placements(self) -> list[tuple[str, list[ConnectorEntry]]]:
        """(category, connectors) pairs, each connector under its first category only (the
        sidebar and llms.txt place a connector once)."""
        return _by_category(self.connectors, every=False)


def _by_category(connectors: list[ConnectorEntry],
                 every: bool) -> list[tuple[str, list[ConnectorEntry]]]:
    groups: dict[str, list[ConnectorEntry]] = {}
    for c in connectors:
        for category in c.all_categories if every else [c.category]:
            groups.setdefault(category, []).append(c)
    other = connectors[0].other if connectors else DEFAULT_CATEGORY
    order = sorted(groups, key=lambda k: (k == other, alphabetical(k), k))
    return [(k, groups[k]) for k in order]


def sidebar_groups(entries: list[ConnectorEntry],
                   size: int) -> list[tuple[str | None, list[ConnectorEntry]]]:
    """A category's connectors as the sidebar shows them: one untitled group when there are
    `size` or fewer, else A–Z groups of `size`, each titled "first – last"."""
    size = max(size, 1)
    if len(entries) <= size:
        return [(None, entries)]
    return [(f"{group[0].name} – {group[-1].name}", group)
            for group in (entries[i:i + size] for i in range(0, len(entries), size))]


def alphabetical(name: str) -> tuple[str, str]:
    """A sort key that puts names in A–Z order as a reader looks for them: accented letters
    with their base letter ('Ärzte' beside 'Arbeit', not after 'Zebra'), case ignored."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)), folded


def nfc(text: str) -> str:
    """`text` in Unicode NFC: names that look the same compare equal."""
    return unicodedata.normalize("NFC", text)


def make_page(guide: Guide, options: Options, file: str) -> GuidePage:
    """Fill in brand placeholders and default title/description (raises GuideError)."""
    brand = options.active_brand
    hidden = withheld(guide, brand, options.whitelabel_replace) if options.whitelabel else None
    guide = select_variant(guide, whitelabel=options.whitelabel)
    if options.whitelabel and options.whitelabel_replace:
        from .whitelabel import replace_text

        guide = replace_text(guide, options.whitelabel_replace)
    guide = expand_guide(guide, brand)
    words = options.words
    context = {"provider": guide.connector.name, "auth": guide.auth_label}
    prefix = "profile" if guide.kind == "connector-profile" else "guide"
    title = markdown.plain(guide.title) if guide.title else \
        words.text(f"{prefix}.title", **context)
    description = markdown.plain(guide.description) if guide.description else \
        words.text(f"{prefix}.description", **context)
    return GuidePage(guide, title, description, file, words.text(f"kind.{guide.kind}"),
                     hidden, options.url_prefix)


@dataclass
class Loaded:
    """What one file contributes to the site (the result of `load_pages`)."""

    pages: list[GuidePage]
    problems: list[Problem]
    connector: ConnectorInfo | None = None  # published form (brand filled in)
    # the partial files a connector file read or looked for, also when it did not load: a
    # change to any of them loads it again under `mkdocs serve`
    partials: list[Path] = field(default_factory=list)


def make_connector(info: ConnectorInfo, options: Options) -> ConnectorInfo:
    """A connector file's reference data as published: white-label replacements and brand
    placeholders applied, like its guides' text (raises GuideError)."""
    if options.whitelabel and options.whitelabel_replace:
        from .whitelabel import replace_text

        info = replace_text(info, options.whitelabel_replace)
    return expand_guide(info, options.active_brand, only_brand=True)


def load_pages(path: Path, options: Options, file: str,
               brands: list[Mapping[str, str]],
               original: tuple[Path, str] | None = None) -> Loaded:
    """The published pages (and connector) of one guide or connector file, and its problems.

    Guide text is checked against every brand in `brands` (both variants, for validation).
    For a translation, `original` is its original's path and name: see `languages`.
    """
    try:
        document = load_document(path, max_bytes=options.max_guide_bytes, file=file,
                                 language=options.translation)
    except GuideError as exc:
        return Loaded([], list(exc.problems), None, list(getattr(exc, "inputs", ())))
    pages: list[GuidePage] = []
    problems: list[Problem] = []
    if original is None and any(partial_language(p.name, options.languages)[1]
                                for p in document.partials):
        original = (path, file)  # translated partials: checked against the file's originals
    mismatch: list[Problem] = []  # (the original is published in the translation's place)
    if original is not None:
        document, mismatch = translated(document, *original, options.max_guide_bytes)
    connector = None
    if document.connector is not None:
        problems.extend(check_connector(document.connector, brands))
        if not any(p.severity == "error" for p in problems):
            try:
                connector = make_connector(document.connector, options)
            except GuideError as exc:
                problems.extend(exc.problems)
        if any(p.severity == "error" for p in problems):
            return Loaded([], mismatch + problems + document.problems, None, document.inputs)
    problems.extend(document.problems)  # (each left one guide of a connector file out)
    for guide in document.guides:
        found = check_guide(guide, brands)
        if found:
            problems.extend(found)
            continue
        problems.extend(hub_repeats(guide))  # warnings: the page is published
        try:
            pages.append(make_page(guide, options, file))
        except GuideError as exc:
            problems.extend(exc.problems)
    return Loaded(pages, mismatch + problems, connector, document.inputs)


def partial_language(name: str, configured: tuple[str, ...] = ()) -> tuple[str, str | None]:
    """`split_language` for a partial's file name: `acme.users.de.s1.partial.yaml` is the
    German translation of `acme.users`, while in `acme.it.s1.partial.yaml` (`$ref: acme.it`)
    `it` is the resource: a partial is named `<prefix>.<resource>`, a translation adds one
    more part."""
    if name.removesuffix(PARTIAL_SUFFIX).count(".") < 2:
        return name, None
    return split_language(name, configured)


def load_site(options: Options, *, display_root: Path | None = None,
              check_brands: list[Mapping[str, str]] | None = None,
              workers: int = 1) -> GuideSite:
    """Load, check and arrange every guide below `options.guides_dir`.

    Messages name files relative to `display_root` (the folder of mkdocs.yml) when given,
    else relative to the working directory. Text is checked against `check_brands`
    (default: the brand this build renders with). With several `workers`, forked processes
    load the files (see `pool`); the result is the same.
    """
    return SiteLoader(options, display_root=display_root, check_brands=check_brands,
                      workers=workers).site()


class SiteLoader:
    """`load_site` in two steps: creating it finds the guide files and, with several
    `workers`, starts loading them in forked processes; `site()` collects what they loaded
    (or loads the files here) and arranges the site. Whatever this process does between the
    two steps (MkDocs emptying the site folder, say) runs next to the workers' loading."""

    def __init__(self, options: Options, *, display_root: Path | None = None,
                 check_brands: list[Mapping[str, str]] | None = None,
                 workers: int = 1, cache: ServeCache | None = None,
                 found: GuideFiles | None = None) -> None:
        """With a serve session's `cache`, files unchanged since its last build are not
        read again; `found` is the last build's `found` when the guides folder has the same
        files (by name), so it need not be walked again."""
        self.options = options
        self._cache = cache
        self._known: dict[str, tuple[Path, Loaded | None, tuple[int, int] | None]] = {}
        guides_dir = options.guides_dir
        display_path = partial(_display_path, root=display_root)
        self._problems: list[Problem] = []
        self._files: list[str] = []
        self._notes: list[str] = []
        self._originals: dict[Path, Path] = {}
        self._loaded: Jobs | None = None
        self.found: GuideFiles | None = None  # (None: there is no guides folder)
        brands = list(check_brands) if check_brands else [options.active_brand]
        if not guides_dir.is_dir():
            self._problems.append(Problem(Source(display_path(guides_dir), 1, 1),
                                          "the guides folder does not exist",
                                          "create it, or point the guides_dir option at your "
                                          "guides"))
            return
        if found is None or found.linked:
            found = find_guide_files(guides_dir, display_path)
        self.found = found
        paths, partials = list(found.paths), list(found.partials)
        self._problems.extend(found.problems)
        chosen = select(paths, options.translation, options.languages, display_path)
        self._problems.extend(chosen.problems)
        paths = chosen.paths
        # (a connector's partials serve every language; `<prefix>.<resource>` alone is none)
        named = tuple(p for p in partials if partial_language(p.name, options.languages)[1])
        translated_partials = select(named, None, options.languages)
        partials = [p for p in partials if p not in named]
        ignored = chosen.ignored + translated_partials.ignored
        self._notes = ([ignored_note([display_path(p) for p in ignored])]
                       if ignored and options.translation is None else [])
        self._partials = {path.resolve(): display_path(path) for path in partials}
        self._files = [display_path(path) for path in paths]
        originals = {p: (o, display_path(o)) for p, o in chosen.originals.items()}
        self._originals = chosen.originals  # a translation is made from its original too
        for path, file in zip(paths, self._files, strict=True):
            kept = cache.loaded(path) if cache is not None else None
            self._known[file] = (path, kept, stamp(path) if cache is not None else None)
        jobs = [(file, partial(load_pages, path, options, file, brands, originals.get(path)))
                for path, file in zip(paths, self._files, strict=True)
                if self._known[file][1] is None]
        self._loaded = Jobs(jobs, workers=workers if len(jobs) >= PARALLEL_LOAD_MIN else 1)

    def site(self) -> GuideSite:
        """The loaded site (once; the worker is gone afterwards)."""
        problems = list(self._problems)
        loaded, self._loaded = self._loaded, None
        if loaded is None:
            return GuideSite(self.options, [], [], problems, [])
        pages: list[GuidePage] = []
        infos: list[tuple[str, ConnectorInfo]] = []
        warnings: list[Problem] = []
        unread = dict(self._partials)
        failed: set[Path] = set()  # folders of files that did not load: what they refer to is unknown
        try:
            for file in self._files:
                path, kept, before = self._known[file]
                found: Loaded = kept if kept is not None else loaded.get(file)
                if found.connector is None and any(problem.severity != "warning"
                                                   for problem in found.problems):
                    failed.add(path.resolve().parent)
                if self._cache is not None:
                    if kept is None:
                        made_of = [*found.partials, *([self._originals[path]]
                                                      if path in self._originals else [])]
                        self._cache.keep_loaded(path, made_of, found, before)
                    self._cache.tokens[file] = self._cache.token(path)
                pages.extend(found.pages)
                for problem in found.problems:
                    (warnings if problem.severity == "warning" else problems).append(problem)
                if found.connector is not None:
                    infos.append((file, found.connector))
                for path in found.partials:  # (a translation reads its original's place)
                    base = partial_language(path.name, self.options.languages)[0]
                    unread.pop(path.with_name(base).resolve(), None)
        finally:
            loaded.close()
        if self._cache is not None:
            self._cache.forget_files(path for path, _, _ in self._known.values())
        warnings += [Problem(Source(shown, 1, 1), "no connector file refers to this partial, so "
                            "its actions are not published", "add '$ref: "
                            f"{Path(shown).name.removesuffix(PARTIAL_SUFFIX)}' to the actions of "
                            "its connector file, or delete it", severity="warning")
                    for shown in sorted(shown for partial_path, shown in unread.items()
                                        if partial_path.parent not in failed)]
        pages, clash_problems = _drop_clashes(pages, {file for file, _ in infos})
        problems.extend(clash_problems)
        unpublished = [p for p in pages if self.options.whitelabel and not p.guide.sections]
        if unpublished:  # nothing left to show: no page, and no link to one
            pages = [p for p in pages if p.guide.sections]
        names = self.options.category_names
        words = self.options.words
        other = words.text("category.other")
        connectors, conn_problems = _group(pages, infos, names, other)
        problems.extend(conn_problems)
        bad = {p.source.file for p in conn_problems}
        if bad:
            pages = [p for p in pages if p.file not in bad]
            infos = [(f, i) for f, i in infos if f not in bad]
            connectors, _ = _group(pages, infos, names, other)
        for entry in connectors:
            entry.lead = words.text("connector.lead", provider=entry.name)
            entry.url_prefix = self.options.url_prefix
        problems.sort(key=Problem.sort_key)
        return GuideSite(self.options, [p for c in connectors for p in c.guides], connectors,
                         problems, self._files, warnings, unpublished, self._notes)

    def close(self) -> None:
        """Stop the worker of a loader whose site is not wanted any more."""
        if self._loaded is not None:
            self._loaded.close()
            self._loaded = None


def _display_path(path: Path, root: Path | None) -> str:
    """A file's name in messages: relative to `root` (the folder of mkdocs.yml) if inside."""
    if root is not None:
        found = os.path.abspath(path)
        inside = os.path.join(os.path.abspath(root), "")
        if found.startswith(inside):  # (os.path.relpath costs ten times more)
            return found[len(inside):].replace(os.sep, "/")
        rel = os.path.relpath(path, root)
        if not rel.startswith(".."):
            return Path(rel).as_posix()
    return load_display_path(path)


def translation_problems(options: Options, *, display_root: Path | None = None,
                         check_brands: list[Mapping[str, str]] | None = None
                         ) -> tuple[int, list[Problem]]:
    """Every translation below `options.guides_dir` checked on its own and against its
    original, as a mkdocs-static-i18n pass of its language would (`guidebook validate`):
    (translations checked, problems)."""
    display_path = partial(_display_path, root=display_root)
    brands = list(check_brands) if check_brands else [options.active_brand]
    paths = find_guide_files(options.guides_dir, display_path).paths
    codes = sorted({code for p in paths
                    if (code := split_language(p.name, options.languages)[1]) is not None})
    count, problems = 0, []
    for code in codes:
        chosen = select(paths, code, options.languages, display_path)
        problems += chosen.problems
        for path, original in chosen.originals.items():
            count += 1
            loaded = load_pages(path, replace(options, language=code, translation=code),
                                display_path(path), brands, (original, display_path(original)))
            problems += loaded.problems
    return count, problems


def _drop_clashes(pages: list[GuidePage], connector_files: Collection[str] = ()
                  ) -> tuple[list[GuidePage], list[Problem]]:
    """Guides that would share a URL (also when only letter case differs) are errors. A guide
    of a connector file (one of `connector_files`) takes its URL from its authentication
    method's label: it has no auth.slug."""
    by_url: dict[str, list[GuidePage]] = {}
    for page in pages:
        by_url.setdefault(page.url.casefold(), []).append(page)
    keep: list[GuidePage] = []
    problems: list[Problem] = []
    for group in by_url.values():
        if len(group) == 1:
            keep.extend(group)
            continue
        names = " and ".join(sorted({g.file for g in group}))
        for page in group:
            others = sorted({g.guide.source.file for g in group} - {page.guide.source.file}) or \
                [page.file]
            fix = "give its authentication method a different label" \
                if page.file in connector_files else "give it a different auth.slug"
            problems.append(Problem(page.guide.source_of("auth"),
                                    f"two guides map to the same page {page.url} ({names})",
                                    f"{fix}, or change the other one in {', '.join(others)}"))
    return keep, problems


def _group(pages: list[GuidePage], infos: list[tuple[str, ConnectorInfo]],
           names: Mapping[str, str], other: str = DEFAULT_CATEGORY
           ) -> tuple[list[ConnectorEntry], list[Problem]]:
    """Connectors from connector files and guides; a connector's categories are the union of
    what its connector file and its guides say (the connector file's first)."""
    entries: dict[str, ConnectorEntry] = {}
    first: dict[str, str] = {}  # key -> the file that named the connector first
    problems: list[Problem] = []

    def add_categories(entry: ConnectorEntry, categories: tuple[str, ...]) -> None:
        for category in categories:
            name = category_name(category, names)
            if name not in entry.categories:
                entry.categories.append(name)

    for file, info in sorted(infos, key=lambda fi: fi[0]):
        conn = info.connector
        if conn.key in entries:
            problems.append(Problem(conn.source, f"connector {conn.key!r} is also defined by "
                                    f"{first[conn.key]}", "give each connector file its own "
                                    "info.key"))
            continue
        entry = entries[conn.key] = ConnectorEntry(conn.key, conn.name, info=info, file=file,
                                                   other=other)
        first[conn.key] = file
        add_categories(entry, conn.categories)
        groups: dict[str, list[Action]] = {}
        for action in info.actions:
            group = category_name(action.categories[0], names) if action.categories \
                else entry.other
            groups.setdefault(group, []).append(action)
        entry.action_groups = list(groups.items())
    for page in sorted(pages, key=lambda p: (p.file, p.url)):
        conn = page.guide.connector
        entry = entries.get(conn.key)
        if entry is None:
            entry = entries[conn.key] = ConnectorEntry(conn.key, conn.name, other=other)
            first[conn.key] = page.file
        elif nfc(conn.name) != entry.name:
            problems.append(Problem(conn.source, f"connector {conn.key!r} is named {conn.name!r} "
                                    f"here but {entry.name!r} in {first[conn.key]}",
                                    "use one name for a connector in all its files"))
            continue
        add_categories(entry, conn.categories)
        entry.guides.append(page)
    for entry in entries.values():
        entry.guides.sort(key=lambda p: (p.guide.kind != "link-account", p.guide.kind,
                                         alphabetical(p.guide.auth_label), p.url))
    ordered = sorted(entries.values(), key=lambda e: (alphabetical(e.name), e.key))
    return ordered, problems
