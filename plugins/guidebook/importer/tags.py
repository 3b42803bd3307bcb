"""A JSX/HTML tag lexer that understands quoted and `{...}` attribute values, and code spans."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_VOID_TAGS = {
    "img", "br", "hr", "input", "source", "meta", "link", "wbr", "area", "col", "embed", "track",
}


# A CommonMark autolink (`<https://x.example/a>`, `<team@x.example>`) and a link destination
# in angle brackets (`](<images/my shot.png>)`): Markdown that a tag lexer would misread.
AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>")
_ANGLE_DEST = re.compile(r"(?<=\]\()[ \t]*<[^<>\n]*>")


@dataclass
class JsxTag:
    """One JSX/HTML tag as written: its name, attributes and span in the text."""

    name: str
    attrs: dict[str, str | None]
    start: int
    end: int
    closing: bool = False
    self_closing: bool = False
    # (start, end) spans of `name={...}` and `{...spread}` attributes, to strip.
    jsx_spans: list[tuple[int, int]] = field(default_factory=list)


def _skip_braces(text: str, pos: int) -> int:
    """Index after the `}` matching the `{` at pos (strings and nesting respected), or -1."""
    depth = 0
    i = pos
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'`":
            close = text.find(c, i + 1)
            if close < 0:
                return -1
            i = close + 1
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def lex_tag(text: str, pos: int) -> JsxTag | None:
    """The tag starting at text[pos] == '<', or None when it is not a well-formed tag (or is
    an autolink)."""
    if AUTOLINK.match(text, pos):
        return None
    n = len(text)
    j = pos + 1
    closing = text.startswith("/", j)
    if closing:
        j += 1
    k = j
    while k < n and (text[k].isalnum() or text[k] in "._:-"):
        k += 1
    if k == j or not text[j].isalpha():
        return None
    tag = JsxTag(text[j:k], {}, pos, -1, closing=closing)
    j = k
    while True:
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            return None
        c = text[j]
        if c == ">":
            tag.end = j + 1
            break
        if text.startswith("/>", j):
            tag.end, tag.self_closing = j + 2, True
            break
        if c == "{":
            end = _skip_braces(text, j)
            if end < 0:
                return None
            tag.jsx_spans.append((j, end))
            j = end
            continue
        if closing or c in "\"'<=":
            return None
        a = j
        while j < n and not text[j].isspace() and text[j] not in "=>/{":
            j += 1
        if j == a:
            return None
        name = text[a:j]
        value: str | None = None
        while j < n and text[j] in " \t":
            j += 1
        if j < n and text[j] == "=":
            j += 1
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                return None
            q = text[j]
            if q in "\"'":
                close = text.find(q, j + 1)
                if close < 0:
                    return None
                value = html.unescape(text[j + 1:close])
                j = close + 1
            elif q == "{":
                end = _skip_braces(text, j)
                if end < 0:
                    return None
                expr = text[j + 1:end - 1].strip()
                literal = re.fullmatch(r"([\"'`])(.*)\1", expr, re.S)
                value = literal.group(2) if literal else None
                if literal is None:
                    tag.jsx_spans.append((a, end))
                j = end
            else:
                b = j
                while j < n and not text[j].isspace() and text[j] != ">":
                    j += 1
                value = text[b:j]
        else:
            value = ""
        if value is not None:
            tag.attrs[name] = value
    if tag.name.lower() in _VOID_TAGS:
        tag.self_closing = True
    return tag


def code_span_end(text: str, pos: int) -> int:
    """Index after the inline code span opening at pos, or pos + run length if unmatched."""
    run = 1
    while text.startswith("`", pos + run):
        run += 1
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    search = pos + run
    while True:
        k = text.find("`" * run, search, line_end)
        if k < 0:
            return pos + run
        end = k + run
        if not text.startswith("`", end):
            return end
        search = end


def iter_tags(text: str, start: int = 0, *, in_pre: bool = False) -> Iterator[JsxTag]:
    """Tags in text from start, skipping code fences, code spans and comments.

    Inside a `<pre>` element (`in_pre`: start is inside one) backticks are text.
    """
    i = start
    n = len(text)
    pre = int(in_pre)
    while i < n:
        c = text[i]
        if c == "`" and not pre:
            if text.startswith("```", i) and _at_line_start(text, i):
                i = _fence_end(text, i)
                continue
            i = code_span_end(text, i)
            continue
        if c == "<":
            if text.startswith("<!--", i):
                close = text.find("-->", i + 4)
                i = n if close < 0 else close + 3
                continue
            tag = lex_tag(text, i)
            if tag is not None:
                if tag.name.lower() == "pre" and not tag.self_closing:
                    pre = max(0, pre - 1) if tag.closing else pre + 1
                yield tag
                i = tag.end
                continue
        i += 1


def _at_line_start(text: str, pos: int) -> bool:
    j = pos - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    return j < 0 or text[j] == "\n"


def closes_fence(line: str, opening: str) -> bool:
    """Whether `line` closes the code fence opened by the line `opening` (CommonMark: the
    same character, at least as many of them, nothing but spaces after)."""
    marker = opening.strip()
    ch = marker[0]
    run = len(marker) - len(marker.lstrip(ch))
    s = line.strip()
    return s.startswith(ch * run) and not s.strip(ch)


def _fence_end(text: str, pos: int) -> int:
    """Index after the code fence opening at pos (end of text when unclosed)."""
    line_end = text.find("\n", pos)
    if line_end < 0:
        return len(text)
    opening = text[pos:line_end]
    i = line_end + 1
    while i < len(text):
        nl = text.find("\n", i)
        nl = len(text) if nl < 0 else nl
        if closes_fence(text[i:nl], opening):
            return nl
        i = nl + 1
    return len(text)


def find_close(text: str, tag: JsxTag) -> JsxTag | None:
    """The closing tag that matches `tag` (same name, nesting counted), or None."""
    depth = 1
    for other in iter_tags(text, tag.end, in_pre=tag.name.lower() == "pre"):
        if other.name != tag.name:
            continue
        if other.closing:
            depth -= 1
            if depth == 0:
                return other
        elif not other.self_closing:
            depth += 1
    return None


def strip_jsx(text: str) -> str:
    """Text with JSX expression attributes (`style={{...}}`, `{...props}`) removed.

    Newlines inside a removed span are kept so line numbers of what follows do not move.
    """
    spans = [span for tag in iter_tags(text) for span in tag.jsx_spans]
    if not spans:
        return text
    out = []
    last = 0
    for a, b in spans:
        head = text[last:a]
        if head.endswith(" "):
            head = head[:-1]
        out.append(head)
        out.append("\n" * text.count("\n", a, b))
        last = b
    out.append(text[last:])
    return "".join(out)


def dedent(text: str) -> str:
    """Remove the common indentation of every line but the first (which follows a tag)."""
    lines = text.split("\n")
    rest = [ln for ln in lines[1:] if ln.strip()]
    cut = min((len(ln) - len(ln.lstrip(" ")) for ln in rest), default=0)
    out = [lines[0].strip()] + [ln[cut:] if ln[:cut].strip() == "" else ln.lstrip() for ln in
                                lines[1:]]
    return "\n".join(ln.rstrip() for ln in out)


def mask_code(text: str) -> tuple[str, list[str]]:
    """Text with backtick code spans, autolinks and link destinations in angle brackets
    replaced by placeholders (for an HTML parser, which would misread them), and those."""
    codes: list[str] = []
    out = []
    i = 0
    while i < len(text):
        m = (AUTOLINK.match(text, i) or _ANGLE_DEST.match(text, i)) if text[i] in "< \t" else None
        if m:
            codes.append(m.group(0))
            out.append(f"\ue000{len(codes) - 1}\ue001")
            i = m.end()
            continue
        if text[i] == "`":
            end = code_span_end(text, i)
            span = text[i:end]
            if span.strip("`"):
                codes.append(span)
                out.append(f"\ue000{len(codes) - 1}\ue001")
            else:
                out.append(span)
            i = end
            continue
        out.append(text[i])
        i += 1
    return "".join(out), codes


def unmask(text: str, codes: list[str]) -> str:
    if not codes:
        return text
    return re.sub("\ue000(\\d+)\ue001", lambda m: codes[int(m.group(1))], text)
