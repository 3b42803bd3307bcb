"""Checks that need the whole guide (the loader has already checked keys and types)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

from . import markdown
from . import schema as S
from .errors import GuideError, Problem
from .linkcheck import base_path, from_page, link_path, path_exists
from .load import text_at
from .model import ConnectorInfo, Guide, Section, Source, Step
from .text import expand, line_in, refers_to_brand

UNSAFE_HINT = "links may use https, http, mailto or tel, or point at a page of the site"


def _texts(guide: Guide) -> Iterator[tuple[str, Source, bool]]:
    """(text, where, is_markdown) for every author-written text of a guide."""
    yield guide.connector.name, guide.connector.source, False
    yield guide.auth_label, guide.source_of("auth"), False
    for key in ("title", "description", "warning"):
        value = getattr(guide, key)
        if value:
            yield value, _text_source(guide, key), key == "warning"
    for i, c in enumerate(guide.callouts):
        yield c.text, guide.key_sources.get(text_at(f"callouts[{i}].text"), c.source), True
    for a in guide.actions:
        yield a.label, a.source, False
    for i, f in enumerate(guide.fields):
        yield f.label, f.source, False
        if f.description:
            yield (f.description, guide.key_sources.get(text_at(f"fields[{i}].description"),
                                                        f.source), True)
    for section in guide.sections:
        yield from _part_texts(section)
        for step in section.steps:
            yield from _part_texts(step)
            for image in step.images:
                if image.alt:
                    yield image.alt, image.source, False


def _part_texts(part: Section | Step) -> Iterator[tuple[str, Source, bool]]:
    yield part.title, _text_source(part, "title"), True
    if part.content:
        yield part.content, _text_source(part, "content"), True
    for item in part.list:
        yield item.text, item.source, True


def _block_texts(guide: Guide) -> Iterator[tuple[str, Source, bool]]:
    """(text, where, keyed) for every text rendered as Markdown blocks (lists and quotes may
    nest); `keyed`: `where` is the text's own key (a callout's is the callout's start)."""
    if guide.warning:
        yield guide.warning, _text_source(guide, "warning"), True
    for c in guide.callouts:
        yield c.text, c.source, False
    for section in guide.sections:
        for part in (section, *section.steps):
            if part.content:
                yield part.content, _text_source(part, "content"), True


def _text_source(part: Guide | Section | Step, key: str) -> Source:
    """Where the text of `key` starts (`load.text_at`), or else its key."""
    return part.key_sources.get(text_at(key)) or part.source_of(key)


def check_guide(guide: Guide, brands: list[Mapping[str, str]]) -> list[Problem]:
    """Every problem of one guide that the loader cannot see."""
    problems: list[Problem] = []
    add = problems.append

    if not S.SLUG_RE.match(guide.auth_slug):  # e.g. a label without any ASCII letter
        add(Problem(guide.source_of("auth.slug"), f"the URL part {guide.auth_slug!r} made from "
                    f"the auth label {guide.auth_label!r} is not valid", "give the guide an "
                    "auth.slug, or use a label with Latin letters or digits"))
    for what, value, where, fix in (
            ("connector key", guide.connector.key, "connector.key",
             f"choose another key, e.g. '{guide.connector.key}-app'"),
            ("URL part", guide.auth_slug, "auth.slug",
             f"give the guide an auth.slug, e.g. '{guide.auth_slug}-login'")):
        if S.is_reserved_name(value):
            add(Problem(guide.source_of(where), f"the {what} {value!r} is a name Windows "
                        "reserves for a device (CON, PRN, AUX, NUL, COM1-9, LPT1-9): the "
                        "site's files named after it cannot exist there", fix))
    seen: dict[str, Source] = {}
    for action in guide.actions:  # connector files are not checked by the loader
        if not S.ACTION_ID_RE.match(action.id):
            add(Problem(action.source, f"action id {action.id!r} is not valid", S.ACTION_ID_HINT))
        for scope in action.scopes:
            if not S.SCOPE_RE.match(scope):
                add(Problem(action.source, f"scope {scope!r} of action {action.id!r} is not "
                            "valid", S.SCOPE_HINT))
        if action.id in seen:
            add(Problem(action.source, f"duplicate action id {action.id!r}",
                        f"action ids must be unique; the first is at line {seen[action.id].line}"))
        else:
            seen[action.id] = action.source
    declared = set(guide.declared_scopes)

    def check_scopes(part: Section | Step, what: str) -> None:
        for scope in part.scopes:
            if scope not in declared:
                hint = ("declare it in the scopes of an action under 'actions:'" if guide.actions
                        else "add an 'actions:' list whose actions declare the scopes they need")
                add(Problem(part.source_of("scopes"), f"{what} {part.title!r} uses the scope {scope!r}, "
                            "which no action declares", hint))

    if not guide.sections:
        add(Problem(guide.source_of("sections"), "the guide has no sections",
                    "add at least one section with content, a list or steps"))
    for section in guide.sections:
        check_scopes(section, "section")
        if not (section.content or section.list or section.steps):
            add(Problem(section.source, f"section {section.title!r} is empty",
                        "give it content, a list or steps, or remove it"))
        for step in section.steps:
            check_scopes(step, "step")
            if step.display_scopes and not guide.has_scoped_actions:
                add(Problem(step.source, f"step {step.title!r} has display_scopes but no action "
                            "declares scopes", "add scopes to the actions, or remove display_scopes"))
            for image in step.images:
                if not _safe_path(image.src):
                    add(Problem(image.source, f"image src {image.src!r} is not allowed",
                                "use a path inside the docs folder (no '..', no leading '/') "
                                "or an https URL"))

    for text, source, keyed in _block_texts(guide):
        deep = markdown.too_deep(text)
        if deep is not None:
            line, message, hint = deep
            add(Problem(line_in(source, text, line) if keyed else source, message, hint))
    for text, source, is_markdown in _texts(guide):
        _check_text(text, source, is_markdown, brands, problems)
    return problems


def _check_text(text: str, source: Source, is_markdown: bool, brands: list[Mapping[str, str]],
                problems: list[Problem], unsafe: str = "error") -> None:
    """Unsafe link targets of a Markdown text (problems of severity `unsafe`), and its bad
    brand placeholders."""
    if is_markdown and markdown.may_link_unsafely(text):
        for kind, target in markdown.links(text):
            if not markdown.is_safe_url(target):
                problems.append(Problem(_line_of(source, text, target),
                                        f"unsafe {kind} target {target[:60]!r}",
                                        UNSAFE_HINT, severity=unsafe))
    for brand in brands:
        try:
            expand(text, brand, source)
        except GuideError as exc:
            problems.extend(p for p in exc.problems if p not in problems)


def _line_of(source: Source, text: str, part: str) -> Source:
    """Where the line of `text` that holds `part` is (see `line_in`)."""
    at = text.find(part)
    return line_in(source, text, text.count("\n", 0, at) + 1) if at >= 0 else source


def _safe_path(src: str) -> bool:
    if markdown.link_scheme(src) is not None:
        return markdown.link_scheme(src) == "https"
    if src.startswith(("/", "\\")) or "\\" in src:
        return False
    return ".." not in src.split("/")


_HUB_WORDS = re.compile(r"\b(link|connect)\w*\b.*\b(accounts?|hub)\b", re.IGNORECASE)


def hub_repeats(guide: Guide) -> list[Problem]:
    """Warnings for sections and steps that repeat the generated block (linking the account in
    the hub, or creating the connector profile), which every guide page ends with."""
    found: list[Problem] = []
    for section in guide.sections:
        if section.whitelabel is not None:  # marked as hub-specific (hide) or partner-only
            continue
        parts = [(section, "section")] + [(step, "step") for step in section.steps
                                          if step.whitelabel is None]
        for part, what in parts:
            title = markdown.plain(part.title)
            if _HUB_WORDS.search(title) or "brand.hub" in part.title:
                found.append(Problem(part.source_of("title"), f"the {what} {title!r} seems to "
                                     "repeat the generated block that links the account in "
                                     "the hub", "leave it out (the page ends with that block, "
                                     "listing the guide's fields), or mark it whitelabel: hide to keep it "
                                     "on purpose",
                                     severity="warning"))
                break
    return found


# `](` before a target that has no scheme and is not a fragment, or a reference definition:
# text without either cannot link inside the site (parsing every text would cost a build of
# 500 guides about 7% more CPU; autolinks always have a scheme).
_MAY_LINK_LOCALLY = re.compile(r"\]\((?>\s*<?)(?![a-zA-Z][a-zA-Z0-9+.-]*:|#|\))|\]:")


def check_references(guide: Guide, site_paths: Collection[str],
                     docs_dir: Path | None = None, *, site_url: str | None = None) -> list[Problem]:
    """Step images missing from the docs folder, and links and images in the guide's Markdown
    that match no file of the site. `site_paths`: every file of the site by its path in the
    built site (`connectors/x/index.html`, `images/a.png`, twins). A path from the root
    (`/images/a.png`) is resolved from the host's root, as the browser does: on a site served
    below it (`site_url: https://x.test/connect/`) it leaves the site."""
    problems: list[Problem] = []
    for section in guide.sections:
        for step in section.steps:
            for image in step.images:
                src = image.src
                if markdown.link_scheme(src) is not None or not _safe_path(src):
                    continue  # an https URL, or already an error of check_guide
                if src in site_paths or (docs_dir is not None and (docs_dir / src).is_file()):
                    continue
                problems.append(Problem(image.source, f"image {src!r} does not exist in the "
                                        "docs folder", "step images are relative to the docs "
                                        "folder (images/<connector>/<name>.png): check the "
                                        "path and the file name"))
    base = base_path(site_url)
    for text, source, is_markdown in _texts(guide):
        if not is_markdown or not _MAY_LINK_LOCALLY.search(text):
            continue
        for kind, target in markdown.links(text):
            if markdown.link_scheme(target) is not None:
                continue  # external, or already an error of check_guide
            path = link_path(guide.url, target, base=base)
            if path is None or path_exists(path, site_paths):
                continue
            hint = (f"a path in guide text is relative to the guide's page ({guide.url}), or "
                    f"to the site root when it starts with '/'; it resolves to {path!r}")
            if path == ".." or path.startswith("../"):
                where = "leaves the site"
                rest = target.strip().lstrip("/")
                if base != "/" and target.strip().startswith("/") and path_exists(
                        link_path(guide.url, "/" + rest) or "..", site_paths):
                    where = (f"leaves the site, which is served at {base} (site_url): the "
                             f"browser asks the host for {target.strip()}, not {base}{rest}")
                    hint = (f"write it relative to the guide's page ({guide.url}): "
                            f"{from_page(guide.url, rest)}")
            else:
                where = "matches no page or file of the site"
            problems.append(Problem(source, f"{kind} {target!r} {where}", hint))
    return problems


def _connector_texts(info: ConnectorInfo) -> Iterator[tuple[str, Source, bool]]:
    """(text, where, is_markdown) for every text a connector's reference page shows."""
    yield info.connector.name, info.connector.source, False
    if info.description:
        yield info.description, info.source, True
    for method in info.auth_methods:
        yield method.label, method.source, False
        if method.description:
            yield method.description, method.source, True
        for f in (*method.config_fields, *method.setup_fields):
            for text, is_markdown in ((f.label, False), (f.description, True),
                                      (f.tooltip, True), (f.placeholder, False),
                                      *((o, False) for o in f.options)):
                if text:
                    yield text, f.source, is_markdown
    for action in info.actions:
        yield action.label, action.source, False
        if action.description:
            yield action.description, action.source, True


def check_connector(info: ConnectorInfo, brands: list[Mapping[str, str]]) -> list[Problem]:
    """Problems of a connector file's reference texts: unsafe links, bad action ids and
    scopes, unknown brand keys. Texts that do not mention `brand.` are shown as written."""
    problems: list[Problem] = []
    for action in info.actions:
        if not S.ACTION_ID_RE.match(action.id):
            problems.append(Problem(action.source, f"actionId {action.id!r} is not valid",
                                    S.ACTION_ID_HINT))
        for scope in action.scopes:
            if not S.SCOPE_RE.match(scope):
                problems.append(Problem(action.source, f"scope {scope!r} of action "
                                        f"{action.id!r} is not valid", S.SCOPE_HINT))
    for text, source, is_markdown in _connector_texts(info):
        # (the vendor's own texts: an unsafe link is shown as text, and said; not fatal)
        _check_text(text, source, is_markdown, brands if refers_to_brand(text) else [],
                    problems, unsafe="warning")
    return problems
