"""The generator's own words: one catalog per language (`messages/<language>.yaml`).

Every text guidebook adds to a page, a Markdown twin or llms.txt — headings and sentences of
the hub and connector-profile blocks, default titles, the picker's labels and messages, page
actions, connector-page headings, llms.txt section names — has a message id. A message is
inline Markdown and a Jinja template that may use `{{ brand.KEY }}` and the variables its
comment in `en.yaml` names; the HTML pages get it as safe HTML, the Markdown outputs as
Markdown, the picker's script through the page. A site rewords any message with the plugin's
`strings` option, in its own language (`theme.language` picks the catalog).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from . import markdown, mdescape

DEFAULT_LANGUAGE = "en"
_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


# The older plugin options that set a message (the `strings` option wins over them).
PATTERNS = {"title_pattern": "guide.title", "description_pattern": "guide.description",
            "profile_title_pattern": "profile.title",
            "profile_description_pattern": "profile.description"}


class WordsError(ValueError):
    """A bad `strings` option: unknown id, or a text that is not a valid template."""


def languages() -> list[str]:
    """The languages guidebook ships a catalog for."""
    folder = resources.files("guidebook.messages")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                  if p.name.endswith(".yaml"))


@cache
def catalog(language: str) -> dict[str, str]:
    """The packaged messages of one language (id -> text)."""
    path = resources.files("guidebook.messages") / f"{language}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def pick_language(language: str | None) -> str:
    """The shipped catalog for a theme language ('de', 'de-CH' and 'de_AT' -> 'de'); English
    when there is none."""
    if not language:
        return DEFAULT_LANGUAGE
    shipped = languages()
    for candidate in (language, language.replace("_", "-").split("-")[0]):
        if candidate.lower() in shipped:
            return candidate.lower()
    return DEFAULT_LANGUAGE


def escape(value: str) -> str:
    """A name or label as inline Markdown text (no syntax of its own)."""
    return mdescape.text(value)


def article(word: str) -> str:
    """'a Harvest', 'an Ashby', 'an HR tool', 'a Unit4', 'a 1Password'."""
    w = word.strip()
    if not w:
        return w
    first = w.split()[0]
    lower = first.lower()
    if first.isupper() and len(first) > 1 and first.isalpha():  # an acronym: SAP, HR, FTP
        an = first[0] in "AEFHILMNORSX"
    elif lower.startswith(("uni", "use", "usu", "uti", "eu", "one", "once")):
        an = False
    elif lower.startswith(("hour", "honest", "honor", "heir")):
        an = True
    else:
        an = lower[0] in "aeiou" or lower[0] == "8"
    return f"{'an' if an else 'a'} {w}"


_ENV.filters["article"] = article


@lru_cache(maxsize=512)
def _template(text: str) -> Any:
    return _ENV.from_string(text)


def _destination(url: object) -> str:
    """A `*_url` variable as a link destination ("" when missing or not allowed); an autolink
    `<...>` stays as it is."""
    url = str(url or "")
    if url.startswith("<") and url.endswith(">"):
        return mdescape.autolink(url[1:-1])
    return (mdescape.url(url) or "") if url else ""


class Words:
    """The messages of one build: a language's catalog, the site's `strings`, its brand."""

    def __init__(self, language: str | None = None, strings: Mapping[str, str] | None = None,
                 brand: Mapping[str, str] | None = None) -> None:
        self.language = pick_language(language)
        base = catalog(self.language)
        unknown = [k for k in (strings or {}) if k not in base]
        if unknown:
            hints = []
            for key in unknown:
                close = difflib.get_close_matches(key, list(base), n=1, cutoff=0.6)
                hints.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise WordsError(f"unknown message id {', '.join(hints)} in the strings option "
                             "(`guidebook strings` lists every id)")
        self.messages = {**base, **{str(k): str(v) for k, v in (strings or {}).items()}}
        self.brand = {k: escape(v) for k, v in (brand or {}).items()}
        self._done: dict[tuple[Any, ...], str] = {}  # md() results: a page asks for the same
        # few messages with the same names many times
        for key, text in (strings or {}).items():
            try:
                _template(str(text))
            except (TemplateError, RecursionError) as exc:  # (`{{ [[[[...`: the latter)
                why = "it is nested too deeply" if isinstance(exc, RecursionError) else exc
                raise WordsError(f"the strings option's text for {key!r} is not valid: "
                                 f"{why}") from None

    def md(self, message_id: str, **variables: Any) -> str:
        """A message as inline Markdown; text variables are escaped, `*_url` ones kept."""
        try:
            key = (message_id, *sorted(variables.items()))
            return self._done[key]
        except TypeError:  # a variable that is not hashable: not kept
            return self._md(message_id, variables)
        except KeyError:
            found = self._done[key] = self._md(message_id, variables)
            return found

    def _md(self, message_id: str, variables: dict[str, Any]) -> str:
        values = {k: (_destination(v) if k.endswith("_url") else
                      escape(v) if isinstance(v, str) else v)
                  for k, v in variables.items()}
        try:
            text = _template(self.messages[message_id]).render(brand=self.brand, **values)
        except TemplateError as exc:
            raise WordsError(f"message {message_id!r} failed: {exc}") from None
        return " ".join(text.split())

    def html(self, message_id: str, **variables: Any) -> Markup:
        """A message as safe inline HTML."""
        return Markup(markdown.inline(self.md(message_id, **variables)))  # noqa: S704 - sanitised

    def text(self, message_id: str, **variables: Any) -> str:
        """A message as plain text (titles, attributes, llms.txt section names)."""
        return markdown.plain(self.md(message_id, **variables))

    def script(self, prefix: str) -> dict[str, str]:
        """The messages a page script uses (`picker.`, `index.`), as plain text; {n}-style
        placeholders are the script's to fill in."""
        found = {}
        for key in self.messages:
            if key.startswith(prefix):
                try:
                    found[key] = self.text(key)
                except WordsError:
                    continue  # a message of the page itself: it needs the page's variables
        return found

    def all(self) -> dict[str, str]:
        """Every id with its text as written (after the site's `strings`)."""
        return dict(self.messages)


__all__ = ["PATTERNS", "Words", "WordsError", "catalog", "escape", "languages", "pick_language"]
