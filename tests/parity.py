"""Twin parity, computed from the outputs alone: the text segments a reader sees in a page's
main content (Material's `article.md-content__inner`, minus `[data-markdown-ignore]`), each a
block's own text with white space collapsed, and which of them its Markdown twin lacks (the
twin rendered with markdown-it-py and read as text). Code blocks (`<pre>`) are compared as
they are, white space and all: code is shown as written."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from markdown_it import MarkdownIt

# Elements whose text is a segment of its own (their inline content, without nested blocks).
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "legend", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    # the components of the MDX-like twins
    "steps", "step", "tab", "tabs", "accordion", "card", "frame",
    "note", "info", "tip", "warning", "danger", "check",
})
# What the theme and MkDocs' Markdown extensions put into the article, not the page's content:
# the permalink anchors of the toc extension (permalink: true) and Material's edit/view
# buttons. The site's own human-only parts say so with data-markdown-ignore instead.
THEME_FURNITURE = "a.headerlink, .md-content__button"
_SPACE = re.compile(r"\s+")
# The twins are MDX-like (the `stackone` format): HTML indented inside components, which MDX
# never reads as an indented code block; so that rule is off.
_MD = MarkdownIt("commonmark").enable("table").disable("code")
# Components whose `title` attribute is shown as a heading (Mintlify's <Step title>, ...).
TITLED = frozenset({"step", "tab", "accordion", "card"})
# Callout components; each is shown as a box of its kind, which the page titles in words.
CALLOUTS = frozenset({"note", "info", "tip", "warning", "danger", "check"})


def normalise(text: str) -> str:
    """White space collapsed to single spaces, trimmed."""
    return _SPACE.sub(" ", text).strip()


def _segments(node: Tag, out: list[str]) -> None:
    """Append the segments below `node` to `out`, in source order: the text of inline
    elements runs on; a block (or a line break) ends the running segment."""
    run: list[str] = []

    def flush() -> None:
        text = normalise("".join(run))
        run.clear()
        if text:
            out.append(text)

    def walk(parent: Tag) -> None:
        for child in parent.children:
            if isinstance(child, Tag):
                if child.name in BLOCKS or child.name == "br":
                    flush()
                    walk(child)
                    flush()
                else:
                    walk(child)
            elif type(child) is NavigableString:  # not a comment, CDATA, doctype
                run.append(str(child))

    walk(node)
    flush()


def _article(html: str) -> Tag | None:
    """A built page's main content without what is not the page's content."""
    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article.md-content__inner")
    if article is None:
        return None
    for node in article.select(f"[data-markdown-ignore], {THEME_FURNITURE}"):
        node.decompose()
    for node in article.select("script, style, template"):
        node.decompose()
    return article


def html_segments(html: str) -> list[str]:
    """The text segments of a built page's main content, in source order."""
    article = _article(html)
    if article is None:
        return []
    out: list[str] = []
    _segments(article, out)
    return out


def html_code_blocks(html: str) -> list[str]:
    """The text of every code block (`<pre>`) of a built page's main content, as written."""
    article = _article(html)
    return [] if article is None else [pre.get_text() for pre in article.find_all("pre")]


def twin_code_blocks(markdown_text: str) -> list[str]:
    """The text of every code block of a twin as a reader shows it (fenced code, or a `<pre>`
    of its HTML blocks with its character references decoded), as written."""
    soup = BeautifulSoup(_MD.render(markdown_text), "html.parser")
    return [pre.get_text() for pre in soup.find_all("pre")]


def twin_text(markdown_text: str) -> str:
    """A twin read as text, as an MDX reader shows it: rendered by markdown-it-py (CommonMark
    plus tables, no indented code), its HTML reduced to text with the titles of components
    and the kinds of callouts; backticks that stay inside HTML blocks (code spans there are
    not rendered) go, like the `<code>` tags of the page."""
    soup = BeautifulSoup(_MD.render(markdown_text), "html.parser")
    for tag in soup.find_all(TITLED):
        if tag.get("title"):
            tag.insert(0, f" {tag['title']} ")
    for tag in soup.find_all(CALLOUTS):
        tag.insert(0, f" {tag.name.capitalize()} ")
    out: list[str] = []
    _segments(soup, out)  # like the page: a block's inline text is one line
    return "\n".join(normalise(s.replace("`", "")) for s in out)


def missing_segments(html: str, markdown_text: str) -> list[str]:
    """The page's segments its twin lacks, then the page's code blocks its twin does not
    show exactly as the page does (each as `code: '<text>'`)."""
    text = twin_text(markdown_text)
    missing = [s for s in html_segments(html) if normalise(s.replace("`", "")) not in text]
    code = twin_code_blocks(markdown_text)
    return missing + [f"code: {block!r}" for block in html_code_blocks(html)
                      if block not in code]


def twin_path(site_dir: Path, page: Path) -> Path:
    """The twin of a built page (`x/y/index.html` -> `x/y.md`, `index.html` -> `index.md`)."""
    folder = page.parent
    return site_dir / "index.md" if folder == site_dir else folder.parent / (folder.name + ".md")


def site_parity(site_dir: Path) -> dict[str, list[str]]:
    """Every page of a built site that has a twin -> the segments its twin lacks."""
    report: dict[str, list[str]] = {}
    for page in sorted(site_dir.rglob("index.html")):
        twin = twin_path(site_dir, page)
        if not twin.is_file():
            continue
        report[page.parent.relative_to(site_dir).as_posix()] = missing_segments(
            page.read_text(encoding="utf-8"), twin.read_text(encoding="utf-8"))
    return report
