"""Guides in several languages: translations beside their guides, and mkdocs-static-i18n.

A translation sits beside its original with the language before the file's type suffix, as
mkdocs-static-i18n's suffix structure does for Markdown (`index.de.md`):

    harvest/personal-access-token.yaml            the original (the default language)
    harvest/personal-access-token.de.yaml         its German translation
    timberline/timberline.connector.de.s1.yaml    a connector file's translation

The signal is the last dot-separated part before `.yaml` / `.yml` / `.s1.yaml` /
`.s1.partial.yaml`: an ISO 639-1 code (`de`, optionally with a region: `pt-BR`, `zh_TW`) or a
language the static-i18n plugin configures. Keys and slugs are `[a-z0-9-]`, so a guide file
named `pat.v2.yaml` is no translation; one named `setup.it.yaml` would be (rename it).

A translation holds the same guide in another language: it must keep its original's sections,
steps, actions and scopes (and `whitelabel` marks), so white-label and scope filtering work in
every language; it is published at its original's URL under the language's folder
(`de/connectors/...`). A guide without a translation falls back to the original's text, with
the language's own words (the catalog of `words`).

This module never imports MkDocs: it reads the static-i18n plugin object by its attributes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from .documents import Document, load_document
from .errors import GuideError, Problem
from .model import Action, ConnectorInfo, Guide, Section, Source, Step

# ISO 639-1: the two-letter language codes.
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da
de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz
ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln
lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi
pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti
tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split())
TYPE_SUFFIXES = (".s1.partial.yaml", ".s1.yaml", ".yaml", ".yml")  # longest first
_REGION = re.compile(r"^([a-z]{2})(?:[-_][A-Za-z]{2,4})*$")
HINT = ("a translation keeps its original's sections, steps, actions and scopes: translate "
        "the text only")


def is_language(code: str, configured: Iterable[str] = ()) -> bool:
    """True for a configured language, or an ISO 639-1 code with an optional region."""
    if code in configured:
        return True
    match = _REGION.match(code)
    return match is not None and match.group(1) in ISO_639_1


def split_language(name: str, configured: Iterable[str] = ()) -> tuple[str, str | None]:
    """`pat.de.yaml` -> (`pat.yaml`, `de`); a file that is no translation -> (name, None)."""
    for suffix in TYPE_SUFFIXES:
        if name.endswith(suffix):
            stem, dot, code = name[: -len(suffix)].rpartition(".")
            if dot and stem and is_language(code, configured):
                return stem + suffix, code
            return name, None
    return name, None


@dataclass(frozen=True)
class LanguageBuild:
    """One pass of a mkdocs-static-i18n build: the language it builds and the others."""

    language: str
    default: str
    languages: tuple[str, ...]  # every configured language (translations of others are skipped)
    built: tuple[str, ...]  # the languages static-i18n builds, in its order

    def prefix(self, language: str | None = None) -> str:
        """The folder of a language's pages in the site: '' for the default, 'de/' else."""
        language = self.language if language is None else language
        return "" if language == self.default else f"{language}/"


def language_build(plugin: Any) -> LanguageBuild | None:
    """The pass a mkdocs-static-i18n plugin object is about to build (None for no plugin).

    Before its first `on_config` the plugin has no current language: that pass is the
    default language's."""
    if plugin is None or not hasattr(plugin, "build_languages"):
        return None
    default = plugin.default_language
    built = tuple(plugin.build_languages)
    if default is None or not built:
        return None
    current = plugin.current_language or default
    return LanguageBuild(current, default, tuple(plugin.all_languages), built)


@dataclass
class Selection:
    """The files a language's pass loads: each original, or its translation in its place."""

    paths: list[Path]
    originals: dict[Path, Path]  # translation -> its original
    ignored: list[Path]  # translations not used by this pass (other languages)
    problems: list[Problem]


def select(paths: Sequence[Path], language: str | None, configured: Iterable[str] = (),
           display: Any = str) -> Selection:
    """Pick the files of one language's pass from every YAML file of the guides folder.

    `language` None (no static-i18n): every translation is ignored. Otherwise a translation
    into `language` replaces its original in the list (same place, so the same order); a
    translation whose original is missing is a problem."""
    configured = tuple(configured)
    originals: dict[Path, Path] = {}
    ignored: list[Path] = []
    problems: list[Problem] = []
    by_path = {p: i for i, p in enumerate(paths)}
    chosen = list(paths)
    dropped: set[int] = set()
    for i, path in enumerate(paths):
        base, code = split_language(path.name, configured)
        if code is None:
            continue
        dropped.add(i)
        if language is None or code != language:
            ignored.append(path)
            continue
        original = path.with_name(base)
        at = by_path.get(original)
        if at is None:
            problems.append(Problem(Source(display(path), 1, 1),
                                    f"a translation into {code!r} of {base}, which does not exist",
                                    f"name it after its original ('<name>.{code}.yaml' beside "
                                    f"'<name>.yaml'), or add the original"))
            continue
        chosen[at] = path
        originals[path] = original
    return Selection([p for i, p in enumerate(chosen) if i not in dropped],
                     originals, ignored, problems)


def ignored_note(ignored: Sequence[str]) -> str:
    """The one info line of a build without static-i18n that found translations."""
    shown = ", ".join(ignored[:3]) + (f" and {len(ignored) - 3} more" if len(ignored) > 3 else "")
    return (f"{len(ignored)} translation file{'s' if len(ignored) != 1 else ''} ignored "
            f"({shown}): add the mkdocs-static-i18n plugin (i18n) to build guides in several "
            f"languages")


# -- the site's own words in each language (the `strings` option) ------------------------------


def _text(value: object) -> bool:
    """A value YAML gives for text (a number written without quotes is its text)."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _same_language(a: str, b: str) -> bool:
    return a.replace("_", "-").casefold() == b.replace("_", "-").casefold()


def split_strings(strings: Mapping[Any, Any], configured: Iterable[str] = ()
                  ) -> tuple[dict[str, str], dict[str, dict[str, str]], list[str]]:
    """The `strings` option as (the default language's words, each language's words,
    problems). A key that is a language code holding a mapping holds that language's words
    (`de: {picker.title: ...}`); every other key is a message id of the default language's
    (the language the site is written in: `theme.language`, or static-i18n's default).

    The problems are those of the shape alone (a mapping under a key that is no language, a
    language's words that are no mapping of text); the message ids and texts of each
    language are checked as the default language's are (see `optioncheck`)."""
    configured = tuple(configured)
    own: dict[str, str] = {}
    by_language: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for key, value in strings.items():
        key = str(key)
        if not isinstance(value, Mapping):
            own[key] = str(value)
            continue
        if not is_language(key, configured):
            problems.append(f"strings.{key} is {value!r}: write it as text (the words of the "
                            f"message {key!r}); a mapping under a language code holds that "
                            "language's words (strings: {de: {picker.title: ...}})")
            continue
        problems += [_not_text(key, str(message), text) for message, text in value.items()
                     if not _text(text)]
        by_language[key] = {str(m): str(t) for m, t in value.items() if _text(t)}
    return own, by_language, problems


def _not_text(language: str, message: str, text: Any) -> str:
    """The problem of a language's `strings` entry whose value is not text: a message's
    words not written as text, or (no such message) a piece of a text that YAML split at a
    comma of a `{...}` mapping."""
    from .words import message_ids

    if message not in message_ids():
        return (f"strings.{language} holds {message!r}, which is no message id (with no "
                f"text): in a {{...}} mapping a comma ends the text, so put a text that "
                f"holds one in quotes (picker.title: \"Wählen Sie, was …\")")
    return (f"strings.{language}.{message} is {text!r}: write it as text (the words of the "
            f"message {message!r} in {language!r})")


def strings_for(strings: Mapping[Any, Any], language: str | None, default: str | None,
                patterns: Mapping[str, str] | None = None) -> dict[str, str]:
    """The `strings` of one language: its own entry over the default language's words (those
    written at the top level, after the older pattern options' `patterns`) when it is the
    default language, its own entry alone else (the top-level words are in the default
    language: another language keeps its catalog's)."""
    own, by_language, _ = split_strings(strings)
    default_language = language is None or default is None or _same_language(language, default)
    words = {**(patterns or {}), **own} if default_language else {}
    for code, entry in by_language.items():
        if language is not None and _same_language(code, language):
            words |= entry
    return words


# -- the structure of a translation ----------------------------------------------------------


def _at(source: Source) -> str:
    return f"{source.file}:{source.line}"


def _mismatch(here: Source, what: str, there: Source, theirs: str) -> Problem:
    return Problem(here, f"{what}; its original {_at(there)} {theirs}", HINT)


def compare_guides(original: Guide, translation: Guide) -> list[Problem]:
    """Where a translated guide's structure differs from its original's (empty: none)."""
    problems: list[Problem] = []
    t, o = translation, original
    if (t.connector.key, t.kind) != (o.connector.key, o.kind):
        problems.append(_mismatch(t.source, f"connector {t.connector.key!r} ({t.kind})",
                                  o.source, f"is connector {o.connector.key!r} ({o.kind})"))
    problems += _compare_actions(t.actions, o.actions, t.source_of("actions"),
                                 o.source_of("actions"))
    if len(t.sections) != len(o.sections):
        problems.append(_mismatch(t.source_of("sections"), f"{_n(len(t.sections), 'section')}",
                                  o.source_of("sections"), f"has {len(o.sections)}"))
        return problems
    for ts, os_ in zip(t.sections, o.sections, strict=True):
        problems.extend(_compare_part(ts, os_, f"section '{ts.title}'"))
        if len(ts.steps) != len(os_.steps):
            problems.append(_mismatch(ts.source, f"section '{ts.title}' has "
                                      f"{_n(len(ts.steps), 'step')}", os_.source,
                                      f"has {len(os_.steps)}"))
            continue
        for tp, op in zip(ts.steps, os_.steps, strict=True):
            problems.extend(_compare_part(tp, op, f"step '{tp.title}'"))
    return problems


def _compare_part(t: Section | Step, o: Section | Step, name: str) -> list[Problem]:
    problems = []
    if tuple(t.scopes) != tuple(o.scopes):
        problems.append(_mismatch(t.source, f"{name} has the scopes {list(t.scopes)}", o.source,
                                  f"has {list(o.scopes)}"))
    if t.whitelabel != o.whitelabel:
        problems.append(_mismatch(t.source, f"{name} is whitelabel: {t.whitelabel}", o.source,
                                  f"is whitelabel: {o.whitelabel}"))
    if isinstance(t, Step) and isinstance(o, Step) and t.display_scopes != o.display_scopes:
        problems.append(_mismatch(t.source, f"{name} has display_scopes: {t.display_scopes}",
                                  o.source, f"has display_scopes: {o.display_scopes}"))
    return problems + _compare_list(t, o, name)


def _compare_list(t: Section | Step, o: Section | Step, name: str) -> list[Problem]:
    """The same number of list items, each with its original's `whitelabel` mark (an item
    that loses its `hide` would show the vendor's text in white-label builds)."""
    if len(t.list) != len(o.list):
        return [_mismatch(t.source_of("list"), f"{name} has {_n(len(t.list), 'list item')}",
                          o.source_of("list"), f"has {len(o.list)}")]
    problems = []
    for i, (ti, oi) in enumerate(zip(t.list, o.list, strict=True), 1):
        if ti.whitelabel != oi.whitelabel:
            fix = (f"write the item as {{text: ..., whitelabel: {oi.whitelabel}}}, as its "
                   f"original does" if oi.whitelabel else "remove its whitelabel mark, as its "
                   "original has none")
            problems.append(Problem(ti.source, f"list item {i} of {name} is "
                                    f"{_mark(ti.whitelabel)}; its original {_at(oi.source)} is "
                                    f"{_mark(oi.whitelabel)}", fix))
    return problems


def _mark(whitelabel: str | None) -> str:
    return f"whitelabel: {whitelabel}" if whitelabel else "unmarked"


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _compare_actions(t: Sequence[Action], o: Sequence[Action], t_at: Source,
                     o_at: Source) -> list[Problem]:
    """The same action ids with the same scopes, in the same order; the problem points at the
    first action that differs (in a partial, where it is written)."""
    ta, oa = [(a.id, tuple(a.scopes)) for a in t], [(a.id, tuple(a.scopes)) for a in o]
    if ta == oa:
        return []
    i = next((i for i, (x, y) in enumerate(zip(ta, oa, strict=False)) if x != y),
             min(len(ta), len(oa)))
    here = t[i].source if i < len(t) else t_at
    there = o[i].source if i < len(o) else o_at
    return [_mismatch(here, f"the actions are {_actions(ta)}", there, f"has {_actions(oa)}")]


def _actions(actions: list[tuple[str, tuple[str, ...]]]) -> str:
    return "[" + ", ".join(f"{i} {list(s)}" for i, s in actions) + "]" if actions else "none"


def compare_connectors(original: ConnectorInfo, translation: ConnectorInfo) -> list[Problem]:
    """Where a translated connector file's structure differs from its original's."""
    t, o = translation, original
    problems = []
    if t.connector.key != o.connector.key:
        problems.append(_mismatch(t.source, f"connector {t.connector.key!r}", o.source,
                                  f"is connector {o.connector.key!r}"))
    problems += _compare_actions(t.actions, o.actions, t.source, o.source)
    tk, ok = [m.key for m in t.auth_methods], [m.key for m in o.auth_methods]
    if tk != ok:
        problems.append(_mismatch(t.source, f"the authentication methods are {tk}", o.source,
                                  f"has {ok}"))
        return problems
    for tm, om in zip(t.auth_methods, o.auth_methods, strict=True):
        for name in ("config_fields", "setup_fields"):
            tf = [f.key for f in getattr(tm, name)]
            of = [f.key for f in getattr(om, name)]
            if tf != of:
                problems.append(_mismatch(tm.source, f"the {name} of {tm.key!r} are {tf}",
                                          om.source, f"has {of}"))
    return problems


def adopt(original: Guide, translation: Guide) -> Guide:
    """The translation at its original's URL (a translated `auth.label` gives another slug)."""
    return replace(translation, auth_slug=original.auth_slug,
                   connector=replace(translation.connector, key=original.connector.key))


def _where(document: Document) -> Source:
    """Where a file's structure is declared: its connector (`info:`), or its one guide."""
    if document.connector is not None:
        return document.connector.source
    return document.guides[0].source  # (a guide file holds one guide)


def translated(document: Document, original_path: Path, original_file: str,
               max_bytes: int) -> tuple[Document, list[Problem]]:
    """A translation's document checked against its original's: (what to publish, problems).

    A translation whose structure differs is an error and its original is published in its
    place (the language's words, the original's text), as for a guide with no translation."""
    try:
        original = load_document(original_path, max_bytes=max_bytes, file=original_file)
    except GuideError:
        return document, []  # the original's own problems are reported by the default pass
    problems: list[Problem] = []
    if (document.connector is None) != (original.connector is None):
        kind = "a connector file" if original.connector is not None else "a guide file"
        return original, [Problem(_where(document), f"the translation of {kind} must be "
                                  f"{kind} too", HINT)]
    if document.connector is not None:
        problems += compare_connectors(original.connector, document.connector)
    if len(document.guides) != len(original.guides):
        problems.append(_mismatch(_where(document), f"{_n(len(document.guides), 'guide')}",
                                  _where(original), f"has {len(original.guides)}"))
    else:
        for o, t in zip(original.guides, document.guides, strict=True):
            problems += compare_guides(o, t)
    if problems:
        return original, problems
    guides = [adopt(o, t) for o, t in zip(original.guides, document.guides, strict=True)]
    connector = document.connector
    if connector is not None:
        methods = tuple(replace(t, slug=o.slug) for o, t in
                        zip(original.connector.auth_methods, connector.auth_methods, strict=True))
        connector = replace(connector, auth_methods=methods,
                            connector=replace(connector.connector,
                                              key=original.connector.connector.key))
    return replace(document, guides=guides, connector=connector), []


# -- MkDocs glue without MkDocs: the static-i18n plugin's attributes ---------------------------


class Alternate:
    """A page of another language, as static-i18n's switcher and sitemap read it."""

    page = None

    def __init__(self, url: str) -> None:
        self.url = url


def mark_alternates(files: Iterable[Any], build: LanguageBuild) -> list[Any]:
    """Give generated page files the attributes static-i18n gives the docs' own pages, so
    its language switcher (Material's `extra.alternate`) lands on the same page in each
    language; returns the files marked."""
    marked = []
    prefix = build.prefix()
    for file in files:
        url = file.url.removeprefix(prefix) if prefix else file.url
        file.locale = build.language
        file.locale_alternate_of = build.language
        file.localization = None if build.language == build.default else build.language
        file.norm_src_uri = file.src_uri.removeprefix(prefix) if prefix else file.src_uri
        file.alternates = {lang: (file if lang == build.language
                                  else Alternate(build.prefix(lang) + url))
                           for lang in build.built}
        marked.append(file)
    return marked


def find_in_language(files: Any, build: LanguageBuild, ours: Collection[str]) -> None:
    """Let a docs page of another language than the default link to a generated page as it
    links to a docs page: by the path without the language's folder.

    static-i18n keeps a page's `src_uri` (`index.md`, `index.de.md`) and moves only where it
    lands (`de/index.html`), so the link `connectors/index.md` of `index.md` names a file
    `connectors/index.md`; our pages of this pass are at `de/connectors/index.md` (their URL
    and twin follow from it). `files` then finds a path that names no file at the language's
    folder, if one of `ours` (src_uris) is there: MkDocs' link check and the twins' links
    land on this language's page, and a docs file of that path still wins."""
    prefix = build.prefix()
    if not prefix:
        return
    ours = frozenset(ours)
    lookup = type(files).get_file_from_path.__get__(files)  # (the class's: set it once only)

    def get_file_from_path(path: str) -> Any:
        found = lookup(path)
        if found is None:
            mine = prefix + PurePosixPath(path).as_posix()
            if mine in ours:
                found = lookup(mine)
        return found

    files.get_file_from_path = get_file_from_path


def move_handler(handlers: list[Any], ours: Any, theirs_owner: Any, *, after: bool) -> None:
    """Move the handler `ours` of an event right after (or before) the handler of the plugin
    object `theirs_owner` in MkDocs' list of handlers (same priority, plugin order aside)."""
    if ours not in handlers:
        return
    theirs = [i for i, h in enumerate(handlers) if getattr(h, "__self__", None) is theirs_owner]
    if not theirs:
        return
    here = handlers.index(ours)
    if (after and here > theirs[-1]) or (not after and here < theirs[0]):
        return
    handlers.pop(here)
    theirs = [i for i, h in enumerate(handlers) if getattr(h, "__self__", None) is theirs_owner]
    handlers.insert(theirs[-1] + 1 if after else theirs[0], ours)


__all__ = ["ISO_639_1", "LanguageBuild", "Selection", "adopt", "compare_connectors",
           "compare_guides", "find_in_language", "ignored_note", "is_language", "language_build",
           "mark_alternates", "move_handler", "select", "split_language", "split_strings",
           "strings_for", "translated"]
