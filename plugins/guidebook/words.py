"""The generator's own words: one catalog per language (`messages/<language>.yaml`).

Every text guidebook adds to a page, a Markdown twin or llms.txt — headings and sentences of
the hub and connector-profile blocks, default titles, the picker's labels and messages, page
actions, connector-page headings, llms.txt section names — has a message id. A message is
inline Markdown and a Jinja template that may use `{{ brand.KEY }}` and the variables
`VARIABLES` declares for it (the build renders it with exactly those; the `strings` check
too); the HTML pages get it as safe HTML, the Markdown outputs as Markdown escaped as a
guide's text is, the picker's script through the page (its `{name}` placeholders, `SCRIPT`,
and plural forms by CLDR category, chosen by the script). A site rewords any message with the
plugin's `strings` option, in its own language (`theme.language` picks the catalog).
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml
from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from . import defaults, markdown, mdescape

DEFAULT_LANGUAGE = "en"
_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


# The older plugin options that set a message (the `strings` option wins over them).
PATTERNS = {"title_pattern": "guide.title", "description_pattern": "guide.description",
            "profile_title_pattern": "profile.title",
            "profile_description_pattern": "profile.description"}


def pattern_strings(options: Mapping[str, Any]) -> dict[str, str]:
    """The words the older pattern options of the plugin `options` write (`title_pattern` is
    `strings: {guide.title: ...}`)."""
    return {message: str(options.get(option)) for option, message in PATTERNS.items()
            if options.get(option) is not None}


# The variables each message may use besides {{ brand.KEY }} (a message not named here has
# none). The build renders a message with exactly these, and `strings` is checked with them.
VARIABLES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("guide.title", "guide.description", "profile.title",
                     "profile.description"), ("provider", "auth")),
    **dict.fromkeys(("hub.heading", "hub.open.title", "hub.fields.title", "hub.fields.text",
                     "hub.connect.title", "hub.connect.click", "hub.connect.authorize",
                     "hub.connect.confirm", "profile.heading", "profile.open.title",
                     "profile.open.text", "profile.fields.title", "profile.fields.text",
                     "profile.save.title", "profile.save.text"), ("provider", "auth")),
    "hub.open.text": ("provider", "auth", "linking_url"),
    "hub.done": ("provider", "auth", "accounts_url"),
    "actions.open": ("assistant",),
    "directive.text": ("llms_url",),
    "connector.lead": ("provider",),
    "connector.icon_alt": ("provider",),
    "connector.guide_link": ("kind",),
    "connector.docs_link": ("provider", "auth"),
    "connector.more": ("action",),
    "index.count": ("connectors", "categories"),
    "index.guides": ("n",),
    "redirect.text": ("page", "page_url"),
}
# The messages of the page's script (guidebook.js) and the {name} placeholders it fills in;
# those with .one/.other forms are plural: the script picks the form by the catalog's
# language (`Words.script` gives it as `lang`), not the page's.
SCRIPT: dict[str, tuple[str, ...]] = {
    "picker.unknown": ("n", "ids"), "picker.copied_scope": ("scope",),
    "picker.copy_scope": ("scope",), "picker.selected_count": ("n",),
    "picker.steps_hidden": ("n",), "picker.copied_scopes": ("n",), "index.shown": ("n",),
}
# The messages whose {name} placeholders the page action links fill in (each one needed).
LINKS: dict[str, tuple[str, ...]] = {"actions.prompt": ("url",)}
# The plural forms (CLDR categories) a plural message may have; `other` is the fallback.
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
# Values the `strings` check renders each message with (the declared variables only).
SAMPLES: dict[str, Any] = {
    "provider": "Harvest", "auth": "API Key", "kind": "Link account", "action": "List users",
    "assistant": "Claude", "llms_url": "https://example.test/llms.txt", "linking_url": "",
    "accounts_url": "", "n": 2, "connectors": 2, "categories": 2,
    "page": "../connectors/harvest/", "page_url": "../connectors/harvest/",
}
_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")
_log = logging.getLogger("mkdocs.plugins.guidebook.words")  # (MkDocs prints its records)


class WordsError(ValueError):
    """A bad `strings` option: unknown id, or a text that is not a valid template."""


def plural_base(message_id: str) -> str | None:
    """The message a plural form belongs to ('index.shown' for 'index.shown.few'), or None."""
    base, _, form = message_id.rpartition(".")
    english = catalog(DEFAULT_LANGUAGE)  # (a plural message has .one and .other in English)
    return base if form in PLURAL_FORMS and f"{base}.one" in english \
        and f"{base}.other" in english else None


def variables(message_id: str) -> tuple[str, ...]:
    """The variables `message_id` may use besides `brand` (see VARIABLES)."""
    return VARIABLES.get(plural_base(message_id) or message_id, ())


def placeholders(message_id: str) -> tuple[str, ...] | None:
    """The {name} placeholders the page's script (or a page action's link) fills into
    `message_id`, or None when it has none."""
    key = plural_base(message_id) or message_id
    return SCRIPT.get(key, LINKS.get(key))


def message_ids() -> list[str]:
    """Every id a `strings` option may set: the catalog's, and every plural form of a plural
    message."""
    known = list(catalog(DEFAULT_LANGUAGE))
    bases = dict.fromkeys(b for b in map(plural_base, known) if b)
    return known + [f"{b}.{form}" for b in bases for form in PLURAL_FORMS
                    if f"{b}.{form}" not in known]


def _may_use(message_id: str) -> str:
    """What a message may use, as the fix of an error: "use {{ provider }} or {{ brand.KEY }}
    with a key of the brand option"."""
    names = [f"{{{{ {name} }}}}" for name in variables(message_id)]
    if (script := placeholders(message_id)) is not None:
        names = [f"{{{name}}}" for name in script]
    return "use " + ", ".join([*names, "{{ brand.KEY }}"][:-1]) + (" or " if names else "") \
        + ("{{ brand.KEY }}" if names else "only {{ brand.KEY }}") \
        + " with a key of the brand option"


def text_problem(message_id: str, text: str) -> str | None:
    """What is wrong with `text` as the text of `message_id` (a variable it does not have, a
    script placeholder written as Jinja, a {name} the script does not fill in), or None."""
    try:
        used = meta.find_undeclared_variables(_ENV.parse(text)) - {"brand"}
    except (TemplateError, RecursionError):
        return None  # (said by Words)
    script = placeholders(message_id)
    if script is not None:
        who = "the page action's link" if message_id in LINKS else "the page's script"
        jinja = sorted(used & set(script))
        if jinja:
            return (f"writes {', '.join(f'{{{{ {n} }}}}' for n in jinja)}: {who} fills this "
                    f"message in, write {', '.join(f'{{{n}}}' for n in jinja)} "
                    f"({_may_use(message_id)})")
        found = set(_PLACEHOLDER.findall(text))
        unknown = sorted(found - set(script))
        if unknown:
            return (f"has {', '.join(f'{{{n}}}' for n in unknown)}, which {who} does not fill "
                    f"in ({_may_use(message_id)})")
        missing = [n for n in LINKS.get(message_id, ()) if n not in found]
        if missing:
            return (f"has no {', '.join(f'{{{n}}}' for n in missing)} (use it where the "
                    "page's address goes)")
    unknown = sorted(used - set(variables(message_id)))
    if unknown:
        return (f"uses {', '.join(f'{{{{ {n} }}}}' for n in unknown)}, which this message "
                f"does not have ({_may_use(message_id)})")
    return None


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
    when there is none, said once per language in the build's log."""
    if not language:
        return DEFAULT_LANGUAGE
    found = shipped_language(language)
    if found is None:
        _say_no_catalog(language)
    return found or DEFAULT_LANGUAGE


def shipped_language(language: str) -> str | None:
    """The shipped catalog of `language` or of its base language ('de-AT' -> 'de'); None."""
    shipped = languages()
    for candidate in (language, language.replace("_", "-").split("-")[0]):
        if candidate.lower() in shipped:
            return candidate.lower()
    return None


@cache
def _say_no_catalog(language: str) -> None:
    _log.info("guidebook: its words have no catalog for the language %r (shipped: %s), so "
              "they are English; translate them with the plugin's strings option "
              "(`guidebook strings` lists every id)", language, ", ".join(languages()))


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
        known = message_ids()
        unknown = [k for k in (strings or {}) if k not in base and k not in known]
        if unknown:
            hints = []
            for key in unknown:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hints.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise WordsError(f"unknown message id {', '.join(hints)} in the strings option "
                             "(`guidebook strings` lists every id)")
        for key, text in (strings or {}).items():
            if not isinstance(text, (str, int, float)) or isinstance(text, bool):
                raise WordsError(f"strings.{key} is {text!r}: write it as text")
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

    def _md(self, message_id: str, given: dict[str, Any]) -> str:
        # Written back as Markdown the way a guide's inline text is: the message's own
        # emphasis, code and allowed links kept, raw HTML and table pipes escaped.
        return mdescape.markdown_inline(self._rendered(message_id, given))

    def _rendered(self, message_id: str, given: dict[str, Any]) -> str:
        """The message's template rendered with its declared variables, on one line."""
        declared = variables(message_id)  # (a caller's other names are not the message's)
        values = {k: (_destination(v) if k.endswith("_url") else
                      escape(v) if isinstance(v, str) else v)
                  for k, v in given.items() if k in declared}
        try:
            text = _template(self.messages[message_id]).render(brand=self.brand, **values)
        except TemplateError as exc:
            raise WordsError(f"message {message_id!r} failed: {exc} "
                             f"({_may_use(message_id)})") from None
        return " ".join(text.split())

    def sample(self, message_id: str) -> str:
        """`message_id` rendered with sample values of its variables, before the escaping of
        `md` (the check of the strings option: its links); raises WordsError naming what it
        may use."""
        problem = text_problem(message_id, self.messages[message_id])
        if problem:
            raise WordsError(f"strings.{message_id} {problem}")
        return self._rendered(message_id, {k: SAMPLES[k] for k in variables(message_id)})

    def html(self, message_id: str, **variables: Any) -> Markup:
        """A message as safe inline HTML."""
        return Markup(markdown.inline(self.md(message_id, **variables)))  # noqa: S704 - sanitised

    def text(self, message_id: str, **variables: Any) -> str:
        """A message as plain text (titles, attributes, llms.txt section names)."""
        return markdown.plain(self.md(message_id, **variables))

    def script(self, prefix: str) -> dict[str, str]:
        """The messages a page script may use (`picker.`, `index.`: those without variables
        of their own), as plain text; {n}-style placeholders are the script's to fill in, and
        it picks a plural message's form (`.one`, `.few`, ..., `.other`) by the language of
        these words, given as `lang` (the catalog's: `en` for a language without one, whose
        page says another)."""
        found = {key: self.text(key) for key in self.messages
                 if key.startswith(prefix) and not variables(key)}
        return {**found, "lang": self.language}

    def chat_url(self, assistant: str, template: str) -> str:
        """The page action URL template of `assistant` ('chatgpt', 'claude'): the configured
        `template` as it is, or, when it is the default, the default with the catalog's
        `actions.prompt` in the site's language."""
        if template != defaults.chat_url(assistant):
            return template  # (the site's own)
        return defaults.chat_url(assistant, self.text("actions.prompt"))

    def all(self) -> dict[str, str]:
        """Every id with its text as written (after the site's `strings`)."""
        return dict(self.messages)


__all__ = ["LINKS", "PATTERNS", "PLURAL_FORMS", "SAMPLES", "SCRIPT", "VARIABLES", "Words", "WordsError",
           "catalog", "escape", "languages", "message_ids", "pattern_strings", "pick_language",
           "placeholders", "plural_base", "shipped_language", "text_problem", "variables"]
