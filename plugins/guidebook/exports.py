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

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import partial
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from . import markdown, mdescape
from .defaults import default_templates_dir
from .render import actions_json, compile_templates, display_scopes, step_actions, template_error_text
from .site import ConnectorEntry, GuidePage, GuideSite
from .words import Words

FORMATS: tuple[str, ...] = ("stackone", "plain")
DEFAULT_BUDGET = 50_000
DOCS_SECTION = "Docs"
OPTIONAL_SECTION = "Optional"
DEFAULT_DETAILS = "Each link below is the Markdown version of a page of this site."
WIDTH = 80
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


# -- text helpers (the escapers themselves are in mdescape) -----------------------------------

attr = mdescape.attr
escape_text = mdescape.text
wrap = mdescape.wrap
md_inline = mdescape.markdown_inline
md_item = mdescape.item


def _site_link(to: Callable[[str], str], url: str) -> str:
    """Image and link targets in exports: site-relative paths become absolute URLs."""
    return to(url) if markdown.is_site_relative(url) else url


def _twin_link(to: Callable[[str], str], url: str) -> str:
    """The absolute URL of the twin of the page at `url`."""
    return to(twin_path(url))


def _html_block(text: str | None) -> str:
    """Guide Markdown as HTML for a raw HTML block of the stackone twin."""
    return mdescape.html_fragment(markdown.block(text, backticks=True)) if text else ""


def _html_inline(text: str | None) -> str:
    return mdescape.html_fragment(markdown.inline(text, backticks=True)) if text else ""


def md_blocks(text: str | None, prefix: str = "") -> str:
    """Guide Markdown (paragraphs, lists, code, quotes, tables) written back as safe
    CommonMark filled to 80 columns: raw HTML escaped, unsafe links reduced to their text."""
    return mdescape.markdown_blocks(text, prefix)


def md_cell(text: str | None) -> str:
    """Guide Markdown as one table cell: safe inline Markdown on one line, `|` escaped."""
    return mdescape.markdown_inline(text or "").replace("|", "\\|")


def compact_json(value: Any) -> str:
    """JSON without spaces, keys sorted, non-ASCII kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


_PRE_OPEN = re.compile(r"<pre[\s>]", re.IGNORECASE)
_PRE_CLOSE = re.compile(r"</pre>", re.IGNORECASE)


def indent_lines(text: str, width: int) -> str:
    """Each non-blank line of HTML `text` indented by `width` spaces; blank lines emptied.
    Lines that begin inside a `<pre>` keep their text as written (code shown as it is: a
    CommonMark HTML block runs on to the end of a `<pre>` whatever the lines' indentation)."""
    pad = " " * width
    if "<pre" not in text:
        return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())
    out = []
    in_pre = 0
    for line in text.splitlines():
        out.append(line if in_pre else (pad + line if line.strip() else ""))
        in_pre = max(0, in_pre + len(_PRE_OPEN.findall(line)) - len(_PRE_CLOSE.findall(line)))
    return "\n".join(out)


_BLANKS = re.compile(r"\n{3,}")
_TRAILING = re.compile(r"[ \t]+\n")
_BLANK_BEFORE_CLOSE = re.compile(r"\n\n+(?=[ \t]*</)")
# Code blocks, whose text is shown as written (blank lines, trailing spaces): a `<pre>` of the
# stackone format's HTML (its blank lines are `&#10;` already), and a fenced block as
# `mdescape.markdown_blocks` writes one (in quotes and list items too), fence to fence.
_CODE = re.compile(r"<pre[\s>].*?</pre>"
                   r"|^(?:[ >]|[-+*] |\d{1,9}[.)] )*(`{3,})[^`\n]*\n"
                   r"(?:[^\n]*\n)*?[ >]*\1(?!`)[ \t]*$",
                   re.DOTALL | re.IGNORECASE | re.MULTILINE)


def _tidy_blocks(text: str) -> str:
    if " \n" in text or "\t\n" in text:  # (the searches cost more than these checks)
        text = _TRAILING.sub("\n", text)
    if "\n\n" in text:
        text = _BLANK_BEFORE_CLOSE.sub("\n", text)
        if "\n\n\n" in text:
            text = _BLANKS.sub("\n\n", text)
    return text


def tidy(text: str) -> str:
    """One blank line at most between blocks, no trailing spaces, one final newline; code
    blocks are left as they are."""
    text = text.replace("\r\n", "\n")
    if "```" in text or "<pre" in text:
        text = markdown.outside(_CODE, text, _tidy_blocks)
    else:
        text = _tidy_blocks(text)
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
        self.env.filters.update(mdescape.FILTERS)
        self.env.filters.update(
            text=escape_text, html=_html_block, html_inline=_html_inline,
            indent_lines=indent_lines, md_blocks=md_blocks, md_item=md_item, md_inline=md_inline,
            md_cell=md_cell,
            plain=markdown.plain,
            # (functions of the URL, not methods: no cycle keeps this exporter and its site)
            wrap=wrap, link=partial(_site_link, self.url),
            twin_url=partial(_twin_link, self.url),
            tojson_compact=compact_json, tick=mdescape.code,
        )
        self.env.globals.update(
            brand=dict(site.options.active_brand), whitelabel=site.options.whitelabel,
            actions_json=actions_json, display_scopes=display_scopes,
            step_actions=step_actions, callout_tags=CALLOUT_TAGS, fmt=fmt,
            abs_url=self.url, w=site.options.words.md, w_html=site.options.words.html,
            w_text=site.options.words.text,
        )
        self.suffix = "" if fmt == "stackone" else ".plain"
        self.directive = ""
        if llms_path:
            self.directive = self._render(f"partials/index-directive{self.suffix}.md.jinja",
                                          llms_url=self.url(llms_path)).strip()
        self._templates = {name: self.env.get_template(f"{name}{self.suffix}.md.jinja")
                           for name in ("guide", "connector", "connectors")}

    def compile(self) -> None:
        """Compile every template of the twins now (see `render.compile_templates`)."""
        compile_templates(self.env, self.fmt)

    def _render(self, template: str, **context: Any) -> str:
        try:
            return self.env.get_template(template).render(**context)
        except Exception as exc:  # template errors of user overrides
            raise ExportError(f"{template}: {template_error_text(exc)}") from None

    def _finish(self, name: str, **context: Any) -> Export:
        try:
            text = self._templates[name].render(index_directive=self.directive, **context)
        except Exception as exc:
            raise ExportError(f"{name}{self.suffix}.md.jinja: {template_error_text(exc)}") from None
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

    def guide(self, page: GuidePage) -> Export:
        """The Markdown twin of a guide page."""
        return self._finish("guide", page=page, guide=page.guide)

    def connector(self, entry: ConnectorEntry) -> Export:
        """The Markdown twin of a connector page: its reference and its guides."""
        return self._finish("connector", connector=entry)

    def index(self, title: str) -> Export:
        """The Markdown twin of the connectors index."""
        return self._finish("connectors", site=self.site, title=title)


# -- what HTML pages carry of the twins --------------------------------------------------------


def relative_url(page_url: str, path: str) -> str:
    """The site path `path` relative to the page served at `page_url` (a directory URL)."""
    return "../" * page_url.count("/") + quote(path, safe="/:#%~@!$'*+,;=")


def directive_html(words: Words, llms_url: str) -> str:
    """The index directive as a visually hidden paragraph of an HTML page (so agents that
    read only the start of a page still find llms.txt)."""
    text = words.html("directive.text", llms_url=f"<{llms_url}>")
    return (f'<p class="gb-visually-hidden" data-gb-directive data-search-exclude>'
            f'{words.html("directive.title")}: {text} {words.html("directive.hint")}</p>')


def _braces(text: str) -> str:
    """Text kept as it is by `str.format`."""
    return text.replace("{", "{{").replace("}", "}}")


def page_actions(words: Words, *, chatgpt: str | None, claude: str | None) -> tuple[str, str]:
    """The page actions block of every page, before and after the part that names the page;
    the latter a `str.format` template of `href` (the twin, relative to the page), `link`
    (the "View as Markdown" link to it) and `absolute` (its URL, quoted for a query string).
    An empty assistant template drops its item."""
    start = ('<div class="gb-page-actions" data-gb-page-actions data-search-exclude '
             'data-markdown-ignore>')
    items = [
        '<button type="button" class="gb-page-actions__item" '
        'data-gb-copy-markdown="{href}" data-gb-copied="'
        + _braces(html.escape(words.text("actions.copied"))) + '" data-gb-failed="'
        + _braces(html.escape(words.text("actions.copy_failed"))) + '" hidden>'
        + _braces(str(words.html("actions.copy")))
        + '</button>',
        '<a class="gb-page-actions__item" href="{link}" type="text/markdown" '
        'data-gb-view-markdown>' + _braces(str(words.html("actions.view"))) + '</a>',
    ]
    for label, template in (("ChatGPT", chatgpt), ("Claude", claude)):
        if not template:
            continue
        template = words.chat_url(label.lower(), template)  # (the default: in the language)
        url = "{absolute}".join(_braces(html.escape(part)) for part in template.split("{url}"))
        items.append(
            f'<a class="gb-page-actions__item" href="{url}" target="_blank" '
            f'rel="noopener noreferrer" data-gb-open-template="'
            f'{_braces(html.escape(template))}" data-gb-markdown="{{href}}">'
            f'{_braces(str(words.html("actions.open", assistant=label)))}</a>')
    return start, ('<details class="gb-page-actions__menu"><summary>'
                   + _braces(str(words.html("actions.menu"))) + '</summary>'
                   '<div class="gb-page-actions__list">' + "".join(items)
                   + "</div></details></div>")


def page_actions_block(parts: tuple[str, str], page_url: str, twin: str,
                       url: Callable[[str], str], *, absolute_link: bool = False) -> str:
    """The page actions block (`parts` from `page_actions`; ("", "") when they are off) of the
    page served at `page_url` whose twin is the site path `twin`; `url` makes it absolute.
    With `absolute_link` the "View as Markdown" link is the twin's absolute URL (generators
    that rewrite relative `.md` links of a page, as Zensical does, leave it alone)."""
    start, menu = parts
    if not menu:
        return start
    href = html.escape(relative_url(page_url, twin))
    link = html.escape(url(twin)) if absolute_link else href
    return start + menu.format(href=href, link=link, absolute=quote(url(twin), safe=""))


def under_title(body: str, block: str) -> str:
    """`block` put under the page's title: after the body's leading `<h1>` (so the title stays
    the first thing the search index reads, and the page's main entry keeps its text), else
    first."""
    if not block:
        return body
    if body.lstrip().startswith("<h1"):
        end = body.find("</h1>")
        if end >= 0:
            end += len("</h1>")
            return f"{body[:end]}\n{block}{body[end:]}"
    return f"{block}\n{body}"


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
            category_order: Sequence[str] = (), *, docs: str = DOCS_SECTION
            ) -> list[tuple[str, list[LlmsPage]]]:
    """(section, pages) in llms.txt order: Docs, configured sections, categories, Optional
    (`docs` names the first in the site's language; the last is `Optional` in every language,
    the name llmstxt.org gives the pages an agent may skip).
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
    ordered = [(docs if name == DOCS_SECTION else name, items)
               for name, items in groups.items() if items]
    if optional:
        ordered.append((OPTIONAL_SECTION, optional))
    return ordered


def llms_entries(site: GuideSite, connector_twins: Mapping[str, str],
                 guide_twins: Iterable[tuple[GuidePage, str]]) -> list[LlmsPage]:
    """The lines of llms.txt for the connectors and guides that have a twin (connector key ->
    its twin; (guide, its twin)): each connector's page, then its guides. llms-full.txt has
    the guides' twins in the same order (a page's section depends on that page alone)."""
    guides: dict[str, list[tuple[GuidePage, str]]] = {}
    for guide, twin in guide_twins:
        guides.setdefault(guide.key, []).append((guide, twin))
    out = []
    for entry in site.connectors:
        twin = connector_twins.get(entry.key)
        if twin is not None:
            optional = entry.info is None and all(g.guide.optional for g in entry.guides)
            out.append(LlmsPage(entry.name, twin, entry.summary, section=entry.category,
                                optional=optional, url=entry.url))
        out += [LlmsPage(guide.title, twin, guide.description, section=entry.category,
                         optional=guide.guide.optional, url=guide.url)
                for guide, twin in guides.get(entry.key, ())]
    return out


def _one_line(text: str) -> str:
    return mdescape.text(text)


def _link_title(text: str) -> str:
    """Link text of llms.txt: brackets become parentheses (llmstxt.org's parser reads a title
    up to the first `]`, escaped or not), the rest escaped."""
    return mdescape.text(text.replace("[", "(").replace("]", ")"))


def llms_txt(name: str, summary: str | None, details: str | None,
             sections: Sequence[tuple[str, Sequence[LlmsPage]]],
             url: Callable[[str], str], default_details: str = DEFAULT_DETAILS) -> str:
    """llms.txt per llmstxt.org: H1, summary quote, details, then `##` sections of links."""
    out = [f"# {_one_line(name)}", ""]
    if summary and summary.strip():
        out += [f"> {_one_line(summary)}", ""]
    # The reference parser only reads the summary when text follows it, so there always is.
    out += [mdescape.markdown_blocks(details) or default_details, ""]
    for title, pages in sections:
        out += [f"## {_one_line(title)}", ""]
        for page in pages:
            line = f"- [{_link_title(page.title)}]({mdescape.url(url(page.path)) or '#'})"
            if page.description.strip():
                line += f": {_one_line(page.description)}"
            out.append(line)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def write_llms_full(out: TextIO, entries: Iterable[tuple[str, str]]) -> None:
    """llms-full.txt: every export, each preceded by its source URL, separated by rules;
    written to `out` one entry at a time (entries may be read lazily)."""
    write_llms_parts(out, (llms_full_part(source, body) for source, body in entries))


def llms_full_part(source: str, body: str) -> str:
    """One export's part of llms-full.txt: its source URL, then its text."""
    return f"Source: {mdescape.text(source)}\n\n{body.strip()}\n"


_BATCH = 1 << 20  # characters of llms-full.txt handed to one write


def write_llms_parts(out: TextIO, parts: Iterable[str]) -> None:
    """llms-full.txt from its parts (`llms_full_part`), separated by rules; written about a
    megabyte at a time (a write per part costs 40 ms of a 20 MB file, the whole text at once
    would hold it twice in memory)."""
    batch: list[str] = []
    size = 0
    rule = ""
    for part in parts:
        batch += (rule, part)
        rule = "\n---\n\n"
        size += len(part)
        if size >= _BATCH:
            out.write("".join(batch))
            batch, size = [], 0
    out.write("".join(batch))
