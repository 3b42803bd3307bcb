"""The shapes of the plugin's option values, checked once for the plugin (its MkDocs config,
types already checked by MkDocs) and for the `guidebook` command (mkdocs.yml as read, no
MkDocs): what MkDocs' types let through and would make no sense, or a traceback, further on.
No MkDocs imports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# (option, what its value counts): each 1 or more
_COUNTS = (("nav_group_size", "a number of connectors"), ("max_guide_bytes", "a number of bytes"),
           ("workers", "a number of processes"))


def _scalar(value: object) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def option_problems(options: Mapping[str, Any]) -> list[str]:
    """What is wrong with the values of the guidebook options `options` (absent or None
    values are the defaults): brands without a name or hub or with values that are not text,
    counts below one, empty white-label terms, replacements that are not text, llms.sections
    whose globs are not text, category names that are not text. Each names the option and
    the fix."""
    problems: list[str] = []
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
    for option, what in _COUNTS:
        value = options.get(option)
        if value is not None and not _count(value):
            default = "every CPU" if option == "workers" else "the default"
            problems.append(f"{option} {value!r} is not {what} (use 1 or more, or leave it out "
                            f"for {default})")
    llms = options.get("llms")
    llms = llms if isinstance(llms, Mapping) else {}
    budget = llms.get("budget")
    if budget is not None and not _count(budget):
        problems.append(f"llms.budget {budget!r} is not a number of characters (use 1 or more, "
                        "or leave it out for the default)")
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
