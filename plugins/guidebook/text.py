"""Brand placeholders in guide text: `{{ brand.name }}`, `{{ brand.hub }}`, any brand key.

Guide text is rendered in Jinja's sandbox with only `brand` in scope; an unknown key or any
other expression is an error that names the line it was written on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, TypeVar

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import GuideError, Problem
from .model import Source

_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_ALLOWED = "only {{ brand.KEY }} placeholders are allowed"
T = TypeVar("T")


def has_placeholder(text: str) -> bool:
    return "{" in text and ("{{" in text or "{%" in text or "{#" in text)


def refers_to_brand(text: str) -> bool:
    """Whether a text holds a `{{ brand.KEY }}` placeholder (connector files' reference texts
    are expanded only then: other braces there are the vendor's own)."""
    return has_placeholder(text) and "brand" in text


# Tokens that start or end a tag: a '-' or '+' in one trims or keeps the text around it
_TAG_EDGES = {"variable_begin", "variable_end", "block_begin", "block_end"}


def line_in(source: Source, text: str, line: int) -> Source:
    """Where line `line` (1-based) of `text` is in its file, `source` being where the text
    starts (`load.text_at`) or its key: a text of several lines ending in a line break is a
    block scalar (`|`), whose first line follows the `|`; for any other, `source`."""
    if "\n" not in text.strip() or not text.endswith("\n") or line <= 0:
        return source
    return Source(source.file, source.line + line, 1)


class _Silent(TemplateSyntaxError):
    """Jinja syntax that would change the text without a word; `fix` says what to write."""

    def __init__(self, message: str, lineno: int, fix: str) -> None:
        super().__init__(message, lineno)
        self.fix = fix


def _check_tokens(text: str) -> None:
    """Raise `_Silent` for comments (`{# x #}`, which disappear from the text) and whitespace
    control (`{{- x -}}`, which eats the spaces around it)."""
    tag: list[str] = []  # the tokens of the tag being read, as written
    for lineno, kind, value in _ENV.lex(text):
        if kind.endswith("_begin"):
            tag, start = [], lineno
        tag.append(value.strip() if kind.endswith(("_begin", "_end")) else value)
        if kind == "comment_end":
            raise _Silent(f"{''.join(tag)!r} is a Jinja comment, which would be dropped from "
                          "the page", start, "write {{ '{#' }} for a literal '{#'")
        if kind in _TAG_EDGES and kind.endswith("_end") and any(
                mark in edge for edge in (tag[0], value) for mark in "-+"):
            raise _Silent(f"{''.join(tag)!r} would remove the spaces around it", start,
                          "write {{ brand.KEY }} without '-' or '+'")


@lru_cache(maxsize=4096)
def _compile(text: str) -> Any:
    _check_tokens(text)
    tree = _ENV.parse(text)
    placeholders: set[int] = set()  # the `brand` names of `brand.KEY` (a bare {{ brand }} is not)
    for node in tree.find_all(nodes.Node):
        if isinstance(node, (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Const)):
            continue
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) \
                and node.node.name == "brand":
            placeholders.add(id(node.node))
            continue
        if isinstance(node, nodes.Name) and id(node) in placeholders:
            continue
        raise TemplateSyntaxError("unsupported expression", node.lineno)
    return _ENV.from_string(tree)


def expand(text: str, brand: Mapping[str, str], source: Source) -> str:
    """`text` with its brand placeholders filled in (raises GuideError)."""
    if not has_placeholder(text):
        return text
    try:
        template = _compile(text)
        for node in _ENV.parse(text).find_all(nodes.Getattr):
            if node.attr not in brand:
                known = ", ".join(f"brand.{k}" for k in sorted(brand))
                raise GuideError(Problem(line_in(source, text, node.lineno),
                                         f"unknown brand key 'brand.{node.attr}'",
                                         f"known keys: {known}; or add it to the brand option"))
        return str(template.render(brand=dict(brand)))
    except GuideError:
        raise
    except (TemplateError, RecursionError) as exc:  # (Jinja's parser recurses once per
        # bracket: `{{ [[[[...`)
        why = "nested too deeply" if isinstance(exc, RecursionError) else exc.message or exc
        where = line_in(source, text, getattr(exc, "lineno", 0))
        fix = exc.fix if isinstance(exc, _Silent) else \
            "write {{ '{#' }} for a literal '{#'" if "comment" in str(why) else \
            "write {{ '{{' }} for literal braces"
        raise GuideError(Problem(where, f"bad placeholder in text: {why}",
                                 f"{_ALLOWED}; {fix}")) from None


def _text_fields(cls: type) -> tuple[str, ...]:
    """The fields of a model class that `map_text` visits (cached per class)."""
    names = _FIELDS.get(cls)
    if names is None:
        skip = {*_NOT_TEXT.get(cls.__name__, ()), "source", "key_sources"}
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.name not in skip)
    return names


_FIELDS: dict[type, tuple[str, ...]] = {}


M = TypeVar("M")


def map_text(guide: M, fn: Callable[[str, Source], str]) -> M:
    """A copy of `guide` (or of any model object, such as a ConnectorInfo) with
    `fn(text, source)` applied to every author-written text."""

    def walk(obj: T, source: Source) -> T:
        if isinstance(obj, str):
            return fn(obj, source)  # type: ignore[return-value]
        if isinstance(obj, tuple):
            items = tuple(walk(x, source) for x in obj)
            return obj if all(a is b for a, b in zip(items, obj, strict=True)) else items  # type: ignore[return-value]
        if obj is None or isinstance(obj, (bool, int)):
            return obj
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            own = getattr(obj, "source", source)
            changes = {}
            for name in _text_fields(type(obj)):
                value = getattr(obj, name)
                new = walk(value, own)
                if new is not value:
                    changes[name] = new
            return dataclasses.replace(obj, **changes) if changes else obj  # type: ignore
        return obj

    return walk(guide, guide.source)


# Identifiers and machine values that are never brand-expanded or rewritten.
_NOT_TEXT: dict[str, tuple[str, ...]] = {
    "Guide": ("auth_slug", "kind"),
    "Connector": ("key",),
    "Action": ("id", "scopes", "categories"),
    "Field": ("key", "type"),
    "AuthMethod": ("key", "slug", "link"),
    "ConnectorInfo": ("icon",),
    "Step": ("scopes", "whitelabel"),
    "Section": ("scopes", "whitelabel"),
    "ListItem": ("whitelabel",),
    "Image": ("src",),
    "Callout": ("type",),
}


def expand_guide(guide: M, brand: Mapping[str, str], *, only_brand: bool = False) -> M:
    """The guide (or connector info) with every brand placeholder filled in; all bad
    placeholders in one error. With `only_brand` (a connector's reference texts), only texts
    that refer to `brand.` are expanded: other braces there are the vendor's own."""
    if not getattr(guide, "templated", True):
        return guide
    problems: list[Problem] = []

    def fn(text: str, source: Source) -> str:
        if only_brand and not refers_to_brand(text):
            return text
        try:
            return expand(text, brand, source)
        except GuideError as exc:
            problems.extend(exc.problems)
            return text

    out = map_text(guide, fn)
    if problems:
        raise GuideError(problems)
    return out


__all__ = ["expand", "expand_guide", "has_placeholder", "line_in", "map_text",
           "refers_to_brand"]
