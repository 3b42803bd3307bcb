"""Many files at once: one connector per provider, one URL per guide.

Files are converted one by one (`convert`), then settled together:

- a provider found under several category prefixes or folders (`crm-hubspot.mdx`,
  `marketing-hubspot.mdx`) is one connector with several categories: every guide of that
  connector key gets `categories: [...]` (sorted), and the name most of them use;
- guides that would land on the same URL (connector key, kind and auth slug) get distinct auth
  slugs, from the first of these that tells all of them apart: what the file name adds after
  the category and key (`hris-hibob-sso.mdx`: `sso`), the category, the file name; else a
  number, in the order of the source paths. The label stays; each guide's report says which
  slug it got and why.

The result does not depend on the order the files were given in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..load import slugify
from .builder import category_of
from .convert import import_file
from .report import ImportFailure, ImportResult
from .writer import write


@dataclass
class ImportBatch:
    """What importing several files produced, in the order the files were given."""

    items: list[ImportResult | ImportFailure] = field(default_factory=list)

    @property
    def results(self) -> list[ImportResult]:
        return [i for i in self.items if isinstance(i, ImportResult)]

    @property
    def failures(self) -> list[ImportFailure]:
        return [i for i in self.items if isinstance(i, ImportFailure)]


def import_files(
    paths: Iterable[Path | str],
    *,
    connector_key: str | None = None,
    connector_name: str | None = None,
    auth_label: str | None = None,
    kind: str | None = None,
) -> ImportBatch:
    """Convert several files (see `import_file`) and settle categories and URLs across them."""
    batch = ImportBatch()
    for path in paths:
        try:
            batch.items.append(import_file(Path(path), connector_key=connector_key,
                                           connector_name=connector_name,
                                           auth_label=auth_label, kind=kind))
        except ImportFailure as exc:
            batch.items.append(exc)
    results = sorted(batch.results, key=lambda r: r.file)
    own = {id(r): r.guide["connector"].get("category") for r in results}
    changed = _merge_connectors(results) | _distinct_slugs(results, own)
    for i, item in enumerate(batch.items):
        if isinstance(item, ImportResult) and id(item) in changed:
            try:
                write(item)
            except ImportFailure as exc:  # pragma: no cover - an importer bug
                batch.items[i] = exc
    return batch


def _merge_connectors(results: list[ImportResult]) -> set[int]:
    """Give every guide of a connector one name (the one most of them use) and all the
    categories its guides have; the ids of the results changed."""
    by_key: dict[str, list[ImportResult]] = {}
    for r in results:
        by_key.setdefault(r.guide["connector"]["key"], []).append(r)
    changed: set[int] = set()
    for key, group in by_key.items():
        names = [r.guide["connector"]["name"] for r in group]
        name = max(dict.fromkeys(names), key=names.count)  # ties: the first by source path
        users = ", ".join(r.file for r, n in zip(group, names, strict=True) if n == name)
        for r in group:
            if r.guide["connector"]["name"] != name:
                r.warn(1, f"connector {key!r} is named {r.guide['connector']['name']!r} here "
                          f"and {name!r} in {users}: written as {name!r}, the name most of "
                          "its guides use")
                r.guide["connector"]["name"] = name
                changed.add(id(r))
        found = {r.guide["connector"].get("category") for r in group} - {None}
        if len(found) < 2:
            continue
        categories = sorted(found, key=lambda c: (c.lower(), c))
        for r in group:
            connector = r.guide["connector"]
            own = connector.pop("category", None)
            connector["categories"] = categories
            others = sorted({o.file for o in group if o is not r})
            r.warn(1, f"connector {key!r} is in {_cats(own)} here and in "
                      f"{_cats(*(c for c in categories if c != own))} in {', '.join(others)}: "
                      f"one connector with categories: [{', '.join(categories)}]")
            changed.add(id(r))
    return changed


def _cats(*names: str | None) -> str:
    shown = [n for n in names if n]
    if not shown:
        return "no category"
    return ("category " if len(shown) == 1 else "categories ") + ", ".join(shown)


def _distinct_slugs(results: list[ImportResult], own: dict[int, str | None]) -> set[int]:
    """Give guides that share a URL distinct auth slugs; the ids of those changed.

    `own` is each guide's category before `_merge_connectors` (by id of the result).
    """
    def url(r: ImportResult) -> tuple[str, str, str]:
        g = r.guide
        return (g["connector"]["key"], g.get("kind", "link-account"),
                g["auth"].get("slug") or slugify(g["auth"]["label"]) or "guide")

    groups: dict[tuple[str, str, str], list[ImportResult]] = {}
    for r in results:
        groups.setdefault(url(r), []).append(r)
    taken = set(groups)
    changed: set[int] = set()
    for (key, kind, slug), group in sorted(groups.items()):
        if len(group) < 2:
            continue
        used = {s for k, d, s in taken if (k, d) == (key, kind)}
        slugs, why = _new_slugs(group, slug, own, used)
        for r, new, reason in zip(group, slugs, why, strict=True):
            taken.add((key, kind, new))
            others = ", ".join(f"{o.file} ({s!r})" for o, s in zip(group, slugs, strict=True)
                               if o is not r)
            where = f"{key}/{slug} is also the URL of other guides"
            if new == slug:
                r.warn(1, f"{where}: this guide keeps the auth slug {slug!r}; the others get "
                          f"{others}")
                continue
            r.guide["auth"]["slug"] = new
            r.warn(1, f"{where}: this guide gets the auth slug {new!r} ({reason}); the others "
                      f"get {others} (set auth.slug to choose another)")
            changed.add(id(r))
    return changed


def _new_slugs(group: list[ImportResult], slug: str, own: dict[int, str | None],
               used: set[str]) -> tuple[list[str], list[str]]:
    """Distinct slugs for a group of guides that share `slug`, and where each came from.

    Each rule adds a part to the slugs that still clash: what the file name adds to the
    connector key, the category, the folder; then those still clashing are numbered.
    """
    key = group[0].guide["connector"]["key"]
    rules: list[tuple[str, Callable[[ImportResult], str | None]]] = [
        ("from the file name", lambda r: (category_of(r.source_name, Path(r.file).parent.name,
                                                      key) or ("", _rest(r.source_name, key)))[1]),
        ("from the category", lambda r: own[id(r)]),
        ("from the folder", lambda r: Path(r.file).parent.name),
    ]
    slugs = [slug] * len(group)
    why: list[list[str]] = [[] for _ in group]
    for reason, part in rules:
        for clash in _clashing(slugs):
            parts = {i: slugify(part(group[i]) or "") for i in clash}
            if len(set(parts.values())) < 2:
                continue  # the rule does not tell these apart
            for i, extra in parts.items():
                new = f"{slugs[i]}-{extra}"
                if extra and not slugs[i].endswith(extra) and new not in used:
                    slugs[i] = new
                    why[i].append(reason)
    for clash in _clashing(slugs):
        n = 2
        for i in clash[1:]:  # the first (by source path) keeps its slug
            while f"{slugs[i]}-{n}" in used or f"{slugs[i]}-{n}" in slugs:
                n += 1
            slugs[i] = f"{slugs[i]}-{n}"
            why[i].append("numbered in the order of the source paths")
    return slugs, [" and ".join(w) for w in why]


def _clashing(slugs: list[str]) -> list[list[int]]:
    """The indices of each slug that occurs more than once, in order."""
    at: dict[str, list[int]] = {}
    for i, s in enumerate(slugs):
        at.setdefault(s, []).append(i)
    return [indices for indices in at.values() if len(indices) > 1]


def _rest(source_name: str, key: str) -> str:
    """What a file name adds after the connector key (`hibob-sso.mdx`: `sso`), else ''."""
    stem = Path(source_name).stem
    return stem.removeprefix(key).strip("-") if stem.startswith(key) else ""
