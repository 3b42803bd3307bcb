"""The Jinja environment that renders guide pages, and the filters templates use.

Templates are looked up in the user's `templates_dir` first, then in the packaged defaults, so
a team overrides one file by writing one file of the same name. Guide text is data: it reaches
templates as Markdown turned into safe HTML (`md`, `md_inline`) or as escaped text; templates
themselves are trusted and autoescaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    meta,
    pass_context,
    select_autoescape,
)
from markupsafe import Markup

from . import markdown
from .defaults import default_templates_dir
from .load import slugify
from .model import Guide
from .site import ConnectorEntry, GuidePage, GuideSite

# The templates each output starts from: the HTML pages, and the Markdown twins of each format.
_OUTPUT_ENTRIES = {
    "html": ("guide.html.jinja", "connector.html.jinja", "connectors.html.jinja"),
    "stackone": ("guide.md.jinja", "connector.md.jinja", "connectors.md.jinja",
                 "partials/index-directive.md.jinja"),
    "plain": ("guide.plain.md.jinja", "connector.plain.md.jinja", "connectors.plain.md.jinja",
              "partials/index-directive.plain.md.jinja"),
}
_OUTPUT_NAMES = {"html": "the HTML pages", "stackone": "the Markdown twins",
                 "plain": "the Markdown twins"}


def _template_stem(name: str) -> str:
    """A template's name without its output: `partials/hub-link.plain.md.jinja` ->
    `partials/hub-link` (the templates of one block in every output share it)."""
    for suffix in (".plain.md.jinja", ".md.jinja", ".html.jinja"):
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def _templates_used(env: Environment, entries: Iterable[str]) -> set[str]:
    """Every template the entries extend or include, followed through the loader (a team's
    override may include other templates than the packaged one)."""
    seen: set[str] = set()
    todo = list(entries)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
            found = meta.find_referenced_templates(env.parse(source))
        except TemplateError:
            continue  # a missing or broken template: rendering reports it with its line
        todo.extend(ref for ref in found if ref)
    return seen


def compile_templates(env: Environment, output: str) -> None:
    """Compile now every template of one output ('html', or a twin format: 'stackone',
    'plain'; a broken one is left for its render to report), so that later renders in this
    process compile none."""
    for name in sorted(_templates_used(env, _OUTPUT_ENTRIES[output])):
        try:
            env.get_template(name)
        except TemplateError:
            continue


def sibling_warnings(templates_dir: Path, twin_format: str | None,
                     shown_dir: str | None = None) -> list[str]:
    """One warning per template of `templates_dir` that overrides the packaged template of
    one output (the HTML pages, or the Markdown twins in `twin_format`; None: no twins) while
    a sibling of another output (the same block, `x.html.jinja` / `x.md.jinja` /
    `x.plain.md.jinja`) still comes from the package: that block of the HTML page and of its
    twin now differ. `shown_dir` is how the warnings name the folder."""
    packaged = default_templates_dir()
    ours = {p.relative_to(templates_dir).as_posix() for p in templates_dir.rglob("*.jinja")
            if p.is_file() and (packaged / p.relative_to(templates_dir)).is_file()}
    if not ours or twin_format is None:
        return []
    env = Environment(loader=ChoiceLoader([FileSystemLoader(str(templates_dir)),  # noqa: S701
                                           FileSystemLoader(str(packaged))]))  # parses only
    used = {output: _templates_used(env, _OUTPUT_ENTRIES[output])
            for output in ("html", twin_format)}
    shown = (shown_dir or str(templates_dir)).rstrip("/")
    warnings = []
    for output, other in (("html", twin_format), (twin_format, "html")):
        for name in sorted(ours & used[output]):
            siblings = sorted(n for n in used[other] - ours
                              if _template_stem(n) == _template_stem(name) and n != name)
            if siblings:
                them = ", ".join(siblings)
                warnings.append(
                    f"{shown}/{name} overrides the packaged template of "
                    f"{_OUTPUT_NAMES[output]}, while its sibling{'s' * (len(siblings) > 1)} "
                    f"{them} ({_OUTPUT_NAMES[other]}) still "
                    f"{'use' if len(siblings) > 1 else 'uses'} the packaged version: the HTML "
                    "page and its Markdown twin (and llms-full.txt) now differ. Override "
                    f"{them} in {shown} too (copy the packaged file to keep it unchanged), or "
                    "reword with the `strings` option instead")
    return warnings


@dataclass
class Heading:
    """An entry of a page's table of contents."""

    id: str
    title: str
    level: int = 2


class HeadingIds:
    """Unique, stable heading ids within one page."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.used: set[str] = set(reserved)
        self.headings: list[Heading] = []

    def __call__(self, title: str, level: int = 2, toc: bool = True) -> str:
        base = slugify(markdown.plain(title)) or "section"
        ident, n = base, 1
        while ident in self.used:
            n += 1
            ident = f"{base}-{n}"
        self.used.add(ident)
        if toc:
            self.headings.append(Heading(ident, markdown.plain(title), level))
        return ident


def _md(text: str | None) -> Markup:
    return Markup(markdown.block(text)) if text else Markup("")  # noqa: S704 - sanitised HTML


def _md_inline(text: str | None) -> Markup:
    return Markup(markdown.inline(text)) if text else Markup("")  # noqa: S704 - sanitised HTML


def fold(text: str | None) -> tuple[str, str]:
    """A Markdown text split after its first paragraph: (shown, folded away). A text whose
    first paragraph opens a fenced code block is not split."""
    text = (text or "").strip()
    head, _, rest = text.partition("\n\n")
    if not rest.strip() or head.count("```") % 2 or head.count("~~~") % 2:
        return text, ""
    return head, rest.strip()


def _scopes_attr(scopes: Iterable[str]) -> str:
    return " ".join(scopes)


@pass_context
def _from_page(context: Any, url: str) -> str:
    """A site-relative `url` (`images/a.png`) as a link from the page being rendered (its
    `base_url`); an https URL, `/...` or `#...` as it is."""
    return context["base_url"] + url if markdown.is_site_relative(url) else url


def _json_attr(value: Any) -> str:
    """Compact, key-sorted JSON for a data attribute (autoescape makes it attribute-safe)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def actions_json(guide: Guide) -> list[dict[str, Any]]:
    """The guide's actions as the page and the Markdown export carry them."""
    return [{"id": a.id, "label": a.label, "scopes": list(a.scopes)} for a in guide.actions]


def display_scopes(guide: Guide, scopes: Iterable[str] = ()) -> list[str]:
    """The scopes a `display_scopes` step lists when nothing is selected: all declared ones."""
    return list(scopes) or list(guide.declared_scopes)


def step_actions(guide: Guide, step_scopes: Iterable[str]) -> list[str]:
    """Labels of the actions whose scopes a step covers, sorted (all scoped ones if unscoped)."""
    wanted = set(step_scopes)
    return sorted(
        a.label for a in guide.actions if a.scopes and (not wanted or wanted & set(a.scopes))
    )


class TemplateProblem(Exception):
    """A template failed to compile or render (the message names template and line)."""


def template_error_text(exc: BaseException) -> str:
    """What a template's error says (a missing include says so: Jinja's message is its name
    alone)."""
    if isinstance(exc, TemplateNotFound):
        return (f"template {exc.name!r} not found (in templates_dir or the packaged "
                "templates)")
    return str(getattr(exc, "message", None) or exc)


def _template_frame(exc: BaseException) -> str:
    tb = exc.__traceback__
    where = ""
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".jinja"):
            where = f"{name}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return where


def page_href(url: str, directory_urls: bool = True) -> str:
    """A relative link to one of the site's pages by its folder (`xero/`, `../?category=X`),
    as the site serves it: with `use_directory_urls: false` (files opened from disk, Material's
    offline plugin) the folder's `index.html`, which a browser shows where a folder would be a
    file listing."""
    if directory_urls:
        return url
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    path = url[:cut]
    return (f"{path}index.html" if path == "" or path.endswith("/") else path) + url[cut:]


class Renderer:
    """Renders the site's pages from the model with one compiled Jinja environment; links
    between its pages as MkDocs' `use_directory_urls` (`directory_urls`) makes them."""

    def __init__(self, site: GuideSite, templates_dir: Path | None = None,
                 extra: Mapping[str, Any] | None = None, *,
                 directory_urls: bool = True) -> None:
        self.rebind(site)
        loaders = [FileSystemLoader(str(templates_dir))] if templates_dir else []
        loaders.append(FileSystemLoader(str(default_templates_dir())))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=select_autoescape(["html", "html.jinja"], default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # one build: no stat() of every included template on each use
        )
        self.env.filters.update(
            md=_md, md_inline=_md_inline, plain=markdown.plain, scopes_attr=_scopes_attr,
            json_attr=_json_attr, slug=slugify, fold=fold, from_page=_from_page,
            page_href=partial(page_href, directory_urls=directory_urls),
        )
        self.env.globals.update(
            brand=dict(site.options.active_brand),
            whitelabel=site.options.whitelabel,
            actions_json=actions_json,
            display_scopes=display_scopes,
            step_actions=step_actions,
            t=site.options.words.html, tt=site.options.words.text,
            script_words=site.options.words.script,
            **(extra or {}),
        )

    def compile(self) -> None:
        """Compile every template of the pages now (see `compile_templates`)."""
        compile_templates(self.env, "html")

    def rebind(self, site: GuideSite) -> None:
        """Render the pages of `site` from now on (the same site with the same options, loaded
        again after an edit)."""
        self.site = site
        self._by_key = {c.key: c for c in site.connectors}

    def render(self, template: str, **context: Any) -> str:
        """Render a template; a broken (user) template raises TemplateProblem."""
        try:
            return self.env.get_template(template).render(**context)
        except TemplateSyntaxError as exc:
            raise TemplateProblem(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
        except TemplateError as exc:
            where = _template_frame(exc)
            raise TemplateProblem(f"{where}{template_error_text(exc)}") from None

    def guide(self, page: GuidePage, *, base_url: str = "") -> tuple[str, list[Heading]]:
        """The HTML body of a guide page and its table of contents."""
        ids = HeadingIds(reserved=("gb-scopes-title",))
        html_text = self.render("guide.html.jinja", page=page, guide=page.guide,
                                connector=self._connector(page.key), heading_id=ids,
                                base_url=base_url)
        return _tidy(html_text), ids.headings

    def connector(self, entry: ConnectorEntry, *, base_url: str = "") -> tuple[str, list[Heading]]:
        ids = HeadingIds()
        text = self.render("connector.html.jinja", connector=entry, heading_id=ids,
                           base_url=base_url)
        return _tidy(text), ids.headings

    def index(self, *, title: str, base_url: str = "") -> tuple[str, list[Heading]]:
        ids = HeadingIds()
        text = self.render("connectors.html.jinja", site=self.site, title=title,
                           heading_id=ids, base_url=base_url)
        return _tidy(text), ids.headings

    def _connector(self, key: str) -> ConnectorEntry | None:
        return self._by_key.get(key)


_BLANK_LINES = re.compile(r"\n\s*\n+")
# A code block: its text is shown as written (blank lines, spaces) and must not be tidied.
_PRE = re.compile(r"<pre[\s>].*?</pre>", re.DOTALL | re.IGNORECASE)


def _drop_blank_lines(text: str) -> str:
    return _BLANK_LINES.sub("\n", text)


def _tidy(text: str) -> str:
    """The page's HTML without blank lines, except inside `<pre>` (code as written)."""
    if "<pre" in text:
        text = markdown.outside(_PRE, text, _drop_blank_lines)
    else:
        text = _drop_blank_lines(text)
    return text.strip() + "\n"
