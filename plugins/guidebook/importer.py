"""`guidebook import`: hand-written Mintlify guides (.mdx) and published Markdown exports to YAML.

The importer works in three passes:

1. **Blocks.** A small MDX-tolerant scanner splits the page into blocks (headings, paragraphs,
   lists, code, `<Steps>`, callouts, images, unknown components), each with its source line.
   JSX/HTML elements are found with a tag lexer that understands quoted and `{...}` attribute
   values; their inner HTML is converted to Markdown with BeautifulSoup (`html.parser`).
2. **Mapping.** Blocks become the guide format, in source order:

   - frontmatter `title` (or the export's H1 "Connect X with Y – ... Hub") gives the connector
     name and, when it has one, the auth label; otherwise the label is inferred from headings
     and text and a warning says it was guessed. Flags override both.
   - the first `<Warning>` before any heading becomes `warning`, other callouts there become
     `callouts`; other content before the first heading becomes a section "Before you begin".
     The boilerplate intro ("If you've been directed to ...") and a default description are
     dropped with a warning: the generator writes its own.
   - `##` starts a section; `###` starts one too when it holds `<Steps>` (or follows steps),
     and is otherwise kept as a `###` heading in the section's content.
   - content keeps its order: `content`, then `list`, then `steps` is the order a section
     renders, so a bullet list only becomes `list` when no prose follows it (else it stays a
     Markdown list in `content`), and anything after the steps goes to a new section
     "<title> (continued)" with a warning.
   - **Nested or ordered lists** stay Markdown lists in `content` (the `list` key holds flat
     bullets only); nested ones are reported so the author can check them.
   - **Callouts** inside sections and steps become Markdown blockquotes (`> **Note:** ...`) at
     their place; only those before the first heading become `warning`/`callouts`.
   - Step images (`<Frame>`, `<img>`, `![]()`) become `images` (leading `/` removed: they are
     relative to the docs folder); text that followed an image is reported, since step
     images render after the step text. Images outside steps stay Markdown images in place.
   - **Unmappable blocks** (`<Card>`, `<CardGroup>`, `<Tabs>`, `<Accordion>`, unknown
     components) are copied verbatim into `content` (JSX expression attributes such as
     `style={{...}}` removed) and reported with their line. Tables stay (or, from HTML,
     become) Markdown tables in `content`, reported too. HTML and MDX comments, invisible on
     the page, are kept as YAML comments at the end of the file; MDX `import`/`export` lines
     and `<Icon>`s are dropped with a warning.
   - hub-linking sections ("Linking your Account", "... in the StackOne Hub", the export's
     `data-whitelabel-hide` block) become `fields` when a list of fields (or a sentence
     naming them in code spans) is found, and are dropped with a warning either way.
   - "StackOne Hub" becomes `{{ brand.hub }}` and "StackOne" `{{ brand.name }}` (outside
     URLs); literal `{{`, `{%` and `{#` are escaped as `{{ '{{' }}` and so on.
   - export `data-guide-scopes` become `scopes`; `data-guide-actions-json` becomes `actions`
     (a placeholder action declares scopes no action declares, with a warning).
3. **Output.** YAML (block scalars for multi-line text) checked with `load.load_text`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .documents import load_text
from .errors import GuideError
from .load import DEFAULT_MAX_BYTES, display_path, read_text, slugify
from .markdown import outside

__all__ = ["ImportFailure", "ImportResult", "ImportWarning", "import_file", "import_text"]

BEFORE_YOU_BEGIN = "Before you begin"
PLACEHOLDER_ACTION_ID = "imported_scopes"

# Mintlify callout components and the callout type each becomes.
_CALLOUTS = {
    "Warning": "warning", "Note": "note", "Info": "info", "Tip": "tip", "Check": "tip",
    "Danger": "danger", "Caution": "warning", "Error": "danger",
}
# Components and HTML tags that sit inside a line of text rather than forming a block.
_INLINE_TAGS = {
    "Icon", "Tooltip", "Badge", "Kbd", "a", "b", "strong", "i", "em", "code", "span", "br",
    "kbd", "sup", "sub", "u", "small", "mark", "s", "del", "abbr",
}
_VOID_TAGS = {
    "img", "br", "hr", "input", "source", "meta", "link", "wbr", "area", "col", "embed", "track",
}
_CONTAINERS = {"div", "section", "article", "main", "header", "footer", "aside", "span"}
_KNOWN_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Personal Access Token", re.compile(r"personal access tokens?", re.I)),
    ("Service User", re.compile(r"service users?", re.I)),
    ("OAuth 2.0", re.compile(r"\boauth\s*2(?:\.0)?\b|\boauth\b", re.I)),
    ("API Token", re.compile(r"\bapi tokens?\b", re.I)),
    ("API Key", re.compile(r"\bapi keys?\b", re.I)),
    ("Bearer Token", re.compile(r"\bbearer tokens?\b", re.I)),
    ("Client Credentials", re.compile(r"\bclient credentials\b", re.I)),
    ("Basic Auth", re.compile(r"\bbasic auth(?:entication)?\b|\busername and password\b", re.I)),
)
_OAUTH_HINT = re.compile(r"\b(authori[sz]e|authori[sz]ation page|redirected|consent)\b", re.I)
_CATEGORIES = {
    "accounting": "Accounting", "ats": "ATS", "crm": "CRM", "documents": "Documents",
    "hris": "HRIS", "iam": "IAM", "lms": "LMS", "marketing": "Marketing",
    "messaging": "Messaging", "screening": "Screening", "ticketing": "Ticketing",
}
_BOILERPLATE = (
    re.compile(r"^\s*if you(?:'|’| ha)ve been directed to\b", re.I),
    re.compile(r"^\s*follow these steps to connect\b", re.I),
    re.compile(r"^\s*link an? .+ account in the .+ using .+", re.I),
)
_HUB_TITLE = (
    re.compile(r"\bstack\s*one\b|\bhub\b", re.I),
    re.compile(r"^\s*link(?:ing)?\b.*\baccount\b", re.I),
)
_EXPORT_TITLE = re.compile(
    r"^connect\s+(?P<name>.+?)\s+(?:with|using|via)\s+(?P<auth>.+?)(?:\s+[–—-]\s+.*)?$", re.I
)
_HEADING = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")
_LIST_ITEM = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+|$)(.*)$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_URL = r"((?:[^()\s<>]|\([^()\s]*\))*)"  # one level of parentheses, as in `f(1)`
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?" + _URL + r">?(?:\s+\"[^\"]*\")?\s*\)")
_MD_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?" + _URL + r">?(?:\s+\"[^\"]*\")?\s*\)")
_UNSAFE_URL = re.compile(r"^\s*(javascript|data|vbscript):", re.I)
_PROTECTED = re.compile(r"\]\((?:[^()]|\([^()]*\))*\)|<https?://[^>]*>|https?://[^\s)\]>]+|(?:href|src)=\"[^\"]*\"")
_TABLE_MESSAGE = ("table kept as a Markdown table in the content (the guide format has no "
                  "table key; check it reads well)")
_JINJA_OPEN = re.compile(r"\{[{%#]")
_TEMPLATE = re.compile(r"\{\{(.*?)\}\}", re.S)
_ALLOWED_TEMPLATES = {"brand.name", "brand.hub", "'{{'", "'{%'", "'{#'"}


# --------------------------------------------------------------------------------------------
# Public API


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer could not carry over exactly, at a line of the source file."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: warning: {self.message}"


@dataclass
class ImportResult:
    """One converted guide: its YAML text, where it belongs below the guides folder, warnings."""

    source: Path
    yaml_text: str
    guide_path: str
    warnings: list[ImportWarning] = field(default_factory=list)


class ImportFailure(Exception):
    """The file cannot be turned into a guide; `file`, `line` and `message` say why."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        super().__init__(f"{file}:{line}: {message}")


def import_file(
    path: Path,
    *,
    connector_key: str | None = None,
    connector_name: str | None = None,
    auth_label: str | None = None,
    kind: str | None = None,
) -> ImportResult:
    """Convert one Mintlify `.mdx` guide or published `.md` export into guide YAML.

    The keyword arguments override what is inferred from the file. Raises ImportFailure when
    no guide can be produced.
    """
    path = Path(path)
    file = display_path(path)
    try:
        text = read_text(path, file, max_bytes=DEFAULT_MAX_BYTES)
    except GuideError as exc:
        problem = exc.problems[0]
        raise ImportFailure(file, problem.source.line, problem.message) from None
    result = import_text(text, file, connector_key=connector_key, connector_name=connector_name,
                         auth_label=auth_label, kind=kind, source_name=path.name)
    result.source = path
    return result


def import_text(
    text: str,
    file: str,
    *,
    connector_key: str | None = None,
    connector_name: str | None = None,
    auth_label: str | None = None,
    kind: str | None = None,
    source_name: str | None = None,
) -> ImportResult:
    """Convert guide source text; `file` names it in warnings and errors."""
    if kind is not None and kind not in ("link-account", "connector-profile"):
        raise ImportFailure(file, 1, f"kind must be link-account or connector-profile, not {kind!r}")
    ctx = _Context(file)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u200b", "")
    text = text.replace("\ufeff", "").expandtabs(4)
    meta, body, body_line = _split_frontmatter(text, ctx)
    blocks = _Parser(ctx).parse(body, body_line, top=True)
    builder = _Builder(ctx, meta, source_name or Path(file).name, text.split("\n"))
    builder.run(blocks)
    guide = builder.guide(text, connector_key=connector_key, connector_name=connector_name,
                          auth_label=auth_label, kind=kind)
    key = guide["connector"]["key"]
    slug = slugify(guide["auth"]["label"]) or "guide"
    # The same layout as the example guides and `guidebook new`.
    guide_path = f"{key}/{slug}.yaml" if kind in (None, "link-account") else (
        f"{key}/{slug}.{kind}.yaml")
    yaml_text = f"# Imported from {source_name or Path(file).name} by guidebook import\n"
    yaml_text += _dump(guide)
    if ctx.comments:
        yaml_text += "\n# Comments in the source (they were not shown on the page):\n"
        for line, comment in ctx.comments:
            body = "\n#   ".join(ln.rstrip() for ln in comment.split("\n"))
            yaml_text += f"# line {line}: {body}\n"
    _check_output(yaml_text, guide_path, file)
    warnings = sorted(ctx.warnings, key=lambda w: w.line)
    return ImportResult(Path(file), yaml_text, guide_path, warnings)


# --------------------------------------------------------------------------------------------
# Context and frontmatter


class _Context:
    """The file being imported and the warnings collected so far (deduplicated, in order)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.warnings: list[ImportWarning] = []
        self.comments: list[tuple[int, str]] = []

    def comment(self, line: int, text: str) -> None:
        """Keep a source comment (invisible on the page) for the end of the YAML file."""
        text = text.strip()
        if text and (line, text) not in self.comments:
            self.comments.append((line, text))
            self.warn(line, "comment kept as a YAML comment at the end of the guide file")

    def warn(self, line: int, message: str) -> None:
        warning = ImportWarning(self.file, line, message)
        if warning not in self.warnings:
            self.warnings.append(warning)

    def fail(self, line: int, message: str) -> ImportFailure:
        return ImportFailure(self.file, line, message)


def _split_frontmatter(text: str, ctx: _Context) -> tuple[dict[str, Any], str, int]:
    """(frontmatter mapping, body text, line number of the body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            try:
                meta = yaml.safe_load("\n".join(lines[1:i])) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = mark.line + 2 if mark else 1
                raise ctx.fail(line, f"the frontmatter is not valid YAML: {exc}") from None
            if not isinstance(meta, dict):
                raise ctx.fail(1, "the frontmatter must be a mapping of keys")
            meta_lines = {}
            for j in range(1, i):
                key = lines[j].split(":", 1)[0].strip()
                meta_lines.setdefault(key, j + 1)
            meta["__lines__"] = meta_lines
            return meta, "\n".join(lines[i + 1:]), i + 2
    raise ctx.fail(1, "the frontmatter is not closed with '---'")


# --------------------------------------------------------------------------------------------
# Tag lexer


@dataclass
class _Tag:
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


def _lex_tag(text: str, pos: int) -> _Tag | None:
    """The tag starting at text[pos] == '<', or None when it is not a well-formed tag."""
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
    tag = _Tag(text[j:k], {}, pos, -1, closing=closing)
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


def _code_span_end(text: str, pos: int) -> int:
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


def _iter_tags(text: str, start: int = 0) -> Iterator[_Tag]:
    """Tags in text from start, skipping code fences, code spans and comments."""
    i = start
    n = len(text)
    while i < n:
        c = text[i]
        if c == "`":
            if text.startswith("```", i) and _at_line_start(text, i):
                i = _fence_end(text, i)
                continue
            i = _code_span_end(text, i)
            continue
        if c == "<":
            if text.startswith("<!--", i):
                close = text.find("-->", i + 4)
                i = n if close < 0 else close + 3
                continue
            tag = _lex_tag(text, i)
            if tag is not None:
                yield tag
                i = tag.end
                continue
        i += 1


def _at_line_start(text: str, pos: int) -> bool:
    j = pos - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    return j < 0 or text[j] == "\n"


def _fence_end(text: str, pos: int) -> int:
    """Index after the code fence opening at pos (end of text when unclosed)."""
    line_end = text.find("\n", pos)
    if line_end < 0:
        return len(text)
    marker = text[pos:line_end].strip()
    ch = marker[0]
    run = len(marker) - len(marker.lstrip(ch))
    i = line_end + 1
    while i < len(text):
        nl = text.find("\n", i)
        nl = len(text) if nl < 0 else nl
        if text[i:nl].strip().startswith(ch * run) and not text[i:nl].strip().strip(ch):
            return nl
        i = nl + 1
    return len(text)


def _find_close(text: str, tag: _Tag) -> _Tag | None:
    """The closing tag that matches `tag` (same name, nesting counted), or None."""
    depth = 1
    for other in _iter_tags(text, tag.end):
        if other.name != tag.name:
            continue
        if other.closing:
            depth -= 1
            if depth == 0:
                return other
        elif not other.self_closing:
            depth += 1
    return None


def _strip_jsx(text: str) -> str:
    """Text with JSX expression attributes (`style={{...}}`, `{...props}`) removed.

    Newlines inside a removed span are kept so line numbers of what follows do not move.
    """
    spans = [span for tag in _iter_tags(text) for span in tag.jsx_spans]
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


def _dedent(text: str) -> str:
    """Remove the common indentation of every line but the first (which follows a tag)."""
    lines = text.split("\n")
    rest = [ln for ln in lines[1:] if ln.strip()]
    cut = min((len(ln) - len(ln.lstrip(" ")) for ln in rest), default=0)
    out = [lines[0].strip()] + [ln[cut:] if ln[:cut].strip() == "" else ln.lstrip() for ln in
                                lines[1:]]
    return "\n".join(ln.rstrip() for ln in out)


# --------------------------------------------------------------------------------------------
# Blocks


@dataclass
class _Block:
    line: int
    whitelabel: str | None = field(default=None, kw_only=True)


@dataclass
class _Heading(_Block):
    level: int
    text: str
    scopes: tuple[str, ...] = ()


@dataclass
class _Prose(_Block):
    text: str
    kind: str = "para"  # para | code | quote | rule


@dataclass
class _Item:
    text: str
    complex: bool = False  # holds more than one line of inline Markdown
    nested: bool = False


@dataclass
class _List(_Block):
    ordered: bool
    items: list[_Item]

    @property
    def simple(self) -> bool:
        return not self.ordered and not any(i.complex for i in self.items)

    @property
    def nested(self) -> bool:
        return any(i.nested for i in self.items)


@dataclass
class _Image(_Block):
    src: str
    alt: str = ""


@dataclass
class _Callout(_Block):
    type: str
    blocks: list[_Block]


@dataclass
class _Step(_Block):
    title: str
    blocks: list[_Block]


@dataclass
class _Steps(_Block):
    steps: list[_Step]


@dataclass
class _Verbatim(_Block):
    text: str
    what: str
    message: str | None = None  # the warning, when not the default "kept verbatim" one


@dataclass
class _Attrs(_Block):
    """Attributes of an export `<section>` or step `<div>` for the next heading or the step."""

    target: str  # section | step
    scopes: tuple[str, ...] = ()
    display_scopes: bool = False


def _scopes(value: str | None) -> tuple[str, ...]:
    return tuple(s for s in re.split(r"[\s,]+", value or "") if s)


class _Parser:
    """Splits MDX/Markdown text into blocks that remember their source line."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx

    # ---- block level

    def parse(self, text: str, line0: int, *, top: bool = False) -> list[_Block]:
        """Blocks of `text`, whose first line is line `line0` of the source file."""
        lines = text.split("\n")
        starts = [0]
        for ln in lines[:-1]:
            starts.append(starts[-1] + len(ln) + 1)
        blocks: list[_Block] = []
        i = 0
        n = len(lines)
        while i < n:
            raw = lines[i]
            s = raw.strip()
            lineno = line0 + i
            if not s:
                i += 1
                continue
            indent = len(raw) - len(raw.lstrip(" "))
            if s.startswith(("```", "~~~")):
                j = i + 1
                fence = s[:3]
                while j < n and not lines[j].strip().startswith(fence):
                    j += 1
                code = [ln[indent:] if ln[:indent].strip() == "" else ln.lstrip() for ln in
                         lines[i:j + 1]]
                blocks.append(_Prose(lineno, "\n".join(code).rstrip(), "code"))
                i = j + 1
                continue
            if s.startswith(("<!--", "{/*")):
                opener, closer = ("<!--", "-->") if s.startswith("<!--") else ("{/*", "*/}")
                j = i
                while j < n and closer not in lines[j]:
                    j += 1
                comment = _dedent("\n".join(lines[i:j + 1]).strip())
                self.ctx.comment(lineno, comment.removeprefix(opener).split(closer)[0])
                rest = "\n".join(lines[i:j + 1]).split(closer, 1)[-1] if j < n else ""
                if rest.strip():
                    blocks.extend(self.parse(rest, line0 + j))
                i = j + 1
                continue
            if top and re.match(r"^(import|export)\s", s):
                self.ctx.warn(lineno, f"MDX {s.split()[0]} statement dropped: {s[:60]}")
                i += 1
                continue
            m = _HEADING.match(s)
            if m:
                title = re.sub(r"\s*\{#[^}]*\}\s*$", "", m.group(2) or "")
                blocks.extend(self._heading(lineno, len(m.group(1)), self.inline(title, lineno)))
                i += 1
                continue
            if s.startswith("<"):
                consumed = self._tag_block(text, starts[i] + indent, lines, i, line0, blocks)
                if consumed:
                    i = consumed
                    continue
            if s.startswith("|"):
                j = i
                while j < n and lines[j].strip().startswith("|"):
                    j += 1
                blocks.append(_Verbatim(lineno, "\n".join(ln.strip() for ln in lines[i:j]),
                                        "table", _TABLE_MESSAGE))
                i = j
                continue
            if _RULE.match(raw):
                blocks.append(_Prose(lineno, "---", "rule"))
                i += 1
                continue
            if _LIST_ITEM.match(raw):
                i = self._list(lines, i, line0, blocks)
                continue
            if s.startswith(">"):
                j = i
                while j < n and lines[j].strip().startswith(">"):
                    j += 1
                quote = "\n".join(ln.strip() for ln in lines[i:j])
                blocks.append(_Prose(lineno, self.inline(quote, lineno), "quote"))
                i = j
                continue
            i = self._paragraph(lines, i, line0, blocks)
        return blocks

    def _starts_block(self, line: str) -> bool:
        s = line.strip()
        if not s:
            return True
        if s.startswith(("```", "~~~", "<!--", "{/*", ">")) or _HEADING.match(s):
            return True
        if _LIST_ITEM.match(line) and not re.match(r"^\s*\d", line):
            return True
        m = re.match(r"^<(/?)([A-Za-z][\w.:-]*)", s)
        return m is not None and (bool(m.group(1)) or m.group(2) not in _INLINE_TAGS)

    def _paragraph(self, lines: list[str], i: int, line0: int, blocks: list[_Block]) -> int:
        j = i + 1
        while j < len(lines) and not self._starts_block(lines[j]):
            if re.match(r"^\s*(=+|-+)\s*$", lines[j]):  # setext heading
                level = 1 if "=" in lines[j] else 2
                title = " ".join(ln.strip() for ln in lines[i:j])
                blocks.extend(self._heading(line0 + i, level, self.inline(title, line0 + i)))
                return j + 1
            j += 1
        text = "\n".join(ln.strip() for ln in lines[i:j])
        self._add_prose(self.inline(text, line0 + i), line0 + i, blocks)
        return j

    def _add_prose(self, text: str, line: int, blocks: list[_Block]) -> None:
        """A paragraph, or image blocks when it holds nothing but Markdown images."""
        text = text.strip()
        if not text:
            return
        images = list(_MD_IMAGE.finditer(text))
        if images and not _MD_IMAGE.sub("", text).strip():
            for m in images:
                offset = text.count("\n", 0, m.start())
                blocks.append(_Image(line + offset, m.group(2), m.group(1).strip()))
            return
        blocks.append(_Prose(line, text))

    def _list(self, lines: list[str], i: int, line0: int, blocks: list[_Block]) -> int:
        """Parse the Markdown list starting at line i; returns the index after it."""
        first = _LIST_ITEM.match(lines[i])
        assert first is not None
        ordered = first.group(2)[0].isdigit()
        items: list[tuple[int, list[str]]] = []  # (line index, content lines)
        content_indent = 0
        j = i
        n = len(lines)
        prev_blank = False
        while j < n:
            line = lines[j]
            if not line.strip():
                k = j + 1
                while k < n and not lines[k].strip():
                    k += 1
                if k >= n:
                    break
                nxt = lines[k]
                nindent = len(nxt) - len(nxt.lstrip(" "))
                m = _LIST_ITEM.match(nxt)
                if nindent >= content_indent or (
                    m and m.group(2)[0].isdigit() == ordered and not _RULE.match(nxt)
                ):
                    items[-1][1].extend([""] * (k - j))
                    j = k
                    prev_blank = True
                    continue
                break
            indent = len(line) - len(line.lstrip(" "))
            m = _LIST_ITEM.match(line)
            if m and (indent < content_indent or not items):
                if _RULE.match(line) or m.group(2)[0].isdigit() != ordered:
                    break
                spaces = len(m.group(3))
                width = len(m.group(2)) + (spaces if 0 < spaces <= 4 else 1)
                content_indent = indent + width
                items.append((j, [m.group(4)]))
            elif indent >= content_indent or (not prev_blank and not self._starts_block(line)):
                cut = min(indent, content_indent)
                items[-1][1].append(line[cut:])
            else:
                break
            prev_blank = False
            j += 1
        out: list[_Item] = []
        for idx, content in items:
            while content and not content[-1].strip():
                content.pop()
            sub = self.parse("\n".join(content), line0 + idx)
            if len(sub) == 1 and isinstance(sub[0], _Prose) and sub[0].kind == "para":
                out.append(_Item(" ".join(ln.strip() for ln in sub[0].text.split("\n"))))
            elif not sub:
                out.append(_Item(""))
            else:
                out.append(_Item(self._item_md(sub), complex=True,
                                 nested=any(isinstance(b, _List) for b in sub)))
        out = [it for it in out if it.text.strip()]
        if out:
            blocks.append(_List(line0 + i, ordered, out))
        return j

    def _item_md(self, blocks: list[_Block]) -> str:
        """Blocks of one list item as Markdown; a list right after a paragraph stays tight."""
        out = ""
        for k, b in enumerate(blocks):
            md = self.block_md(b)
            if not md:
                continue
            tight = isinstance(b, _List | _Image) and k and isinstance(blocks[k - 1], _Prose)
            out += ("\n" if tight else "\n\n") + md if out else md
        return out

    def _tag_block(self, text: str, pos: int, lines: list[str], i: int, line0: int,
                   blocks: list[_Block]) -> int:
        """Parse the element starting at text[pos]; returns the next line index or 0."""
        tag = _lex_tag(text, pos)
        lineno = line0 + i
        if tag is None:
            return 0
        if tag.closing:
            self.ctx.warn(lineno, f"closing tag </{tag.name}> without an opening tag ignored")
            rest_start, rest_end = tag.end, text.find("\n", tag.end)
        else:
            if tag.name in _INLINE_TAGS:
                return 0
            if tag.name == "img":
                line_end = text.find("\n", tag.end)
                line_end = len(text) if line_end < 0 else line_end
                if text[tag.end:line_end].strip():
                    return 0  # text follows the image on its line: a paragraph
            if tag.self_closing:
                inner, close_end, inner_line = "", tag.end, lineno
            else:
                close = _find_close(text, tag)
                if close is None:
                    raise self.ctx.fail(lineno, f"<{tag.name}> is never closed "
                                                f"(add </{tag.name}>)")
                inner = text[tag.end:close.start]
                close_end = close.end
                inner_line = line0 + text.count("\n", 0, tag.end)
            raw = text[pos:close_end]
            blocks.extend(self._element(tag, inner, inner_line, raw, lineno))
            rest_start, rest_end = close_end, text.find("\n", close_end)
        rest_end = len(text) if rest_end < 0 else rest_end
        end_line = text.count("\n", 0, rest_start)
        rest = text[rest_start:rest_end]
        if rest.strip():
            blocks.extend(self.parse(rest, line0 + end_line))
        return end_line + 1

    def _element(self, tag: _Tag, inner: str, inner_line: int, raw: str,
                 line: int) -> list[_Block]:
        name = tag.name
        lower = name.lower()
        if name in _CALLOUTS:
            return [_Callout(line, _CALLOUTS[name], self.parse(inner, inner_line))]
        if name == "Steps":
            return [self._steps(tag, inner, inner_line, line)]
        if name == "Step":
            return [self._step(tag, inner, inner_line, line)]
        if name == "Frame":
            sub = self.parse(inner, inner_line)
            caption = tag.attrs.get("caption")
            for b in sub:
                if isinstance(b, _Image) and caption and not b.alt:
                    b.alt = caption
                    caption = None
            if caption:
                sub.append(_Prose(line, f"*{caption}*"))
            return sub
        if lower == "img":
            src = tag.attrs.get("src") or ""
            if not src:
                self.ctx.warn(line, "<img> without src dropped")
                return []
            return [_Image(line, src, (tag.attrs.get("alt") or "").strip())]
        if lower in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return self._heading(line, int(lower[1]), self.html_md(inner, inner_line))
        if lower == "p":
            out: list[_Block] = []
            self._add_prose(self.html_md(inner, inner_line), line, out)
            return out
        if lower in ("ul", "ol"):
            masked, codes = _mask_code(_strip_jsx(raw))
            element = BeautifulSoup(masked, "html.parser").find(lower)
            assert isinstance(element, Tag)
            return [self._html_list(element, line, codes)]
        if lower == "pre":
            code = BeautifulSoup(inner, "html.parser").get_text()
            return [_Prose(line, "```\n" + code.strip("\n") + "\n```", "code")]
        if lower == "blockquote":
            quote = self.html_md(inner, inner_line).strip()
            return [_Prose(line, "\n".join("> " + ln if ln else ">" for ln in
                                           quote.split("\n")), "quote")]
        if lower == "hr":
            return [_Prose(line, "---", "rule")]
        if lower == "br":
            return []
        if lower in _CONTAINERS:
            return self._container(tag, inner, inner_line, line)
        if lower == "table":
            table = self._html_table(raw, line)
            if table:
                return [_Verbatim(line, table, "table", "HTML " + _TABLE_MESSAGE)]
        return [_Verbatim(line, _dedent(_strip_jsx(raw)), f"<{name}>")]

    def _html_table(self, raw: str, line: int) -> str | None:
        """A simple HTML table as a Markdown table (None when a cell spans or holds blocks)."""
        masked, codes = _mask_code(_strip_jsx(raw))
        rows = []
        for tr in BeautifulSoup(masked, "html.parser").find_all("tr"):
            cells = tr.find_all(["th", "td"], recursive=False)
            if any(c.get("rowspan") or c.get("colspan") for c in cells):
                return None
            row = [_unmask("".join(self._node_md(x, line) for x in c.children), codes).strip()
                   for c in cells]
            if any("\n" in c for c in row):
                return None
            rows.append([c.replace("|", "\\|") for c in row])
        if not rows:
            return None
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)

    def _heading(self, line: int, level: int, text: str) -> list[_Block]:
        text = " ".join(text.split())
        if not _plain(text):
            self.ctx.warn(line, "empty heading ignored")
            return []
        return [_Heading(line, level, text)]

    def _container(self, tag: _Tag, inner: str, inner_line: int, line: int) -> list[_Block]:
        attrs = tag.attrs
        sub = self.parse(inner, inner_line)
        if "data-guide-step" in attrs:
            shown = (attrs.get("data-guide-display-scopes-list") or "").strip().lower()
            sub.insert(0, _Attrs(line, "step", _scopes(attrs.get("data-guide-scopes")),
                                 shown not in ("", "false", "0")))
        elif "data-guide-section" in attrs:
            sub.insert(0, _Attrs(line, "section", _scopes(attrs.get("data-guide-scopes"))))
        wl = "hide" if "data-whitelabel-hide" in attrs else (
            "only" if "data-whitelabel-only" in attrs else None)
        if wl:
            for b in sub:
                b.whitelabel = b.whitelabel or wl
        return sub

    def _steps(self, tag: _Tag, inner: str, inner_line: int, line: int) -> _Steps:
        steps: list[_Step] = []
        stray: list[_Block] = []
        for b in self.parse(inner, inner_line):
            if isinstance(b, _Step):
                b.blocks[:0] = stray
                stray = []
                steps.append(b)
            elif isinstance(b, _Steps):
                steps.extend(b.steps)
            elif steps:
                self.ctx.warn(b.line, "content between <Step> elements added to the step "
                                      "before it")
                steps[-1].blocks.append(b)
            else:
                self.ctx.warn(b.line, "content before the first <Step> added to the first step")
                stray.append(b)
        if stray:
            steps.append(_Step(line, "Steps", stray))
            self.ctx.warn(line, "<Steps> without <Step> elements: made a step titled 'Steps'")
        return _Steps(line, steps)

    def _step(self, tag: _Tag, inner: str, inner_line: int, line: int) -> _Step:
        title = (tag.attrs.get("title") or "").strip()
        if not title:
            self.ctx.warn(line, "<Step> without a title: titled 'Step'")
            title = "Step"
        return _Step(line, self.inline(title, line), self.parse(inner, inner_line))

    def _html_list(self, element: Tag, line: int, codes: list[str]) -> _List:
        items: list[_Item] = []
        for li in element.find_all("li", recursive=False):
            sublists = [c for c in li.children if isinstance(c, Tag) and c.name in ("ul", "ol")]
            text_parts = []
            for child in li.children:
                if isinstance(child, Tag) and child.name in ("ul", "ol"):
                    continue
                text_parts.append(self._node_md(child, line))
            text = _unmask("".join(text_parts), codes).strip()
            text = self._safe_links(" ".join(ln.strip() for ln in text.split("\n")
                                             if ln.strip()), line)
            if sublists:
                md = [text] if text else []
                md.extend(self.list_md(self._html_list(sub, line, codes)) for sub in sublists)
                items.append(_Item("\n".join(md), complex=True, nested=True))
            elif text:
                items.append(_Item(text))
        return _List(line, element.name == "ol", items)

    # ---- inline level

    def inline(self, text: str, line: int) -> str:
        """Markdown text with inline HTML/JSX converted to Markdown."""
        if "<" in text:
            text = self.html_md(text, line)
        return self._safe_links(text, line)

    def html_md(self, fragment: str, line: int) -> str:
        """An HTML/JSX fragment as Markdown (backtick code spans kept as written)."""
        masked, codes = _mask_code(_strip_jsx(fragment))
        soup = BeautifulSoup(masked, "html.parser")
        md = "".join(self._node_md(child, line) for child in soup.children)
        md = re.sub(r"\n{3,}", "\n\n", md)
        md = re.sub(r"(?<=\S) {2,}(?=\S)", " ", md)  # the gap a dropped <Icon> leaves
        return self._safe_links(_unmask(md, codes), line).strip()

    def _node_md(self, node: Any, line: int) -> str:
        if isinstance(node, Comment):
            self.ctx.comment(line, str(node))
            return ""
        if isinstance(node, NavigableString):
            return re.sub(r"<(?=[A-Za-z/!])", "&lt;", str(node))
        if not isinstance(node, Tag):
            return ""
        at = line + (node.sourceline or 1) - 1
        name = node.name
        inner = "".join(self._node_md(c, line) for c in node.children)
        if name in ("b", "strong"):
            return _wrap(inner, "**")
        if name in ("i", "em"):
            return _wrap(inner, "*")
        if name in ("code", "kbd"):
            code = node.get_text()
            fence = "``" if "`" in code else "`"
            return f"{fence}{code}{fence}" if code.strip() else ""
        if name == "a":
            href = str(node.get("href") or "").strip()
            if not href:
                return inner
            if _UNSAFE_URL.match(href):
                self.ctx.warn(at, f"link to {href.split(':')[0]}: URL dropped, text kept")
                return inner
            return f"[{inner.strip() or href}]({href})"
        if name == "br":
            return "\n"
        if name == "img":
            src = str(node.get("src") or "")
            return f"![{node.get('alt') or ''}]({src})" if src else ""
        if name == "icon":
            self.ctx.warn(at, f"<Icon icon=\"{node.get('icon', '')}\"> dropped (no Markdown "
                              "equivalent)")
            return ""
        if name in ("span", "p", "div", "section", "font", "small", "mark", "u", "label"):
            return inner + ("\n\n" if name in ("p", "div", "section") else "")
        if name in ("ul", "ol"):
            return "\n\n" + self.list_md(self._html_list(node, at, [])) + "\n\n"
        if name == "li":
            return "- " + inner.strip() + "\n"
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return "\n\n" + "#" * int(name[1]) + " " + inner.strip() + "\n\n"
        if name in ("s", "del", "strike"):
            return _wrap(inner, "~~")
        if name in ("sup", "sub", "abbr", "q", "cite", "time"):
            return inner
        self.ctx.warn(at, f"<{name}> has no Markdown equivalent: kept as HTML")
        return str(node)

    def _safe_links(self, text: str, line: int) -> str:
        def fix(m: re.Match[str]) -> str:
            if not _UNSAFE_URL.match(m.group(3)):
                return m.group(0)
            self.ctx.warn(line, f"link to {m.group(3).split(':')[0]}: URL dropped, text kept")
            return "" if m.group(1) else m.group(2)

        return _MD_LINK.sub(fix, text) if "](" in text else text

    # ---- Markdown rendering of blocks (for content that keeps its Markdown form)

    def list_md(self, lst: _List) -> str:
        out = []
        loose = any("\n\n" in it.text for it in lst.items)
        for k, item in enumerate(lst.items, 1):
            marker = f"{k}." if lst.ordered else "-"
            lines = item.text.split("\n")
            # Four spaces nest in both CommonMark and Python-Markdown.
            rest = ["    " + ln if ln else "" for ln in lines[1:]]
            out.append("\n".join([f"{marker} {lines[0]}", *rest]))
        return ("\n\n" if loose else "\n").join(out)

    def render_md(self, blocks: list[_Block]) -> str:
        return "\n\n".join(md for md in (self.block_md(b) for b in blocks) if md)

    def block_md(self, b: _Block) -> str:
        if isinstance(b, _Heading):
            return "#" * max(b.level, 3) + " " + b.text
        if isinstance(b, _Prose):
            return b.text
        if isinstance(b, _List):
            return self.list_md(b)
        if isinstance(b, _Image):
            return f"![{b.alt}]({b.src})"
        if isinstance(b, _Callout):
            return _blockquote(b.type, self.render_md(b.blocks))
        if isinstance(b, _Step):
            b = _Steps(b.line, [b])
        if isinstance(b, _Steps):
            items = []
            for s in b.steps:
                body = self.render_md(s.blocks)
                items.append(_Item(f"**{s.title}**" + (f"\n\n{body}" if body else ""), True))
            return self.list_md(_List(b.line, True, items))
        if isinstance(b, _Verbatim):
            self.ctx.warn(b.line, _verbatim_message(b))
            return b.text
        return ""


def _verbatim_message(b: _Verbatim) -> str:
    if b.message:
        return b.message
    return (f"{b.what} has no equivalent in the guide format: kept verbatim in the content "
            "(rewrite it as Markdown)")


def _wrap(inner: str, mark: str) -> str:
    core = inner.strip()
    if not core:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    return f"{lead}{mark}{core}{mark}{trail}"


def _blockquote(type_: str, body: str) -> str:
    label = f"**{type_.capitalize()}:**"
    body = re.sub(rf"^{type_}:\s*", "", body, flags=re.I)  # "<Note>Note: ..." says it once
    lines = body.split("\n") if body else []
    if lines and lines[0] and not re.match(r"^([-*+]\s|\d+[.)]\s|#|>|```|!\[|<)", lines[0]):
        lines[0] = f"{label} {lines[0]}"
    else:
        lines[:0] = [label, ""]
    return "\n".join("> " + ln if ln else ">" for ln in lines)


def _mask_code(text: str) -> tuple[str, list[str]]:
    """Text with backtick code spans replaced by placeholders, and the spans."""
    codes: list[str] = []
    out = []
    i = 0
    while i < len(text):
        if text[i] == "`":
            end = _code_span_end(text, i)
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


def _unmask(text: str, codes: list[str]) -> str:
    if not codes:
        return text
    return re.sub("\ue000(\\d+)\ue001", lambda m: codes[int(m.group(1))], text)


# --------------------------------------------------------------------------------------------
# Mapping blocks to the guide format


@dataclass
class _SectionOut:
    title: str
    line: int
    scopes: tuple[str, ...] = ()
    whitelabel: str | None = None
    parts: list[str | _SubHeading] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _HubOut:
    title: str
    line: int
    blocks: list[_Block] = field(default_factory=list)


class _Builder:
    """Maps top-level blocks to the guide's warning, callouts, sections and fields."""

    def __init__(self, ctx: _Context, meta: dict[str, Any], source_name: str,
                 source_lines: list[str]) -> None:
        self.ctx = ctx
        self.source_lines = source_lines
        self.meta = meta
        self.source_name = source_name
        self.parser = _Parser(ctx)
        self.title: str | None = None
        self.title_line = 1
        self.description: str | None = None
        self.warning: str | None = None
        self.callouts: list[dict[str, str]] = []
        self.sections: list[_SectionOut] = []
        self.cur: _SectionOut | _HubOut | None = None
        self.fields: list[dict[str, str]] = []
        self.headings: list[str] = []
        self.scope_lines: dict[str, int] = {}
        self.step_titles: list[str] = []

    # ---- driving

    def run(self, blocks: list[_Block]) -> None:
        blocks = self._header(blocks)
        pending: _Attrs | None = None
        chunk_started = False
        for b in blocks:
            if isinstance(b, _Attrs) and b.target == "section":
                pending = b
                continue
            if isinstance(b, _Heading) and b.level <= 3:
                if pending is not None:
                    b.scopes = pending.scopes
                    pending = None
                self._heading(b)
                chunk_started = True
                continue
            if not chunk_started:
                self._preamble(b)
            else:
                self._add(b)
        self._close()

    def _header(self, blocks: list[_Block]) -> list[_Block]:
        """Consume the export header: index blockquote, H1 title, description blockquote."""
        meta_title = self.meta.get("title")
        lines = self.meta.get("__lines__", {})
        if isinstance(meta_title, str) and meta_title.strip():
            self.title = meta_title.strip()
            self.title_line = lines.get("title", 1)
        description = self.meta.get("description")
        if isinstance(description, str) and description.strip():
            self._description(description.strip(), lines.get("description", 1))
        for key in self.meta:
            if key not in ("title", "description", "__lines__"):
                self.ctx.warn(lines.get(key, 1), f"frontmatter key {key!r} ignored")
        out: list[_Block] = []
        seen_h1 = False
        for k, b in enumerate(blocks):
            if (isinstance(b, _Prose) and b.kind == "quote" and not seen_h1 and not out
                    and "documentation index" in b.text.lower()):
                continue
            if isinstance(b, _Heading) and b.level == 1 and not seen_h1 and not out:
                seen_h1 = True
                if self.title is None:
                    self.title, self.title_line = b.text, b.line
                else:
                    self.ctx.warn(b.line, f"H1 {b.text!r} dropped: the page title comes from "
                                          "the frontmatter")
                continue
            if (seen_h1 and not out and isinstance(b, _Prose) and b.kind == "quote"
                    and k and isinstance(blocks[k - 1], _Heading)):
                text = "\n".join(ln.lstrip(">").strip() for ln in b.text.split("\n"))
                self._description(text.strip(), b.line)
                continue
            out.append(b)
        return out

    def _description(self, text: str, line: int) -> None:
        if any(p.search(text) for p in _BOILERPLATE):
            self.ctx.warn(line, "default description dropped (the generator writes its own)")
        else:
            self.description = " ".join(text.split())

    # ---- preamble, headings, sections

    def _preamble(self, b: _Block) -> None:
        if isinstance(b, _Callout):
            text = self.parser.render_md(b.blocks)
            if not text:
                return
            if b.type == "warning" and self.warning is None:
                self.warning = text
            else:
                self.callouts.append({"type": b.type, "text": text})
            return
        if isinstance(b, _Prose) and b.kind == "para" and any(
                p.search(b.text) for p in _BOILERPLATE[:1]):
            self.ctx.warn(b.line, "boilerplate introduction dropped (the generator writes its "
                                  "own): " + _shorten(b.text))
            return
        if isinstance(b, _Attrs):
            return
        if self.cur is None:
            self.ctx.warn(b.line, f"content before the first heading put in a section titled "
                                  f"{BEFORE_YOU_BEGIN!r}")
            self._open(_SectionOut(BEFORE_YOU_BEGIN, b.line, whitelabel=b.whitelabel))
        self._add(b)

    def _heading(self, h: _Heading) -> None:
        self.headings.append(h.text)
        hub = any(p.search(h.text) for p in _HUB_TITLE)
        cur = self.cur
        if h.level == 3 and isinstance(cur, _HubOut):
            cur.blocks.append(h)
            return
        if (h.level == 3 and isinstance(cur, _SectionOut) and not hub and not cur.steps
                and not cur.title.endswith(" (continued)")):
            # A subheading: kept in the section's content unless it heads its own steps
            # (decided when its steps arrive, see _add_steps).
            self._add_markdown(f"### {h.text}", h.line)
            cur.parts[-1] = _SubHeading(f"### {h.text}", h)
            return
        if hub:
            self._open(_HubOut(h.text, h.line))
            return
        self._open(_SectionOut(h.text, h.line, h.scopes, h.whitelabel))
        for scope in h.scopes:
            self.scope_lines.setdefault(scope, h.line)

    def _open(self, section: _SectionOut | _HubOut) -> None:
        self._close(section.line - 1)
        self.cur = section

    def _close(self, end: int | None = None) -> None:
        """Finish the current section; `end` is its last line (default: the end of the file)."""
        cur = self.cur
        self.cur = None
        if cur is None:
            return
        if isinstance(cur, _HubOut):
            end = len(self.source_lines) if end is None else end
            while end > cur.line and not self.source_lines[end - 1].strip():
                end -= 1
            self._close_hub(cur, end)
            return
        if not (cur.parts or cur.items or cur.steps):
            self.ctx.warn(cur.line, f"section {cur.title!r} has no content: dropped")
            return
        self.sections.append(cur)

    def _continued(self, line: int) -> _SectionOut:
        cur = self.cur
        assert isinstance(cur, _SectionOut)
        title = cur.title.removesuffix(" (continued)") + " (continued)"
        self.ctx.warn(line, f"content after the steps of {cur.title!r} moved to a new section "
                            f"{title!r} (give it a better title)")
        new = _SectionOut(title, line, cur.scopes, cur.whitelabel)
        self._open(new)
        return new

    def _add(self, b: _Block) -> None:
        cur = self.cur
        if isinstance(cur, _HubOut):
            cur.blocks.append(b)
            return
        assert cur is not None
        if isinstance(b, _Attrs):
            return
        if b.whitelabel and b.whitelabel != cur.whitelabel and not isinstance(b, _Steps | _Step):
            self.ctx.warn(b.line, f"whitelabel: {b.whitelabel} content outside a section or "
                                  "step cannot be hidden: kept visible")
        if isinstance(b, _Step):
            b = _Steps(b.line, [b], whitelabel=b.whitelabel)
        if isinstance(b, _Steps):
            self._add_steps(b)
        elif isinstance(b, _List) and b.simple:
            if cur.steps:
                cur = self._continued(b.line)
            cur.items.extend(it.text for it in b.items)
        elif isinstance(b, _List) and b.nested and not b.ordered:
            self.ctx.warn(b.line, "nested list kept as a Markdown list in the content "
                                  "(the list key holds flat bullets only)")
            self._add_markdown(self.parser.list_md(b), b.line)
        else:
            md = self.parser.block_md(b)
            if md:
                self._add_markdown(md, b.line)

    def _add_markdown(self, md: str, line: int) -> None:
        cur = self.cur
        assert isinstance(cur, _SectionOut)
        if cur.steps:
            cur = self._continued(line)
        if cur.items:
            cur.parts.append("\n".join(f"- {it}" for it in cur.items))
            cur.items = []
        cur.parts.append(md)

    def _add_steps(self, b: _Steps) -> None:
        cur = self.cur
        assert isinstance(cur, _SectionOut)
        # A `###` subheading right before these steps becomes the title of their section.
        if cur.parts and isinstance(cur.parts[-1], _SubHeading) and not cur.items:
            sub = cur.parts.pop()
            assert isinstance(sub, _SubHeading)
            self._open(_SectionOut(sub.heading.text, sub.heading.line, (),
                                   sub.heading.whitelabel))
            cur = self.cur
            assert isinstance(cur, _SectionOut)
        for step in b.steps:
            cur.steps.append(self._step(step, b.whitelabel, cur.whitelabel))

    def _step(self, step: _Step, wl: str | None, section_wl: str | None) -> dict[str, Any]:
        self.step_titles.append(step.title)
        parts: list[str] = []
        items: list[str] = []
        images: list[dict[str, str]] = []
        scopes: tuple[str, ...] = ()
        display = False
        moved = False
        for b in step.blocks:
            if isinstance(b, _Attrs):
                scopes, display = b.scopes, b.display_scopes
                for scope in scopes:
                    self.scope_lines.setdefault(scope, b.line)
                continue
            if isinstance(b, _Image):
                image = {"src": _image_src(b.src)}
                if b.alt:
                    image["alt"] = b.alt
                images.append(image)
                continue
            moved = moved or bool(images)
            if isinstance(b, _List) and b.simple:
                items.extend(it.text for it in b.items)
                continue
            if isinstance(b, _List) and b.nested and not b.ordered:
                self.ctx.warn(b.line, "nested list kept as a Markdown list in the content "
                                      "(the list key holds flat bullets only)")
            md = self.parser.block_md(b)
            if not md:
                continue
            if items:
                parts.append("\n".join(f"- {it}" for it in items))
                items = []
            parts.append(md)
        if moved:
            self.ctx.warn(step.line, f"step {step.title!r}: its images are shown after the "
                                     "step text, so text that followed an image now comes "
                                     "before it")
        out: dict[str, Any] = {"title": step.title}
        if parts:
            out["content"] = "\n\n".join(parts)
        if items:
            out["list"] = items
        if images:
            out["images"] = images
        if scopes:
            out["scopes"] = list(scopes)
        if display:
            out["display_scopes"] = True
        step_wl = step.whitelabel or wl
        if step_wl and step_wl != section_wl:
            out["whitelabel"] = step_wl
        return out

    # ---- hub sections

    def _close_hub(self, hub: _HubOut, end: int) -> None:
        found: list[dict[str, str]] = []
        for b in _walk(hub.blocks):
            if isinstance(b, _List):
                parsed = [_field_from_item(it.text) for it in b.items]
                if parsed and all(parsed):
                    found.extend(f for f in parsed if f)
            elif isinstance(b, _Prose) and b.kind == "para":
                found.extend(_fields_from_sentence(b.text))
        labels = {f["label"] for f in self.fields}
        new = [f for f in found if f["label"] not in labels]
        self.fields.extend(new)
        where = f"lines {hub.line}-{end}" if end > hub.line else f"line {hub.line}"
        if new:
            names = ", ".join(f["label"] for f in new)
            self.ctx.warn(hub.line, f"hub section {hub.title!r} ({where}) replaced by the "
                                    f"generated hub block; fields taken from it: {names}")
        else:
            self.ctx.warn(hub.line, f"hub section {hub.title!r} ({where}) dropped: the "
                                    "generator renders its own hub block (no fields found; "
                                    "add `fields:` by hand)")

    # ---- the guide

    def guide(self, source: str, *, connector_key: str | None, connector_name: str | None,
              auth_label: str | None, kind: str | None) -> dict[str, Any]:
        name, label_from_title = self._name_and_label()
        if connector_name:
            name = connector_name
        if not name:
            raise self.ctx.fail(1, "no connector name: the file has no frontmatter title or H1 "
                                   "(pass --connector-name)")
        key = connector_key or slugify(name)
        if not re.match(r"^[a-z0-9][a-z0-9-]*$", key or ""):
            raise self.ctx.fail(self.title_line, f"cannot make a connector key from {name!r} "
                                                 "(pass --connector-key)")
        label = auth_label or label_from_title
        if not label:
            label = self._guess_label(source)
            self.ctx.warn(self.title_line, f"auth label guessed as {label!r} from the text "
                                           "(pass --auth-label to set it)")
        if not self.sections:
            raise self.ctx.fail(1, "nothing to import: no section with content was found")
        connector: dict[str, Any] = {"key": key, "name": name}
        category = self._category(key)
        if category:
            connector["category"] = category
        guide: dict[str, Any] = {"connector": connector}
        if kind and kind != "link-account":
            guide["kind"] = kind
        guide["auth"] = {"label": label}
        if self.description:
            guide["description"] = _out(self.description)
        if self.warning:
            guide["warning"] = _out(self.warning)
        if self.callouts:
            guide["callouts"] = [{"type": c["type"], "text": _out(c["text"])}
                                 for c in self.callouts]
        actions = self._actions(source)
        if actions:
            guide["actions"] = actions
        guide["sections"] = [self._section(s) for s in self.sections]
        if self.fields:
            guide["fields"] = [
                _out(f["label"]) if "description" not in f else
                {"label": _out(f["label"]), "description": _out(f["description"])}
                for f in self.fields
            ]
        return guide

    def _section(self, s: _SectionOut) -> dict[str, Any]:
        out: dict[str, Any] = {"title": _out(s.title)}
        parts = [p.text if isinstance(p, _SubHeading) else p for p in s.parts]
        if parts:
            out["content"] = _out("\n\n".join(parts))
        if s.items:
            out["list"] = [_out(it) for it in s.items]
        if s.scopes:
            out["scopes"] = list(s.scopes)
        if s.whitelabel:
            out["whitelabel"] = s.whitelabel
        if s.steps:
            out["steps"] = [_step_out(step) for step in s.steps]
        return out

    def _name_and_label(self) -> tuple[str | None, str | None]:
        title = self.title
        if not title:
            return None, None
        title = re.sub(r"[*_`]", "", title).strip()
        m = _EXPORT_TITLE.match(title)
        if m:
            return m.group("name").strip(), m.group("auth").strip()
        parts = re.split(r"\s+[-–—|]\s+|:\s+", title, maxsplit=1)
        if len(parts) == 2 and parts[1].strip():
            return parts[0].strip(), parts[1].strip()
        return title, None

    def _guess_label(self, source: str) -> str:
        scores: dict[str, int] = {}
        texts = [(h, 3) for h in self.headings] + [(t, 2) for t in self.step_titles]
        texts.append((source, 1))
        for label, pattern in _KNOWN_LABELS:
            score = sum(len(pattern.findall(t)) * w for t, w in texts)
            if score:
                scores[label] = score
        if scores:
            return max(scores, key=lambda k: scores[k])
        return "OAuth 2.0" if _OAUTH_HINT.search(source) else "API Key"

    def _category(self, key: str) -> str | None:
        stem = Path(self.source_name).stem
        prefix, _, rest = stem.partition("-")
        if prefix in _CATEGORIES and (rest == key or rest.startswith(key + "-")):
            return _CATEGORIES[prefix]
        return None

    def _actions(self, source: str) -> list[dict[str, Any]]:
        actions: list[dict[str, Any]] = []
        for tag in _iter_tags(source):
            raw = tag.attrs.get("data-guide-actions-json")
            if raw is None or tag.closing:
                continue
            line = source.count("\n", 0, tag.start) + 1
            try:
                data = json.loads(html.unescape(raw))
            except ValueError as exc:
                self.ctx.warn(line, f"data-guide-actions-json is not valid JSON ({exc}): "
                                    "ignored")
                continue
            if isinstance(data, dict):
                data = data.get("actions", [])
            for item in data if isinstance(data, list) else []:
                action = _action(item)
                if action is None:
                    self.ctx.warn(line, f"action {str(item)[:60]} has no id: ignored")
                elif all(a["id"] != action["id"] for a in actions):
                    actions.append(action)
        declared = {s for a in actions for s in a.get("scopes", [])}
        used: list[str] = []
        for s in self.sections:
            for scope in [*s.scopes, *(x for st in s.steps for x in st.get("scopes", []))]:
                if scope not in declared and scope not in used:
                    used.append(scope)
        if used:
            line = min(self.scope_lines.get(s, 1) for s in used)
            self.ctx.warn(line, f"no action declares the scopes {', '.join(used)}: added a "
                             f"placeholder action {PLACEHOLDER_ACTION_ID!r} (replace it with "
                             "the real actions)")
            actions.append({"id": PLACEHOLDER_ACTION_ID, "label": "Imported scopes",
                            "scopes": used})
        return actions


@dataclass
class _SubHeading:
    """A `###` line in a section's content, remembered in case steps follow it."""

    text: str
    heading: _Heading


def _step_out(step: dict[str, Any]) -> dict[str, Any]:
    out = dict(step)
    for key in ("title", "content"):
        if key in out:
            out[key] = _out(out[key])
    if "list" in out:
        out["list"] = [_out(x) for x in out["list"]]
    if "images" in out:
        out["images"] = [dict(i, alt=_out(i["alt"])) if "alt" in i else i for i in out["images"]]
    return out


def _walk(blocks: list[_Block]) -> Iterator[_Block]:
    for b in blocks:
        yield b
        if isinstance(b, _Steps):
            for s in b.steps:
                yield s
                yield from _walk(s.blocks)
        elif isinstance(b, _Step | _Callout):
            yield from _walk(b.blocks)


def _action(item: Any) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        return None
    action_id = item.get("id") or item.get("action_id") or item.get("key")
    if not isinstance(action_id, str) or not action_id.strip():
        return None
    label = item.get("label") or item.get("name") or item.get("title") or action_id
    scopes = item.get("scopes") or item.get("required_scopes") or item.get("requiredScopes")
    out: dict[str, Any] = {"id": action_id.strip(), "label": str(label).strip()}
    if isinstance(scopes, list):
        clean = list(dict.fromkeys(str(s).strip() for s in scopes if str(s).strip()))
        if clean:
            out["scopes"] = clean
    return out


def _plain(md: str) -> str:
    """Inline Markdown reduced to its text (links to their text, emphasis removed)."""
    md = _MD_LINK.sub(lambda m: m.group(2), md)
    return re.sub(r"[*_`]+", "", md).strip()


def _field_from_item(text: str) -> dict[str, str] | None:
    """A hub field from a bullet: `**Label** description` or `Label: description`."""
    text = text.strip()
    m = re.match(r"^\*\*(.+?)\*\*(.*)$", text, re.S)
    if m:
        label_md, rest = m.group(1), m.group(2)
    else:
        m = re.match(r"^([A-Za-z][^:*`\[\]]{0,40}?):\s+(.+)$", text, re.S)
        if not m or len(m.group(1).split()) > 5:
            return None
        label_md, rest = m.group(1), m.group(2)
    label = _plain(label_md).rstrip(":").strip()
    if not label or len(label.split()) > 6:
        return None
    description = re.sub(r"^[\s:–—-]+", "", rest).strip()
    link = _MD_LINK.search(label_md)
    if not description and link and link.group(3):
        description = f"See [{link.group(2)}]({link.group(3)})."
    out = {"label": label}
    if description:
        out["description"] = description
    return out


def _fields_from_sentence(text: str) -> list[dict[str, str]]:
    """Fields named in code spans by a sentence such as "enter the `A`, `B` and `C`"."""
    out: list[dict[str, str]] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if not re.search(r"\b(enter|fill|paste|input|provide)\b", sentence, re.I):
            continue
        names = re.findall(r"`([^`]+)`", sentence)
        if len(names) >= 2:
            out.extend({"label": n.strip()} for n in names if n.strip())
    return out


def _image_src(src: str) -> str:
    if src.startswith("/") and not src.startswith("//"):
        return src.lstrip("/")
    return src


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# Output text and YAML


def _escape_jinja(text: str) -> str:
    return _JINJA_OPEN.sub(lambda m: "{{ '" + m.group(0) + "' }}", text)


def _brand(text: str) -> str:
    """`StackOne Hub` -> `{{ brand.hub }}`, `StackOne` -> `{{ brand.name }}`, outside URLs."""
    return outside(_PROTECTED, text, _brand_plain)


def _brand_plain(text: str) -> str:
    text = re.sub(r"\bStack[Oo]ne\s+[Hh]ub\b", "{{ brand.hub }}", text)
    return re.sub(r"\bStack[Oo]ne\b", "{{ brand.name }}", text)


def _out(text: str) -> str:
    """Text as written to the guide: trailing spaces trimmed, Jinja escaped, brand templated."""
    text = "\n".join(ln.rstrip() for ln in text.strip().split("\n"))
    return _brand(_escape_jinja(text))


class _Dumper(yaml.SafeDumper):
    """Block scalars for multi-line text and indented sequences, for readable guides."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    # Long lines as literal blocks too: folding would split `{{ brand.hub }}` over two lines.
    if "\n" in data or len(data) > 80:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _represent_str)


def _dump(guide: dict[str, Any]) -> str:
    return yaml.dump(guide, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def _check_output(yaml_text: str, guide_path: str, file: str) -> None:
    """Raise ImportFailure when the produced YAML is not a valid guide (an importer bug)."""
    try:
        load_text(yaml_text, guide_path)
    except GuideError as exc:
        raise ImportFailure(file, 1, f"the imported guide does not validate: {exc}") from None
    data_lines = "\n".join(ln for ln in yaml_text.split("\n") if not ln.startswith("#"))
    for m in _TEMPLATE.finditer(data_lines):
        if m.group(1).strip() not in _ALLOWED_TEMPLATES:
            raise ImportFailure(file, 1, f"the imported guide contains a template {m.group(0)!r}")
