"""The set of guides a site publishes: loading, checking, defaults, URLs and grouping.

`load_site()` is the one entry point the MkDocs plugin, the CLI and the tests share. It never
raises for bad guides: every problem is collected in `GuideSite.problems` and the guides that
had none are published.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import markdown
from .errors import GuideError, Problem
from .load import DEFAULT_MAX_BYTES, find_guide_files, load_file
from .load import display_path as load_display_path
from .model import Guide, Source
from .prerender import Prerender
from .text import expand_guide
from .validate import check_guide
from .whitelabel import Withheld, select_variant, withheld

DEFAULT_BRAND: dict[str, str] = {"name": "Integrations", "hub": "Integration Hub"}
DEFAULT_CATEGORY = "Other"
PARALLEL_LOAD_MIN = 100  # below this many files, a worker costs more than it saves
TITLE_PATTERN = "Connect {{ provider }} with {{ auth }} – {{ brand.hub }}"
DESCRIPTION_PATTERN = (
    "Link {{ provider | article }} account in the {{ brand.hub }} using {{ auth }}. "
    "End-user guide to authorize the integration and start using {{ provider }} actions."
)
PROFILE_TITLE_PATTERN = "{{ provider }} {{ auth }} connector profile – {{ brand.name }} setup guide"
PROFILE_DESCRIPTION_PATTERN = (
    "Create {{ provider | article }} connector profile in {{ brand.name }} using {{ auth }}. "
    "Admin guide to register the app credentials so your users can link {{ provider }}."
)
KIND_LABELS = {"link-account": "Link account", "connector-profile": "Connector profile"}


def article(word: str) -> str:
    """'a Harvest', 'an Ashby', 'an HR tool', 'a Unit4', 'a 1Password'."""
    w = word.strip()
    if not w:
        return w
    first = w.split()[0]
    lower = first.lower()
    if first.isupper() and len(first) > 1 and first.isalpha():  # an acronym: SAP, HR, FTP
        an = first[0] in "AEFHILMNORSX"
    elif lower.startswith(("uni", "use", "usu", "uti", "eu", "one", "once")):
        an = False
    elif lower.startswith(("hour", "honest", "honor", "heir")):
        an = True
    else:
        an = lower[0] in "aeiou" or lower[0] == "8"
    return f"{'an' if an else 'a'} {w}"


_PATTERN_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_PATTERN_ENV.filters["article"] = article


@dataclass(frozen=True)
class Options:
    """What the site needs to know beyond the guide files (the plugin's options)."""

    guides_dir: Path = Path("guides")
    brand: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_BRAND))
    whitelabel: bool = False
    whitelabel_brand: Mapping[str, str] | None = None
    whitelabel_replace: Mapping[str, str] = field(default_factory=dict)
    title_pattern: str = TITLE_PATTERN
    description_pattern: str = DESCRIPTION_PATTERN
    profile_title_pattern: str = PROFILE_TITLE_PATTERN
    profile_description_pattern: str = PROFILE_DESCRIPTION_PATTERN
    max_guide_bytes: int = DEFAULT_MAX_BYTES

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
    withheld: Withheld | None = None  # in white-label builds: what its hidden parts hold

    @property
    def url(self) -> str:
        return self.guide.url

    @property
    def src_uri(self) -> str:
        """The page's path among the site's documentation files."""
        return self.url + "index.md"

    @property
    def key(self) -> str:
        return self.guide.connector.key

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.guide.kind, self.guide.kind)


@dataclass
class ConnectorEntry:
    """A connector and its published guides."""

    key: str
    name: str
    category: str
    guides: list[GuidePage] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"connectors/{self.key}/"

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
    # White-label builds: guides with no section left, published nowhere (see whitelabel.py).
    unpublished: list[GuidePage] = field(default_factory=list)

    @property
    def categories(self) -> list[tuple[str, list[ConnectorEntry]]]:
        """(category, connectors) pairs; named categories A-Z, the default one last."""
        groups: dict[str, list[ConnectorEntry]] = {}
        for c in self.connectors:
            groups.setdefault(c.category, []).append(c)
        order = sorted(groups, key=lambda k: (k == DEFAULT_CATEGORY, k.casefold()))
        return [(k, groups[k]) for k in order]


@lru_cache(maxsize=64)
def _compile_pattern(pattern: str) -> Any:
    return _PATTERN_ENV.from_string(pattern)


def _pattern(pattern: str, what: str, **context: Any) -> str:
    try:
        return str(_compile_pattern(pattern).render(**context)).strip()
    except TemplateError as exc:
        raise GuideError(Problem(Source("mkdocs.yml", 1, 1),
                                 f"the {what} option is not a valid pattern: {exc}",
                                 "use {{ provider }}, {{ auth }}, {{ brand.KEY }} and "
                                 "the 'article' filter")) from None


def make_page(guide: Guide, options: Options, file: str) -> GuidePage:
    """Fill in brand placeholders and default title/description (raises GuideError)."""
    brand = options.active_brand
    hidden = withheld(guide, brand, options.whitelabel_replace) if options.whitelabel else None
    guide = select_variant(guide, whitelabel=options.whitelabel)
    if options.whitelabel and options.whitelabel_replace:
        from .whitelabel import replace_text

        guide = replace_text(guide, options.whitelabel_replace)
    guide = expand_guide(guide, brand)
    context = {"provider": guide.connector.name, "auth": guide.auth_label, "brand": brand,
               "kind": guide.kind}
    profile = guide.kind == "connector-profile"
    title = guide.title or _pattern(
        options.profile_title_pattern if profile else options.title_pattern,
        "title pattern", **context)
    description = guide.description or _pattern(
        options.profile_description_pattern if profile else options.description_pattern,
        "description pattern", **context)
    return GuidePage(guide, markdown.plain(title), markdown.plain(description), file, hidden)


def load_pages(path: Path, options: Options, file: str,
               brands: list[Mapping[str, str]]) -> tuple[list[GuidePage], list[Problem]]:
    """The published pages of one guide or connector file, and its problems.

    Guide text is checked against every brand in `brands` (both variants, for validation).
    """
    try:
        guides = load_file(path, max_bytes=options.max_guide_bytes, file=file)
    except GuideError as exc:
        return [], list(exc.problems)
    pages: list[GuidePage] = []
    problems: list[Problem] = []
    for guide in guides:
        found = check_guide(guide, brands)
        if found:
            problems.extend(found)
            continue
        try:
            pages.append(make_page(guide, options, file))
        except GuideError as exc:
            problems.extend(exc.problems)
    return pages, problems


def load_site(options: Options, *, display_root: Path | None = None,
              check_brands: list[Mapping[str, str]] | None = None,
              parallel: bool = False) -> GuideSite:
    """Load, check and arrange every guide below `options.guides_dir`.

    Messages name files relative to `display_root` (the folder of mkdocs.yml) when given,
    else relative to the working directory. Text is checked against `check_brands`
    (default: the brand this build renders with). With `parallel`, a forked worker loads
    the files at the back of the list (see `prerender`); the result is the same.
    """
    return SiteLoader(options, display_root=display_root, check_brands=check_brands,
                      parallel=parallel).site()


class SiteLoader:
    """`load_site` in two steps: creating it finds the guide files and, with `parallel`, starts
    a forked worker on the files at the back of the list; `site()` loads the rest in this
    process and arranges the site. Whatever this process does between the two steps (MkDocs
    emptying the site folder, say) runs next to the worker's loading."""

    def __init__(self, options: Options, *, display_root: Path | None = None,
                 check_brands: list[Mapping[str, str]] | None = None,
                 parallel: bool = False) -> None:
        self.options = options
        guides_dir = options.guides_dir

        def display_path(path: Path) -> str:
            if display_root is not None:
                rel = os.path.relpath(path, display_root)
                if not rel.startswith(".."):
                    return Path(rel).as_posix()
            return load_display_path(path)

        self._problems: list[Problem] = []
        self._files: list[str] = []
        self._loaded: Prerender | None = None
        brands = list(check_brands) if check_brands else [options.active_brand]
        if not guides_dir.is_dir():
            self._problems.append(Problem(Source(display_path(guides_dir), 1, 1),
                                          "the guides folder does not exist",
                                          "create it, or point the guides_dir option at your "
                                          "guides"))
            return
        paths, path_problems = find_guide_files(guides_dir, display_path)
        self._problems.extend(path_problems)
        self._files = [display_path(path) for path in paths]
        jobs = [(file, partial(load_pages, path, options, file, brands))
                for path, file in zip(paths, self._files, strict=True)]
        self._loaded = Prerender(jobs, parallel=parallel and len(jobs) >= PARALLEL_LOAD_MIN)

    def site(self) -> GuideSite:
        """The loaded site (once; the worker is gone afterwards)."""
        problems = list(self._problems)
        loaded, self._loaded = self._loaded, None
        if loaded is None:
            return GuideSite(self.options, [], [], problems, [])
        pages: list[GuidePage] = []
        try:
            for file in self._files:
                found_pages, found_problems = loaded.get(file)
                pages.extend(found_pages)
                problems.extend(found_problems)
        finally:
            loaded.close()
        pages, clash_problems = _drop_clashes(pages)
        problems.extend(clash_problems)
        unpublished = [p for p in pages if self.options.whitelabel and not p.guide.sections]
        if unpublished:  # nothing left to show: no page, and no link to one
            pages = [p for p in pages if p.guide.sections]
        connectors, conn_problems = _group(pages)
        problems.extend(conn_problems)
        bad = {p.source.file for p in conn_problems}
        if bad:
            pages = [p for p in pages if p.file not in bad]
            connectors, _ = _group(pages)
        problems.sort(key=Problem.sort_key)
        return GuideSite(self.options, [p for c in connectors for p in c.guides], connectors,
                         problems, self._files, unpublished)

    def close(self) -> None:
        """Stop the worker of a loader whose site is not wanted any more."""
        if self._loaded is not None:
            self._loaded.close()
            self._loaded = None


def _drop_clashes(pages: list[GuidePage]) -> tuple[list[GuidePage], list[Problem]]:
    """Guides that would share a URL (also when only letter case differs) are errors."""
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
            problems.append(Problem(page.guide.source_of("auth"),
                                    f"two guides map to the same page {page.url} ({names})",
                                    f"give one of them a different auth.slug than in "
                                    f"{', '.join(others)}"))
    return keep, problems


def _group(pages: list[GuidePage]) -> tuple[list[ConnectorEntry], list[Problem]]:
    entries: dict[str, ConnectorEntry] = {}
    first: dict[str, GuidePage] = {}
    problems: list[Problem] = []
    for page in sorted(pages, key=lambda p: (p.file, p.url)):
        conn = page.guide.connector
        entry = entries.get(conn.key)
        if entry is None:
            entries[conn.key] = ConnectorEntry(conn.key, conn.name,
                                               conn.category or DEFAULT_CATEGORY, [page])
            first[conn.key] = page
            continue
        if conn.name != entry.name:
            problems.append(Problem(conn.source, f"connector {conn.key!r} is named {conn.name!r} "
                                    f"here but {entry.name!r} in {first[conn.key].file}",
                                    "use one name for a connector in all its guides"))
            continue
        if conn.category and entry.category == DEFAULT_CATEGORY:
            entry.category = conn.category
        elif conn.category and conn.category != entry.category:
            problems.append(Problem(conn.source, f"connector {conn.key!r} is in category "
                                    f"{conn.category!r} here but {entry.category!r} in "
                                    f"{first[conn.key].file}", "use one category per connector"))
            continue
        entry.guides.append(page)
    for entry in entries.values():
        entry.guides.sort(key=lambda p: (p.guide.kind != "link-account", p.guide.kind,
                                         p.guide.auth_label.casefold(), p.url))
    ordered = sorted(entries.values(), key=lambda e: (e.name.casefold(), e.key))
    return ordered, problems
