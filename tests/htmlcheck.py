"""Shared assertions: HTML (and Markdown that a consumer may render as HTML) carries no
executable markup, no event handler, no dangerous URL and no attribute we did not write."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

# Tags that run code, load other documents or change how the page is parsed.
FORBIDDEN_TAGS = frozenset({
    "script", "iframe", "frameset", "object", "embed", "applet", "base", "meta",
    "link", "style", "form", "svg", "math", "template", "noscript", "xmp", "plaintext",
    "portal", "audio", "video", "source", "track",
})
# Attributes the guide templates and the Markdown renderer write (data-* are checked apart).
ALLOWED_ATTRS = frozenset({
    "alt", "aria-label", "aria-labelledby", "aria-live", "aria-hidden", "aria-describedby",
    "aria-pressed",
    "autocomplete", "checked", "class", "colspan", "rowspan", "for", "hidden", "href", "id",
    "loading", "name", "placeholder", "readonly", "rel", "role", "rows", "scope", "spellcheck",
    "src", "start", "style", "target", "title", "type", "value", "open", "tabindex", "lang",
    "dir", "disabled",
})
URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster",
                       "background", "srcset", "data"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_STRIP = re.compile(r"[\x00-\x20\x7f-\x9f]+")
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_STYLE = re.compile(r"^text-align:(left|right|center)$")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see (entities decoded, whitespace and controls dropped)."""
    cleaned = _STRIP.sub("", html.unescape(html.unescape(value)))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


class _Scan(HTMLParser):
    def __init__(self, allowed_attrs: frozenset[str] | None) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed = allowed_attrs
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"event handler {name}={value!r} on <{tag}>")
            if name in URL_ATTRS and value is not None:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    self.found.append(f"{scheme}: URL in {name} of <{tag}>: {value!r}")
            if name == "style" and value is not None and not _STYLE.match(value):
                self.found.append(f"style={value!r} on <{tag}>")
            if self.allowed is not None and name not in self.allowed and \
                    not name.startswith(("data-guide", "data-gb-", "data-whitelabel",
                                         "data-action-id", "data-md-",
                                         "data-search-exclude", "data-markdown-ignore")):
                self.found.append(f"unexpected attribute {name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def html_problems(text: str, *, strict_attrs: bool = True) -> list[str]:
    """Everything unsafe in an HTML fragment (empty when it is clean)."""
    scan = _Scan(ALLOWED_ATTRS if strict_attrs else None)
    scan.feed(text)
    scan.close()
    return scan.found


_CONSUMER = MarkdownIt("commonmark", {"html": True}).enable("table")


def markdown_problems(text: str) -> list[str]:
    """Everything unsafe in Markdown once rendered the way a consumer would (raw HTML on)."""
    return html_problems(_CONSUMER.render(text), strict_attrs=False)


def assert_safe_html(text: str, where: str = "", *, strict_attrs: bool = True) -> None:
    found = html_problems(text, strict_attrs=strict_attrs)
    assert not found, f"{where}: {found[:5]}"


def assert_safe_markdown(text: str, where: str = "") -> None:
    found = markdown_problems(text)
    assert not found, f"{where}: {found[:5]}"
