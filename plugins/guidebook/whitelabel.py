"""White-label variants: which parts of a guide a build shows, and the check that nothing leaks.

`whitelabel: hide` parts exist only in normal builds, `whitelabel: only` parts only in
white-label builds. Filtering happens on the model before anything is rendered, so the HTML
page, the Markdown export and the llms files can never disagree.

After a white-label build, `find_leaks()` reads every file written to the site dir and reports
each forbidden term (the hub vendor's name) and each piece of text that came from a hidden part,
pointing back at the guide file and line it came from when it can.
"""

from __future__ import annotations

import dataclasses
import gzip
import html
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .errors import GuideError
from .model import Guide, ListItem, Section, Source, Step

M = TypeVar("M")

if TYPE_CHECKING:  # site.py imports this module
    from .site import GuideSite

# The attribute that marks normal-build-only blocks in HTML; it must never reach a white-label
# output (a block hidden with CSS is still a leak).
HIDE_MARKER = "data-whitelabel-hide"
# Sentences of the hub-linking and connector-profile blocks that normal builds add to every
# guide (templates/partials/hub-link.html.jinja, connector-profile.html.jinja).
HUB_BLOCK_SOURCE = Source("templates/partials/hub-link.html.jinja", 1, 1)
HUB_BLOCK_SENTENCES: tuple[str, ...] = (
    "Linking the Account from the Hub",
    "Fill out the following fields using details from your provider",
    "Complete the provider's authorization flow",
    "If the account linking is successful, the newly linked",
    "Creating the Connector Profile",
    "Fill out the following fields with the values you collected above",
    "Your end users can now link their",
)
MIN_HIDDEN_CHARS = 20  # shorter hidden texts ("Connect", "Save it") are not distinctive
TERM_HINT = "use {{ brand.name }} or mark it whitelabel: hide"
TERM_HINT_FOR = "use {placeholder} or mark it whitelabel: hide"
HIDDEN_HINT = ("it is marked whitelabel: hide; a template, plugin or another guide part "
               "still writes it")
HUB_HINT = ("the hub block belongs to normal builds only; a template override or plugin still "
            "writes it")
UNKNOWN_HINT = ("it is not from a guide: check mkdocs.yml (site_name, site_description, "
                "site_url, repo_url, copyright), docs/ and templates")
UNTRACED_HINT = ("replace or remove it at its source (the white-label build traces hits to "
                 "guide lines)")


# -- selecting the variant ----------------------------------------------------------------------


def _keep(whitelabel: str | None, white: bool) -> bool:
    return whitelabel is None or (whitelabel == "only") == white


def _items(items: tuple[ListItem, ...], white: bool) -> tuple[ListItem, ...]:
    return tuple(i for i in items if _keep(i.whitelabel, white))


def _step(step: Step, white: bool) -> Step:
    return dataclasses.replace(step, list=_items(step.list, white))


def _section(section: Section, white: bool) -> Section | None:
    steps = tuple(_step(s, white) for s in section.steps if _keep(s.whitelabel, white))
    items = _items(section.list, white)
    had_body = bool(section.content or section.list or section.steps)
    if had_body and not (section.content or items or steps):
        return None  # everything under the heading was for the other variant: no orphan heading
    return dataclasses.replace(section, steps=steps, list=items)


def select_variant(guide: Guide, *, whitelabel: bool) -> Guide:
    """The guide as the normal (False) or white-label (True) build shows it.

    Parts for the other variant are removed from the model (not hidden): a section whose every
    step and item went is dropped with its heading, a section that keeps its prose but lost all
    its steps has no steps list, and the remaining steps number on without gaps.
    """
    sections = tuple(
        s for s in (_section(x, whitelabel) for x in guide.sections
                    if _keep(x.whitelabel, whitelabel))
        if s is not None
    )
    return dataclasses.replace(guide, sections=sections)


def replace_text(guide: M, replacements: Mapping[str, str]) -> M:
    """The guide with each literal text of `replacements` swapped in every author text.

    Longer texts are replaced first, so `https://api.vendor.com` wins over `vendor`.
    """
    from .text import map_text

    pairs = sorted(dict(replacements).items(), key=lambda kv: (-len(kv[0]), kv[0]))

    def fn(text: str, _source: Source) -> str:
        for old, new in pairs:
            if old and old in text:
                text = text.replace(old, new)
        return text

    return map_text(guide, fn)


# -- what the leak check looks for --------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """A text the build published and where it was written (to name the source of a leak)."""

    text: str
    source: Source
    url: str | None = None  # the page it went to, relative to the site root
    hint: str = TERM_HINT
    span: int = 80  # how many lines below `source` the text may reach
    anchor: str | None = None  # what marks its line in the file (default: the term found)


@dataclass(frozen=True)
class HiddenText:
    """Text of a part that a white-label build leaves out, and where it was written."""

    text: str
    source: Source


@dataclass(frozen=True, order=True)
class Leak:
    """One forbidden term or hidden text found in one output file."""

    output: str  # the output file as shown in messages (site dir + path)
    term: str  # the forbidden term, or the hidden text found
    source: Source | None = None  # where it was written, when known
    hidden: bool = False
    hint: str = TERM_HINT

    def __str__(self) -> str:
        where = f"{self.source.file}:{self.source.line}: " if self.source else ""
        what = f'hidden text "{_shorten(self.term)}"' if self.hidden else f'"{self.term}"'
        return f"{where}{what} reaches {self.output}: {self.hint}"


def _shorten(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+|\n+")


def _sentences(text: str) -> list[str]:
    from .markdown import plain

    out = []
    for paragraph in re.split(r"\n\s*\n", text):
        flat = plain(" ".join(paragraph.split()))
        out.extend(s.strip() for s in _SENTENCE_END.split(flat) if s.strip())
    return out


def _part_texts(part: Section | Step | ListItem) -> Iterator[tuple[str, Source]]:
    if isinstance(part, ListItem):
        yield part.text, part.source
        return
    yield part.title, part.source_of("title")
    if part.content:
        yield part.content, part.source_of("content")
    for item in part.list:
        yield item.text, item.source
    if isinstance(part, Section):
        for step in part.steps:
            yield from _part_texts(step)


def hidden_parts(guide: Guide) -> Iterator[tuple[str, Source]]:
    """(text, source) of every `whitelabel: hide` section, step and list item of a guide."""

    def walk(parts: Iterable[Section | Step | ListItem]) -> Iterator[tuple[str, Source]]:
        for part in parts:
            if part.whitelabel == "hide":
                yield from _part_texts(part)
            elif not isinstance(part, ListItem):  # a hidden part hides all it holds
                yield from walk((*part.list, *(part.steps if isinstance(part, Section) else ())))

    yield from walk(guide.sections)


def hidden_texts(guides: Iterable[Guide], brand: Mapping[str, str],
                 replacements: Mapping[str, str] | None = None, *,
                 visible: Iterable[str] = ()) -> list[HiddenText]:
    """The distinctive sentences of hidden parts (as a white-label build would word them) and
    of the normal build's hub block; sentences that the white-label build shows on purpose
    (`visible`) or that are too short to tell apart are left out."""
    from .text import expand

    shown = "\n".join(_key(v) for v in visible)
    found: dict[str, HiddenText] = {}
    pairs = sorted((replacements or {}).items(), key=lambda kv: (-len(kv[0]), kv[0]))

    def add(sentence: str, source: Source) -> None:
        key = _key(sentence)
        if len(key) < MIN_HIDDEN_CHARS or key in shown or key in found:
            return
        found[key] = HiddenText(sentence, source)

    for guide in guides:
        for text, source in hidden_parts(guide):
            for old, new in pairs:
                if old and old in text:
                    text = text.replace(old, new)
            try:
                text = expand(text, brand, source)
            except GuideError:
                continue  # a bad placeholder is reported by validation, not here
            for sentence in _sentences(text):
                add(sentence, source)
    for sentence in HUB_BLOCK_SENTENCES:
        add(sentence, HUB_BLOCK_SOURCE)
    return sorted(found.values(), key=lambda h: (h.source, h.text))


def page_origins(site: GuideSite) -> list[Origin]:
    """Every text the site's guide pages publish, with the page URL and source position."""
    from .text import map_text

    origins: list[Origin] = []
    for page in site.pages:
        guide = page.guide
        url = page.url

        def collect(text: str, source: Source, url: str = url) -> str:
            origins.append(Origin(text, source, url))
            return text

        map_text(guide, collect)
        origins.append(Origin(page.title, guide.source_of("title") if guide.title
                              else Source("mkdocs.yml", 1, 1), url,
                              TERM_HINT if guide.title else
                              "the title comes from the title pattern; use {{ brand.hub }} in it"))
        origins.append(Origin(page.description, guide.source_of("description")
                              if guide.description else Source("mkdocs.yml", 1, 1), url,
                              TERM_HINT if guide.description else
                              "the description comes from the description pattern; use "
                              "{{ brand.hub }} in it"))
    return origins


def docs_origins(docs_dir: Path, root: Path | None = None) -> list[Origin]:
    """The hand-written Markdown pages of the docs folder as origins (page URL with
    directory URLs: `a/b.md` -> `a/b/`), so a leak through one names its file and line."""
    origins: list[Origin] = []
    for path in sorted(docs_dir.rglob("*.md")):
        rel = path.relative_to(docs_dir).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        stem = rel[: -len(".md")]
        url = "" if stem in ("index", "README") else (
            stem[: -len("index")] if stem.endswith("/index") else stem + "/")
        shown = path.as_posix()
        if root is not None:
            try:
                shown = path.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                pass
        origins.append(Origin(text, Source(shown, 1, 1), url,
                              "a hand-written page names it; reword it or leave the page out of "
                              "the white-label build (exclude_docs)", span=100_000))
    return origins


def config_origins(values: Mapping[str, object], file: str = "mkdocs.yml") -> list[Origin]:
    """Site settings (site_name, repo_url, ...) as origins, so a leak through them says so."""
    return [Origin(str(v), Source(file, 1, 1), None,
                   f"the {k} setting names it; override {k} in the white-label config",
                   span=100_000, anchor=f"{k}:")
            for k, v in sorted(values.items()) if v]


# -- reading the output -------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_NOISE = re.compile(r"[\s*_`]+")


def _key(text: str) -> str:
    """Text reduced for matching across HTML, JSON and Markdown: no tags, no emphasis marks,
    no link targets, no whitespace, case-folded."""
    text = _MD_LINK.sub(r"\1", text)
    text = html.unescape(_TAG.sub("", text))
    text = text.replace("\u2019", "'").replace("\u00a0", " ")
    return _NOISE.sub("", text).casefold()


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def read_output(path: Path) -> str | None:
    """The text of an output file (gzip unpacked, JSON strings decoded), or None if binary."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    if path.suffix == ".json":
        try:
            return text + "\n" + "\n".join(_strings(json.loads(text)))
        except ValueError:
            return text
    return text


def output_files(site_dir: Path) -> list[Path]:
    """Every file below the site dir, sorted."""
    return sorted(p for p in site_dir.rglob("*") if p.is_file())


# -- the check ----------------------------------------------------------------------------------


class _Lines:
    """Source files read once, to point a hit at the exact line that holds the term."""

    def __init__(self, root: Path | None = None) -> None:
        self._cache: dict[str, list[str] | None] = {}
        self._root = root

    def _read(self, file: str) -> list[str] | None:
        candidates = [Path(file)]
        if self._root is not None and not Path(file).is_absolute():
            candidates.insert(0, self._root / file)
        for path in candidates:
            try:
                return path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
        return None

    def refine(self, source: Source, term: str, span: int = 80) -> Source:
        if source.file not in self._cache:
            self._cache[source.file] = self._read(source.file)
        lines = self._cache[source.file]
        if not lines or source.line < 1:
            return source
        needle = term.casefold()
        for n in range(source.line - 1, min(len(lines), source.line + span)):
            if needle in lines[n].casefold():
                return Source(source.file, n + 1, 1)
        return source


def _page_of(rel: str) -> str | None:
    """The page URL an output file belongs to ('connectors/x/' for connectors/x/index.html)."""
    if rel.endswith(("/index.html", "/index.md", "/index.html.md")):
        return rel.rsplit("/", 1)[0] + "/"
    if rel.endswith(".md"):
        return rel[: -len(".md")] + "/"
    return None


def find_leaks(site_dir: Path | str, forbid_terms: Iterable[str],
               hidden_texts: Iterable[HiddenText] = (), *,
               origins: Iterable[Origin] = (), display_dir: str | None = None,
               source_root: Path | None = None,
               placeholders: Mapping[str, str] | None = None) -> list[Leak]:
    """Every forbidden term (case-insensitive) and hidden text in every file of the site dir.

    One leak per output file and term; `origins` name the guide file and line a term came from
    (the origin on the same page first; relative source files are read below `source_root`
    to find the exact line; `placeholders` maps a term to the placeholder the fix should
    use, e.g. the hub's name to `{{ brand.hub }}`). A term found only inside a longer forbidden
    term is reported once, as the longer one. The `data-whitelabel-hide` marker is always
    forbidden.
    """
    site_dir = Path(site_dir)
    shown_dir = display_dir if display_dir is not None else str(site_dir)
    terms = sorted({" ".join(t.split()) for t in forbid_terms if t and t.strip()},
                   key=str.casefold)
    hidden = list(hidden_texts)
    hidden_keys = [(_key(h.text), h) for h in hidden]
    all_origins = list(origins)
    fixes = {k.casefold(): v for k, v in (placeholders or {}).items()}
    lines = _Lines(source_root)
    leaks: list[Leak] = []

    def source_for(term: str, rel: str) -> Origin | None:
        needle = term.casefold()
        page = _page_of(rel)
        matches = [o for o in all_origins if needle in " ".join(o.text.split()).casefold()]
        if not matches:
            return None
        same_page = [o for o in matches if o.url is not None and o.url == page]
        settings = [o for o in matches if o.url is None]
        return min(same_page or settings or matches, key=lambda o: (o.source, o.text))

    for path in output_files(site_dir):
        text = read_output(path)
        if text is None:
            continue
        rel = path.relative_to(site_dir).as_posix()
        shown = f"{shown_dir.rstrip('/')}/{rel}"
        folded = text.casefold()
        flat = " ".join(html.unescape(text).split()).casefold()
        if HIDE_MARKER in folded:
            leaks.append(Leak(shown, HIDE_MARKER, None, hint="the attribute marks a block of "
                              "normal builds only; a template override still writes it"))
        found = [t for t in terms if t.casefold() in folded or t.casefold() in flat]
        for term in found:
            t = term.casefold()
            if any(t != o.casefold() and t in o.casefold()
                   and max(folded.count(t), flat.count(t)) <= max(folded.count(o.casefold()),
                                                                 flat.count(o.casefold()))
                   for o in found):
                continue  # only ever part of a longer term ("Hub" in "Acme Hub")
            origin = source_for(term, rel)
            if origin is None:
                leaks.append(Leak(shown, term, hint=UNKNOWN_HINT if all_origins
                                  else UNTRACED_HINT))
                continue
            hint = origin.hint
            if hint == TERM_HINT and t in fixes:
                hint = TERM_HINT_FOR.format(placeholder=fixes[t])
            line = lines.refine(origin.source, origin.anchor or term, origin.span)
            leaks.append(Leak(shown, term, line, hint=hint))
        if hidden_keys:
            key = _key(text)
            for hkey, h in hidden_keys:
                if hkey in key:
                    leaks.append(Leak(shown, h.text, h.source, hidden=True,
                                      hint=HUB_HINT if h.source == HUB_BLOCK_SOURCE
                                      else HIDDEN_HINT))
    return sorted(set(leaks), key=lambda leak: (leak.output, leak.hidden, leak.term))


def load_guides(guides_dir: Path, *, max_bytes: int | None = None,
                display_root: Path | None = None) -> list[Guide]:
    """Every guide below guides_dir as written (files with problems are skipped: the build
    reports those itself); file names relative to `display_root` when below it."""
    from .documents import load_file
    from .load import DEFAULT_MAX_BYTES, display_path, find_guide_files

    def shown(path: Path) -> str:
        if display_root is not None:
            try:
                return path.resolve().relative_to(display_root.resolve()).as_posix()
            except ValueError:
                pass
        return display_path(path)

    paths, _ = find_guide_files(guides_dir)
    guides: list[Guide] = []
    for path in paths:
        try:
            guides.extend(load_file(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                                    file=shown(path)))
        except GuideError:
            continue
    return guides


def check_build(site: GuideSite, site_dir: Path | str, *, forbid: Iterable[str] | None = None,
                settings: Mapping[str, object] | None = None, guides_dir: Path | None = None,
                display_dir: str | None = None, root: Path | None = None,
                docs_dir: Path | None = None) -> list[Leak]:
    """The leaks of a white-label build of `site` written to `site_dir`.

    `forbid` defaults to the normal brand's name and hub; `settings` are site settings
    (site_name, repo_url, ...) a leak may come from; hidden texts are read from the guides
    below `guides_dir` (default: the site's); `root` is the project folder file names are
    shown relative to; hits on hand-written pages of `docs_dir` name their line.
    """
    options = site.options
    terms = list(forbid) if forbid else [options.brand.get("name", ""),
                                         options.brand.get("hub", "")]
    placeholders = {str(v): f"{{{{ brand.{k} }}}}" for k, v in sorted(options.brand.items())
                    if k in ("name", "hub")}
    origins = page_origins(site) + config_origins(settings or {})
    if docs_dir is not None:
        origins += docs_origins(docs_dir, root)
    guides = load_guides(guides_dir or options.guides_dir, max_bytes=options.max_guide_bytes,
                         display_root=root)
    hidden = hidden_texts(guides, options.active_brand, options.whitelabel_replace,
                          visible=[o.text for o in origins])
    return find_leaks(site_dir, terms, hidden, origins=origins, display_dir=display_dir,
                      source_root=root, placeholders=placeholders)


def format_leaks(leaks: list[Leak]) -> str:
    """A heading and one line per leak."""
    files = sorted({leak.output for leak in leaks})
    head = (f"white-label leak check: {len(leaks)} leak{'s' if len(leaks) != 1 else ''} in "
            f"{len(files)} output file{'s' if len(files) != 1 else ''}:")
    return "\n".join([head, *(f"  {leak}" for leak in leaks)])


def check_site(site_dir: Path | str, forbid: Iterable[str], *,
               guides_dir: Path | str | None = None, brand: Mapping[str, str] | None = None,
               echo: Callable[[str], None] = print) -> int:
    """The `guidebook check-whitelabel` command: 1 (and a report) if the site dir leaks.

    Without `guides_dir` only the forbidden terms, the hide marker and the hub block are
    looked for; with it (and the partner `brand` the site was built with) also the text of
    hidden parts, and hits are traced back to guide lines.
    """
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        echo(f"{site_dir}: not a directory (build the site first)")
        return 2
    origins: list[Origin] = []
    guides: list[Guide] = []
    if guides_dir is not None:
        from .text import map_text

        guides = load_guides(Path(guides_dir))
        for guide in guides:
            variant = select_variant(guide, whitelabel=True)

            def collect(text: str, source: Source, url: str = variant.url) -> str:
                origins.append(Origin(text, source, url))
                return text

            map_text(variant, collect)
    hidden = hidden_texts(guides, brand or {}, visible=[o.text for o in origins])
    leaks = find_leaks(site_dir, forbid, hidden, origins=origins)
    if leaks:
        echo(format_leaks(leaks))
        return 1
    echo(f"{site_dir}: no leaks ({len(output_files(site_dir))} files checked)")
    return 0


__all__ = [
    "HIDE_MARKER",
    "HiddenText",
    "Leak",
    "Origin",
    "check_build",
    "check_site",
    "config_origins",
    "docs_origins",
    "find_leaks",
    "format_leaks",
    "hidden_texts",
    "page_origins",
    "replace_text",
    "select_variant",
]
