"""Guide Markdown to safe HTML.

Guide text is untrusted: raw HTML in it is escaped (shown as text, never interpreted), links
and images may only use http(s), mailto, tel or site-relative targets, and external links open
in a new tab with `rel="noopener noreferrer"`. CommonMark via markdown-it-py.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_STRIP_RE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def link_scheme(url: str) -> str | None:
    """The scheme a browser would see in `url` (after entities, whitespace and case)."""
    cleaned = _STRIP_RE.sub("", html.unescape(html.unescape(url)))
    match = _SCHEME_RE.match(cleaned)
    return match.group(1).lower() if match else None


def is_safe_url(url: str) -> bool:
    """True for http(s)/mailto/tel links and for site-relative ones."""
    scheme = link_scheme(url)
    return scheme is None or scheme in SAFE_SCHEMES


def is_site_relative(url: str) -> bool:
    """True for a path from the site's root, as guides write them (`images/a.png`): no
    scheme, not `/...` or `#...`."""
    return link_scheme(url) is None and not url.startswith(("/", "#"))


def is_external(url: str) -> bool:
    return link_scheme(url) in ("http", "https") or url.startswith("//")


def _link_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if not is_safe_url(href):
        token.attrSet("href", "#")
    elif is_external(href):
        token.attrSet("target", "_blank")
        token.attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


def _image(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if not is_safe_url(str(token.attrGet("src") or "")):
        token.attrSet("src", "")
    token.attrSet("loading", "lazy")
    return self.image(tokens, idx, options, env)


@lru_cache(maxsize=1)
def _parser(backticks: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    md.validateLink = lambda url: True  # unsafe links are neutralised by _link_open instead
    # (a pure function of the URL, and guides link the same places again and again: parsing
    # and encoding each link was 40 % of markdown-it's time on a big site)
    md.normalizeLink = lru_cache(maxsize=1 << 14)(md.normalizeLink)
    md.normalizeLinkText = lru_cache(maxsize=1 << 14)(md.normalizeLinkText)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("image", _image)
    return md


# Stripped text without any of these characters, not starting with '-' or a digit, is plain
# prose: it needs escaping, not parsing (one character class searches several times faster
# than a pattern with anchored alternatives).
_MARKUP_CHARS = re.compile(r"[\\`*_\[\]<>&!~|#=+\n\t\r\x00]")
# Characters inline Markdown gives a meaning to (or that its input normalisation changes).
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<>&!~\r\n\x00]")
_INLINE_CODE = re.compile(r"(?<!<pre>)<code>(.*?)</code>", re.DOTALL)


def is_prose(stripped: str) -> bool:
    """True for stripped text Markdown gives no meaning to (see _MARKUP_CHARS)."""
    first = stripped[:1]
    return bool(first) and not (first == "-" or first.isdecimal()
                                or _MARKUP_CHARS.search(stripped))


_is_prose = is_prose


def _escape(text: str) -> str:
    return text.replace('"', "&quot;")  # &, < and > never reach here (see _MARKUP_CHARS)


def _to_backticks(rendered: str) -> str:
    def repl(match: re.Match[str]) -> str:
        content = match.group(1).replace("&quot;", '"')
        if "`" not in content:
            return f"`{content}`"
        fence = "`" * (max(len(run) for run in re.findall(r"`+", content)) + 1)
        if content.startswith("`") or content.endswith("`"):
            content = f" {content} "
        return f"{fence}{content}{fence}"

    return _INLINE_CODE.sub(repl, rendered) if "<code>" in rendered else rendered


@lru_cache(maxsize=4096)
def block(text: str, *, backticks: bool = False) -> str:
    """Markdown blocks (paragraphs, lists, code) as HTML, without a trailing newline.

    `backticks=True` keeps inline code as backtick text, the way the Markdown export writes it.
    """
    text = text.strip()
    if backticks:
        return _to_backticks(block(text))
    if is_prose(text):
        return f"<p>{_escape(text)}</p>"
    return _parser(False).render(text).strip()


@lru_cache(maxsize=4096)
def inline(text: str, *, backticks: bool = False) -> str:
    """Inline Markdown (emphasis, code, links) as HTML, for titles and list items."""
    text = text.strip()
    if backticks:
        return _to_backticks(inline(text))
    if is_prose(text):
        return _escape(text)
    return _parser(False).renderInline(text)


def outside(pattern: re.Pattern[str], text: str, fn: Callable[[str], str]) -> str:
    """`text` with `fn` applied to the stretches between matches of `pattern` (the matches,
    such as code spans or URLs, are kept as they are)."""
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(fn(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(fn(text[last:]))
    return "".join(out)


_SAFE_SCHEME_RE = re.compile(r"(?<![A-Za-z0-9+.\-])(?:https?|mailto|tel):", re.IGNORECASE)


def may_link_unsafely(text: str) -> bool:
    """False when `text` cannot hold a link with an unsafe scheme; True means: parse it.

    A scheme needs a ':'; once the safe schemes are taken out, text without ':' and without
    '&' (an entity could spell one) cannot name another scheme, whatever its links are.
    """
    if "](" not in text and "<" not in text and "]:" not in text:
        return False
    return "&" in text or ":" in _SAFE_SCHEME_RE.sub("", text)


def parse_inline(text: str) -> list[Token]:
    """The inline tokens of `text` (raw HTML off, as the pages render it)."""
    return list(_parser(False).parseInline(text)[0].children or [])


def parse_blocks(text: str) -> list[Token]:
    """The block tokens of `text` (raw HTML off, tables and strikethrough on)."""
    return list(_parser(False).parse(text))


def links(text: str) -> list[tuple[str, str]]:
    """Every (kind, target) a Markdown text links to: kind is 'link' or 'image'."""
    found: list[tuple[str, str]] = []
    stack = list(_parser(False).parse(text))
    while stack:
        token = stack.pop(0)
        if token.children:
            stack[:0] = token.children
        if token.type == "link_open":
            found.append(("link", str(token.attrGet("href") or "")))
        elif token.type == "image":
            found.append(("image", str(token.attrGet("src") or "")))
    return found


@lru_cache(maxsize=4096)
def plain(text: str) -> str:
    """Inline Markdown reduced to its text (for titles in <title>, nav, llms.txt)."""
    text = text.strip()
    if not _INLINE_MARKUP.search(text):
        return text  # plain prose: nothing to parse
    return parsed_plain(text)


MAX_NESTING = 20  # markdown-it's nesting limit (commonmark preset): a list level costs two
_CONTAINERS = {"bullet_list_open": "list", "ordered_list_open": "list", "blockquote_open": "quote"}
# What may open a list or quote (a bullet or number before a space, '>'): ten lists or twenty
# quotes need at least ten of them.
_NEST_MARKS = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?=\s|$)|>")


def too_deep(text: str) -> tuple[int, str, str] | None:
    """Where the block Markdown `text` nests lists and quotes so deep that markdown-it would
    drop what lies below (and, for lists, every block after them): (line in `text`, 1-based;
    the message; the fix), or None when `block(text)` keeps everything."""
    if sum(text.count(c) for c in "-*+>.)") < MAX_NESTING // 2:
        return None  # (a quicker look first)
    marks = _NEST_MARKS.finditer(text)
    if next(itertools.islice(marks, MAX_NESTING // 2 - 1, None), None) is None:
        return None  # too few marks for ten lists or twenty quotes
    stripped = text.strip()
    if _is_prose(stripped):
        return None
    lead = text[:len(text) - len(text.lstrip())].count("\n")  # (block() strips the text)
    open_: list[str] = []
    for token in _parser(False).parse(stripped):
        kind = _CONTAINERS.get(token.type)
        if token.nesting == 1 and (kind or token.type == "list_item_open") \
                and token.level >= MAX_NESTING - 1:
            lists = open_.count("list") + (kind == "list")
            quotes = open_.count("quote") + (kind == "quote")
            line = lead + (token.map[0] if token.map else 0) + 1
            if not quotes:
                what = f"list nested {lists} levels deep; at most {MAX_NESTING // 2 - 1} are kept"
                fix = f"keep lists at most {MAX_NESTING // 2 - 1} levels deep"
            elif not lists:
                what = f"quote nested {quotes} levels deep; at most {MAX_NESTING - 1} are kept"
                fix = f"keep quotes at most {MAX_NESTING - 1} levels deep"
            else:
                what = (f"{lists} lists and {quotes} quotes nested in each other; at most "
                        f"{MAX_NESTING - 1} levels are kept (a list counts as two)")
                fix = "nest fewer lists and quotes"
            return line, (f"{what}: the deeper items and the text after them would be "
                          "dropped from the page"), f"{fix}, e.g. by moving the deepest items up"
        if kind:
            open_.append(kind)
        elif token.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            open_.pop()
    return None


def parsed_plain(text: str) -> str:
    """`plain` by markdown-it, without the shortcut for text that has no markup."""
    out: list[str] = []
    for token in _parser(False).parseInline(text.strip()):
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append(" ")
    return "".join(out)
