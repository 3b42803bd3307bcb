"""Escaping for the Markdown outputs (twins, llms.txt, llms-full.txt), one function per context.

The HTML pages escape every text (Jinja autoescape, markdown-it with raw HTML off); the
Markdown outputs are read by agents and by Markdown renderers that often allow raw HTML, so
every text from a guide, a connector file or the config goes through the function for the
exact place it lands in:

| context                                   | function                      |
|-------------------------------------------|-------------------------------|
| Markdown inline text, heading, table cell | `text`                        |
| link text + destination                   | `link` (or `url` alone)       |
| image alt + src                           | `image`                       |
| code span                                 | `code`                        |
| autolink `<url>`                          | `autolink`                    |
| text inside a raw HTML block              | `html`                        |
| HTML attribute value (double quotes)      | `attr`, `href` for URLs       |
| converted guide Markdown in an HTML block | `html_fragment`               |
| guide Markdown kept as Markdown (`plain`) | `markdown_inline`, `markdown_blocks` |

Link destinations pass the scheme allow-list of the HTML (`markdown.is_safe_url`: http, https,
mailto, tel, site paths); any other (`javascript:`, `data:`, ...) never becomes a link: the
text is kept, the link is left out. Guide Markdown fields are CommonMark by design: in the
`plain` format they are parsed and written back (`markdown_blocks`), so raw HTML comes out as
escaped text and unsafe links as their text alone.

The Jinja filters of the Markdown templates are in `FILTERS`. This module must not import
mkdocs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from markdown_it.token import Token

from . import markdown

# -- plain text in Markdown ---------------------------------------------------------------------

# Characters that open inline markup anywhere: code, emphasis, links/images, raw HTML and
# autolinks, strikethrough (GFM), table cells (GFM) and backslash escapes themselves.
_INLINE_SPECIAL = re.compile(r"[\\`*\[\]<|~]|&(?=#?[A-Za-z0-9]+;)"
                             r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|(?:(?<=\s)|^)#")
# What would start a block at the beginning of a line (list, heading, quote, setext line).
_BLOCK_START = re.compile(r"^(?:[-+=>]|\d{1,9}(?=[.)]))")
# White space that may not stay on a one-line text (line and paragraph separators, tabs,
# controls that `str.splitlines` breaks at) and the ordinary space: collapsed to one space. A
# no-break space (U+00A0, U+202F, U+2007) and the other visible spaces are text, kept.
_BREAKING = " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\u2028\u2029"
_SPACE = re.compile(f"[{_BREAKING}]+")
_LINE_BREAK = re.compile(r"\r\n?|\n")


def _escape_inline(value: str) -> str:
    return _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(0), value)


def text(value: object) -> str:
    """Plain text (a name, label, title, description, scope, category, alt text) as Markdown
    inline text on one line: for paragraphs, list items, headings, blockquote lines, link
    text and table cells. Shown literally by any CommonMark/GFM renderer: markup characters
    are backslash-escaped, white space (newlines too) becomes one space; no-break spaces
    are kept."""
    return _text(str(value))


@lru_cache(maxsize=1 << 14)  # (names and labels come back on many pages, and in every edit)
def _text(value: str) -> str:
    one_line = _SPACE.sub(" ", value).strip(" ")
    return _escape_start(_escape_inline(one_line))


def _escape_start(escaped: str) -> str:
    """`- x`, `1. x`, `> x`: the marker a line would start a block with, escaped."""
    start = _BLOCK_START.match(escaped)
    if not start:
        return escaped
    end = start.end()
    return (escaped[:end] + "\\" + escaped[end:]) if escaped[:1].isdigit() else "\\" + escaped


def url(value: str) -> str | None:
    """A link or image destination for Markdown (`[..](HERE)`), or None when its scheme is not
    allowed. Whitespace, control characters, `<`, `>`, `(`, `)` and `\\` are percent-encoded
    (no title or line break can follow), an entity-like `&` is backslash-escaped."""
    return _url(str(value))


@lru_cache(maxsize=1 << 14)
def _url(value: str) -> str | None:
    value = value.strip()
    if not value or not markdown.is_safe_url(value):
        return None
    encoded = _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()),
                              value)
    return re.sub(r"&(?=#?[A-Za-z0-9]+;)", r"\\&", encoded)


_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f<>()\\`\u2028\u2029]")


def link(label: object, target: str | None) -> str:
    """`[label](target)` with `label` plain text; the label alone (escaped) when the target is
    missing or not allowed."""
    dest = url(target) if target else None
    shown = text(label)
    return f"[{shown}]({dest})" if dest is not None else shown


def image(alt: object, src: str) -> str:
    """`![alt](src)` with `alt` plain text; the alt text alone when `src` is not allowed."""
    dest = url(src)
    shown = text(alt)
    return f"![{shown}]({dest})" if dest is not None else shown


def autolink(target: str) -> str:
    """`<target>` (an autolink) when `target` is an allowed absolute URL, else its text."""
    if _AUTOLINK.fullmatch(target) and markdown.is_safe_url(target):
        return f"<{target}>"
    return text(target)


def code(value: object) -> str:
    """A code span holding `value` literally (a scope, an id): the fence is longer than any
    run of backticks inside, padded when the text starts or ends with a backtick."""
    content = _LINE_BREAK.sub(" ", str(value))  # (a code span turns them into spaces anyway)
    runs = [len(r) for r in re.findall(r"`+", content)]
    fence = "`" * (max(runs) + 1 if runs else 1)
    if content.startswith("`") or content.endswith("`") or (
            content.startswith(" ") and content.endswith(" ") and content.strip()):
        content = f" {content} "
    return f"{fence}{content}{fence}"


# -- raw HTML blocks (the stackone twin) --------------------------------------------------------


def html(value: object) -> str:
    """Plain text as the content of a raw HTML block: `&`, `<`, `>`, `"`, `'` escaped, on one
    line (a blank line would end the HTML block and turn the rest into Markdown)."""
    return attr(_SPACE.sub(" ", str(value)).strip(" ")).replace("'", "&#39;")


def attr(value: object) -> str:
    """Text for a double-quoted HTML attribute (apostrophes kept as they are); line breaks as
    character references, so the tag stays on its line."""
    # (replace() is several times faster than translate() with a table)
    out = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace('"', "&quot;")
    if "\n" in out or "\r" in out:
        out = out.replace("\r", "&#13;").replace("\n", "&#10;")
    return out


def href(target: str | None) -> str | None:
    """A URL for `href="..."`/`src="..."` in a raw HTML block, or None when its scheme is not
    allowed (the caller writes the words without a link)."""
    if not target or not markdown.is_safe_url(str(target)):
        return None
    return attr(str(target))


_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


def html_fragment(fragment: str) -> str:
    """Converted guide Markdown (HTML from `markdown.block`/`inline`) for a raw HTML block:
    the text is escaped already; a blank line (in a code block, or between soft breaks)
    becomes `&#10;` at the end of the line before it (the same text in `<pre>`), so the
    consumer's HTML block does not end inside the fragment."""
    if "\n" not in fragment:
        return fragment
    return _BLANK_LINES.sub(_blank_lines_as_references, fragment)


def _blank_lines_as_references(match: re.Match[str]) -> str:
    """Blank lines (`\n` + lines of spaces and tabs) as character references at the end of
    the line before them, the spaces and tabs of each kept: `&#10;&#32;&#32;`."""
    lines = match.group(0)[1:].split("\n")[:-1]
    return "".join("&#10;" + line.replace(" ", "&#32;").replace("\t", "&#9;")
                   for line in lines) + "\n"


# -- guide Markdown written back as Markdown (the plain format) ----------------------------------

WIDTH = 80
_CODE_WORD = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_RISKY_START = re.compile(r"^(?:>|[-+*#=|](?:\s|$)|[-=]+\s|\d+[.)](?:\s|$)|`{3}|~{3})")


def _words(value: str) -> list[str]:
    """Words of a paragraph; spaces inside code spans and no-break spaces do not split
    words."""
    glued = _CODE_WORD.sub(lambda m: _SPACE.sub(lambda s: "\x00" * len(s.group(0)),
                                                  m.group(0)), value)
    return [w.replace("\x00", " ") for w in _SPACE.split(glued) if w]


def wrap(value: str, width: int = WIDTH, first: str = "", rest: str | None = None) -> str:
    """Fill a paragraph of inline Markdown to `width` columns without starting a line with
    something Markdown would read as a list, heading, quote, table or code fence."""
    rest = first if rest is None else rest
    lines: list[str] = []
    line = first
    empty = True
    for word in _words(value):
        if empty:
            line += word
            empty = False
        elif len(line) + 1 + len(word) <= width or _RISKY_START.match(word + " "):
            line += " " + word
        else:
            lines.append(line)
            line = rest + word
    lines.append(line)
    return "\n".join(lines)


@lru_cache(maxsize=4096)
def markdown_inline(source: str) -> str:
    """Guide inline Markdown (a title, a list item) written back as safe Markdown on one line:
    emphasis, code and allowed links kept; raw HTML and markup characters escaped; links and
    images with a scheme that is not allowed reduced to their text."""
    source = source.strip()
    if not source:
        return ""
    if markdown.is_prose(source):  # nothing Markdown would read as markup: nothing to escape
        return _SPACE.sub(" ", source)
    tokens = markdown.parse_inline(source)
    return _SPACE.sub(" ", _inline(tokens)).strip(" ")


def _inline(tokens: Sequence[Token]) -> str:
    out: list[str] = []
    closers: list[str] = []
    skip = False
    for tok in tokens:
        kind = tok.type
        if skip:  # the text of an autolink, written with it
            skip = kind != "link_close"
            continue
        if kind == "text":
            out.append(_escape_inline(tok.content))
        elif kind == "code_inline":
            out.append(code(tok.content))
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind in ("em_open", "em_close", "strong_open", "strong_close", "s_open",
                      "s_close"):
            out.append(tok.markup)
        elif kind == "link_open":
            dest = url(str(tok.attrGet("href") or ""))
            if dest is None:
                closers.append("")
            elif tok.markup == "autolink" and _AUTOLINK.fullmatch(dest) \
                    and not dest.lower().startswith("mailto:"):  # (<a@b.c> shows no scheme)
                out.append(f"<{dest}>")
                skip = True
            else:
                out.append("[")
                closers.append(f"]({dest}{_title(tok.attrGet('title'))})")
        elif kind == "link_close":
            out.append(closers.pop() if closers else "")
        elif kind == "image":
            alt = _inline(tok.children or [])
            dest = url(str(tok.attrGet("src") or ""))
            out.append(f"![{alt}]({dest}{_title(tok.attrGet('title'))})" if dest is not None
                       else alt)
        else:  # html_inline (raw HTML is off) or anything new: its text, escaped
            out.append(_escape_inline(tok.content))
    return "".join(out)


_AUTOLINK = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>\\&]*")


def _title(title: Any) -> str:
    if not title:
        return ""
    escaped = str(title).replace("\\", "\\\\").replace('"', '\\"')
    return f' "{_SPACE.sub(" ", escaped)}"'


def markdown_blocks(source: str | None, prefix: str = "", width: int = WIDTH) -> str:
    """Guide Markdown (paragraphs, lists, quotes, code, headings, tables) written back as safe
    CommonMark, paragraphs filled to `width` columns, every line after `prefix` (e.g. `> `)."""
    if not source or not source.strip():
        return ""
    return _markdown_blocks(source.strip(), prefix, width)


@lru_cache(maxsize=4096)
def _markdown_blocks(source: str, prefix: str, width: int) -> str:
    if markdown.is_prose(source):  # one paragraph of plain words
        return wrap(source, width, prefix, prefix)
    tree = _tree(markdown.parse_blocks(source))
    return "\n".join(_blocks(tree, prefix, prefix, width, tight=False))


class _Node:
    __slots__ = ("children", "close", "token")

    def __init__(self, token: Token | None) -> None:
        self.token = token
        self.children: list[_Node] = []
        self.close: Token | None = None


def _tree(tokens: Sequence[Token]) -> list[_Node]:
    root = _Node(None)
    stack = [root]
    for tok in tokens:
        if tok.nesting == 1:
            node = _Node(tok)
            stack[-1].children.append(node)
            stack.append(node)
        elif tok.nesting == -1:
            if len(stack) > 1:
                stack.pop().close = tok
        else:
            stack[-1].children.append(_Node(tok))
    return root.children


def _blocks(nodes: list[_Node], first: str, rest: str, width: int, *, tight: bool) -> list[str]:
    """The lines of `nodes`, the first line after `first`, every other after `rest`; blocks
    separated by a blank line (a line of `rest` alone) unless `tight`."""
    lines: list[str] = []
    for node in nodes:
        block = _block(node, first if not lines else rest, rest, width)
        if not block:
            continue
        if lines and not tight:
            lines.append(rest.rstrip())
        lines.extend(block)
    return lines


def _block(node: _Node, first: str, rest: str, width: int) -> list[str]:
    tok = node.token
    assert tok is not None
    kind = tok.type
    if kind in ("paragraph_open", "heading_open"):
        inline = next((c.token for c in node.children if c.token and c.token.type == "inline"),
                      None)
        body = _escape_start(_SPACE.sub(" ", _inline(inline.children or []) if inline
                                        else "").strip(" "))
        if kind == "heading_open":
            return [f"{first}{'#' * int(tok.tag[1:])} {body}".rstrip()]
        return wrap(body, width, first, rest).splitlines() if body else []
    if kind in ("fence", "code_block"):
        content = tok.content.rstrip("\n")
        runs = [len(r) for r in re.findall(r"`{3,}", content)]
        fence = "`" * max(3, max(runs) + 1 if runs else 3)
        info = re.sub(r"[`\s]+", " ", tok.info).strip() if kind == "fence" else ""
        body = [f"{rest}{ln}" if ln else rest.rstrip() for ln in content.split("\n")]
        return [f"{first}{fence}{info}", *body, f"{rest}{fence}"]
    if kind == "hr":
        return [f"{first}* * *"]
    if kind == "blockquote_open":
        return _blocks(node.children, first + "> ", rest + "> ", width, tight=False) or \
            [f"{first}>"]
    if kind in ("bullet_list_open", "ordered_list_open"):
        return _list(node, first, rest, width)
    if kind == "table_open":
        return _table(node, first, rest)
    if kind == "inline":  # (only inside paragraphs and headings, handled above)
        return []
    return [f"{first}{text(tok.content)}"] if tok.content.strip() else []


def _list(node: _Node, first: str, rest: str, width: int) -> list[str]:
    tok = node.token
    assert tok is not None
    ordered = tok.type == "ordered_list_open"
    number = int(tok.attrGet("start") or 1) if ordered else 0
    items = [c for c in node.children if c.token and c.token.type == "list_item_open"]
    tight = any(c.token.hidden for item in items for c in item.children
                if c.token and c.token.type == "paragraph_open")
    lines: list[str] = []
    for i, item in enumerate(items):
        marker = f"{number + i}." if ordered else "-"
        pad = " " * (len(marker) + 1)
        lead = first if not lines else rest
        if lines and not tight:
            lines.append(rest.rstrip())
        body = _blocks(item.children, lead + marker + " ", rest + pad, width, tight=tight)
        lines.extend(body or [f"{lead}{marker}"])
    return lines


def _table(node: _Node, first: str, rest: str) -> list[str]:
    rows: list[list[str]] = []
    aligns: list[str] = []

    def walk(nodes: list[_Node]) -> None:
        for child in nodes:
            tok = child.token
            if tok is None:
                continue
            if tok.type == "tr_open":
                rows.append([])
            elif tok.type in ("th_open", "td_open"):
                inline = next((c.token for c in child.children
                               if c.token and c.token.type == "inline"), None)
                cell = _inline(inline.children or []) if inline else ""
                rows[-1].append(_SPACE.sub(" ", cell).strip(" "))
                if tok.type == "th_open":
                    style = str(tok.attrGet("style") or "")
                    aligns.append({"text-align:left": ":--", "text-align:right": "--:",
                                   "text-align:center": ":-:"}.get(style, "---"))
                continue
            walk(child.children)

    walk(node.children)
    if not rows:
        return []
    out = []
    for i, row in enumerate(rows):
        row = row + [""] * (len(aligns) - len(row))
        out.append(f"{first if i == 0 else rest}| " + " | ".join(row) + " |")
        if i == 0:
            out.append(f"{rest}| " + " | ".join(aligns) + " |")
    return out


@lru_cache(maxsize=1 << 12)  # (the connectors index's lines, again in every edit)
def bullet(value: str, prefix: str = "") -> str:
    """One bullet item of Markdown that is safe already (built from the escapers above),
    filled to 80 columns."""
    return wrap(value, first=f"{prefix}- ", rest=prefix + "  ")


def item(source: str, prefix: str = "") -> str:
    """One bullet item of guide inline Markdown, written back safely, filled to 80 columns:
    text that would open a block of its own in the item (`- x`, `1. x`, `> x`, `---`) has
    its marker escaped, as the page shows it literally."""
    return wrap(_escape_start(markdown_inline(source)), first=f"{prefix}- ",
                rest=prefix + "  ")


# -- Jinja filters -----------------------------------------------------------------------------

FILTERS: dict[str, Callable[..., Any]] = {
    "md_text": text,
    "md_url": url,
    "md_link": link,
    "md_image": image,
    "md_autolink": autolink,
    "md_code": code,
    "md_html": html,
    "md_href": href,
    "md_markdown": markdown_inline,
    "md_bullet": bullet,
    "attr": attr,
    "html_fragment": html_fragment,
}
"""Filters every Markdown template gets: `{{ name | md_text }}`, `{{ label | md_link(url) }}`,
`{{ alt | md_image(src) }}`, `{{ scope | md_code }}`, `{{ safe_markdown | md_bullet }}`,
`{{ label | md_html }}` (in HTML blocks), `{{ value | attr }}`, `{{ url | md_href }}` (None
when not allowed)."""

__all__ = ["FILTERS", "attr", "autolink", "bullet", "code", "href", "html", "html_fragment", "image",
           "item", "link", "markdown_blocks", "markdown_inline", "text", "url", "wrap"]
