"""The checks of the plugin's option values, made once for the plugin (its MkDocs config,
types already checked by MkDocs) and for the `guidebook` command (mkdocs.yml as read, no
MkDocs): their shapes (what MkDocs' types let through and would make no sense, or a traceback,
further on), then the values that reach the pages and the Markdown outputs. No MkDocs
imports."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from . import markdown

# (option, what its value counts): each 1 or more
_COUNTS = (("nav_group_size", "a number of connectors"), ("max_guide_bytes", "a number of bytes"),
           ("workers", "a number of processes"), ("llms.budget", "a number of characters"))


def _scalar(value: object) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def option_problems(options: Mapping[str, Any]) -> list[str]:
    """What is wrong with the values of the guidebook options `options` (absent or None
    values are the defaults): `strings` values that are not text, brands without a name or
    hub or with values that are not text, counts below one, empty white-label terms,
    replacements that are not text, llms.sections whose globs are not text, category names
    that are not text. Each names the option and the fix."""
    problems: list[str] = []
    for option in ("strings", "categories", "whitelabel_replace"):
        value = options.get(option)
        if value is not None and not isinstance(value, Mapping):
            problems.append(f"the {option} option is {value!r}: write it as a mapping")
    if problems:
        return problems
    from .languages import split_strings

    strings = options.get("strings") or {}
    problems += [f"strings.{key} is {value!r}: write it as text (the words of the message "
                 f"{key!r}; `guidebook strings` shows its English text)"
                 for key, value in strings.items()
                 if not _scalar(value) and not isinstance(value, Mapping)]
    problems += split_strings(strings)[2]  # (a language's words: `de: {id: text}`)
    for option in ("brand", "whitelabel_brand"):
        brand = options.get(option)
        if brand is None:
            continue
        if not isinstance(brand, Mapping):
            problems.append(f"the {option} option is {brand!r}: write it as a mapping with at "
                            "least name and hub")
            continue
        for key in ("name", "hub"):
            if key not in brand:
                problems.append(f"the {option} option needs a '{key}' key (the {key} guides "
                                f"show as {{{{ brand.{key} }}}})")
            elif brand[key] is None or (_scalar(brand[key]) and not str(brand[key]).strip()):
                problems.append(f"{option}.{key} is empty: write the {key} guides show as "
                                f"{{{{ brand.{key} }}}}")
        problems += [f"{option}.{key} is {value!r}: write it as text (guides show it as "
                     f"{{{{ brand.{key} }}}})" for key, value in brand.items()
                     if value is not None and not _scalar(value)]
    llms = options.get("llms")
    llms = llms if isinstance(llms, Mapping) else {}
    for option, what in _COUNTS:
        value = llms.get("budget") if option == "llms.budget" else options.get(option)
        if value is not None and not _count(value):
            default = "every CPU" if option == "workers" else "the default"
            problems.append(f"{option} {value!r} is not {what} (use 1 or more, or leave it out "
                            f"for {default})")
    sections = llms.get("sections")
    for title, globs in (sections.items() if isinstance(sections, Mapping) else ()):
        if not _scalar(title) or not str(title).strip():
            problems.append(f"llms.sections has the title {title!r}: name the section")
        elif not isinstance(globs, str) and not (
                isinstance(globs, list) and all(isinstance(g, str) for g in globs)):
            problems.append(f"llms.sections {title!r} is {globs!r}: give a list of globs of "
                            'page URLs or twin paths (e.g. ["start/*"])')
    if sections is not None and not isinstance(sections, Mapping):
        problems.append(f"llms.sections is {sections!r}: write a mapping of section title to "
                        "globs")
    forbid = options.get("whitelabel_forbid")
    for term in forbid if isinstance(forbid, list) else ():
        if not _scalar(term) or not str(term).strip():
            problems.append(f"whitelabel_forbid has the term {term!r}: it would forbid nothing "
                            "(remove it)")
    replace = options.get("whitelabel_replace")
    for text, replacement in (replace.items() if isinstance(replace, Mapping) else ()):
        if not _scalar(text) or not str(text):
            problems.append(f"whitelabel_replace has the key {text!r}: replace a text of one "
                            "character or more")
        elif not _scalar(replacement):
            problems.append(f"whitelabel_replace {text!r} has the replacement {replacement!r}: "
                            "write the text that replaces it ('' removes it)")
    categories = options.get("categories")
    for key, name in (categories.items() if isinstance(categories, Mapping) else ()):
        if not _scalar(name):
            problems.append(f"categories.{key} is {name!r}: write the category's display name "
                            "as text")
    return problems


_LINK_HINT = ("use an https, http, mailto or tel URL or a site path; javascript:, data: and "
              "other schemes are refused")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _unsafe_links(text: str) -> list[str]:
    """The link and image targets of `text` (read as guide Markdown) that are not allowed."""
    if not markdown.may_link_unsafely(text):
        return []
    return [target for _, target in markdown.links(text) if not markdown.is_safe_url(target)]


def config_problems(options: Mapping[str, Any], site_url: str | None = None) -> list[str]:
    """What is wrong with the guidebook options `options` (absent or None values are the
    defaults) and the site's `site_url`: the shapes of the values (see `option_problems`),
    then those that reach the pages and the Markdown outputs: `brand.*_url` (and the
    white-label brand's) and the page action URLs pass the link allow-list, `nav_title` and
    the title/description patterns are checked like guide text, `site_url` is http(s). Each
    message names the option and the fix."""
    problems = option_problems(options)
    if problems:
        return problems
    brand = options.get("brand") or {}
    for option, values in (("brand", brand), ("whitelabel_brand",
                                              options.get("whitelabel_brand") or {})):
        for key, value in values.items():
            if str(key).endswith("_url") and value not in (None, ""):
                url = str(value)
                if not markdown.is_safe_url(url) or _CONTROL.search(url) or " " in url.strip():
                    problems.append(f"{option}.{key} {url!r} is not an allowed link ({_LINK_HINT})")
            elif isinstance(value, str):  # text guides use as {{ brand.KEY }}: as guide text
                problems += [f"{option}.{key} links to {target!r}, which is not allowed "
                             f"({_LINK_HINT})" for target in _unsafe_links(value)]
    actions = options.get("page_actions")
    for key in ("chatgpt", "claude"):
        template = str((actions.get(key) if isinstance(actions, Mapping) else None) or "")
        if template and markdown.link_scheme(template) not in ("http", "https"):
            problems.append(f"page_actions.{key} {template!r} is not an http(s) URL template "
                            "(use https://...{url}..., or an empty value to drop the item)")
    if site_url and (markdown.link_scheme(site_url) not in ("http", "https")
                     or re.search(r"[\s<>\"'`\\]", site_url)):
        problems.append(f"site_url {site_url!r} is not an http(s) URL (the llms.txt links and "
                        "the Markdown twins point at it; use https://...)")
    nav_title = options.get("nav_title")
    title = str(nav_title) if nav_title is not None else "Connectors"
    if not title.strip() or _CONTROL.search(title):
        problems.append(f"nav_title {title!r} must be one line of text (it is the title of the "
                        "connectors page and of its section in the navigation)")
    problems += [f"nav_title {title!r} links to {target!r}, which is not allowed ({_LINK_HINT}); "
                 "nav_title is plain text: leave links out" for target in _unsafe_links(title)]
    if problems:
        return problems  # (the messages render the brand)
    from .languages import split_strings
    from .words import PATTERNS, pattern_strings

    own, by_language, _ = split_strings(options.get("strings") or {})
    strings = pattern_strings(options) | own
    names = {message: option for option, message in PATTERNS.items()}
    brand_text = {str(k): str(v) for k, v in brand.items()}
    problems += _message_problems(None, strings, brand_text, lambda message: names[message]
                                  if message in names and message not in own
                                  else f"strings.{message}")
    for language, words in by_language.items():  # each language's, checked alike
        problems += _message_problems(language, words, brand_text,
                                      lambda message, language=language:
                                      f"strings.{language}.{message}")
    return problems


def _message_problems(language: str | None, strings: Mapping[str, str],
                      brand: Mapping[str, str], option: Any) -> list[str]:
    """What is wrong with the texts `strings` of one language (`option(message)` names where
    each is written): unknown ids, control characters, variables the message has not, links
    the allow-list refuses."""
    from .words import Words, WordsError, text_problem

    problems: list[str] = []
    try:
        words = Words(language, strings, brand)
    except WordsError as exc:
        where = f"strings.{language}: " if language else ""
        return [where + str(exc)]
    for message, text in strings.items():
        option_name = option(message)
        if _CONTROL.search(text.replace("\n", " ")):
            problems.append(f"{option_name} has control characters: write it on one line")
        problem = text_problem(message, text)  # (the variables the message has)
        if problem:
            problems.append(f"{option_name} {problem}")
            continue
        try:  # rendered with those variables, as the build does
            rendered = words.sample(message)
        except WordsError as exc:
            problems.append(f"{option_name}: {exc}")
            continue
        problems += [f"{option_name} links to {target!r}, which is not allowed ({_LINK_HINT})"
                     for target in _unsafe_links(rendered)]
    return problems
