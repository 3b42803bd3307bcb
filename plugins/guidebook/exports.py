"""Agent-readable outputs: the Markdown twin of every page, `llms.txt` and `llms-full.txt`.

Everything here is rendered from the model (`GuideSite`), never scraped from HTML, so the HTML
page and its Markdown twin can never disagree. Two formats:

- `stackone` (default): the anatomy of the Markdown that StackOne's guide pages serve at
  `<page-url>.md` — HTML paragraphs and lists (inline code kept as backticks), `<Steps>`/`<Step>`
  components, `data-guide-*` attributes and the hub block in `<div data-whitelabel-hide>`.
- `plain`: the same content as clean CommonMark (numbered `###` step headings, `>` callouts,
  bullet lists, no HTML), wrapped at 80 columns so it passes Markdown linters.

Link targets of the hub block come from the brand: `brand.linking_url` (the "Linking Account
Methods" link) and `brand.accounts_url` (the "Accounts" page); without them the words are kept
and the link is left out. Absolute URLs use `site_url`; without one they are root-relative.

This module must not import mkdocs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from . import markdown
from .model import Guide
from .render import actions_json, default_templates_dir, display_scopes, step_actions
from .site import ConnectorEntry, GuidePage, GuideSite

FORMATS: tuple[str, ...] = ("stackone", "plain")
DEFAULT_BUDGET = 50_000
DOCS_SECTION = "Docs"
OPTIONAL_SECTION = "Optional"
DEFAULT_DETAILS = "Each link below is the Markdown version of a page of this site."
WIDTH = 80
CHATGPT_URL = "https://chatgpt.com/?hints=search&q=Read+{url}+so+I+can+ask+questions+about+it."
CLAUDE_URL = "https://claude.ai/new?q=Read+{url}+so+I+can+ask+questions+about+it."
CALLOUT_TAGS = {"note": "Note", "info": "Info", "tip": "Tip", "warning": "Warning",
                "danger": "Danger"}


# -- paths and URLs ----------------------------------------------------------------------------


def twin_path(url: str) -> str:
    """The Markdown twin of a directory URL: `a/b/` -> `a/b.md`, the site root -> `index.md`."""
    stripped = url.strip("/")
    return f"{stripped}.md" if stripped else "index.md"


def alias_path(dest_uri: str) -> str:
    """The llms.txt proposal's alias of a page file: `a/b/index.html` -> `a/b/index.html.md`."""
    return f"{dest_uri}.md"


def source_twin_path(src_uri: str) -> str:
    """Twin of a hand-written page: `foo.md` -> `foo.md`, `sub/index.md` -> `sub.md`."""
    stem, _, _ = src_uri.rpartition(".")
    parent, _, name = stem.rpartition("/")
    if name in ("index", "README"):
        return twin_path(parent)
    return f"{stem}.md"


def page_twin_path(url: str) -> str:
    """Twin of a page served at `url` (wherever a plugin moved it): `a/b/` -> `a/b.md`,
    `a/b.html` -> `a/b.md`, `a/index.html` -> `a.md`, the site root -> `index.md`."""
    url = url.removeprefix("./")  # MkDocs' URL of the home page is './'
    if not url.endswith(".html"):
        return twin_path(url)
    stem = url[: -len(".html")]
    parent, _, name = stem.rpartition("/")
    return twin_path(parent) if name == "index" else f"{stem}.md"


def site_url_of(site_url: str | None) -> Callable[[str], str]:
    """A function turning a site-relative path into the URL llms files and exports use:
    absolute under `site_url`, root-relative (`/path`) when the site has none."""
    base = (site_url or "").strip()
    prefix = (base.rstrip("/") + "/") if base else "/"

    def url(path: str) -> str:
        return prefix + quote(path.lstrip("/"), safe="/:#?&=%~@!$'*+,;")

    return url


def _is_site_relative(url: str) -> bool:
    return markdown.link_scheme(url) is None and not url.startswith(("/", "#"))


# -- text helpers ------------------------------------------------------------------------------

_CODE_SPLIT = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_RISKY_START = re.compile(r"^(?:[-+*>#=|]|\d+[.)])(?:\s|$)")
_BLOCK_LIST = re.compile(r"^(\s*)([-+*]|\d+[.)])\s+")


def attr(value: Any) -> str:
    """Text for a double-quoted HTML attribute (apostrophes kept as they are)."""
    # (replace() is several times faster than translate() with a table)
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace('"', "&quot;")


def _html_block(text: str | None) -> str:
    return markdown.block(text, backticks=True) if text else ""


def _html_inline(text: str | None) -> str:
    return markdown.inline(text, backticks=True) if text else ""


def _escape_html_outside_code(text: str) -> str:
    """Guide text is data: raw HTML is shown as text in HTML pages, so `<` is escaped here
    too (autolinks `<https://...>` kept)."""
    return markdown.outside(_CODE_SPLIT, text, _escape_lt)


def _escape_lt(text: str) -> str:
    return re.sub(r"<(?!(?:https?://|mailto:)[^\s<>]*>)", r"\\<", text)


def _words(text: str) -> list[str]:
    """Words of a paragraph; spaces inside code spans do not split words."""
    glued = _CODE_SPLIT.sub(lambda m: re.sub(r"\s", "\x00", m.group(0)), text)
    return [w.replace("\x00", " ") for w in glued.split()]


def wrap(text: str, width: int = WIDTH, first: str = "", rest: str | None = None) -> str:
    """Fill a paragraph of inline Markdown to `width` columns without starting a line with
    something Markdown would read as a list, heading, quote or table."""
    rest = first if rest is None else rest
    lines: list[str] = []
    line = first
    empty = True
    for word in _words(text):
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


def md_blocks(text: str | None, prefix: str = "") -> str:
    """A Markdown text (paragraphs and bullet lists) filled to 80 columns, HTML escaped."""
    if not text:
        return ""
    text = _escape_html_outside_code(text.strip())
    if "```" in text or "~~~" in text:  # keep code blocks exactly
        return "\n".join(prefix + line if line else prefix.rstrip() for line in
                         text.splitlines())
    out: list[str] = []
    for lines in _blocks(text):
        if all(_BLOCK_LIST.match(ln) or ln.startswith((" ", "\t")) for ln in lines) and \
                _BLOCK_LIST.match(lines[0]):
            out.append("\n".join(_list_items(lines, prefix)))
        elif lines and lines[0].lstrip().startswith(("#", "|", ">")):
            out.append("\n".join(prefix + ln for ln in lines))
        else:
            out.append(wrap(" ".join(ln.strip() for ln in lines), first=prefix))
    return f"\n{prefix.rstrip()}\n".join(out)


def _blocks(text: str) -> Iterator[list[str]]:
    """The blocks of a Markdown text as lists of lines; a bullet list (or one starting at 1)
    that interrupts a paragraph starts a block of its own, as in CommonMark."""
    for block in re.split(r"\n\s*\n", text):
        lines = block.splitlines()
        for i, line in enumerate(lines[1:], 1):
            m = _BLOCK_LIST.match(line)
            if m and not m.group(1) and m.group(2) in ("-", "+", "*", "1.", "1)") \
                    and not _BLOCK_LIST.match(lines[0]):
                yield lines[:i]
                lines = lines[i:]
                break
        yield lines


def _list_items(lines: list[str], prefix: str) -> list[str]:
    items: list[tuple[str, list[str]]] = []
    for ln in lines:
        m = _BLOCK_LIST.match(ln)
        if m and not m.group(1):
            items.append((m.group(2), [ln[m.end():].strip()]))
        elif items:
            items[-1][1].append(ln.strip())
    result = []
    for marker, parts in items:
        bullet = "-" if marker in "-+*" else marker
        result.append(wrap(" ".join(parts), first=f"{prefix}{bullet} ",
                           rest=prefix + " " * (len(bullet) + 1)))
    return result


def md_item(text: str, prefix: str = "") -> str:
    """One bullet item of inline Markdown, filled to 80 columns."""
    return wrap(_escape_html_outside_code(" ".join(text.split())), first=f"{prefix}- ",
                rest=prefix + "  ")


def cell(text: str | None) -> str:
    """A text as one Markdown table cell: one line, `|` escaped, HTML escaped."""
    if not text:
        return ""
    return _escape_html_outside_code(" ".join(text.split())).replace("|", "\\|")


def code(text: str) -> str:
    """A text as a code span (a fence longer than any run of backticks in it)."""
    text = " ".join(str(text).split())
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def link_text(text: str) -> str:
    """A plain text as the text of a Markdown link (brackets and HTML escaped)."""
    return escape_text(" ".join(text.split())).replace("\\", "\\\\").replace(
        "[", "\\[").replace("]", "\\]")


def link_dest(url: str) -> str:
    """A URL as a Markdown link destination (in angle brackets when it has spaces or
    parentheses)."""
    if any(c in url for c in " ()<>"):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def md_inline(text: str | None) -> str:
    """Inline Markdown on one line (headings), HTML escaped."""
    return _escape_html_outside_code(" ".join((text or "").split()))


def compact_json(value: Any) -> str:
    """JSON without spaces, keys sorted, non-ASCII kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def _tick(code: str) -> str:
    fence = "``" if "`" in code else "`"
    return f"{fence}{code}{fence}"


def indent_lines(text: str, width: int) -> str:
    """Each non-blank line of `text` indented by `width` spaces; blank lines emptied."""
    pad = " " * width
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


_BLANKS = re.compile(r"\n{3,}")
_TRAILING = re.compile(r"[ \t]+\n")
_BLANK_BEFORE_CLOSE = re.compile(r"\n\n+(?=[ \t]*</)")


def tidy(text: str) -> str:
    """One blank line at most between blocks, no trailing spaces, one final newline."""
    text = text.replace("\r\n", "\n")
    if " \n" in text or "\t\n" in text:  # (the searches cost more than these checks)
        text = _TRAILING.sub("\n", text)
    if "\n\n" in text:
        text = _BLANK_BEFORE_CLOSE.sub("\n", text)
        if "\n\n\n" in text:
            text = _BLANKS.sub("\n\n", text)
    return text.strip("\n") + "\n"


# -- the exporter -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """A rendered Markdown twin: `text` is served, `body` (without the index directive) goes
    into llms-full.txt."""

    text: str
    body: str


class ExportError(Exception):
    """A Markdown template failed (the message names the template and line)."""


class Exporter:
    """Renders Markdown twins from the model with one Jinja environment per build."""

    def __init__(self, site: GuideSite, *, fmt: str = "stackone", site_url: str | None = None,
                 templates_dir: Path | None = None, llms_path: str | None = "llms.txt") -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown Markdown export format {fmt!r}; use one of {FORMATS}")
        self.site = site
        self.fmt = fmt
        self.url = site_url_of(site_url)
        loaders = [FileSystemLoader(str(templates_dir))] if templates_dir else []
        loaders.append(FileSystemLoader(str(default_templates_dir())))
        self.env = Environment(loader=ChoiceLoader(loaders), autoescape=False,  # noqa: S701 - Markdown
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True, auto_reload=False)
        self.env.filters.update(
            attr=attr, text=escape_text, html=_html_block, html_inline=_html_inline,
            indent_lines=indent_lines, md_blocks=md_blocks, md_item=md_item, md_inline=md_inline,
            plain=markdown.plain,
            wrap=wrap, link=self.link, twin_url=self._twin_url,
            tojson_compact=compact_json, tick=_tick, guide_link=self._guide_link,
            cell=cell, code=code, link_text=link_text, link_dest=link_dest,
        )
        self.env.globals.update(
            brand=dict(site.options.active_brand), whitelabel=site.options.whitelabel,
            actions_json=actions_json, display_scopes=display_scopes,
            step_actions=step_actions, callout_tags=CALLOUT_TAGS, fmt=fmt,
            abs_url=self.url,
        )
        self.suffix = "" if fmt == "stackone" else ".plain"
        self.directive = ""
        if llms_path:
            self.directive = self._render(f"partials/index-directive{self.suffix}.md.jinja",
                                          llms_url=self.url(llms_path)).strip()
        self._templates = {name: self.env.get_template(f"{name}{self.suffix}.md.jinja")
                           for name in ("guide", "connector", "connectors")}
        from . import twin

        # The packaged guide templates, unchanged, have a faster twin in Python (same text).
        self._fast_guide = twin.guide_twin if twin.applies(fmt, templates_dir) else None

    def _twin_url(self, url: str) -> str:
        return self.url(twin_path(url))

    def _guide_link(self, guide: Guide) -> str:
        label = guide.auth_label
        if guide.kind == "connector-profile":
            label += " (connector profile)"
        return f"[{label}]({self.url(twin_path(guide.url))})"

    def link(self, url: str) -> str:
        """Image and link targets in exports: site-relative paths become absolute URLs."""
        return self.url(url) if _is_site_relative(url) else url

    def _render(self, template: str, **context: Any) -> str:
        try:
            return self.env.get_template(template).render(**context)
        except Exception as exc:  # template errors of user overrides
            raise ExportError(f"{template}: {exc}") from None

    def _finish(self, name: str, **context: Any) -> Export:
        try:
            text = self._templates[name].render(index_directive=self.directive, **context)
        except Exception as exc:
            raise ExportError(f"{name}{self.suffix}.md.jinja: {exc}") from None
        return self._export(text)

    def _export(self, raw: str) -> Export:
        text = tidy(raw)
        return Export(text, self.body_of(text))

    def body_of(self, text: str) -> str:
        """An export's text without the index directive (what llms-full.txt holds)."""
        directive = self.directive
        if not directive or directive not in text:
            return text
        if text.startswith(directive):  # tidy text stays tidy without its first block
            return text[len(directive):].lstrip("\n") or "\n"
        return tidy(text.replace(directive, "", 1))

    def _fast(self, write: Callable[[], str]) -> Export | None:
        """The export `write` gives, or None if it fails: the templates then name the
        problem."""
        try:
            return self._export(write())
        except Exception:
            return None

    def guide(self, page: GuidePage) -> Export:
        """The Markdown twin of a guide page."""
        fast = self._fast_guide
        if fast is not None:
            export = self._fast(lambda: fast(
                page.guide, page.title, page.description, directive=self.directive,
                brand=self.env.globals["brand"], whitelabel=self.site.options.whitelabel,
                link=self.link))
            if export is not None:
                return export
        return self.guide_from_templates(page)

    def guide_from_templates(self, page: GuidePage) -> Export:
        """`guide`, always through the templates (the reference the Python twin must match)."""
        return self._finish("guide", page=page, guide=page.guide)

    @property
    def fast_guides(self) -> bool:
        """True when guide twins come from `twin.guide_twin` (packaged templates unchanged)."""
        return self._fast_guide is not None

    def connector(self, entry: ConnectorEntry) -> Export:
        """The Markdown twin of a connector page: its reference and its guides."""
        return self._finish("connector", connector=entry)

    def index(self, title: str) -> Export:
        """The Markdown twin of the connectors index."""
        return self._finish("connectors", site=self.site, title=title)


# -- llms.txt ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LlmsPage:
    """One line of llms.txt: a page's title, its Markdown twin (site-relative) and summary."""

    title: str
    path: str
    description: str = ""
    section: str = DOCS_SECTION
    optional: bool = False
    url: str = ""  # the page's own URL (for globs), site-relative


@dataclass
class LlmsSettings:
    """The `llms` options: extra sections (title -> globs), optional globs, details prose."""

    sections: Mapping[str, Sequence[str]] = field(default_factory=dict)
    optional: Sequence[str] = ()
    details: str | None = None


def _matches(page: LlmsPage, globs: Iterable[str]) -> bool:
    return any(fnmatchcase(page.path, g) or (page.url and fnmatchcase(page.url, g))
               for g in globs)


def arrange(pages: Sequence[LlmsPage], settings: LlmsSettings,
            category_order: Sequence[str] = ()) -> list[tuple[str, list[LlmsPage]]]:
    """(section, pages) in llms.txt order: Docs, configured sections, categories, Optional.
    Pages keep their given order within a section; empty sections are left out."""
    groups: dict[str, list[LlmsPage]] = {DOCS_SECTION: []}
    for name in settings.sections:
        groups.setdefault(str(name), [])
    for name in category_order:
        groups.setdefault(name, [])
    optional: list[LlmsPage] = []
    for page in pages:
        if page.optional or _matches(page, settings.optional):
            optional.append(page)
            continue
        section = next((str(name) for name, globs in settings.sections.items()
                        if _matches(page, [str(g) for g in globs])), page.section)
        groups.setdefault(section, []).append(page)
    ordered = [(name, items) for name, items in groups.items() if items]
    if optional:
        ordered.append((OPTIONAL_SECTION, optional))
    return ordered


def _one_line(text: str) -> str:
    return " ".join(escape_text(text).split())


def escape_text(text: str) -> str:
    """Plain text for Markdown: `&`, `<` and `>` escaped, so no text becomes live HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link_title(text: str) -> str:
    return _one_line(text).replace("[", "(").replace("]", ")")


def llms_txt(name: str, summary: str | None, details: str | None,
             sections: Sequence[tuple[str, Sequence[LlmsPage]]],
             url: Callable[[str], str]) -> str:
    """llms.txt per llmstxt.org: H1, summary quote, details, then `##` sections of links."""
    out = [f"# {_one_line(name)}", ""]
    if summary and summary.strip():
        out += [f"> {_one_line(summary)}", ""]
    # The reference parser only reads the summary when text follows it, so there always is.
    out += [(details or "").strip() or DEFAULT_DETAILS, ""]
    for title, pages in sections:
        out += [f"## {_one_line(title)}", ""]
        for page in pages:
            line = f"- [{_link_title(page.title)}]({url(page.path)})"
            if page.description.strip():
                line += f": {_one_line(page.description)}"
            out.append(line)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def write_llms_full(out: TextIO, entries: Iterable[tuple[str, str]]) -> None:
    """llms-full.txt: every export, each preceded by its source URL, separated by rules;
    written to `out` one entry at a time (entries may be read lazily)."""
    rule = ""
    for source, body in entries:
        out.write(f"{rule}Source: {source}\n\n{body.strip()}\n")
        rule = "\n---\n\n"
