"""White-label variants: which parts of a guide a build shows, and the check that nothing leaks.

`whitelabel: hide` parts exist only in normal builds, `whitelabel: only` parts only in
white-label builds. Filtering happens on the model before anything is rendered, so the HTML
page, the Markdown export and the llms files can never disagree.

After a white-label build, `find_leaks()` reads every file written to the site dir and reports
each forbidden term (the hub vendor's name) and each piece of text that came from a hidden part,
pointing back at the guide file and line it came from when it can. Text is compared after
`fold()` (NFKC, invisible characters removed, case and TR39 confusables folded), terms match
whole words, file and folder names are checked too, and the work is linear in the size of the
site: one Aho-Corasick automaton per kind of needle, run once over each distinct file.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import gzip
import html
import json
import os
import re
import unicodedata
from collections import Counter, UserDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote

import ahocorasick_rs

from .errors import GuideError
from .model import Guide, ListItem, Section, Source, Step
from .pool import Jobs, available_cpus
from .words import Words

M = TypeVar("M")

if TYPE_CHECKING:  # site.py imports this module
    from .site import ConnectorEntry, GuidePage, GuideSite

# The attribute that marks normal-build-only blocks in HTML; it must never reach a white-label
# output (a block hidden with CSS is still a leak).
HIDE_MARKER = "data-whitelabel-hide"
# Sentences of the hub-linking and connector-profile blocks that normal builds add to every
# guide (templates/partials/hub-link.html.jinja, connector-profile.html.jinja).
HUB_BLOCK_SOURCE = Source("templates/partials/hub-link.html.jinja", 1, 1)
# The messages of those blocks (their words are the site's: see `words`).
HUB_BLOCK_MESSAGES: tuple[str, ...] = (
    "hub.heading", "hub.open.title", "hub.open.text", "hub.fields.text", "hub.connect.authorize",
    "hub.connect.confirm", "hub.done", "profile.heading", "profile.open.text",
    "profile.fields.text", "profile.save.text",
)


def hub_sentences(words: Words) -> tuple[str, ...]:
    """The distinctive parts of the hub and connector-profile blocks as a build with `words`
    writes them: each message without the names a guide puts into it."""
    found: list[str] = []
    for message in HUB_BLOCK_MESSAGES:
        text = words.text(message, provider="\ue000", auth="\ue000", linking_url="",
                          accounts_url="")
        found += [part.strip(" .:,") for part in text.split("\ue000")
                  if len(part.strip(" .:,")) >= MIN_HIDDEN_CHARS]
    return tuple(dict.fromkeys(found))
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
NAME_HINT = ("rename it, or leave it out of the white-label build (exclude_docs in the "
             "white-label config)")
IMAGE_HINT = "rename the image, or use it only in parts marked whitelabel: hide"
URL_HINT = "the page's URL comes from the connector key or auth slug; change them"
ICON_HINT = ("the connector's icon address (info.assets.icon) names it, and its page and the "
             "catalogue load the icon from there: host the icon at an address that does not "
             "name the vendor")
LINK_HINT = ("the method's support.link names it, and the connector page links it: link "
             "documentation whose address does not name the vendor, or leave support.link out")
REDIRECT_HINT = ("a redirect_from URL names it, and the build writes a redirect page at that "
                 "URL: remove the URL from redirect_from, or rename it")
SPAN_OF_PART = 300  # lines below an action, field or method that its texts may reach


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


# -- normalised text ----------------------------------------------------------------------------

# Bytes 0x80-0xFF (non-ASCII in UTF-8) as 1, ASCII as 0: runs of non-ASCII characters are found
# with bytes.find, many times faster than a regular expression.
_NON_ASCII_MASK = bytes(b >= 0x80 for b in range(256))


@lru_cache(maxsize=1)
def _skeleton() -> dict[int, str | None]:
    """The TR39 confusables table, and every invisible character (Cf, and the combining
    grapheme joiner, variation selectors and Hangul fillers, which show nothing either) mapped
    to None (removed)."""
    from .confusables import table

    out: dict[int, str | None] = dict(table())
    invisible = [0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, *range(0x180B, 0x1810),
                 *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
    invisible += [c for c in (*range(0x80, 0x20000), *range(0xE0000, 0xE0100))  # where Cf are
                  if unicodedata.category(chr(c)) == "Cf"]
    out.update(dict.fromkeys(invisible))
    return out


def _fold_run(run: bytes) -> bytes:
    """A run of UTF-8 non-ASCII characters (and the letter before it), folded (raises
    UnicodeDecodeError if it is not UTF-8); short runs (a dash, a quote) are folded once."""
    return _fold_short_run(run) if len(run) <= 32 else _fold_text(run)


@lru_cache(maxsize=8192)
def _fold_short_run(run: bytes) -> bytes:
    return _fold_text(run)


def _fold_text(run: bytes) -> bytes:
    text = unicodedata.normalize("NFKC", run.decode("utf-8")).translate(_skeleton())
    text = unicodedata.normalize("NFD", text.casefold()).translate(_skeleton())
    return unicodedata.normalize("NFC", text).encode("utf-8", "replace")


def _fold_bytes(data: bytes) -> bytes:
    """`fold` of UTF-8 text, as UTF-8 (ASCII is lowered and whitespace collapsed as bytes,
    which is many times faster than on a str that holds one non-ASCII character)."""
    return b" ".join(_fold_chars(data).split())


# ASCII whitespace (what bytes.split() splits on): after `_fold_chars`, the only whitespace.
_WHITESPACE = b" \t\n\r\x0b\x0c"


def _fold_chars(data: bytes) -> bytes:
    """`_fold_bytes` with the whitespace left as it is."""
    data = data.lower()
    if not data.isascii():
        mask = data.translate(_NON_ASCII_MASK)
        out: list[bytes] = []
        pos = 0
        while (start := mask.find(1, pos)) >= 0:
            end = mask.find(0, start)
            end = len(data) if end < 0 else end  # (in UTF-8, a run of whole characters)
            start -= start > pos  # with the letter an accent may sit on
            out.append(data[pos:start])
            out.append(_fold_run(data[start:end]))
            pos = end
        out.append(data[pos:])
        data = b"".join(out)
    return data


def fold(text: str) -> str:
    """`text` as the leak check compares it: NFKC (full-width letters, ligatures), invisible
    characters removed (soft hyphen, zero-width ones, BOM, every Cf), case-folded, accents
    composed, and each non-ASCII confusable letter folded to its TR39 skeleton (Cyrillic "о"
    is "o"); whitespace runs become one space. Linear in the length of `text`."""
    return _fold_bytes(text.encode("utf-8", "replace")).decode("utf-8")


def _is_word(char: str) -> bool:
    # Scripts written without spaces (CJK, kana, Hangul: from U+2E80) have no word boundaries.
    return char.isalnum() and char < "\u2e80"


_ASCII_WORD = bytes(chr(b).isalnum() for b in range(128))


def _word_before(data: bytes, at: int) -> bool:
    """Whether the character that ends at byte `at` of UTF-8 `data` is a word character."""
    if at <= 0:
        return False
    if data[at - 1] < 0x80:
        return bool(_ASCII_WORD[data[at - 1]])
    lead = at - 1
    while lead > 0 and 0x80 <= data[lead] < 0xC0:  # back over continuation bytes
        lead -= 1
    return _is_word(data[lead:at].decode("utf-8", "replace")[-1:])


def _word_after(data: bytes, at: int) -> bool:
    """Whether the character that starts at byte `at` of UTF-8 `data` is a word character."""
    if at >= len(data):
        return False
    if data[at] < 0x80:
        return bool(_ASCII_WORD[data[at]])
    return _is_word(data[at:at + 4].decode("utf-8", "replace")[:1])


class _Needles:
    """Byte strings, all found in one pass by an Aho-Corasick automaton (ahocorasick_rs: the
    Rust aho-corasick crate, which searches bytes with SIMD prefilters)."""

    def __init__(self, needles: Iterable[str]) -> None:
        self.needles = sorted({n for n in needles if n})
        # A contiguous NFA is built in time linear in the needles (the DFA the library would
        # pick for a few needles takes seconds for one 20,000-character needle of `[`).
        self._automaton = (ahocorasick_rs.BytesAhoCorasick(
            [n.encode() for n in self.needles],
            implementation=ahocorasick_rs.Implementation.ContiguousNFA) if self.needles else None)

    def __bool__(self) -> bool:
        return self._automaton is not None

    def spans(self, data: bytes) -> list[tuple[str, int, int]]:
        """(needle, start, end) of every occurrence, overlapping ones too."""
        if self._automaton is None:
            return []
        return [(self.needles[i], start, end) for i, start, end
                in self._automaton.find_matches_as_indexes(data, overlapping=True)]

    def find(self, data: bytes) -> set[str]:
        """The needles that occur in `data`."""
        return {needle for needle, _, _ in self.spans(data)}


# "I" and "l" are one letter when terms are matched: ASCII "I" lowers to "i" while TR39 gives
# "l" as the prototype of some of their lookalikes and "i" of others (Lisu "ꓲ" is "l", Cyrillic
# "Ӏ" and Greek "Ι" are "i"), so neither side's spelling may decide a match.
_I_L = bytes.maketrans(b"l", b"i")


def _term_key(text: str) -> str:
    """`fold(text)` as forbidden terms are compared (see `_I_L`)."""
    return fold(text).replace("l", "i")


class _Terms:
    """Forbidden terms, found as whole words in folded text (see `fold`), "I" and "l" read as
    one letter (see `_I_L`)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.by_key: dict[str, str] = {}
        for term in sorted(terms, key=lambda t: (-len(t), t)):
            key = _term_key(term).strip()
            if key and key not in self.by_key:
                self.by_key[key] = term
        self._needles = _Needles(self.by_key)
        # The keys without their spaces: one of them is in any text with whitespace deleted
        # that holds a term (a cheap test that spares most files the whole-word search).
        self._squeezed = _Needles(k.replace(" ", "") for k in self.by_key)

    def maybe_in(self, squeezed: bytes) -> bool:
        """False if folded text whose whitespace was deleted (`squeezed`) holds no term."""
        return bool(self._squeezed.find(squeezed.translate(_I_L)))

    def _spans(self, data: bytes) -> list[tuple[int, int, str]]:
        """(start, -end, key) of each whole-word occurrence of a term in folded `data`."""
        spans: list[tuple[int, int, str]] = []
        for key, start, end in self._needles.spans(data.translate(_I_L)):
            if _is_word(key[0]) and _word_before(data, start):
                continue
            if _is_word(key[-1]) and _word_after(data, end):
                continue
            spans.append((start, -end, key))
        return spans

    def counts(self, folded: bytes) -> Counter[str]:
        """How often each term occurs in `folded` as a whole word."""
        return Counter(self.by_key[key] for _, _, key in self._spans(folded))

    def find(self, folded: bytes | str, theme: _Needles | None = None) -> list[str]:
        """The terms in `folded` (`fold()`ed text, or its UTF-8), each once; a term found only
        inside a longer term (`Hub` in `Acme Hub`) is left out, and so is one that an
        occurrence of a `theme` text covers (see `theme_fragments`)."""
        data = folded.encode() if isinstance(folded, str) else folded
        spans = self._spans(data)
        if spans and theme is not None:
            spans = [span for span in spans if not _in_class(data, span[0], -span[1])]
            spans = _uncovered(spans, [(start, end) for _, start, end in theme.spans(data)])
        spans.sort()
        found: set[str] = set()
        reach = -1  # the furthest end of the spans before this one
        for _start, neg_end, key in spans:
            if -neg_end > reach:  # (a span ending before `reach` lies inside a longer one)
                found.add(key)
            reach = max(reach, -neg_end)
        return sorted((self.by_key[k] for k in found), key=str.casefold)


def _in_class(data: bytes, start: int, end: int) -> bool:
    """Whether `data[start:end]` lies in a tag's class="..." (class names are markup that
    templates write, not text anyone reads)."""
    quote = data.rfind(b'"', 0, start)
    if quote < 0 or not data.endswith(b'class="', 0, quote + 1):
        return False
    if data.rfind(b"<", 0, start) < data.rfind(b">", 0, start):
        return False  # (not in a tag)
    close = data.find(b'"', end)
    return close >= 0 and data.find(b">", end, close) < 0


def _uncovered(spans: list[tuple[int, int, str]],
               cover: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The (start, -end, key) spans that no (start, end) of `cover` contains."""
    if not cover:
        return spans
    cover.sort()
    starts = [start for start, _ in cover]
    reach: list[int] = []  # the furthest end of the cover spans up to each one
    for _, end in cover:
        reach.append(max(end, reach[-1] if reach else -1))
    out = []
    for span in spans:
        i = bisect.bisect_right(starts, span[0]) - 1
        if i < 0 or reach[i] < -span[1]:
            out.append(span)
    return out


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


@dataclass(frozen=True)
class Withheld:
    """What the hidden parts of one guide would have published in a white-label build: their
    distinctive sentences (worded with the partner brand) and the images they show."""

    texts: tuple[HiddenText, ...] = ()
    images: tuple[tuple[str, Source], ...] = ()


@dataclass(frozen=True, order=True)
class Leak:
    """One forbidden term or hidden text found in one output file, file name or setting."""

    output: str  # the output file as shown in messages (site dir + path), or the setting
    term: str  # the forbidden term, or the hidden text found
    source: Source | None = None  # where it was written, when known
    hidden: bool = False
    hint: str = TERM_HINT
    kind: str = "file"  # "file": in its text; "name": in its name; "setting": a config value

    def __str__(self) -> str:
        where = f"{self.source.file}:{self.source.line}: " if self.source else ""
        what = f'hidden text "{_shorten(self.term)}"' if self.hidden else f'"{self.term}"'
        if self.kind == "setting":
            return (f"{where}{what} is in the {self.output} setting, which the theme writes into "
                    f"the site: {self.hint}")
        into = " (in its name)" if self.kind == "name" else ""
        return f"{where}{what} reaches {self.output}{into}: {self.hint}"


def _shorten(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+|\n+")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


def _sentences(text: str) -> list[str]:
    from .markdown import plain

    out = []
    for paragraph in _PARAGRAPH.split(text):
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
    else:
        for image in part.images:
            if image.alt:
                yield image.alt, image.source


def _hidden(guide: Guide) -> Iterator[Section | Step | ListItem]:
    """Every `whitelabel: hide` part of a guide that is not inside another one."""

    def walk(parts: Iterable[Section | Step | ListItem]) -> Iterator[Section | Step | ListItem]:
        for part in parts:
            if part.whitelabel == "hide":
                yield part
            elif not isinstance(part, ListItem):  # a hidden part hides all it holds
                yield from walk((*part.list, *(part.steps if isinstance(part, Section) else ())))

    yield from walk(guide.sections)


def hidden_parts(guide: Guide) -> Iterator[tuple[str, Source]]:
    """(text, source) of every `whitelabel: hide` section, step and list item of a guide."""
    for part in _hidden(guide):
        yield from _part_texts(part)


def _images(parts: Iterable[Section | Step | ListItem]) -> Iterator[tuple[str, Source]]:
    for part in parts:
        steps = part.steps if isinstance(part, Section) else (part,) if isinstance(part, Step) \
            else ()
        for step in steps:
            for image in step.images:
                yield image.src, image.source


def _text_images(text: str, page_url: str) -> Iterator[str]:
    """The site paths (paths in the docs folder) of the local images that a guide text's
    Markdown shows, resolved as the browser does from the page at `page_url`."""
    if "![" not in text:  # (no image markup: no need to parse)
        return
    from .linkcheck import link_path
    from .markdown import links

    for kind, target in links(text):
        path = link_path(page_url, target) if kind == "image" else None
        if path and path not in (".", "..") and not path.startswith("../"):
            yield path


def _replace(text: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        if old and old in text:
            text = text.replace(old, new)
    return text


def withheld(guide: Guide, brand: Mapping[str, str],
             replacements: Mapping[str, str] | None = None) -> Withheld:
    """What the `whitelabel: hide` parts of `guide` (as written) hold: each distinctive
    sentence as the white-label build would word it (replacements, then `brand`), and the
    local images they show."""
    from .text import expand

    pairs = sorted((replacements or {}).items(), key=lambda kv: (-len(kv[0]), kv[0]))
    texts: dict[str, HiddenText] = {}
    shown_images: list[tuple[str, Source]] = []
    parts = list(_hidden(guide))
    for part in parts:
        for text, source in _part_texts(part):
            try:
                text = expand(_replace(text, pairs), brand, source)
            except GuideError:
                continue  # a bad placeholder is reported by validation, not here
            shown_images += ((path, source) for path in _text_images(text, guide.url))
            for sentence in _sentences(text):
                key = _key(sentence)
                if len(key) >= MIN_HIDDEN_CHARS and key not in texts:
                    texts[key] = HiddenText(sentence, source)
    images = [(src, source) for src, source in _images(parts) if "://" not in src]
    images += shown_images  # (the Markdown images of the hidden texts: `![Hub](/images/x.png)`)
    return Withheld(tuple(texts.values()), tuple(dict.fromkeys(images)))


def _visible_key(text: str) -> str:
    """The key of a visible text, made as hidden sentences are made (so an autolink or a link
    reads as the text it shows)."""
    return "\x00".join(_key(s) for s in _sentences(text))


def _shown(hidden: Iterable[HiddenText], visible: Iterable[str]) -> set[str]:
    """The keys of `hidden` texts that a visible text also holds (one pass over them)."""
    needles = _Needles(_key(h.text) for h in hidden)
    found: set[str] = set()
    if needles:
        for text in visible:
            found |= needles.find(_visible_key(text).encode())
    return found


def hidden_texts(guides: Iterable[Guide], brand: Mapping[str, str],
                 replacements: Mapping[str, str] | None = None, *,
                 visible: Iterable[str] = (), words: Words | None = None) -> list[HiddenText]:
    """The distinctive sentences of hidden parts (as a white-label build would word them) and
    of the normal build's hub block; sentences that the white-label build shows on purpose
    (`visible`) or that are too short to tell apart are left out."""
    found: dict[str, HiddenText] = {}
    for guide in guides:
        for h in withheld(guide, brand, replacements).texts:
            found.setdefault(_key(h.text), h)
    for sentence in hub_sentences(words or Words(brand=brand)):
        found.setdefault(_key(sentence), HiddenText(sentence, HUB_BLOCK_SOURCE))
    shown = _shown(found.values(), visible)
    return sorted((h for k, h in found.items() if k not in shown),
                  key=lambda h: (h.source, h.text))


def hidden_assets(site: GuideSite, named_by: Iterable[str] = ()) -> list[str]:
    """The images (paths in the docs folder) that only hidden parts of the site's guides show
    (as a step's `images:` or in their Markdown), which a white-label build must not copy
    into the site. An image that stays published anywhere is kept: one a visible part of a
    guide or a connector page shows, and one whose file name any of `named_by` holds (the
    site's own pages, stylesheets, templates and settings: read only when needed)."""
    from .text import map_text

    hidden = {src for page in _all_pages(site) if page.withheld is not None
              for src, _ in page.withheld.images}
    if not hidden:
        return []
    shown: set[str] = set()

    def collect(url: str) -> Callable[[str, Source], str]:
        def fn(text: str, _source: Source) -> str:
            shown.update(_text_images(text, url))
            return text
        return fn

    for page in site.pages:
        shown.update(image.src for section in page.guide.sections for step in section.steps
                     for image in step.images)
        map_text(page.guide, collect(page.guide.url))
    for entry in site.connectors:
        if entry.info is not None:
            map_text(entry.info, collect(entry.url))
            if entry.info.icon:
                shown.update(_text_images(f"![]({entry.info.icon})", entry.url))
    left = hidden - shown
    if left:
        names = {path: path.rpartition("/")[2] for path in left}
        needles = _Needles([*names.values(), *(quote(n) for n in names.values())])
        found: set[str] = set()
        for text in named_by:
            found |= needles.find(text.encode("utf-8", "replace"))
        left = {path for path, name in names.items()
                if name not in found and quote(name) not in found}
    return sorted(left)


def _all_pages(site: GuideSite) -> list[GuidePage]:
    return [*site.pages, *site.unpublished]


def unpublished_warnings(site: GuideSite) -> list[str]:
    """One warning per guide a white-label build leaves out because it has nothing left."""
    out = []
    for page in site.unpublished:
        where = page.guide.source_of("sections")
        out.append(f"{where.file}:{where.line}: warning: every section of this guide is marked "
                   "whitelabel: hide (or holds only hidden parts), so the white-label build "
                   "does not publish it and nothing links to it")
    return out


def page_origins(site: GuideSite) -> list[Origin]:
    """Every text the site's guide pages publish, with the page URL and source position; the
    local images they show and the page URLs (which may carry a name in a file path) too."""
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
        for src, source in _images(guide.sections):
            origins.append(Origin(src, source, None, IMAGE_HINT, span=0))
        origins.extend(Origin(old, guide.source_of("redirect_from"), None, REDIRECT_HINT)
                       for old in guide.redirect_from)
        origins.append(Origin(url, guide.source_of("connector"), None, URL_HINT, span=0))
    for entry in site.connectors:
        origins += connector_origins(entry)
    return origins


def connector_origins(entry: ConnectorEntry) -> list[Origin]:
    """What the page of a connector shows of its connector file (and the description made
    for a connector without one): visible texts too, so a hidden part that repeats one is not
    a leak. Each text is traced to where it was written: an action's to its own file and line
    (a partial's, for an action read through `$ref`), a field's to the field, a method's to
    the method; the icon's address gets its own hint."""
    from .text import map_text

    info = entry.info
    source = info.source if info is not None else Source("mkdocs.yml", 1, 1)
    origins = [Origin(text, source, entry.url, span=100_000)
               for text in (entry.name, entry.summary, *entry.categories) if text]
    if info is None:
        return origins

    def collect(text: str, where: Source) -> str:
        if text:
            origins.append(Origin(text, where, entry.url, span=SPAN_OF_PART))
        return text

    map_text(info, collect)
    origins += [Origin(m.link, m.source, entry.url, LINK_HINT, span=SPAN_OF_PART)
                for m in info.auth_methods if m.link]
    if info.icon:  # (shown by the connector page and the catalogue)
        origins.append(Origin(info.icon, source, None, ICON_HINT, span=100_000,
                              anchor="icon:"))
    return origins


def docs_origins(docs_dir: Path, root: Path | None = None,
                 pages: Collection[str] | None = None) -> list[Origin]:
    """The hand-written Markdown pages of the docs folder as origins (page URL with
    directory URLs: `a/b.md` -> `a/b/`), so a leak through one names its file and line;
    with `pages`, only those (paths in the docs folder: what the build read, without the
    pages `exclude_docs` leaves out)."""
    origins: list[Origin] = []
    for path in sorted(docs_dir.rglob("*.md")):
        rel = path.relative_to(docs_dir).as_posix()
        if pages is not None and rel not in pages:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        stem = rel[: -len(".md")]
        url = "" if stem in ("index", "README") else (
            stem[: -len("index")] if stem.endswith("/index") else stem + "/")
        origins.append(Origin(text, Source(_shown_path(path, root), 1, 1), url,
                              "a hand-written page names it; reword it or leave the page out of "
                              "the white-label build (exclude_docs)", span=100_000))
    return origins


def _shown_path(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def config_origins(values: Mapping[str, object], file: str = "mkdocs.yml") -> list[Origin]:
    """Site settings (site_name, repo_url, ...) as origins, so a leak through them says so."""
    return [Origin(str(v), Source(file, 1, 1), None,
                   f"the {k} setting names it; override {k} in the white-label config",
                   span=100_000, anchor=f"{k}:")
            for k, v in sorted(values.items()) if v]


# -- the settings, before the build ---------------------------------------------------------------


def _setting_values(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _setting_values(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _setting_values(v, path)


def _config_files(config_file: Path) -> list[Path]:
    """The config file and the one it inherits from (INHERIT), if any."""
    files = [config_file]
    try:
        text = config_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return files
    found = re.search(r"(?m)^INHERIT:[ \t]*['\"]?([^'\"\n#]+?)['\"]?[ \t]*(?:#.*)?$", text)
    if found:
        files.append(config_file.parent / found.group(1).strip())
    return files


def _setting_source(config_file: Path | None, key: str, term: str,
                    root: Path | None) -> Source | None:
    """The line of `config_file` (or the file it inherits from) that sets `key` to a value
    holding `term`."""
    if config_file is None:
        return None
    name = key.rsplit(".", 1)[-1]
    pattern = re.compile(rf"(?:^|[\s{{,])['\"]?{re.escape(name)}['\"]?\s*:")
    needle = _term_key(term)
    for path in _config_files(config_file):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for n, line in enumerate(lines):
            if pattern.search(line):
                for m in range(n, min(len(lines), n + 50)):
                    if needle in _term_key(lines[m]):
                        return Source(_shown_path(path, root), m + 1, 1)
                return Source(_shown_path(path, root), n + 1, 1)
    return Source(_shown_path(config_file, root), 1, 1)


def check_settings(settings: Mapping[str, object], forbid: Iterable[str], *,
                   config_file: Path | None = None, root: Path | None = None) -> list[Leak]:
    """Every forbidden term in the site settings the theme writes into the site (site_name,
    copyright, extra, theme palette, ...), before anything is built: the theme's own files
    (its JavaScript, stylesheets, fonts) are then left out of the leak check, as nothing a
    user writes reaches them. `settings` maps a setting's name to its value (nested mappings
    and lists are walked); lines are looked up in `config_file` and the file it inherits."""
    terms = _Terms(forbid)
    leaks: list[Leak] = []
    for key, value in _setting_values(settings, ""):
        for term in terms.find(fold(value)):
            top = key.split(".", 1)[0]
            leaks.append(Leak(key, term, _setting_source(config_file, key, term, root),
                              hint=f"override {top} in the white-label config",
                              kind="setting"))
    return sorted(set(leaks))


# -- reading the output -------------------------------------------------------------------------

_TAG = re.compile(rb"<[^<>]*>")  # (no `<` inside: a long run of `<` is read in linear time)
_MD_LINK = re.compile(rb"\[([^\[\]]*)\]\([^()]*\)")


def _key(text: str) -> str:
    """Text reduced for matching across HTML, JSON and Markdown: folded (see `fold`), without
    tags, emphasis marks, link targets and whitespace."""
    return _key_bytes(_fold_bytes(_unescape(text.encode("utf-8", "replace")))).decode("utf-8")


def _key_bytes(folded: bytes, links: bool = True) -> bytes:
    """The key of `_fold_chars` (or `_fold_bytes`) output (whitespace and emphasis marks
    deleted in one pass, then tags and link targets)."""
    folded = _TAG.sub(b"", folded.translate(None, _KEY_NOISE))
    if links and b"](" in folded:
        folded = _MD_LINK.sub(rb"\1", folded)
    return folded


_KEY_NOISE = _WHITESPACE + b"*_`"
_MARKS = b"*_`"
# Tags of text-level HTML elements: a word split by them (`Con<code>duit</code>`) reads as one.
_INLINE_TAG = re.compile(rb"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|"
                         rb"samp|small|span|strong|sub|sup|time|u|var|wbr)(?=[\s/>])[^<>]*>")


def _unmarked(folded: bytes, links: bool = True) -> bytes:
    """Folded text as it reads: without the tags of text-level elements, emphasis and code
    marks and (with `links`) Markdown link targets; other tags are spaces."""
    text = _TAG.sub(b" ", _INLINE_TAG.sub(b"", folded)).translate(None, _MARKS)
    return _MD_LINK.sub(rb"\1", text) if links and b"](" in text else text


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


# Byte-order marks of text in UTF-32 and UTF-16 (whose ASCII letters hold NUL bytes).
_WIDE_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")
# An encoding a text file declares: XML's `<?xml ... encoding="...">`, HTML's
# `<meta charset="...">` (or `content="text/html; charset=..."`), CSS's `@charset "..."`.
_DECLARED = re.compile(rb"""<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)|"""
                       rb"""<meta[^>]*?charset\s*=\s*["']?([A-Za-z0-9._:-]+)|"""
                       rb"""@charset\s+["']([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def _readable(name: str, data: bytes) -> bytes | None:
    """The text of an output file as UTF-8 (gzip unpacked, a JSON file's strings, UTF-16
    and UTF-32 with a byte-order mark re-encoded), or None if it is binary (a NUL byte).
    Text in another encoding shows as invalid UTF-8 when it is folded (see `_as_utf8`)."""
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            return None
        name = name[: -len(".gz")]
    if data.startswith(_WIDE_BOMS):
        codec = "utf-32" if data.startswith(_WIDE_BOMS[:2]) else "utf-16"
        data = data.decode(codec, "replace").encode("utf-8", "replace")
    if b"\x00" in data:
        return None
    if name.endswith(".json"):
        try:
            return "\n".join(_strings(json.loads(data))).encode("utf-8", "replace")
        except (ValueError, UnicodeDecodeError):
            return data
    return data


def _as_utf8(data: bytes) -> bytes:
    """Text that is not UTF-8 (and holds no NUL byte), re-encoded as UTF-8: decoded with the
    encoding it declares (an XML declaration, a `<meta charset>`, `@charset`), else as
    Windows-1252 (Latin-1 with quotes and dashes), undecodable bytes replaced. A term in
    ASCII letters reads the same in any ASCII-compatible encoding, so it is found."""
    declared = _DECLARED.search(data, 0, 2048)
    if declared:
        try:
            codec = next(g for g in declared.groups() if g).decode("ascii")
            return data.decode(codec).encode("utf-8", "replace")
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("cp1252", "replace").encode("utf-8", "replace")


def _decode(name: str, data: bytes) -> str | None:
    readable = _readable(name, data)
    if readable is None:
        return None
    try:
        return readable.decode("utf-8")
    except UnicodeDecodeError:
        return _as_utf8(readable).decode("utf-8")


def read_output(path: Path) -> str | None:
    """The text of an output file (gzip unpacked, a JSON file's strings), or None if binary."""
    return _decode(path.name, path.read_bytes())


def output_files(site_dir: Path) -> list[Path]:
    """Every file below the site dir, sorted."""
    return sorted(Path(folder) / name for folder, _, names in os.walk(site_dir)
                  for name in names)


def vendored_files(site_dir: Path | str, theme_dirs: Iterable[Path | str]) -> set[str]:
    """The files of the site dir (relative paths) that are byte-for-byte copies of a theme's
    static files (Material's JavaScript bundles, source maps, stylesheets, fonts): nothing a
    user writes is in them, so the leak check reads neither their text nor their names. A
    theme's custom_dir holds the user's own files: do not pass it."""
    site_dir = Path(site_dir)
    found: set[str] = set()
    for theme_dir in theme_dirs:
        base = Path(theme_dir)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not d.startswith((".", "__"))]
            for name in filenames:
                source = Path(dirpath) / name
                rel = source.relative_to(base).as_posix()
                target = site_dir / rel
                if rel in found or not target.is_file():
                    continue
                try:
                    if (source.stat().st_size == target.stat().st_size
                            and source.read_bytes() == target.read_bytes()):
                        found.add(rel)
                except OSError:
                    continue
    return found


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
        if span <= 0:
            return source
        if source.file not in self._cache:
            self._cache[source.file] = self._read(source.file)
        lines = self._cache[source.file]
        if not lines or source.line < 1:
            return source
        needle = _term_key(term)
        for n in range(source.line - 1, min(len(lines), source.line + span)):
            if _holds(lines[n], needle):
                return Source(source.file, n + 1, 1)
        return source


def _holds(text: str, needle: str) -> bool:
    """Whether `text` holds the term whose `_term_key` is `needle`, as written or as it reads
    (`Con**duit**`, see `_unmarked`)."""
    key = _term_key(text)
    return needle in key or needle in _unmarked(key.encode()).decode("utf-8", "replace")


def _page_of(rel: str) -> str | None:
    """The page URL an output file belongs to ('connectors/x/' for connectors/x/index.html)."""
    if rel.endswith(("/index.html", "/index.md", "/index.html.md")):
        return rel.rsplit("/", 1)[0] + "/"
    if rel.endswith(".md"):
        return rel[: -len(".md")] + "/"
    return None


_NAME_SEPARATORS = re.compile(r"[-_.\s]+")


def _name_key(name: str) -> str:
    """A file or folder name folded, with `-`, `_` and `.` read as spaces."""
    return _NAME_SEPARATORS.sub(" ", fold(name))


OriginsArg = Iterable[Origin] | Callable[[], Iterable[Origin]]


class _Tracer:
    """Finds the origin of a hit; reads the origins (which may be costly to list) only when
    the first hit needs them."""

    def __init__(self, origins: OriginsArg, placeholders: Mapping[str, str] | None,
                 root: Path | None) -> None:
        self._given = origins
        self._origins: list[Origin] | None = None
        self._by_term: dict[str, list[Origin]] = {}
        self._visible: str | None = None
        self._fixes = {_term_key(k): v for k, v in (placeholders or {}).items()}
        self._lines = _Lines(root)

    @property
    def origins(self) -> list[Origin]:
        if self._origins is None:
            given = self._given() if callable(self._given) else self._given
            self._origins = list(given)
        return self._origins

    def shown(self, key: str) -> bool:
        """Whether a visible text (an origin on a page or a setting) holds the hidden `key`."""
        if self._visible is None:
            self._visible = "\x01".join(_visible_key(o.text) for o in self.origins
                                        if o.hint not in (IMAGE_HINT, URL_HINT))
        return key in self._visible

    def leak(self, shown: str, rel: str, term: str, kind: str) -> Leak:
        needle = _term_key(term)
        matches = self._by_term.get(needle)
        if matches is None:  # (the text as written, or as it reads: `Con**duit**`)
            matches = self._by_term[needle] = [
                o for o in self.origins if _holds(o.text, needle)]
        if not matches:
            hint = NAME_HINT if kind == "name" else UNKNOWN_HINT if self.origins \
                else UNTRACED_HINT
            return Leak(shown, term, hint=hint, kind=kind)
        if kind == "name":  # (an origin that holds the path itself: an image, a redirect)
            path = re.compile(rf"(?:^|/){re.escape(rel.strip('/'))}(?:/|$)", re.IGNORECASE)
            matches = [o for o in matches if path.search(o.text)] or matches
        page = _page_of(rel)
        same_page = [o for o in matches if o.url is not None and o.url == page]
        others = [o for o in matches if o.url is None]
        origin = min(same_page or others or matches, key=lambda o: (o.source, o.text))
        hint = origin.hint
        if hint == TERM_HINT and needle in self._fixes:
            hint = TERM_HINT_FOR.format(placeholder=self._fixes[needle])
        line = self._lines.refine(origin.source, origin.anchor or term, origin.span)
        return Leak(shown, term, line, hint=hint, kind=kind)


_COMMON_ENTITIES = {b"&lt;": b"<", b"&gt;": b">", b"&quot;": b'"', b"&#34;": b'"',
                    b"&#39;": b"'", b"&#x27;": b"'", b"&nbsp;": "\u00a0".encode(),
                    b"&amp;": b"&"}
_COMMON_ENTITY = re.compile(b"|".join(re.escape(e) for e in _COMMON_ENTITIES))

# A character reference html.unescape would decode, other than the common ones (a raw `&` in
# a URL, such as `&display=swap`, is none).
_OTHER_ENTITY = re.compile(rb"&(?!(?:" + b"|".join(re.escape(e[1:]) for e in _COMMON_ENTITIES)
                           + rb"))(?:#[0-9]|#[xX][0-9a-fA-F]|[a-zA-Z][a-zA-Z0-9]{1,31};)")


def _unescape(data: bytes) -> bytes:
    """`html.unescape` of UTF-8 text, with a fast way for text whose only entities are the
    common ones (html.unescape calls back into Python for each entity)."""
    if b"&" not in data:
        return data
    if not _OTHER_ENTITY.search(data):  # (one pass, left to right: `&amp;lt;` is `&lt;`)
        return _COMMON_ENTITY.sub(lambda m: _COMMON_ENTITIES[m[0]], data)
    return html.unescape(data.decode("utf-8", "replace")).encode("utf-8", "replace")


# -- the theme's own words ---------------------------------------------------------------------

# Files that search plugins write whatever the content: their names are the plugin's.
TOOL_FILES = ("search/search_index.json",)
# Relative and root links at the start of a quoted value (`"../../assets/x.js"`, `"base":
# "../.."`, `"/"`): they differ from page to page, so theme text is compared without them.
_RELATIVE = re.compile(rb"""(?<=["'])(?=[./])(?:\.{1,2}/|/)*(?:\.{1,2}(?=["']))?""")
_TAG_AT = re.compile(rb"<[^<>]*>")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


@lru_cache(maxsize=1)
def own_markup() -> tuple[str, ...]:
    """What guidebook's pages write whatever the guides say: the literal text of its packaged
    templates (between their `{{ }}`, `{% %}` and `{# #}`), the attribute that keeps a block
    out of search, and the default "open in" chat links up to the page's URL (their prompt
    in each shipped language)."""
    from .defaults import CHAT_URLS, chat_url, default_templates_dir
    from .words import catalog, languages

    found = ["data-search-exclude",
             *(part for language in languages() for assistant in sorted(CHAT_URLS)
               for part in chat_url(assistant, catalog(language)["actions.prompt"])
               .split("{url}"))]
    for path in sorted(default_templates_dir().rglob("*.html.jinja")):
        found += (c.strip() for c in _JINJA.split(path.read_text(encoding="utf-8")) if c.strip())
    return tuple(found)


def theme_fragments(terms: Iterable[str], theme_html: Iterable[str] = (),
                    literal: Iterable[str] = ()) -> list[str]:
    """The pieces of the theme's own text that hold a forbidden term, folded (see `fold`).

    `theme_html` is what the theme writes with no user input (its page chrome rendered with
    no page, no navigation and no template overrides: the search box, its labels, the
    theme's configuration script); each of its tags, and each text with the tag before it,
    that holds a term is a piece. `literal` texts (`own_markup`) are pieces as they are. A
    term in an HTML page that such a piece covers is the theme's word, not a leak: a brand
    called "Search" does not leak through the search box, while "Search" in a guide sentence
    (a text after another tag) still does. A term in a class name (`md-search__input`) is
    markup, not text, wherever it is.
    """
    found = _Terms(terms)
    pieces: set[bytes] = set()
    for text in theme_html:
        data = _RELATIVE.sub(b"", _fold_bytes(_unescape(text.encode("utf-8", "replace"))))
        for tag in _TAG_AT.finditer(data):
            after = data.find(b"<", tag.end())
            pieces.add(tag[0])
            pieces.add(data[tag.start():after if after >= 0 else len(data)])
    for text in literal:  # (whole, and each of its tags: the whitespace around them varies)
        data = _fold_bytes(_unescape(text.encode("utf-8", "replace")))
        pieces.add(data)
        pieces.update(tag[0] for tag in _TAG_AT.finditer(data))
    return sorted(p.decode("utf-8", "replace") for p in pieces if found.find(p))


# What a setting's text that holds a forbidden term is replaced by (see `without_terms`).
SETTING_MASK = "\ue000"


def without_terms(value: M, terms: Iterable[str]) -> M:
    """A setting's `value` (text, or mappings, lists and MkDocs configs of them) with every
    text that holds a forbidden term (as written, or as it reads: `Con**duit**`) replaced by
    `SETTING_MASK`; a value with none is returned as it is (the same object).

    The theme's chrome is rendered with the user's settings so masked (see `theme_fragments`):
    it then holds a term only where the theme writes one by itself, while every setting
    without one (the theme's features, a version selector) still renders as on the pages."""
    found = _Terms(terms)

    def holds(text: str) -> bool:
        folded = fold(text)
        return bool(found.find(folded) or found.find(
            _unmarked(_unescape(folded.encode())).decode("utf-8", "replace")))

    def mask(item: object) -> object:
        if isinstance(item, str):
            return SETTING_MASK if holds(item) else item
        if isinstance(item, (list, tuple)):
            items = [mask(v) for v in item]
            if all(a is b for a, b in zip(items, item, strict=True)):
                return item
            return type(item)(items) if isinstance(item, tuple) else items
        if isinstance(item, Mapping):
            pairs = {k: mask(v) for k, v in item.items()}
            changed = {k: v for k, v in pairs.items() if v is not item[k]}
            if not changed and not any(isinstance(k, str) and holds(k) for k in item):
                return item
            if isinstance(item, UserDict):  # (a MkDocs config: an extra script, `extra`)
                copied = copy.copy(item)
                for k, v in changed.items():
                    copied[k] = v
                return copied
            return {(SETTING_MASK if isinstance(k, str) and holds(k) else k): v
                    for k, v in pairs.items()}
        return item

    return mask(value)  # type: ignore[return-value]


@dataclass(frozen=True)
class _Found:
    """What one file's text holds: forbidden terms, the hide marker, hidden-text keys."""

    terms: tuple[str, ...] = ()
    marker: bool = False
    hidden: frozenset[str] = frozenset()


class _Scanner:
    """Reads output files for terms and hidden texts (in this process or a forked one)."""

    def __init__(self, terms: _Terms, needles: _Needles, theme: _Needles | None = None) -> None:
        self.terms, self.needles, self.theme = terms, needles, theme

    def scan(self, path: Path) -> _Found:
        name = path.name
        data = _readable(name, path.read_bytes())
        if data is None:
            return _Found()
        try:
            chars = _fold_chars(_unescape(data))
        except UnicodeDecodeError:  # (each run of non-ASCII bytes is decoded when folded)
            data = _as_utf8(data)  # text in another encoding (binaries hold a NUL byte)
            chars = _fold_chars(_unescape(data))
        squeezed = chars.translate(None, _WHITESPACE)
        html_page = name.endswith(".html")
        terms: list[str] = []
        if self.terms.maybe_in(squeezed):  # (most files: no; then no whitespace to collapse)
            folded = b" ".join(chars.split())
            if self.theme is not None and html_page:  # (the theme's pages)
                terms = self.terms.find(_RELATIVE.sub(b"", folded), self.theme)
            else:
                terms = self.terms.find(folded)
        key = _key_bytes(squeezed, links=not html_page)  # (no Markdown links in HTML)
        if self.terms.maybe_in(key):  # (a term, maybe split by markup: `Con**duit**`)
            terms = sorted({*terms, *self._split(chars, html_page)}, key=str.casefold)
        hidden = frozenset(self.needles.find(key)) if self.needles else frozenset()
        return _Found(tuple(terms), HIDE_MARKER.encode() in chars, hidden)

    def _split(self, chars: bytes, html_page: bool) -> list[str]:
        """The terms that occur more often in the text as it reads (see `_unmarked`) than in
        its text with tags read as spaces: a term split by markup (`Con<code>duit</code>`,
        `Con**duit**`) shows as one word. Terms in attributes or the theme's own words are in
        neither count, or in both."""
        spaced = self.terms.counts(b" ".join(_TAG.sub(b" ", chars).split()))
        read = self.terms.counts(b" ".join(_unmarked(chars, links=not html_page).split()))
        return [term for term, n in read.items() if n > spaced[term]]


PARALLEL_SCAN_MIN = 200  # below this many files, forking costs more than it saves


def _scan_all(scanner: _Scanner, paths: list[Path], parallel: bool) -> list[_Found]:
    """`scanner.scan` of each path, on every core (the build's process pool, see `pool`) when
    `parallel` and there are many."""
    workers = available_cpus() if parallel and len(paths) >= PARALLEL_SCAN_MIN else 1
    jobs = Jobs([(str(i), partial(scanner.scan, path)) for i, path in enumerate(paths)],
                workers=workers)
    try:
        return [jobs.get(str(i)) for i in range(len(paths))]
    finally:
        jobs.close()


def find_leaks(site_dir: Path | str, forbid_terms: Iterable[str],
               hidden_texts: Iterable[HiddenText] = (), *,
               origins: OriginsArg = (), display_dir: str | None = None,
               source_root: Path | None = None,
               placeholders: Mapping[str, str] | None = None,
               vendored: Collection[str] = (), theme: Iterable[str] | None = None,
               tool_files: Collection[str] = (), parallel: bool = False) -> list[Leak]:
    """Every forbidden term and hidden text in every file of the site dir, and every
    forbidden term in a file or folder name.

    Text is compared folded (see `fold`); terms match as whole words, hidden texts anywhere
    (after `_key`). One leak per output file and term; `origins` (or a function returning
    them, called only once something is found) name the guide file and line a term came from
    (the origin on the same page first; relative source files are read below `source_root`
    to find the exact line; `placeholders` maps a term to the placeholder the fix should
    use, e.g. the hub's name to `{{ brand.hub }}`), and a hidden text that a visible origin
    also holds is not a leak. A term found only inside a longer forbidden term is reported
    once, as the longer one. The `data-whitelabel-hide` marker is always forbidden. Files in
    `vendored` (see `vendored_files`) are not read; with `theme`, a term in an HTML page
    that one of its texts (see `theme_fragments`) covers, or that is in a class name, is the
    theme's; the names of `tool_files` (and of their folders) are the tools' and are not
    checked. Linear in the size of the site: each
    file (once for all its hard links: the twins) is read once, by forked workers with
    `parallel`, by one automaton for the terms (after a cheaper one that rules most files
    out) and one for the hidden texts.
    """
    site_dir = Path(site_dir)
    shown_dir = (display_dir if display_dir is not None else str(site_dir)).rstrip("/")
    terms = _Terms([*forbid_terms])
    hidden = {}
    for h in hidden_texts:
        hidden.setdefault(_key(h.text), h)
    tracer = _Tracer(origins, placeholders, source_root)
    leaks: list[Leak] = []
    folders: set[str] = set()
    files: list[tuple[str, tuple[int, int]]] = []  # (path relative to the site dir, file id)
    first: dict[tuple[int, int], Path] = {}  # (device, inode) -> its first path (hard links)
    for path in output_files(site_dir):
        rel = path.relative_to(site_dir).as_posix()
        if rel in vendored:
            continue
        parent = rel.rpartition("/")[0]
        while parent and parent not in folders:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
        for term in terms.find(_name_key(path.name)) if rel not in tool_files else ():
            leaks.append(tracer.leak(f"{shown_dir}/{rel}", rel, term, "name"))
        stat = path.stat()
        first.setdefault((stat.st_dev, stat.st_ino), path)
        files.append((rel, (stat.st_dev, stat.st_ino)))
    scanner = _Scanner(terms, _Needles(hidden),
                       _Needles(fold(t) for t in theme) if theme is not None else None)
    found = dict(zip(first, _scan_all(scanner, list(first.values()), parallel), strict=True))
    for rel, ident in files:
        shown = f"{shown_dir}/{rel}"
        what = found[ident]
        if what.marker:
            leaks.append(Leak(shown, HIDE_MARKER, None, hint="the attribute marks a block of "
                              "normal builds only; a template override still writes it"))
        for term in what.terms:
            leaks.append(tracer.leak(shown, rel, term, "file"))
        for key in sorted(what.hidden):
            if tracer.shown(key):
                continue  # also in a visible part: not from the hidden one
            h = hidden[key]
            leaks.append(Leak(shown, h.text, h.source, hidden=True,
                              hint=HUB_HINT if h.source == HUB_BLOCK_SOURCE else HIDDEN_HINT))
    tool_folders = {f.rpartition("/")[0] for f in tool_files}
    for folder in sorted(folders - tool_folders):
        for term in terms.find(_name_key(folder.rpartition("/")[2])):
            leaks.append(tracer.leak(f"{shown_dir}/{folder}/", folder + "/", term, "name"))
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

    paths = find_guide_files(guides_dir).paths
    guides: list[Guide] = []
    for path in paths:
        try:
            guides.extend(load_file(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                                    file=shown(path)))
        except GuideError:
            continue
    return guides


def check_build(site: GuideSite, site_dir: Path | str, *, forbid: Iterable[str] | None = None,
                settings: Mapping[str, object] | None = None,
                display_dir: str | None = None, root: Path | None = None,
                docs_dir: Path | None = None, docs_pages: Collection[str] | None = None,
                vendored: Collection[str] = (), chrome: str | None = None,
                parallel: bool = False) -> list[Leak]:
    """The leaks of a white-label build of `site` written to `site_dir`.

    `forbid` defaults to the normal brand's name and hub; `settings` are site settings
    (site_name, repo_url, ...) a leak may come from; hidden texts are those the site's pages
    withheld when they were made (`GuidePage.withheld`); `root` is the project folder file
    names are shown relative to; hits on hand-written pages of `docs_dir` (those of
    `docs_pages`, paths in it, when given: the pages the build read) name their line;
    `vendored` files (the theme's own, see `vendored_files`) are not read; `chrome` is the
    theme's page rendered with no user input (see `theme_fragments`); with `parallel`, files
    are read on every core.
    """
    terms = list(forbid) if forbid else forbidden_terms(site)
    placeholders = {str(v): f"{{{{ brand.{k} }}}}" for k, v in sorted(site.options.brand.items())
                    if k in ("name", "hub")}

    def origins() -> list[Origin]:
        found = page_origins(site) + config_origins(settings or {})
        if docs_dir is not None:
            found += docs_origins(docs_dir, root, docs_pages)
        return found

    hidden = [h for page in _all_pages(site) if page.withheld is not None
              for h in page.withheld.texts]
    hidden += [HiddenText(s, HUB_BLOCK_SOURCE) for s in hub_sentences(site.options.words)]
    theme = theme_fragments(terms, [chrome] if chrome else (), own_markup())
    return find_leaks(site_dir, terms, hidden, origins=origins, display_dir=display_dir,
                      source_root=root, placeholders=placeholders, vendored=vendored,
                      theme=theme, tool_files=TOOL_FILES, parallel=parallel)


def forbidden_terms(site: GuideSite) -> list[str]:
    """The default forbidden terms: the normal brand's name and hub."""
    return [t for t in (site.options.brand.get("name", ""), site.options.brand.get("hub", ""))
            if t]


def format_leaks(leaks: list[Leak]) -> str:
    """A heading and one line per leak."""
    def count(n: int, what: str) -> str:
        return f"{n} {what}{'s' if n != 1 else ''}"

    files = {leak.output for leak in leaks if leak.kind != "setting"}
    settings = {leak.output for leak in leaks if leak.kind == "setting"}
    where = [count(len(files), "output file")] if files else []
    where += [count(len(settings), "setting")] if settings else []
    head = f"white-label leak check: {count(len(leaks), 'leak')} in {' and '.join(where)}:"
    return "\n".join([head, *(f"  {leak}" for leak in leaks)])


def check_site(site_dir: Path | str, forbid: Iterable[str], *,
               guides_dir: Path | str | None = None, brand: Mapping[str, str] | None = None,
               replacements: Mapping[str, str] | None = None,
               theme_dirs: Iterable[Path] = (), words: Words | None = None,
               echo: Callable[[str], None] = print) -> int:
    """The `guidebook check-whitelabel` command: 1 (and a report) if the site dir leaks.

    Without `guides_dir` only the forbidden terms, the hide marker and the hub block are
    looked for; with it (and the partner `brand` and `replacements` the site was built with)
    also the text of hidden parts, and hits are traced back to guide lines. Files copied
    unchanged from `theme_dirs` are not read.
    """
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        echo(f"{site_dir}: not a directory (build the site first)")
        return 2
    # (a failed white-label build leaves its folder so: empty but for entries such as .git)
    if all(entry.name.startswith(".") for entry in site_dir.iterdir()):
        echo(f"{site_dir}: no files to check (build the site first; a white-label build that "
             "fails its leak check leaves its folder empty)")
        return 2
    guides = load_guides(Path(guides_dir)) if guides_dir is not None else []

    def origins() -> list[Origin]:
        from .text import expand_guide, map_text

        found: list[Origin] = []
        for guide in guides:
            variant = select_variant(guide, whitelabel=True)
            if replacements:
                variant = replace_text(variant, replacements)
            try:
                variant = expand_guide(variant, brand or {})
            except GuideError:
                pass

            def collect(text: str, source: Source, url: str = variant.url) -> str:
                found.append(Origin(text, source, url))
                return text

            map_text(variant, collect)
        return found

    hidden = [h for guide in guides for h in withheld(guide, brand or {}, replacements).texts]
    unknown = {"name": "\ue000", "hub": "\ue000"}  # without the brand: the words around it
    hidden += [HiddenText(s, HUB_BLOCK_SOURCE)
               for s in hub_sentences(words or Words(brand={**unknown, **(brand or {})}))]
    forbid = list(forbid)
    leaks = find_leaks(site_dir, forbid, hidden, origins=origins,
                       vendored=vendored_files(site_dir, theme_dirs),
                       theme=theme_fragments(forbid, (), own_markup()), tool_files=TOOL_FILES,
                       parallel=True)
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
    "Withheld",
    "check_build",
    "check_settings",
    "check_site",
    "config_origins",
    "docs_origins",
    "find_leaks",
    "fold",
    "forbidden_terms",
    "format_leaks",
    "hidden_assets",
    "hidden_texts",
    "page_origins",
    "replace_text",
    "select_variant",
    "theme_fragments",
    "unpublished_warnings",
    "vendored_files",
    "withheld",
    "without_terms",
]
